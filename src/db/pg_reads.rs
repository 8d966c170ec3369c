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
use std::sync::Arc;

use sea_orm::sqlx::postgres::{PgPool, PgRow};
use sea_orm::sqlx::{Column, Postgres, Row, TypeInfo, ValueRef as _};
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ProxyDatabaseTrait, ProxyExecResult,
    ProxyRow, Statement, TransactionTrait, Value,
};
use sea_query_binder::SqlxValues;

/// A read-only call's connection.
struct ReadCall {
    conn: tokio::sync::Mutex<sea_orm::sqlx::pool::PoolConnection<Postgres>>,
}

impl std::fmt::Debug for ReadCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PostgreSQL read-only call")
    }
}

/// A "transaction" for a read-only call on `pool` (whose sessions are read-only).
pub async fn begin(pool: &PgPool) -> Result<DatabaseTransaction, DbErr> {
    let conn = pool.acquire().await.map_err(conn_err)?;
    let call = ReadCall {
        conn: tokio::sync::Mutex::new(conn),
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
        let mut conn = self.conn.lock().await;
        let rows = sea_orm::sqlx::query_with(&statement.sql, bind(&statement))
            .fetch_all(&mut **conn)
            .await
            .map_err(query_err)?;
        rows.iter().map(proxy_row).collect()
    }

    async fn execute(&self, statement: Statement) -> Result<ProxyExecResult, DbErr> {
        let mut conn = self.conn.lock().await;
        let done = sea_orm::sqlx::query_with(&statement.sql, bind(&statement))
            .execute(&mut **conn)
            .await
            .map_err(query_err)?;
        Ok(ProxyExecResult {
            last_insert_id: 0,
            rows_affected: done.rows_affected(),
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
mod tests {
    use sea_orm::{ConnectionTrait, Database};

    use super::*;

    /// A fresh database on the PostgreSQL server `OPS_TEST_POSTGRES_URL` names.
    async fn database(name: &str) -> String {
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
    async fn drop_database(url: &str) {
        let admin = Database::connect(std::env::var("OPS_TEST_POSTGRES_URL").unwrap())
            .await
            .unwrap();
        let db = url.rsplit('/').next().unwrap();
        admin
            .execute_unprepared(&format!("DROP DATABASE \"{db}\" WITH (FORCE)"))
            .await
            .unwrap();
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
        let readers = crate::db::readers(&url, &writer, 0).unwrap();
        assert!(matches!(readers, crate::db::Readers::Postgres(_)));
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
            crate::db::Readers::Postgres(pool) => pool.options().get_max_connections(),
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
