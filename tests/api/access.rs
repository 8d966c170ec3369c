//! The access matrix: model access rights per group (POS user, POS manager, internal
//! employee, administrator), field groups on `payment.provider`'s Stripe secrets, and
//! multi-company record rules with `allowed_company_ids`.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::*;

/// A POS manager who is not a system administrator.
async fn pos_manager(app: &TestApp) -> Client {
    let admin = app.login("admin", "admin").await;
    let internal = app.xmlid("base.group_user").await;
    let manager = app.xmlid("point_of_sale.group_pos_manager").await;
    app.call_kw(
        &admin,
        "res.users",
        "create",
        json!([{"name": "Pos Manager", "login": "posman", "password": "posman-pw", "groups_id": [[6, 0, [internal, manager]]]}]),
        json!({}),
    )
    .await
    .expect("creating a POS manager");
    app.login("posman", "posman-pw").await
}

#[track_caller]
fn assert_acl_error(err: &Value, verb: &str, description: &str, model: &str) {
    assert_error(
        err,
        "odoo.exceptions.AccessError",
        &format!("You are not allowed to {verb} '{description}' ({model}) records."),
    );
}

both!(pos_user_reads_but_cannot_change_pos_models, |app| {
    let cashier = app.login("cashier", "cashier").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    let card = app.xmlid("ops_demo.payment_method_card").await;
    let r = app
        .call_kw(
            &cashier,
            "pos.config",
            "search_read",
            json!([[], ["name", "payment_method_ids"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r[0]["id"], json!(shop));
    assert_eq!(r[0]["name"], json!("Shop"));
    let r = app
        .call_kw(
            &cashier,
            "pos.payment.method",
            "read",
            json!([[card], ["name", "use_payment_terminal"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r[0]["name"], json!("Card"));
    for (model, description) in [
        ("pos.config", "Point of Sale Configuration"),
        ("pos.payment.method", "Point of Sale Payment Methods"),
    ] {
        let err = app
            .call_kw(
                &cashier,
                model,
                "create",
                json!([{"name": "Nope"}]),
                json!({}),
            )
            .await
            .unwrap_err();
        assert_acl_error(&err, "create", description, model);
        let msg = err["data"]["message"].as_str().unwrap();
        assert!(msg.contains("Point of Sale / Administrator"), "{msg}");
        let id = if model == "pos.config" { shop } else { card };
        let err = app
            .call_kw(
                &cashier,
                model,
                "write",
                json!([[id], {"name": "Renamed"}]),
                json!({}),
            )
            .await
            .unwrap_err();
        assert_acl_error(&err, "modify", description, model);
        let err = app
            .call_kw(&cashier, model, "unlink", json!([[id]]), json!({}))
            .await
            .unwrap_err();
        assert_acl_error(&err, "delete", description, model);
    }
    // Nothing changed.
    let r = app
        .call_kw(
            &cashier,
            "pos.config",
            "read",
            json!([[shop], ["name"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r[0]["name"], json!("Shop"));
    // check_access_rights agrees.
    let r = app
        .call_kw(
            &cashier,
            "pos.config",
            "check_access_rights",
            json!(["write"]),
            json!({"raise_exception": false}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!(false));
});

both!(pos_manager_creates_and_edits_pos_models, |app| {
    let manager = pos_manager(&app).await;
    let bank = app.xmlid("ops_demo.journal_bank").await;
    let pm = app
        .call_kw(
            &manager,
            "pos.payment.method",
            "create",
            json!([{"name": "Manager Card", "journal_id": bank}]),
            json!({}),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let cfg = app
        .call_kw(
            &manager,
            "pos.config",
            "create",
            json!([{"name": "Bar", "payment_method_ids": [[6, 0, [pm]]]}]),
            json!({}),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    app.call_kw(
        &manager,
        "pos.config",
        "write",
        json!([[cfg], {"name": "Bar 2"}]),
        json!({}),
    )
    .await
    .unwrap();
    let r = app
        .call_kw(
            &manager,
            "pos.config",
            "read",
            json!([[cfg], ["name", "payment_method_ids"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        r,
        json!([{"id": cfg, "name": "Bar 2", "payment_method_ids": [pm]}])
    );
    app.call_kw(&manager, "pos.config", "unlink", json!([[cfg]]), json!({}))
        .await
        .unwrap();
    // A POS manager is no system administrator: res.company stays read-only.
    let company = app.xmlid("base.main_company").await;
    let err = app
        .call_kw(
            &manager,
            "res.company",
            "write",
            json!([[company], {"name": "Mine"}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_acl_error(&err, "modify", "Companies", "res.company");
});

both!(stripe_secret_key_is_for_administrators_only, |app| {
    let admin = app.login("admin", "admin").await;
    let manager = pos_manager(&app).await;
    let employee = app.login("employee", "employee").await;
    let provider = app.xmlid("payment.payment_provider_stripe").await;
    let r = app
        .call_kw(
            &admin,
            "payment.provider",
            "read",
            json!([[provider], ["stripe_secret_key"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        r[0]["stripe_secret_key"],
        json!("sk_test_demo0000000000000000odooposstripe")
    );
    let fields = app
        .call_kw(
            &admin,
            "payment.provider",
            "fields_get",
            json!([]),
            json!({"attributes": ["type"]}),
        )
        .await
        .unwrap();
    assert!(fields.get("stripe_secret_key").is_some());
    for user in [&manager, &employee] {
        let err = app
            .call_kw(
                user,
                "payment.provider",
                "search_read",
                json!([[["code", "=", "stripe"]], ["name", "stripe_secret_key"]]),
                json!({}),
            )
            .await
            .unwrap_err();
        assert_error(
            &err,
            "odoo.exceptions.AccessError",
            "The requested operation can not be completed due to security restrictions.",
        );
        let msg = err["data"]["message"].as_str().unwrap();
        assert!(msg.contains("stripe_secret_key"), "{msg}");
        assert!(!msg.contains("sk_test_"), "the secret never leaks: {msg}");
        let err = app
            .call_kw(
                user,
                "payment.provider",
                "read",
                json!([[provider], ["stripe_secret_key"]]),
                json!({}),
            )
            .await
            .unwrap_err();
        assert_eq!(err["data"]["name"], json!("odoo.exceptions.AccessError"));
        // The same search_read without the field works...
        let r = app
            .call_kw(
                user,
                "payment.provider",
                "search_read",
                json!([[["code", "=", "stripe"]], ["name", "code"]]),
                json!({}),
            )
            .await
            .unwrap();
        assert_eq!(r[0]["id"], json!(provider));
        // ...a read of every field leaves it out...
        let r = app
            .call_kw(
                user,
                "payment.provider",
                "read",
                json!([[provider]]),
                json!({}),
            )
            .await
            .unwrap();
        let rec = r[0].as_object().unwrap();
        assert!(rec.contains_key("code"));
        assert!(!rec.contains_key("stripe_secret_key"), "{r}");
        assert!(!r.to_string().contains("sk_test_"), "{r}");
        // ...and fields_get does not list it.
        let fields = app
            .call_kw(user, "payment.provider", "fields_get", json!([]), json!({}))
            .await
            .unwrap();
        assert!(fields.get("stripe_secret_key").is_none());
        assert!(fields.get("code").is_some());
        // As in Odoo's payment_stripe, every Stripe key field is for base.group_system.
        assert!(fields.get("stripe_publishable_key").is_none());
        assert!(fields.get("stripe_webhook_secret").is_none());
        // Nor can it be probed through a domain or an order.
        for (domain, order) in [
            (
                json!([["stripe_secret_key", "=like", "sk_test_%"]]),
                json!(null),
            ),
            (json!([["stripe_secret_key", "!=", false]]), json!(null)),
            (json!(["!", ["stripe_secret_key", "=", "x"]]), json!(null)),
            (json!([]), json!("stripe_secret_key")),
        ] {
            let err = app
                .call_kw(
                    user,
                    "payment.provider",
                    "search",
                    json!([domain]),
                    json!({"order": order}),
                )
                .await
                .unwrap_err();
            assert_error(
                &err,
                "odoo.exceptions.AccessError",
                "The requested operation can not be completed due to security restrictions.",
            );
        }
        let err = app
            .call_kw(
                user,
                "payment.provider",
                "search_count",
                json!([[["stripe_secret_key", "ilike", "demo"]]]),
                json!({}),
            )
            .await
            .unwrap_err();
        assert_eq!(err["data"]["name"], json!("odoo.exceptions.AccessError"));
        // Writing it is refused too.
        let err = app
            .call_kw(
                user,
                "payment.provider",
                "write",
                json!([[provider], {"stripe_secret_key": "sk_test_x"}]),
                json!({}),
            )
            .await
            .unwrap_err();
        assert_eq!(err["data"]["name"], json!("odoo.exceptions.AccessError"));
    }
});

both!(employee_reads_no_pos_model, |app| {
    let employee = app.login("employee", "employee").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    for (model, description) in [
        ("pos.config", "Point of Sale Configuration"),
        ("pos.payment.method", "Point of Sale Payment Methods"),
        ("pos.session", "Point of Sale Session"),
    ] {
        for (method, args) in [
            ("search_read", json!([[], ["name"]])),
            ("search", json!([[]])),
            ("search_count", json!([[]])),
            ("read", json!([[shop], ["name"]])),
            ("name_search", json!(["Shop"])),
        ] {
            let err = app
                .call_kw(&employee, model, method, args, json!({}))
                .await
                .unwrap_err();
            assert_acl_error(&err, "access", description, model);
        }
        let err = app
            .call_kw(
                &employee,
                model,
                "create",
                json!([{"name": "x"}]),
                json!({}),
            )
            .await
            .unwrap_err();
        assert_acl_error(&err, "create", description, model);
    }
    // As in Odoo, fields_get checks no model access: the schema is not secret.
    let fields = app
        .call_kw(
            &employee,
            "pos.config",
            "fields_get",
            json!([["name"]]),
            json!({"attributes": ["type"]}),
        )
        .await
        .unwrap();
    assert_eq!(fields, json!({"name": {"type": "char"}}));
    let r = app
        .call_kw(
            &employee,
            "ir.model.access",
            "check",
            json!(["pos.config", "read", false]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!(false));
    // The same over /jsonrpc with a password.
    let err = app
        .execute_kw(
            employee.uid,
            "employee",
            "pos.payment.method",
            "search_read",
            json!([[]]),
            json!({"fields": ["name"]}),
        )
        .await
        .unwrap_err();
    assert_acl_error(
        &err,
        "access",
        "Point of Sale Payment Methods",
        "pos.payment.method",
    );
});

both!(multi_company_isolation, |app| {
    let admin = app.login("admin", "admin").await;
    let main = app.xmlid("base.main_company").await;
    let eur = app.xmlid("base.EUR").await;
    let other = app
        .call_kw(
            &admin,
            "res.company",
            "create",
            json!([{"name": "Other Co", "currency_id": eur}]),
            json!({}),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    // Odoo gives the creator access to a new company; take it back for this test.
    let admin_companies = app
        .call_kw(
            &admin,
            "res.users",
            "read",
            json!([[2], ["company_ids"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert!(
        admin_companies[0]["company_ids"]
            .as_array()
            .unwrap()
            .contains(&json!(other)),
        "the creator is given the new company: {admin_companies}"
    );
    app.call_kw(
        &admin,
        "res.users",
        "write",
        json!([[2], {"company_ids": [[3, other, 0]]}]),
        json!({}),
    )
    .await
    .unwrap();
    // The admin may not use a company they do not belong to.
    let err = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "search",
            json!([[]]),
            json!({"context": {"allowed_company_ids": [main, other]}}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.AccessError",
        "Access to unauthorized or invalid companies.",
    );
    // Nor create records in it.
    let err = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "create",
            json!([{"name": "Too Early", "company_id": other}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.AccessError",
        "doesn't have 'create' access to:\n- Point of Sale Payment Methods (pos.payment.method)",
    );
    app.call_kw(
        &admin,
        "res.users",
        "write",
        json!([[2], {"company_ids": [[4, other, 0]]}]),
        json!({}),
    )
    .await
    .unwrap();
    let both_companies = json!({"allowed_company_ids": [main, other]});
    let pm = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "create",
            json!([{"name": "Other Cash", "company_id": other}]),
            json!({"context": both_companies}),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let search = |context: Value| {
        let admin = admin.clone();
        let app = &app;
        async move {
            app.call_kw(
                &admin,
                "pos.payment.method",
                "search",
                json!([[["name", "=", "Other Cash"]]]),
                json!({"context": context}),
            )
            .await
        }
    };
    // Invisible from the main company alone...
    assert_eq!(search(json!({})).await.unwrap(), json!([]));
    assert_eq!(
        search(json!({"allowed_company_ids": [main]}))
            .await
            .unwrap(),
        json!([])
    );
    // ...visible once the company is allowed, whichever comes first.
    assert_eq!(search(both_companies.clone()).await.unwrap(), json!([pm]));
    assert_eq!(
        search(json!({"allowed_company_ids": [other]}))
            .await
            .unwrap(),
        json!([pm])
    );
    // A read by id of a record the rules hide is Odoo's record-rule AccessError.
    let err = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "read",
            json!([[pm], ["name"]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.AccessError",
        "Uh-oh! Looks like you have stumbled upon some top-secret records.",
    );
    assert!(err["data"]["message"].as_str().unwrap().contains(
        "doesn't have 'read' access to:\n- Point of Sale Payment Methods (pos.payment.method)"
    ));
    let err = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "write",
            json!([[pm], {"name": "Hacked"}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.AccessError",
        "doesn't have 'write' access",
    );
    let err = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "unlink",
            json!([[pm]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.AccessError",
        "doesn't have 'unlink' access",
    );
    let r = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "read",
            json!([[pm], ["name", "company_id"]]),
            json!({"context": both_companies}),
        )
        .await
        .unwrap();
    assert_eq!(r[0]["name"], json!("Other Cash"));
    assert_eq!(r[0]["company_id"], json!([other, "Other Co"]));
    // The first allowed company is the current one: defaults follow it.
    let r = app
        .call_kw(
            &admin,
            "pos.payment.method",
            "default_get",
            json!([["company_id"]]),
            json!({"context": {"allowed_company_ids": [other, main]}}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!({"company_id": other}));
    let info = app
        .rpc("/web/session/get_session_info", json!({}), Some(&admin))
        .await;
    let allowed = info["result"]["user_companies"]["allowed_companies"]
        .as_object()
        .unwrap();
    assert!(
        allowed.contains_key(&main.to_string()) && allowed.contains_key(&other.to_string()),
        "{info}"
    );
    // A user without the company never sees it, even when asking for it.
    let cashier = app.login("cashier", "cashier").await;
    let err = app
        .call_kw(
            &cashier,
            "pos.payment.method",
            "search",
            json!([[]]),
            json!({"context": {"allowed_company_ids": [main, other]}}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.AccessError",
        "Access to unauthorized or invalid companies.",
    );
    let r = app
        .call_kw(
            &cashier,
            "pos.payment.method",
            "search_count",
            json!([[["name", "=", "Other Cash"]]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!(0));
    let err = app
        .call_kw(
            &cashier,
            "pos.payment.method",
            "read",
            json!([[pm], ["name"]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(err["data"]["name"], json!("odoo.exceptions.AccessError"));
    // x2many reads leave out the records the rules hide.
    let parent = app
        .call_kw(
            &admin,
            "res.partner",
            "create",
            json!([{"name": "Group Parent", "company_id": false, "child_ids": [
                [0, 0, {"name": "Main Child", "company_id": main}],
                [0, 0, {"name": "Other Child", "company_id": other}],
            ]}]),
            json!({"context": both_companies}),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let children = |s: Client, context: Value| {
        let app = &app;
        async move {
            let r = app
                .call_kw(
                    &s,
                    "res.partner",
                    "read",
                    json!([[parent], ["child_ids"]]),
                    json!({"context": context}),
                )
                .await
                .unwrap();
            r[0]["child_ids"].as_array().unwrap().len()
        }
    };
    assert_eq!(children(admin.clone(), both_companies.clone()).await, 2);
    assert_eq!(children(admin.clone(), json!({})).await, 1);
    assert_eq!(children(cashier.clone(), json!({})).await, 1);
    let r = app
        .call_kw(
            &cashier,
            "res.partner",
            "web_read",
            json!([[parent]]),
            json!({"specification": {"child_ids": {"fields": {"name": {}}}}}),
        )
        .await
        .unwrap();
    assert_eq!(r[0]["child_ids"][0]["name"], json!("Main Child"));
    assert_eq!(r[0]["child_ids"].as_array().unwrap().len(), 1);
    // Records without a company are shared.
    let shared = app
        .call_kw(
            &admin,
            "res.partner",
            "create",
            json!([{"name": "Shared Partner", "company_id": false}]),
            json!({}),
        )
        .await
        .unwrap();
    let r = app
        .call_kw(
            &cashier,
            "res.partner",
            "search",
            json!([[["name", "=", "Shared Partner"]]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!([shared]));
});
