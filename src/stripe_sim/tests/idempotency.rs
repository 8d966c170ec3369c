//! Idempotent requests: replays and mismatches.

use super::*;

#[tokio::test]
async fn idempotent_requests_replay_and_mismatches_are_refused() {
    let harness = Harness::new();
    let key = [("idempotency-key", "3f1c9e52-9d4c-4a6e-9a57-2d1f0c5e7b10")];
    let first = harness
        .post_with("/v1/payment_intents", ODOO_CREATE, &key)
        .await;
    let second = harness
        .post_with("/v1/payment_intents", ODOO_CREATE, &key)
        .await;
    assert_eq!(first.status, 200);
    assert_eq!(second.status, 200);
    assert_eq!(first.body, second.body);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.header("idempotent-replayed"), None);
    assert_eq!(first.header("request-id"), second.header("request-id"));
    assert_eq!(harness.simulator.payment_intent_count(), 1);

    let other_params = harness
        .post_with("/v1/payment_intents", "currency=usd&amount=999", &key)
        .await;
    let error = other_params.expect_error(400, None);
    assert_eq!(error["type"], "idempotency_error");
    assert_eq!(
        error["message"],
        "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '3f1c9e52-9d4c-4a6e-9a57-2d1f0c5e7b10' if you meant to execute a different request."
    );
    let other_endpoint = harness
        .post_with("/v1/terminal/connection_tokens", "", &key)
        .await;
    assert_eq!(
        other_endpoint.expect_error(400, None)["type"],
        "idempotency_error"
    );

    // Stored errors replay too, but parameter errors are not stored.
    let error_key = [("idempotency-key", "key-for-errors")];
    let invalid = harness
        .post_with("/v1/payment_intents", "currency=usd", &error_key)
        .await;
    invalid.expect_error(400, Some("parameter_missing"));
    harness
        .post_with("/v1/payment_intents", "currency=usd&amount=100", &error_key)
        .await
        .ok();
    assert_eq!(harness.simulator.payment_intent_count(), 2);

    let long_key = "k".repeat(256);
    let reply = harness
        .post_with(
            "/v1/payment_intents",
            ODOO_CREATE,
            &[("idempotency-key", &long_key)],
        )
        .await;
    reply.expect_error(400, None);
    assert_eq!(harness.simulator.payment_intent_count(), 2);
    harness.finish();
}
