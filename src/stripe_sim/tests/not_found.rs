//! Unknown URLs and missing objects.

use super::*;

#[tokio::test]
async fn unknown_urls_and_missing_objects_are_404s() {
    let harness = Harness::new();
    let reply = harness.get("/v1/foo").await;
    let error = reply.expect_error(404, None);
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("Unrecognized request URL (GET: /v1/foo)."));
    let reply = harness
        .send(Method::DELETE, "/v1/payment_intents", "", &[])
        .await;
    reply.expect_error(404, None);

    let reply = harness.get("/v1/payment_intents/pi_x").await;
    let error = reply.expect_error(404, Some("resource_missing"));
    assert_eq!(error["message"], "No such payment_intent: 'pi_x'");
    assert_eq!(error["param"], "intent");
    let reply = harness.get("/v1/charges/ch_x").await;
    let error = reply.expect_error(404, Some("resource_missing"));
    assert_eq!(error["message"], "No such charge: 'ch_x'");
    assert_eq!(error["param"], "id");
    harness
        .get("/v1/refunds/re_x")
        .await
        .expect_error(404, Some("resource_missing"));
    harness
        .get("/v1/terminal/readers/tmr_x")
        .await
        .expect_error(404, Some("resource_missing"));
    harness
        .post("/v1/payment_intents/pi_x/capture", "")
        .await
        .expect_error(404, Some("resource_missing"));
    // Ids arrive URL-quoted from Odoo.
    let pi = harness.create_intent(ODOO_CREATE).await;
    let quoted = pi["id"].as_str().unwrap().replace('_', "%5F");
    harness
        .get(&format!("/v1/payment_intents/{quoted}"))
        .await
        .ok();

    let reply = harness.send(Method::GET, "/_sim/nothing", "", &[]).await;
    assert_eq!(reply.status, 404);
    harness.finish();
}
