//! Authentication, API keys, headers and versions.

use super::*;

#[tokio::test]
async fn requests_without_a_key_get_401() {
    let harness = Harness::new();
    let reply = harness
        .send(
            Method::GET,
            "/v1/payment_intents/pi_x",
            "",
            &[("authorization", "")],
        )
        .await;
    let error = reply.expect_error(401, None);
    assert_eq!(error["type"], "invalid_request_error");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("You did not provide an API key."));
    harness.finish();
}

#[tokio::test]
async fn bad_live_and_unaccepted_keys_get_401_with_a_masked_key() {
    let config = SimConfig {
        accepted_keys: vec![KEY.to_string()],
        ..SimConfig::default()
    };
    let harness = Harness::with_config(config);
    for (header, shown) in [
        ("Bearer sk_live_51Habcdefghijklmnwxyz", "sk_live_****wxyz"),
        (
            "Bearer sk_test_otherkeythatisnotaccepted",
            "sk_test_****pted",
        ),
        ("Bearer pk_test_publishablekey1234", "pk_test_****1234"),
    ] {
        let reply = harness
            .send(Method::GET, "/v1/account", "", &[("authorization", header)])
            .await;
        let error = reply.expect_error(401, None);
        assert_eq!(
            error["message"],
            format!("Invalid API Key provided: {shown}"),
            "for {header}"
        );
    }
    harness.get("/v1/account").await.ok();
    harness.finish();
}

#[tokio::test]
async fn bearer_and_basic_auth_both_work() {
    use base64::Engine as _;
    let harness = Harness::new();
    harness.get("/v1/account").await.ok();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{KEY}:"))
    );
    let reply = harness
        .send(Method::GET, "/v1/account", "", &[("authorization", &basic)])
        .await;
    let account = reply.ok();
    assert_eq!(account["object"], "account");
    assert_eq!(
        account["settings"]["dashboard"]["display_name"],
        "Demo Account"
    );
    assert_eq!(account["business_profile"]["name"], "Demo Account");
    assert!(account["id"].as_str().unwrap().starts_with("acct_"));
    let log = harness.get_log().await;
    let schemes: Vec<&str> = log
        .iter()
        .map(|entry| entry["authorization"].as_str().unwrap())
        .collect();
    assert_eq!(schemes, ["bearer", "basic"]);
    assert!(
        !Value::Array(log).to_string().contains(KEY),
        "the log must never hold the key"
    );
    harness.finish();
}

#[tokio::test]
async fn every_response_has_a_request_id_and_json_content_type() {
    let harness = Harness::new();
    for reply in [
        harness.get("/v1/account").await,
        harness.get("/v1/nothing_here").await,
        harness
            .send(Method::GET, "/v1/account", "", &[("authorization", "")])
            .await,
    ] {
        let id = reply.header("request-id").unwrap();
        assert!(id.starts_with("req_") && id.len() == 18, "{id}");
        assert!(id[4..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(reply.header("content-type"), Some("application/json"));
    }
    harness.finish();
}

#[tokio::test]
async fn a_malformed_stripe_version_is_refused() {
    let harness = Harness::new();
    let reply = harness
        .send(
            Method::GET,
            "/v1/account",
            "",
            &[("stripe-version", "latest")],
        )
        .await;
    reply.expect_error(400, None);
    let reply = harness
        .send(
            Method::GET,
            "/v1/account",
            "",
            &[("stripe-version", "2024-09-30.acacia")],
        )
        .await;
    assert_eq!(reply.header("stripe-version"), Some("2024-09-30.acacia"));
    reply.ok();
    harness.finish();
}
