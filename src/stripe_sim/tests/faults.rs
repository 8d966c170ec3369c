//! Injected faults and the control endpoints.

use super::*;

#[tokio::test]
async fn injected_500s_change_nothing_and_the_retry_succeeds() {
    let harness = Harness::new();
    let queued = harness
        .send(
            Method::POST,
            "/_sim/faults",
            r#"{"kind":"status500","count":2}"#,
            &[],
        )
        .await;
    assert_eq!(queued.status, 200, "{}", queued.body);
    let key = [("idempotency-key", "retry-me")];
    for _ in 0..2 {
        let reply = harness
            .post_with("/v1/payment_intents", ODOO_CREATE, &key)
            .await;
        let error = reply.expect_error(500, None);
        assert_eq!(error["type"], "api_error");
        assert_eq!(harness.simulator.payment_intent_count(), 0);
    }
    let reply = harness
        .post_with("/v1/payment_intents", ODOO_CREATE, &key)
        .await;
    assert_eq!(reply.header("idempotent-replayed"), None);
    reply.ok();
    assert_eq!(harness.simulator.payment_intent_count(), 1);

    let state = harness.send(Method::GET, "/_sim/state", "", &[]).await.body;
    assert_eq!(state["payment_intents"], 1);
    assert_eq!(state["requests"], 3);
    assert_eq!(state["readers"], 1);
    assert_eq!(state["locations"], 1);
    assert_eq!(state["refunds"], 0);
    let log = harness.get_log().await;
    assert_eq!(log[0]["fault"], "status500");
    assert_eq!(log[0]["status"], 500);
    assert_eq!(log[0]["idempotency_key"], "retry-me");
    assert_eq!(log[0]["params"]["amount"], "1250");
    assert_eq!(log[2]["fault"], Value::Null);
    harness.finish();
}

#[tokio::test]
async fn injected_429s_are_rate_limit_errors() {
    let harness = Harness::new();
    let queued = harness
        .send(Method::POST, "/_sim/faults", r#"{"kind":"status429"}"#, &[])
        .await;
    assert_eq!(
        queued.body["queued"],
        json!({ "kind": "status429", "count": 1 })
    );
    let reply = harness.get("/v1/account").await;
    let error = reply.expect_error(429, Some("rate_limit"));
    assert_eq!(error["type"], "invalid_request_error");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("Too many requests"));
    harness.get("/v1/account").await.ok();
    harness.finish();
}

#[tokio::test]
async fn latency_drop_and_reset_faults() {
    let harness = Harness::new();
    harness
        .send(
            Method::POST,
            "/_sim/faults",
            r#"{"kind":"latency","latency_ms":30}"#,
            &[],
        )
        .await;
    let started = std::time::Instant::now();
    harness.get("/v1/account").await.ok();
    assert!(started.elapsed() >= std::time::Duration::from_millis(30));

    let simulator = &harness.simulator;
    simulator.inject_fault(FaultKind::Drop, 1);
    let headers = {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {KEY}")).unwrap(),
        );
        headers
    };
    let dropped = simulator
        .handle_or_drop(
            None,
            &Method::POST,
            "/v1/payment_intents",
            None,
            &headers,
            Bytes::from(ODOO_CREATE),
        )
        .await;
    assert!(dropped.is_none());
    assert_eq!(simulator.payment_intent_count(), 0);

    // A drop after processing loses the response: the retry with the same key replays it.
    simulator.inject_fault(FaultKind::DropAfter, 1);
    let mut keyed = headers.clone();
    keyed.insert("idempotency-key", HeaderValue::from_static("lost-response"));
    let dropped = simulator
        .handle_or_drop(
            None,
            &Method::POST,
            "/v1/payment_intents",
            None,
            &keyed,
            Bytes::from(ODOO_CREATE),
        )
        .await;
    assert!(dropped.is_none());
    assert_eq!(simulator.payment_intent_count(), 1);
    let retried = simulator
        .handle_or_drop(
            None,
            &Method::POST,
            "/v1/payment_intents",
            None,
            &keyed,
            Bytes::from(ODOO_CREATE),
        )
        .await
        .unwrap();
    assert_eq!(retried.status(), 200);
    assert_eq!(retried.headers()["idempotent-replayed"], "true");
    assert_eq!(simulator.payment_intent_count(), 1);

    assert!(!simulator.take_drop_fault());
    simulator.inject_fault(FaultKind::Status500, 5);
    let pending = harness
        .send(Method::GET, "/_sim/faults", "", &[])
        .await
        .body;
    assert_eq!(pending["data"][0]["count"], 5);
    let reset = harness
        .send(Method::POST, "/_sim/reset", r#"{"requests":true}"#, &[])
        .await;
    assert_eq!(reset.body["faults_cleared"], 1);
    harness.get("/v1/account").await.ok();
    assert_eq!(harness.get_log().await.len(), 1);

    let bad = harness
        .send(Method::POST, "/_sim/faults", r#"{"kind":"gremlins"}"#, &[])
        .await;
    assert_eq!(bad.status, 400);
    let bad = harness
        .send(Method::POST, "/_sim/faults", r#"{"kind":"latency"}"#, &[])
        .await;
    assert_eq!(bad.status, 400);
    harness.finish();
}
