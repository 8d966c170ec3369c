//! In a real headless Chromium: the simulated Stripe Terminal SDK, and a POS page of our own
//! served as pulled assets. These tests are `#[ignore]`d because they need Chromium and
//! chromedriver (`.ci/run` installs them and runs them with `--include-ignored`); a run that
//! includes them without a browser fails, saying what to install. Screenshots go to
//! `target/browser-artifacts/`.

use serde_json::{json, Value};

use crate::helpers::browser::Browser;
use crate::helpers::*;

const DEMO_SERIAL: &str = "WSC513105011295";

/// Declares a browser test on SQLite and on PostgreSQL, both ignored unless asked for.
macro_rules! browser_test {
    ($name:ident, |$backend:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs chromium and chromedriver (.ci/run installs them)"]
            async fn sqlite() {
                let $backend = Backend::Sqlite;
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs chromium, chromedriver and OPS_TEST_POSTGRES_URL"]
            async fn postgres() {
                postgres_url();
                let $backend = Backend::Postgres;
                $body
            }
        }
    };
}

/// Signs the browser in as the cashier with Odoo's JSON route, loads the simulated SDK by a
/// `<script>` tag, connects the demo reader as Odoo's `payment_stripe.js` does, and defines
/// `window.__sdk.pay(amount)`: intent, collect, process and capture, as Odoo's client chains
/// them, resolving to what happened.
const SDK_HARNESS: &str = r#"
window.__sdk = { ready: false };
const METHOD = arguments[0], SERIAL = arguments[1];
async function call(model, method, args) {
    const response = await fetch("/web/dataset/call_kw/" + model + "/" + method, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", method: "call", id: 1,
            params: { model: model, method: method, args: args, kwargs: {} } }),
    });
    const body = await response.json();
    if (body.error) { throw new Error(body.error.data.message); }
    return body.result;
}
(async () => {
    const login = await fetch("/web/session/authenticate", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", method: "call", id: 1,
            params: { db: "odoo", login: "cashier", password: "cashier" } }),
    });
    if ((await login.json()).error) { throw new Error("login failed"); }
    await new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = "/stripe-sim/terminal/v1/sdk.js";
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
    });
    const terminal = StripeTerminal.create({
        onFetchConnectionToken: async () => (await call("pos.payment.method", "stripe_connection_token", [])).secret,
        onUnexpectedReaderDisconnect: () => { window.__sdk.disconnected = true; },
    });
    window.__terminal = terminal;
    window.__sdk.before = terminal.getConnectionStatus();
    const discovered = await terminal.discoverReaders({});
    const reader = discovered.discoveredReaders.find((r) => r.serial_number === SERIAL);
    const connected = await terminal.connectReader(reader, { fail_if_in_use: true });
    if (connected.error) { throw new Error(connected.error.message); }
    window.__sdk.after = terminal.getConnectionStatus();
    window.__sdk.pay = async (amount) => {
        const intent = await call("pos.payment.method", "stripe_payment_intent", [[METHOD], amount]);
        window.__sdk.intent = intent.id;
        const collected = await terminal.collectPaymentMethod(intent.client_secret);
        if (collected.error) { return { stage: "collect", code: collected.error.code, message: collected.error.message }; }
        const processed = await terminal.processPayment(collected.paymentIntent);
        if (processed.error) {
            return { stage: "process", code: processed.error.code, decline_code: processed.error.decline_code,
                     message: processed.error.message, intent_status: processed.error.payment_intent.status };
        }
        const charge = processed.paymentIntent.charges.data[0];
        const type = charge.payment_method_details.type;
        if (type === "interac_present") {
            return { stage: "interac", charge: charge.id, status: processed.paymentIntent.status };
        }
        const captured = await call("pos.payment.method", "stripe_capture_payment", [processed.paymentIntent.id]);
        return { stage: "captured", status: captured.status, amount: captured.amount_received,
                 brand: captured.charges.data[0].payment_method_details.card_present.brand };
    };
    window.__sdk.ready = true;
})().catch((error) => { window.__sdk.error = String(error && error.message || error); });
"#;

/// Starts `pay(amount)` in the page, waits for the reader panel to wait for a card, lets
/// `present` present one (or cancel), and returns what the payment came to.
async fn pay_in_browser<F, Fut>(browser: &Browser, amount: f64, present: F) -> Value
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    browser
        .eval(&format!(
            "window.__sdk.result = null; window.__sdk.pay({amount}).then((r) => {{ window.__sdk.result = r; }}, \
             (e) => {{ window.__sdk.result = {{ stage: 'thrown', message: String(e.message || e) }}; }}); return true;"
        ))
        .await;
    browser
        .wait_for(
            "return document.querySelector('#stripe-sim-reader[data-state=waiting]') !== null;",
            20,
            "return window.__sdk;",
        )
        .await;
    present().await;
    browser
        .wait_for("return window.__sdk.result;", 20, "return window.__sdk;")
        .await
}

browser_test!(
    the_simulated_sdk_takes_declines_and_cancels_card_payments,
    |backend| {
        let app = spawn_app(backend).await;
        let method = app.xmlid("ops_demo.payment_method_stripe").await;
        let browser = Browser::start(&format!("sdk-{backend:?}").to_lowercase()).await;
        // Any page of the server's origin will do: the session cookie and the SDK are same-origin.
        browser
            .driver
            .goto(&format!("{}/stripe-sim/terminal/v1/sdk.js", app.base))
            .await
            .expect("opening the server");
        browser
            .driver
            .execute(SDK_HARNESS, vec![json!(method), json!(DEMO_SERIAL)])
            .await
            .expect("the harness runs");
        let state = browser
            .wait_for(
                "return (window.__sdk.ready || window.__sdk.error) && window.__sdk;",
                20,
                "return window.__sdk;",
            )
            .await;
        assert_eq!(state["error"], Value::Null, "{state}");
        assert_eq!(
            (&state["before"], &state["after"]),
            (&json!("not_connected"), &json!("connected"))
        );

        // A declined card: collected, then processPayment fails with Stripe's decline.
        let declined = pay_in_browser(&browser, 12.5, || {
            browser.click("[data-test-card=declined]")
        })
        .await;
        assert_eq!(declined["stage"], json!("process"), "{declined}");
        assert_eq!(declined["code"], json!("card_declined"));
        assert_eq!(declined["decline_code"], json!("generic_decline"));
        assert_eq!(declined["intent_status"], json!("requires_payment_method"));

        // The cashier retries and the customer taps a Visa on the panel: captured through Odoo.
        let paid = pay_in_browser(&browser, 12.5, || async {
            browser.screenshot("reader-waiting").await;
            browser.click("[data-test-card=visa]").await;
        })
        .await;
        assert_eq!(
            paid,
            json!({"stage": "captured", "status": "succeeded", "amount": 1250, "brand": "visa"})
        );

        // The customer cancels on the reader.
        let canceled =
            pay_in_browser(&browser, 3.0, || browser.click("[data-reader-cancel]")).await;
        assert_eq!(
            (&canceled["stage"], &canceled["code"]),
            (&json!("collect"), &json!("canceled"))
        );
        // The cashier cancels in the POS (Odoo's send_payment_cancel).
        let canceled = pay_in_browser(&browser, 3.0, || async {
            let answer = browser
                .eval("return window.__terminal.cancelCollectPaymentMethod().then(() => true);")
                .await;
            assert_eq!(answer, json!(true));
        })
        .await;
        assert_eq!(canceled["code"], json!("canceled"), "{canceled}");

        // A script presents the card with the test helper while the page waits: same outcome.
        let by_helper = pay_in_browser(&browser, 7.0, || async {
            let sim = app.sim();
            let readers: Value = app
                .http
                .get(format!("{}/v1/terminal/readers", sim.base))
                .bearer_auth("sk_test_demo0000000000000000odooposstripe")
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let reader = readers["data"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["serial_number"] == json!(DEMO_SERIAL))
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string();
            let response = app
                .http
                .post(format!(
                    "{}/v1/test_helpers/terminal/readers/{reader}/present_payment_method",
                    sim.base
                ))
                .bearer_auth("sk_test_demo0000000000000000odooposstripe")
                .form(&[("card_present[number]", "5555555555554444")])
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
        })
        .await;
        assert_eq!(by_helper["stage"], json!("captured"), "{by_helper}");
        assert_eq!(by_helper["brand"], json!("mastercard"));

        // Disconnected (Odoo's checkReader when the method names another reader), nothing can
        // be collected until the reader is connected again.
        let disconnected = browser
            .eval(
                "return (async () => { const t = window.__terminal; const out = {}; \
             out.disconnect = await t.disconnectReader(); out.status = t.getConnectionStatus(); \
             out.collect = (await t.collectPaymentMethod('pi_x_secret_y')).error.code; \
             const readers = (await t.discoverReaders({})).discoveredReaders; \
             out.reconnect = Boolean((await t.connectReader(readers[0], {})).reader); \
             out.again = t.getConnectionStatus(); return out; })();",
            )
            .await;
        assert_eq!(
            disconnected,
            json!({"disconnect": {}, "status": "not_connected", "collect": "no_established_connection",
               "reconnect": true, "again": "connected"})
        );

        // The SDK's reader calls went to the simulator with the connection token, never a key.
        let log = app.sim().log().await;
        let processed: Vec<&Value> = log
            .iter()
            .filter(|e| {
                e["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("/process_payment_intent"))
            })
            .collect();
        assert_eq!(processed.len(), 5, "one reader action per payment attempt");
        browser.close().await;
    }
);

/// A copy of `tests/data/pos_fixture` with the `manifest.json` that `pos-assets pull` would
/// write for it (each file's URL, SHA-256, content type and size): the server loads it as
/// pulled POS assets. Removed with the value.
struct FixtureAssets {
    dir: std::path::PathBuf,
}

impl FixtureAssets {
    const BUNDLE_JS: &'static str = "/web/assets/fixture/point_of_sale.assets_prod.min.js";
    const BUNDLE_CSS: &'static str = "/web/assets/fixture/point_of_sale.assets_prod.min.css";

    fn new() -> FixtureAssets {
        use sha2::{Digest, Sha256};
        let source =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pos_fixture");
        let dir =
            std::env::temp_dir().join(format!("ops-pos-fixture-{}", uuid::Uuid::new_v4().simple()));
        let mut files = serde_json::Map::new();
        for (url, content_type) in [
            (Self::BUNDLE_JS, "application/javascript"),
            (Self::BUNDLE_CSS, "text/css"),
        ] {
            let relative = url.trim_start_matches('/');
            let bytes = std::fs::read(source.join(relative)).expect("a fixture file");
            let target = dir.join(relative);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, &bytes).unwrap();
            files.insert(
                url.to_string(),
                json!({
                    "file": relative,
                    "sha256": hex::encode(Sha256::digest(&bytes)),
                    "content_type": content_type,
                    "size": bytes.len(),
                }),
            );
        }
        let manifest = json!({
            "odoo_version": "18.0",
            "pulled_from": "tests/data/pos_fixture (our own POS page, not Odoo's bundle)",
            "pulled_at": "2026-11-30T00:00:00Z",
            "bundle_js": Self::BUNDLE_JS,
            "bundle_css": Self::BUNDLE_CSS,
            "websocket_worker_version": "18.0-2",
            "files": files,
        });
        std::fs::write(
            dir.join("manifest.json"),
            serde_json::to_vec_pretty(&manifest).unwrap(),
        )
        .unwrap();
        FixtureAssets { dir }
    }
}

impl Drop for FixtureAssets {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

browser_test!(the_pos_page_takes_a_stripe_sale_in_chromium, |backend| {
    let assets = FixtureAssets::new();
    let assets_dir = assets.dir.display().to_string();
    let app = spawn_app_with(backend, |settings| settings.pos_assets = assets_dir).await;
    let config = app.xmlid("ops_demo.pos_config_shop").await;
    let name = format!("pos-{backend:?}").to_lowercase();
    let browser = Browser::start(&name).await;

    // The login form, with its CSRF token, then Odoo's redirect to the POS.
    let target = format!("/pos/ui?config_id={config}");
    let login_url = format!(
        "{}/web/login?redirect={}",
        app.base,
        url::form_urlencoded::byte_serialize(target.as_bytes()).collect::<String>()
    );
    browser
        .driver
        .goto(&login_url)
        .await
        .expect("the login page");
    let csrf = browser
        .eval("return document.querySelector('input[name=csrf_token]').value;")
        .await;
    assert!(csrf.as_str().is_some_and(|t| !t.is_empty()), "{csrf}");
    browser.fill("input[name=login]", "cashier").await;
    browser.fill("input[name=password]", "cashier").await;
    browser.screenshot("login").await;
    browser.click("button[type=submit]").await;

    // /pos/ui loads the fixture bundle and the simulated SDK; the sale runs until the reader
    // waits for a card.
    let fixture_state = "return window.__posFixture || document.body.innerText.slice(0, 2000);";
    browser
        .wait_for(
            "return document.querySelector('#stripe-sim-reader[data-state=waiting]') !== null \
             || (window.__posFixture && window.__posFixture.state === 'failed');",
            30,
            fixture_state,
        )
        .await;
    let url = browser.driver.current_url().await.unwrap();
    assert_eq!(url.path(), "/pos/ui", "{url}");
    let failed = browser
        .eval("return window.__posFixture.state === 'failed' && window.__posFixture;")
        .await;
    assert_eq!(failed, json!(false), "the POS fixture failed: {failed}");
    browser.screenshot("waiting-card").await;
    browser.click("[data-test-card=visa]").await;
    let fixture = browser
        .wait_for(
            "return window.__posFixture.state !== 'running' && window.__posFixture;",
            30,
            fixture_state,
        )
        .await;
    browser.screenshot("paid").await;
    assert_eq!(fixture["state"], json!("done"), "{fixture}");

    // The page's odoo object, the session cookie (HttpOnly: no page script sees it), the
    // websocket subscription to the POS's channel.
    let steps = fixture["steps"].as_array().unwrap();
    let session_object = &steps[0]["detail"];
    assert_eq!(session_object["pos_config_id"], json!(config));
    assert_eq!(session_object["csrf_token"], json!(true));
    assert_eq!(session_object["access_token"], json!(true));
    assert_eq!(fixture["cookieVisible"], json!(false));
    let cookies = browser.driver.get_all_cookies().await.unwrap();
    let session_cookie = cookies
        .iter()
        .find(|c| c.name() == "session_id")
        .expect("a session_id cookie");
    assert_eq!(session_cookie.http_only(), Some(true));
    assert_eq!(fixture["websocket"]["opened"], json!(true), "{fixture}");
    let subscribe: Value =
        serde_json::from_str(fixture["websocket"]["sent"][0].as_str().unwrap()).unwrap();
    assert_eq!(subscribe["event_name"], json!("subscribe"));
    let page_token = browser.eval("return window.odoo.access_token;").await;
    assert_eq!(subscribe["data"]["channels"], json!([page_token]));

    // Another device of the POS says it synced the order: the page's websocket gets the
    // bus notification, as Odoo 18's POS receives SYNCHRONISATION.
    let session = session_object["pos_session_id"].clone();
    let login_number = session_object["login_number"].as_i64().unwrap() + 1;
    let order_id = fixture["result"]["order_id"].as_i64().unwrap();
    let cashier = app.as_user("cashier").await;
    cashier
        .call_ok(
            "pos.config",
            "notify_synchronisation",
            json!([[config], session, login_number, {"pos.order": [order_id]}]),
            json!({}),
        )
        .await;
    let received = browser
        .wait_for(
            "return window.__posFixture.websocket.received.length > 0 \
             && window.__posFixture.websocket.received;",
            10,
            fixture_state,
        )
        .await;
    let frame = received[0].as_str().unwrap();
    assert!(frame.contains("SYNCHRONISATION"), "{frame}");
    assert!(
        frame.contains(&format!("\"login_number\":{login_number}")),
        "{frame}"
    );

    // The sale, as the server stored it.
    let result = &fixture["result"];
    assert_eq!(result["card_type"], json!("visa"));
    let transaction = result["transaction_id"].as_str().unwrap();
    assert!(transaction.starts_with("pi_"), "{result}");
    let order = &cashier
        .read(
            "pos.order",
            &[order_id],
            &["state", "amount_paid", "payment_ids"],
        )
        .await[0];
    assert_eq!(order["state"], json!("paid"), "{order}");
    assert_eq!(order["amount_paid"], result["amount"]);
    let payments = ids_of(&order["payment_ids"]);
    let payment = &cashier
        .read(
            "pos.payment",
            &payments,
            &["transaction_id", "card_type", "payment_status"],
        )
        .await[0];
    assert_eq!(payment["transaction_id"], json!(transaction));
    assert_eq!(payment["card_type"], json!("visa"));
    // Stripe captured what the order says was paid.
    let intent: Value = app
        .http
        .get(format!(
            "{}/v1/payment_intents/{transaction}",
            app.sim().base
        ))
        .bearer_auth("sk_test_demo0000000000000000odooposstripe")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(intent["status"], json!("succeeded"), "{intent}");
    browser.close().await;
    drop(assets);
});
