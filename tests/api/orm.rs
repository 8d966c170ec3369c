//! Records through the ORM over `/web/dataset/call_kw` and `/jsonrpc`: create, read,
//! write, unlink, copy, archiving, unknown names and wrong types, exact values, and one
//! transaction per call. `orm_search.rs` finds records; `orm_meta.rs` covers defaults
//! and metadata.

use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::both;
use crate::helpers::*;

both!(create_single_and_list_then_read, |app| {
    let admin = app.as_user("admin").await;
    let us = app.xmlid("base.us").await;
    let id = admin
        .call_ok(
            "res.partner",
            "create",
            json!([{"name": "Azure Interior", "country_id": us, "email": "a@example.com"}]),
            json!({}),
        )
        .await;
    assert!(id.is_i64(), "create(dict) returns an id: {id}");
    let id = id.as_i64().unwrap();
    let ids = admin
        .call_ok(
            "res.partner",
            "create",
            json!([[{"name": "Deco Addict"}, {"name": "Gemini Furniture"}]]),
            json!({}),
        )
        .await;
    let ids = ids.as_array().expect("create([dicts]) returns a list");
    assert_eq!(ids.len(), 2);
    assert!(ids[0].as_i64().unwrap() < ids[1].as_i64().unwrap());

    // read with fields: many2one as [id, display_name], empty char as false.
    let r = admin
        .read(
            "res.partner",
            &[id],
            &["name", "country_id", "phone", "parent_id"],
        )
        .await;
    assert_eq!(
        r,
        json!([{"id": id, "name": "Azure Interior", "country_id": [us, "United States"], "phone": false, "parent_id": false}])
    );
    // load=None: bare ids.
    let r = admin
        .call_ok(
            "res.partner",
            "read",
            json!([[id], ["country_id"]]),
            json!({"load": null}),
        )
        .await;
    assert_eq!(r, json!([{"id": id, "country_id": us}]));
    // A missing id is left out silently; the order asked is kept.
    let second = ids[0].as_i64().unwrap();
    let r = admin
        .read("res.partner", &[second, 999_999, id], &["name"])
        .await;
    assert_eq!(
        r,
        json!([{"id": second, "name": "Deco Addict"}, {"id": id, "name": "Azure Interior"}])
    );
    // No fields: every readable field, `id` and `display_name` included.
    let r = admin.read("res.partner", &[id], &[]).await;
    let rec = r[0].as_object().unwrap();
    for f in [
        "id",
        "name",
        "email",
        "country_id",
        "child_ids",
        "display_name",
    ] {
        assert!(rec.contains_key(f), "{f} missing from {r}");
    }
    assert_eq!(rec["child_ids"], json!([]));
    assert_eq!(rec["display_name"], json!("Azure Interior"));
});

both!(write_and_display_name, |app| {
    let admin = app.as_user("admin").await;
    let id = admin.create("res.partner", json!({"name": "Old"})).await;
    let r = admin
        .call_ok(
            "res.partner",
            "write",
            json!([[id], {"name": "New", "email": "n@example.com"}]),
            json!({}),
        )
        .await;
    assert_eq!(r, json!(true));
    let r = admin
        .read("res.partner", &[id], &["name", "email", "display_name"])
        .await;
    assert_eq!(
        r,
        json!([{"id": id, "name": "New", "email": "n@example.com", "display_name": "New"}])
    );
    // Writing false empties a field.
    admin
        .write("res.partner", &[id], json!({"email": false}))
        .await;
    assert_eq!(
        admin.read_field("res.partner", id, "email").await,
        json!(false)
    );
    // A write on a deleted record is a MissingError.
    let err = admin
        .expect_error(
            "res.partner",
            "write",
            json!([[999_999], {"name": "x"}]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.MissingError",
        "Record does not exist or has been deleted.",
    );
});

both!(unlink_and_ondelete_restrict, |app| {
    let admin = app.as_user("admin").await;
    let id = admin.create("res.partner", json!({"name": "Temp"})).await;
    admin.unlink("res.partner", &[id]).await;
    let r = admin
        .call_ok("res.partner", "exists", json!([[id]]), json!({}))
        .await;
    assert_eq!(r, json!([]));
    // A country used by a partner (ondelete restrict) cannot be deleted.
    let country = admin
        .create("res.country", json!({"name": "Testland", "code": "TL"}))
        .await;
    let p = admin
        .create(
            "res.partner",
            json!({"name": "Resident", "country_id": country}),
        )
        .await;
    let err = admin
        .expect_error("res.country", "unlink", json!([[country]]), json!({}))
        .await;
    assert_error(
        &err,
        "odoo.exceptions.ValidationError",
        "The operation cannot be completed",
    );
    let r = admin
        .call_ok(
            "res.partner",
            "read",
            json!([[p], ["country_id"]]),
            json!({"load": null}),
        )
        .await;
    assert_eq!(r[0]["country_id"], json!(country));
});

both!(copy_duplicates_with_defaults, |app| {
    let admin = app.as_user("admin").await;
    let id = admin
        .create("res.partner", json!({"name": "Original", "city": "Paris"}))
        .await;
    let copy = admin
        .call_ok("res.partner", "copy", json!([id]), json!({}))
        .await[0]
        .as_i64()
        .unwrap();
    assert_ne!(copy, id);
    let copy2 = admin
        .call_ok(
            "res.partner",
            "copy",
            json!([[id]]),
            json!({"default": {"name": "Renamed"}}),
        )
        .await[0]
        .as_i64()
        .unwrap();
    let r = admin
        .read("res.partner", &[copy, copy2], &["name", "city"])
        .await;
    assert_eq!(
        r[0],
        json!({"id": copy, "name": "Original (copy)", "city": "Paris"})
    );
    assert_eq!(
        r[1],
        json!({"id": copy2, "name": "Renamed", "city": "Paris"})
    );
    let err = admin
        .expect_error("res.partner", "copy", json!([[999_999]]), json!({}))
        .await;
    assert_error(
        &err,
        "odoo.exceptions.MissingError",
        "Record does not exist",
    );
});

both!(wrong_types_selection_and_required, |app| {
    let admin = app.as_user("admin").await;
    // ids that are not integers.
    let err = admin
        .expect_error("res.partner", "read", json!([["a"], ["name"]]), json!({}))
        .await;
    assert_exception(&err, "builtins.TypeError");
    // An integer field given text.
    let err = admin
        .expect_error(
            "pos.payment.method",
            "create",
            json!([{"name": "X", "sequence": "ten"}]),
            json!({}),
        )
        .await;
    assert_exception(&err, "builtins.ValueError");
    // A selection value outside the options.
    let err = admin
        .expect_error(
            "res.currency",
            "create",
            json!([{"name": "XTS", "symbol": "X", "position": "middle"}]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "builtins.ValueError",
        "Wrong value for res.currency.position: 'middle'",
    );
    // A required field missing or emptied.
    let err = admin
        .expect_error(
            "pos.payment.method",
            "create",
            json!([{"sequence": 3}]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.ValidationError",
        "a mandatory field is not set",
    );
    assert!(err["data"]["message"]
        .as_str()
        .unwrap()
        .contains("Field: Method (name)"));
    let cash = app.xmlid("ops_demo.payment_method_cash").await;
    let err = admin
        .expect_error(
            "pos.payment.method",
            "write",
            json!([[cash], {"name": false}]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.ValidationError",
        "a mandatory field is not set",
    );
    // vals that are not a dict.
    let err = admin
        .expect_error("res.partner", "create", json!(["just a string"]), json!({}))
        .await;
    assert!(
        ["builtins.TypeError", "builtins.ValueError"]
            .contains(&err["data"]["name"].as_str().unwrap()),
        "{err}"
    );
});

both!(archiving_and_active_test, |app| {
    let admin = app.as_user("admin").await;
    let id = admin
        .create(
            "res.partner",
            json!({"name": "Archived Co", "city": "Arch"}),
        )
        .await;
    let d = json!([["city", "=", "Arch"]]);
    admin
        .write("res.partner", &[id], json!({"active": false}))
        .await;
    let search = |kwargs| admin.search_kw("res.partner", kwargs);
    assert_eq!(search(json!({"domain": d})).await, Vec::<i64>::new());
    assert_eq!(
        search(json!({"domain": d, "context": {"active_test": false}})).await,
        vec![id]
    );
    assert_eq!(
        search(json!({"domain": [["city", "=", "Arch"], ["active", "in", [true, false]]]})).await,
        vec![id]
    );
    assert_eq!(
        search(json!({"domain": [["city", "=", "Arch"], ["active", "=", false]]})).await,
        vec![id]
    );
    // read still reads archived records.
    let r = admin.read("res.partner", &[id], &["active"]).await;
    assert_eq!(r, json!([{"id": id, "active": false}]));
});

both!(unknown_model_field_method_and_private_methods, |app| {
    let admin = app.as_user("admin").await;
    let err = app
        .execute_kw(
            2,
            "admin",
            "no.such.model",
            "search",
            json!([[]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.UserError",
        "Object no.such.model doesn't exist",
    );
    // On call_kw Odoo 18 answers an unknown model with NotFound.
    let err = admin
        .expect_error("no.such.model", "search", json!([[]]), json!({}))
        .await;
    assert_eq!(err["code"], json!(404), "{err}");
    assert_eq!(err["message"], json!("404: Not Found"));
    assert_exception(&err, "werkzeug.exceptions.NotFound");
    let err = admin
        .expect_error("res.partner", "read", json!([[1], ["nope"]]), json!({}))
        .await;
    assert_error(
        &err,
        "builtins.ValueError",
        "Invalid field 'nope' on model 'res.partner'",
    );
    let err = admin
        .expect_error(
            "res.partner",
            "create",
            json!([{"name": "x", "nope": 1}]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "builtins.ValueError",
        "Invalid field 'nope' on model 'res.partner'",
    );
    let err = admin
        .expect_error("res.partner", "write", json!([[1], {"nope": 1}]), json!({}))
        .await;
    assert_error(&err, "builtins.ValueError", "Invalid field 'nope'");
    let err = admin
        .expect_error("res.partner", "frobnicate", json!([]), json!({}))
        .await;
    assert_error(
        &err,
        "builtins.AttributeError",
        "The method 'frobnicate' does not exist on the model 'res.partner'",
    );
    for method in ["_search", "_read_group", "__init__"] {
        let err = admin
            .expect_error("res.partner", method, json!([[]]), json!({}))
            .await;
        assert_error(
            &err,
            "odoo.exceptions.AccessError",
            &format!("Private methods (such as {method}) cannot be called remotely."),
        );
    }
    let err = app
        .execute_kw(2, "admin", "res.partner", "_create", json!([[]]), json!({}))
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.AccessError",
        "Private methods (such as _create) cannot be called remotely.",
    );
});

// No model of the seed declares a monetary field (amounts live in Stripe calls), so
// exactness is checked on a float column: what is sent is what is read back, bit for
// bit, and an exact comparison finds it.
both!(float_values_round_trip_exactly, |app| {
    let admin = app.as_user("admin").await;
    let id = admin
        .create("res.currency", json!({"name": "XTS", "symbol": "X"}))
        .await;
    assert_eq!(
        admin.read_field("res.currency", id, "rounding").await,
        json!(0.01)
    );
    for sent in [0.1 + 0.2, 0.3, 1234567.89, 0.001] {
        admin
            .write("res.currency", &[id], json!({"rounding": sent}))
            .await;
        let read = admin.read_field("res.currency", id, "rounding").await;
        assert_eq!(read.as_f64(), Some(sent));
        // And the column itself holds the same double on either backend.
        let row = app
            .services
            .db
            .query_one(sea_orm::Statement::from_string(
                app.db_backend(),
                format!("SELECT rounding FROM res_currency WHERE id = {id}"),
            ))
            .await
            .unwrap()
            .expect("the currency row");
        assert_eq!(row.try_get_by::<f64, _>("rounding").unwrap(), sent);
        let found = admin
            .search_kw(
                "res.currency",
                json!({"domain": [["id", "=", id], ["rounding", "=", sent]]}),
            )
            .await;
        assert_eq!(found.len(), 1, "rounding = {sent}");
    }
});

both!(one_call_is_one_transaction, |app| {
    let admin = app.as_user("admin").await;
    let with_archived = admin.with_context(json!({"active_test": false}));
    let count = || with_archived.search_count("res.partner", json!([["city", "=", "Atomic"]]));
    let err = admin
        .expect_error(
            "res.partner",
            "create",
            json!([[{"name": "First", "city": "Atomic"}, {"name": "Second", "city": "Atomic", "nope": 1}]]),
            json!({}),
        )
        .await;
    assert_error(&err, "builtins.ValueError", "Invalid field 'nope'");
    assert_eq!(count().await, 0);
    // The same over /jsonrpc, failing on a constraint after the first insert.
    let err = app
        .execute_kw(
            2,
            "admin",
            "res.partner",
            "create",
            json!([[{"name": "First", "city": "Atomic"}, {"city": "Atomic", "country_id": 999_999}]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert!(
        err["data"]["name"]
            .as_str()
            .unwrap()
            .starts_with("odoo.exceptions."),
        "{err}"
    );
    assert_eq!(count().await, 0);
    // A write followed by a failing write in the same call keeps neither.
    admin
        .create("res.partner", json!({"name": "Keep", "city": "Atomic"}))
        .await;
    let cash = app.xmlid("ops_demo.payment_method_cash").await;
    let err = admin
        .expect_error(
            "pos.payment.method",
            "write",
            json!([[cash], {"sequence": 42, "name": false}]),
            json!({}),
        )
        .await;
    assert_error(&err, "odoo.exceptions.ValidationError", "mandatory");
    let r = admin
        .read("pos.payment.method", &[cash], &["sequence", "name"])
        .await;
    assert_ne!(r[0]["sequence"], json!(42));
    assert_eq!(count().await, 1);
});

both!(monetary_amounts_are_stored_exactly, |app| {
    let cashier = app.as_user("cashier").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    // 18 significant digits: no f64 holds this amount exactly.
    let big: serde_json::Value = serde_json::from_str("1234567890123456.78").unwrap();
    let tenth: serde_json::Value = serde_json::from_str("0.1").unwrap();
    // Created, a session of a POS counting cash starts from the previous session's
    // counted cash (as in Odoo): the amounts are written after.
    let session = cashier
        .create("pos.session", json!({"config_id": shop}))
        .await;
    cashier
        .write(
            "pos.session",
            &[session],
            json!({"cash_register_balance_start": big, "cash_register_balance_end_real": tenth}),
        )
        .await;
    let read = cashier
        .read(
            "pos.session",
            &[session],
            &[
                "cash_register_balance_start",
                "cash_register_balance_end_real",
                "currency_id",
            ],
        )
        .await;
    assert_eq!(
        read[0]["cash_register_balance_start"].to_string(),
        "1234567890123456.78"
    );
    assert_eq!(read[0]["cash_register_balance_end_real"].to_string(), "0.1");
    assert_eq!(read[0]["currency_id"][1], json!("USD"));
    // Compared exactly in domains too.
    let found = cashier
        .search(
            "pos.session",
            json!([
                ["cash_register_balance_start", "=", big],
                ["cash_register_balance_end_real", ">", 0.09999999999999]
            ]),
        )
        .await;
    assert_eq!(found, vec![session]);
    let fields = cashier
        .call_ok(
            "pos.session",
            "fields_get",
            json!([["cash_register_balance_start"]]),
            json!({"attributes": ["type", "currency_field"]}),
        )
        .await;
    assert_eq!(
        fields["cash_register_balance_start"]["type"],
        json!("monetary")
    );
    assert_eq!(
        fields["cash_register_balance_start"]["currency_field"],
        json!("currency_id")
    );
});
