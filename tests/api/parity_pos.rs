//! Odoo 18 parity of the POS admin's steps (issue 8, items 8-12 and 14): what Odoo
//! accepts over RPC for payment methods, the payment-method-type rule, the open-session
//! lock, session names and opening, a journal's type, and the Stripe key button.

use serde_json::{json, Value};

use crate::both;
use crate::parity_support::*;

const PM: &str = "pos.payment.method";

fn stripe_method(name: &str, journal: i64, serial: Value) -> Value {
    json!({"name": name, "journal_id": journal, "payment_method_type": "terminal",
           "use_payment_terminal": "stripe", "stripe_serial_number": serial})
}

both!(odoo_accepts_over_rpc_what_only_its_form_refuses, |app| {
    let admin = demo(&app, "admin").await;
    let bank = xmlid(&app, &admin, "ops_demo.journal_bank").await;
    let cash = xmlid(&app, &admin, "ops_demo.journal_cash").await;
    let general = xmlid(&app, &admin, "ops_demo.journal_pos").await;
    let shop = xmlid(&app, &admin, "ops_demo.pos_config_shop").await;
    // A terminal on a cash journal is stored (the form's onchange clears it).
    let id = create(
        &app,
        &admin,
        PM,
        stripe_method("Cash terminal", cash, json!("WSC-CASH")),
    )
    .await;
    let rec = read(
        &app,
        &admin,
        PM,
        id,
        &["use_payment_terminal", "type", "is_cash_count"],
    )
    .await;
    assert_eq!(
        (
            &rec["use_payment_terminal"],
            &rec["type"],
            &rec["is_cash_count"]
        ),
        (&json!("stripe"), &json!("cash"), &json!(true))
    );
    // A miscellaneous journal makes a customer-account method.
    let id = create(
        &app,
        &admin,
        PM,
        json!({"name": "Misc", "journal_id": general}),
    )
    .await;
    assert_eq!(
        read(&app, &admin, PM, id, &["type"]).await["type"],
        json!("pay_later")
    );
    // A serial is stored as sent, and a Stripe method needs none.
    let id = create(
        &app,
        &admin,
        PM,
        stripe_method("Spaced", bank, json!(" WSC1 ")),
    )
    .await;
    assert_eq!(
        read(&app, &admin, PM, id, &["stripe_serial_number"]).await["stripe_serial_number"],
        json!(" WSC1 ")
    );
    create(
        &app,
        &admin,
        PM,
        stripe_method("No serial", bank, json!(false)),
    )
    .await;
    // A secret key of any format is stored.
    let provider = xmlid(&app, &admin, "payment.payment_provider_stripe").await;
    ok(
        &app,
        &admin,
        "payment.provider",
        "write",
        json!([[provider], {"stripe_secret_key": "hello"}]),
    )
    .await;
    let verdict = ok(
        &app,
        &admin,
        "payment.provider",
        "stripe_verify_keys",
        json!([[provider]]),
    )
    .await;
    assert_eq!(verdict["valid"], json!(false));
    // An archived method's serial is free again; an active one's is not.
    let first = create(
        &app,
        &admin,
        PM,
        stripe_method("First", bank, json!("WSC-ARCH")),
    )
    .await;
    let e = err(
        &app,
        &admin,
        PM,
        "create",
        json!([stripe_method("Second", bank, json!("WSC-ARCH"))]),
    )
    .await;
    assert_exact(
        &e,
        "odoo.exceptions.ValidationError",
        "Terminal WSC-ARCH is already used on payment method First.",
    );
    ok(
        &app,
        &admin,
        PM,
        "write",
        json!([[first], {"active": false}]),
    )
    .await;
    create(
        &app,
        &admin,
        PM,
        stripe_method("Second", bank, json!("WSC-ARCH")),
    )
    .await;
    // A method on a POS with an open session, and no payment, can be deleted.
    let method = create(
        &app,
        &admin,
        PM,
        json!({"name": "Gone soon", "journal_id": bank}),
    )
    .await;
    ok(
        &app,
        &admin,
        "pos.config",
        "write",
        json!([[shop], {"payment_method_ids": [[4, method]]}]),
    )
    .await;
    create(&app, &admin, "pos.session", json!({"config_id": shop})).await;
    assert_eq!(
        ok(&app, &admin, PM, "unlink", json!([[method]])).await,
        json!(true)
    );
});

both!(
    a_terminal_is_cleared_only_when_another_type_is_given,
    |app| {
        let admin = demo(&app, "admin").await;
        let bank = xmlid(&app, &admin, "ops_demo.journal_bank").await;
        let kept = create(
            &app,
            &admin,
            PM,
            json!({"name": "No type", "journal_id": bank, "use_payment_terminal": "stripe"}),
        )
        .await;
        let rec = read(
            &app,
            &admin,
            PM,
            kept,
            &["payment_method_type", "use_payment_terminal"],
        )
        .await;
        assert_eq!(rec["payment_method_type"], json!("none"));
        assert_eq!(rec["use_payment_terminal"], json!("stripe"));
        let cleared = create(
            &app,
            &admin,
            PM,
            json!({"name": "None", "journal_id": bank, "use_payment_terminal": "stripe",
               "payment_method_type": "none"}),
        )
        .await;
        let terminal = |id| {
            let (app, admin) = (&app, &admin);
            async move {
                read(app, admin, PM, id, &["use_payment_terminal"]).await["use_payment_terminal"]
                    .clone()
            }
        };
        assert_eq!(terminal(cleared).await, json!(false));
        ok(
            &app,
            &admin,
            PM,
            "write",
            json!([[cleared], {"use_payment_terminal": "stripe"}]),
        )
        .await;
        assert_eq!(terminal(cleared).await, json!("stripe"));
        let stripe = xmlid(&app, &admin, "ops_demo.payment_method_stripe").await;
        ok(
            &app,
            &admin,
            PM,
            "write",
            json!([[stripe], {"payment_method_type": "none"}]),
        )
        .await;
        assert_eq!(terminal(stripe).await, json!(false));
    }
);

both!(
    an_open_session_freezes_methods_and_configs_with_odoos_texts,
    |app| {
        let admin = demo(&app, "admin").await;
        let cashier = demo(&app, "cashier").await;
        let shop = xmlid(&app, &admin, "ops_demo.pos_config_shop").await;
        let card = xmlid(&app, &admin, "ops_demo.payment_method_card").await;
        create(&app, &cashier, "pos.session", json!({"config_id": shop})).await;
        let locked = |sessions: &str| {
            format!("Please close and validate the following open PoS Sessions before modifying this payment method.\nOpen sessions: {sessions}")
        };
        let e = err(
            &app,
            &admin,
            PM,
            "write",
            json!([[card], {"name": "Card 2"}]),
        )
        .await;
        assert_exact(&e, "odoo.exceptions.UserError", &locked("('Shop/00000',)"));
        ok(&app, &admin, PM, "write", json!([[card], {"sequence": 5}])).await;
        // Two POSes sharing the method: one string of the names, newest session first; a
        // name with a quote is quoted as Python quotes it.
        let bar = create(
            &app,
            &admin,
            "pos.config",
            json!({"name": "Bob's", "payment_method_ids": [[6, 0, [card]]]}),
        )
        .await;
        create(&app, &cashier, "pos.session", json!({"config_id": bar})).await;
        let e = err(
            &app,
            &admin,
            PM,
            "write",
            json!([[card], {"name": "Card 2"}]),
        )
        .await;
        assert_exact(
            &e,
            "odoo.exceptions.UserError",
            &locked("(\"Bob's/00000 Shop/00000\",)"),
        );
        let e = err(
            &app,
            &admin,
            "pos.config",
            "write",
            json!([[shop], {"payment_method_ids": [[3, card]]}]),
        )
        .await;
        assert_exact(
        &e,
        "odoo.exceptions.UserError",
        "Unable to modify this PoS Configuration because you can't modify Payment Methods while a session is open.",
    );
        ok(
            &app,
            &admin,
            "pos.config",
            "write",
            json!([[shop], {"name": "Shop"}]),
        )
        .await;
    }
);

both!(sessions_are_named_and_opened_as_odoo_does, |app| {
    let admin = demo(&app, "admin").await;
    let cashier = demo(&app, "cashier").await;
    let shop = xmlid(&app, &admin, "ops_demo.pos_config_shop").await;
    let session = create(
        &app,
        &cashier,
        "pos.session",
        json!({"config_id": shop, "name": "Mine"}),
    )
    .await;
    let rec = read(
        &app,
        &cashier,
        "pos.session",
        session,
        &["name", "state", "start_at"],
    )
    .await;
    assert_eq!(
        (&rec["name"], &rec["state"], &rec["start_at"]),
        (
            &json!("Shop/00000"),
            &json!("opening_control"),
            &json!(false)
        )
    );
    let e = err(
        &app,
        &cashier,
        "pos.session",
        "create",
        json!([{"config_id": shop}]),
    )
    .await;
    assert_exact(
        &e,
        "odoo.exceptions.ValidationError",
        "Another session is already opened for this point of sale.",
    );
    let e = err(&app, &cashier, "pos.session", "create", json!([{}])).await;
    assert_exact(
        &e,
        "odoo.exceptions.UserError",
        "You should assign a Point of Sale to your session.",
    );
    // The opening popup: opened now, named by the `pos.session` sequence.
    let answer = ok(
        &app,
        &cashier,
        "pos.session",
        "set_opening_control",
        json!([[session], 0, ""]),
    )
    .await;
    assert_eq!(answer, Value::Null);
    let rec = read(
        &app,
        &cashier,
        "pos.session",
        session,
        &["name", "state", "start_at"],
    )
    .await;
    assert_eq!(rec["name"], json!("POS/00001"));
    assert_eq!(rec["state"], json!("opened"));
    assert!(
        rec["start_at"].as_str().is_some_and(|s| s.len() == 19),
        "{rec}"
    );
    assert_eq!(
        ok(
            &app,
            &cashier,
            "pos.session",
            "set_opening_control",
            json!([[session], 0, ""])
        )
        .await,
        Value::Null
    );
    // Closed, the next session of the shop counts again from the names left.
    ok(
        &app,
        &cashier,
        "pos.session",
        "write",
        json!([[session], {"state": "closed"}]),
    )
    .await;
    let next = create(&app, &cashier, "pos.session", json!({"config_id": shop})).await;
    assert_eq!(
        read(&app, &cashier, "pos.session", next, &["name"]).await["name"],
        json!("Shop/00000")
    );
    ok(
        &app,
        &cashier,
        "pos.session",
        "write",
        json!([[next], {"name": "Shop/00041"}]),
    )
    .await;
    ok(
        &app,
        &cashier,
        "pos.session",
        "write",
        json!([[next], {"state": "closed"}]),
    )
    .await;
    let third = create(&app, &cashier, "pos.session", json!({"config_id": shop})).await;
    assert_eq!(
        read(&app, &cashier, "pos.session", third, &["name"]).await["name"],
        json!("Shop/00042")
    );
});

both!(a_journal_used_by_a_method_keeps_its_type, |app| {
    let admin = demo(&app, "admin").await;
    let journal = create(
        &app,
        &admin,
        "account.journal",
        json!({"name": "Bank 2", "code": "BNK2", "type": "bank"}),
    )
    .await;
    let method = create(
        &app,
        &admin,
        PM,
        json!({"name": "On bank 2", "journal_id": journal}),
    )
    .await;
    let text = "This journal is associated with a payment method. You cannot modify its type";
    // Any write of `type`, even the same value, is checked.
    for kind in ["bank", "general"] {
        let e = err(
            &app,
            &admin,
            "account.journal",
            "write",
            json!([[journal], {"type": kind}]),
        )
        .await;
        assert_exact(&e, "odoo.exceptions.ValidationError", text);
    }
    ok(
        &app,
        &admin,
        "account.journal",
        "write",
        json!([[journal], {"name": "Renamed"}]),
    )
    .await;
    // Archived methods do not count.
    ok(
        &app,
        &admin,
        PM,
        "write",
        json!([[method], {"active": false}]),
    )
    .await;
    ok(
        &app,
        &admin,
        "account.journal",
        "write",
        json!([[journal], {"type": "general"}]),
    )
    .await;
});

both!(
    the_stripe_key_button_is_odoos_action_with_the_callers_rights,
    |app| {
        let admin = demo(&app, "admin").await;
        let stripe = xmlid(&app, &admin, "ops_demo.payment_method_stripe").await;
        let provider = xmlid(&app, &admin, "payment.payment_provider_stripe").await;
        let action = ok(&app, &admin, PM, "action_stripe_key", json!([[stripe]])).await;
        let keys: Vec<&String> = action.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "res_model", "type", "view_mode", "res_id"]);
        assert_eq!(
            action,
            json!({"name": "Stripe", "res_model": "payment.provider", "type": "ir.actions.act_window",
               "view_mode": "form", "res_id": provider})
        );
        // Through the form's button the web client's `clean_action` adds the views.
        let envelope = envelope(
            &app,
            Some(&admin),
            "/web/dataset/call_button",
            json!({"model": PM, "method": "action_stripe_key", "args": [[stripe]], "kwargs": {}}),
        )
        .await;
        assert_eq!(envelope["result"]["views"], json!([[false, "form"]]));
        // A POS manager who is not an administrator may not read providers.
        let manager = user_in(
            &app,
            &admin,
            "manager",
            &["base.group_user", "point_of_sale.group_pos_manager"],
        )
        .await;
        let e = err(&app, &manager, PM, "action_stripe_key", json!([[stripe]])).await;
        assert_exact(
        &e,
        "odoo.exceptions.AccessError",
        "You are not allowed to access 'Payment Provider' (payment.provider) records.\n\nThis operation is allowed for the following groups:\n\t- Administration/Settings\n\nContact your administrator to request access if necessary.",
    );
        // A company without a Stripe provider.
        let other = create(&app, &admin, "res.company", json!({"name": "Other Co"})).await;
        let e = call(
            &app,
            &admin,
            PM,
            "action_stripe_key",
            json!([[stripe]]),
            json!({"context": {"allowed_company_ids": [other]}}),
        )
        .await
        .unwrap_err();
        assert_exact(
            &e,
            "odoo.exceptions.UserError",
            "Stripe payment provider for company Other Co is missing",
        );
    }
);
