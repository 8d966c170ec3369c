//! Odoo 18 parity of the Stripe methods (issue 8, items 20-21) and the Stripe-side
//! findings of issue 12 (items 6, 7, 12): answers and errors as the recorded Odoo 18
//! returns them, amounts rounded as Odoo's floats round, a reader registered without a
//! transaction open, one serial per method under concurrent creates, and a capture whose
//! answer was lost.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, TestApp};
use crate::parity_support::*;
use crate::{both, both_backends};

const PM: &str = "pos.payment.method";
const DEMO_KEY: &str = "sk_test_demo0000000000000000odooposstripe";
const COMMUNICATION: &str =
    "Stripe: The communication with the API failed.\nStripe gave us the following info about the problem:\n";

/// Queues a simulator fault for the next `count` Stripe requests.
async fn fault(app: &TestApp, fault: Value) {
    let resp = app
        .http
        .post(format!("{}/stripe-sim/_sim/faults", app.base))
        .json(&fault)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "fault {fault} not queued");
}

/// A Stripe API call on the simulator, as the reader's SDK would make it.
async fn stripe(app: &TestApp, path: &str, form: &[(&str, &str)]) -> Value {
    let request = app
        .http
        .request(
            if form.is_empty() && !path.contains("present") {
                reqwest::Method::GET
            } else {
                reqwest::Method::POST
            },
            format!("{}/stripe-sim/v1{path}", app.base),
        )
        .bearer_auth(DEMO_KEY);
    let request = if form.is_empty() {
        request
    } else {
        request.form(form)
    };
    request.send().await.unwrap().json().await.unwrap()
}

/// Creates an intent through Odoo and has the demo reader take a Visa for it.
async fn authorized_intent(app: &TestApp, cashier: &User, method: i64, amount: Value) -> String {
    let intent = ok(
        app,
        cashier,
        PM,
        "stripe_payment_intent",
        json!([[method], amount]),
    )
    .await;
    let id = intent["id"].as_str().expect("an intent").to_string();
    let readers = stripe(app, "/terminal/readers?serial_number=WSC513105011295", &[]).await;
    let reader = readers["data"][0]["id"].as_str().unwrap().to_string();
    stripe(
        app,
        &format!("/terminal/readers/{reader}/process_payment_intent"),
        &[("payment_intent", id.as_str())],
    )
    .await;
    stripe(
        app,
        &format!("/test_helpers/terminal/readers/{reader}/present_payment_method"),
        &[],
    )
    .await;
    id
}

both!(
    stripe_errors_come_back_as_the_recorded_odoo_18_returns_them,
    |app| {
        let admin = demo(&app, "admin").await;
        let cashier = demo(&app, "cashier").await;
        let stripe_method = xmlid(&app, &admin, "ops_demo.payment_method_stripe").await;
        let provider = xmlid(&app, &admin, "payment.payment_provider_stripe").await;
        // Capture of an unknown intent: `_stripe_make_request`'s ValidationError.
        let e = err(
            &app,
            &cashier,
            PM,
            "stripe_capture_payment",
            json!(["pi_unknown"]),
        )
        .await;
        assert_exact(
            &e,
            "odoo.exceptions.ValidationError",
            &format!("{COMMUNICATION}'No such payment_intent: 'pi_unknown''"),
        );
        // A key Stripe refuses: token and intent answer Stripe's error in the result.
        ok(
            &app,
            &admin,
            "payment.provider",
            "write",
            json!([[provider], {"stripe_secret_key": "sk_test_bad-key!"}]),
        )
        .await;
        for (method, args) in [
            ("stripe_connection_token", json!([])),
            ("stripe_payment_intent", json!([[stripe_method], 10])),
        ] {
            let answer = ok(&app, &cashier, PM, method, args).await;
            let error = &answer["error"];
            assert_eq!(error["type"], json!("invalid_request_error"), "{answer}");
            assert!(
                error["message"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("Invalid API Key provided: "),
                "{answer}"
            );
            assert!(
                !answer.to_string().contains("bad-key"),
                "the key leaked: {answer}"
            );
        }
        let e = err(
            &app,
            &cashier,
            PM,
            "stripe_capture_payment",
            json!(["pi_unknown"]),
        )
        .await;
        let message = e["data"]["message"].as_str().unwrap_or_default();
        assert_eq!(e["data"]["name"], json!("odoo.exceptions.ValidationError"));
        assert!(
            message.starts_with(&format!("{COMMUNICATION}'Invalid API Key provided: ")),
            "{message}"
        );
    }
);

both_backends!(
    stripe_unreachable_is_odoos_user_and_validation_errors,
    |backend| {
        let app = spawn_app_with(backend, |s| {
            // Nothing listens on the discard port: every connection is refused.
            s.stripe_base_url = "http://127.0.0.1:9".into();
            s.stripe_max_retries = 0;
        })
        .await;
        let admin = demo(&app, "admin").await;
        let cashier = demo(&app, "cashier").await;
        let stripe_method = xmlid(&app, &admin, "ops_demo.payment_method_stripe").await;
        let try_later = "There are some issues between us and Stripe, try again later.";
        let e = err(&app, &cashier, PM, "stripe_connection_token", json!([])).await;
        assert_exact(&e, "odoo.exceptions.UserError", try_later);
        let e = err(
            &app,
            &cashier,
            PM,
            "stripe_payment_intent",
            json!([[stripe_method], 1]),
        )
        .await;
        assert_exact(&e, "odoo.exceptions.UserError", try_later);
        let e = err(
            &app,
            &cashier,
            PM,
            "stripe_capture_payment",
            json!(["pi_1"]),
        )
        .await;
        assert_exact(
            &e,
            "odoo.exceptions.ValidationError",
            "Stripe: Could not establish the connection to the API.",
        );
    }
);

both!(amounts_are_rounded_as_odoos_floats_round, |app| {
    let admin = demo(&app, "admin").await;
    let cashier = demo(&app, "cashier").await;
    let stripe_method = xmlid(&app, &admin, "ops_demo.payment_method_stripe").await;
    for (amount, cents) in [
        ("0.125", 12),
        ("1.005", 100),
        ("2.675", 268),
        ("140", 14000),
    ] {
        let amount: Value = serde_json::from_str(amount).unwrap();
        let intent = ok(
            &app,
            &cashier,
            PM,
            "stripe_payment_intent",
            json!([[stripe_method], amount]),
        )
        .await;
        assert_eq!(intent["amount"], json!(cents), "{amount}");
    }
});

both!(
    a_capture_whose_answer_was_lost_says_the_outcome_is_unknown,
    |app| {
        let admin = demo(&app, "admin").await;
        let cashier = demo(&app, "cashier").await;
        let stripe_method = xmlid(&app, &admin, "ops_demo.payment_method_stripe").await;
        let intent = authorized_intent(&app, &cashier, stripe_method, json!(7)).await;
        // Stripe captures, then every answer (the retries' too) is lost on the way back.
        fault(&app, json!({"kind": "drop_after", "count": 3})).await;
        let e = err(
            &app,
            &cashier,
            PM,
            "stripe_capture_payment",
            json!([intent]),
        )
        .await;
        assert_exact(
        &e,
        "odoo.exceptions.ValidationError",
        "Stripe: The connection was lost before Stripe answered; the capture may have been performed. Check it with stripe_payment_status before trying again.",
    );
        let status = ok(&app, &cashier, PM, "stripe_payment_status", json!([intent])).await;
        assert_eq!(status["status"], json!("succeeded"), "{status}");
    }
);

both!(a_slow_reader_registration_holds_no_transaction, |app| {
    let admin = demo(&app, "admin").await;
    let cashier = demo(&app, "cashier").await;
    let bank = xmlid(&app, &admin, "ops_demo.journal_bank").await;
    let method = create(
        &app,
        &admin,
        PM,
        json!({"name": "Terrace", "journal_id": bank, "payment_method_type": "terminal",
               "use_payment_terminal": "stripe"}),
    )
    .await;
    let location = ok(
        &app,
        &admin,
        PM,
        "stripe_create_location",
        json!([[method], "Terrace", {"line1": "1 Main St", "city": "San Francisco",
               "state": "CA", "postal_code": "94110", "country": "US"}]),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    fault(
        &app,
        json!({"kind": "latency", "count": 1, "latency_ms": 2500}),
    )
    .await;
    let registering = {
        let (app, admin, location) = (&app, admin.clone(), location.clone());
        async move {
            ok(
                app,
                &admin,
                PM,
                "stripe_register_reader",
                json!([[method], "simulated-wpe", "Terrace", location]),
            )
            .await
        }
    };
    let reading = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let started = Instant::now();
        ok(&app, &cashier, PM, "search_read", json!([[], ["name"]])).await;
        started.elapsed()
    };
    let (reader, waited) = tokio::join!(registering, reading);
    assert!(
        waited < Duration::from_millis(1500),
        "a cashier waited {waited:?}"
    );
    let serial = reader["serial_number"]
        .as_str()
        .expect("a serial")
        .to_string();
    assert_eq!(
        read(&app, &admin, PM, method, &["stripe_serial_number"]).await["stripe_serial_number"],
        json!(serial)
    );
});

both!(concurrent_creates_cannot_share_a_serial, |app| {
    let admin = demo(&app, "admin").await;
    let bank = xmlid(&app, &admin, "ops_demo.journal_bank").await;
    // Four rounds of eight creates at once: without a lock, PostgreSQL lets several
    // transactions each see no other method with the serial.
    for round in 0..4 {
        let serial = format!("WSC-RACE-{round}");
        let creates = (0..8).map(|i| {
            let (app, admin, serial) = (&app, admin.clone(), serial.clone());
            async move {
                call(
                    app,
                    &admin,
                    PM,
                    "create",
                    json!([{"name": format!("Race {i}"), "journal_id": bank,
                            "stripe_serial_number": serial}]),
                    json!({}),
                )
                .await
            }
        });
        let results = futures::future::join_all(creates).await;
        let created = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(created, 1, "{serial}: {results:?}");
        for e in results.iter().filter_map(|r| r.as_ref().err()) {
            assert_eq!(
                e["data"]["name"],
                json!("odoo.exceptions.ValidationError"),
                "{e}"
            );
            let message = e["data"]["message"].as_str().unwrap_or_default();
            let expected = format!("Terminal {serial} is already used on payment method Race ");
            assert!(message.starts_with(&expected), "{message}");
        }
        let domain = json!([[["stripe_serial_number", "=", serial]]]);
        assert_eq!(ok(&app, &admin, PM, "search_count", domain).await, json!(1));
    }
});
