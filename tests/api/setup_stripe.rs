//! The POS admin's Stripe set-up, replayed step by step over the RPC calls Odoo's screens
//! make (Point of Sale ‣ Configuration ‣ Settings / Payment Methods, the Stripe provider,
//! and the readers and locations of the troubleshooting section), with every refusal.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::*;

const SECRET_REFUSED: &str = "stripe_secret_key (allowed for groups 'Administration / Settings')";

/// Saves the settings form as Odoo's web client does: `create` then `execute`.
async fn save_settings(who: &Client, vals: Value) -> Result<Value, Value> {
    let id = who
        .call("res.config.settings", "create", json!([vals]), json!({}))
        .await?;
    who.call("res.config.settings", "execute", json!([[id]]), json!({}))
        .await
}

async fn terminal_choices(who: &Client) -> Vec<String> {
    let fields = who
        .call_ok(
            "pos.payment.method",
            "fields_get",
            json!([["use_payment_terminal"]]),
            json!({"attributes": ["selection", "string"]}),
        )
        .await;
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
    let admin = app.as_user("admin").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    let bank = app.xmlid("ops_demo.journal_bank").await;

    // The form opens with the current state: the demo has Stripe enabled.
    let defaults = admin
        .call_ok(
            "res.config.settings",
            "default_get",
            json!([[
                "module_pos_stripe",
                "pos_config_id",
                "pos_payment_method_ids"
            ]]),
            json!({}),
        )
        .await;
    assert_eq!(defaults["module_pos_stripe"], json!(true));
    assert_eq!(defaults["pos_config_id"], json!(shop));
    assert!(terminal_choices(&admin)
        .await
        .contains(&"stripe".to_string()));

    // Untick Stripe and save.
    let action = save_settings(&admin, json!({"module_pos_stripe": false}))
        .await
        .unwrap();
    assert_eq!(
        action,
        json!({"type": "ir.actions.client", "tag": "reload"})
    );
    assert!(!terminal_choices(&admin)
        .await
        .contains(&"stripe".to_string()));
    let values = admin
        .call_ok("res.config.settings", "get_values", json!([[]]), json!({}))
        .await;
    assert_eq!(values["module_pos_stripe"], json!(false));
    // While disabled, Odoo 18 still stores a Stripe method sent over RPC (its
    // `use_payment_terminal` selection is computed, not checked).
    admin
        .create(
            "pos.payment.method",
            stripe_method("Stripe 0", bank, "WSC0"),
        )
        .await;

    // A cashier cannot open the settings; a POS manager cannot install a module.
    let cashier = app.as_user("cashier").await;
    let err = save_settings(&cashier, json!({"module_pos_stripe": true}))
        .await
        .unwrap_err();
    assert_exception(&err, "odoo.exceptions.AccessError");
    let manager = app.pos_manager().await;
    let err = save_settings(&manager, json!({"module_pos_stripe": true}))
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.AccessError",
        "You are not allowed to create 'Config Settings' (res.config.settings) records.",
    );
    assert!(!terminal_choices(&admin)
        .await
        .contains(&"stripe".to_string()));

    // Tick it again: the choice is back and a Stripe method can be created.
    save_settings(&admin, json!({"module_pos_stripe": true}))
        .await
        .unwrap();
    assert!(terminal_choices(&manager)
        .await
        .contains(&"stripe".to_string()));
    manager
        .create(
            "pos.payment.method",
            stripe_method("Stripe 2", bank, "WSC1"),
        )
        .await;
});

both!(step2_create_the_stripe_payment_method, |app| {
    let manager = app.pos_manager().await;
    let bank = app.xmlid("ops_demo.journal_bank").await;
    let defaults = manager
        .call_ok(
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
        .await;
    assert_eq!(defaults["split_transactions"], json!(false));
    assert_eq!(defaults["payment_method_type"], json!("none"));
    assert_eq!(
        defaults["company_id"],
        json!(app.xmlid("base.main_company").await)
    );

    let mut vals = stripe_method("Stripe Front Desk", bank, "  WSC999000111  ");
    vals["split_transactions"] = json!(true);
    let id = manager.create("pos.payment.method", vals).await;
    let rec = manager
        .call_ok(
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
        .await[0]
        .clone();
    assert_eq!(
        rec["stripe_serial_number"],
        json!("  WSC999000111  "),
        "stored as sent, as Odoo 18 stores it"
    );
    assert_eq!(rec["use_payment_terminal"], json!("stripe"));
    assert_eq!(rec["split_transactions"], json!(true));
    assert_eq!(rec["type"], json!("bank"));
    assert_eq!(rec["is_cash_count"], json!(false));
    // Left empty: the company's default accounts apply.
    assert_eq!(rec["outstanding_account_id"], json!(false));
    assert_eq!(rec["receivable_account_id"], json!(false));
    assert_eq!(rec["journal_id"][0], json!(bank));

    // The refusal Odoo 18 makes over RPC, with its message (the form view's rules, a
    // serial required, only cash or bank journals, no terminal on cash, are not: see
    // parity_pos.rs).
    let refusals = [(
        stripe_method("Dup", bank, "WSC513105011295"),
        "odoo.exceptions.ValidationError",
        "Terminal WSC513105011295 is already used on payment method Stripe.",
    )];
    for (vals, exception, message) in refusals {
        let err = manager
            .expect_error("pos.payment.method", "create", json!([vals]), json!({}))
            .await;
        assert_error(&err, exception, message);
    }
    // The duplicate check spans every method, also one set later by write.
    let err = manager
        .expect_error(
            "pos.payment.method",
            "write",
            json!([[id], {"stripe_serial_number": "WSC513105011295"}]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.ValidationError",
        "Terminal WSC513105011295 is already used on payment method Stripe.",
    );

    // Odoo 18: only a `terminal` method keeps its terminal.
    let plain = manager.create("pos.payment.method", json!({"name": "Card", "journal_id": bank, "use_payment_terminal": "stripe", "payment_method_type": "none"})).await;
    let read = manager
        .read("pos.payment.method", &[plain], &["use_payment_terminal"])
        .await;
    assert_eq!(read[0]["use_payment_terminal"], json!(false));

    // Copying does not copy the serial.
    let copy = manager
        .call_ok("pos.payment.method", "copy", json!([id]), json!({}))
        .await;
    let copy_id = copy.as_i64().or_else(|| copy[0].as_i64()).expect("copy id");
    let read = manager
        .read("pos.payment.method", &[copy_id], &["stripe_serial_number"])
        .await;
    assert_eq!(read[0]["stripe_serial_number"], json!(false));

    // A cashier takes payments but does not configure them.
    let cashier = app.as_user("cashier").await;
    let err = cashier
        .expect_error(
            "pos.payment.method",
            "create",
            json!([stripe_method("X", bank, "WSC7")]),
            json!({}),
        )
        .await;
    assert_exception(&err, "odoo.exceptions.AccessError");
    let err = cashier
        .expect_error(
            "pos.payment.method",
            "write",
            json!([[id], {"name": "Y"}]),
            json!({}),
        )
        .await;
    assert_exception(&err, "odoo.exceptions.AccessError");
});

both!(step2_an_open_session_freezes_its_methods, |app| {
    let manager = app.pos_manager().await;
    let cashier = app.as_user("cashier").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    let stripe = app.xmlid("ops_demo.payment_method_stripe").await;
    let session = cashier
        .create(
            "pos.session",
            json!({"config_id": shop, "user_id": cashier.uid, "state": "opened"}),
        )
        .await;
    let name = cashier.read("pos.session", &[session], &["name"]).await[0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let err = manager
        .expect_error(
            "pos.payment.method",
            "write",
            json!([[stripe], {"stripe_serial_number": "WSC2"}]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.UserError",
        &format!("Please close and validate the following open PoS Sessions before modifying this payment method.\nOpen sessions: ('{name}',)"),
    );
    // Reordering is allowed.
    manager
        .write("pos.payment.method", &[stripe], json!({"sequence": 9}))
        .await;
    // Closed: editable again.
    cashier
        .write("pos.session", &[session], json!({"state": "closed"}))
        .await;
    manager
        .write(
            "pos.payment.method",
            &[stripe],
            json!({"stripe_serial_number": "WSC2"}),
        )
        .await;
});

both!(step3_paste_the_stripe_keys, |app| {
    let admin = app.as_user("admin").await;
    let manager = app.pos_manager().await;
    let cashier = app.as_user("cashier").await;
    let provider = app.xmlid("payment.payment_provider_stripe").await;

    // Only an administrator sees the keys; in Odoo 18 only an administrator reads
    // providers at all.
    let err = manager
        .expect_error(
            "payment.provider",
            "search_read",
            json!([[["code", "=", "stripe"]]]),
            json!({"fields": ["name", "stripe_secret_key"]}),
        )
        .await;
    assert_error(&err, "odoo.exceptions.AccessError", SECRET_REFUSED);
    assert!(
        !err.to_string().contains("sk_test_demo"),
        "no key in the error"
    );
    let err = manager
        .expect_error(
            "payment.provider",
            "search_read",
            json!([[["code", "=", "stripe"]]]),
            json!({"fields": ["name", "state", "company_id"]}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.AccessError",
        "You are not allowed to access 'Payment Provider' (payment.provider) records.",
    );
    let rows = admin
        .call_ok(
            "payment.provider",
            "search_read",
            json!([[["code", "=", "stripe"]]]),
            json!({"fields": ["name", "state", "company_id"]}),
        )
        .await;
    assert_eq!(rows[0]["name"], json!("Stripe"));
    // The provider can stay disabled for POS use.
    assert_eq!(rows[0]["state"], json!("disabled"));
    let fields = manager
        .call_ok(
            "payment.provider",
            "fields_get",
            json!([]),
            json!({"attributes": ["type"]}),
        )
        .await;
    assert!(fields.get("stripe_secret_key").is_none());
    assert!(
        fields.get("stripe_publishable_key").is_some(),
        "not secret in Odoo 18"
    );
    assert!(fields.get("state").is_some());
    let err = manager
        .expect_error(
            "payment.provider",
            "write",
            json!([[provider], {"stripe_secret_key": "sk_test_mine"}]),
            json!({}),
        )
        .await;
    assert_exception(&err, "odoo.exceptions.AccessError");

    // The admin pastes keys: Odoo 18 checks no format (stripe_verify_keys does).
    for (field, odd) in [
        ("stripe_secret_key", "pk_test_123456"),
        ("stripe_secret_key", "hello"),
        ("stripe_publishable_key", "sk_test_123456"),
    ] {
        admin
            .write("payment.provider", &[provider], json!({field: odd}))
            .await;
    }
    admin.write("payment.provider", &[provider], json!({"stripe_secret_key": "  sk_test_51PastedKeyFromTheDashboard0001 ", "stripe_publishable_key": "pk_test_51PastedPublishable"})).await;
    let keys = admin
        .read("payment.provider", &[provider], &["stripe_secret_key"])
        .await;
    // Stored as pasted; the Stripe calls use it trimmed.
    assert!(keys[0]["stripe_secret_key"]
        .as_str()
        .unwrap()
        .trim()
        .starts_with("sk_test_51Pasted"));

    // Stripe says at once whether the key works.
    let check = admin
        .call_ok(
            "payment.provider",
            "stripe_verify_keys",
            json!([[provider]]),
            json!({}),
        )
        .await;
    assert_eq!(check["valid"], json!(true), "{check}");
    assert_eq!(check["mode"], json!("test"));
    assert_eq!(check["account_name"], json!("Demo Account"));
    admin
        .write(
            "payment.provider",
            &[provider],
            json!({"stripe_secret_key": "sk_live_51WrongKeyabcd"}),
        )
        .await;
    let check = admin
        .call_ok(
            "payment.provider",
            "stripe_verify_keys",
            json!([[provider]]),
            json!({}),
        )
        .await;
    assert_eq!(check["valid"], json!(false));
    assert_eq!(check["mode"], json!("live"));
    let message = check["message"].as_str().unwrap();
    assert!(
        message.contains("Invalid API Key provided: sk_live_****abcd"),
        "{message}"
    );
    assert!(!message.contains("WrongKey"));
    // A manager cannot probe the key.
    let err = manager
        .expect_error(
            "payment.provider",
            "stripe_verify_keys",
            json!([[provider]]),
            json!({}),
        )
        .await;
    assert_exception(&err, "odoo.exceptions.AccessError");

    // The "Stripe" key button on the payment method opens the provider (for those who
    // may read providers: administrators).
    let action = admin
        .call_ok(
            "pos.payment.method",
            "action_stripe_key",
            json!([[app.xmlid("ops_demo.payment_method_stripe").await]]),
            json!({}),
        )
        .await;
    assert_eq!(action["res_model"], json!("payment.provider"));
    assert_eq!(action["res_id"], json!(provider));
    assert_eq!(action["type"], json!("ir.actions.act_window"));

    // A cashier's payment works with the provider disabled, once the key is right again.
    admin
        .write(
            "payment.provider",
            &[provider],
            json!({"stripe_secret_key": "sk_test_51PastedKeyFromTheDashboard0001"}),
        )
        .await;
    let token = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_connection_token",
            json!([]),
            json!({}),
        )
        .await;
    assert!(token["secret"].as_str().is_some());
});

both!(step4_add_the_method_to_the_pos, |app| {
    let admin = app.as_user("admin").await;
    let manager = app.pos_manager().await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    let bank = app.xmlid("ops_demo.journal_bank").await;
    let cash = app.xmlid("ops_demo.payment_method_cash").await;
    let new = manager
        .create(
            "pos.payment.method",
            stripe_method("Stripe Bar", bank, "WSC-BAR-1"),
        )
        .await;

    // Settings: select the POS, set its payment methods, save (in Odoo 18 only
    // `base.group_system` opens the settings).
    let err = save_settings(&manager, json!({"pos_config_id": shop}))
        .await
        .unwrap_err();
    assert_exception(&err, "odoo.exceptions.AccessError");
    save_settings(
        &admin,
        json!({"pos_config_id": shop, "pos_payment_method_ids": [[6, 0, [cash, new]]]}),
    )
    .await
    .expect("the administrator changes POS settings");
    let config = manager
        .read("pos.config", &[shop], &["payment_method_ids"])
        .await;
    let mut ids: Vec<i64> = config[0]["payment_method_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, vec![cash, new]);
    // The settings form shows what was saved, and the method lists its POS.
    let defaults = admin
        .call_ok(
            "res.config.settings",
            "default_get",
            json!([["pos_config_id"]]),
            json!({}),
        )
        .await;
    assert_eq!(defaults["pos_config_id"], json!(shop));
    let onchange_read = admin
        .create("res.config.settings", json!({"pos_config_id": shop}))
        .await;
    let shown = admin
        .read(
            "res.config.settings",
            &[onchange_read],
            &["pos_payment_method_ids"],
        )
        .await;
    let mut shown_ids: Vec<i64> = shown[0]["pos_payment_method_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    shown_ids.sort();
    assert_eq!(shown_ids, vec![cash, new]);
    let method = manager
        .read("pos.payment.method", &[new], &["config_ids"])
        .await;
    assert_eq!(method[0]["config_ids"], json!([shop]));

    // A method of another company cannot be added.
    let other_company = admin
        .create(
            "res.company",
            json!({"name": "Other Co", "currency_id": app.xmlid("base.EUR").await}),
        )
        .await;
    let other_journal = admin
        .with_context(json!({"allowed_company_ids": [other_company]}))
        .create(
            "account.journal",
            json!({"name": "Bank 2", "code": "BNK2", "type": "bank", "company_id": other_company}),
        )
        .await;
    let foreign = admin
        .with_context(
            json!({"allowed_company_ids": [other_company, app.xmlid("base.main_company").await]}),
        )
        .create(
            "pos.payment.method",
            json!({"name": "Foreign", "journal_id": other_journal, "company_id": other_company}),
        )
        .await;
    let err = admin.expect_error("pos.config", "write", json!([[shop], {"payment_method_ids": [[4, foreign]]}]), json!({"context": {"allowed_company_ids": [app.xmlid("base.main_company").await, other_company]}})).await;
    assert_error(
        &err,
        "odoo.exceptions.ValidationError",
        "The payment methods for the point of sale Shop must belong to its company.",
    );
    // Nothing of the refused write stayed.
    let config = manager
        .read("pos.config", &[shop], &["payment_method_ids"])
        .await;
    assert_eq!(config[0]["payment_method_ids"].as_array().unwrap().len(), 2);
});

both!(troubleshooting_locations_and_readers, |app| {
    let manager = app.pos_manager().await;
    let cashier = app.as_user("cashier").await;
    let bank = app.xmlid("ops_demo.journal_bank").await;
    let demo = app.xmlid("ops_demo.payment_method_stripe").await;
    let method = manager
        .create(
            "pos.payment.method",
            stripe_method("Stripe Terrace", bank, "WSC-NOT-THERE"),
        )
        .await;

    // The reader is not in the Stripe account: the POS's own message.
    let missing = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_check_reader",
            json!([[method]]),
            json!({}),
        )
        .await;
    assert_eq!(
        missing["message"],
        json!("Stripe readers WSC-NOT-THERE not listed in your account")
    );
    assert_eq!(
        (missing["found"].clone(), missing["online"].clone()),
        (json!(false), json!(false))
    );
    let ok = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_check_reader",
            json!([[demo]]),
            json!({}),
        )
        .await;
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
    let location = manager.call_ok("pos.payment.method", "stripe_create_location", json!([[method], "Terrace", {"line1": "1 Main St", "city": "San Francisco", "state": "CA", "postal_code": "94110", "country": "US"}]), json!({})).await;
    assert_eq!(location["object"], json!("terminal.location"));
    assert_eq!(location["display_name"], json!("Terrace"));
    let location_id = location["id"].as_str().unwrap().to_string();
    let locations = manager
        .call_ok(
            "pos.payment.method",
            "stripe_list_locations",
            json!([[method]]),
            json!({}),
        )
        .await;
    assert!(locations["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["id"] == json!(location_id)));

    // Register the reader with the code the device shows: the serial is filled in.
    let reader = manager
        .call_ok(
            "pos.payment.method",
            "stripe_register_reader",
            json!([[method], "simulated-wpe", "Terrace reader", location_id]),
            json!({}),
        )
        .await;
    assert_eq!(reader["object"], json!("terminal.reader"));
    assert_eq!(reader["label"], json!("Terrace reader"));
    let serial = reader["serial_number"].as_str().unwrap().to_string();
    assert!(serial.starts_with("simulated-wpe"), "{serial}");
    let read = manager
        .read("pos.payment.method", &[method], &["stripe_serial_number"])
        .await;
    assert_eq!(read[0]["stripe_serial_number"], json!(serial));
    let readers = manager
        .call_ok(
            "pos.payment.method",
            "stripe_list_readers",
            json!([[method]]),
            json!({}),
        )
        .await;
    assert!(readers["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["serial_number"] == json!(serial)));
    let ok = cashier
        .call_ok(
            "pos.payment.method",
            "stripe_check_reader",
            json!([[method]]),
            json!({}),
        )
        .await;
    assert_eq!(ok["online"], json!(true), "{ok}");
    assert_eq!(ok["message"], json!(false));

    // A wrong registration code is Stripe's error; a cashier cannot manage readers.
    let err = manager
        .expect_error(
            "pos.payment.method",
            "stripe_register_reader",
            json!([[method], "not-a-code", "X", location_id]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.ValidationError",
        "Stripe: The communication with the API failed.",
    );
    let err = cashier
        .expect_error(
            "pos.payment.method",
            "stripe_create_location",
            json!([[method], "Nope", {}]),
            json!({}),
        )
        .await;
    assert_exception(&err, "odoo.exceptions.AccessError");
});

both!(settings_are_per_company, |app| {
    let admin = app.as_user("admin").await;
    let main = app.xmlid("base.main_company").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    let eur = app.xmlid("base.EUR").await;
    let be = app.xmlid("base.be").await;
    let brussels = admin
        .create(
            "res.company",
            json!({"name": "Brussels SRL", "currency_id": eur, "country_id": be}),
        )
        .await;
    // The web client with Brussels picked first in the company switcher.
    let in_brussels = admin.with_context(json!({"allowed_company_ids": [brussels, main]}));
    let journal = in_brussels
        .create(
            "account.journal",
            json!({"name": "Bank BE", "code": "BNKBE", "type": "bank", "company_id": brussels}),
        )
        .await;
    let method = in_brussels
        .create(
            "pos.payment.method",
            json!({"name": "Card BE", "journal_id": journal}),
        )
        .await;
    let config = in_brussels
        .create(
            "pos.config",
            json!({"name": "Brussels POS", "payment_method_ids": [[6, 0, [method]]]}),
        )
        .await;
    let read = in_brussels
        .read("pos.config", &[config], &["company_id", "currency_id"])
        .await;
    assert_eq!(
        read[0]["company_id"][0],
        json!(brussels),
        "the current company is the first allowed one"
    );
    assert_eq!(read[0]["currency_id"][0], json!(eur));

    // The settings form shows the current company's POS.
    let here = in_brussels
        .call_ok(
            "res.config.settings",
            "default_get",
            json!([["pos_config_id", "company_id"]]),
            json!({}),
        )
        .await;
    assert_eq!(here["pos_config_id"], json!(config));
    assert_eq!(here["company_id"], json!(brussels));
    let home = admin
        .call_ok(
            "res.config.settings",
            "default_get",
            json!([["pos_config_id", "company_id"]]),
            json!({}),
        )
        .await;
    assert_eq!(home["pos_config_id"], json!(shop));
    assert_eq!(home["company_id"], json!(main));

    // Brussels has no Stripe provider of its own: its POS is told so, and the main
    // company's key is never used for it.
    let err = in_brussels
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
        "Stripe payment provider for company Brussels SRL is missing",
    );
});
