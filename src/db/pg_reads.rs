//! Read-only calls on PostgreSQL in two round trips fewer.
//!
//! Our transactions are PostgreSQL's default READ COMMITTED: every statement of a
//! transaction sees the data committed when that statement began, exactly as the
//! same statement would alone. A read-only call's `BEGIN` and `COMMIT` therefore bought
//! nothing but two round trips of five (begin, cache signal, search, many2one names,
//! commit). Here a read-only call holds one connection of the read-only pool (sessions
//! with `default_transaction_read_only`, so a write still fails) and runs each statement
//! as it comes; sea-orm sees an ordinary [`DatabaseTransaction`] through its proxy
//! connection, whose begin, commit and rollback have nothing to do.
//!
//! Rows are typed from PostgreSQL's column types, as sea-orm's sqlx driver reads them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection, PgRow};
use sea_orm::sqlx::{Column, ConnectOptions as _, Connection as _, Row, TypeInfo, ValueRef as _};
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ProxyDatabaseTrait, ProxyExecResult,
    ProxyRow, Statement, TransactionTrait, Value,
};
use sea_query_binder::SqlxValues;

/// The read-only sessions: at most `size` at once, kept open between calls.
///
/// Not sqlx's pool: it tests every connection given back to it with a round trip
/// (`Sync`, then waiting for `ReadyForQuery`), in a task of its own, before another
/// call may take it. For a read-only call of one statement that doubled the messages
/// exchanged with PostgreSQL and kept each session busy a round trip longer
/// (BENCHMARKS.md, sixth round). Here a session whose statements all ended goes back
/// as it is; one whose statement was abandoned midway, or whose connection broke, is
/// closed.
pub struct PgReads {
    options: PgConnectOptions,
    size: u32,
    slots: Arc<tokio::sync::Semaphore>,
    /// Open sessions and when each was last given back.
    idle: Mutex<Vec<(PgConnection, Instant)>>,
}

impl PgReads {
    /// Sessions to `options` (which make them read-only), `size` at most; none is
    /// opened before a call needs it.
    pub fn new(options: PgConnectOptions, size: u32) -> PgReads {
        PgReads {
            options,
            size,
            slots: Arc::new(tokio::sync::Semaphore::new(size as usize)),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The most sessions open at once.
    pub fn max_connections(&self) -> u32 {
        self.size
    }

    /// The last session given back, checked first when it sat idle long enough for
    /// PostgreSQL or the network to have dropped it; else a new one.
    async fn session(&self) -> Result<PgConnection, DbErr> {
        loop {
            let last = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let Some((mut conn, since)) = last else { break };
            if since.elapsed() < super::PING_AFTER_IDLE || conn.ping().await.is_ok() {
                return Ok(conn);
            }
        }
        let mut conn = self.options.connect().await.map_err(conn_err)?;
        super::warm_up(&mut conn).await;
        Ok(conn)
    }

    fn give_back(&self, conn: PgConnection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < self.size as usize {
            idle.push((conn, Instant::now()));
        }
    }
}

/// A read-only call's session.
struct ReadCall {
    pool: Arc<PgReads>,
    conn: tokio::sync::Mutex<Option<PgConnection>>,
    /// False from a statement's start until it has ended (done, or refused by
    /// PostgreSQL): a session left so (a broken connection, or the call dropped while
    /// its statement ran) is closed instead of given back.
    clean: AtomicBool,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl std::fmt::Debug for ReadCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PostgreSQL read-only call")
    }
}

impl Drop for ReadCall {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.get_mut().take() {
            if *self.clean.get_mut() {
                self.pool.give_back(conn);
            }
        }
    }
}

impl ReadCall {
    /// The session, marked as running a statement until [`ReadCall::ended`].
    async fn session(&self) -> Result<tokio::sync::MappedMutexGuard<'_, PgConnection>, DbErr> {
        let guard = self.conn.lock().await;
        let conn = tokio::sync::MutexGuard::try_map(guard, Option::as_mut)
            .map_err(|_| DbErr::Conn(sea_orm::RuntimeErr::Internal("no session".into())))?;
        self.clean.store(false, Ordering::SeqCst);
        Ok(conn)
    }

    /// A statement's outcome: PostgreSQL's refusal of a statement ends it (sqlx reads
    /// up to the next `ReadyForQuery` before the session's next use); any other error
    /// may not.
    fn ended<T>(&self, done: Result<T, sea_orm::sqlx::Error>) -> Result<T, DbErr> {
        if matches!(&done, Ok(_) | Err(sea_orm::sqlx::Error::Database(_))) {
            self.clean.store(true, Ordering::SeqCst);
        }
        done.map_err(query_err)
    }
}

/// A "transaction" for a read-only call on one of `pool`'s sessions.
pub async fn begin(pool: &Arc<PgReads>) -> Result<DatabaseTransaction, DbErr> {
    let permit = pool
        .slots
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| DbErr::Conn(sea_orm::RuntimeErr::Internal("read pool closed".into())))?;
    let conn = pool.session().await?;
    let call = ReadCall {
        pool: pool.clone(),
        conn: tokio::sync::Mutex::new(Some(conn)),
        clean: AtomicBool::new(true),
        _permit: permit,
    };
    let db = DatabaseConnection::ProxyDatabaseConnection(Arc::new(
        sea_orm::ProxyDatabaseConnection::new(DbBackend::Postgres, Arc::new(Box::new(call))),
    ));
    db.begin().await
}

fn bind(statement: &Statement) -> SqlxValues {
    SqlxValues(
        statement
            .values
            .clone()
            .unwrap_or_else(|| sea_orm::Values(Vec::new())),
    )
}

#[async_trait::async_trait]
impl ProxyDatabaseTrait for ReadCall {
    async fn query(&self, statement: Statement) -> Result<Vec<ProxyRow>, DbErr> {
        let mut conn = self.session().await?;
        let rows = sea_orm::sqlx::query_with(&statement.sql, bind(&statement))
            .fetch_all(&mut *conn)
            .await;
        self.ended(rows)?.iter().map(proxy_row).collect()
    }

    async fn execute(&self, statement: Statement) -> Result<ProxyExecResult, DbErr> {
        let mut conn = self.session().await?;
        let done = sea_orm::sqlx::query_with(&statement.sql, bind(&statement))
            .execute(&mut *conn)
            .await;
        Ok(ProxyExecResult {
            last_insert_id: 0,
            rows_affected: self.ended(done)?.rows_affected(),
        })
    }
}

fn proxy_row(row: &PgRow) -> Result<ProxyRow, DbErr> {
    let mut values = BTreeMap::new();
    for (i, column) in row.columns().iter().enumerate() {
        values.insert(
            column.name().to_string(),
            value(row, i, column.type_info().name())?,
        );
    }
    Ok(ProxyRow::new(values))
}

/// Column `i` of `row` as the sea-orm value its PostgreSQL type reads as.
fn value(row: &PgRow, i: usize, ty: &str) -> Result<Value, DbErr> {
    let null = row.try_get_raw(i).map_err(query_err)?.is_null();
    macro_rules! get {
        ($variant:ident, $t:ty) => {
            Value::$variant(if null {
                None
            } else {
                Some(row.try_get::<$t, _>(i).map_err(query_err)?.into())
            })
        };
    }
    Ok(match ty {
        "BOOL" => get!(Bool, bool),
        "INT2" => get!(SmallInt, i16),
        "INT4" => get!(Int, i32),
        "INT8" => get!(BigInt, i64),
        "FLOAT4" => get!(Float, f32),
        "FLOAT8" => get!(Double, f64),
        "NUMERIC" => get!(Decimal, rust_decimal::Decimal),
        "DATE" => get!(ChronoDate, chrono::NaiveDate),
        "TIMESTAMP" => get!(ChronoDateTime, chrono::NaiveDateTime),
        "TIMESTAMPTZ" => get!(ChronoDateTimeUtc, chrono::DateTime<chrono::Utc>),
        "JSON" | "JSONB" => get!(Json, serde_json::Value),
        "BYTEA" => get!(Bytes, Vec<u8>),
        _ => get!(String, String),
    })
}

fn query_err(e: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Query(sea_orm::RuntimeErr::SqlxError(e))
}

fn conn_err(e: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e))
}

#[cfg(test)]
pub(crate) mod tests {
    use sea_orm::{ConnectionTrait, Database};

    use super::*;

    /// A fresh database on the PostgreSQL server `OPS_TEST_POSTGRES_URL` names.
    pub(crate) async fn database(name: &str) -> String {
        let admin_url = std::env::var("OPS_TEST_POSTGRES_URL")
            .expect("this test runs against OPS_TEST_POSTGRES_URL");
        let admin = Database::connect(&admin_url).await.unwrap();
        let db = format!("ops_pg_reads_{}_{name}", std::process::id());
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{db}\""))
            .await
            .unwrap();
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{db}\""))
            .await
            .unwrap();
        let (prefix, _) = admin_url.rsplit_once('/').unwrap();
        format!("{prefix}/{db}")
    }

    /// Drops the database [`database`] made.
    pub(crate) async fn drop_database(url: &str) {
        let admin = Database::connect(std::env::var("OPS_TEST_POSTGRES_URL").unwrap())
            .await
            .unwrap();
        let db = url.rsplit('/').next().unwrap();
        admin
            .execute_unprepared(&format!("DROP DATABASE \"{db}\" WITH (FORCE)"))
            .await
            .unwrap();
    }

    /// sqlx's read-only sessions on `url` (the server picks them for PostgreSQL reached
    /// over TLS; the test server is local, where it pipelines).
    fn sqlx_readers(url: &str, maxconn: u32) -> crate::db::Readers {
        let size = crate::db::sized(maxconn, crate::db::postgres_read_pool_size());
        crate::db::sqlx_readers(url, size).unwrap()
    }

    fn stmt(sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
    }

    #[tokio::test]
    #[ignore = "needs OPS_TEST_POSTGRES_URL"]
    async fn read_only_calls_decode_rows_and_cannot_write() {
        let url = database("decode").await;
        let writer = crate::db::connect(&url, 0).await.unwrap();
        writer
            .execute_unprepared(
                "CREATE TABLE t (id serial PRIMARY KEY, flag boolean, n integer, big bigint, x double precision, \
                 m numeric, s varchar, d date, at timestamp);
                 INSERT INTO t (flag, n, big, x, m, s, d, at) VALUES
                   (true, 7, 9000000000, 2.5, 12.50, 'a', '2026-11-30', '2026-11-30 12:00:00'),
                   (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);",
            )
            .await
            .unwrap();
        let readers = sqlx_readers(&url, 0);
        let tx = readers.begin().await.unwrap();
        let rows = tx
            .query_all(stmt(
                "SELECT id, flag, n, big, x, m, s, d, at, COUNT(*) OVER () AS total FROM t WHERE id >= $1 ORDER BY id",
                vec![Value::Int(Some(1))],
            ))
            .await
            .unwrap();
        let r = &rows[0];
        assert_eq!(r.try_get_by::<i32, _>("id").unwrap(), 1);
        assert_eq!(r.try_get_by::<Option<bool>, _>("flag").unwrap(), Some(true));
        assert_eq!(r.try_get_by::<Option<i32>, _>("n").unwrap(), Some(7));
        assert_eq!(
            r.try_get_by::<Option<i64>, _>("big").unwrap(),
            Some(9_000_000_000)
        );
        assert_eq!(r.try_get_by::<Option<f64>, _>("x").unwrap(), Some(2.5));
        assert_eq!(
            r.try_get_by::<Option<rust_decimal::Decimal>, _>("m")
                .unwrap(),
            Some(rust_decimal::Decimal::new(1250, 2))
        );
        assert_eq!(
            r.try_get_by::<Option<String>, _>("s").unwrap().as_deref(),
            Some("a")
        );
        assert_eq!(
            r.try_get_by::<Option<chrono::NaiveDate>, _>("d").unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
        );
        assert!(r
            .try_get_by::<Option<chrono::NaiveDateTime>, _>("at")
            .unwrap()
            .is_some());
        assert_eq!(r.try_get_by::<i64, _>("total").unwrap(), 2);
        let r = &rows[1];
        assert_eq!(r.try_get_by::<Option<bool>, _>("flag").unwrap(), None);
        assert_eq!(r.try_get_by::<Option<i32>, _>("n").unwrap(), None);
        assert_eq!(
            r.try_get_by::<Option<rust_decimal::Decimal>, _>("m")
                .unwrap(),
            None
        );
        assert_eq!(r.try_get_by::<Option<String>, _>("s").unwrap(), None);
        assert_eq!(
            r.try_get_by::<Option<chrono::NaiveDate>, _>("d").unwrap(),
            None
        );
        // A call wrongly flagged read-only fails instead of writing.
        let err = tx
            .execute(stmt("DELETE FROM t", vec![]))
            .await
            .expect_err("a read-only session must refuse a write");
        assert!(err.to_string().contains("read-only transaction"), "{err}");
        tx.commit().await.unwrap();
        let left = writer
            .query_all(stmt("SELECT id FROM t", vec![]))
            .await
            .unwrap();
        assert_eq!(left.len(), 2, "the write changed nothing");
        drop(readers);
        writer.close().await.unwrap();
        drop_database(&url).await;
    }

    /// The backend process a read-only call runs on.
    async fn backend(readers: &crate::db::Readers) -> i32 {
        let tx = readers.begin().await.unwrap();
        let row = tx
            .query_one(stmt("SELECT pg_backend_pid() AS pid", vec![]))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by::<i32, _>("pid").unwrap()
    }

    #[tokio::test]
    #[ignore = "needs OPS_TEST_POSTGRES_URL"]
    async fn a_session_goes_back_as_it_is_unless_a_statement_was_cut_short() {
        let url = database("reuse").await;
        let writer = crate::db::connect(&url, 0).await.unwrap();
        let readers = sqlx_readers(&url, 2);
        let first = backend(&readers).await;
        assert_eq!(backend(&readers).await, first, "the session is reused");

        // A statement PostgreSQL refuses ends cleanly: the session goes on.
        let tx = readers.begin().await.unwrap();
        assert!(tx.query_all(stmt("SELECT 1/0", vec![])).await.is_err());
        drop(tx);
        assert_eq!(backend(&readers).await, first);

        // A call dropped while its statement runs: the session is closed.
        let tx = readers.begin().await.unwrap();
        let slow = tx.query_all(stmt("SELECT pg_sleep(5)", vec![]));
        let cut = tokio::time::timeout(std::time::Duration::from_millis(100), slow).await;
        assert!(cut.is_err(), "the statement was still running");
        drop(tx);
        let next = backend(&readers).await;
        assert_ne!(next, first, "a session cut short is not given back");
        assert_eq!(backend(&readers).await, next);
        drop(readers);
        drop(writer);
        drop_database(&url).await;
    }

    #[tokio::test]
    #[ignore = "needs OPS_TEST_POSTGRES_URL"]
    async fn db_maxconn_sizes_both_pools_and_zero_sizes_them_from_the_cores() {
        let url = database("maxconn").await;
        let writer_max = |writer: &sea_orm::DatabaseConnection| {
            writer
                .get_postgres_connection_pool()
                .options()
                .get_max_connections()
        };
        let max_of = |readers: &crate::db::Readers| match readers {
            crate::db::Readers::Postgres(pool) => pool.max_connections(),
            crate::db::Readers::Pipelined(pool) => pool.max_connections(),
            _ => panic!("PostgreSQL readers expected"),
        };
        let writer = crate::db::connect(&url, 5).await.unwrap();
        assert_eq!(writer_max(&writer), 5);
        let readers = crate::db::readers(&url, &writer, 2).unwrap();
        assert_eq!(max_of(&readers), 2);
        let readers = crate::db::readers(&url, &writer, 0).unwrap();
        assert_eq!(max_of(&readers), crate::db::postgres_read_pool_size());
        writer.close().await.unwrap();
        let writer = crate::db::connect(&url, 0).await.unwrap();
        assert_eq!(writer_max(&writer), crate::db::postgres_pool_size());
        writer.close().await.unwrap();
        drop_database(&url).await;
    }
}
