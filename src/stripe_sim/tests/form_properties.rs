//! Property tests of the bracketed form parser (`params::parse_form`) and of the simulator behind
//! it: arbitrary bytes never panic, well-formed nested parameters round-trip, and the depth and
//! size bounds answer a clean Stripe-style 400.

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::Harness;
use crate::stripe_sim::params::{parse_form, MAX_NESTING_DEPTH, MAX_PARAMS};

/// Bytes that stress the parser more than uniform noise: brackets, separators and escapes.
fn form_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b"[]".to_vec()),
        Just(b"=".to_vec()),
        Just(b"&".to_vec()),
        Just(b"%".to_vec()),
        Just(b"%5B".to_vec()),
        Just(b"%5D".to_vec()),
        Just(b"+".to_vec()),
        Just(b"metadata".to_vec()),
        "[a-z0-9]{1,4}".prop_map(String::into_bytes),
        any::<u8>().prop_map(|byte| vec![byte]),
    ];
    proptest::collection::vec(piece, 0..200).prop_map(|pieces| pieces.concat())
}

/// A parameter name segment: anything without brackets, never empty.
fn segment() -> impl Strategy<Value = String> {
    "[^\\[\\]]{1,12}"
}

/// A nested parameter tree as Stripe clients send it: hashes of hashes, strings and lists of
/// strings (never empty hashes, which the form encoding cannot express).
fn tree(depth: u32) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        3 => any::<String>().prop_map(Value::String),
        1 => proptest::collection::vec(any::<String>().prop_map(Value::String), 1..4)
            .prop_map(Value::Array),
    ];
    leaf.prop_recursive(depth, 48, 4, |inner| {
        proptest::collection::btree_map(segment(), inner, 1..4)
            .prop_map(|map| Value::Object(map.into_iter().collect()))
    })
}

/// Encodes `value` under `name` the way Stripe's client libraries do.
fn encode(name: &str, value: &Value, out: &mut form_urlencoded::Serializer<'_, String>) {
    match value {
        Value::String(text) => {
            out.append_pair(name, text);
        }
        Value::Array(items) => {
            for item in items {
                encode(&format!("{name}[]"), item, out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                encode(&format!("{name}[{key}]"), item, out);
            }
        }
        _ => unreachable!("the strategy builds only strings, lists and hashes"),
    }
}

/// How deep the brackets of `value`'s deepest name go.
fn depth_of(value: &Value) -> usize {
    match value {
        Value::String(_) => 0,
        Value::Array(items) => 1 + items.iter().map(depth_of).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_parse_or_are_a_clean_400(input in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Err(error) = parse_form(&input) {
            prop_assert_eq!(error.status, 400);
            prop_assert_eq!(error.error_type, "invalid_request_error");
        }
    }

    #[test]
    fn bracket_heavy_input_parses_or_is_a_clean_400(input in form_like_bytes()) {
        if let Err(error) = parse_form(&input) {
            prop_assert_eq!(error.status, 400);
            prop_assert_eq!(error.error_type, "invalid_request_error");
            prop_assert!(error.param.as_deref().is_none_or(|param| param.chars().count() <= 103));
        }
    }

    #[test]
    fn well_formed_nested_parameters_round_trip(
        fields in proptest::collection::btree_map("[a-z_]{1,10}", tree(4), 1..5)
    ) {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &fields {
            encode(name, value, &mut serializer);
        }
        let body = serializer.finish();
        let expected: Map<String, Value> = fields.into_iter().collect();
        let deepest = expected.values().map(depth_of).max().unwrap_or(0);
        prop_assume!(deepest <= MAX_NESTING_DEPTH);
        let parsed = parse_form(body.as_bytes());
        prop_assert_eq!(parsed.ok(), Some(expected), "body: {}", body);
    }

    #[test]
    fn nesting_beyond_the_bound_is_refused_and_within_it_accepted(depth in 0usize..(3 * MAX_NESTING_DEPTH)) {
        let name = format!("a{}", "[x]".repeat(depth));
        let result = parse_form(format!("{name}=1").as_bytes());
        if depth <= MAX_NESTING_DEPTH {
            let parsed = result.expect("within the bound");
            let mut value = &parsed["a"];
            for _ in 0..depth {
                value = &value["x"];
            }
            prop_assert_eq!(value, &Value::String("1".into()));
        } else {
            let error = result.expect_err("beyond the bound");
            prop_assert_eq!(error.status, 400);
            prop_assert_eq!(error.error_type, "invalid_request_error");
            // The name is echoed, cut to 100 characters.
            let param = error.param.clone().unwrap_or_default();
            if name.len() <= 100 {
                prop_assert_eq!(&param, &name);
            } else {
                prop_assert_eq!(param, format!("{}...", &name[..100]));
            }
            prop_assert!(error.message.contains(&format!("nested {depth} levels deep")), "{}", error.message);
        }
    }

    #[test]
    fn the_whole_api_answers_arbitrary_bodies_with_200_or_a_stripe_400(input in form_like_bytes()) {
        let harness = Harness::new();
        let reply = futures::executor::block_on(harness.post("/v1/payment_intents", &String::from_utf8_lossy(&input)));
        prop_assert!(reply.status == 200 || reply.status == 400, "{} {}", reply.status, reply.body);
        if reply.status == 400 {
            prop_assert_eq!(&reply.error()["type"], "invalid_request_error");
        }
    }
}

#[test]
fn a_name_nested_a_million_deep_is_a_400_not_a_stack_overflow() {
    let body = format!("a{}=1", "[x]".repeat(1_000_000));
    let error = parse_form(body.as_bytes()).unwrap_err();
    assert_eq!(error.status, 400);
    let param = error.param.unwrap();
    assert!(param.len() < 110, "the name is cut in the error: {param}");
    assert!(error.message.contains("nested 1000000 levels deep"));
}

#[test]
fn more_pairs_than_the_bound_are_refused() {
    let at_bound: Vec<String> = (0..MAX_PARAMS)
        .map(|i| format!("metadata[k{i}]=v"))
        .collect();
    let parsed = parse_form(at_bound.join("&").as_bytes()).unwrap();
    assert_eq!(parsed["metadata"].as_object().unwrap().len(), MAX_PARAMS);
    let over = format!("{}&one=more", at_bound.join("&"));
    let error = parse_form(over.as_bytes()).unwrap_err();
    assert_eq!(error.status, 400);
    assert_eq!(error.error_type, "invalid_request_error");
    assert_eq!(
        error.message,
        format!("Too many parameters: a request may send at most {MAX_PARAMS}.")
    );
}

#[tokio::test]
async fn a_too_deep_request_is_a_400_the_client_can_read() {
    let harness = Harness::new();
    let body = format!(
        "amount=100&currency=usd&metadata{}=1",
        "[x]".repeat(MAX_NESTING_DEPTH + 1)
    );
    let reply = harness.post("/v1/payment_intents", &body).await;
    let error = reply.expect_error(400, None);
    assert_eq!(error["type"], "invalid_request_error");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains(&format!("nested {} levels deep", MAX_NESTING_DEPTH + 1)));
    assert_eq!(harness.simulator.payment_intent_count(), 0);
    harness.finish();
}
