//! The POS admin's Stripe set-up, replayed step by step over the RPC calls Odoo's screens
//! make (Point of Sale ‣ Configuration ‣ Settings / Payment Methods, the Stripe provider,
//! and the readers and locations of the troubleshooting section), with every refusal.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::*;

const SECRET_REFUSED: &str = "stripe_secret_key (allowed for groups 'Administration / Settings')";

/// A POS manager who is not an administrator: the person Odoo's guide is written for.
async fn pos_manager(app: &TestApp) -> Client {
    let admin = app.login("admin", "admin").await;
    let manager_group = app.xmlid("point_of_sale.group_pos_manager").await;
    let user_group = app.xmlid("base.group_user").await;
    app.call_kw(
        &admin,
        "res.users",
        "create",
        json!([{
            "name": "Manon Manager",
            "login": "manager",
            "password": "manager",
            "groups_id": [[6, 0, [user_group, manager_group]]],
        }]),
        json!({}),
    )
    .await
    .expect("create the POS manager");
    app.login("manager", "manager").await
}

/// Saves the settings form as Odoo's web client does: `create` then `execute`.
async fn save_settings(app: &TestApp, who: &Client, vals: Value) -> Result<Value, Value> {
    let id = app
        .call_kw(
            who,
            "res.config.settings",
            "create",
            json!([vals]),
            json!({}),
        )
        .await?;
    app.call_kw(
        who,
        "res.config.settings",
        "execute",
        json!([[id]]),
        json!({}),
    )
    .await
}

async fn terminal_choices(app: &TestApp, who: &Client) -> Vec<String> {
    let fields = app
        .call_kw(
            who,
            "pos.payment.method",
            "fields_get",
            json!([["use_payment_terminal"]]),
            json!({"attributes": ["selection", "string"]}),
        )
        .await
        .unwrap();
    assert_eq!(
        fields["use_payment_terminal"]["string"],
        json!("Use a Payment Terminal")
    );
    fields["use_payment_terminal"]["selection"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| pair[0].as_str().unwrap().to_string())
        .collect()
}

fn stripe_method(name: &str, journal: i64, serial: &str) -> Value {
    json!({
        "name": name,
        "journal_id": journal,
        "payment_method_type": "terminal",
        "use_payment_terminal": "stripe",
        "stripe_serial_number": serial,
    })
}

both!(step1_settings_switch_the_stripe_terminal, |app| {
    let admin = app.login("admin", "admin").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    let bank = app.xmlid("ops_demo.journal_bank").await;

    // The form opens with the current state: the demo has Stripe enabled.
    let defaults = app
        .call_kw(
            &admin,
            "res.config.settings",
            "default_get",
            json!([[
                "module_pos_stripe",
                "pos_config_id",
                "pos_payment_method_ids"
            ]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(defaults["module_pos_stripe"], json!(true));
    assert_eq!(defaults["pos_config_id"], json!(shop));
    assert!(terminal_choices(&app, &admin)
        .await
        .contains(&"stripe".to_string()));

    // Untick Stripe and save.
    let action = save_settings(&app, &admin, json!({"module_pos_stripe": false}))
        .await
        .unwrap();
    assert_eq!(
        action,
        json!({"type": "ir.actions.client", "tag": "reload"})
    );
    assert!(!terminal_choices(&app, &admin)
        .await
        .contains(&"stripe".to_string()));
    let values = app
        .call_kw(
            &admin,
            "res.config.settings",
            "get_values",
            json!([[]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(values["module_pos_stripe"], json!(false));
    // While disabled, a Stripe method cannot be created.
    let err = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "create",
            json!([stripe_method("Stripe 2", bank, "WSC1")]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "builtins.ValueError",
        "Wrong value for pos.payment.method.use_payment_terminal: 'stripe'",
    );

    // A cashier cannot open the settings; a POS manager cannot install a module.
    let cashier = app.login("cashier", "cashier").await;
    let err = save_settings(&app, &cashier, json!({"module_pos_stripe": true}))
        .await
        .unwrap_err();
    assert_eq!(err["data"]["name"], json!("odoo.exceptions.AccessError"));
    let manager = pos_manager(&app).await;
    let err = save_settings(&app, &manager, json!({"module_pos_stripe": true}))
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.AccessError",
        "Only administrators can change the settings",
    );
    assert!(!terminal_choices(&app, &admin)
        .await
        .contains(&"stripe".to_string()));

    // Tick it again: the choice is back and a Stripe method can be created.
    save_settings(&app, &admin, json!({"module_pos_stripe": true}))
        .await
        .unwrap();
    assert!(terminal_choices(&app, &manager)
        .await
        .contains(&"stripe".to_string()));
    app.call_kw(
        &manager,
        "pos.payment.method",
        "create",
        json!([stripe_method("Stripe 2", bank, "WSC1")]),
        json!({}),
    )
    .await
    .expect("a Stripe method once Stripe is enabled");
});

both!(step2_create_the_stripe_payment_method, |app| {
    let manager = pos_manager(&app).await;
    let bank = app.xmlid("ops_demo.journal_bank").await;
    let cash = app.xmlid("ops_demo.journal_cash").await;
    let general = app.xmlid("ops_demo.journal_pos").await;
    let defaults = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "default_get",
            json!([[
                "split_transactions",
                "payment_method_type",
                "company_id",
                "outstanding_account_id"
            ]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(defaults["split_transactions"], json!(false));
    assert_eq!(defaults["payment_method_type"], json!("none"));
    assert_eq!(
        defaults["company_id"],
        json!(app.xmlid("base.main_company").await)
    );

    let mut vals = stripe_method("Stripe Front Desk", bank, "  WSC999000111  ");
    vals["split_transactions"] = json!(true);
    let id = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "create",
            json!([vals]),
            json!({}),
        )
        .await
        .expect("create");
    let rec = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "read",
            json!([
                [id],
                [
                    "stripe_serial_number",
                    "use_payment_terminal",
                    "split_transactions",
                    "type",
                    "is_cash_count",
                    "outstanding_account_id",
                    "receivable_account_id",
                    "journal_id"
                ]
            ]),
            json!({}),
        )
        .await
        .unwrap()[0]
        .clone();
    assert_eq!(
        rec["stripe_serial_number"],
        json!("WSC999000111"),
        "trimmed"
    );
    assert_eq!(rec["use_payment_terminal"], json!("stripe"));
    assert_eq!(rec["split_transactions"], json!(true));
    assert_eq!(rec["type"], json!("bank"));
    assert_eq!(rec["is_cash_count"], json!(false));
    // Left empty: the company's default accounts apply.
    assert_eq!(rec["outstanding_account_id"], json!(false));
    assert_eq!(rec["receivable_account_id"], json!(false));
    assert_eq!(rec["journal_id"][0], json!(bank));

    // Each refusal, with Odoo's message.
    let refusals = [
        (
            stripe_method("Dup", bank, " WSC513105011295"),
            "odoo.exceptions.ValidationError",
            "Terminal WSC513105011295 is already used on payment method Stripe.",
        ),
        (
            stripe_method("No serial", bank, "   "),
            "odoo.exceptions.ValidationError",
            "Serial Number is required",
        ),
        (
            stripe_method("General", general, "WSC42"),
            "odoo.exceptions.UserError",
            "Only journals of type 'Cash' or 'Bank' could be used with payment methods.",
        ),
        (
            stripe_method("Cash terminal", cash, "WSC43"),
            "odoo.exceptions.ValidationError",
            "A cash payment method cannot use a payment terminal.",
        ),
    ];
    for (vals, exception, message) in refusals {
        let err = app
            .call_kw(
                &manager,
                "pos.payment.method",
                "create",
                json!([vals]),
                json!({}),
            )
            .await
            .unwrap_err();
        assert_error(&err, exception, message);
    }
    // The duplicate check spans every method, also one set later by write.
    let err = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "write",
            json!([[id], {"stripe_serial_number": "WSC513105011295"}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.ValidationError",
        "Terminal WSC513105011295 is already used on payment method Stripe.",
    );

    // Odoo 18: only a `terminal` method keeps its terminal.
    let plain = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "create",
            json!([{"name": "Card", "journal_id": bank, "use_payment_terminal": "stripe", "payment_method_type": "none"}]),
            json!({}),
        )
        .await
        .unwrap();
    let read = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "read",
            json!([[plain], ["use_payment_terminal"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(read[0]["use_payment_terminal"], json!(false));

    // Copying does not copy the serial.
    let copy = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "copy",
            json!([id]),
            json!({}),
        )
        .await
        .unwrap();
    let copy_id = copy.as_i64().or_else(|| copy[0].as_i64()).expect("copy id");
    let read = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "read",
            json!([[copy_id], ["stripe_serial_number"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(read[0]["stripe_serial_number"], json!(false));

    // A cashier takes payments but does not configure them.
    let cashier = app.login("cashier", "cashier").await;
    let err = app
        .call_kw(
            &cashier,
            "pos.payment.method",
            "create",
            json!([stripe_method("X", bank, "WSC7")]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(err["data"]["name"], json!("odoo.exceptions.AccessError"));
    let err = app
        .call_kw(
            &cashier,
            "pos.payment.method",
            "write",
            json!([[id], {"name": "Y"}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(err["data"]["name"], json!("odoo.exceptions.AccessError"));
});

both!(step2_an_open_session_freezes_its_methods, |app| {
    let manager = pos_manager(&app).await;
    let cashier = app.login("cashier", "cashier").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    let stripe = app.xmlid("ops_demo.payment_method_stripe").await;
    let session = app
        .call_kw(
            &cashier,
            "pos.session",
            "create",
            json!([{"config_id": shop, "user_id": cashier.uid, "state": "opened"}]),
            json!({}),
        )
        .await
        .expect("open a session");
    let name = app
        .call_kw(
            &cashier,
            "pos.session",
            "read",
            json!([[session], ["name"]]),
            json!({}),
        )
        .await
        .unwrap()[0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let err = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "write",
            json!([[stripe], {"stripe_serial_number": "WSC2"}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.UserError",
        &format!("Please close and validate the following open PoS Sessions before modifying this payment method.\nOpen sessions: {name}"),
    );
    // Reordering is allowed.
    app.call_kw(
        &manager,
        "pos.payment.method",
        "write",
        json!([[stripe], {"sequence": 9}]),
        json!({}),
    )
    .await
    .expect("sequence is writable");
    // Closed: editable again.
    app.call_kw(
        &cashier,
        "pos.session",
        "write",
        json!([[session], {"state": "closed"}]),
        json!({}),
    )
    .await
    .unwrap();
    app.call_kw(
        &manager,
        "pos.payment.method",
        "write",
        json!([[stripe], {"stripe_serial_number": "WSC2"}]),
        json!({}),
    )
    .await
    .expect("no open session any more");
});

both!(step3_paste_the_stripe_keys, |app| {
    let admin = app.login("admin", "admin").await;
    let manager = pos_manager(&app).await;
    let cashier = app.login("cashier", "cashier").await;
    let provider = app.xmlid("payment.payment_provider_stripe").await;

    // Only an administrator sees the keys; the same read without them works for a manager.
    let err = app
        .call_kw(
            &manager,
            "payment.provider",
            "search_read",
            json!([[["code", "=", "stripe"]]]),
            json!({"fields": ["name", "stripe_secret_key"]}),
        )
        .await
        .unwrap_err();
    assert_error(&err, "odoo.exceptions.AccessError", SECRET_REFUSED);
    assert!(
        !err.to_string().contains("sk_test_demo"),
        "no key in the error"
    );
    let rows = app
        .call_kw(
            &manager,
            "payment.provider",
            "search_read",
            json!([[["code", "=", "stripe"]]]),
            json!({"fields": ["name", "state", "company_id"]}),
        )
        .await
        .unwrap();
    assert_eq!(rows[0]["name"], json!("Stripe"));
    // The provider can stay disabled for POS use.
    assert_eq!(rows[0]["state"], json!("disabled"));
    let all = app
        .call_kw(
            &manager,
            "payment.provider",
            "read",
            json!([[provider]]),
            json!({}),
        )
        .await
        .unwrap();
    assert!(
        all[0].get("stripe_secret_key").is_none(),
        "left out of a read without fields"
    );
    let fields = app
        .call_kw(
            &manager,
            "payment.provider",
            "fields_get",
            json!([]),
            json!({"attributes": ["type"]}),
        )
        .await
        .unwrap();
    assert!(fields.get("stripe_secret_key").is_none());
    assert!(fields.get("stripe_publishable_key").is_none());
    assert!(fields.get("state").is_some());
    let err = app
        .call_kw(
            &manager,
            "payment.provider",
            "write",
            json!([[provider], {"stripe_secret_key": "sk_test_mine"}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(err["data"]["name"], json!("odoo.exceptions.AccessError"));

    // The admin pastes keys: formats are checked.
    for (field, bad) in [
        ("stripe_secret_key", "pk_test_123456"),
        ("stripe_secret_key", "hello"),
        ("stripe_publishable_key", "sk_test_123456"),
    ] {
        let err = app
            .call_kw(
                &admin,
                "payment.provider",
                "write",
                json!([[provider], {field: bad}]),
                json!({}),
            )
            .await
            .unwrap_err();
        assert_eq!(
            err["data"]["name"],
            json!("odoo.exceptions.ValidationError"),
            "{field}={bad}"
        );
        assert!(!err.to_string().contains(bad) || field == "stripe_publishable_key");
    }
    app.call_kw(
        &admin,
        "payment.provider",
        "write",
        json!([[provider], {"stripe_secret_key": "  sk_test_51PastedKeyFromTheDashboard0001 ", "stripe_publishable_key": "pk_test_51PastedPublishable"}]),
        json!({}),
    )
    .await
    .expect("well-formed keys");
    let keys = app
        .call_kw(
            &admin,
            "payment.provider",
            "read",
            json!([[provider], ["stripe_secret_key"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert!(keys[0]["stripe_secret_key"]
        .as_str()
        .unwrap()
        .starts_with("sk_test_51Pasted"));

    // Stripe says at once whether the key works.
    let check = app
        .call_kw(
            &admin,
            "payment.provider",
            "stripe_verify_keys",
            json!([[provider]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(check["valid"], json!(true), "{check}");
    assert_eq!(check["mode"], json!("test"));
    assert_eq!(check["account_name"], json!("Demo Account"));
    app.call_kw(
        &admin,
        "payment.provider",
        "write",
        json!([[provider], {"stripe_secret_key": "sk_live_51WrongKeyabcd"}]),
        json!({}),
    )
    .await
    .unwrap();
    let check = app
        .call_kw(
            &admin,
            "payment.provider",
            "stripe_verify_keys",
            json!([[provider]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(check["valid"], json!(false));
    assert_eq!(check["mode"], json!("live"));
    let message = check["message"].as_str().unwrap();
    assert!(
        message.contains("Invalid API Key provided: sk_live_****abcd"),
        "{message}"
    );
    assert!(!message.contains("WrongKey"));
    // A manager cannot probe the key.
    let err = app
        .call_kw(
            &manager,
            "payment.provider",
            "stripe_verify_keys",
            json!([[provider]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(err["data"]["name"], json!("odoo.exceptions.AccessError"));

    // The "Stripe" key button on the payment method opens the provider.
    let action = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "action_stripe_key",
            json!([[app.xmlid("ops_demo.payment_method_stripe").await]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(action["res_model"], json!("payment.provider"));
    assert_eq!(action["res_id"], json!(provider));
    assert_eq!(action["type"], json!("ir.actions.act_window"));

    // A cashier's payment works with the provider disabled, once the key is right again.
    app.call_kw(
        &admin,
        "payment.provider",
        "write",
        json!([[provider], {"stripe_secret_key": "sk_test_51PastedKeyFromTheDashboard0001"}]),
        json!({}),
    )
    .await
    .unwrap();
    let token = app
        .call_kw(
            &cashier,
            "pos.payment.method",
            "stripe_connection_token",
            json!([]),
            json!({}),
        )
        .await
        .expect("token with a disabled provider");
    assert!(token["secret"].as_str().is_some());
});

both!(step4_add_the_method_to_the_pos, |app| {
    let admin = app.login("admin", "admin").await;
    let manager = pos_manager(&app).await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    let bank = app.xmlid("ops_demo.journal_bank").await;
    let cash = app.xmlid("ops_demo.payment_method_cash").await;
    let new = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "create",
            json!([stripe_method("Stripe Bar", bank, "WSC-BAR-1")]),
            json!({}),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();

    // Settings: select the POS, set its payment methods, save.
    save_settings(
        &app,
        &manager,
        json!({"pos_config_id": shop, "pos_payment_method_ids": [[6, 0, [cash, new]]]}),
    )
    .await
    .expect("a POS manager changes POS settings");
    let config = app
        .call_kw(
            &manager,
            "pos.config",
            "read",
            json!([[shop], ["payment_method_ids"]]),
            json!({}),
        )
        .await
        .unwrap();
    let mut ids: Vec<i64> = config[0]["payment_method_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, vec![cash, new]);
    // The settings form shows what was saved, and the method lists its POS.
    let defaults = app
        .call_kw(
            &manager,
            "res.config.settings",
            "default_get",
            json!([["pos_config_id"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(defaults["pos_config_id"], json!(shop));
    let onchange_read = app
        .call_kw(
            &manager,
            "res.config.settings",
            "create",
            json!([{"pos_config_id": shop}]),
            json!({}),
        )
        .await
        .unwrap();
    let shown = app
        .call_kw(
            &manager,
            "res.config.settings",
            "read",
            json!([[onchange_read], ["pos_payment_method_ids"]]),
            json!({}),
        )
        .await
        .unwrap();
    let mut shown_ids: Vec<i64> = shown[0]["pos_payment_method_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    shown_ids.sort();
    assert_eq!(shown_ids, vec![cash, new]);
    let method = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "read",
            json!([[new], ["config_ids"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(method[0]["config_ids"], json!([shop]));

    // A method of another company cannot be added.
    let other_company = app
        .call_kw(
            &admin,
            "res.company",
            "create",
            json!([{"name": "Other Co", "currency_id": app.xmlid("base.EUR").await}]),
            json!({}),
        )
        .await
        .unwrap();
    let other_journal = app
        .call_kw(&admin, "account.journal", "create", json!([{"name": "Bank 2", "code": "BNK2", "type": "bank", "company_id": other_company}]), json!({"context": {"allowed_company_ids": [other_company]}}))
        .await
        .unwrap();
    let foreign = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "create",
            json!([{"name": "Foreign", "journal_id": other_journal, "company_id": other_company}]),
            json!({"context": {"allowed_company_ids": [other_company, app.xmlid("base.main_company").await]}}),
        )
        .await
        .unwrap();
    let err = app
        .call_kw(
            &admin,
            "pos.config",
            "write",
            json!([[shop], {"payment_method_ids": [[4, foreign]]}]),
            json!({"context": {"allowed_company_ids": [app.xmlid("base.main_company").await, other_company]}}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.ValidationError",
        "The payment methods for the point of sale Shop must belong to its company.",
    );
    // Nothing of the refused write stayed.
    let config = app
        .call_kw(
            &manager,
            "pos.config",
            "read",
            json!([[shop], ["payment_method_ids"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(config[0]["payment_method_ids"].as_array().unwrap().len(), 2);
});

both!(troubleshooting_locations_and_readers, |app| {
    let manager = pos_manager(&app).await;
    let cashier = app.login("cashier", "cashier").await;
    let bank = app.xmlid("ops_demo.journal_bank").await;
    let demo = app.xmlid("ops_demo.payment_method_stripe").await;
    let method = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "create",
            json!([stripe_method("Stripe Terrace", bank, "WSC-NOT-THERE")]),
            json!({}),
        )
        .await
        .unwrap();

    // The reader is not in the Stripe account: the POS's own message.
    let missing = app
        .call_kw(
            &cashier,
            "pos.payment.method",
            "stripe_check_reader",
            json!([[method]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        missing["message"],
        json!("Stripe readers WSC-NOT-THERE not listed in your account")
    );
    assert_eq!(
        (missing["found"].clone(), missing["online"].clone()),
        (json!(false), json!(false))
    );
    let ok = app
        .call_kw(
            &cashier,
            "pos.payment.method",
            "stripe_check_reader",
            json!([[demo]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        ok["message"],
        json!(false),
        "the demo reader is known and online"
    );
    assert_eq!(
        (ok["found"].clone(), ok["online"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!(ok["reader"]["serial_number"], json!("WSC513105011295"));

    // Create a location.
    let location = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "stripe_create_location",
            json!([[method], "Terrace", {"line1": "1 Main St", "city": "San Francisco", "state": "CA", "postal_code": "94110", "country": "US"}]),
            json!({}),
        )
        .await
        .expect("create location");
    assert_eq!(location["object"], json!("terminal.location"));
    assert_eq!(location["display_name"], json!("Terrace"));
    let location_id = location["id"].as_str().unwrap().to_string();
    let locations = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "stripe_list_locations",
            json!([[method]]),
            json!({}),
        )
        .await
        .unwrap();
    assert!(locations["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["id"] == json!(location_id)));

    // Register the reader with the code the device shows: the serial is filled in.
    let reader = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "stripe_register_reader",
            json!([[method], "simulated-wpe", "Terrace reader", location_id]),
            json!({}),
        )
        .await
        .expect("register reader");
    assert_eq!(reader["object"], json!("terminal.reader"));
    assert_eq!(reader["label"], json!("Terrace reader"));
    let serial = reader["serial_number"].as_str().unwrap().to_string();
    assert!(serial.starts_with("simulated-wpe"), "{serial}");
    let read = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "read",
            json!([[method], ["stripe_serial_number"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(read[0]["stripe_serial_number"], json!(serial));
    let readers = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "stripe_list_readers",
            json!([[method]]),
            json!({}),
        )
        .await
        .unwrap();
    assert!(readers["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["serial_number"] == json!(serial)));
    let ok = app
        .call_kw(
            &cashier,
            "pos.payment.method",
            "stripe_check_reader",
            json!([[method]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(ok["online"], json!(true), "{ok}");
    assert_eq!(ok["message"], json!(false));

    // A wrong registration code is Stripe's error; a cashier cannot manage readers.
    let err = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "stripe_register_reader",
            json!([[method], "not-a-code", "X", location_id]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.ValidationError",
        "Stripe: The communication with the API failed.",
    );
    let err = app
        .call_kw(
            &cashier,
            "pos.payment.method",
            "stripe_create_location",
            json!([[method], "Nope", {}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(err["data"]["name"], json!("odoo.exceptions.AccessError"));
});

both!(settings_are_per_company, |app| {
    let admin = app.login("admin", "admin").await;
    let main = app.xmlid("base.main_company").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    let eur = app.xmlid("base.EUR").await;
    let be = app.xmlid("base.be").await;
    let brussels = app
        .call_kw(
            &admin,
            "res.company",
            "create",
            json!([{"name": "Brussels SRL", "currency_id": eur, "country_id": be}]),
            json!({}),
        )
        .await
        .unwrap();
    let in_brussels = json!({"context": {"allowed_company_ids": [brussels, main]}});
    let journal = app
        .call_kw(
            &admin,
            "account.journal",
            "create",
            json!([{"name": "Bank BE", "code": "BNKBE", "type": "bank", "company_id": brussels}]),
            in_brussels.clone(),
        )
        .await
        .unwrap();
    let method = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "create",
            json!([{"name": "Card BE", "journal_id": journal}]),
            in_brussels.clone(),
        )
        .await
        .unwrap();
    let config = app
        .call_kw(
            &admin,
            "pos.config",
            "create",
            json!([{"name": "Brussels POS", "payment_method_ids": [[6, 0, [method]]]}]),
            in_brussels.clone(),
        )
        .await
        .unwrap();
    let read = app
        .call_kw(
            &admin,
            "pos.config",
            "read",
            json!([[config], ["company_id", "currency_id"]]),
            in_brussels.clone(),
        )
        .await
        .unwrap();
    assert_eq!(
        read[0]["company_id"][0],
        json!(brussels),
        "the current company is the first allowed one"
    );
    assert_eq!(read[0]["currency_id"][0], json!(eur));

    // The settings form shows the current company's POS.
    let here = app
        .call_kw(
            &admin,
            "res.config.settings",
            "default_get",
            json!([["pos_config_id", "company_id"]]),
            in_brussels.clone(),
        )
        .await
        .unwrap();
    assert_eq!(here["pos_config_id"], json!(config));
    assert_eq!(here["company_id"], json!(brussels));
    let home = app
        .call_kw(
            &admin,
            "res.config.settings",
            "default_get",
            json!([["pos_config_id", "company_id"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(home["pos_config_id"], json!(shop));
    assert_eq!(home["company_id"], json!(main));

    // Brussels has no Stripe provider of its own: its POS is told so, and the main
    // company's key is never used for it.
    let err = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "stripe_connection_token",
            json!([]),
            in_brussels.clone(),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.UserError",
        "Stripe payment provider for company Brussels SRL is missing",
    );
});
