//! Object shapes: every key of Stripe's fixtures, and the OpenAPI contract of every endpoint.

use super::*;

/// Every object the simulator renders has at least the keys of Stripe's example object.
#[tokio::test]
async fn objects_have_every_key_of_stripes_fixtures() {
    let path = contract::default_openapi_path().with_file_name("fixtures-terminal.json");
    let fixtures: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let harness = Harness::odoo();
    let (id, reader) = harness.pay(ODOO_CREATE, "").await;
    harness
        .post(&format!("/v1/payment_intents/{id}/capture"), "")
        .await
        .ok();
    let pi = harness.intent(&id).await;
    let charge = pi["charges"]["data"][0].clone();
    let refund = harness
        .post("/v1/refunds", &format!("payment_intent={id}&amount=100"))
        .await
        .ok();
    let token = harness
        .post("/v1/terminal/connection_tokens", "")
        .await
        .ok();
    let location = harness.get("/v1/terminal/locations").await.ok()["data"][0].clone();
    for (name, object) in [
        ("payment_intent", &pi),
        ("charge", &charge),
        ("refund", &refund),
        ("terminal.connection_token", &token),
        ("terminal.location", &location),
        ("terminal.reader", &reader),
    ] {
        let expected = fixtures["resources"][name].as_object().unwrap();
        let actual = object.as_object().unwrap();
        let missing: Vec<&String> = expected
            .keys()
            .filter(|key| !actual.contains_key(*key))
            .collect();
        assert!(missing.is_empty(), "{name} lacks {missing:?}");
    }
    let action = reader["action"].as_object().unwrap();
    for key in fixtures["resources"]["terminal.reader"]["action"]
        .as_object()
        .unwrap()
        .keys()
    {
        if key != "refund_payment" {
            assert!(action.contains_key(key), "reader action lacks {key}");
        }
    }
    harness.finish();
}

/// One pass over every endpoint, in both API versions, errors included; `finish` validates each
/// response against its path's schema.
#[tokio::test]
async fn every_endpoint_matches_the_openapi_contract() {
    for harness in [Harness::new(), Harness::odoo()] {
        let reader = harness.seeded_reader().await;
        harness
            .get(&format!("/v1/terminal/readers/{reader}?expand[]=location"))
            .await
            .ok();
        harness.get("/v1/account").await.ok();
        harness
            .post("/v1/terminal/connection_tokens", "")
            .await
            .ok();
        let (id, _) = harness
            .pay(
                &format!("{ODOO_CREATE}&metadata[order]=7&description=Table+4"),
                "amount_tip=50",
            )
            .await;
        harness
            .get(&format!(
                "/v1/payment_intents/{id}?expand[]=latest_charge&expand[]=payment_method"
            ))
            .await
            .ok();
        harness
            .post(
                &format!("/v1/payment_intents/{id}/capture"),
                "amount_to_capture=1300",
            )
            .await
            .ok();
        let refund = harness
            .post(
                "/v1/refunds",
                &format!("payment_intent={id}&expand[]=charge&expand[]=payment_intent"),
            )
            .await
            .ok();
        harness
            .get(&format!("/v1/refunds/{}", refund["id"].as_str().unwrap()))
            .await
            .ok();
        harness
            .get(&format!(
                "/v1/charges/{}",
                refund["charge"]["id"].as_str().unwrap()
            ))
            .await
            .ok();
        let (declined, _) = harness
            .pay(ODOO_CREATE, "card_present[number]=4000000000000002")
            .await;
        harness
            .get(&format!(
                "/v1/payment_intents/{declined}?expand[]=latest_charge"
            ))
            .await
            .ok();
        harness
            .post(
                &format!("/v1/payment_intents/{declined}/cancel"),
                "cancellation_reason=abandoned",
            )
            .await
            .ok();
        harness
            .post(&format!("/v1/payment_intents/{declined}/capture"), "")
            .await;
        harness
            .post("/v1/payment_intents", "amount=abc&currency=usd")
            .await;
        harness
            .post("/v1/refunds", &format!("payment_intent={id}"))
            .await;
        harness.get("/v1/terminal/readers/tmr_missing").await;
        harness.get("/v1/terminal/locations?limit=1").await.ok();
        harness
            .send(Method::POST, "/_sim/faults", r#"{"kind":"status429"}"#, &[])
            .await;
        harness.get("/v1/terminal/readers").await;
        harness.finish();
    }
}
