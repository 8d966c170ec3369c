//! A cashier's card payment end to end: Odoo's POS Stripe RPC methods over HTTP, the real
//! Stripe client, and the built-in simulator playing the reader and Stripe. Every Stripe
//! object a test receives is checked against Stripe's OpenAPI schemas.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::*;
use crate::stripe_contract;

/// The demo provider's key (fixtures/demo/03_point_of_sale.json); the simulator accepts it.
const DEMO_KEY: &str = "sk_test_demo0000000000000000odooposstripe";
/// The demo Stripe method's serial number: a reader the simulator has registered.
const DEMO_SERIAL: &str = "WSC513105011295";

/// Odoo 18's capture call: `[intent_id]` with kwargs `amount` and the rounding in the context.
pub(crate) fn capture_kwargs(amount: Value, rounding: Value) -> Value {
    json!({"amount": amount, "context": {"stripe_currency_rounding": rounding}})
}

#[track_caller]
fn assert_contract(method: &str, path: &str, body: &Value) {
    if let Err(errors) = stripe_contract::shared().validate_response(method, path, 200, body) {
        panic!("{method} {path} breaks Stripe's schema: {errors:?}\n{body}");
    }
}

/// A request straight to the simulator's Stripe API with the demo key, as the reader side
/// of the test (Stripe's server-driven flow) makes it. Every object it receives is held to
/// Stripe's schemas too.
pub(crate) async fn reader_side(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    form: &[(&str, &str)],
) -> Value {
    let method_name = method.to_string();
    let mut request = app
        .http
        .request(method, format!("{}{}", app.sim().base, path))
        .bearer_auth(DEMO_KEY);
    if !form.is_empty() {
        request = request.form(form);
    }
    let resp = request.send().await.expect("simulator request");
    let status = resp.status();
    let body: Value = resp.json().await.expect("simulator JSON");
    assert!(status.is_success(), "{path}: {status} {body}");
    if let Err(errors) = stripe_contract::shared().validate_response(
        method_name.as_str(),
        &format!("/v1{}", path.trim_start_matches("/v1")),
        status.as_u16(),
        &body,
    ) {
        panic!("{method_name} {path} breaks Stripe's schema: {errors:?}\n{body}");
    }
    body
}

/// The simulator's id of the demo reader.
async fn demo_reader(app: &TestApp) -> String {
    let list = reader_side(
        app,
        reqwest::Method::GET,
        &format!("/v1/terminal/readers?serial_number={DEMO_SERIAL}"),
        &[],
    )
    .await;
    list["data"][0]["id"].as_str().expect("demo reader").into()
}

/// The card is tapped on the demo reader: `process_payment_intent`, then the test helper
/// `present_payment_method` with `extra` (card number, type, tip). Returns the intent.
pub(crate) async fn present(app: &TestApp, intent: &str, extra: &[(&str, &str)]) -> Value {
    let reader = demo_reader(app).await;
    reader_side(
        app,
        reqwest::Method::POST,
        &format!("/v1/terminal/readers/{reader}/process_payment_intent"),
        &[("payment_intent", intent)],
    )
    .await;
    reader_side(
        app,
        reqwest::Method::POST,
        &format!("/v1/test_helpers/terminal/readers/{reader}/present_payment_method"),
        extra,
    )
    .await;
    reader_side(
        app,
        reqwest::Method::GET,
        &format!("/v1/payment_intents/{intent}"),
        &[],
    )
    .await
}

/// Creates an intent through Odoo as `who`, as the POS does; returns Stripe's object.
pub(crate) async fn create_intent(who: &Client, method: i64, amount: Value) -> Value {
    let pi = who
        .call_ok(
            "pos.payment.method",
            "stripe_payment_intent",
            json!([[method], amount]),
            json!({}),
        )
        .await;
    assert_contract("POST", "/v1/payment_intents", &pi);
    pi
}

both!(cashier_takes_a_card_payment_end_to_end, |app| {
    let cashier = app.as_user("cashier").await;
    assert_eq!(cashier.uid, app.xmlid("ops_demo.user_cashier").await);
    let method = app.xmlid("ops_demo.payment_method_stripe").await;

    let token = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_connection_token",
            json!([]),
            json!({}),
        )
        .await;
    assert_eq!(token["object"], json!("terminal.connection_token"));
    assert!(token["secret"].as_str().unwrap().starts_with("pst_test_"));
    assert_contract("POST", "/v1/terminal/connection_tokens", &token);

    let pi = create_intent(&cashier, method, json!(12.5)).await;
    assert_eq!(pi["amount"], json!(1250));
    assert_eq!(pi["currency"], json!("usd"));
    assert_eq!(pi["capture_method"], json!("manual"));
    assert_eq!(pi["payment_method_types"], json!(["card_present"]));
    assert_eq!(pi["status"], json!("requires_payment_method"));
    let id = pi["id"].as_str().unwrap().to_string();

    let presented = present(&app, &id, &[]).await;
    assert_eq!(presented["status"], json!("requires_capture"));
    assert_eq!(presented["amount_capturable"], json!(1250));

    // The POS that lost track after a crash asks for the status.
    let status = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_payment_status",
            json!([id]),
            json!({}),
        )
        .await;
    assert_eq!(status["status"], json!("requires_capture"));

    let captured = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_capture_payment",
            json!([id]),
            capture_kwargs(json!(12.5), json!(0.01)),
        )
        .await;
    assert_contract(
        "POST",
        &format!("/v1/payment_intents/{id}/capture"),
        &captured,
    );
    assert_eq!(captured["status"], json!("succeeded"));
    assert_eq!(captured["amount_received"], json!(1250));
    let charge = &captured["charges"]["data"][0];
    assert_eq!(
        charge["payment_method_details"]["card_present"]["brand"],
        json!("visa")
    );
    assert_eq!(charge["captured"], json!(true));

    // Exactly the calls Odoo makes reached Stripe, with Odoo's parameters and the version
    // that embeds charges.
    let log = app.sim().log().await;
    let create = log
        .iter()
        .find(|e| e["path"] == json!("/v1/payment_intents") && e["method"] == json!("POST"))
        .expect("the create reached the simulator");
    assert_eq!(create["stripe_version"], json!("2019-05-16"));
    assert_eq!(create["params"]["amount"], json!("1250"));
    assert!(create["idempotency_key"]
        .as_str()
        .is_some_and(|k| !k.is_empty()));
    assert!(
        !Value::Array(log.clone()).to_string().contains(DEMO_KEY),
        "the key leaked into the log"
    );
});

both!(every_capture_calling_convention_is_accepted, |app| {
    let cashier = app.as_user("cashier").await;
    let method = app.xmlid("ops_demo.payment_method_stripe").await;
    // (args, kwargs) of the 16/17, 18/19 and master POS clients.
    type Convention = Box<dyn Fn(&str) -> (Value, Value)>;
    let conventions: Vec<Convention> = vec![
        Box::new(|id| (json!([id]), json!({}))),
        Box::new(|id| (json!([id]), capture_kwargs(json!(7.25), json!(0.01)))),
        Box::new(move |id| (json!([[method], id]), json!({"amount": 7.25}))),
    ];
    for convention in conventions {
        let pi = create_intent(&cashier, method, json!(7.25)).await;
        let id = pi["id"].as_str().unwrap();
        present(&app, id, &[("card_present[number]", "5555555555554444")]).await;
        let (args, kwargs) = convention(id);
        let captured = cashier
            .call_ok("pos.payment.method", "stripe_capture_payment", args, kwargs)
            .await;
        assert_eq!(captured["status"], json!("succeeded"));
        assert_eq!(captured["amount_received"], json!(725));
        assert_eq!(
            captured["charges"]["data"][0]["payment_method_details"]["card_present"]["brand"],
            json!("mastercard")
        );
    }
});

both!(a_tip_is_over_captured_and_too_much_is_refused, |app| {
    let cashier = app.as_user("cashier").await;
    let method = app.xmlid("ops_demo.payment_method_stripe").await;
    let pi = create_intent(&cashier, method, json!(10)).await;
    let id = pi["id"].as_str().unwrap();
    // The customer adds a 1.50 tip on the reader.
    let presented = present(&app, id, &[("amount_tip", "150")]).await;
    assert_eq!(presented["amount_capturable"], json!(1150));

    // Capturing more than Stripe allows over the authorization (11.50 + 50 USD for a US
    // restaurant's Visa) is Stripe's error, raised as Odoo 18 does.
    let err = cashier
        .expect_error(
            "pos.payment.method",
            "stripe_capture_payment",
            json!([id]),
            capture_kwargs(json!(61.51), json!(0.01)),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.ValidationError",
        "Stripe: The communication with the API failed.\nStripe gave us the following info about the problem:\n'The payment could not be captured because the requested capture amount is greater than the amount you can capture for this charge. Contact us via https://support.stripe.com/contact/ for help.'",
    );

    // A tip added after payment is over-captured (Odoo's "tip after payment" flow).
    let captured = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_capture_payment",
            json!([id]),
            capture_kwargs(json!(20), json!(0.01)),
        )
        .await;
    assert_eq!(captured["status"], json!("succeeded"));
    assert_eq!(captured["amount_received"], json!(2000));
    assert_eq!(captured["amount"], json!(2000));
    assert_eq!(
        captured["charges"]["data"][0]["payment_method_details"]["card_present"]
            ["amount_authorized"],
        json!(1150)
    );
});

both!(a_declined_card_leaves_the_intent_payable, |app| {
    let cashier = app.as_user("cashier").await;
    let method = app.xmlid("ops_demo.payment_method_stripe").await;
    let pi = create_intent(&cashier, method, json!(3)).await;
    let id = pi["id"].as_str().unwrap();
    let after = present(&app, id, &[("card_present[number]", "4000000000000002")]).await;
    assert_eq!(after["status"], json!("requires_payment_method"));
    assert_eq!(
        after["last_payment_error"]["decline_code"],
        json!("generic_decline")
    );
    // Capturing a declined intent is refused by Stripe, and Odoo says so.
    let err = cashier
        .expect_error(
            "pos.payment.method",
            "stripe_capture_payment",
            json!([id]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.ValidationError",
        "Stripe: The communication with the API failed.",
    );
    assert!(err["data"]["message"]
        .as_str()
        .unwrap()
        .contains("requires_payment_method"));
    // The customer tries another card: the same intent succeeds.
    let after = present(&app, id, &[]).await;
    assert_eq!(after["status"], json!("requires_capture"));
});

both!(interac_in_canada_and_manual_preferred_in_australia, |app| {
    let admin = app.as_user("admin").await;
    let cashier = app.as_user("cashier").await;
    let method = app.xmlid("ops_demo.payment_method_stripe").await;
    let company = app.xmlid("base.main_company").await;
    let journal = app.xmlid("ops_demo.journal_bank").await;

    // A Canadian shop: company in CA, the bank journal in CAD.
    let ca = app.xmlid("base.ca").await;
    let cad = app.xmlid("base.CAD").await;
    admin
        .write("res.company", &[company], json!({"country_id": ca}))
        .await;
    admin
        .write("account.journal", &[journal], json!({"currency_id": cad}))
        .await;
    let pi = create_intent(&cashier, method, json!(12.5)).await;
    assert_eq!(pi["currency"], json!("cad"));
    assert_eq!(
        pi["payment_method_types"],
        json!(["card_present", "interac_present"])
    );
    let id = pi["id"].as_str().unwrap();
    // Interac is single-message: it succeeds on the reader and is not captured by the POS.
    let after = present(&app, id, &[("type", "interac_present")]).await;
    assert_eq!(after["status"], json!("succeeded"));
    let status = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_payment_status",
            json!([[method], id]),
            json!({}),
        )
        .await;
    assert_eq!(
        status["charges"]["data"][0]["payment_method_details"]["type"],
        json!("interac_present")
    );

    // An Australian shop: AUD and manual_preferred.
    let au = app.xmlid("base.au").await;
    let aud = app.xmlid("base.AUD").await;
    admin
        .write("res.company", &[company], json!({"country_id": au}))
        .await;
    admin
        .write("account.journal", &[journal], json!({"currency_id": aud}))
        .await;
    let pi = create_intent(&cashier, method, json!(12.5)).await;
    assert_eq!(pi["currency"], json!("aud"));
    assert_eq!(pi["payment_method_types"], json!(["card_present"]));
    assert_eq!(
        pi["payment_method_options"]["card_present"]["capture_method"],
        json!("manual_preferred")
    );
});

both!(yen_amounts_have_no_minor_unit, |app| {
    let admin = app.as_user("admin").await;
    let cashier = app.as_user("cashier").await;
    let method = app.xmlid("ops_demo.payment_method_stripe").await;
    let journal = app.xmlid("ops_demo.journal_bank").await;
    let jpy = app.xmlid("base.JPY").await;
    admin
        .write("account.journal", &[journal], json!({"currency_id": jpy}))
        .await;
    let pi = create_intent(&cashier, method, json!(1250)).await;
    assert_eq!(
        (pi["amount"].clone(), pi["currency"].clone()),
        (json!(1250), json!("jpy"))
    );
    let id = pi["id"].as_str().unwrap();
    present(&app, id, &[]).await;
    // The 18 client sends the currency's rounding (1 for JPY) with the amount.
    let captured = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_capture_payment",
            json!([id]),
            capture_kwargs(json!(1250), json!(1)),
        )
        .await;
    assert_eq!(captured["amount_received"], json!(1250));
    // Exactness: 0.1 + 0.2 in USD would be 30 cents, never 30.000000000000004.
    let journal_usd = app.xmlid("base.USD").await;
    admin
        .write(
            "account.journal",
            &[journal],
            json!({"currency_id": journal_usd}),
        )
        .await;
    let pi = create_intent(&cashier, method, json!(0.30000000000000004)).await;
    assert_eq!(pi["amount"], json!(30));
    let pi = create_intent(&cashier, method, json!(19.995)).await;
    assert_eq!(pi["amount"], json!(2000), "half a cent rounds up");
});

both!(users_without_pos_rights_reach_nothing, |app| {
    let employee = app.as_user("employee").await;
    let method = app.xmlid("ops_demo.payment_method_stripe").await;
    let before = app.sim().requests().await.len();
    for (name, args) in [
        ("stripe_connection_token", json!([])),
        ("stripe_payment_intent", json!([[method], 12.5])),
        ("stripe_capture_payment", json!(["pi_123"])),
        ("stripe_cancel_payment", json!(["pi_123"])),
    ] {
        let err = employee
            .expect_error("pos.payment.method", name, args, json!({}))
            .await;
        assert_error(
            &err,
            "odoo.exceptions.AccessError",
            "Do not have access to fetch token from Stripe",
        );
    }
    let err = employee
        .expect_error(
            "pos.payment.method",
            "stripe_refund",
            json!(["pi_123", 1]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.AccessError",
        "Do not have access to refund Stripe payment",
    );
    assert_eq!(
        app.sim().requests().await.len(),
        before,
        "nothing may reach Stripe"
    );
});

both!(no_provider_and_empty_key_are_explained, |app| {
    let admin = app.as_user("admin").await;
    let cashier = app.as_user("cashier").await;
    let method = app.xmlid("ops_demo.payment_method_stripe").await;
    let provider = app.xmlid("payment.payment_provider_stripe").await;

    admin
        .write(
            "payment.provider",
            &[provider],
            json!({"stripe_secret_key": false}),
        )
        .await;
    let err = cashier
        .expect_error(
            "pos.payment.method",
            "stripe_connection_token",
            json!([]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.ValidationError",
        "Complete the Stripe onboarding for company My Company.",
    );

    admin.unlink("payment.provider", &[provider]).await;
    let err = cashier
        .expect_error(
            "pos.payment.method",
            "stripe_payment_intent",
            json!([[method], 1]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.UserError",
        "Stripe payment provider for company My Company is missing",
    );
    assert!(
        app.sim().requests().await.is_empty(),
        "nothing reached Stripe"
    );
});

both!(a_wrong_key_is_stripes_error_without_the_key, |app| {
    let admin = app.as_user("admin").await;
    let cashier = app.as_user("cashier").await;
    let provider = app.xmlid("payment.payment_provider_stripe").await;
    let bad = "sk_live_51Habcdefghijklmnopqrstuvwxyz";
    admin
        .write(
            "payment.provider",
            &[provider],
            json!({"stripe_secret_key": bad}),
        )
        .await;
    // As the recorded Odoo 18 does, Stripe's refusal is the token call's result.
    let answer = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_connection_token",
            json!([]),
            json!({}),
        )
        .await;
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("Invalid API Key provided: sk_live_****wxyz"),
        "{answer}"
    );
    assert!(
        !answer.to_string().contains(bad),
        "the key leaked: {answer}"
    );
});

both!(flaky_stripe_is_retried_without_a_second_intent, |app| {
    let cashier = app.as_user("cashier").await;
    let method = app.xmlid("ops_demo.payment_method_stripe").await;
    let created = |state: Value| state["payment_intents"].as_i64().unwrap();
    let start = created(app.sim().state().await);

    // One 500, one 429, then a connection dropped after Stripe did the work: the client
    // retries with the same idempotency key and Stripe holds exactly one new intent.
    for kind in ["status500", "status429", "drop_after"] {
        app.sim().fault(kind, 1).await;
        let pi = create_intent(&cashier, method, json!(4.2)).await;
        assert_eq!(pi["amount"], json!(420));
    }
    assert_eq!(created(app.sim().state().await), start + 3);
    let log = app.sim().log().await;
    let creates: Vec<&Value> = log
        .iter()
        .filter(|e| e["path"] == json!("/v1/payment_intents"))
        .collect();
    assert_eq!(creates.len(), 6, "each fault costs one retry: {creates:?}");
    for pair in creates.chunks(2) {
        assert_eq!(pair[0]["idempotency_key"], pair[1]["idempotency_key"]);
    }
    assert_eq!(creates[5]["idempotent_replayed"], json!(true));

    // Stripe failing for longer than the retries last: its error body is the result, as
    // the recorded Odoo 18 returns it, and no intent is created.
    app.sim().fault("status500", 50).await;
    let answer = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_payment_intent",
            json!([[method], 5]),
            json!({}),
        )
        .await;
    assert_eq!(answer["error"]["type"], json!("api_error"), "{answer}");
    // Stripe unreachable (every connection dropped): a transport failure is a UserError.
    app.sim().reset().await;
    app.sim().fault("drop", 50).await;
    let err = cashier
        .expect_error(
            "pos.payment.method",
            "stripe_connection_token",
            json!([]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.UserError",
        "There are some issues between us and Stripe, try again later.",
    );
    app.sim().reset().await;
    assert_eq!(created(app.sim().state().await), start + 3);
});

both!(cancel_and_refund, |app| {
    let cashier = app.as_user("cashier").await;
    let method = app.xmlid("ops_demo.payment_method_stripe").await;

    // Void an authorized payment.
    let pi = create_intent(&cashier, method, json!(8)).await;
    let id = pi["id"].as_str().unwrap();
    present(&app, id, &[]).await;
    let canceled = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_cancel_payment",
            json!([id]),
            json!({}),
        )
        .await;
    assert_contract(
        "POST",
        &format!("/v1/payment_intents/{id}/cancel"),
        &canceled,
    );
    assert_eq!(canceled["status"], json!("canceled"));

    // Refund part, then the rest, of a captured payment; a refund beyond it is Stripe's
    // error, returned in-band as Odoo master does.
    let pi = create_intent(&cashier, method, json!(20)).await;
    let id = pi["id"].as_str().unwrap();
    present(&app, id, &[]).await;
    cashier
        .call_ok(
            "pos.payment.method",
            "stripe_capture_payment",
            json!([id]),
            json!({}),
        )
        .await;
    // A captured payment cannot be canceled any more.
    let err = cashier
        .expect_error(
            "pos.payment.method",
            "stripe_cancel_payment",
            json!([id]),
            json!({}),
        )
        .await;
    assert_error(&err, "odoo.exceptions.ValidationError", "succeeded");

    let refund = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_refund",
            json!([[method], id, -5.5]),
            json!({}),
        )
        .await;
    assert_contract("POST", "/v1/refunds", &refund);
    assert_eq!(refund["amount"], json!(550));
    assert_eq!(refund["status"], json!("succeeded"));
    assert_eq!(refund["payment_intent"], json!(id));
    let refund = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_refund",
            json!([id]),
            json!({}),
        )
        .await;
    assert_eq!(refund["amount"], json!(1450), "the remainder");
    let over = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_refund",
            json!([id, 1]),
            json!({}),
        )
        .await;
    assert!(over["error"]["message"].as_str().is_some(), "{over}");
    assert_eq!(app.sim().state().await["refunds"], json!(2));
});

both!(bad_arguments_are_refused_before_stripe, |app| {
    let cashier = app.as_user("cashier").await;
    let method = app.xmlid("ops_demo.payment_method_stripe").await;
    let err = cashier
        .expect_error(
            "pos.payment.method",
            "stripe_payment_intent",
            json!([[method], "a lot"]),
            json!({}),
        )
        .await;
    assert_exception(&err, "builtins.ValueError");
    let err = cashier
        .expect_error(
            "pos.payment.method",
            "stripe_payment_intent",
            json!([[method]]),
            json!({}),
        )
        .await;
    assert_exception(&err, "builtins.TypeError");
    let err = cashier
        .expect_error(
            "pos.payment.method",
            "stripe_payment_intent",
            json!([[999999], 1]),
            json!({}),
        )
        .await;
    assert_exception(&err, "odoo.exceptions.MissingError");
    assert!(app.sim().requests().await.is_empty());
});

both!(a_slow_stripe_holds_no_database_lock, |app| {
    let cashier = app.as_user("cashier").await;
    let admin = app.as_user("admin").await;
    let method = app.xmlid("ops_demo.payment_method_stripe").await;
    // Long enough that a loaded machine still writes well within it.
    app.sim().latency(10_000, 1).await;
    let slow = {
        let cashier = cashier.clone();
        tokio::spawn(async move {
            cashier
                .call(
                    "pos.payment.method",
                    "stripe_payment_intent",
                    json!([[method], 9.99]),
                    json!({}),
                )
                .await
        })
    };
    // Give the call time to reach Stripe (the simulator logs a request only once it
    // has answered, so there is nothing to poll), then write through another session:
    // a call that held the database during its Stripe request would make the write
    // wait the whole 10 s, and the intent would be done by the time the write is.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let created = admin
        .call(
            "res.partner",
            "create",
            json!([{"name": "While Stripe thinks"}]),
            json!({}),
        )
        .await;
    assert!(created.is_ok(), "{created:?}");
    assert!(
        !slow.is_finished(),
        "the write had to wait for Stripe: the call held the database during its Stripe request"
    );
    let pi = slow.await.unwrap().expect("the slow intent still succeeds");
    assert_eq!(pi["amount"], json!(999));
});

// What a payment reads before it calls Stripe is kept between calls (`services::memo`);
// a change to the method's journal currency or to the provider's key reaches the very
// next payment.
both!(a_changed_currency_or_key_reaches_the_next_payment, |app| {
    let admin = app.as_user("admin").await;
    let cashier = app.as_user("cashier").await;
    let method = app.xmlid("ops_demo.payment_method_stripe").await;
    let provider = app.xmlid("payment.payment_provider_stripe").await;
    let intent = || {
        cashier.call_ok(
            "pos.payment.method",
            "stripe_payment_intent",
            json!([[method], 12.5]),
            json!({}),
        )
    };
    let first = intent().await;
    assert_eq!(first["currency"], json!("usd"), "{first}");
    assert_eq!(
        intent().await["currency"],
        json!("usd"),
        "kept, still right"
    );

    let journal = admin
        .read_field("pos.payment.method", method, "journal_id")
        .await[0]
        .as_i64()
        .expect("the Stripe method's journal");
    let eur = app.xmlid("base.EUR").await;
    admin
        .write("account.journal", &[journal], json!({"currency_id": eur}))
        .await;
    let second = intent().await;
    assert_eq!(second["currency"], json!("eur"), "{second}");

    let bad = "sk_live_51Habcdefghijklmnopqrstuvwxyz";
    admin
        .write(
            "payment.provider",
            &[provider],
            json!({"stripe_secret_key": bad}),
        )
        .await;
    let refused = intent().await;
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("Invalid API Key provided"), "{refused}");
});
