//! A POS session's life as Odoo 18 leads it (issue 9, item 2): the dashboard's Open
//! Register (`pos.config.open_ui` through `/web/dataset/call_button`, answered as the
//! recorded Odoo 18 answered it), the opening popup, and the closing: the Close
//! Register popup's totals per payment method computed from the session's payments,
//! the counted cash, and the state moving to `closed`.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{assert_error, Client};

const SESSION: &str = "pos.session";

/// Numbers as floats: the ORM answers an integral float as `100`, Odoo as `100.0`;
/// the POS client reads both alike.
fn num(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.iter().map(num).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), num(v))).collect()),
        other => other.clone(),
    }
}

/// `pos.config.open_ui([[config]])` as the dashboard's button sends it: the envelope.
async fn open_register(who: &Client, config: i64) -> Value {
    who.rpc(
        "/web/dataset/call_button",
        json!({"model": "pos.config", "method": "open_ui", "args": [[config]],
               "kwargs": {"context": {"lang": "en_US", "tz": "Europe/Brussels", "uid": who.uid}}}),
    )
    .await
}

/// A paid (or other state) order of `session` with its payments `(method, amount)`,
/// written directly as the POS manager would find it after `sync_from_ui`.
async fn order(
    admin: &Client,
    session: i64,
    state: &str,
    total: f64,
    payments: &[(i64, f64)],
) -> i64 {
    let company = admin.read_field(SESSION, session, "company_id").await[0].clone();
    let payment_ids: Vec<Value> = payments
        .iter()
        .map(|(m, a)| {
            json!([0, 0, {"payment_method_id": m, "amount": a, "session_id": session,
                          "company_id": company}])
        })
        .collect();
    admin
        .create(
            "pos.order",
            json!({
                "session_id": session, "company_id": company, "state": state, "amount_tax": 0, "amount_total": total,
                "amount_paid": total, "amount_return": 0, "payment_ids": payment_ids,
            }),
        )
        .await
}

both!(open_ui_creates_the_session_as_odoo_18_answers, |app| {
    let cashier = app.as_user("cashier").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    let envelope = open_register(&cashier, shop).await;
    // The recorded answer: exactly these keys, in this order.
    let expected = json!({"type": "ir.actions.act_url",
        "url": format!("/pos/ui?config_id={shop}&from_backend=True"), "target": "self"});
    assert_eq!(envelope["result"], expected, "{envelope}");
    let keys: Vec<&String> = envelope["result"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["type", "url", "target"]);
    let sessions = cashier
        .search_read(
            SESSION,
            json!([["config_id", "=", shop]]),
            &["name", "state", "user_id"],
        )
        .await;
    assert_eq!(sessions.as_array().unwrap().len(), 1, "{sessions}");
    let s = &sessions[0];
    assert_eq!(s["name"], json!("Shop/00000"));
    assert_eq!(s["state"], json!("opening_control"));
    assert_eq!(s["user_id"][0], json!(cashier.uid));
    assert_eq!(
        cashier
            .read_field("pos.config", shop, "current_session_id")
            .await[0],
        s["id"]
    );
    // Again: the same answer, and still one session.
    assert_eq!(open_register(&cashier, shop).await["result"], expected);
    assert_eq!(
        cashier
            .search_count(SESSION, json!([["config_id", "=", shop]]))
            .await,
        1
    );
    // A rescue session (orders saved after their session closed) keeps its name and
    // does not count as the POS's open session.
    let rescue = cashier
        .create(
            SESSION,
            json!({"config_id": shop, "rescue": true, "name": "(RESCUE FOR Shop/00000)"}),
        )
        .await;
    assert_eq!(
        cashier.read_field(SESSION, rescue, "name").await,
        json!("(RESCUE FOR Shop/00000)")
    );
    assert_eq!(
        cashier
            .read_field("pos.config", shop, "current_session_id")
            .await[0],
        s["id"]
    );
    // An internal user without POS rights may not read the POS, let alone open it.
    let employee = app.as_user("employee").await;
    let refused = open_register(&employee, shop).await;
    assert_error(
        &refused["error"],
        "odoo.exceptions.AccessError",
        "Point of Sale Configuration",
    );
    // A POS without payment methods cannot start a session.
    let admin = app.as_user("admin").await;
    let bare = admin
        .create(
            "pos.config",
            json!({"name": "Bare", "payment_method_ids": [[6, 0, []]]}),
        )
        .await;
    let refused = open_register(&cashier, bare).await;
    assert_eq!(
        refused["error"]["data"]["message"],
        json!("You must have at least one payment method configured to launch a session.")
    );
    assert_eq!(
        cashier
            .search_count(SESSION, json!([["config_id", "=", bare]]))
            .await,
        0
    );
});

both!(a_shift_closes_with_its_totals_per_payment_method, |app| {
    let admin = app.as_user("admin").await;
    let cashier = app.as_user("cashier").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    let cash = app.xmlid("ops_demo.payment_method_cash").await;
    let card = app.xmlid("ops_demo.payment_method_card").await;
    let stripe = app.xmlid("ops_demo.payment_method_stripe").await;
    open_register(&cashier, shop).await;
    let session = cashier
        .search(SESSION, json!([["config_id", "=", shop]]))
        .await[0];
    cashier
        .call_ok(
            SESSION,
            "set_opening_control",
            json!([[session], 100, "Float"]),
            json!({}),
        )
        .await;
    let opened = cashier
        .read(
            SESSION,
            &[session],
            &["state", "cash_register_balance_start", "opening_notes"],
        )
        .await;
    assert_eq!(opened[0]["state"], json!("opened"));
    assert_eq!(num(&opened[0]["cash_register_balance_start"]), json!(100.0));
    assert_eq!(opened[0]["opening_notes"], json!("Float"));

    // Two paid orders (cash + Stripe, Stripe), a draft one and a cancelled one.
    let paid1 = order(
        &admin,
        session,
        "paid",
        30.75,
        &[(cash, 10.5), (stripe, 20.25)],
    )
    .await;
    let paid2 = order(&admin, session, "paid", 5.1, &[(stripe, 5.1)]).await;
    let draft = order(&admin, session, "draft", 99.0, &[(cash, 99.0)]).await;
    order(&admin, session, "cancel", 7.0, &[(card, 7.0)]).await;

    let data = cashier
        .call_ok(
            SESSION,
            "get_closing_control_data",
            json!([[session]]),
            json!({}),
        )
        .await;
    let keys: Vec<&String> = data.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "orders_details",
            "opening_notes",
            "default_cash_details",
            "non_cash_payment_methods",
            "is_manager",
            "amount_authorized_diff"
        ]
    );
    assert_eq!(
        num(&data["orders_details"]),
        num(&json!({"quantity": 2, "amount": 35.85}))
    );
    assert_eq!(data["opening_notes"], json!("Float"));
    assert_eq!(
        num(&data["default_cash_details"]),
        num(
            &json!({"name": "Cash", "amount": 110.5, "opening": 100.0, "payment_amount": 10.5,
               "moves": [], "id": cash})
        )
    );
    assert_eq!(
        num(&data["non_cash_payment_methods"]),
        num(&json!([
            {"name": "Card", "amount": 0.0, "number": 0, "id": card, "type": "bank"},
            {"name": "Stripe", "amount": 25.35, "number": 2, "id": stripe, "type": "bank"},
        ]))
    );
    assert_eq!(data["is_manager"], json!(false));
    assert_eq!(data["amount_authorized_diff"], Value::Null);
    let employee = app.as_user("employee").await;
    let refused = employee
        .expect_error(
            SESSION,
            "get_closing_control_data",
            json!([[session]]),
            json!({}),
        )
        .await;
    assert_eq!(
        refused["data"]["message"],
        json!("You don't have the access rights to get the point of sale closing control data.")
    );

    // A draft order stops the closing, and says which.
    let blocked = cashier
        .call_ok(
            SESSION,
            "close_session_from_ui",
            json!([[session]]),
            json!({}),
        )
        .await;
    assert_eq!(
        blocked,
        json!({"successful": false, "message": "You cannot close the POS when orders are still in draft",
               "redirect": false, "open_order_ids": [draft]})
    );
    assert_eq!(
        cashier.read_field(SESSION, session, "state").await,
        json!("opened")
    );
    admin
        .write("pos.order", &[draft], json!({"state": "cancel"}))
        .await;

    // The Close Register popup: counted cash, notes, close.
    let counted = cashier
        .call_ok(
            SESSION,
            "post_closing_cash_details",
            // As the POS client sends it: the counted cash as a keyword.
            json!([[session]]),
            json!({"counted_cash": 110.5}),
        )
        .await;
    assert_eq!(counted, json!({"successful": true}));
    cashier
        .call_ok(
            SESSION,
            "update_closing_control_state_session",
            json!([[session], "All good"]),
            json!({}),
        )
        .await;
    let closing = cashier
        .read(SESSION, &[session], &["state", "stop_at", "closing_notes"])
        .await;
    assert_eq!(closing[0]["state"], json!("closing_control"));
    assert!(closing[0]["stop_at"].is_string(), "{closing}");
    assert_eq!(closing[0]["closing_notes"], json!("All good"));
    let closed = cashier
        .call_ok(
            SESSION,
            "close_session_from_ui",
            json!([[session], []]),
            json!({}),
        )
        .await;
    assert_eq!(closed, json!({"successful": true}));
    let s = cashier
        .read(
            SESSION,
            &[session],
            &["state", "cash_register_balance_end_real"],
        )
        .await;
    assert_eq!(s[0]["state"], json!("closed"));
    assert_eq!(num(&s[0]["cash_register_balance_end_real"]), json!(110.5));
    let states = admin.read("pos.order", &[paid1, paid2], &["state"]).await;
    assert_eq!(states[0]["state"], json!("done"));
    assert_eq!(states[1]["state"], json!("done"));
    assert!(cashier
        .read_field("pos.config", shop, "current_session_id")
        .await
        .eq(&json!(false)));

    // Closed is closed.
    let again = cashier
        .call_ok(
            SESSION,
            "close_session_from_ui",
            json!([[session]]),
            json!({}),
        )
        .await;
    assert_eq!(again["successful"], json!(false));
    assert_eq!(again["title"], json!("Session already closed"));
    assert_eq!(again["redirect"], json!(true));
    let refused = cashier
        .expect_error(
            SESSION,
            "update_closing_control_state_session",
            json!([[session], ""]),
            json!({}),
        )
        .await;
    assert_eq!(
        refused["data"]["message"],
        json!("This session is already closed.")
    );
    // Opening the register again starts a new session from the cash counted.
    open_register(&cashier, shop).await;
    let next = cashier
        .search(
            SESSION,
            json!([["config_id", "=", shop], ["state", "=", "opening_control"]]),
        )
        .await;
    assert_eq!(next.len(), 1);
    let n = cashier
        .read(SESSION, &next, &["name", "cash_register_balance_start"])
        .await;
    assert_eq!(n[0]["name"], json!("Shop/00000"));
    assert_eq!(num(&n[0]["cash_register_balance_start"]), json!(110.5));
    // Discarded from the opening popup.
    let discarded = cashier
        .call_ok(
            SESSION,
            "delete_opening_control_session",
            json!([next]),
            json!({}),
        )
        .await;
    assert_eq!(discarded, json!({"status": "success"}));
    assert_eq!(
        cashier
            .search_count(SESSION, json!([["id", "in", next]]))
            .await,
        0
    );
});
