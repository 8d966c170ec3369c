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
