//! Parameter parsing and validation: unknown, wrongly typed and missing parameters.

use super::*;

#[test]
fn bracketed_forms_parse_into_nested_values() {
    let parsed = parse_form(
        b"a[]=x&a[]=y&b[c][d]=v&metadata[order]=42&expand[]=latest_charge&plain=hello+world&pct=%2Fx",
    )
    .unwrap();
    assert_eq!(
        Value::Object(parsed),
        json!({
            "a": ["x", "y"],
            "b": { "c": { "d": "v" } },
            "metadata": { "order": "42" },
            "expand": ["latest_charge"],
            "plain": "hello world",
            "pct": "/x",
        })
    );
    let parsed = parse_form(b"items[][name]=a&items[][size]=1&items[][name]=b").unwrap();
    assert_eq!(
        Value::Object(parsed),
        json!({ "items": [{ "name": "a", "size": "1" }, { "name": "b" }] })
    );
    let error = parse_form(b"amount=1&amount[x]=2").unwrap_err();
    assert_eq!(error.status, 400);
    assert_eq!(error.param.as_deref(), Some("amount[x]"));
    // An unclosed bracket keeps the whole key, to be reported as unknown.
    let parsed = parse_form(b"a[b=1").unwrap();
    assert!(parsed.contains_key("a[b"));
}

#[test]
fn keys_are_masked_to_their_prefix_and_last_four() {
    assert_eq!(
        mask_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
        "sk_test_****p7dc"
    );
    assert_eq!(mask_key("short"), "****");
}

#[tokio::test]
async fn unknown_wrongly_typed_and_missing_parameters_are_400s() {
    let harness = Harness::new();
    let reply = harness
        .post("/v1/payment_intents", "amount=100&currency=usd&colour=blue")
        .await;
    let error = reply.expect_error(400, Some("parameter_unknown"));
    assert_eq!(error["param"], "colour");
    assert_eq!(error["message"], "Received unknown parameter: colour");

    let reply = harness
        .post(
            "/v1/payment_intents",
            "amount=100&currency=usd&payment_method_types[]=card_present&payment_method_options[card_present][tip]=1",
        )
        .await;
    let error = reply.expect_error(400, Some("parameter_unknown"));
    assert_eq!(error["param"], "payment_method_options[card_present][tip]");

    let reply = harness
        .post("/v1/payment_intents", "amount=12.5&currency=usd")
        .await;
    let error = reply.expect_error(400, Some("parameter_invalid_integer"));
    assert_eq!(error["param"], "amount");

    let reply = harness
        .post("/v1/payment_intents", "amount=-5&currency=usd")
        .await;
    reply.expect_error(400, Some("parameter_invalid_integer"));

    let reply = harness.post("/v1/payment_intents", "amount=100").await;
    let error = reply.expect_error(400, Some("parameter_missing"));
    assert_eq!(error["param"], "currency");

    let reply = harness
        .post("/v1/payment_intents", "currency=usd&amount=")
        .await;
    let error = reply.expect_error(400, Some("parameter_missing"));
    assert_eq!(error["param"], "amount");

    let reply = harness
        .post(
            "/v1/payment_intents",
            "amount=100&currency=usd&capture_method=later",
        )
        .await;
    let error = reply.expect_error(400, None);
    assert_eq!(error["param"], "capture_method");

    let reply = harness
        .post(
            "/v1/payment_intents",
            "amount=100&currency=usd&payment_method_types[]=bitcoin",
        )
        .await;
    assert_eq!(
        reply.expect_error(400, None)["param"],
        "payment_method_types"
    );

    let reply = harness
        .post(
            "/v1/payment_intents",
            "amount=100&currency=usd&expand[]=customer",
        )
        .await;
    assert_eq!(reply.expect_error(400, None)["param"], "expand");

    let reply = harness.get("/v1/terminal/readers?limit=1000").await;
    reply.expect_error(400, Some("parameter_invalid_integer"));

    assert_eq!(harness.simulator.payment_intent_count(), 0);
    harness.finish();
}
