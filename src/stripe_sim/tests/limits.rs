//! Stripe's own limits, as the simulator enforces them: metadata (50 keys, 40-character keys,
//! 500-character values) with Stripe's error status, type, message and param.

use serde_json::{json, Value};

use super::{Harness, ODOO_CREATE};

/// `metadata[k0]=v&metadata[k1]=v...` with `count` keys whose values are `value`.
fn metadata_pairs(prefix: &str, count: usize, value: &str) -> String {
    (0..count)
        .map(|index| format!("metadata[{prefix}{index}]={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Asserts Stripe's metadata error: 400 `invalid_request_error`, param `metadata`, `message`.
#[track_caller]
fn assert_metadata_error(reply: &super::Reply, message: &str) {
    let error = reply.expect_error(400, None);
    assert_eq!(error["type"], "invalid_request_error");
    assert_eq!(error["param"], "metadata");
    assert_eq!(error["message"], message);
}

#[tokio::test]
async fn metadata_holds_up_to_50_keys_and_the_51st_is_stripes_error() {
    let harness = Harness::new();
    let at_limit = harness
        .create_intent(&format!(
            "amount=100&currency=usd&{}",
            metadata_pairs("k", 50, "v")
        ))
        .await;
    assert_eq!(at_limit["metadata"].as_object().unwrap().len(), 50);

    let reply = harness
        .post(
            "/v1/payment_intents",
            &format!("amount=100&currency=usd&{}", metadata_pairs("k", 51, "v")),
        )
        .await;
    assert_metadata_error(
        &reply,
        "Metadata can have up to 50 keys, but you've set 51.",
    );
    assert_eq!(harness.simulator.payment_intent_count(), 1);
    harness.finish();
}

#[tokio::test]
async fn keys_up_to_40_characters_and_values_up_to_500_are_accepted_and_longer_refused() {
    let harness = Harness::new();
    // Characters, not bytes: 40 two-byte letters are a 40-character key.
    let key_40 = "é".repeat(40);
    let value_500 = "ü".repeat(500);
    let pi = harness
        .create_intent(&format!(
            "amount=100&currency=usd&metadata[{key_40}]={value_500}"
        ))
        .await;
    assert_eq!(pi["metadata"][&key_40], json!(value_500));

    let key_41 = "k".repeat(41);
    let reply = harness
        .post(
            "/v1/payment_intents",
            &format!("amount=100&currency=usd&metadata[{key_41}]=v"),
        )
        .await;
    assert_metadata_error(
        &reply,
        &format!("Metadata keys can have up to 40 characters, but you passed in a key that is 41 characters. Invalid key: {key_41}"),
    );

    let value_501 = "v".repeat(501);
    let reply = harness
        .post(
            "/v1/payment_intents",
            &format!("amount=100&currency=usd&metadata[note]={value_501}"),
        )
        .await;
    assert_metadata_error(
        &reply,
        &format!("Metadata values can have up to 500 characters, but you passed in a value that is 501 characters. Invalid value: {value_501}"),
    );
    assert_eq!(harness.simulator.payment_intent_count(), 1);
    harness.finish();
}

#[tokio::test]
async fn updates_count_the_keys_the_object_would_end_with() {
    let harness = Harness::new();
    let pi = harness
        .create_intent(&format!(
            "amount=100&currency=usd&{}",
            metadata_pairs("old", 30, "v")
        ))
        .await;
    let id = pi["id"].as_str().unwrap();
    let path = format!("/v1/payment_intents/{id}");

    // 30 kept + 21 new = 51: refused, and nothing changes.
    let reply = harness
        .post(
            &path,
            &format!("description=x&{}", metadata_pairs("new", 21, "v")),
        )
        .await;
    assert_metadata_error(
        &reply,
        "Metadata can have up to 50 keys, but you've set 51.",
    );
    let unchanged = harness.intent(id).await;
    assert_eq!(unchanged["metadata"].as_object().unwrap().len(), 30);
    assert_eq!(unchanged["description"], Value::Null);

    // Unsetting one key in the same request makes room for the 21st.
    let updated = harness
        .post(
            &path,
            &format!("metadata[old0]=&{}", metadata_pairs("new", 21, "v")),
        )
        .await
        .ok();
    assert_eq!(updated["metadata"].as_object().unwrap().len(), 50);
    assert!(updated["metadata"].get("old0").is_none());
    harness.finish();
}

#[tokio::test]
async fn a_capture_whose_metadata_is_refused_captures_nothing() {
    let harness = Harness::new();
    let (id, _) = harness
        .pay(
            &format!("{ODOO_CREATE}&{}", metadata_pairs("k", 45, "v")),
            "",
        )
        .await;
    let reply = harness
        .post(
            &format!("/v1/payment_intents/{id}/capture"),
            &metadata_pairs("extra", 6, "v"),
        )
        .await;
    assert_metadata_error(
        &reply,
        "Metadata can have up to 50 keys, but you've set 51.",
    );
    let pi = harness.intent(&id).await;
    assert_eq!(pi["status"], "requires_capture");
    assert_eq!(pi["amount_received"], 0);
    harness.finish();
}
