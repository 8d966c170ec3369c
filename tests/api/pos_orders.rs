//! `pos.order.sync_from_ui` over HTTP as the Odoo 18 POS client calls it: the recorded
//! request (tests/data/odoo18/sync_from_ui.json) with this database's ids, answered in
//! the recorded shape; re-sends, invalid orders, taxes, refunds, the reads after sync.

use serde_json::{json, Map, Value};

use crate::both;
use crate::helpers::*;

/// What a real Odoo 18.0 answered (copied from the shared recordings).
pub fn recording() -> Value {
    serde_json::from_str(include_str!("../data/odoo18/sync_from_ui.json")).unwrap()
}

/// The POS client's context for `sync_from_ui` (`getSyncAllOrdersContext`).
pub fn sync_kwargs(config: i64) -> Value {
    json!({"context": {"config_id": config, "login_number": 12}})
}

/// Opens the register as the cashier does: the dashboard's Open Register
/// (`pos.config.open_ui` through `/web/dataset/call_button`), then the opening popup.
pub async fn open_session(cashier: &Client, config: i64) -> i64 {
    let envelope = cashier
        .rpc(
            "/web/dataset/call_button",
            json!({"model": "pos.config", "method": "open_ui", "args": [[config]], "kwargs": {}}),
        )
        .await;
    assert!(envelope.get("error").is_none(), "{envelope}");
    let session = cashier
        .read_field("pos.config", config, "current_session_id")
        .await[0]
        .as_i64()
        .expect("open_ui opened a session");
    cashier
        .call_ok(
            "pos.session",
            "set_opening_control",
            json!([[session], 0, ""]),
            json!({}),
        )
        .await;
    session
}

/// A line to sell: product, quantity, unit price, taxes, the line it refunds.
pub type SaleLine = (i64, f64, f64, Vec<i64>, Option<i64>);

/// The demo ids a recorded order is rewritten with.
pub struct Demo {
    pub config: i64,
    pub session: i64,
    pub user: i64,
    pub cabinet: i64,
    pub stripe: i64,
    pub cash: i64,
    pub tax_15: i64,
}

impl Demo {
    pub async fn open(app: &TestApp, cashier: &Client) -> Demo {
        let config = app.xmlid("ops_demo.pos_config_shop").await;
        Demo {
            config,
            session: open_session(cashier, config).await,
            user: cashier.uid,
            cabinet: app.xmlid("ops_demo.product_cabinet").await,
            stripe: app.xmlid("ops_demo.payment_method_stripe").await,
            cash: app.xmlid("ops_demo.payment_method_cash").await,
            tax_15: app.xmlid("ops_demo.tax_sale_15").await,
        }
    }

    /// The recorded paid order (one Cabinet, paid 140 by Stripe) with this
    /// database's ids and the given uuids.
    pub fn recorded_order(&self, uuid: &str) -> Value {
        let mut order = recording()["calls"][0]["request"]["params"]["args"][0][0].clone();
        order["uuid"] = json!(uuid);
        order["session_id"] = json!(self.session);
        order["user_id"] = json!(self.user);
        order["lines"][0][2]["product_id"] = json!(self.cabinet);
        order["lines"][0][2]["uuid"] = json!(format!("{uuid}-l1"));
        order["payment_ids"][0][2]["payment_method_id"] = json!(self.stripe);
        order["payment_ids"][0][2]["uuid"] = json!(format!("{uuid}-p1"));
        order
    }

    /// An order of `lines` (product, qty, price, taxes, refunded line) paid by
    /// `payments` (method, amount, transaction).
    pub fn order(
        &self,
        uuid: &str,
        state: &str,
        lines: &[SaleLine],
        payments: &[(i64, f64, Option<&str>)],
    ) -> Value {
        let mut order = self.recorded_order(uuid);
        let template_line = order["lines"][0][2].clone();
        let template_payment = order["payment_ids"][0][2].clone();
        order["state"] = json!(state);
        order["name"] = json!(format!("Order {uuid}"));
        order["lines"] = Value::Array(
            lines
                .iter()
                .enumerate()
                .map(|(i, (product, qty, price, taxes, refunded))| {
                    let mut l = template_line.clone();
                    l["product_id"] = json!(product);
                    l["qty"] = json!(qty);
                    l["price_unit"] = json!(price);
                    l["tax_ids"] = json!(taxes);
                    l["refunded_orderline_id"] = refunded.map(Value::from).unwrap_or(json!(false));
                    l["uuid"] = json!(format!("{uuid}-l{i}"));
                    json!([0, 0, l])
                })
                .collect(),
        );
        order["payment_ids"] = Value::Array(
            payments
                .iter()
                .enumerate()
                .map(|(i, (method, amount, tx))| {
                    let mut p = template_payment.clone();
                    p["payment_method_id"] = json!(method);
                    p["amount"] = json!(amount);
                    p["transaction_id"] = json!(tx.unwrap_or(""));
                    if tx.is_none() {
                        p["transaction_id"] = json!(false);
                        p["card_type"] = json!(false);
                        p["payment_status"] = json!(false);
                    }
                    p["uuid"] = json!(format!("{uuid}-p{i}"));
                    json!([0, 0, p])
                })
                .collect(),
        );
        order
    }
}

pub async fn sync(cashier: &Client, demo: &Demo, orders: Value) -> Value {
    cashier
        .call_ok(
            "pos.order",
            "sync_from_ui",
            json!([orders]),
            sync_kwargs(demo.config),
        )
        .await
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() => "int",
        Value::Number(_) => "float",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// The keys of `got` are the recorded ones, in order, and each value has the
/// recorded type (`false` stands for any empty value, as in Odoo).
fn assert_shape(model: &str, got: &Map<String, Value>, want: &Map<String, Value>) {
    let got_keys: Vec<&String> = got.keys().collect();
    let want_keys: Vec<&String> = want.keys().collect();
    assert_eq!(got_keys, want_keys, "{model}: keys differ");
    for (k, w) in want {
        let g = &got[k];
        let ok = type_name(g) == type_name(w)
            || matches!(g, Value::Bool(false))
            || matches!(w, Value::Bool(false));
        assert!(ok, "{model}.{k}: got {g}, recorded {w}");
    }
}

both!(
    a_recorded_order_is_stored_and_answered_in_the_recorded_shape,
    |app| {
        let cashier = app.as_user("cashier").await;
        let demo = Demo::open(&app, &cashier).await;
        let order = demo.recorded_order("55e69f71-066e-4b44-9cf9-a3427504906f");
        let answer = sync(&cashier, &demo, json!([order.clone()])).await;
        let recorded = &recording()["calls"][0]["response"]["result"];

        let got_models: Vec<&String> = answer.as_object().unwrap().keys().collect();
        let want_models: Vec<&String> = recorded.as_object().unwrap().keys().collect();
        assert_eq!(got_models, want_models);
        for model in ["pos.order", "pos.payment", "pos.order.line"] {
            assert_eq!(answer[model].as_array().unwrap().len(), 1, "{model}");
            assert_shape(
                model,
                answer[model][0].as_object().unwrap(),
                recorded[model][0].as_object().unwrap(),
            );
        }
        assert_eq!(answer["pos.session"], json!([]));

        let o = &answer["pos.order"][0];
        // The server names the order from its POS's sequence and keeps the client's name.
        assert_eq!(o["name"], json!("Shop/0001"));
        assert_eq!(o["pos_reference"], json!("Order 00004-012-0001"));
        assert_eq!(o["state"], json!("paid"));
        assert_eq!(o["session_id"], json!(demo.session));
        assert_eq!(o["config_id"], json!(demo.config));
        for k in ["amount_total", "amount_paid"] {
            assert_eq!(o[k].as_f64(), Some(140.0), "{k}");
        }
        assert_eq!(o["amount_tax"].as_f64(), Some(0.0));
        assert_eq!(o["amount_return"].as_f64(), Some(0.0));
        assert_eq!(
            o["tracking_number"],
            json!(format!("{}01", demo.session % 10))
        );
        assert_eq!(o["country_code"], json!("US"));
        // The demo cabinet costs 120.50: margin 19.50 on 140, as recorded.
        assert_eq!(o["margin"].as_f64(), Some(19.5));
        assert_eq!(o["margin_percent"].as_f64(), Some(0.1393));

        let p = &answer["pos.payment"][0];
        assert_eq!(p["pos_order_id"], o["id"]);
        assert_eq!(p["transaction_id"], json!("pi_GNVHfvqQRIn9S3DSeGrlrfFi"));
        assert_eq!(p["card_type"], json!("visa"));
        assert_eq!(p["payment_status"], json!("done"));
        assert_eq!(p["payment_method_id"], json!(demo.stripe));
        assert_eq!(p["amount"].as_f64(), Some(140.0));
        assert_eq!(p["session_id"], json!(demo.session));
        assert_eq!(p["display_name"], json!("$\u{a0}140.00"));

        let l = &answer["pos.order.line"][0];
        assert_eq!(l["order_id"], o["id"]);
        assert_eq!(l["product_id"], json!(demo.cabinet));
        assert_eq!(l["price_subtotal_incl"].as_f64(), Some(140.0));

        // The same order again: nothing written, every list empty (as recorded).
        let again = sync(&cashier, &demo, json!([order])).await;
        assert_eq!(again, recording()["calls"][1]["response"]["result"]);
        let uuid = json!([["uuid", "=", "55e69f71-066e-4b44-9cf9-a3427504906f"]]);
        assert_eq!(cashier.search_count("pos.order", uuid).await, 1);
        let pays = json!([["transaction_id", "=", "pi_GNVHfvqQRIn9S3DSeGrlrfFi"]]);
        assert_eq!(cashier.search_count("pos.payment", pays).await, 1);

        // The client's reads of the new line and payment ids (load: false).
        let read = cashier
            .call_ok(
                "pos.order.line",
                "read",
                json!([[l["id"]], ["qty", "order_id", "product_id", "refunded_qty"]]),
                json!({"load": false}),
            )
            .await;
        assert_eq!(read[0]["order_id"], o["id"]);
        assert_eq!(read[0]["product_id"], json!(demo.cabinet));
        assert_eq!(read[0]["refunded_qty"].as_f64(), Some(0.0));
        let read = cashier
            .call_ok(
                "pos.payment",
                "read",
                json!([[p["id"]], ["amount", "payment_method_id", "transaction_id"]]),
                json!({"load": false}),
            )
            .await;
        assert_eq!(read[0]["payment_method_id"], json!(demo.stripe));
        assert_eq!(
            read[0]["transaction_id"],
            json!("pi_GNVHfvqQRIn9S3DSeGrlrfFi")
        );
    }
);

async fn counts(cashier: &Client) -> (i64, i64, i64) {
    (
        cashier.search_count("pos.order", json!([])).await,
        cashier.search_count("pos.order.line", json!([])).await,
        cashier.search_count("pos.payment", json!([])).await,
    )
}

both!(invalid_orders_get_odoos_errors_and_write_nothing, |app| {
    let cashier = app.as_user("cashier").await;
    let demo = Demo::open(&app, &cashier).await;
    let before = counts(&cashier).await;

    // An unknown product: the recorded error, byte for byte. A valid order sent in the
    // same call is not kept either.
    let good = demo.recorded_order("good-order");
    let mut bad = demo.recorded_order("2215fd7b-af5b-4383-ac24-7c7ac3f98307");
    bad["lines"][0][2]["product_id"] = json!(999999);
    let e = cashier
        .expect_error(
            "pos.order",
            "sync_from_ui",
            json!([[good, bad]]),
            sync_kwargs(demo.config),
        )
        .await;
    let recorded = &recording()["calls"][2]["response"]["error"];
    assert_eq!(e["data"]["name"], recorded["data"]["name"]);
    assert_eq!(e["data"]["message"], recorded["data"]["message"]);
    assert_eq!(counts(&cashier).await, before);

    // A payment method the POS does not offer.
    let admin = app.as_user("admin").await;
    let journal = app.xmlid("ops_demo.journal_bank").await;
    let other = admin
        .create(
            "pos.payment.method",
            json!({"name": "Elsewhere", "journal_id": journal}),
        )
        .await;
    let mut order = demo.recorded_order("other-method");
    order["payment_ids"][0][2]["payment_method_id"] = json!(other);
    let e = cashier
        .expect_error(
            "pos.order",
            "sync_from_ui",
            json!([[order]]),
            sync_kwargs(demo.config),
        )
        .await;
    assert_error(
        &e,
        "odoo.exceptions.ValidationError",
        "The payment method selected is not allowed in the config of the POS session.",
    );
    assert_eq!(counts(&cashier).await, before);

    // Not fully paid.
    let order = demo.order(
        "underpaid",
        "paid",
        &[(demo.cabinet, 1.0, 140.0, vec![], None)],
        &[(demo.cash, 100.0, None)],
    );
    let e = cashier
        .expect_error(
            "pos.order",
            "sync_from_ui",
            json!([[order]]),
            sync_kwargs(demo.config),
        )
        .await;
    assert_error(
        &e,
        "odoo.exceptions.UserError",
        "Order Shop/0001 is not fully paid.",
    );
    assert_eq!(counts(&cashier).await, before);

    // A closed session with no other open session of its POS.
    admin
        .write("pos.session", &[demo.session], json!({"state": "closed"}))
        .await;
    let e = cashier
        .expect_error(
            "pos.order",
            "sync_from_ui",
            json!([[demo.recorded_order("closed-session")]]),
            sync_kwargs(demo.config),
        )
        .await;
    assert_error(
        &e,
        "odoo.exceptions.UserError",
        "No open session available. Please open a new session to capture the order.",
    );
    assert_eq!(counts(&cashier).await, before);

    // Malformed input is refused before anything is written.
    let mut order = demo.recorded_order("huge");
    order["lines"][0][2]["qty"] = json!(1e30);
    let e = cashier
        .expect_error(
            "pos.order",
            "sync_from_ui",
            json!([[order]]),
            sync_kwargs(demo.config),
        )
        .await;
    assert_error(&e, "builtins.ValueError", "qty");
    assert_eq!(counts(&cashier).await, before);
});

both!(taxes_and_drafts_compute_the_totals_on_the_server, |app| {
    let cashier = app.as_user("cashier").await;
    let demo = Demo::open(&app, &cashier).await;
    // 2 x 85.00 with 15% excluded: 170.00 + 25.50. The client's totals are ignored.
    let lines = [(demo.cabinet, 2.0, 85.0, vec![demo.tax_15], None)];
    let mut draft = demo.order("draft-then-paid", "draft", &lines, &[]);
    draft["amount_total"] = json!(1);
    let answer = sync(&cashier, &demo, json!([draft])).await;
    let o = &answer["pos.order"][0];
    assert_eq!(o["state"], json!("draft"));
    assert_eq!(o["name"], json!("/"));
    assert_eq!(o["amount_tax"].as_f64(), Some(25.5));
    assert_eq!(o["amount_total"].as_f64(), Some(195.5));
    let l = &answer["pos.order.line"][0];
    assert_eq!(l["price_subtotal"].as_f64(), Some(170.0));
    assert_eq!(l["price_subtotal_incl"].as_f64(), Some(195.5));
    assert_eq!(l["tax_ids"], json!([demo.tax_15]));

    // The same draft completed and paid in cash with change: one order, one line.
    let mut paid = demo.order(
        "draft-then-paid",
        "paid",
        &lines,
        &[(demo.cash, 200.0, None)],
    );
    paid["amount_return"] = json!(4.5);
    let answer = sync(&cashier, &demo, json!([paid])).await;
    let o = &answer["pos.order"][0];
    assert_eq!(o["state"], json!("paid"));
    assert_eq!(o["name"], json!("Shop/0001"));
    assert_eq!(o["amount_paid"].as_f64(), Some(195.5));
    assert_eq!(o["amount_return"].as_f64(), Some(4.5));
    assert_eq!(answer["pos.order.line"].as_array().unwrap().len(), 1);
    let amounts: Vec<f64> = answer["pos.payment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount"].as_f64().unwrap())
        .collect();
    assert_eq!(amounts, vec![-4.5, 200.0]);
    let uuid = json!([["uuid", "=", "draft-then-paid"]]);
    assert_eq!(cashier.search_count("pos.order", uuid).await, 1);
});

both!(a_paid_order_is_refunded_by_a_linked_negative_order, |app| {
    let cashier = app.as_user("cashier").await;
    let demo = Demo::open(&app, &cashier).await;
    let sale = demo.order(
        "sale",
        "paid",
        &[(demo.cabinet, 2.0, 140.0, vec![], None)],
        &[(demo.cash, 280.0, None)],
    );
    let answer = sync(&cashier, &demo, json!([sale])).await;
    let sold_line = answer["pos.order.line"][0]["id"].as_i64().unwrap();
    let sale_id = answer["pos.order"][0]["id"].clone();

    let refund = demo.order(
        "refund",
        "paid",
        &[(demo.cabinet, -1.0, 140.0, vec![], Some(sold_line))],
        &[(demo.cash, -140.0, None)],
    );
    let answer = sync(&cashier, &demo, json!([refund])).await;
    let o = &answer["pos.order"][0];
    assert_eq!(o["state"], json!("paid"));
    assert_eq!(o["amount_total"].as_f64(), Some(-140.0));
    assert_eq!(o["amount_paid"].as_f64(), Some(-140.0));
    assert_eq!(o["refunded_order_id"], sale_id);
    assert_eq!(
        answer["pos.order.line"][0]["refunded_orderline_id"],
        json!(sold_line)
    );

    let sold = cashier
        .call_ok(
            "pos.order.line",
            "read",
            json!([[sold_line], ["refunded_qty", "refund_orderline_ids"]]),
            json!({"load": false}),
        )
        .await;
    assert_eq!(sold[0]["refunded_qty"].as_f64(), Some(1.0));
    assert_eq!(sold[0]["refund_orderline_ids"].as_array().unwrap().len(), 1);
    let original = cashier
        .call_ok(
            "pos.order",
            "read",
            json!([[sale_id], ["refund_orders_count", "has_refundable_lines"]]),
            json!({"load": false}),
        )
        .await;
    assert_eq!(original[0]["refund_orders_count"], json!(1));
    assert_eq!(original[0]["has_refundable_lines"], json!(true));

    // Two more units cannot be given back: only one is left.
    let before = counts(&cashier).await;
    let too_much = demo.order(
        "refund-too-much",
        "paid",
        &[(demo.cabinet, -2.0, 140.0, vec![], Some(sold_line))],
        &[(demo.cash, -280.0, None)],
    );
    let e = cashier
        .expect_error(
            "pos.order",
            "sync_from_ui",
            json!([[too_much]]),
            sync_kwargs(demo.config),
        )
        .await;
    assert_error(
        &e,
        "odoo.exceptions.UserError",
        "You cannot refund more than was sold",
    );
    assert_eq!(counts(&cashier).await, before);
});

/// The client's reads after a sync (tests/data/odoo18/other_reads.json), as recorded.
fn recorded_read(model: &str) -> (Value, Value) {
    let reads: Value =
        serde_json::from_str(include_str!("../data/odoo18/other_reads.json")).unwrap();
    let call = reads["rpc_calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["request"]["params"]["model"] == json!(model))
        .unwrap()
        .clone();
    (
        call["request"]["params"].clone(),
        call["response"]["result"][0].clone(),
    )
}

both!(the_reads_after_a_sync_answer_as_recorded, |app| {
    let cashier = app.as_user("cashier").await;
    let demo = Demo::open(&app, &cashier).await;
    let answer = sync(&cashier, &demo, json!([demo.recorded_order("read-back")])).await;
    for (model, id) in [
        ("pos.order.line", answer["pos.order.line"][0]["id"].clone()),
        ("pos.payment", answer["pos.payment"][0]["id"].clone()),
    ] {
        let (params, recorded) = recorded_read(model);
        let fields = params["args"][1].clone();
        let got = cashier
            .call_ok(
                model,
                "read",
                json!([[id], fields]),
                params["kwargs"].clone(),
            )
            .await;
        assert_eq!(got.as_array().unwrap().len(), 1, "{model}");
        assert_shape(
            model,
            got[0].as_object().unwrap(),
            recorded.as_object().unwrap(),
        );
        assert_eq!(got[0]["id"], id);
    }
});

both!(a_synced_draft_is_cancelled_and_a_paid_order_is_not, |app| {
    let cashier = app.as_user("cashier").await;
    let demo = Demo::open(&app, &cashier).await;
    let lines = [(demo.cabinet, 1.0, 140.0, vec![], None)];
    let draft = sync(
        &cashier,
        &demo,
        json!([demo.order("to-cancel", "draft", &lines, &[])]),
    )
    .await;
    let draft = draft["pos.order"][0]["id"].as_i64().unwrap();
    let paid = sync(&cashier, &demo, json!([demo.recorded_order("stays-paid")])).await;
    let paid = paid["pos.order"][0]["id"].as_i64().unwrap();
    let answer = cashier
        .call_ok(
            "pos.order",
            "action_pos_order_cancel",
            json!([[draft, paid]]),
            json!({}),
        )
        .await;
    let cancelled = answer["pos.order"].as_array().unwrap();
    assert_eq!(cancelled.len(), 1);
    assert_eq!(
        (cancelled[0]["id"].as_i64(), &cancelled[0]["state"]),
        (Some(draft), &json!("cancel"))
    );
    assert_eq!(
        cashier.read_field("pos.order", paid, "state").await,
        json!("paid")
    );
    // A paid order cannot be deleted; the cancelled draft can.
    let e = cashier
        .expect_error("pos.order", "unlink", json!([[paid]]), json!({}))
        .await;
    assert_error(
        &e,
        "odoo.exceptions.UserError",
        "it must be new or cancelled",
    );
    cashier.unlink("pos.order", &[draft]).await;
});

both!(the_companys_rounding_method_decides_the_tax_total, |app| {
    let cashier = app.as_user("cashier").await;
    let admin = app.as_user("admin").await;
    let demo = Demo::open(&app, &cashier).await;
    let company = app.xmlid("base.main_company").await;
    // Ten lines at 0.10 with 15%: 0.015 of tax each.
    let lines: Vec<SaleLine> = (0..10)
        .map(|_| (demo.cabinet, 1.0, 0.1, vec![demo.tax_15], None))
        .collect();
    let per_line = sync(
        &cashier,
        &demo,
        json!([demo.order("per-line", "draft", &lines, &[])]),
    )
    .await;
    assert_eq!(per_line["pos.order"][0]["amount_tax"].as_f64(), Some(0.2));
    assert_eq!(per_line["pos.order"][0]["amount_total"].as_f64(), Some(1.2));
    admin
        .write(
            "res.company",
            &[company],
            json!({"tax_calculation_rounding_method": "round_globally"}),
        )
        .await;
    let global = sync(
        &cashier,
        &demo,
        json!([demo.order("globally", "draft", &lines, &[])]),
    )
    .await;
    assert_eq!(global["pos.order"][0]["amount_tax"].as_f64(), Some(0.15));
    assert_eq!(global["pos.order"][0]["amount_total"].as_f64(), Some(1.15));
});
