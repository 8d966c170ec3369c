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
        let mut config: Config = libpq_url(url).parse().ok()?;
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
        if let Err(e) = client.batch_execute(super::BACKEND_WARM_UP).await {
            tracing::debug!("a read-only PostgreSQL session's warm-up failed: {e}");
        }
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

/// `url` as libpq and sqlx read it: a `host` in the query string replaces the
/// authority's host, so `postgres://u@localhost/db?host=/var/run/postgresql` (README's
/// form for a Unix socket) is the socket alone. `tokio-postgres` adds the query's host
/// after the authority's and tries them in turn: the pipelined sessions went over TCP to
/// `localhost` while the writer's used the socket (BENCHMARKS.md, eleventh round). The
/// authority's port stays, as a `port` parameter, unless the query names one. A list of
/// hosts in the authority is left as it is.
fn libpq_url(url: &str) -> std::borrow::Cow<'_, str> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.into();
    };
    let Some((_, query)) = rest.split_once('?') else {
        return url.into();
    };
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    if !params.iter().any(|(k, _)| k == "host") {
        return url.into();
    }
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(at) => authority.split_at(at + 1),
        None => ("", authority),
    };
    if hostport.contains(',') {
        return url.into();
    }
    let port = match hostport.strip_prefix('[') {
        Some(v6) => v6.split_once(']').and_then(|(_, p)| p.strip_prefix(':')),
        None => hostport.split_once(':').map(|(_, p)| p),
    }
    .filter(|p| !p.is_empty());
    let mut out = format!("{scheme}://{userinfo}{tail}");
    if let Some(port) = port.filter(|_| !params.iter().any(|(k, _)| k == "port")) {
        out.push_str("&port=");
        out.push_str(port);
    }
    out.into()
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
mod tests;
