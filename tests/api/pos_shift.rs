//! A cashier's shift as a story over HTTP: the register opens, two sales are paid by
//! Stripe through the real Stripe calls and the simulator, one in cash with change,
//! one order is sent twice, part of a Stripe sale is refunded; then the money must
//! add up: per payment method, the Stripe total against what the simulator captured
//! and refunded for the session's intents, and the closing totals per method.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::both;
use crate::helpers::*;
use crate::pos_orders::{sync, sync_kwargs, Demo};
use crate::stripe_flow::{capture_kwargs, create_intent, present, reader_side};

/// Takes a card payment of `amount` as the POS does: intent, card on the reader,
/// capture. Returns the intent id and the card brand.
async fn card_payment(
    app: &TestApp,
    cashier: &Client,
    method: i64,
    amount: f64,
) -> (String, String) {
    let pi = create_intent(cashier, method, json!(amount)).await;
    let id = pi["id"].as_str().unwrap().to_string();
    let presented = present(app, &id, &[]).await;
    assert_eq!(presented["status"], json!("requires_capture"));
    let captured = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_capture_payment",
            json!([id]),
            capture_kwargs(json!(amount), json!(0.01)),
        )
        .await;
    assert_eq!(captured["status"], json!("succeeded"));
    let brand = captured["charges"]["data"][0]["payment_method_details"]["card_present"]["brand"]
        .as_str()
        .unwrap()
        .to_string();
    (id, brand)
}

/// The order's Stripe payment as the client fills it after a capture.
fn with_card(mut order: Value, intent: &str, brand: &str) -> Value {
    let p = &mut order["payment_ids"][0][2];
    p["transaction_id"] = json!(intent);
    p["card_type"] = json!(brand);
    p["payment_status"] = json!("done");
    order
}

fn cents(v: &Value) -> i64 {
    (v.as_f64().unwrap() * 100.0).round() as i64
}

both!(a_mixed_shift_keeps_the_money_right, |app| {
    let cashier = app.as_user("cashier").await;
    let demo = Demo::open(&app, &cashier).await;
    let desk = app.xmlid("ops_demo.product_corner_desk").await;
    let sofa = app.xmlid("ops_demo.product_sofa").await;
    let ink = app.xmlid("ops_demo.product_ink_cartridge").await;
    let tax_incl = app.xmlid("ops_demo.tax_sale_15_incl").await;
    let eco = app.xmlid("ops_demo.tax_eco_fee").await;

    // Sale 1: a desk at a manual 80.00 + 15% = 92.00, by card (Stripe's test amounts
    // ending in 75 decline).
    let (pi1, brand1) = card_payment(&app, &cashier, demo.stripe, 92.0).await;
    let sale1 = with_card(
        demo.order(
            "sale-1",
            "paid",
            &[(desk, 1.0, 80.0, vec![demo.tax_15], None)],
            &[(demo.stripe, 92.0, Some(""))],
        ),
        &pi1,
        &brand1,
    );
    let answer = sync(&cashier, &demo, json!([sale1.clone()])).await;
    let o1 = answer["pos.order"][0].clone();
    assert_eq!(
        (
            o1["state"].clone(),
            cents(&o1["amount_total"]),
            cents(&o1["amount_tax"])
        ),
        (json!("paid"), 9200, 1200)
    );
    assert_eq!(answer["pos.payment"][0]["transaction_id"], json!(pi1));

    // Sale 2: two sofas at 1,500.00 tax included, by card.
    let (pi2, brand2) = card_payment(&app, &cashier, demo.stripe, 3000.0).await;
    let sale2 = with_card(
        demo.order(
            "sale-2",
            "paid",
            &[(sofa, 2.0, 1500.0, vec![tax_incl], None)],
            &[(demo.stripe, 3000.0, Some(""))],
        ),
        &pi2,
        &brand2,
    );
    let answer = sync(&cashier, &demo, json!([sale2])).await;
    let o2 = answer["pos.order"][0].clone();
    assert_eq!(
        (cents(&o2["amount_total"]), cents(&o2["amount_tax"])),
        (300000, 39130)
    );
    let sofa_line = answer["pos.order.line"][0]["id"].as_i64().unwrap();

    // Sale 3: an ink cartridge, 24.90 + eco-fee 0.25 + 15% (3.74) = 28.89, paid 30.00 cash.
    let mut sale3 = demo.order(
        "sale-3",
        "paid",
        &[(ink, 1.0, 24.9, vec![eco, demo.tax_15], None)],
        &[(demo.cash, 30.0, None)],
    );
    sale3["amount_return"] = json!(1.11);
    let answer = sync(&cashier, &demo, json!([sale3])).await;
    let o3 = &answer["pos.order"][0];
    assert_eq!(
        (
            cents(&o3["amount_total"]),
            cents(&o3["amount_paid"]),
            cents(&o3["amount_return"])
        ),
        (2889, 2889, 111)
    );

    // The first sale sent again (the client lost the answer): nothing new.
    let again = sync(&cashier, &demo, json!([sale1])).await;
    assert_eq!(again["pos.order"], json!([]));
    assert_eq!(
        cashier
            .search_count("pos.order", json!([["session_id", "=", demo.session]]))
            .await,
        3
    );

    // One sofa comes back: refunded on the card it was paid with, then recorded.
    let before = app.sim().requests().await.len();
    let refund = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_refund",
            json!([[demo.stripe], pi2, -1500.0]),
            json!({}),
        )
        .await;
    assert_eq!(
        (refund["amount"].clone(), refund["status"].clone()),
        (json!(150000), json!("succeeded"))
    );
    assert_eq!(app.sim().requests().await.len(), before + 1);
    let refund_order = with_card(
        demo.order(
            "refund-1",
            "paid",
            &[(sofa, -1.0, 1500.0, vec![tax_incl], Some(sofa_line))],
            &[(demo.stripe, -1500.0, Some(""))],
        ),
        &pi2,
        &brand2,
    );
    let answer = sync(&cashier, &demo, json!([refund_order])).await;
    let o4 = &answer["pos.order"][0];
    assert_eq!(
        (cents(&o4["amount_total"]), cents(&o4["amount_tax"])),
        (-150000, -19565)
    );
    assert_eq!(o4["refunded_order_id"], o2["id"]);

    // More than what is left of the card payment is refused, before Stripe hears of it
    // and when an order records it.
    let before = app.sim().requests().await.len();
    let e = cashier
        .expect_error(
            "pos.payment.method",
            "stripe_refund",
            json!([pi2, 1500.01]),
            json!({}),
        )
        .await;
    assert_error(&e, "odoo.exceptions.UserError", "more than what remains");
    assert_eq!(
        app.sim().requests().await.len(),
        before,
        "nothing may reach Stripe"
    );
    let too_much = with_card(
        demo.order(
            "refund-2",
            "paid",
            &[(sofa, -1.0, 1500.0, vec![tax_incl], Some(sofa_line))],
            &[(demo.stripe, -1500.0, Some(""))],
        ),
        &pi2,
        &brand2,
    );
    let mut too_much = too_much;
    too_much["payment_ids"][0][2]["amount"] = json!(-1500.01);
    let e = cashier
        .expect_error(
            "pos.order",
            "sync_from_ui",
            json!([[too_much]]),
            sync_kwargs(demo.config),
        )
        .await;
    assert_error(&e, "odoo.exceptions.ValidationError", "more than it paid");

    // The money: payments per method, orders against payments, Stripe against Stripe.
    let payments = cashier
        .search_read(
            "pos.payment",
            json!([["session_id", "=", demo.session]]),
            &["amount", "payment_method_id", "transaction_id"],
        )
        .await;
    let mut per_method: BTreeMap<i64, i64> = BTreeMap::new();
    for p in payments.as_array().unwrap() {
        *per_method
            .entry(p["payment_method_id"][0].as_i64().unwrap())
            .or_default() += cents(&p["amount"]);
    }
    assert_eq!(
        per_method.get(&demo.stripe),
        Some(&(9200 + 300000 - 150000))
    );
    assert_eq!(per_method.get(&demo.cash), Some(&(3000 - 111)));
    let orders = cashier
        .search_read(
            "pos.order",
            json!([["session_id", "=", demo.session]]),
            &["amount_paid", "amount_total", "state"],
        )
        .await;
    let paid: i64 = orders
        .as_array()
        .unwrap()
        .iter()
        .map(|o| cents(&o["amount_paid"]))
        .sum();
    let total: i64 = orders
        .as_array()
        .unwrap()
        .iter()
        .map(|o| cents(&o["amount_total"]))
        .sum();
    assert_eq!(paid, per_method.values().sum::<i64>());
    assert_eq!(total, paid);
    assert!(orders
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["state"] == json!("paid")));

    // What the simulator holds for the session's intents: captured less refunded.
    let mut stripe_net = 0;
    let intents: Vec<String> = payments
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["transaction_id"].as_str().map(str::to_string))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(intents.len(), 2);
    for pi in &intents {
        let seen = reader_side(
            &app,
            reqwest::Method::GET,
            &format!("/v1/payment_intents/{pi}"),
            &[],
        )
        .await;
        assert_eq!(seen["status"], json!("succeeded"));
        let charge_id = seen["latest_charge"]
            .as_str()
            .expect("a captured intent has a charge");
        let charge = reader_side(
            &app,
            reqwest::Method::GET,
            &format!("/v1/charges/{charge_id}"),
            &[],
        )
        .await;
        assert_eq!(charge["captured"], json!(true));
        stripe_net +=
            seen["amount_received"].as_i64().unwrap() - charge["amount_refunded"].as_i64().unwrap();
    }
    assert_eq!(Some(&stripe_net), per_method.get(&demo.stripe));

    // Closing: the Close Register popup shows each method's total, which is the sum of
    // its payments; the counted cash matches, the session closes and its orders post.
    let closing = cashier
        .call_ok(
            "pos.session",
            "get_closing_control_data",
            json!([[demo.session]]),
            json!({}),
        )
        .await;
    assert_eq!(
        cents(&closing["default_cash_details"]["payment_amount"]),
        per_method[&demo.cash]
    );
    assert_eq!(closing["default_cash_details"]["id"], json!(demo.cash));
    let stripe_row = closing["non_cash_payment_methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == json!(demo.stripe))
        .expect("the Stripe method's total")
        .clone();
    assert_eq!(cents(&stripe_row["amount"]), per_method[&demo.stripe]);
    assert_eq!(stripe_row["number"], json!(3));
    assert_eq!(closing["orders_details"]["quantity"], json!(4));
    assert_eq!(cents(&closing["orders_details"]["amount"]), total);
    let counted = closing["default_cash_details"]["amount"].clone();
    let answer = cashier
        .call_ok(
            "pos.session",
            "post_closing_cash_details",
            json!([[demo.session], counted]),
            json!({}),
        )
        .await;
    assert_eq!(answer, json!({"successful": true}));
    cashier
        .call_ok(
            "pos.session",
            "update_closing_control_state_session",
            json!([[demo.session], "End of shift"]),
            json!({}),
        )
        .await;
    let answer = cashier
        .call_ok(
            "pos.session",
            "close_session_from_ui",
            json!([[demo.session], []]),
            json!({}),
        )
        .await;
    assert_eq!(answer, json!({"successful": true}));
    let states = cashier
        .search_read(
            "pos.order",
            json!([["session_id", "=", demo.session]]),
            &["state"],
        )
        .await;
    assert!(
        states
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["state"] == json!("done")),
        "{states}"
    );

    // A sale sent after the closing, with no open session left, is refused.
    let late = demo.order(
        "late",
        "paid",
        &[(desk, 1.0, 80.0, vec![demo.tax_15], None)],
        &[(demo.cash, 92.0, None)],
    );
    let e = cashier
        .expect_error(
            "pos.order",
            "sync_from_ui",
            json!([[late]]),
            sync_kwargs(demo.config),
        )
        .await;
    assert_error(&e, "odoo.exceptions.UserError", "No open session available");
});
