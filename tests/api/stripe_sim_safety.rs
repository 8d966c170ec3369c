//! The built-in simulator behind the real server: its control endpoints answer loopback
//! clients and the control token's holders only (the client's address travels from the accept
//! loop to the route as `PeerAddr`), the accepted-keys setting, and production's default of no
//! simulator.

use odoo_pos_stripe::settings::SecretSetting;
use serde_json::{json, Value};

use crate::helpers::*;

const DEMO_KEY: &str = "sk_test_demo0000000000000000odooposstripe";

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut request = app.http.get(format!("{}{path}", app.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("HTTP request");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn control_endpoints_know_the_client_address_and_refuse_proxied_clients() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.stripe_sim_control_token = SecretSetting::new("t0ken-for-ci");
    })
    .await;
    // This test's client is on loopback: the route saw its address.
    let (status, state) = get(&app, "/stripe-sim/_sim/state", &[]).await;
    assert_eq!(status, 200, "{state}");
    // Through a proxy on this machine every client would be loopback: refused...
    let proxied = [("x-forwarded-for", "203.0.113.9")];
    let (status, body) = get(&app, "/stripe-sim/_sim/requests", &proxied).await;
    assert_eq!(status, 403, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("loopback"));
    // ...unless it sends the control token.
    let with_token = [
        ("x-forwarded-for", "203.0.113.9"),
        ("authorization", "Bearer t0ken-for-ci"),
    ];
    let (status, _) = get(&app, "/stripe-sim/_sim/requests", &with_token).await;
    assert_eq!(status, 200);
    // The Stripe API itself answers proxied clients with a key, as Stripe does.
    let (status, account) = get(
        &app,
        "/stripe-sim/v1/account",
        &[
            ("x-forwarded-for", "203.0.113.9"),
            ("authorization", &format!("Bearer {DEMO_KEY}")),
        ],
    )
    .await;
    assert_eq!(status, 200, "{account}");
}

#[tokio::test]
async fn the_accepted_keys_setting_makes_other_keys_stripes_401() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.stripe_sim_accepted_keys =
            SecretSetting::new("sk_test_51OnlyThisOneIsValid0001, sk_test_51AndThisOne0002");
    })
    .await;
    let (status, body) = get(
        &app,
        "/stripe-sim/v1/account",
        &[("authorization", &format!("Bearer {DEMO_KEY}"))],
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"error": {"message": "Invalid API Key provided: sk_test_****ripe", "type": "invalid_request_error"}})
    );
    for key in [
        "sk_test_51OnlyThisOneIsValid0001",
        "sk_test_51AndThisOne0002",
    ] {
        let (status, _) = get(
            &app,
            "/stripe-sim/v1/account",
            &[("authorization", &format!("Bearer {key}"))],
        )
        .await;
        assert_eq!(status, 200, "{key}");
    }
    let (_, keys) = get(&app, "/stripe-sim/_sim/keys", &[]).await;
    assert_eq!(
        keys["accepted"],
        json!(["sk_test_****0001", "sk_test_****0002"])
    );
}

#[tokio::test]
async fn a_real_stripe_base_url_mounts_no_simulator_unless_asked() {
    let production = spawn_app_with(Backend::Sqlite, |settings| {
        settings.stripe_base_url = "https://api.stripe.com".into();
    })
    .await;
    assert!(production.services.simulator.is_none());
    let (status, _) = get(&production, "/stripe-sim/_sim/state", &[]).await;
    assert_eq!(status, 404);

    let asked = spawn_app_with(Backend::Sqlite, |settings| {
        settings.stripe_base_url = "https://api.stripe.com".into();
        settings.stripe_simulator = Some(true);
    })
    .await;
    let (status, _) = get(&asked, "/stripe-sim/_sim/state", &[]).await;
    assert_eq!(status, 200);
}
