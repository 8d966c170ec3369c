//! Issue 12, items 5, 10 and 11: nested reads with the caller's rights; NUL bytes,
//! huge values, 100,000 ids and forged log columns; parent cycles.

use serde_json::{json, Value};

use crate::both;
use crate::hardening::{fault_code, xml_execute_kw};
use crate::helpers::*;

// ---------------------------------------------------------------- 5. nested reads

both!(nested_reads_use_the_callers_rights, |app| {
    let admin = app.login("admin", "admin").await;
    // A second company whose partner only its own users may read.
    let company = admin
        .call(
            "res.company",
            "create",
            json!([{"name": "Other Co"}]),
            json!({}),
        )
        .await
        .unwrap();
    admin
        .call(
            "res.users",
            "write",
            json!([[admin.uid], {"company_ids": [[4, company]]}]),
            json!({}),
        )
        .await
        .unwrap();
    let partner = admin.call("res.partner",
            "create",
            json!([{"name": "Secret Partner", "email": "secret@other.example", "company_id": company}]),
            json!({"context": {"allowed_company_ids": [1, company]}}),
        )
        .await
        .unwrap();
    admin
        .call(
            "res.company",
            "write",
            json!([[company], {"partner_id": partner}]),
            json!({}),
        )
        .await
        .unwrap();
    let cashier = app.login("cashier", "cashier").await;
    // The partner itself is hidden from the cashier...
    let err = cashier
        .call(
            "res.partner",
            "read",
            json!([[partner], ["email"]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err["data"]["name"],
        json!("odoo.exceptions.AccessError"),
        "{err}"
    );
    // ...so reading it through the company is the same AccessError (Odoo's web_read
    // reads sub-records as the caller), where its fields used to leak.
    let err = cashier.call("res.company",
            "web_read",
            json!([[company], {"partner_id": {"fields": {"email": {}, "phone": {}, "street": {}}}}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err["data"]["name"],
        json!("odoo.exceptions.AccessError"),
        "{err}"
    );
    assert!(!err.to_string().contains("secret@other.example"));
    // The company itself is not the cashier's: Odoo's res_company_rule_employee
    // (`[('id', 'in', company_ids)]`) hides it, even for a field as harmless as a name.
    let err = cashier
        .call(
            "res.company",
            "web_read",
            json!([[company], {"partner_id": {"fields": {"display_name": {}}}}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err["data"]["name"],
        json!("odoo.exceptions.AccessError"),
        "{err}"
    );
    assert!(!err.to_string().contains("Secret Partner"));
    // The administrator (Access Rights) reads every company.
    let r = admin
        .call(
            "res.company",
            "web_read",
            json!([[company], {"partner_id": {"fields": {"display_name": {}}}}]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        r[0]["partner_id"],
        json!({"id": partner, "display_name": "Secret Partner"})
    );
    // Dotted paths and names read the comodel with the caller's rules too: no
    // one-bit oracle on hidden records.
    for domain in [
        json!([["partner_id.email", "=", "secret@other.example"]]),
        json!([["partner_id", "ilike", "Secret Partner"]]),
        json!([["partner_id", "any", [["email", "like", "secret"]]]]),
    ] {
        let n = cashier
            .call("res.company", "search_count", json!([domain]), json!({}))
            .await
            .unwrap();
        assert_eq!(n, json!(0), "{domain}");
        let n = admin
            .call(
                "res.company",
                "search_count",
                json!([domain]),
                json!({"context": {"allowed_company_ids": [1, company]}}),
            )
            .await
            .unwrap();
        assert_eq!(n, json!(1), "admin: {domain}");
    }
    // web_search_read finds no company of another's, so it has nothing to sub-read.
    let r = cashier
        .call(
            "res.company",
            "web_search_read",
            json!([[["id", "=", company]], {"partner_id": {"fields": {"email": {}}}}]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!({"length": 0, "records": []}));
    // Nested reads with the caller's rights, where the top record is readable: the
    // cashier reads their own company, whose partner is moved to the hidden one's
    // company for the occasion.
    admin
        .call(
            "res.partner",
            "write",
            json!([[partner], {"company_id": company}]),
            json!({"context": {"allowed_company_ids": [1, company]}}),
        )
        .await
        .unwrap();
    admin
        .call(
            "res.company",
            "write",
            json!([[1], {"partner_id": partner}]),
            json!({}),
        )
        .await
        .unwrap();
    let err = cashier
        .call(
            "res.company",
            "web_read",
            json!([[1], {"partner_id": {"fields": {"email": {}}}}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err["data"]["name"],
        json!("odoo.exceptions.AccessError"),
        "{err}"
    );
    assert!(!err.to_string().contains("secret@other.example"));
    let r = cashier
        .call(
            "res.company",
            "web_read",
            json!([[1], {"partner_id": {"fields": {"display_name": {}}}}]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        r[0]["partner_id"],
        json!({"id": partner, "display_name": "Secret Partner"})
    );
});

// ---------------------------------------------------------------- 10. odd values

const NUL: &str = "A string literal cannot contain NUL (0x00) characters.";

both!(nul_bytes_huge_values_and_many_ids, |app| {
    let admin = app.login("admin", "admin").await;
    async fn count(admin: &Client) -> Value {
        admin
            .call(
                "res.partner",
                "search_count",
                json!([[]]),
                json!({"context": {"active_test": false}}),
            )
            .await
            .unwrap()
    }
    let before = count(&admin).await;
    // NUL bytes: Odoo's ValueError (psycopg2's text) on both backends, nothing stored.
    let err = admin
        .call(
            "res.partner",
            "create",
            json!([{"name": "a\u{0}b"}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(&err, "builtins.ValueError", NUL);
    let err = admin
        .call(
            "res.partner",
            "write",
            json!([[1], {"email": "x\u{0}"}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(&err, "builtins.ValueError", NUL);
    for domain in [
        json!([["name", "like", "\u{0}"]]),
        json!([["name", "=", "a\u{0}"]]),
        json!([[
            "name",
            "in",
            (0..40).map(|i| format!("{i}\u{0}")).collect::<Vec<_>>()
        ]]),
    ] {
        let err = admin
            .call("res.partner", "search", json!([domain]), json!({}))
            .await
            .unwrap_err();
        assert_error(&err, "builtins.ValueError", NUL);
    }
    let env = app
        .rpc(
            "/web/session/authenticate",
            json!({"db": "odoo", "login": "admin\u{0}", "password": "admin"}),
            None,
        )
        .await;
    assert_error(&env["error"], "builtins.ValueError", NUL);
    assert_eq!(count(&admin).await, before);
    // A 1 MB name on an indexed field: stored, or (PostgreSQL's index limit) a
    // ValidationError; never an internal error.
    let huge: String = (0..1_000_000u32)
        .map(|i| char::from(b'a' + ((i.wrapping_mul(2654435761) >> 7) % 26) as u8))
        .collect();
    match admin
        .call("res.partner", "create", json!([{"name": huge}]), json!({}))
        .await
    {
        Ok(id) => assert!(id.as_i64().is_some()),
        Err(err) => assert_error(
            &err,
            "odoo.exceptions.ValidationError",
            "The operation cannot be completed",
        ),
    }
    // 100,000 ids: read, search and write them (SQLite takes at most 32,766
    // parameters per statement; these lists are one).
    let ids: Vec<i64> = (1..=100_000).collect();
    let read = admin
        .call("res.partner", "read", json!([ids, ["name"]]), json!({}))
        .await
        .unwrap();
    assert!(!read.as_array().unwrap().is_empty());
    let found = admin
        .call(
            "res.partner",
            "search_count",
            json!([[["id", "in", ids]]]),
            json!({}),
        )
        .await
        .unwrap();
    assert!(found.as_i64().unwrap() > 0);
    let found = admin
        .call(
            "res.partner",
            "search_count",
            json!([[["id", "not in", ids]]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(found, json!(0));
    // Client values for the log columns are ignored, as Odoo pops them.
    let id = admin.call("res.partner",
            "create",
            json!([{"name": "Forged", "create_uid": 99, "write_uid": 99,
                    "create_date": "2000-01-01 00:00:00", "write_date": "2000-01-01 00:00:00", "id": 777777}]),
            json!({}),
        )
        .await
        .unwrap();
    assert_ne!(id, json!(777777));
    admin
        .call(
            "res.partner",
            "write",
            json!([[id], {"write_uid": 99, "id": 5, "name": "Forged 2"}]),
            json!({}),
        )
        .await
        .unwrap();
    let r = admin
        .call(
            "res.partner",
            "read",
            json!([[id], ["name", "create_uid", "write_uid", "create_date"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r[0]["name"], json!("Forged 2"));
    assert_eq!(r[0]["create_uid"][0], json!(admin.uid));
    assert_eq!(r[0]["write_uid"][0], json!(admin.uid));
    assert!(
        !r[0]["create_date"].as_str().unwrap().starts_with("2000"),
        "{r}"
    );
});

// ---------------------------------------------------------------- 11. cycles

both!(parent_cycles_are_refused, |app| {
    let admin = app.login("admin", "admin").await;
    let create = |name: &'static str| {
        let admin = admin.clone();
        async move {
            admin
                .call("res.partner", "create", json!([{"name": name}]), json!({}))
                .await
                .unwrap()
        }
    };
    let (a, b, c) = (create("A").await, create("B").await, create("C").await);
    admin
        .call(
            "res.partner",
            "write",
            json!([[b], {"parent_id": a}]),
            json!({}),
        )
        .await
        .unwrap();
    admin
        .call(
            "res.partner",
            "write",
            json!([[c], {"parent_id": b}]),
            json!({}),
        )
        .await
        .unwrap();
    for (id, parent) in [(&a, &b), (&a, &c), (&a, &a)] {
        let err = admin
            .call(
                "res.partner",
                "write",
                json!([[id], {"parent_id": parent}]),
                json!({}),
            )
            .await
            .unwrap_err();
        assert_eq!(
            err["data"]["name"],
            json!("odoo.exceptions.ValidationError"),
            "{err}"
        );
        assert_eq!(
            err["data"]["message"],
            json!("You cannot create recursive Partner hierarchies.")
        );
    }
    // Nothing changed.
    let r = admin
        .call(
            "res.partner",
            "read",
            json!([[a], ["parent_id"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r[0]["parent_id"], json!(false));
    // Over XML-RPC, the fault of a ValidationError (2).
    let xml = xml_execute_kw(
        &app,
        admin.uid,
        "admin",
        "res.partner",
        "write",
        json!([[a], {"parent_id": c}]),
    )
    .await;
    assert_eq!(fault_code(&xml), Some(2), "{xml}");
    assert!(xml.contains("You cannot create recursive Partner hierarchies."));
});
