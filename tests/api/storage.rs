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
