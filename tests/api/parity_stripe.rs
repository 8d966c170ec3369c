//! Odoo 18 parity of the Stripe methods (issue 8, item 21) and of the serial numbers
//! (issue 12, item 7): amounts rounded as Odoo's floats round, one serial per method
//! under concurrent creates.

use serde_json::{json, Value};

use crate::both;
use crate::parity_support::*;

const PM: &str = "pos.payment.method";

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
