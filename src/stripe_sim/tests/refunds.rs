//! Refunds, full, partial and too large.

use super::*;

#[tokio::test]
async fn refunds_full_partial_and_too_large() {
    let harness = Harness::new();
    let (id, _) = harness
        .pay(
            "amount=3000&currency=usd&payment_method_types[]=card_present",
            "",
        )
        .await;
    let partial = harness
        .post(
            "/v1/refunds",
            &format!("payment_intent={id}&amount=1000&reason=requested_by_customer"),
        )
        .await
        .ok();
    assert_eq!(partial["object"], "refund");
    assert_eq!(partial["amount"], 1000);
    assert_eq!(partial["status"], "succeeded");
    assert_eq!(partial["payment_intent"], id.as_str());
    let charge_id = partial["charge"].as_str().unwrap().to_string();

    let reply = harness
        .post("/v1/refunds", &format!("charge={charge_id}&amount=2500"))
        .await;
    let error = reply.expect_error(400, Some("amount_too_large"));
    assert_eq!(error["param"], "amount");

    let rest = harness
        .post(
            "/v1/refunds",
            &format!("charge={charge_id}&expand[]=charge"),
        )
        .await
        .ok();
    assert_eq!(rest["amount"], 2000);
    assert_eq!(rest["charge"]["amount_refunded"], 3000);
    assert_eq!(rest["charge"]["refunded"], true);
    assert_eq!(rest["charge"]["refunds"]["total_count"], 2);

    let reply = harness
        .post("/v1/refunds", &format!("payment_intent={id}"))
        .await;
    reply.expect_error(400, Some("charge_already_refunded"));

    let fetched = harness
        .get(&format!("/v1/refunds/{}", rest["id"].as_str().unwrap()))
        .await
        .ok();
    assert_eq!(fetched["amount"], 2000);

    // A full refund by default, of a freshly captured intent.
    let (id, _) = harness.pay(ODOO_CREATE, "").await;
    let reply = harness
        .post("/v1/refunds", &format!("payment_intent={id}"))
        .await;
    reply.expect_error(400, Some("charge_not_refundable"));
    harness
        .post(&format!("/v1/payment_intents/{id}/capture"), "")
        .await
        .ok();
    let full = harness
        .post("/v1/refunds", &format!("payment_intent={id}"))
        .await
        .ok();
    assert_eq!(full["amount"], 1250);

    let reply = harness.post("/v1/refunds", "amount=5").await;
    reply.expect_error(400, Some("parameter_missing"));
    let reply = harness
        .post("/v1/refunds", "payment_intent=pi_missing")
        .await;
    let error = reply.expect_error(404, Some("resource_missing"));
    assert_eq!(error["param"], "payment_intent");
    harness.finish();
}
