//! What the simulated Stripe Terminal SDK needs from the server, over HTTP: its script, the
//! connection token as its credentials (only for the reader endpoints), the reader actions it
//! drives, CORS, the auto-present setting, and the SDK URL a POS page gets.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::{both, both_with};

const DEMO_SERIAL: &str = "WSC513105011295";

/// A request to the simulator's Stripe API with `credential` as the bearer, as the browser
/// SDK sends it: `(status, body)`.
async fn sdk_request(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    credential: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let url = format!("{}{}", app.sim().base, path);
    let mut request = app
        .http
        .request(method.clone(), url)
        .bearer_auth(credential)
        .header("Stripe-Version", "2020-08-27");
    if method == reqwest::Method::GET {
        request = request.query(form);
    } else {
        request = request.form(form);
    }
    let response = request.send().await.expect("the simulator answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

/// The connection token the POS fetches through Odoo, as the cashier.
async fn connection_token(cashier: &Client) -> String {
    let token = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_connection_token",
            json!([]),
            json!({}),
        )
        .await;
    token["secret"].as_str().expect("a secret").to_string()
}

/// An intent for `amount` through Odoo, as the POS creates it: `(id, client_secret)`.
async fn intent(cashier: &Client, app: &TestApp, amount: f64) -> (String, String) {
    let method = app.xmlid("ops_demo.payment_method_stripe").await;
    let pi = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_payment_intent",
            json!([[method], amount]),
            json!({}),
        )
        .await;
    (
        pi["id"].as_str().unwrap().to_string(),
        pi["client_secret"].as_str().unwrap().to_string(),
    )
}

/// The demo reader's id, listed with the connection token as the SDK's discoverReaders does.
async fn discovered_reader(app: &TestApp, token: &str) -> String {
    let (status, list) = sdk_request(
        app,
        reqwest::Method::GET,
        "/v1/terminal/readers",
        token,
        &[("limit", "100")],
    )
    .await;
    assert_eq!(status, 200, "{list}");
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|reader| reader["serial_number"] == json!(DEMO_SERIAL))
        .and_then(|reader| reader["id"].as_str())
        .expect("the demo reader is discovered")
        .to_string()
}

both!(the_sdk_script_is_served_with_the_test_cards, |app| {
    let response = app
        .http
        .get(format!("{}/stripe-sim/terminal/v1/sdk.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/javascript; charset=utf-8"
    );
    let script = response.text().await.unwrap();
    assert!(script.contains("window.StripeTerminal"));
    for (name, number) in [
        ("visa", "4242424242424242"),
        ("mastercard", "5555555555554444"),
        ("declined", "4000000000000002"),
        ("insufficient_funds", "4000000000009995"),
        ("interac", "4506445006931933"),
    ] {
        assert!(script.contains(&format!("\"name\":\"{name}\"")), "{name}");
        assert!(script.contains(number), "{number}");
    }
    assert!(
        !script.contains("/*TEST_CARDS*/"),
        "the placeholder was filled"
    );

    // The page of a server with the mounted simulator loads it from the same origin...
    assert_eq!(
        app.services.stripe_terminal_sdk_url(),
        "/stripe-sim/terminal/v1/sdk.js"
    );
    let page = r#"<script src="https://js.stripe.com/terminal/v1/"></script>"#;
    assert_eq!(
        app.services.rewrite_stripe_terminal_sdk(page),
        r#"<script src="/stripe-sim/terminal/v1/sdk.js"></script>"#
    );
});

both_with!(
    a_real_stripe_account_keeps_stripes_sdk,
    |settings| settings.stripe_base_url = "https://api.stripe.com".into(),
    |app| {
        assert_eq!(
            app.services.stripe_terminal_sdk_url(),
            "https://js.stripe.com/terminal/v1/"
        );
        let page = r#"<script src="https://js.stripe.com/terminal/v1/"></script>"#;
        assert!(matches!(
            app.services.rewrite_stripe_terminal_sdk(page),
            std::borrow::Cow::Borrowed(text) if text == page
        ));
        // No simulator is mounted, so no simulated SDK either.
        let status = app
            .http
            .get(format!("{}/stripe-sim/terminal/v1/sdk.js", app.base))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), 404);
    }
);

both!(
    a_card_collected_with_the_connection_token_is_captured_by_odoo,
    |app| {
        let cashier = app.as_user("cashier").await;
        let token = connection_token(&cashier).await;
        let reader = discovered_reader(&app, &token).await;
        let (pi, client_secret) = intent(&cashier, &app, 12.5).await;

        // collectPaymentMethod: the intent read with its client secret, then the reader action.
        let (status, read) = sdk_request(
            &app,
            reqwest::Method::GET,
            &format!("/v1/payment_intents/{pi}"),
            &token,
            &[("client_secret", &client_secret)],
        )
        .await;
        assert_eq!((status, &read["amount"]), (200, &json!(1250)), "{read}");
        let (status, waiting) = sdk_request(
            &app,
            reqwest::Method::POST,
            &format!("/v1/terminal/readers/{reader}/process_payment_intent"),
            &token,
            &[("payment_intent", &pi)],
        )
        .await;
        assert_eq!(status, 200, "{waiting}");
        assert_eq!(waiting["action"]["status"], json!("in_progress"));

        // The panel presents a Mastercard through the test helper, with the same token.
        let (status, done) = sdk_request(
            &app,
            reqwest::Method::POST,
            &format!("/v1/test_helpers/terminal/readers/{reader}/present_payment_method"),
            &token,
            &[
                ("type", "card_present"),
                ("card_present[number]", "5555555555554444"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{done}");
        assert_eq!(done["action"]["status"], json!("succeeded"));

        // processPayment: the intent as the SDK returns it, with its charges embedded.
        let (_, processed) = sdk_request(
            &app,
            reqwest::Method::GET,
            &format!("/v1/payment_intents/{pi}"),
            &token,
            &[("client_secret", &client_secret)],
        )
        .await;
        assert_eq!(processed["status"], json!("requires_capture"));
        assert_eq!(
            processed["charges"]["data"][0]["payment_method_details"]["card_present"]["brand"],
            json!("mastercard")
        );

        let captured = cashier
            .call_ok(
                "pos.payment.method",
                "stripe_capture_payment",
                json!([pi]),
                json!({}),
            )
            .await;
        assert_eq!(captured["status"], json!("succeeded"));
        assert_eq!(captured["amount_received"], json!(1250));
    }
);

both!(a_connection_token_reaches_only_the_readers, |app| {
    let cashier = app.as_user("cashier").await;
    let token = connection_token(&cashier).await;
    let (pi, _) = intent(&cashier, &app, 3.0).await;

    // No client secret, no intent; and nothing a secret key is for.
    let (status, body) = sdk_request(
        &app,
        reqwest::Method::GET,
        &format!("/v1/payment_intents/{pi}"),
        &token,
        &[],
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = sdk_request(
        &app,
        reqwest::Method::POST,
        &format!("/v1/payment_intents/{pi}/capture"),
        &token,
        &[],
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("cannot be made with a connection token"));
    let (status, body) = sdk_request(
        &app,
        reqwest::Method::POST,
        "/v1/payment_intents",
        &token,
        &[("amount", "100"), ("currency", "usd")],
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(app.sim().state().await["payment_intents"], json!(1));

    // A wrong client secret is Stripe's error; a token the simulator never issued is a 401
    // that tells the SDK to fetch a new one, without echoing it.
    let (status, body) = sdk_request(
        &app,
        reqwest::Method::GET,
        &format!("/v1/payment_intents/{pi}"),
        &token,
        &[("client_secret", "pi_nope_secret_nope")],
    )
    .await;
    assert_eq!(
        (status, &body["error"]["param"]),
        (400, &json!("client_secret"))
    );
    let forged = "pst_test_ThisTokenWasNeverIssuedByTheSimulator00";
    let (status, body) = sdk_request(
        &app,
        reqwest::Method::GET,
        "/v1/terminal/readers",
        forged,
        &[],
    )
    .await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"]["code"], json!("connection_token_expired"));
    assert!(!body.to_string().contains(forged));
});

both!(
    a_queued_fault_is_for_api_requests_not_the_sdk_script,
    |app| {
        app.sim().fault("drop", 1).await;
        let script = app
            .http
            .get(format!("{}/stripe-sim/terminal/v1/sdk.js", app.base))
            .send()
            .await
            .expect("the script is served despite the queued fault");
        assert_eq!(script.status().as_u16(), 200);
        // The fault still waits for the next API request.
        assert_eq!(app.sim().state().await["pending_faults"], json!(1));
    }
);

both!(the_api_answers_cors_preflights_as_stripe_does, |app| {
    let response = app
        .http
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/stripe-sim/v1/terminal/readers", app.base),
        )
        .header("Origin", "http://pos.example")
        .header("Access-Control-Request-Method", "GET")
        .header(
            "Access-Control-Request-Headers",
            "authorization,stripe-version",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let allowed = response.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("authorization") && allowed.contains("stripe-version"));
    // Preflights are not API requests: nothing reaches the request log.
    assert!(app.sim().log().await.is_empty());
});

both_with!(
    the_auto_present_card_completes_a_waiting_payment,
    |settings| {
        settings.stripe_sim_auto_present = "visa".into();
        settings.stripe_sim_auto_present_delay_ms = 150;
    },
    |app| {
        let cashier = app.as_user("cashier").await;
        let token = connection_token(&cashier).await;
        let reader = discovered_reader(&app, &token).await;
        let (pi, client_secret) = intent(&cashier, &app, 8.0).await;
        let (status, _) = sdk_request(
            &app,
            reqwest::Method::POST,
            &format!("/v1/terminal/readers/{reader}/process_payment_intent"),
            &token,
            &[("payment_intent", &pi)],
        )
        .await;
        assert_eq!(status, 200);
        // Nobody presents a card: the setting does, after its delay.
        let mut action = Value::Null;
        for _ in 0..100 {
            let (_, current) = sdk_request(
                &app,
                reqwest::Method::GET,
                &format!("/v1/terminal/readers/{reader}"),
                &token,
                &[],
            )
            .await;
            action = current["action"].clone();
            if action["status"] != json!("in_progress") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(action["status"], json!("succeeded"), "{action}");
        let (_, read) = sdk_request(
            &app,
            reqwest::Method::GET,
            &format!("/v1/payment_intents/{pi}"),
            &token,
            &[("client_secret", &client_secret)],
        )
        .await;
        assert_eq!(read["status"], json!("requires_capture"));
        assert_eq!(
            read["charges"]["data"][0]["payment_method_details"]["card_present"]["last4"],
            json!("4242")
        );
    }
);

both_with!(
    the_auto_present_card_leaves_a_canceled_wait_alone,
    |settings| {
        settings.stripe_sim_auto_present = "visa".into();
        settings.stripe_sim_auto_present_delay_ms = 200;
    },
    |app| {
        let cashier = app.as_user("cashier").await;
        let token = connection_token(&cashier).await;
        let reader = discovered_reader(&app, &token).await;
        let (pi, client_secret) = intent(&cashier, &app, 9.0).await;
        let path = format!("/v1/terminal/readers/{reader}");
        let process = format!("{path}/process_payment_intent");
        let form = [("payment_intent", pi.as_str())];
        sdk_request(&app, reqwest::Method::POST, &process, &token, &form).await;
        let cancel = format!("{path}/cancel_action");
        let (status, _) = sdk_request(&app, reqwest::Method::POST, &cancel, &token, &[]).await;
        assert_eq!(status, 200);
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let (_, read) = sdk_request(
            &app,
            reqwest::Method::GET,
            &format!("/v1/payment_intents/{pi}"),
            &token,
            &[("client_secret", &client_secret)],
        )
        .await;
        assert_eq!(read["status"], json!("requires_payment_method"));
    }
);

#[test]
fn an_unknown_auto_present_card_stops_the_server_from_starting() {
    let settings = odoo_pos_stripe::settings::Settings {
        stripe_sim_auto_present: "amex-gold".into(),
        ..test_settings()
    };
    let error = odoo_pos_stripe::startup::simulator_config(&settings).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("amex-gold"), "{message}");
    assert!(message.contains("visa, mastercard, declined, insufficient_funds, interac"));
}

/// Pulled assets whose bundle loads Stripe's Terminal SDK itself (Odoo's does not: its page
/// does; a bundle that did must get the same choice of SDK as the page).
fn assets_naming_stripes_sdk() -> std::path::PathBuf {
    use odoo_pos_stripe::services::assets::{file_for, AssetFile, Manifest, MANIFEST};
    use sha2::{Digest, Sha256};
    let dir =
        std::env::temp_dir().join(format!("ops-assets-sdk-{}", uuid::Uuid::new_v4().simple()));
    let files: &[(&str, &str, &[u8])] = &[
        (
            BUNDLE_JS,
            "application/javascript",
            BUNDLE_SOURCE.as_bytes(),
        ),
        (BUNDLE_CSS, "text/css", b"body.pos { margin: 0; }\n"),
    ];
    let mut manifest = Manifest {
        odoo_version: "18.0".into(),
        pulled_from: "http://fixture".into(),
        pulled_at: "2026-11-30T00:00:00Z".into(),
        bundle_js: BUNDLE_JS.into(),
        bundle_css: BUNDLE_CSS.into(),
        websocket_worker_version: "18.0-2".into(),
        ..Manifest::default()
    };
    for (url, content_type, bytes) in files {
        let file = file_for(url, content_type).unwrap();
        let path = dir.join(&file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        manifest.files.insert(
            url.to_string(),
            AssetFile {
                file,
                sha256: hex::encode(Sha256::digest(bytes)),
                content_type: content_type.to_string(),
                size: bytes.len() as u64,
            },
        );
    }
    std::fs::write(dir.join(MANIFEST), serde_json::to_vec(&manifest).unwrap()).unwrap();
    dir
}

const BUNDLE_JS: &str = "/web/assets/sdk1/point_of_sale.assets_prod.min.js";
const BUNDLE_CSS: &str = "/web/assets/sdk1/point_of_sale.assets_prod.min.css";
const BUNDLE_SOURCE: &str = "loadJS(\"https://js.stripe.com/terminal/v1/\");\n";

/// `GET path` with the cashier's session cookie: (status, headers, body).
async fn get_page(
    app: &TestApp,
    cashier: &Client,
    path: &str,
    if_none_match: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut request = app
        .http
        .get(format!("{}{path}", app.base))
        .header("Cookie", format!("session_id={}", cashier.session_id));
    if let Some(etag) = if_none_match {
        request = request.header("If-None-Match", etag);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

both_with!(
    with_the_simulator_the_pos_page_and_bundle_load_the_simulated_sdk,
    |settings| settings.pos_assets = assets_naming_stripes_sdk().display().to_string(),
    |app| {
        let cashier = app.as_user("cashier").await;
        let config = app.xmlid("ops_demo.pos_config_shop").await;
        let (status, _, page) =
            get_page(&app, &cashier, &format!("/pos/ui?config_id={config}"), None).await;
        assert_eq!(status, 200, "{page}");
        assert!(
            page.contains(
                "<script type=\"text/javascript\" src=\"/stripe-sim/terminal/v1/sdk.js\"></script>"
            ),
            "{page}"
        );
        assert!(!page.contains("js.stripe.com"), "{page}");

        let (status, headers, bundle) = get_page(&app, &cashier, BUNDLE_JS, None).await;
        assert_eq!(status, 200);
        assert_eq!(bundle, "loadJS(\"/stripe-sim/terminal/v1/sdk.js\");\n");
        // Not the pulled file: its own ETag, revalidated instead of cached for a year.
        let etag = headers["etag"].to_str().unwrap().to_string();
        assert!(etag.ends_with("-stripe-sim\""), "{etag}");
        assert_eq!(headers["cache-control"], "no-cache");
        let (status, _, _) = get_page(&app, &cashier, BUNDLE_JS, Some(&etag)).await;
        assert_eq!(status, 304);
        // What does not name the SDK is served as pulled.
        let (_, headers, _) = get_page(&app, &cashier, BUNDLE_CSS, None).await;
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
    }
);

both_with!(
    with_a_real_stripe_account_the_pos_page_keeps_stripes_sdk,
    |settings| {
        settings.pos_assets = assets_naming_stripes_sdk().display().to_string();
        settings.stripe_base_url = "https://api.stripe.com".into();
    },
    |app| {
        let cashier = app.as_user("cashier").await;
        let config = app.xmlid("ops_demo.pos_config_shop").await;
        let (status, _, page) =
            get_page(&app, &cashier, &format!("/pos/ui?config_id={config}"), None).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains(
            "<script type=\"text/javascript\" src=\"https://js.stripe.com/terminal/v1/\"></script>"
        ));
        let (_, headers, bundle) = get_page(&app, &cashier, BUNDLE_JS, None).await;
        assert_eq!(bundle, BUNDLE_SOURCE);
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert!(!headers["etag"].to_str().unwrap().contains("stripe-sim"));
    }
);
