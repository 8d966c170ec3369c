//! Odoo 18 parity of the Stripe methods (issue 8, item 21): amounts rounded as Odoo's
//! floats round.

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
