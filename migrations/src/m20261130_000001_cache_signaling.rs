//! Cache signalling, Odoo's `base_cache_signaling` in our terms: a one-row counter that
//! triggers raise in the same transaction as any change to what the servers cache per
//! user (users, their groups and companies, group implications, group external ids,
//! HTTP sessions ended or changed). Every server process reads it at the start of a
//! call and drops its caches when it moved, so a password change, a group change or a
//! logout made through one process is seen by the others on their next call. Being a
//! row (not a sequence), it moves only when the change commits.
//!
//! Access rights and record rules come from the model declarations, compiled in: they
//! change with the binary, not the database, so nothing signals them.

use sea_orm_migration::async_trait;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::schema::{CACHE_SIGNALING_TABLE, SESSION_TABLE};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000001_cache_signaling"
    }
}

/// Tables whose every change invalidates the caches.
const WATCHED: [&str; 6] = [
    "res_users",
    "res_groups",
    "res_groups_users_rel",
    "res_groups_implied_rel",
    "res_company_users_rel",
    "ir_model_data",
];

fn statements(backend: DbBackend) -> Vec<String> {
    let bump = format!("UPDATE {CACHE_SIGNALING_TABLE} SET value = value + 1 WHERE id = 1");
    let mut out = vec![
        format!("CREATE TABLE IF NOT EXISTS {CACHE_SIGNALING_TABLE} (id integer PRIMARY KEY, value bigint NOT NULL)"),
        format!("INSERT INTO {CACHE_SIGNALING_TABLE} (id, value) VALUES (1, 1)"),
    ];
    let session_change = "UPDATE OF uid, db, login, session_token, context";
    if backend == DbBackend::Postgres {
        out.push(format!(
            "CREATE OR REPLACE FUNCTION ops_signal_cache() RETURNS trigger AS $$ \
             BEGIN {bump}; RETURN NULL; END $$ LANGUAGE plpgsql"
        ));
        for table in WATCHED {
            out.push(format!(
                "CREATE TRIGGER {table}_signal_cache AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE \
                 ON {table} FOR EACH STATEMENT EXECUTE FUNCTION ops_signal_cache()"
            ));
        }
        out.push(format!(
            "CREATE TRIGGER {SESSION_TABLE}_signal_cache AFTER DELETE OR {session_change} \
             ON {SESSION_TABLE} FOR EACH STATEMENT EXECUTE FUNCTION ops_signal_cache()"
        ));
    } else {
        for table in WATCHED {
            for event in ["INSERT", "UPDATE", "DELETE"] {
                let lower = event.to_lowercase();
                out.push(format!(
                    "CREATE TRIGGER {table}_signal_cache_{lower} AFTER {event} ON {table} \
                     BEGIN {bump}; END"
                ));
            }
        }
        out.push(format!(
            "CREATE TRIGGER {SESSION_TABLE}_signal_cache_delete AFTER DELETE ON {SESSION_TABLE} \
             BEGIN {bump}; END"
        ));
        out.push(format!(
            "CREATE TRIGGER {SESSION_TABLE}_signal_cache_update AFTER {session_change} ON {SESSION_TABLE} \
             BEGIN {bump}; END"
        ));
    }
    out
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in statements(db.get_database_backend()) {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let mut tables: Vec<&str> = WATCHED.to_vec();
        tables.push(SESSION_TABLE);
        for table in tables {
            if backend == DbBackend::Postgres {
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS {table}_signal_cache ON {table}"
                ))
                .await?;
            } else {
                for event in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {table}_signal_cache_{event}"
                    ))
                    .await?;
                }
            }
        }
        if backend == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS ops_signal_cache()")
                .await?;
        }
        db.execute_unprepared(&format!("DROP TABLE IF EXISTS {CACHE_SIGNALING_TABLE}"))
            .await?;
        Ok(())
    }
}
