//! Every ORM method over `/web/dataset/call_kw` and `/jsonrpc`: create, write, read,
//! search and friends, defaults, metadata, errors, and one transaction per call.

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::both;
use crate::helpers::*;

/// Creates a `res.partner` as `session`'s user and returns its id.
async fn partner(app: &TestApp, session: &Client, vals: Value) -> i64 {
    app.call_kw(session, "res.partner", "create", json!([vals]), json!({}))
        .await
        .expect("creating a partner")
        .as_i64()
        .expect("an id")
}

/// The ids a search finds.
async fn search(app: &TestApp, session: &Client, model: &str, kwargs: Value) -> Vec<i64> {
    let r = app
        .call_kw(session, model, "search", json!([]), kwargs)
        .await
        .unwrap_or_else(|e| panic!("search failed: {e}"));
    r.as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect()
}

both!(create_single_and_list_then_read, |app| {
    let admin = app.login("admin", "admin").await;
    let us = app.xmlid("base.us").await;
    let id = app
        .call_kw(
            &admin,
            "res.partner",
            "create",
            json!([{"name": "Azure Interior", "country_id": us, "email": "a@example.com"}]),
            json!({}),
        )
        .await
        .unwrap();
    assert!(id.is_i64(), "create(dict) returns an id: {id}");
    let ids = app
        .call_kw(
            &admin,
            "res.partner",
            "create",
            json!([[{"name": "Deco Addict"}, {"name": "Gemini Furniture"}]]),
            json!({}),
        )
        .await
        .unwrap();
    let ids = ids.as_array().expect("create([dicts]) returns a list");
    assert_eq!(ids.len(), 2);
    assert!(ids[0].as_i64().unwrap() < ids[1].as_i64().unwrap());

    // read with fields: many2one as [id, display_name], empty char as false.
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "read",
            json!([[id], ["name", "country_id", "phone", "parent_id"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        r,
        json!([{"id": id, "name": "Azure Interior", "country_id": [us, "United States"], "phone": false, "parent_id": false}])
    );
    // load=None: bare ids.
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "read",
            json!([[id], ["country_id"]]),
            json!({"load": null}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!([{"id": id, "country_id": us}]));
    // A missing id is left out silently; the order asked is kept.
    let second = ids[0].as_i64().unwrap();
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "read",
            json!([[second, 999_999, id], ["name"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        r,
        json!([{"id": second, "name": "Deco Addict"}, {"id": id, "name": "Azure Interior"}])
    );
    // No fields: every readable field, `id` and `display_name` included.
    let r = app
        .call_kw(&admin, "res.partner", "read", json!([[id]]), json!({}))
        .await
        .unwrap();
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
    let admin = app.login("admin", "admin").await;
    let id = partner(&app, &admin, json!({"name": "Old"})).await;
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "write",
            json!([[id], {"name": "New", "email": "n@example.com"}]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!(true));
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "read",
            json!([[id], ["name", "email", "display_name"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        r,
        json!([{"id": id, "name": "New", "email": "n@example.com", "display_name": "New"}])
    );
    // Writing false empties a field.
    app.call_kw(
        &admin,
        "res.partner",
        "write",
        json!([[id], {"email": false}]),
        json!({}),
    )
    .await
    .unwrap();
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "read",
            json!([[id], ["email"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r[0]["email"], json!(false));
    // A write on a deleted record is a MissingError.
    let err = app
        .call_kw(
            &admin,
            "res.partner",
            "write",
            json!([[999_999], {"name": "x"}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.MissingError",
        "Record does not exist or has been deleted.",
    );
});

both!(search_offset_limit_order, |app| {
    let admin = app.login("admin", "admin").await;
    let mut ids = vec![];
    for name in ["Bravo", "Alpha", "Charlie", "Alpha"] {
        ids.push(partner(&app, &admin, json!({"name": name, "city": "Testville"})).await);
    }
    let d = json!([["city", "=", "Testville"]]);
    let by_name = search(
        &app,
        &admin,
        "res.partner",
        json!({"domain": d, "order": "name, id"}),
    )
    .await;
    assert_eq!(by_name, vec![ids[1], ids[3], ids[0], ids[2]]);
    let desc = search(
        &app,
        &admin,
        "res.partner",
        json!({"domain": d, "order": "name desc, id"}),
    )
    .await;
    assert_eq!(desc, vec![ids[2], ids[0], ids[1], ids[3]]);
    let page = search(
        &app,
        &admin,
        "res.partner",
        json!({"domain": d, "order": "name desc, id", "offset": 1, "limit": 2}),
    )
    .await;
    assert_eq!(page, vec![ids[0], ids[1]]);
    // A many2one orders by its comodel's order (res.country: name), not by id.
    let us = app.xmlid("base.us").await;
    let be = app.xmlid("base.be").await;
    assert!(us < be, "the check below needs the US created first");
    let in_us = partner(
        &app,
        &admin,
        json!({"name": "P-US", "city": "Ordertown", "country_id": us}),
    )
    .await;
    let in_be = partner(
        &app,
        &admin,
        json!({"name": "P-BE", "city": "Ordertown", "country_id": be}),
    )
    .await;
    let od = json!([["city", "=", "Ordertown"]]);
    assert_eq!(
        search(
            &app,
            &admin,
            "res.partner",
            json!({"domain": od, "order": "country_id"})
        )
        .await,
        vec![in_be, in_us]
    );
    assert_eq!(
        search(
            &app,
            &admin,
            "res.partner",
            json!({"domain": od, "order": "country_id desc, id"})
        )
        .await,
        vec![in_us, in_be]
    );
    // The same many2one twice joins once.
    assert_eq!(
        search(
            &app,
            &admin,
            "res.partner",
            json!({"domain": od, "order": "country_id desc, country_id, id"})
        )
        .await,
        vec![in_us, in_be]
    );
    // ir.model.access orders by two many2ones by default.
    let r = app
        .call_kw(
            &admin,
            "ir.model.access",
            "search_count",
            json!([[]]),
            json!({}),
        )
        .await
        .unwrap();
    let n = r.as_i64().unwrap();
    let r = app
        .call_kw(&admin, "ir.model.access", "search", json!([[]]), json!({}))
        .await
        .unwrap();
    assert_eq!(r.as_array().unwrap().len() as i64, n);
    // A falsy limit means no limit, as in Odoo.
    let all = search(
        &app,
        &admin,
        "res.partner",
        json!({"domain": d, "order": "name, id", "limit": 0}),
    )
    .await;
    assert_eq!(all, by_name);
    // Unknown keyword arguments are a TypeError, as Python's.
    let err = app
        .call_kw(
            &admin,
            "res.partner",
            "search",
            json!([d]),
            json!({"bogus": 1}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "builtins.TypeError",
        "search() got an unexpected keyword argument 'bogus'",
    );
    // Positional args: domain, offset, limit, order.
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "search",
            json!([d, 3, 5, "name"]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!([ids[2]]));
    // The model's default order ("name, id desc" for res.partner).
    let dflt = search(&app, &admin, "res.partner", json!({"domain": d})).await;
    assert_eq!(dflt, vec![ids[3], ids[1], ids[0], ids[2]]);
    let n = app
        .call_kw(&admin, "res.partner", "search_count", json!([d]), json!({}))
        .await
        .unwrap();
    assert_eq!(n, json!(4));
    let n = app
        .call_kw(
            &admin,
            "res.partner",
            "search_count",
            json!([d]),
            json!({"limit": 2}),
        )
        .await
        .unwrap();
    assert_eq!(n, json!(2));
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "search_read",
            json!([d, ["name"]]),
            json!({"order": "name desc, id desc", "limit": 2}),
        )
        .await
        .unwrap();
    assert_eq!(
        r,
        json!([{"id": ids[2], "name": "Charlie"}, {"id": ids[0], "name": "Bravo"}])
    );
});

both!(order_injection_is_refused, |app| {
    let admin = app.login("admin", "admin").await;
    let before = app
        .call_kw(
            &admin,
            "res.partner",
            "search_count",
            json!([[]]),
            json!({}),
        )
        .await
        .unwrap();
    for order in [
        "name; drop table res_partner",
        "name desc; delete from res_partner",
        "(select 1)",
        "name asc asc",
        "nope",
        "name, id; --",
    ] {
        let err = app
            .call_kw(
                &admin,
                "res.partner",
                "search",
                json!([[]]),
                json!({"order": order}),
            )
            .await
            .unwrap_err();
        assert_error(&err, "builtins.ValueError", "Invalid \"order\" specified");
    }
    let after = app
        .call_kw(
            &admin,
            "res.partner",
            "search_count",
            json!([[]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(before, after);
    // "nulls first/last" is accepted.
    search(
        &app,
        &admin,
        "res.partner",
        json!({"domain": [], "order": "email desc nulls last, id"}),
    )
    .await;
});

both!(unlink_and_ondelete_restrict, |app| {
    let admin = app.login("admin", "admin").await;
    let id = partner(&app, &admin, json!({"name": "Temp"})).await;
    let r = app
        .call_kw(&admin, "res.partner", "unlink", json!([[id]]), json!({}))
        .await
        .unwrap();
    assert_eq!(r, json!(true));
    let r = app
        .call_kw(&admin, "res.partner", "exists", json!([[id]]), json!({}))
        .await
        .unwrap();
    assert_eq!(r, json!([]));
    // A country used by a partner (ondelete restrict) cannot be deleted.
    let country = app
        .call_kw(
            &admin,
            "res.country",
            "create",
            json!([{"name": "Testland", "code": "TL"}]),
            json!({}),
        )
        .await
        .unwrap();
    let p = partner(
        &app,
        &admin,
        json!({"name": "Resident", "country_id": country}),
    )
    .await;
    let err = app
        .call_kw(
            &admin,
            "res.country",
            "unlink",
            json!([[country]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.ValidationError",
        "The operation cannot be completed",
    );
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "read",
            json!([[p], ["country_id"]]),
            json!({"load": null}),
        )
        .await
        .unwrap();
    assert_eq!(r[0]["country_id"], country);
});

both!(copy_duplicates_with_defaults, |app| {
    let admin = app.login("admin", "admin").await;
    let id = partner(&app, &admin, json!({"name": "Original", "city": "Paris"})).await;
    let copy = app
        .call_kw(&admin, "res.partner", "copy", json!([id]), json!({}))
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    assert_ne!(copy, id);
    let copy2 = app
        .call_kw(
            &admin,
            "res.partner",
            "copy",
            json!([[id]]),
            json!({"default": {"name": "Renamed"}}),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "read",
            json!([[copy, copy2], ["name", "city"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        r[0],
        json!({"id": copy, "name": "Original (copy)", "city": "Paris"})
    );
    assert_eq!(
        r[1],
        json!({"id": copy2, "name": "Renamed", "city": "Paris"})
    );
    let err = app
        .call_kw(&admin, "res.partner", "copy", json!([[999_999]]), json!({}))
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.MissingError",
        "Record does not exist",
    );
});

both!(default_get_and_context_defaults, |app| {
    let admin = app.login("admin", "admin").await;
    let company = app.xmlid("base.main_company").await;
    let r = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "default_get",
            json!([["sequence", "active", "company_id", "split_transactions"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r["sequence"], json!(1));
    assert_eq!(r["active"], json!(true));
    assert_eq!(r["company_id"], json!(company));
    assert_eq!(r["split_transactions"], json!(false));
    // x2many defaults come as [[6, 0, ids]]: the company's non-split methods here.
    let methods = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "search",
            json!([[["split_transactions", "=", false]]]),
            json!({"order": "id"}),
        )
        .await
        .unwrap();
    let r = app
        .call_kw(
            &admin,
            "pos.config",
            "default_get",
            json!([["payment_method_ids", "company_id"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        r,
        json!({"payment_method_ids": [[6, 0, methods]], "company_id": company})
    );
    let card = app.xmlid("ops_demo.payment_method_card").await;
    let r = app
        .call_kw(
            &admin,
            "pos.config",
            "default_get",
            json!([["payment_method_ids"]]),
            json!({"context": {"default_payment_method_ids": [card]}}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!({"payment_method_ids": [[6, 0, [card]]]}));
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "default_get",
            json!([["name", "city", "active"]]),
            json!({"context": {"default_city": "Brussels", "default_name": "Pre-filled"}}),
        )
        .await
        .unwrap();
    assert_eq!(
        r,
        json!({"name": "Pre-filled", "city": "Brussels", "active": true})
    );
    // Context defaults also apply to create.
    let id = app
        .call_kw(
            &admin,
            "res.partner",
            "create",
            json!([{"name": "Ctx"}]),
            json!({"context": {"default_city": "Ghent"}}),
        )
        .await
        .unwrap();
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "read",
            json!([[id], ["city"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r[0]["city"], json!("Ghent"));
    let err = app
        .call_kw(
            &admin,
            "res.partner",
            "default_get",
            json!([["nope"]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "builtins.ValueError",
        "Invalid field 'nope' on model 'res.partner'",
    );
});

both!(fields_get_with_attributes, |app| {
    let admin = app.login("admin", "admin").await;
    let all = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "fields_get",
            json!([]),
            json!({}),
        )
        .await
        .unwrap();
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
    let some = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "fields_get",
            json!([["name", "journal_id"]]),
            json!({"attributes": ["type", "string"]}),
        )
        .await
        .unwrap();
    assert_eq!(
        some,
        json!({
            "name": {"type": "char", "string": "Method"},
            "journal_id": {"type": "many2one", "string": "Journal"},
        })
    );
});

both!(name_search_name_create_display_name, |app| {
    let admin = app.login("admin", "admin").await;
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "name_create",
            json!(["Quick Partner"]),
            json!({}),
        )
        .await
        .unwrap();
    let id = r[0].as_i64().unwrap();
    assert_eq!(r, json!([id, "Quick Partner"]));
    let other = partner(&app, &admin, json!({"name": "Quick Other"})).await;
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "name_search",
            json!(["quick"]),
            json!({}),
        )
        .await
        .unwrap();
    let found: Vec<i64> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_i64().unwrap())
        .collect();
    assert!(found.contains(&id) && found.contains(&other), "{r}");
    assert!(r
        .as_array()
        .unwrap()
        .contains(&json!([other, "Quick Other"])));
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "name_search",
            json!([]),
            json!({"name": "Quick Partner", "operator": "=", "args": [["id", "!=", other]], "limit": 5}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!([[id, "Quick Partner"]]));
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "name_search",
            json!(["quick"]),
            json!({"limit": 1}),
        )
        .await
        .unwrap();
    assert_eq!(r.as_array().unwrap().len(), 1);
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "search_read",
            json!([[["id", "=", id]], ["display_name"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!([{"id": id, "display_name": "Quick Partner"}]));
});

both!(web_search_read_and_web_read, |app| {
    let admin = app.login("admin", "admin").await;
    let us = app.xmlid("base.us").await;
    let mut ids = vec![];
    for name in ["W1", "W2", "W3"] {
        ids.push(
            partner(
                &app,
                &admin,
                json!({"name": name, "city": "Webtown", "country_id": us}),
            )
            .await,
        );
    }
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "web_search_read",
            json!([]),
            json!({
                "domain": [["city", "=", "Webtown"]],
                "specification": {"name": {}, "country_id": {"fields": {"display_name": {}}}},
                "order": "name desc",
                "limit": 2,
            }),
        )
        .await
        .unwrap();
    assert_eq!(r["length"], json!(3));
    assert_eq!(
        r["records"],
        json!([
            {"id": ids[2], "name": "W3", "country_id": {"id": us, "display_name": "United States"}},
            {"id": ids[1], "name": "W2", "country_id": {"id": us, "display_name": "United States"}},
        ])
    );
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "web_read",
            json!([[ids[0]]]),
            json!({"specification": {"name": {}, "country_id": {}}}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!([{"id": ids[0], "name": "W1", "country_id": us}]));
    // x2many with sub-fields.
    app.call_kw(
        &admin,
        "res.partner",
        "write",
        json!([[ids[1], ids[2]], {"parent_id": ids[0]}]),
        json!({}),
    )
    .await
    .unwrap();
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "web_read",
            json!([[ids[0]]]),
            json!({"specification": {"child_ids": {"fields": {"name": {}}}}}),
        )
        .await
        .unwrap();
    // `order` and `limit` on an x2many: sorted, only the first ones read.
    let r2 = app
        .call_kw(
            &admin,
            "res.partner",
            "web_read",
            json!([[ids[0]]]),
            json!({"specification": {"child_ids": {"fields": {"name": {}}, "order": "name desc", "limit": 1}}}),
        )
        .await
        .unwrap();
    assert_eq!(
        r2[0]["child_ids"],
        json!([{"id": ids[2], "name": "W3"}, {"id": ids[1]}])
    );
    let mut children = r[0]["child_ids"].as_array().unwrap().clone();
    children.sort_by_key(|c| c["id"].as_i64());
    assert_eq!(
        children,
        vec![
            json!({"id": ids[1], "name": "W2"}),
            json!({"id": ids[2], "name": "W3"})
        ]
    );
});

both!(archiving_and_active_test, |app| {
    let admin = app.login("admin", "admin").await;
    let id = partner(&app, &admin, json!({"name": "Archived Co", "city": "Arch"})).await;
    let d = json!([["city", "=", "Arch"]]);
    app.call_kw(
        &admin,
        "res.partner",
        "write",
        json!([[id], {"active": false}]),
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(
        search(&app, &admin, "res.partner", json!({"domain": d})).await,
        Vec::<i64>::new()
    );
    assert_eq!(
        search(
            &app,
            &admin,
            "res.partner",
            json!({"domain": d, "context": {"active_test": false}})
        )
        .await,
        vec![id]
    );
    assert_eq!(
        search(
            &app,
            &admin,
            "res.partner",
            json!({"domain": [["city", "=", "Arch"], ["active", "in", [true, false]]]})
        )
        .await,
        vec![id]
    );
    assert_eq!(
        search(
            &app,
            &admin,
            "res.partner",
            json!({"domain": [["city", "=", "Arch"], ["active", "=", false]]})
        )
        .await,
        vec![id]
    );
    // read still reads archived records.
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "read",
            json!([[id], ["active"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!([{"id": id, "active": false}]));
});

both!(unknown_model_field_method_and_private_methods, |app| {
    let admin = app.login("admin", "admin").await;
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
    let err = app
        .call_kw(&admin, "no.such.model", "search", json!([[]]), json!({}))
        .await
        .unwrap_err();
    assert_eq!(err["code"], json!(404), "{err}");
    assert_eq!(err["message"], json!("404: Not Found"));
    assert_eq!(err["data"]["name"], json!("werkzeug.exceptions.NotFound"));
    let err = app
        .call_kw(
            &admin,
            "res.partner",
            "read",
            json!([[1], ["nope"]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "builtins.ValueError",
        "Invalid field 'nope' on model 'res.partner'",
    );
    let err = app
        .call_kw(
            &admin,
            "res.partner",
            "create",
            json!([{"name": "x", "nope": 1}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "builtins.ValueError",
        "Invalid field 'nope' on model 'res.partner'",
    );
    let err = app
        .call_kw(
            &admin,
            "res.partner",
            "write",
            json!([[1], {"nope": 1}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(&err, "builtins.ValueError", "Invalid field 'nope'");
    let err = app
        .call_kw(&admin, "res.partner", "frobnicate", json!([]), json!({}))
        .await
        .unwrap_err();
    assert_error(
        &err,
        "builtins.AttributeError",
        "The method 'frobnicate' does not exist on the model 'res.partner'",
    );
    for method in ["_search", "_read_group", "__init__"] {
        let err = app
            .call_kw(&admin, "res.partner", method, json!([[]]), json!({}))
            .await
            .unwrap_err();
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

both!(wrong_types_selection_and_required, |app| {
    let admin = app.login("admin", "admin").await;
    // ids that are not integers.
    let err = app
        .call_kw(
            &admin,
            "res.partner",
            "read",
            json!([["a"], ["name"]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(err["data"]["name"], json!("builtins.TypeError"), "{err}");
    // An integer field given text.
    let err = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "create",
            json!([{"name": "X", "sequence": "ten"}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(err["data"]["name"], json!("builtins.ValueError"), "{err}");
    // A selection value outside the options.
    let err = app
        .call_kw(
            &admin,
            "res.currency",
            "create",
            json!([{"name": "XTS", "symbol": "X", "position": "middle"}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "builtins.ValueError",
        "Wrong value for res.currency.position: 'middle'",
    );
    // A required field missing or emptied.
    let err = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "create",
            json!([{"sequence": 3}]),
            json!({}),
        )
        .await
        .unwrap_err();
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
    let err = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "write",
            json!([[cash], {"name": false}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.ValidationError",
        "a mandatory field is not set",
    );
    // vals that are not a dict.
    let err = app
        .call_kw(
            &admin,
            "res.partner",
            "create",
            json!(["just a string"]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert!(
        ["builtins.TypeError", "builtins.ValueError"]
            .contains(&err["data"]["name"].as_str().unwrap()),
        "{err}"
    );
});

// No model of the seed declares a monetary field (amounts live in Stripe calls), so
// exactness is checked on a float column: what is sent is what is read back, bit for
// bit, and an exact comparison finds it.
both!(float_values_round_trip_exactly, |app| {
    let admin = app.login("admin", "admin").await;
    let id = app
        .call_kw(
            &admin,
            "res.currency",
            "create",
            json!([{"name": "XTS", "symbol": "X"}]),
            json!({}),
        )
        .await
        .unwrap();
    let r = app
        .call_kw(
            &admin,
            "res.currency",
            "read",
            json!([[id], ["rounding"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r[0]["rounding"], json!(0.01));
    for sent in [0.1 + 0.2, 0.3, 1234567.89, 0.001] {
        app.call_kw(
            &admin,
            "res.currency",
            "write",
            json!([[id], {"rounding": sent}]),
            json!({}),
        )
        .await
        .unwrap();
        let r = app
            .call_kw(
                &admin,
                "res.currency",
                "read",
                json!([[id], ["rounding"]]),
                json!({}),
            )
            .await
            .unwrap();
        assert_eq!(r[0]["rounding"].as_f64(), Some(sent));
        // And the column itself holds the same double on either backend.
        let backend = match app.backend {
            Backend::Sqlite => sea_orm::DbBackend::Sqlite,
            Backend::Postgres => sea_orm::DbBackend::Postgres,
        };
        let row = app
            .services
            .db
            .query_one(sea_orm::Statement::from_string(
                backend,
                format!("SELECT rounding FROM res_currency WHERE id = {id}"),
            ))
            .await
            .unwrap()
            .expect("the currency row");
        assert_eq!(row.try_get_by::<f64, _>("rounding").unwrap(), sent);
        let found = search(
            &app,
            &admin,
            "res.currency",
            json!({"domain": [["id", "=", id], ["rounding", "=", sent]]}),
        )
        .await;
        assert_eq!(found.len(), 1, "rounding = {sent}");
    }
});

both!(one_call_is_one_transaction, |app| {
    let admin = app.login("admin", "admin").await;
    let count = || async {
        app.call_kw(
            &admin,
            "res.partner",
            "search_count",
            json!([[["city", "=", "Atomic"]]]),
            json!({"context": {"active_test": false}}),
        )
        .await
        .unwrap()
    };
    let err = app
        .call_kw(
            &admin,
            "res.partner",
            "create",
            json!([[{"name": "First", "city": "Atomic"}, {"name": "Second", "city": "Atomic", "nope": 1}]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(&err, "builtins.ValueError", "Invalid field 'nope'");
    assert_eq!(count().await, json!(0));
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
    assert_eq!(count().await, json!(0));
    // A write followed by a failing write in the same call keeps neither.
    let id = partner(&app, &admin, json!({"name": "Keep", "city": "Atomic"})).await;
    let cash = app.xmlid("ops_demo.payment_method_cash").await;
    let err = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "write",
            json!([[cash], {"sequence": 42, "name": false}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(&err, "odoo.exceptions.ValidationError", "mandatory");
    let r = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "read",
            json!([[cash], ["sequence", "name"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_ne!(r[0]["sequence"], json!(42));
    assert_eq!(count().await, json!(1));
    let _ = id;
});

both!(metadata_models, |app| {
    let admin = app.login("admin", "admin").await;
    let r = app
        .call_kw(
            &admin,
            "ir.model",
            "search_read",
            json!([
                [["model", "=", "pos.payment.method"]],
                ["model", "name", "transient"]
            ]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r.as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r[0]["model"], json!("pos.payment.method"));
    assert_eq!(r[0]["name"], json!("Point of Sale Payment Methods"));
    assert_eq!(r[0]["transient"], json!(false));
    let r = app
        .call_kw(
            &admin,
            "ir.model",
            "search_read",
            json!([[["model", "=", "res.config.settings"]], ["transient"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r[0]["transient"], json!(true));
    let r = app
        .call_kw(
            &admin,
            "ir.model.fields",
            "search_read",
            json!([
                [
                    ["model", "=", "pos.payment.method"],
                    ["name", "=", "stripe_serial_number"]
                ],
                ["name", "ttype", "field_description"]
            ]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r.as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r[0]["ttype"], json!("char"));
    assert_eq!(r[0]["field_description"], json!("Stripe Serial Number"));
    let company = app.xmlid("base.main_company").await;
    let r = app
        .call_kw(
            &admin,
            "ir.model.data",
            "check_object_reference",
            json!(["base", "main_company"]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!(["res.company", company]));
    let err = app
        .call_kw(
            &admin,
            "ir.model.data",
            "check_object_reference",
            json!(["base", "no_such_xmlid"]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "builtins.ValueError",
        "External ID not found in the system: base.no_such_xmlid",
    );
    let r = app
        .call_kw(
            &admin,
            "ir.model.data",
            "search_read",
            json!([
                [["module", "=", "base"], ["name", "=", "main_company"]],
                ["model", "res_id"]
            ]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r[0]["model"], json!("res.company"));
    assert_eq!(r[0]["res_id"], json!(company));
    // ir.model.access.check: true, or AccessError when raising.
    let cashier = app.login("cashier", "cashier").await;
    let r = app
        .call_kw(
            &cashier,
            "ir.model.access",
            "check",
            json!(["pos.config", "read"]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!(true));
    let r = app
        .call_kw(
            &cashier,
            "ir.model.access",
            "check",
            json!(["pos.config", "unlink", false]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!(false));
    let err = app
        .call_kw(
            &cashier,
            "ir.model.access",
            "check",
            json!(["pos.config", "unlink"]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.AccessError",
        "You are not allowed to delete",
    );
    let r = app
        .call_kw(&cashier, "res.users", "context_get", json!([]), json!({}))
        .await
        .unwrap();
    assert_eq!(r["uid"], json!(cashier.uid));
    assert!(r["lang"].is_string(), "{r}");
    assert!(r.get("tz").is_some(), "{r}");
});

both!(monetary_amounts_are_stored_exactly, |app| {
    let cashier = app.login("cashier", "cashier").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    // 18 significant digits: no f64 holds this amount exactly.
    let big: serde_json::Value = serde_json::from_str("1234567890123456.78").unwrap();
    let tenth: serde_json::Value = serde_json::from_str("0.1").unwrap();
    let session = app
        .call_kw(
            &cashier,
            "pos.session",
            "create",
            json!([{"config_id": shop, "cash_register_balance_start": big, "cash_register_balance_end_real": tenth}]),
            json!({}),
        )
        .await
        .unwrap();
    let read = app
        .call_kw(
            &cashier,
            "pos.session",
            "read",
            json!([
                [session],
                [
                    "cash_register_balance_start",
                    "cash_register_balance_end_real",
                    "currency_id"
                ]
            ]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        read[0]["cash_register_balance_start"].to_string(),
        "1234567890123456.78"
    );
    assert_eq!(read[0]["cash_register_balance_end_real"].to_string(), "0.1");
    assert_eq!(read[0]["currency_id"][1], json!("USD"));
    // Compared exactly in domains too.
    let found = app
        .call_kw(
            &cashier,
            "pos.session",
            "search",
            json!([[
                ["cash_register_balance_start", "=", big],
                ["cash_register_balance_end_real", ">", 0.09999999999999]
            ]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(found, json!([session]));
    let fields = app
        .call_kw(
            &cashier,
            "pos.session",
            "fields_get",
            json!([["cash_register_balance_start"]]),
            json!({"attributes": ["type", "currency_field"]}),
        )
        .await
        .unwrap();
    assert_eq!(
        fields["cash_register_balance_start"]["type"],
        json!("monetary")
    );
    assert_eq!(
        fields["cash_register_balance_start"]["currency_field"],
        json!("currency_id")
    );
});
