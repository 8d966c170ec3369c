//! Odoo 18 parity of access rights (issue 8, items 15-19): the CSVs' access lines and
//! the multi-company rules, the ACL error's group list, the field-rights error, and
//! `has_group` with Odoo's implied groups.

use serde_json::{json, Value};

use crate::both;
use crate::parity_support::*;

const RESOLUTION: &str = "\n\nContact your administrator to request access if necessary.";

fn acl_error(verb: &str, kind: &str, model: &str, groups: &[&str]) -> String {
    let groups = if groups.is_empty() {
        "No group currently allows this operation.".to_string()
    } else {
        let lines: Vec<String> = groups.iter().map(|g| format!("\t- {g}")).collect();
        format!(
            "This operation is allowed for the following groups:\n{}",
            lines.join("\n")
        )
    };
    format!("You are not allowed to {verb} '{kind}' ({model}) records.\n\n{groups}{RESOLUTION}")
}

both!(only_administrators_read_payment_providers, |app| {
    let admin = demo(&app, "admin").await;
    let cashier = demo(&app, "cashier").await;
    let provider = xmlid(&app, &admin, "payment.payment_provider_stripe").await;
    let e = err(
        &app,
        &cashier,
        "payment.provider",
        "search_read",
        json!([[], ["name", "code"]]),
    )
    .await;
    assert_exact(
        &e,
        "odoo.exceptions.AccessError",
        &acl_error(
            "access",
            "Payment Provider",
            "payment.provider",
            &["Administration/Settings"],
        ),
    );
    let e = err(
        &app,
        &cashier,
        "payment.provider",
        "write",
        json!([[provider], {"name": "x"}]),
    )
    .await;
    assert_exact(
        &e,
        "odoo.exceptions.AccessError",
        &acl_error(
            "modify",
            "Payment Provider",
            "payment.provider",
            &["Administration/Settings"],
        ),
    );
    let rows = ok(
        &app,
        &admin,
        "payment.provider",
        "search_read",
        json!([[], ["name", "code"]]),
    )
    .await;
    assert_eq!(rows[0]["code"], json!("stripe"));
});

both!(access_lines_and_group_lists_are_odoos, |app| {
    let admin = demo(&app, "admin").await;
    let cashier = demo(&app, "cashier").await;
    let employee = demo(&app, "employee").await;
    let shop = xmlid(&app, &admin, "ops_demo.pos_config_shop").await;
    let bank = xmlid(&app, &admin, "ops_demo.journal_bank").await;
    // A POS user writes a POS config but creates none.
    ok(
        &app,
        &cashier,
        "pos.config",
        "write",
        json!([[shop], {"name": "Shop"}]),
    )
    .await;
    let e = err(
        &app,
        &cashier,
        "pos.config",
        "create",
        json!([{"name": "Mine"}]),
    )
    .await;
    assert_exact(
        &e,
        "odoo.exceptions.AccessError",
        &acl_error(
            "create",
            "Point of Sale Configuration",
            "pos.config",
            &["Point of Sale/Administrator"],
        ),
    );
    let e = err(
        &app,
        &cashier,
        "pos.payment.method",
        "create",
        json!([{"name": "Mine"}]),
    )
    .await;
    assert_exact(
        &e,
        "odoo.exceptions.AccessError",
        &acl_error(
            "create",
            "Point of Sale Payment Methods",
            "pos.payment.method",
            &["Point of Sale/Administrator"],
        ),
    );
    // Journals: read by POS users and accountants, written by accounting managers.
    let e = err(
        &app,
        &cashier,
        "account.journal",
        "write",
        json!([[bank], {"name": "x"}]),
    )
    .await;
    assert_exact(
        &e,
        "odoo.exceptions.AccessError",
        &acl_error(
            "modify",
            "Journal",
            "account.journal",
            &["Invoicing/Administrator"],
        ),
    );
    let e = err(&app, &employee, "account.journal", "search", json!([[]])).await;
    assert_exact(
        &e,
        "odoo.exceptions.AccessError",
        &acl_error(
            "access",
            "Journal",
            "account.journal",
            &[
                "Invoicing/Administrator",
                "Invoicing/Invoicing",
                "Point of Sale/User",
                "Technical/Show Accounting Features - Readonly",
            ],
        ),
    );
    // No one deletes a session; only administrators touch the settings.
    let manager = user_in(
        &app,
        &admin,
        "manager",
        &["base.group_user", "point_of_sale.group_pos_manager"],
    )
    .await;
    let session = create(&app, &manager, "pos.session", json!({"config_id": shop})).await;
    let e = err(&app, &manager, "pos.session", "unlink", json!([[session]])).await;
    assert_exact(
        &e,
        "odoo.exceptions.AccessError",
        &acl_error("delete", "Point of Sale Session", "pos.session", &[]),
    );
    let e = err(&app, &manager, "res.config.settings", "create", json!([{}])).await;
    assert_exact(
        &e,
        "odoo.exceptions.AccessError",
        &acl_error(
            "create",
            "Config Settings",
            "res.config.settings",
            &["Administration/Settings"],
        ),
    );
    let settings = create(&app, &admin, "res.config.settings", json!({})).await;
    ok(
        &app,
        &admin,
        "res.config.settings",
        "execute",
        json!([[settings]]),
    )
    .await;
});

both!(
    company_rules_hide_other_companies_and_say_which_one,
    |app| {
        let admin = demo(&app, "admin").await;
        let cashier = demo(&app, "cashier").await;
        let main = xmlid(&app, &admin, "base.main_company").await;
        let other = create(&app, &admin, "res.company", json!({"name": "Other Co"})).await;
        ok(
            &app,
            &admin,
            "res.users",
            "write",
            json!([[cashier.uid], {"company_ids": [[4, other]]}]),
        )
        .await;
        let method = call(
            &app,
            &admin,
            "pos.payment.method",
            "create",
            json!([{"name": "Elsewhere", "company_id": other}]),
            json!({"context": {"allowed_company_ids": [other, main]}}),
        )
        .await
        .unwrap();
        // From the main company alone the cashier may not read it: Odoo's record-rule
        // error, pointing at the company to switch to.
        let e = err(
            &app,
            &cashier,
            "pos.payment.method",
            "read",
            json!([[method], ["name"]]),
        )
        .await;
        assert_exact(
        &e,
        "odoo.exceptions.AccessError",
        &format!(
            "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, Cashier (id={}) doesn't have 'read' access to:\n- Point of Sale Payment Methods (pos.payment.method)\n\nIf you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.\n\nThis seems to be a multi-company issue, you might be able to access the record by switching to the company: Other Co.",
            cashier.uid
        ),
    );
        // The admin, without the company, is told it is out of reach.
        ok(
            &app,
            &admin,
            "res.users",
            "write",
            json!([[admin.uid], {"company_ids": [[3, other]]}]),
        )
        .await;
        let e = err(
            &app,
            &admin,
            "pos.payment.method",
            "write",
            json!([[method], {"name": "x"}]),
        )
        .await;
        let message = e["data"]["message"].as_str().unwrap_or_default();
        assert!(
        message.ends_with("\n\nThis seems to be a multi-company issue, but you do not have access to the proper company to access the record anyhow."),
        "{message}"
    );
        let found = call(
            &app,
            &cashier,
            "pos.payment.method",
            "search",
            json!([[["name", "=", "Elsewhere"]]]),
            json!({"context": {"allowed_company_ids": [other]}}),
        )
        .await
        .unwrap();
        assert_eq!(found, json!([method]));
    }
);

both!(field_rights_error_is_odoo_18s_text, |app| {
    let cashier = demo(&app, "cashier").await;
    let admin = demo(&app, "admin").await;
    let provider = xmlid(&app, &admin, "payment.payment_provider_stripe").await;
    // The fields' groups are checked before the model's rights.
    let e = err(
        &app,
        &cashier,
        "payment.provider",
        "read",
        json!([[provider], ["stripe_secret_key"]]),
    )
    .await;
    assert_exact(
        &e,
        "odoo.exceptions.AccessError",
        &format!(
            "You do not have enough rights to access the fields \"stripe_secret_key\" on Payment Provider (payment.provider). Please contact your system administrator.\n\nOperation: read\nUser: {}\nFields:\n- stripe_secret_key (allowed for groups 'Administration / Settings')",
            cashier.uid
        ),
    );
    let e = err(
        &app,
        &cashier,
        "payment.provider",
        "search_read",
        json!([[], ["stripe_webhook_secret", "name", "stripe_secret_key"]]),
    )
    .await;
    let message = e["data"]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("You do not have enough rights to access the fields \"stripe_webhook_secret,stripe_secret_key\" on"),
        "{message}"
    );
    assert!(
        message.ends_with("Fields:\n- stripe_secret_key (allowed for groups 'Administration / Settings')\n- stripe_webhook_secret (allowed for groups 'Administration / Settings')"),
        "{message}"
    );
});

both!(has_group_answers_for_the_user_asked_about, |app| {
    let admin = demo(&app, "admin").await;
    let cashier = demo(&app, "cashier").await;
    let has = |who: User, uid: Value, group: &str| {
        let (app, group) = (&app, group.to_string());
        async move {
            call(
                app,
                &who,
                "res.users",
                "has_group",
                json!([uid, group]),
                json!({}),
            )
            .await
        }
    };
    let manager = "point_of_sale.group_pos_manager";
    assert_eq!(
        has(admin.clone(), json!([cashier.uid]), manager).await,
        Ok(json!(false))
    );
    assert_eq!(
        has(admin.clone(), json!([admin.uid]), manager).await,
        Ok(json!(true))
    );
    assert_eq!(
        has(admin.clone(), json!([admin.uid]), "base.group_erp_manager").await,
        Ok(json!(true))
    );
    assert_eq!(
        has(admin.clone(), json!([cashier.uid]), "nope.nope").await,
        Ok(json!(false))
    );
    // Technical features need debug mode, which no session here has.
    assert_eq!(
        has(admin.clone(), json!([admin.uid]), "base.group_no_one").await,
        Ok(json!(false))
    );
    let e = has(admin.clone(), json!([]), manager).await.unwrap_err();
    assert_exact(&e, "builtins.ValueError", "Expected singleton: res.users()");
    let e = has(admin.clone(), json!([admin.uid, cashier.uid]), manager)
        .await
        .unwrap_err();
    assert_exact(
        &e,
        "builtins.ValueError",
        &format!(
            "Expected singleton: res.users({}, {})",
            admin.uid, cashier.uid
        ),
    );
    // A POS user is not thereby an internal user, and may then ask about no one else.
    let pos_only = user_in(&app, &admin, "posonly", &["point_of_sale.group_pos_user"]).await;
    assert_eq!(
        has(admin.clone(), json!([pos_only.uid]), "base.group_user").await,
        Ok(json!(false))
    );
    assert_eq!(
        has(
            pos_only.clone(),
            json!([pos_only.uid]),
            "point_of_sale.group_pos_user"
        )
        .await,
        Ok(json!(true))
    );
    let e = has(pos_only, json!([admin.uid]), manager)
        .await
        .unwrap_err();
    assert_exact(
        &e,
        "odoo.exceptions.AccessError",
        "You can ony call user.has_group() with your current user.",
    );
});
