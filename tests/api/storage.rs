//! Storage under load: several server processes on one database share sessions, and
//! concurrent calls through both of them never lose or corrupt a record.

use serde_json::json;

use crate::both;
use crate::helpers::*;

both!(sessions_are_shared_between_processes, |app| {
    let other = spawn_app_on(&app.services.settings.database_url, |s| s.demo = false).await;
    let session = app.login("cashier", "cashier").await;
    // A session opened on one process works on the other.
    let info = other
        .rpc("/web/session/get_session_info", json!({}), Some(&session))
        .await;
    assert_eq!(info["result"]["uid"], json!(session.uid), "{info}");
    let read = other
        .call_kw(
            &session,
            "pos.config",
            "search_read",
            json!([[]]),
            json!({"fields": ["name"]}),
        )
        .await
        .unwrap();
    assert_eq!(read[0]["name"], json!("Shop"));
    // Logged out on the second: gone on the first.
    other
        .rpc("/web/session/destroy", json!({}), Some(&session))
        .await;
    let env = app
        .rpc("/web/session/get_session_info", json!({}), Some(&session))
        .await;
    assert_eq!(env["error"]["code"], json!(100), "{env}");
});

both!(concurrent_calls_through_two_processes_lose_nothing, |app| {
    let other = spawn_app_on(&app.services.settings.database_url, |s| s.demo = false).await;
    let admin = app.login("admin", "admin").await;
    let method = app.xmlid("ops_demo.payment_method_card").await;
    let before = app
        .call_kw(
            &admin,
            "res.partner",
            "search_count",
            json!([[]]),
            json!({}),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let servers = [&app, &other];
    let mut calls = Vec::new();
    for i in 0..40 {
        let server = servers[i % 2];
        let admin = admin.clone();
        calls.push(async move {
            let created = server
                .call_kw(
                    &admin,
                    "res.partner",
                    "create",
                    json!([{"name": format!("Concurrent {i}")}]),
                    json!({}),
                )
                .await;
            let written = server
                .call_kw(
                    &admin,
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
    for server in servers {
        let after = server
            .call_kw(
                &admin,
                "res.partner",
                "search_count",
                json!([[["name", "=like", "Concurrent %"]]]),
                json!({}),
            )
            .await
            .unwrap();
        assert_eq!(after, json!(40));
        let total = server
            .call_kw(
                &admin,
                "res.partner",
                "search_count",
                json!([[]]),
                json!({}),
            )
            .await
            .unwrap();
        assert_eq!(total, json!(before + 40));
    }
    // Every id is distinct, every name once.
    let rows = app
        .call_kw(
            &admin,
            "res.partner",
            "search_read",
            json!([[["name", "=like", "Concurrent %"]]]),
            json!({"fields": ["name"]}),
        )
        .await
        .unwrap();
    let mut names: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 40);
    let sequence = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "read",
            json!([[method], ["sequence"]]),
            json!({}),
        )
        .await
        .unwrap()[0]["sequence"]
        .as_i64()
        .unwrap();
    assert!((0..40).contains(&sequence));
});
