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

/// The hosts and ports the pipelined sessions would try, in order.
fn targets(url: &str) -> (Vec<tokio_postgres::config::Host>, Vec<u16>) {
    let pool = PgPipeline::new(url, 1).expect(url);
    (
        pool.config.get_hosts().to_vec(),
        pool.config.get_ports().to_vec(),
    )
}

#[test]
fn a_host_in_the_query_replaces_the_authoritys_as_in_libpq() {
    use std::path::PathBuf;
    use tokio_postgres::config::Host::{Tcp, Unix};
    let socket = |p: &str| Unix(PathBuf::from(p));
    let cases = [
        // README's form for a Unix socket: the socket alone, not localhost first.
        (
            "postgres://postgres@localhost/db?host=/var/run/postgresql",
            vec![socket("/var/run/postgresql")],
            vec![],
        ),
        // The authority's port stays, unless the query names one.
        (
            "postgres://postgres@localhost:5433/db?host=/tmp",
            vec![socket("/tmp")],
            vec![5433],
        ),
        (
            "postgres://u:p%40ss@localhost:5433/db?host=/tmp&port=6000",
            vec![socket("/tmp")],
            vec![6000],
        ),
        (
            "postgres://postgres@[::1]:5434/db?host=127.0.0.1&sslmode=prefer",
            vec![Tcp("127.0.0.1".into())],
            vec![5434],
        ),
        // No host in the query: as written.
        (
            "postgres://postgres@%2Fvar%2Frun%2Fpostgresql/db",
            vec![socket("/var/run/postgresql")],
            vec![5432],
        ),
        (
            "postgres://postgres@127.0.0.1:5432/db?sslmode=disable",
            vec![Tcp("127.0.0.1".into())],
            vec![5432],
        ),
    ];
    for (url, hosts, ports) in cases {
        assert_eq!(targets(url), (hosts, ports), "{url}");
    }
    // The query's host decides whether TLS may be needed, not the authority's.
    assert!(PgPipeline::new("postgres://u@db.example.com/db?host=127.0.0.1", 1).is_some());
    assert!(PgPipeline::new("postgres://u@127.0.0.1/db?host=db.example.com", 1).is_none());
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
