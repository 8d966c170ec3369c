//! Storage under load: several server processes on one database share sessions, and
//! concurrent calls through both of them never lose or corrupt a record.

use serde_json::json;

use crate::both;
use crate::helpers::*;

both!(sessions_are_shared_between_processes, |app| {
    let other = spawn_app_on(&app.services.settings.database_url, |s| s.demo = false).await;
    let session = app.as_user("cashier").await;
    let on_other = session.on(&other);
    // A session opened on one process works on the other.
    let info = on_other.session_info().await;
    assert_eq!(info["result"]["uid"], json!(session.uid), "{info}");
    let read = on_other
        .call_ok(
            "pos.config",
            "search_read",
            json!([[]]),
            json!({"fields": ["name"]}),
        )
        .await;
    assert_eq!(read[0]["name"], json!("Shop"));
    // Logged out on the second: gone on the first.
    on_other.rpc("/web/session/destroy", json!({})).await;
    let env = session.session_info().await;
    assert_eq!(env["error"]["code"], json!(100), "{env}");
});

both!(concurrent_calls_through_two_processes_lose_nothing, |app| {
    let other = spawn_app_on(&app.services.settings.database_url, |s| s.demo = false).await;
    let admin = app.as_user("admin").await;
    let method = app.xmlid("ops_demo.payment_method_card").await;
    let before = admin.search_count("res.partner", json!([])).await;
    // The same session on each process.
    let servers = [admin.clone(), admin.on(&other)];
    let mut calls = Vec::new();
    for i in 0..40 {
        let admin = servers[i % 2].clone();
        calls.push(async move {
            let created = admin
                .call(
                    "res.partner",
                    "create",
                    json!([{"name": format!("Concurrent {i}")}]),
                    json!({}),
                )
                .await;
            let written = admin
                .call(
                    "pos.payment.method",
                    "write",
                    json!([[method], {"sequence": i}]),
                    json!({}),
                )
                .await;
            (created, written)
        });
    }
    let results = futures::future::join_all(calls).await;
    for (created, written) in &results {
        assert!(created.is_ok(), "{created:?}");
        assert_eq!(written, &Ok(json!(true)));
    }
    for server in &servers {
        let after = server
            .search_count("res.partner", json!([["name", "=like", "Concurrent %"]]))
            .await;
        assert_eq!(after, 40);
        let total = server.search_count("res.partner", json!([])).await;
        assert_eq!(total, before + 40);
    }
    // Every id is distinct, every name once.
    let rows = admin
        .call_ok(
            "res.partner",
            "search_read",
            json!([[["name", "=like", "Concurrent %"]]]),
            json!({"fields": ["name"]}),
        )
        .await;
    let mut names: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 40);
    let sequence = admin
        .read_field("pos.payment.method", method, "sequence")
        .await
        .as_i64()
        .unwrap();
    assert!((0..40).contains(&sequence));
});

both!(
    changes_through_one_process_are_seen_by_another_on_its_next_call,
    |app| {
        // Process B keeps sessions, users and their groups in memory; process A changes
        // them. B must see each change on its very next call (the cache signal).
        let other = spawn_app_on(&app.services.settings.database_url, |s| s.demo = false).await;
        let admin = app.as_user("admin").await;
        let cashier = app.as_user("cashier").await;
        let on_b = cashier.on(&other);
        let may_create = |client: Client| async move {
            client
                .call_ok(
                    "pos.payment.method",
                    "check_access_rights",
                    json!(["create"]),
                    json!({"raise_exception": false}),
                )
                .await
        };
        // B warms its caches: the session, the user, their groups, the verified password.
        assert_eq!(may_create(on_b.clone()).await, json!(false));
        assert_eq!(may_create(on_b.clone()).await, json!(false));
        let search = || {
            other.execute_kw(
                cashier.uid,
                "cashier",
                "pos.config",
                "search",
                json!([[]]),
                json!({}),
            )
        };
        assert!(search().await.is_ok());

        // A group change through A.
        let manager = app.xmlid("point_of_sale.group_pos_manager").await;
        admin
            .write(
                "res.users",
                &[cashier.uid],
                json!({"groups_id": [[4, manager]]}),
            )
            .await;
        assert_eq!(may_create(on_b.clone()).await, json!(true));

        // A logout through A.
        let second = app.as_user("cashier").await;
        let second_on_b = second.on(&other);
        assert_eq!(may_create(second_on_b.clone()).await, json!(true));
        second.rpc("/web/session/destroy", json!({})).await;
        assert_session_expired(&second_on_b.session_info().await);

        // A password change through A.
        admin
            .write(
                "res.users",
                &[cashier.uid],
                json!({"password": "n3w-secret"}),
            )
            .await;
        assert_session_expired(&on_b.session_info().await);
        let err = search().await.unwrap_err();
        assert_error(&err, "odoo.exceptions.AccessDenied", "Access Denied");
        let fresh = other
            .execute_kw(
                cashier.uid,
                "n3w-secret",
                "pos.config",
                "search",
                json!([[]]),
                json!({}),
            )
            .await;
        assert!(fresh.is_ok(), "{fresh:?}");
    }
);

both!(reads_do_not_wait_for_a_writer, |app| {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let cashier = app.as_user("cashier").await;
    let admin = app.as_user("admin").await;
    let method = app.xmlid("ops_demo.payment_method_card").await;
    // Another process holds the write lock (SQLite) or a lock that stops writers of the
    // table but not readers (PostgreSQL).
    let url = app.services.settings.database_url.clone();
    let db = sea_orm::Database::connect(&url).await.unwrap();
    let holder = db.begin().await.unwrap();
    let lock = match app.backend {
        Backend::Sqlite => "UPDATE ops_http_session SET uid = uid WHERE 0",
        Backend::Postgres => "LOCK TABLE pos_payment_method IN EXCLUSIVE MODE",
    };
    holder.execute_unprepared(lock).await.unwrap();
    let write = {
        let admin = admin.clone();
        tokio::spawn(async move {
            admin
                .call(
                    "pos.payment.method",
                    "write",
                    json!([[method], {"sequence": 7}]),
                    json!({}),
                )
                .await
        })
    };
    // Reads go on, with a session and with a password, while the writer waits.
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        let rows = cashier
            .call_ok(
                "pos.payment.method",
                "search_read",
                json!([[]]),
                json!({"fields": ["name", "sequence"]}),
            )
            .await;
        let by_password = app
            .execute_kw(
                admin.uid,
                "admin",
                "pos.payment.method",
                "read",
                json!([[method]]),
                json!({"fields": ["sequence"]}),
            )
            .await;
        (rows, by_password)
    })
    .await
    .expect("reads waited for the writer");
    assert!(
        read.0.as_array().is_some_and(|r| !r.is_empty()),
        "{}",
        read.0
    );
    assert!(read.1.is_ok(), "{:?}", read.1);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!write.is_finished(), "the write did not wait for the lock");
    holder.rollback().await.unwrap();
    let written = write.await.unwrap();
    assert_eq!(written, Ok(json!(true)));
    assert_eq!(
        admin
            .read_field("pos.payment.method", method, "sequence")
            .await,
        json!(7)
    );
});

both!(a_read_that_found_rows_by_stale_caches_runs_again, |app| {
    // Process B answers a read-only call by what it cached, then checks the cache
    // signal with the call's own search (or on its own when that search found
    // nothing). A change through process A in between must make B's answer the one
    // it would give after the change: searches that find rows, and refusals.
    let other = spawn_app_on(&app.services.settings.database_url, |s| s.demo = false).await;
    let admin = app.as_user("admin").await;
    let methods = |client: Client| async move {
        client
            .call(
                "pos.payment.method",
                "search_read",
                json!([[]]),
                json!({"fields": ["name", "journal_id"]}),
            )
            .await
    };

    // A logout through A: B's cached session found rows, then is gone.
    let cashier = app.as_user("cashier").await;
    let on_b = cashier.on(&other);
    let rows = methods(on_b.clone()).await.unwrap();
    assert!(!rows.as_array().unwrap().is_empty(), "{rows}");
    assert_eq!(methods(on_b.clone()).await.unwrap(), rows);
    cashier.rpc("/web/session/destroy", json!({})).await;
    let gone = methods(on_b.clone()).await.unwrap_err();
    assert_eq!(gone["code"], json!(100), "{gone}");

    // A refusal by cached groups, then a group given through A: B now answers rows.
    let employee = app.as_user("employee").await;
    let employee_on_b = employee.on(&other);
    let refused = methods(employee_on_b.clone()).await.unwrap_err();
    assert_error(&refused, "odoo.exceptions.AccessError", "");
    assert!(methods(employee_on_b.clone()).await.is_err());
    let pos_user = app.xmlid("point_of_sale.group_pos_user").await;
    admin
        .write(
            "res.users",
            &[employee.uid],
            json!({"groups_id": [[4, pos_user]]}),
        )
        .await;
    assert_eq!(methods(employee_on_b.clone()).await.unwrap(), rows);

    // A group taken away through A: rows by the cached groups, then a refusal.
    admin
        .write(
            "res.users",
            &[employee.uid],
            json!({"groups_id": [[3, pos_user]]}),
        )
        .await;
    let refused = methods(employee_on_b.clone()).await.unwrap_err();
    assert_error(&refused, "odoo.exceptions.AccessError", "");
});
