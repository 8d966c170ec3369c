//! Read-only calls on PostgreSQL, pipelined: concurrent calls share a few connections
//! and their statements travel together.
//!
//! A read-only call needs no transaction of its own ([`super::pg_reads`] says why:
//! under READ COMMITTED each statement sees what was committed when it began, exactly
//! as it would alone). Nothing ties a read-only statement to a session, so the calls
//! of the moment can share sessions: here each session is a `tokio-postgres` client,
//! which queues the statements of every call using it and writes the queue in one
//! go; PostgreSQL runs them back to back and answers them in one go. Under load a
//! statement then costs one system call and one wake-up of a backend for several
//! statements, on our side and on PostgreSQL's, instead of each (BENCHMARKS.md,
//! eighth round).
//!
//! Used when the server need not encrypt: a Unix socket, a loopback address, or
//! `sslmode=disable`. Otherwise read-only calls keep sqlx's sessions
//! ([`super::pg_reads`]), with sqlx's TLS.
//!
//! Statements are prepared once per session, with the parameter types sqlx would have
//! declared for the same values; rows are typed from PostgreSQL's column types, as
//! sea-orm's sqlx driver reads them.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::BytesMut;
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ProxyDatabaseTrait, ProxyExecResult,
    ProxyRow, Statement, TransactionTrait, Value,
};
use tokio_postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use tokio_postgres::{Client, Config, NoTls, Row};

/// Prepared statements kept per session; past this many the session starts over
/// (dropping a statement closes it on the server).
const PREPARED_MAX: usize = 256;

/// Calls on one session at a time, at most. A session's calls wait behind each other,
/// and behind its backend when the kernel has that process waiting for a core (up to
/// 30 ms seen under `perf sched` on a loaded 2-core machine): unbounded, all 64 calls of
/// a load queued on three sessions, and a stalled backend held a third of them. Past
/// `DEPTH` per session a call waits for the first free place on any session, in arrival
/// order (BENCHMARKS.md, tenth round: wrk's p99 at 64 connections from 31-81 ms to 9-16
/// ms, the rate unchanged).
const DEPTH: usize = 12;

/// Statements longer than this are prepared for their call only.
const KEPT_SQL_MAX: usize = 16 * 1024;

/// `size` shared sessions, opened when first needed and opened again when broken.
pub struct PgPipeline {
    config: Config,
    slots: Vec<Slot>,
    /// [`DEPTH`] places per session; a call finding none free waits here, in turn.
    places: Arc<tokio::sync::Semaphore>,
}

struct Slot {
    session: tokio::sync::Mutex<Option<Arc<Session>>>,
    /// The calls on this session now.
    calls: AtomicUsize,
}

struct Session {
    client: Client,
    prepared: Mutex<Prepared>,
}

/// Statements prepared on a session, by their text, then by their parameters' types.
/// The text is hashed on every call: foldhash, seeded per process, instead of SipHash
/// (a statement's text is hundreds of bytes: SipHash took 1.2% of a `search_read`'s
/// instructions; the map is bounded by [`PREPARED_MAX`]).
type Prepared =
    HashMap<String, Vec<(Vec<Type>, tokio_postgres::Statement)>, foldhash::fast::RandomState>;

impl PgPipeline {
    /// `size` sessions on the server `url` names, each read-only; `None` when the
    /// connection may need TLS (a distant server, or `sslmode=require` or stricter
    /// anywhere) or the URL holds options of sqlx's that `tokio-postgres` does not read.
    pub fn new(url: &str, size: u32) -> Option<PgPipeline> {
        let mut config: Config = url.parse().ok()?;
        use tokio_postgres::config::SslMode;
        let plain = config.get_ssl_mode() == SslMode::Disable
            || (config.get_ssl_mode() == SslMode::Prefer
                && !config.get_hosts().is_empty()
                && config.get_hosts().iter().all(|h| match h {
                    tokio_postgres::config::Host::Unix(_) => true,
                    tokio_postgres::config::Host::Tcp(name) => is_loopback(name),
                }));
        if !plain || config.get_hostaddrs().iter().any(|a| !a.is_loopback()) {
            return None;
        }
        let options = match config.get_options() {
            Some(o) => format!("{o} -c default_transaction_read_only=on"),
            None => "-c default_transaction_read_only=on".to_string(),
        };
        config.options(&options).ssl_mode(SslMode::Disable);
        Some(PgPipeline {
            config,
            slots: (0..size.max(1))
                .map(|_| Slot {
                    session: tokio::sync::Mutex::new(None),
                    calls: AtomicUsize::new(0),
                })
                .collect(),
            places: Arc::new(tokio::sync::Semaphore::new(size.max(1) as usize * DEPTH)),
        })
    }

    /// How many sessions the calls share.
    pub fn max_connections(&self) -> u32 {
        self.slots.len() as u32
    }

    /// A place ([`DEPTH`]), then the session with the fewest calls on it, opened
    /// (again) if it is not open, and counted as taken until the returned [`Taken`] is
    /// dropped. A call's statements wait behind those queued before them on their
    /// session: the least busy one keeps that wait short and even.
    async fn session(self: &Arc<Self>) -> Result<(Arc<Session>, Taken), DbErr> {
        let place = self
            .places
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| DbErr::Custom("the read-only sessions are closed".into()))?;
        let i = (0..self.slots.len())
            .min_by_key(|&i| self.slots[i].calls.load(Ordering::Relaxed))
            .unwrap_or(0);
        self.slots[i].calls.fetch_add(1, Ordering::Relaxed);
        let taken = Taken {
            pool: self.clone(),
            slot: i,
            _place: place,
        };
        Ok((self.open(i).await?, taken))
    }

    async fn open(&self, i: usize) -> Result<Arc<Session>, DbErr> {
        let mut slot = self.slots[i].session.lock().await;
        if let Some(session) = slot.as_ref().filter(|s| !s.client.is_closed()) {
            return Ok(session.clone());
        }
        let (client, connection) = self.config.connect(NoTls).await.map_err(conn_err)?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!("a read-only PostgreSQL session ended: {e}");
            }
        });
        let session = Arc::new(Session {
            client,
            prepared: Mutex::new(Prepared::default()),
        });
        *slot = Some(session.clone());
        Ok(session)
    }
}

/// A call's place on a session, given back when the call ends.
struct Taken {
    pool: Arc<PgPipeline>,
    slot: usize,
    _place: tokio::sync::OwnedSemaphorePermit,
}

impl Drop for Taken {
    fn drop(&mut self) {
        self.pool.slots[self.slot]
            .calls
            .fetch_sub(1, Ordering::Relaxed);
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback())
}

impl Session {
    /// `sql` prepared with `types` on this session: kept, unless the text is long (a
    /// domain with thousands of ids), so that what is kept stays a few MiB.
    async fn prepared(
        &self,
        sql: &str,
        types: &[Type],
    ) -> Result<tokio_postgres::Statement, DbErr> {
        let kept = self
            .lock()
            .get(sql)
            .and_then(|shapes| shapes.iter().find(|(t, _)| t.as_slice() == types))
            .map(|(_, s)| s.clone());
        if let Some(statement) = kept {
            return Ok(statement);
        }
        let statement = self
            .client
            .prepare_typed(sql, types)
            .await
            .map_err(query_err)?;
        if sql.len() <= KEPT_SQL_MAX {
            let mut prepared = self.lock();
            if prepared.len() >= PREPARED_MAX {
                prepared.clear();
            }
            prepared
                .entry(sql.to_string())
                .or_default()
                .push((types.to_vec(), statement.clone()));
        }
        Ok(statement)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Prepared> {
        self.prepared.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn run(
        &self,
        statement: &Statement,
    ) -> Result<(tokio_postgres::Statement, Vec<Param>), DbErr> {
        let params = statement
            .values
            .as_ref()
            .map(|v| v.0.iter().map(Param::of).collect::<Result<Vec<_>, _>>())
            .transpose()?
            .unwrap_or_default();
        let types: Vec<Type> = params.iter().map(Param::ty).collect();
        Ok((self.prepared(&statement.sql, &types).await?, params))
    }
}

/// A "transaction" for a read-only call: its statements go to one shared session.
pub async fn begin(pool: &Arc<PgPipeline>) -> Result<DatabaseTransaction, DbErr> {
    let (session, taken) = pool.session().await?;
    let call = PipelinedCall {
        session,
        _taken: taken,
    };
    let db = DatabaseConnection::ProxyDatabaseConnection(Arc::new(
        sea_orm::ProxyDatabaseConnection::new(DbBackend::Postgres, Arc::new(Box::new(call))),
    ));
    db.begin().await
}

struct PipelinedCall {
    session: Arc<Session>,
    _taken: Taken,
}

impl std::fmt::Debug for PipelinedCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PostgreSQL read-only call (pipelined)")
    }
}

fn refs(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

#[async_trait::async_trait]
impl ProxyDatabaseTrait for PipelinedCall {
    async fn query(&self, statement: Statement) -> Result<Vec<ProxyRow>, DbErr> {
        let (prepared, params) = self.session.run(&statement).await?;
        let rows = self
            .session
            .client
            .query(&prepared, &refs(&params))
            .await
            .map_err(query_err)?;
        rows.iter()
            .map(|row| proxy_row(row, prepared.columns()))
            .collect()
    }

    async fn execute(&self, statement: Statement) -> Result<ProxyExecResult, DbErr> {
        let (prepared, params) = self.session.run(&statement).await?;
        let rows_affected = self
            .session
            .client
            .execute(&prepared, &refs(&params))
            .await
            .map_err(query_err)?;
        Ok(ProxyExecResult {
            last_insert_id: 0,
            rows_affected,
        })
    }
}

fn proxy_row(row: &Row, columns: &[tokio_postgres::Column]) -> Result<ProxyRow, DbErr> {
    let mut values = BTreeMap::new();
    for (i, column) in columns.iter().enumerate() {
        values.insert(column.name().to_string(), value(row, i, column.type_())?);
    }
    Ok(ProxyRow::new(values))
}

/// Column `i` of `row` as the sea-orm value its PostgreSQL type reads as (the same
/// mapping as [`super::pg_reads`]).
fn value(row: &Row, i: usize, ty: &Type) -> Result<Value, DbErr> {
    macro_rules! get {
        ($variant:ident, $t:ty) => {
            Value::$variant(
                row.try_get::<_, Option<$t>>(i)
                    .map_err(query_err)?
                    .map(Into::into),
            )
        };
    }
    Ok(match *ty {
        Type::BOOL => get!(Bool, bool),
        Type::INT2 => get!(SmallInt, i16),
        Type::INT4 => get!(Int, i32),
        Type::INT8 => get!(BigInt, i64),
        Type::FLOAT4 => get!(Float, f32),
        Type::FLOAT8 => get!(Double, f64),
        Type::NUMERIC => get!(Decimal, rust_decimal::Decimal),
        Type::DATE => get!(ChronoDate, chrono::NaiveDate),
        Type::TIMESTAMP => get!(ChronoDateTime, chrono::NaiveDateTime),
        Type::TIMESTAMPTZ => get!(ChronoDateTimeUtc, chrono::DateTime<chrono::Utc>),
        Type::JSON | Type::JSONB => get!(Json, serde_json::Value),
        Type::BYTEA => get!(Bytes, Vec<u8>),
        _ => get!(String, String),
    })
}

/// A statement's parameter, typed as sqlx (through sea-query's binder) types it.
#[derive(Debug)]
enum Param {
    Bool(Option<bool>),
    I16(Option<i16>),
    I32(Option<i32>),
    I64(Option<i64>),
    F32(Option<f32>),
    F64(Option<f64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
    Json(Option<serde_json::Value>),
    Date(Option<chrono::NaiveDate>),
    Time(Option<chrono::NaiveTime>),
    DateTime(Option<chrono::NaiveDateTime>),
    DateTimeUtc(Option<chrono::DateTime<chrono::Utc>>),
    Decimal(Option<rust_decimal::Decimal>),
}

impl Param {
    fn of(v: &Value) -> Result<Param, DbErr> {
        let utc = |d: chrono::DateTime<chrono::FixedOffset>| d.with_timezone(&chrono::Utc);
        Ok(match v {
            Value::Bool(b) => Param::Bool(*b),
            Value::TinyInt(n) => Param::I16(n.map(i16::from)),
            Value::SmallInt(n) => Param::I16(*n),
            Value::Int(n) => Param::I32(*n),
            Value::BigInt(n) => Param::I64(*n),
            Value::TinyUnsigned(n) => Param::I16(n.map(i16::from)),
            Value::SmallUnsigned(n) => Param::I32(n.map(i32::from)),
            Value::Unsigned(n) => Param::I64(n.map(i64::from)),
            Value::BigUnsigned(n) => Param::I64(
                n.map(i64::try_from)
                    .transpose()
                    .map_err(|_| DbErr::Custom("an unsigned value beyond i64".into()))?,
            ),
            Value::Float(x) => Param::F32(*x),
            Value::Double(x) => Param::F64(*x),
            Value::String(s) => Param::Text(s.as_deref().cloned()),
            Value::Char(c) => Param::Text(c.map(String::from)),
            Value::Bytes(b) => Param::Bytes(b.as_deref().cloned()),
            Value::Json(j) => Param::Json(j.as_deref().cloned()),
            Value::ChronoDate(d) => Param::Date(d.as_deref().copied()),
            Value::ChronoTime(t) => Param::Time(t.as_deref().copied()),
            Value::ChronoDateTime(d) => Param::DateTime(d.as_deref().copied()),
            Value::ChronoDateTimeUtc(d) => Param::DateTimeUtc(d.as_deref().copied()),
            Value::ChronoDateTimeLocal(d) => {
                Param::DateTimeUtc(d.as_deref().map(|d| d.with_timezone(&chrono::Utc)))
            }
            Value::ChronoDateTimeWithTimeZone(d) => {
                Param::DateTimeUtc(d.as_deref().copied().map(utc))
            }
            Value::Decimal(d) => Param::Decimal(d.as_deref().copied()),
            other => {
                return Err(DbErr::Custom(format!(
                    "a value of a type read-only calls do not bind: {other:?}"
                )))
            }
        })
    }

    fn ty(&self) -> Type {
        match self {
            Param::Bool(_) => Type::BOOL,
            Param::I16(_) => Type::INT2,
            Param::I32(_) => Type::INT4,
            Param::I64(_) => Type::INT8,
            Param::F32(_) => Type::FLOAT4,
            Param::F64(_) => Type::FLOAT8,
            Param::Text(_) => Type::TEXT,
            Param::Bytes(_) => Type::BYTEA,
            Param::Json(_) => Type::JSONB,
            Param::Date(_) => Type::DATE,
            Param::Time(_) => Type::TIME,
            Param::DateTime(_) => Type::TIMESTAMP,
            Param::DateTimeUtc(_) => Type::TIMESTAMPTZ,
            Param::Decimal(_) => Type::NUMERIC,
        }
    }
}

impl ToSql for Param {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Param::Bool(v) => v.to_sql(ty, out),
            Param::I16(v) => v.to_sql(ty, out),
            Param::I32(v) => v.to_sql(ty, out),
            Param::I64(v) => v.to_sql(ty, out),
            Param::F32(v) => v.to_sql(ty, out),
            Param::F64(v) => v.to_sql(ty, out),
            Param::Text(v) => v.to_sql(ty, out),
            Param::Bytes(v) => v.to_sql(ty, out),
            Param::Json(v) => v.to_sql(ty, out),
            Param::Date(v) => v.to_sql(ty, out),
            Param::Time(v) => v.to_sql(ty, out),
            Param::DateTime(v) => v.to_sql(ty, out),
            Param::DateTimeUtc(v) => v.to_sql(ty, out),
            Param::Decimal(v) => v.to_sql(ty, out),
        }
    }

    /// The statement was prepared with this parameter's own type ([`Param::ty`]).
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// PostgreSQL's refusal reads as sqlx words it, which [`crate::db::map_db_error`]
/// and the logs expect.
fn query_err(e: tokio_postgres::Error) -> DbErr {
    let text = match e.as_db_error() {
        Some(db) => format!("error returned from database: {}", db.message()),
        None => e.to_string(),
    };
    if e.is_closed() {
        return DbErr::Conn(sea_orm::RuntimeErr::Internal(text));
    }
    DbErr::Query(sea_orm::RuntimeErr::Internal(text))
}

fn conn_err(e: tokio_postgres::Error) -> DbErr {
    DbErr::Conn(sea_orm::RuntimeErr::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait;

    use super::*;
    use crate::db::pg_reads::tests::{database, drop_database};

    fn stmt(sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
    }

    #[test]
    fn pipelines_only_where_no_tls_is_needed() {
        for url in [
            "postgres://postgres@127.0.0.1:5432/db",
            "postgres://postgres@localhost/db",
            "postgres://postgres@[::1]:5432/db",
            "postgres://postgres@db.example.com/db?sslmode=disable",
            "postgres://postgres@localhost/db?host=/var/run/postgresql",
        ] {
            assert!(PgPipeline::new(url, 2).is_some(), "{url}");
        }
        for url in [
            // TLS preferred (the default) or required: sqlx's sessions, with its TLS.
            "postgres://postgres@db.example.com/db",
            "postgres://postgres@10.0.0.5/db?sslmode=require",
            "postgres://postgres@127.0.0.1/db?sslmode=require",
            // An option only sqlx reads.
            "postgres://postgres@127.0.0.1/db?statement-cache-capacity=10",
        ] {
            assert!(PgPipeline::new(url, 2).is_none(), "{url}");
        }
        assert_eq!(
            PgPipeline::new("postgres://p@127.0.0.1/db", 0)
                .unwrap()
                .max_connections(),
            1
        );
    }

    #[tokio::test]
    #[ignore = "needs OPS_TEST_POSTGRES_URL"]
    async fn pipelined_calls_bind_and_decode_every_type_and_cannot_write() {
        let url = database("pipe_types").await;
        let writer = crate::db::connect(&url, 0).await.unwrap();
        writer
            .execute_unprepared(
                "CREATE TABLE t (id serial PRIMARY KEY, flag boolean, n integer, big bigint, \
                 x double precision, m numeric, s varchar, d date, at timestamp, \
                 atz timestamptz, j jsonb, b bytea);
                 INSERT INTO t (flag, n, big, x, m, s, d, at, atz, j, b) VALUES
                   (true, 7, 9000000000, 2.5, 12.50, 'a', '2026-11-30', '2026-11-30 12:00:00',
                    '2026-11-30 12:00:00+00', '{\"k\": [1]}', '\\x0102'),
                   (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);",
            )
            .await
            .unwrap();
        let pool = Arc::new(PgPipeline::new(&url, 2).unwrap());
        let tx = begin(&pool).await.unwrap();
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        // Every kind of parameter, each compared with the row's own value.
        let rows = tx
            .query_all(stmt(
                "SELECT id, flag, n, big, x, m, s, d, at, atz, j, b, COUNT(*) OVER () AS total \
                 FROM t WHERE flag = $1 AND n = $2 AND big = $3 AND x = $4 AND m = $5 \
                 AND s = $6 AND d = $7 AND at = $8 AND atz = $9 AND j = $10 AND b = $11 \
                 AND id >= $12 ORDER BY id",
                vec![
                    Value::Bool(Some(true)),
                    Value::Int(Some(7)),
                    Value::BigInt(Some(9_000_000_000)),
                    Value::Double(Some(2.5)),
                    Value::Decimal(Some(Box::new(rust_decimal::Decimal::new(1250, 2)))),
                    Value::String(Some(Box::new("a".into()))),
                    Value::ChronoDate(Some(Box::new(at.date()))),
                    Value::ChronoDateTime(Some(Box::new(at))),
                    Value::ChronoDateTimeUtc(Some(Box::new(at.and_utc()))),
                    Value::Json(Some(Box::new(serde_json::json!({"k": [1]})))),
                    Value::Bytes(Some(Box::new(vec![1, 2]))),
                    Value::SmallInt(Some(1)),
                ],
            ))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.try_get_by::<i32, _>("id").unwrap(), 1);
        assert_eq!(r.try_get_by::<Option<bool>, _>("flag").unwrap(), Some(true));
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
            r.try_get_by::<Option<chrono::NaiveDateTime>, _>("at")
                .unwrap(),
            Some(at)
        );
        assert_eq!(
            r.try_get_by::<Option<serde_json::Value>, _>("j").unwrap(),
            Some(serde_json::json!({"k": [1]}))
        );
        assert_eq!(
            r.try_get_by::<Option<Vec<u8>>, _>("b").unwrap(),
            Some(vec![1, 2])
        );
        assert_eq!(r.try_get_by::<i64, _>("total").unwrap(), 1);
        // NULLs read as NULLs; a NULL parameter binds as one.
        let rows = tx
            .query_all(stmt(
                "SELECT flag, n, m, s, d, atz, j FROM t WHERE id = $1 AND $2::text IS NULL",
                vec![Value::Int(Some(2)), Value::String(None)],
            ))
            .await
            .unwrap();
        let r = &rows[0];
        assert_eq!(r.try_get_by::<Option<bool>, _>("flag").unwrap(), None);
        assert_eq!(r.try_get_by::<Option<i32>, _>("n").unwrap(), None);
        assert_eq!(
            r.try_get_by::<Option<rust_decimal::Decimal>, _>("m")
                .unwrap(),
            None
        );
        assert_eq!(r.try_get_by::<Option<String>, _>("s").unwrap(), None);
        assert_eq!(
            r.try_get_by::<Option<serde_json::Value>, _>("j").unwrap(),
            None
        );
        // A call wrongly flagged read-only fails instead of writing, in the words the
        // error mapping and the logs know.
        let err = tx
            .execute(stmt(
                "DELETE FROM t WHERE id > $1",
                vec![Value::Int(Some(0))],
            ))
            .await
            .expect_err("a read-only session must refuse a write");
        assert!(
            err.to_string().contains(
                "error returned from database: cannot execute DELETE in a read-only transaction"
            ),
            "{err}"
        );
        tx.commit().await.unwrap();
        let left = writer
            .query_all(stmt("SELECT id FROM t", vec![]))
            .await
            .unwrap();
        assert_eq!(left.len(), 2, "the write changed nothing");
        drop(pool);
        writer.close().await.unwrap();
        drop_database(&url).await;
    }

    /// The backend process a call runs on.
    async fn backend(pool: &Arc<PgPipeline>) -> Result<i32, DbErr> {
        let tx = begin(pool).await?;
        let row = tx
            .query_one(stmt("SELECT pg_backend_pid() AS pid", vec![]))
            .await?
            .unwrap();
        Ok(row.try_get_by::<i32, _>("pid").unwrap())
    }

    #[tokio::test]
    #[ignore = "needs OPS_TEST_POSTGRES_URL"]
    async fn concurrent_calls_share_a_session_and_each_reads_its_own_answer() {
        let url = database("pipe_share").await;
        let pool = Arc::new(PgPipeline::new(&url, 1).unwrap());
        let calls = (0..200i64).map(|n| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let tx = begin(&pool).await.unwrap();
                let row = tx
                    .query_one(stmt(
                        "SELECT $1::int8 * 2 AS twice, pg_backend_pid() AS pid",
                        vec![Value::BigInt(Some(n))],
                    ))
                    .await
                    .unwrap()
                    .unwrap();
                (
                    n,
                    row.try_get_by::<i64, _>("twice").unwrap(),
                    row.try_get_by::<i32, _>("pid").unwrap(),
                )
            })
        });
        let answers = futures::future::join_all(calls).await;
        let mut pids = std::collections::HashSet::new();
        for answer in answers {
            let (n, twice, pid) = answer.unwrap();
            assert_eq!(twice, 2 * n, "call {n} read another call's answer");
            pids.insert(pid);
        }
        assert_eq!(pids.len(), 1, "one session carried them all");

        // A statement is kept once for its shape; a long one is prepared each time.
        let long = format!("SELECT $1::int8 AS n /* {} */", "x".repeat(KEPT_SQL_MAX));
        for n in [1i64, 2] {
            let tx = begin(&pool).await.unwrap();
            for sql in ["SELECT $1::int8 AS n", long.as_str()] {
                let row = tx
                    .query_one(stmt(sql, vec![Value::BigInt(Some(n))]))
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!(row.try_get_by::<i64, _>("n").unwrap(), n);
            }
        }
        let session = pool.slots[0].session.lock().await.clone().unwrap();
        {
            let kept = session.lock();
            assert_eq!(kept.get("SELECT $1::int8 AS n").map(Vec::len), Some(1));
            assert!(!kept.contains_key(&long));
        }
        drop(pool);
        drop_database(&url).await;
    }

    #[tokio::test]
    #[ignore = "needs OPS_TEST_POSTGRES_URL"]
    async fn a_session_carries_at_most_depth_calls_and_the_next_waits_its_turn() {
        let url = database("pipe_depth").await;
        let pool = Arc::new(PgPipeline::new(&url, 2).unwrap());
        let mut held = Vec::new();
        for _ in 0..2 * DEPTH {
            let tx = begin(&pool).await.unwrap();
            tx.query_one(stmt("SELECT 1 AS one", vec![])).await.unwrap();
            held.push(tx);
        }
        for slot in &pool.slots {
            assert_eq!(slot.calls.load(Ordering::Relaxed), DEPTH, "spread evenly");
        }
        let waiting = tokio::spawn({
            let pool = pool.clone();
            async move {
                let tx = begin(&pool).await.unwrap();
                let row = tx
                    .query_one(stmt("SELECT 2::int8 AS two", vec![]))
                    .await
                    .unwrap()
                    .unwrap();
                row.try_get_by::<i64, _>("two").unwrap()
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(!waiting.is_finished(), "a call past every place waits");
        held.pop();
        let two = tokio::time::timeout(std::time::Duration::from_secs(10), waiting)
            .await
            .expect("the waiting call goes once a place is free")
            .unwrap();
        assert_eq!(two, 2);
        drop(held);
        drop(pool);
        drop_database(&url).await;
    }

    #[tokio::test]
    #[ignore = "needs OPS_TEST_POSTGRES_URL"]
    async fn a_call_dropped_midway_or_a_broken_session_leaves_the_next_call_right() {
        let url = database("pipe_break").await;
        let pool = Arc::new(PgPipeline::new(&url, 1).unwrap());
        let first = backend(&pool).await.unwrap();

        // A call dropped while its statement runs: the next call on the session reads
        // its own answer, not the dropped one's.
        let tx = begin(&pool).await.unwrap();
        let slow = tx.query_all(stmt("SELECT 41 AS n FROM pg_sleep(0.3)", vec![]));
        let cut = tokio::time::timeout(std::time::Duration::from_millis(50), slow).await;
        assert!(cut.is_err(), "the statement was still running");
        drop(tx);
        let tx = begin(&pool).await.unwrap();
        let row = tx
            .query_one(stmt("SELECT 42 AS n, pg_backend_pid() AS pid", vec![]))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get_by::<i32, _>("n").unwrap(), 42);
        assert_eq!(row.try_get_by::<i32, _>("pid").unwrap(), first);
        drop(tx);

        // A statement PostgreSQL refuses leaves the session as it was.
        let tx = begin(&pool).await.unwrap();
        assert!(tx.query_all(stmt("SELECT 1/0", vec![])).await.is_err());
        drop(tx);
        assert_eq!(backend(&pool).await.unwrap(), first);

        // The session's backend ends: a later call opens a new one.
        let writer = crate::db::connect(&url, 0).await.unwrap();
        writer
            .execute(stmt(
                "SELECT pg_terminate_backend($1)",
                vec![Value::Int(Some(first))],
            ))
            .await
            .unwrap();
        let mut next = None;
        for _ in 0..50 {
            match backend(&pool).await {
                Ok(pid) => {
                    next = Some(pid);
                    break;
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            }
        }
        let next = next.expect("a new session was opened");
        assert_ne!(next, first);
        assert_eq!(backend(&pool).await.unwrap(), next);
        drop(pool);
        writer.close().await.unwrap();
        drop_database(&url).await;
    }
}
