//! Read-only calls on a SQLite file, without a thread hop per statement.
//!
//! sqlx runs each SQLite connection on a thread of its own and hands every statement,
//! and every row back, across a channel: a read-only call of five statements (begin,
//! cache signal, search, many2one names, commit) costs a dozen thread switches, which
//! on a 2-core machine was most of a call's time (BENCHMARKS.md, "Profile"). Here a
//! read transaction holds one connection of a small pool of read-only connections
//! (rusqlite, the same SQLite library sqlx links) and runs each statement where the call
//! runs: a read from the page cache takes microseconds, less than the hop it replaces.
//! sea-orm sees an ordinary [`DatabaseTransaction`] (its proxy connection), so the ORM
//! does not know the difference.
//!
//! A statement holds the worker thread it runs on while SQLite executes it: the POS's
//! reads take microseconds; a long scan holds one of the runtime's workers (the others
//! go on), and a read that finds the file busy (WAL recovery after a crash) waits up to
//! the busy timeout there.
//!
//! Rows are typed as sqlx types them for our decoders: a column declared boolean reads
//! as a bool, an integer as an i64, a real as an f64, everything else as text; an empty
//! value is the empty value of its declared type.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, OpenFlags};
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ProxyDatabaseTrait, ProxyExecResult,
    ProxyRow, Statement, TransactionTrait, Value,
};

/// Open connections kept for the next read transaction; more are opened when several
/// calls read at once and closed when they are done.
const IDLE: usize = 8;
/// Read transactions at once; a further one waits for a connection.
const MAX_OPEN: usize = 64;
/// Prepared statements kept per connection (sqlx keeps 100).
const STATEMENT_CACHE: usize = 100;
/// Pages of the SQLite cache per connection, negative for KiB (SQLite's default is
/// 2 MiB); the operating system caches the file as well.
const CACHE_KIB: i64 = 1024;

pub struct SqliteReads {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    slots: Arc<tokio::sync::Semaphore>,
}

impl SqliteReads {
    pub fn new(path: PathBuf) -> SqliteReads {
        SqliteReads {
            path,
            idle: Mutex::new(Vec::new()),
            slots: Arc::new(tokio::sync::Semaphore::new(MAX_OPEN)),
        }
    }

    fn open(&self) -> Result<Connection, DbErr> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(db_err)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(db_err)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys = ON; PRAGMA case_sensitive_like = ON; PRAGMA cache_size = -{CACHE_KIB};"
        ))
        .map_err(db_err)?;
        Ok(conn)
    }

    /// A read transaction (deferred: in WAL mode it sees the last commit and never waits
    /// for the writer) on a connection of the pool.
    pub async fn begin(self: &Arc<Self>) -> Result<DatabaseTransaction, DbErr> {
        let permit =
            self.slots.clone().acquire_owned().await.map_err(|_| {
                DbErr::Conn(sea_orm::RuntimeErr::Internal("read pool closed".into()))
            })?;
        let conn = match self.idle.lock().map_err(poisoned)?.pop() {
            Some(c) => c,
            None => self.open()?,
        };
        let tx = ReadTx {
            pool: self.clone(),
            conn: Mutex::new(Some(conn)),
            _permit: permit,
        };
        let db = DatabaseConnection::ProxyDatabaseConnection(Arc::new(
            sea_orm::ProxyDatabaseConnection::new(DbBackend::Sqlite, Arc::new(Box::new(tx))),
        ));
        db.begin().await
    }

    fn give_back(&self, conn: Connection) {
        // A transaction left open (a panic between statements) ends here.
        if !conn.is_autocommit() && conn.execute_batch("ROLLBACK").is_err() {
            return;
        }
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < IDLE {
                idle.push(conn);
            }
        }
    }
}

/// One read transaction: the connection it holds until sea-orm drops it.
struct ReadTx {
    pool: Arc<SqliteReads>,
    conn: Mutex<Option<Connection>>,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl std::fmt::Debug for ReadTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SQLite read transaction")
    }
}

impl Drop for ReadTx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.get_mut().ok().and_then(Option::take) {
            self.pool.give_back(conn);
        }
    }
}

impl ReadTx {
    fn with<T>(&self, f: impl FnOnce(&Connection) -> Result<T, DbErr>) -> Result<T, DbErr> {
        let guard = self.conn.lock().map_err(poisoned)?;
        let conn = guard
            .as_ref()
            .ok_or_else(|| DbErr::Conn(sea_orm::RuntimeErr::Internal("no connection".into())))?;
        f(conn)
    }

    /// `BEGIN`, `COMMIT` or `ROLLBACK`, from the connection's cache of prepared
    /// statements: parsing them anew each time was a tenth of a read call's SQLite work.
    fn batch(&self, sql: &str) {
        let _ = self.with(|c| {
            c.prepare_cached(sql)
                .and_then(|mut s| s.execute([]))
                .map_err(db_err)
        });
    }
}

#[async_trait::async_trait]
impl ProxyDatabaseTrait for ReadTx {
    async fn query(&self, statement: Statement) -> Result<Vec<ProxyRow>, DbErr> {
        self.with(|conn| query(conn, &statement))
    }

    async fn execute(&self, statement: Statement) -> Result<ProxyExecResult, DbErr> {
        self.with(|conn| {
            let params = params(&statement)?;
            let mut stmt = conn.prepare_cached(&statement.sql).map_err(db_err)?;
            let n = stmt
                .execute(rusqlite::params_from_iter(params))
                .map_err(db_err)?;
            Ok(ProxyExecResult {
                last_insert_id: conn.last_insert_rowid() as u64,
                rows_affected: n as u64,
            })
        })
    }

    async fn begin(&self) {
        self.batch("BEGIN");
    }

    async fn commit(&self) {
        self.batch("COMMIT");
    }

    async fn rollback(&self) {
        self.batch("ROLLBACK");
    }

    fn start_rollback(&self) {
        self.batch("ROLLBACK");
    }
}

fn query(conn: &Connection, statement: &Statement) -> Result<Vec<ProxyRow>, DbErr> {
    let params = params(statement)?;
    let mut stmt = conn.prepare_cached(&statement.sql).map_err(db_err)?;
    let columns: Vec<(String, Kind)> = stmt
        .columns()
        .iter()
        .map(|c| (c.name().to_string(), Kind::of(c.decl_type())))
        .collect();
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params))
        .map_err(db_err)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(db_err)? {
        let mut values = BTreeMap::new();
        for (i, (name, kind)) in columns.iter().enumerate() {
            let v = row.get_ref(i).map_err(db_err)?;
            values.insert(name.clone(), kind.value(v));
        }
        out.push(ProxyRow::new(values));
    }
    Ok(out)
}

/// What a column holds, from its declared type (none for an expression).
#[derive(Clone, Copy)]
enum Kind {
    Bool,
    Integer,
    Real,
    Text,
    Unknown,
}

impl Kind {
    fn of(decl: Option<&str>) -> Kind {
        let Some(decl) = decl else {
            return Kind::Unknown;
        };
        let decl = decl.to_ascii_lowercase();
        if decl.contains("bool") {
            Kind::Bool
        } else if decl.contains("int") {
            Kind::Integer
        } else if decl.contains("real") || decl.contains("floa") || decl.contains("doub") {
            Kind::Real
        } else {
            Kind::Text
        }
    }

    fn value(self, v: ValueRef<'_>) -> Value {
        match (self, v) {
            (Kind::Bool, ValueRef::Null) => Value::Bool(None),
            (Kind::Integer, ValueRef::Null) => Value::BigInt(None),
            (Kind::Real, ValueRef::Null) => Value::Double(None),
            (Kind::Text | Kind::Unknown, ValueRef::Null) => Value::String(None),
            (Kind::Bool, ValueRef::Integer(i)) => Value::Bool(Some(i != 0)),
            (_, ValueRef::Integer(i)) => Value::BigInt(Some(i)),
            (_, ValueRef::Real(f)) => Value::Double(Some(f)),
            (_, ValueRef::Text(t)) => {
                Value::String(Some(Box::new(String::from_utf8_lossy(t).into_owned())))
            }
            (_, ValueRef::Blob(b)) => Value::Bytes(Some(Box::new(b.to_vec()))),
        }
    }
}

/// The statement's values as SQLite binds them, the way sqlx binds sea-query's values.
fn params(statement: &Statement) -> Result<Vec<SqlValue>, DbErr> {
    let Some(values) = &statement.values else {
        return Ok(Vec::new());
    };
    values.0.iter().map(param).collect()
}

fn param(v: &Value) -> Result<SqlValue, DbErr> {
    fn or_null<T>(v: &Option<T>, f: impl FnOnce(&T) -> SqlValue) -> SqlValue {
        v.as_ref().map_or(SqlValue::Null, f)
    }
    Ok(match v {
        Value::Bool(b) => or_null(b, |b| SqlValue::Integer(i64::from(*b))),
        Value::TinyInt(i) => or_null(i, |i| SqlValue::Integer(i64::from(*i))),
        Value::SmallInt(i) => or_null(i, |i| SqlValue::Integer(i64::from(*i))),
        Value::Int(i) => or_null(i, |i| SqlValue::Integer(i64::from(*i))),
        Value::BigInt(i) => or_null(i, |i| SqlValue::Integer(*i)),
        Value::TinyUnsigned(i) => or_null(i, |i| SqlValue::Integer(i64::from(*i))),
        Value::SmallUnsigned(i) => or_null(i, |i| SqlValue::Integer(i64::from(*i))),
        Value::Unsigned(i) => or_null(i, |i| SqlValue::Integer(i64::from(*i))),
        Value::BigUnsigned(i) => match i {
            None => SqlValue::Null,
            Some(i) => SqlValue::Integer(
                i64::try_from(*i).map_err(|_| DbErr::Custom(format!("{i} is out of range")))?,
            ),
        },
        Value::Float(f) => or_null(f, |f| SqlValue::Real(f64::from(*f))),
        Value::Double(f) => or_null(f, |f| SqlValue::Real(*f)),
        Value::String(s) => or_null(s, |s| SqlValue::Text(s.to_string())),
        Value::Char(c) => or_null(c, |c| SqlValue::Text(c.to_string())),
        Value::Bytes(b) => or_null(b, |b| SqlValue::Blob(b.to_vec())),
        Value::Json(j) => or_null(j, |j| SqlValue::Text(j.to_string())),
        Value::Decimal(d) => or_null(d, |d| SqlValue::Text(d.to_string())),
        Value::ChronoDate(d) => or_null(d, |d| SqlValue::Text(d.format("%F").to_string())),
        Value::ChronoTime(t) => or_null(t, |t| SqlValue::Text(t.format("%T%.f").to_string())),
        Value::ChronoDateTime(t) => {
            or_null(t, |t| SqlValue::Text(t.format("%F %T%.f").to_string()))
        }
        Value::ChronoDateTimeUtc(t) => {
            or_null(t, |t| SqlValue::Text(t.format("%F %T%.f%:z").to_string()))
        }
        other => {
            return Err(DbErr::Custom(format!(
                "a value SQLite reads cannot bind: {other:?}"
            )))
        }
    })
}

fn db_err(e: rusqlite::Error) -> DbErr {
    DbErr::Query(sea_orm::RuntimeErr::Internal(e.to_string()))
}

fn poisoned<T>(_: std::sync::PoisonError<T>) -> DbErr {
    DbErr::Conn(sea_orm::RuntimeErr::Internal(
        "read pool lock poisoned".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ConnectionTrait;

    fn file(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ops-reads-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("db.sqlite");
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE t (id integer PRIMARY KEY, flag boolean, n integer, x double, s varchar, m text);
             INSERT INTO t VALUES (1, 1, 7, 2.5, 'a', '12.50'), (2, NULL, NULL, NULL, NULL, NULL), (3, 0, -1, 0.0, '', '0');",
        )
        .unwrap();
        path
    }

    fn stmt(sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
    }

    #[tokio::test]
    async fn rows_decode_as_the_orm_reads_them() {
        let pool = Arc::new(SqliteReads::new(file("decode")));
        let tx = pool.begin().await.unwrap();
        let rows = tx
            .query_all(stmt(
                "SELECT id, flag, n, x, s, m, COUNT(*) OVER () AS total FROM t WHERE id >= ? ORDER BY id",
                vec![Value::Int(Some(1))],
            ))
            .await
            .unwrap();
        assert_eq!(rows.len(), 3);
        let r = &rows[0];
        assert_eq!(r.try_get_by::<i64, _>("id").unwrap(), 1);
        assert_eq!(r.try_get_by::<Option<bool>, _>("flag").unwrap(), Some(true));
        assert_eq!(r.try_get_by::<Option<i64>, _>("n").unwrap(), Some(7));
        assert_eq!(r.try_get_by::<Option<f64>, _>("x").unwrap(), Some(2.5));
        assert_eq!(
            r.try_get_by::<Option<String>, _>("s").unwrap().as_deref(),
            Some("a")
        );
        assert_eq!(
            r.try_get_by::<Option<String>, _>("m").unwrap().as_deref(),
            Some("12.50")
        );
        assert_eq!(r.try_get_by::<i64, _>("total").unwrap(), 3);
        // Empty values are the empty value of their declared type.
        let r = &rows[1];
        assert_eq!(r.try_get_by::<Option<bool>, _>("flag").unwrap(), None);
        assert_eq!(r.try_get_by::<Option<i64>, _>("n").unwrap(), None);
        assert_eq!(r.try_get_by::<Option<f64>, _>("x").unwrap(), None);
        assert_eq!(r.try_get_by::<Option<String>, _>("s").unwrap(), None);
        assert_eq!(r.try_get_by::<Option<String>, _>("m").unwrap(), None);
        assert_eq!(
            rows[2].try_get_by::<Option<bool>, _>("flag").unwrap(),
            Some(false)
        );
        // Values bind as sqlx binds them: a bool as 0/1, text as text.
        let found = tx
            .query_all(stmt(
                "SELECT id FROM t WHERE flag = ? AND s = ?",
                vec![
                    Value::Bool(Some(true)),
                    Value::String(Some(Box::new("a".into()))),
                ],
            ))
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn a_read_transaction_cannot_write_and_gives_its_connection_back() {
        let pool = Arc::new(SqliteReads::new(file("write")));
        let tx = pool.begin().await.unwrap();
        let err = tx
            .execute(stmt("DELETE FROM t", vec![]))
            .await
            .expect_err("a read-only connection must refuse a write");
        assert!(err.to_string().contains("readonly"), "{err}");
        drop(tx); // neither committed nor rolled back
        assert_eq!(pool.idle.lock().unwrap().len(), 1);
        let tx = pool.begin().await.unwrap();
        let n = tx
            .query_all(stmt("SELECT id FROM t", vec![]))
            .await
            .unwrap();
        assert_eq!(n.len(), 3, "the write changed nothing");
        tx.rollback().await.unwrap();
        assert_eq!(pool.idle.lock().unwrap().len(), 1, "one connection, reused");
    }

    #[tokio::test]
    async fn a_read_transaction_sees_one_snapshot_while_a_writer_commits() {
        let path = file("snapshot");
        let pool = Arc::new(SqliteReads::new(path.clone()));
        let tx = pool.begin().await.unwrap();
        let count = |rows: Vec<sea_orm::QueryResult>| rows[0].try_get_by::<i64, _>("n").unwrap();
        let before = count(
            tx.query_all(stmt("SELECT COUNT(*) AS n FROM t", vec![]))
                .await
                .unwrap(),
        );
        let writer = Connection::open(&path).unwrap();
        writer
            .execute_batch("INSERT INTO t (id) VALUES (4)")
            .unwrap();
        let during = count(
            tx.query_all(stmt("SELECT COUNT(*) AS n FROM t", vec![]))
                .await
                .unwrap(),
        );
        assert_eq!(
            (before, during),
            (3, 3),
            "the writer did not wait, the reader's snapshot held"
        );
        tx.commit().await.unwrap();
        let tx = pool.begin().await.unwrap();
        let after = count(
            tx.query_all(stmt("SELECT COUNT(*) AS n FROM t", vec![]))
                .await
                .unwrap(),
        );
        assert_eq!(after, 4);
    }
}
