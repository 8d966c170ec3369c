//! Database connections (SQLite or PostgreSQL through sea-orm) and the mapping of
//! database errors to Odoo's `ValidationError`.

use std::str::FromStr;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, SqlxPostgresConnector,
    SqlxSqliteConnector, TransactionTrait,
};

use std::sync::LazyLock;

use models::Constraint;

use crate::errors::OdooError;

mod pg_pipeline;
mod pg_reads;
mod sqlite_reads;

/// Opens the database for writing. SQLite files get WAL mode, a busy timeout, foreign
/// keys and case-sensitive LIKE (Odoo's `like` is case-sensitive); their directory is
/// created. SQLite writes on one pooled connection: one writer at a time is what SQLite
/// offers anyway, without `SQLITE_BUSY` surprises; reads go to [`readers`].
/// PostgreSQL gets a pool sized for the machine ([`postgres_pool_size`]).
/// At most `maxconn` connections to PostgreSQL (the `db_maxconn` setting; 0:
/// [`postgres_pool_size`]).
pub async fn connect(url: &str, maxconn: u32) -> anyhow::Result<DatabaseConnection> {
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
        // A file does not hang up: no ping (a round trip to sqlx's worker thread)
        // before each call.
        let pool = sea_orm::sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
    } else {
        use sea_orm::sqlx::ConnectOptions as _;
        let options =
            sea_orm::sqlx::postgres::PgConnectOptions::from_str(url)?.disable_statement_logging();
        let pool = postgres_pool_options(sized(maxconn, postgres_pool_size()))
            .connect_with(options)
            .await?;
        Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pool))
    }
}

/// How long a pooled PostgreSQL connection may sit unused before it is checked (a
/// ping) on its way out of the pool.
const PING_AFTER_IDLE: std::time::Duration = std::time::Duration::from_secs(10);

/// The pools' options on PostgreSQL: `size` connections, and a ping
/// before handing out only a connection that sat unused for a while. sqlx pings every
/// connection it hands out by default: one round trip more per call, for connections
/// that were in use a millisecond ago. A connection that breaks under load fails its
/// call and is dropped, as it would after a successful ping anyway.
fn postgres_pool_options(size: u32) -> sea_orm::sqlx::postgres::PgPoolOptions {
    sea_orm::sqlx::postgres::PgPoolOptions::new()
        .max_connections(size)
        .test_before_acquire(false)
        .after_connect(|conn, _| {
            Box::pin(async move {
                warm_up(conn).await;
                Ok(())
            })
        })
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_AFTER_IDLE {
                    use sea_orm::sqlx::Connection as _;
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

/// What every PostgreSQL session the server opens runs first: it has its backend
/// allocate and free one 4 MiB block.
///
/// A backend built on glibc's malloc (Debian's, for one) gives the top of its heap
/// back to the kernel whenever more than 128 KiB of it is free. A statement scanning a
/// B-tree index allocates a scan state of about 27 KiB; where that falls past the
/// heap's top, glibc grew the heap with `brk` and gave it back when the statement
/// ended, so every statement of a session paid three `brk` calls and the page faults
/// of memory the kernel hands out zeroed anew (`strace` on a read-only backend under
/// load, BENCHMARKS.md, thirteenth round: 7 µs of PostgreSQL's kernel time per
/// `search_read`). A freed block above glibc's mmap threshold raises that threshold to
/// its size and the trimming threshold to twice that, for the backend's life: its heap
/// then keeps up to 8 MiB free instead of 128 KiB. Elsewhere it is one cheap statement;
/// a session where it fails is used as it is.
pub(crate) const BACKEND_WARM_UP: &str = "SELECT length(repeat('x', 4194304))";

/// [`BACKEND_WARM_UP`] on a new sqlx session. It only spares the backend work later: a
/// session where it fails (a server that refuses it) is used as it is, and a broken
/// one fails its first call as it would have anyway.
pub(crate) async fn warm_up(conn: &mut sea_orm::sqlx::PgConnection) {
    if let Err(e) = sea_orm::sqlx::Executor::execute(conn, BACKEND_WARM_UP).await {
        tracing::debug!("a PostgreSQL session's warm-up failed: {e}");
    }
}

/// Connections to PostgreSQL: a few per core keep every core busy while others wait on
/// the network; more would only queue inside the server.
pub fn postgres_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u32;
    (cores * 4).clamp(8, 64)
}

/// Read-only sessions on PostgreSQL: one per core and one more. A read-only call is
/// one statement or a few, and holds its session from the first to its answer; a
/// writer waits on commits and wants more. With PostgreSQL on the server's machine, its
/// backends and the server share the cores: eight read sessions on two cores made
/// them contend (BENCHMARKS.md, "Fifth round": 2.9k against 3.6k `search_read`/s at 64
/// connections, p99 31-49 ms against 22-28 ms). A call past them waits its turn in the
/// pool.
pub fn postgres_read_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u32;
    (cores + 1).clamp(2, 64)
}

/// `maxconn` (the `db_maxconn` setting) when set, else `default`.
pub(crate) fn sized(maxconn: u32, default: u32) -> u32 {
    if maxconn == 0 {
        default
    } else {
        maxconn
    }
}

/// Where read-only calls run: on a SQLite file, read-only connections beside the
/// writer ([`sqlite_reads`]); on PostgreSQL, a pool of read-only sessions ([`pg_reads`]);
/// otherwise the writer's pool (`Shared`, in a `READ ONLY` transaction on PostgreSQL).
#[derive(Clone)]
pub enum Readers {
    Shared(DatabaseConnection),
    /// A pool of its own whose sessions are `default_transaction_read_only`; a call's
    /// statements run without `BEGIN`/`COMMIT` ([`pg_reads`]).
    Postgres(std::sync::Arc<pg_reads::PgReads>),
    /// Shared sessions whose statements are pipelined ([`pg_pipeline`]): PostgreSQL
    /// reached without TLS.
    Pipelined(std::sync::Arc<pg_pipeline::PgPipeline>),
    Sqlite(std::sync::Arc<sqlite_reads::SqliteReads>),
}

impl Readers {
    /// A transaction for a call that only reads.
    pub async fn begin(&self) -> Result<sea_orm::DatabaseTransaction, DbErr> {
        match self {
            Readers::Sqlite(pool) => pool.begin().await,
            Readers::Postgres(pool) => pg_reads::begin(pool).await,
            Readers::Pipelined(pool) => pg_pipeline::begin(pool).await,
            Readers::Shared(db) if db.get_database_backend() == DbBackend::Postgres => {
                db.begin_with_config(None, Some(sea_orm::AccessMode::ReadOnly))
                    .await
            }
            Readers::Shared(db) => db.begin().await,
        }
    }
}

/// `size` of sqlx's read-only sessions on the PostgreSQL server `url` names
/// ([`pg_reads`]): what [`readers`] picks where the server may need TLS.
pub(crate) fn sqlx_readers(url: &str, size: u32) -> anyhow::Result<Readers> {
    use sea_orm::sqlx::ConnectOptions as _;
    let options = sea_orm::sqlx::postgres::PgConnectOptions::from_str(url)?
        .options([("default_transaction_read_only", "on")])
        .disable_statement_logging();
    Ok(Readers::Postgres(std::sync::Arc::new(
        pg_reads::PgReads::new(options, size),
    )))
}

/// The connections read-only calls run on. SQLite (a file, in WAL mode since
/// [`connect`]): a pool of connections opened read-only, so a read runs beside the
/// writer and never takes the write lock, and a call wrongly flagged read-only fails
/// instead of writing. PostgreSQL: a second pool of read-only sessions. In-memory
/// SQLite: the writer's pool. Connects lazily.
/// At most `maxconn` read-only sessions on PostgreSQL (0: [`postgres_read_pool_size`]).
pub fn readers(url: &str, writer: &DatabaseConnection, maxconn: u32) -> anyhow::Result<Readers> {
    let Some(rest) = url.strip_prefix("sqlite:") else {
        if writer.get_database_backend() != DbBackend::Postgres {
            return Ok(Readers::Shared(writer.clone()));
        }
        let size = sized(maxconn, postgres_read_pool_size());
        if let Some(pipeline) = pg_pipeline::PgPipeline::new(url, size) {
            return Ok(Readers::Pipelined(std::sync::Arc::new(pipeline)));
        }
        return sqlx_readers(url, size);
    };
    let file = rest.trim_start_matches("//");
    let file = file.split('?').next().unwrap_or(file);
    if file.is_empty() || file.contains(":memory:") || url.contains("mode=memory") {
        return Ok(Readers::Shared(writer.clone()));
    }
    Ok(Readers::Sqlite(std::sync::Arc::new(
        sqlite_reads::SqliteReads::new(std::path::PathBuf::from(file)),
    )))
}

pub fn is_sqlite(db: &DatabaseConnection) -> bool {
    db.get_database_backend() == DbBackend::Sqlite
}

impl From<DbErr> for OdooError {
    fn from(e: DbErr) -> Self {
        map_db_error(e)
    }
}

/// Each declared unique constraint: the names the database gives its violation
/// (the index name on PostgreSQL, `table.column, ...` on SQLite) and its message.
struct UniqueConstraint {
    index: String,
    sqlite_columns: String,
    message: &'static str,
}

static UNIQUE_CONSTRAINTS: LazyLock<Vec<UniqueConstraint>> = LazyLock::new(|| {
    let mut out = Vec::new();
    for model in models::all() {
        for c in &model.constraints {
            let Constraint::SqlUnique {
                name,
                fields,
                message,
            } = c;
            out.push(UniqueConstraint {
                index: format!("{}_{}", model.table, name),
                sqlite_columns: fields
                    .iter()
                    .map(|f| format!("{}.{}", model.table, f))
                    .collect::<Vec<_>>()
                    .join(", "),
                message,
            });
        }
    }
    out
});

/// The declared message of the unique constraint a database error names.
fn unique_constraint_message(error_text: &str) -> Option<&'static str> {
    UNIQUE_CONSTRAINTS
        .iter()
        .find(|c| {
            error_text.contains(&format!("\"{}\"", c.index))
                || error_text.contains(&format!("failed: {}", c.sqlite_columns))
        })
        .map(|c| c.message)
}

/// Turns constraint violations into Odoo's `ValidationError`; everything else is internal.
pub fn map_db_error(e: DbErr) -> OdooError {
    let text = e.to_string();
    let lower = text.to_lowercase();
    if lower.contains("unique constraint") || lower.contains("duplicate key") {
        if let Some(message) = unique_constraint_message(&text) {
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
    // PostgreSQL cannot index a value beyond about 2.7 KB (a 1 MB name on an indexed
    // field). Odoo lets the raw ProgramLimitExceeded through; ours is a clean
    // ValidationError in the format Odoo gives other database refusals.
    if lower.contains("index row size") || lower.contains("index row requires") {
        let detail = text
            .rsplit("error returned from database: ")
            .next()
            .unwrap_or(&text);
        return OdooError::ValidationError(format!("The operation cannot be completed: {detail}"));
    }
    OdooError::Internal(text)
}
