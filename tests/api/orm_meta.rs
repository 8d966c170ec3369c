//! What a model says about itself and its defaults: `default_get` (and `default_*` keys of
//! the context), `fields_get` with attributes, and the metadata models `ir.model`,
//! `ir.model.fields`, `ir.model.data`, `ir.model.access`, with `res.users.context_get`.

use serde_json::json;

use crate::both;
use crate::helpers::*;

both!(default_get_and_context_defaults, |app| {
    let admin = app.as_user("admin").await;
    let company = app.xmlid("base.main_company").await;
    let r = admin
        .call_ok(
            "pos.payment.method",
            "default_get",
            json!([["sequence", "active", "company_id", "split_transactions"]]),
            json!({}),
        )
        .await;
    assert!(r.get("sequence").is_none(), "no default in Odoo 18: {r}");
    assert_eq!(r["active"], json!(true));
    assert_eq!(r["company_id"], json!(company));
    assert_eq!(r["split_transactions"], json!(false));
    // x2many defaults come as [[6, 0, ids]]: the company's non-split, non-cash methods
    // here (its cash method is taken by the shop).
    let methods = admin
        .call_ok(
            "pos.payment.method",
            "search",
            json!([[
                ["split_transactions", "=", false],
                ["is_cash_count", "=", false]
            ]]),
            json!({"order": "id"}),
        )
        .await;
    let r = admin
        .call_ok(
            "pos.config",
            "default_get",
            json!([["payment_method_ids", "company_id"]]),
            json!({}),
        )
        .await;
    assert_eq!(
        r,
        json!({"payment_method_ids": [[6, 0, methods]], "company_id": company})
    );
    let card = app.xmlid("ops_demo.payment_method_card").await;
    let r = admin
        .call_ok(
            "pos.config",
            "default_get",
            json!([["payment_method_ids"]]),
            json!({"context": {"default_payment_method_ids": [card]}}),
        )
        .await;
    assert_eq!(r, json!({"payment_method_ids": [[6, 0, [card]]]}));
    let r = admin
        .call_ok(
            "res.partner",
            "default_get",
            json!([["name", "city", "active"]]),
            json!({"context": {"default_city": "Brussels", "default_name": "Pre-filled"}}),
        )
        .await;
    assert_eq!(
        r,
        json!({"name": "Pre-filled", "city": "Brussels", "active": true})
    );
    // Context defaults also apply to create.
    let id = admin
        .with_context(json!({"default_city": "Ghent"}))
        .create("res.partner", json!({"name": "Ctx"}))
        .await;
    assert_eq!(
        admin.read_field("res.partner", id, "city").await,
        json!("Ghent")
    );
    let err = admin
        .expect_error("res.partner", "default_get", json!([["nope"]]), json!({}))
        .await;
    assert_error(
        &err,
        "builtins.ValueError",
        "Invalid field 'nope' on model 'res.partner'",
    );
});

both!(fields_get_with_attributes, |app| {
    let admin = app.as_user("admin").await;
    let all = admin
        .call_ok("pos.payment.method", "fields_get", json!([]), json!({}))
        .await;
    let name = &all["name"];
    assert_eq!(name["type"], json!("char"));
    assert_eq!(name["string"], json!("Method"));
    assert_eq!(name["required"], json!(true));
    assert_eq!(all["journal_id"]["relation"], json!("account.journal"));
    assert_eq!(all["config_ids"]["type"], json!("many2many"));
    assert!(all["use_payment_terminal"]["selection"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o[0] == json!("stripe")));
    let some = admin
        .call_ok(
            "pos.payment.method",
            "fields_get",
            json!([["name", "journal_id"]]),
            json!({"attributes": ["type", "string"]}),
        )
        .await;
    assert_eq!(
        some,
        json!({
            "name": {"type": "char", "string": "Method"},
            "journal_id": {"type": "many2one", "string": "Journal"},
        })
    );
});

both!(metadata_models, |app| {
    let admin = app.as_user("admin").await;
    let r = admin
        .search_read(
            "ir.model",
            json!([["model", "=", "pos.payment.method"]]),
            &["model", "name", "transient"],
        )
        .await;
    assert_eq!(r.as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r[0]["model"], json!("pos.payment.method"));
    assert_eq!(r[0]["name"], json!("Point of Sale Payment Methods"));
    assert_eq!(r[0]["transient"], json!(false));
    let r = admin
        .search_read(
            "ir.model",
            json!([["model", "=", "res.config.settings"]]),
            &["transient"],
        )
        .await;
    assert_eq!(r[0]["transient"], json!(true));
    let r = admin
        .search_read(
            "ir.model.fields",
            json!([
                ["model", "=", "pos.payment.method"],
                ["name", "=", "stripe_serial_number"]
            ]),
            &["name", "ttype", "field_description"],
        )
        .await;
    assert_eq!(r.as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r[0]["ttype"], json!("char"));
    assert_eq!(r[0]["field_description"], json!("Stripe Serial Number"));
    let company = app.xmlid("base.main_company").await;
    let r = admin
        .call_ok(
            "ir.model.data",
            "check_object_reference",
            json!(["base", "main_company"]),
            json!({}),
        )
        .await;
    assert_eq!(r, json!(["res.company", company]));
    let err = admin
        .expect_error(
            "ir.model.data",
            "check_object_reference",
            json!(["base", "no_such_xmlid"]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "builtins.ValueError",
        "External ID not found in the system: base.no_such_xmlid",
    );
    let r = admin
        .search_read(
            "ir.model.data",
            json!([["module", "=", "base"], ["name", "=", "main_company"]]),
            &["model", "res_id"],
        )
        .await;
    assert_eq!(r[0]["model"], json!("res.company"));
    assert_eq!(r[0]["res_id"], json!(company));
    // ir.model.access.check: true, or AccessError when raising.
    let cashier = app.as_user("cashier").await;
    let check = |args| cashier.call("ir.model.access", "check", args, json!({}));
    assert_eq!(check(json!(["pos.config", "read"])).await, Ok(json!(true)));
    assert_eq!(
        check(json!(["pos.config", "unlink", false])).await,
        Ok(json!(false))
    );
    let err = check(json!(["pos.config", "unlink"])).await.unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.AccessError",
        "You are not allowed to delete",
    );
    let r = cashier
        .call_ok("res.users", "context_get", json!([]), json!({}))
        .await;
    assert_eq!(r["uid"], json!(cashier.uid));
    assert!(r["lang"].is_string(), "{r}");
    assert!(r.get("tz").is_some(), "{r}");
});
