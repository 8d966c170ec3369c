//! Odoo 18 parity of the generic ORM calls (issue 8, items 1-4, 6 and 13): `copy`,
//! `unlink` of a deleted record, selection values, the required-field message, an
//! unknown model on `call_kw`, and `fields_get` attributes.

use serde_json::{json, Value};

use crate::both;
use crate::parity_support::*;

const PM: &str = "pos.payment.method";

both!(copy_answers_new_ids_and_copies_what_odoo_copies, |app| {
    let admin = demo(&app, "admin").await;
    let cash = xmlid(&app, &admin, "ops_demo.payment_method_cash").await;
    let card = xmlid(&app, &admin, "ops_demo.payment_method_card").await;
    let stripe = xmlid(&app, &admin, "ops_demo.payment_method_stripe").await;
    let shop = xmlid(&app, &admin, "ops_demo.pos_config_shop").await;

    // A POS's copy keeps its name and gets the default payment methods: the company's
    // non-cash ones (the only cash method is already used by the shop).
    let copies = ok(&app, &admin, "pos.config", "copy", json!([[shop]])).await;
    let config_copy = copies[0].as_i64().expect("a list of ids");
    assert_eq!(copies.as_array().unwrap().len(), 1);
    let rec = read(
        &app,
        &admin,
        "pos.config",
        config_copy,
        &["name", "payment_method_ids"],
    )
    .await;
    assert_eq!(rec["name"], json!("Shop"));
    assert_eq!(rec["payment_method_ids"], json!([card, stripe]));
    let uuids = ok(
        &app,
        &admin,
        "pos.config",
        "read",
        json!([[shop, config_copy], ["uuid"]]),
    )
    .await;
    assert!(
        uuids[1]["uuid"].as_str().is_some_and(|u| u.len() == 36),
        "{uuids}"
    );
    assert_ne!(uuids[0]["uuid"], uuids[1]["uuid"]);
    // A POS manager who is no administrator cannot copy a POS: the copy carries the
    // receipt's header and footer fields.
    let manager = user_in(
        &app,
        &admin,
        "manager",
        &["base.group_user", "point_of_sale.group_pos_manager"],
    )
    .await;
    let e = err(&app, &manager, "pos.config", "copy", json!([[shop]])).await;
    assert_exact(
        &e,
        "odoo.exceptions.AccessError",
        "Only administrators can edit receipt headers and footers",
    );

    // A cash method's copy: same name, no journal, no POS, no sequence.
    let copy = ok(&app, &admin, PM, "copy", json!([[cash]])).await;
    let copy = copy[0].as_i64().expect("[new_id]");
    let rec = read(
        &app,
        &admin,
        PM,
        copy,
        &[
            "name",
            "sequence",
            "journal_id",
            "config_ids",
            "type",
            "stripe_serial_number",
        ],
    )
    .await;
    assert_eq!(
        rec,
        json!({"id": copy, "name": "Cash", "sequence": 0, "journal_id": false,
               "config_ids": [], "type": "pay_later", "stripe_serial_number": false})
    );
    // A Stripe method's copy keeps its bank journal and terminal, not its serial.
    let copy = ok(&app, &admin, PM, "copy", json!([[stripe]])).await[0]
        .as_i64()
        .unwrap();
    let rec = read(
        &app,
        &admin,
        PM,
        copy,
        &[
            "name",
            "journal_id",
            "use_payment_terminal",
            "stripe_serial_number",
        ],
    )
    .await;
    assert_eq!(rec["name"], json!("Stripe"));
    assert_eq!(
        rec["journal_id"][0],
        json!(xmlid(&app, &admin, "ops_demo.journal_bank").await)
    );
    assert_eq!(rec["use_payment_terminal"], json!("stripe"));
    assert_eq!(rec["stripe_serial_number"], json!(false));

    // Several ids, none, and the caller's defaults.
    let two = ok(&app, &admin, PM, "copy", json!([[card, stripe]])).await;
    assert_eq!(two.as_array().unwrap().len(), 2);
    assert_eq!(ok(&app, &admin, PM, "copy", json!([[]])).await, json!([]));
    let cash2 = create(
        &app,
        &admin,
        "account.journal",
        json!({"name": "Cash 2", "code": "CSH2", "type": "cash"}),
    )
    .await;
    let copy = ok(
        &app,
        &admin,
        PM,
        "copy",
        json!([[cash], {"journal_id": cash2}]),
    )
    .await[0]
        .as_i64()
        .unwrap();
    assert_eq!(
        read(&app, &admin, PM, copy, &["journal_id"]).await["journal_id"][0],
        json!(cash2)
    );
    let copy = ok(
        &app,
        &admin,
        PM,
        "copy",
        json!([[card], {"config_ids": [[6, 0, [shop]]]}]),
    )
    .await[0]
        .as_i64()
        .unwrap();
    assert_eq!(
        read(&app, &admin, PM, copy, &["config_ids"]).await["config_ids"],
        json!([])
    );
    // A partner's copy is still renamed, as Odoo's res.partner does.
    let partner = create(&app, &admin, "res.partner", json!({"name": "Original"})).await;
    let copy = ok(&app, &admin, "res.partner", "copy", json!([[partner]])).await[0]
        .as_i64()
        .unwrap();
    assert_eq!(
        read(&app, &admin, "res.partner", copy, &["name"]).await["name"],
        json!("Original (copy)")
    );
});

both!(a_deleted_record_is_missing_for_unlink_and_write, |app| {
    let admin = demo(&app, "admin").await;
    let card = xmlid(&app, &admin, "ops_demo.payment_method_card").await;
    let gone = create(&app, &admin, PM, json!({"name": "Short-lived"})).await;
    assert_eq!(
        ok(&app, &admin, PM, "unlink", json!([[gone]])).await,
        json!(true)
    );
    let missing = format!(
        "Record does not exist or has been deleted.\n(Record: pos.payment.method({gone},), User: {})",
        admin.uid
    );
    let e = err(&app, &admin, PM, "unlink", json!([[gone]])).await;
    assert_exact(&e, "odoo.exceptions.MissingError", &missing);
    let e = err(&app, &admin, PM, "unlink", json!([[card, gone]])).await;
    assert_exact(&e, "odoo.exceptions.MissingError", &missing);
    let e = err(&app, &admin, PM, "write", json!([[gone], {"name": "x"}])).await;
    assert_exact(&e, "odoo.exceptions.MissingError", &missing);
    // Nothing was deleted with it, and a read leaves the missing record out.
    let rows = ok(&app, &admin, PM, "read", json!([[gone, card], ["name"]])).await;
    assert_eq!(rows, json!([{"id": card, "name": "Card"}]));
    // A model without record rules deletes what exists and ignores the rest.
    assert_eq!(
        ok(&app, &admin, "res.country", "unlink", json!([[999_999]])).await,
        json!(true)
    );
    assert_eq!(
        ok(&app, &admin, PM, "unlink", json!([[]])).await,
        json!(true)
    );
});

both!(
    selections_by_method_store_any_value_static_ones_refuse,
    |app| {
        let admin = demo(&app, "admin").await;
        let bank = xmlid(&app, &admin, "ops_demo.journal_bank").await;
        // `payment_method_type` and `use_payment_terminal` are selections given by methods:
        // Odoo stores what it is sent.
        let id = create(
            &app,
            &admin,
            PM,
            json!({"name": "Odd", "journal_id": bank, "payment_method_type": "bogus"}),
        )
        .await;
        let rec = read(
            &app,
            &admin,
            PM,
            id,
            &["payment_method_type", "use_payment_terminal"],
        )
        .await;
        assert_eq!(rec["payment_method_type"], json!("bogus"));
        assert_eq!(rec["use_payment_terminal"], json!(false));
        let plain = create(
            &app,
            &admin,
            PM,
            json!({"name": "Plain", "journal_id": bank}),
        )
        .await;
        ok(
            &app,
            &admin,
            PM,
            "write",
            json!([[plain], {"use_payment_terminal": "adyen"}]),
        )
        .await;
        assert_eq!(
            read(&app, &admin, PM, plain, &["use_payment_terminal"]).await["use_payment_terminal"],
            json!("adyen")
        );
        ok(
            &app,
            &admin,
            PM,
            "write",
            json!([[plain], {"use_payment_terminal": ""}]),
        )
        .await;
        assert_eq!(
            read(&app, &admin, PM, plain, &["use_payment_terminal"]).await["use_payment_terminal"],
            json!(false)
        );
        // A static selection refuses an unknown value with the value's Python repr.
        let journal = "account.journal";
        for (value, repr) in [
            (json!("foo"), "'foo'"),
            (json!(3), "3"),
            (json!("it's"), "\"it's\""),
        ] {
            let e = err(
                &app,
                &admin,
                journal,
                "write",
                json!([[bank], {"type": value}]),
            )
            .await;
            assert_exact(
                &e,
                "builtins.ValueError",
                &format!("Wrong value for account.journal.type: {repr}"),
            );
        }
    }
);

both!(
    a_missing_required_field_is_odoos_message_with_its_newline,
    |app| {
        let admin = demo(&app, "admin").await;
        let e = err(&app, &admin, PM, "create", json!([{"name": false}])).await;
        assert_exact(
        &e,
        "odoo.exceptions.ValidationError",
        "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Point of Sale Payment Methods (pos.payment.method)\nField: Method (name)\n",
    );
    }
);

both!(an_unknown_model_on_call_kw_is_werkzeugs_not_found, |app| {
    let admin = demo(&app, "admin").await;
    let params = json!({"model": "foo.bar", "method": "search", "args": [[]], "kwargs": {}});
    for who in [None, Some(&admin)] {
        let envelope = envelope(
            &app,
            who,
            "/web/dataset/call_kw/foo.bar/search",
            params.clone(),
        )
        .await;
        assert_eq!(envelope["id"], Value::Null, "{envelope}");
        let error = &envelope["error"];
        assert_eq!(error["code"], json!(404));
        assert_eq!(error["message"], json!("404: Not Found"));
        assert_eq!(error["data"]["name"], json!("werkzeug.exceptions.NotFound"));
        assert_eq!(
            error["data"]["message"],
            json!("404 Not Found: The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.")
        );
        assert_eq!(error["data"]["arguments"], json!([]));
    }
    // `execute_kw` answers Odoo's own "doesn't exist".
    let envelope = app
        .jsonrpc(
            "object",
            "execute_kw",
            json!(["odoo", admin.uid, "admin", "foo.bar", "search", [[]], {}]),
        )
        .await;
    assert_exact(
        &envelope["error"],
        "odoo.exceptions.UserError",
        "Object foo.bar doesn't exist",
    );
});

both!(fields_get_describes_fields_as_odoo_18, |app| {
    let admin = demo(&app, "admin").await;
    let cashier = demo(&app, "cashier").await;
    let attrs = json!({"attributes": ["type", "required", "readonly", "selection"]});
    let fields = call(&app, &admin, PM, "fields_get", json!([]), attrs.clone())
        .await
        .unwrap();
    assert_eq!(fields["company_id"]["required"], json!(false));
    assert_eq!(
        fields["payment_method_type"]["selection"],
        json!([["none", "None required"], ["terminal", "Terminal"]])
    );
    assert_eq!(fields["default_qr"]["type"], json!("char"));
    assert_eq!(fields["qr_code_method"]["type"], json!("selection"));
    assert_eq!(fields["qr_code_method"]["selection"], json!([]));
    assert_eq!(fields["hide_qr_code_method"]["type"], json!("boolean"));
    assert_eq!(fields["is_online_payment"]["type"], json!("boolean"));
    let config = call(
        &app,
        &admin,
        "pos.config",
        "fields_get",
        json!([["current_session_state"]]),
        attrs.clone(),
    )
    .await
    .unwrap();
    assert_eq!(config["current_session_state"]["type"], json!("char"));
    let journal = call(
        &app,
        &admin,
        "account.journal",
        "fields_get",
        json!([["company_id"]]),
        attrs.clone(),
    )
    .await
    .unwrap();
    assert_eq!(journal["company_id"]["readonly"], json!(true));
    // No model check in fields_get: a cashier, who may not read providers, gets the
    // publishable key, not the secret ones.
    let provider = call(
        &app,
        &cashier,
        "payment.provider",
        "fields_get",
        json!([]),
        attrs,
    )
    .await
    .unwrap();
    assert_eq!(provider["stripe_publishable_key"]["type"], json!("char"));
    assert!(provider.get("stripe_secret_key").is_none());
    assert!(provider.get("stripe_webhook_secret").is_none());
});
