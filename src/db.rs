//! Database connections (SQLite or PostgreSQL through sea-orm) and the mapping of
//! database errors to Odoo's `ValidationError`.

use std::str::FromStr;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    SqlxSqliteConnector,
};

use crate::errors::OdooError;
use crate::orm::registry::registry;

/// Opens the database. SQLite files get WAL mode, a busy timeout, foreign keys and
/// case-sensitive LIKE (Odoo's `like` is case-sensitive); their directory is created.
/// SQLite runs on one pooled connection: every RPC call is a transaction, and one
/// writer at a time is what SQLite offers anyway, without `SQLITE_BUSY` surprises.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        let file = path.split('?').next().unwrap_or(path);
        if !file.is_empty() && file != ":memory:" {
            if let Some(dir) = std::path::Path::new(file).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
            }
        }
        let options = sea_orm::sqlx::sqlite::SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
            .busy_timeout(std::time::Duration::from_secs(10))
            // Every committed call (a captured payment among them) survives a power cut.
            .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
            .foreign_keys(true)
            .pragma("case_sensitive_like", "ON");
        let pool = sea_orm::sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
    } else {
        let mut opts = ConnectOptions::new(url.to_string());
        opts.max_connections(16).sqlx_logging(false);
        Ok(Database::connect(opts).await?)
    }
}

pub fn is_sqlite(db: &DatabaseConnection) -> bool {
    db.get_database_backend() == DbBackend::Sqlite
}

/// Turns constraint violations into Odoo's `ValidationError`; everything else is internal.
pub fn map_db_error(e: DbErr) -> OdooError {
    let text = e.to_string();
    let lower = text.to_lowercase();
    if lower.contains("unique constraint") || lower.contains("duplicate key") {
        if let Some(message) = registry().unique_constraint_message(&text) {
            return OdooError::ValidationError(message.to_string());
        }
        return OdooError::ValidationError(
            "The operation cannot be completed: a record with the same value already exists."
                .into(),
        );
    }
    if lower.contains("foreign key") {
        return OdooError::ValidationError(
            "The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.".into(),
        );
    }
    if lower.contains("not null") {
        return OdooError::ValidationError(
            "The operation cannot be completed: a mandatory field is not set.".into(),
        );
    }
    OdooError::Internal(text)
}
