//! Domains over RPC: every operator, prefix `&`/`|`/`!`, dotted paths, many2one by
//! name, `child_of`/`parent_of`, Odoo's NULL rules and malformed domains.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::*;

/// Four partners in city "Dom":
/// A "Alpha Ltd" (company, US, alpha@x.com), B "beta" (BE, no email, child of A),
/// C "Gamma_1%" (GAMMA@x.com, child of B), D "delta" (d@x.com).
struct Fixture {
    admin: Client,
    a: i64,
    b: i64,
    c: i64,
    d: i64,
}

async fn fixture(app: &TestApp) -> Fixture {
    let admin = app.login("admin", "admin").await;
    let us = app.xmlid("base.us").await;
    let be = app.xmlid("base.be").await;
    let create = |vals: Value| {
        let admin = admin.clone();
        async move {
            app.call_kw(&admin, "res.partner", "create", json!([vals]), json!({}))
                .await
                .unwrap()
                .as_i64()
                .unwrap()
        }
    };
    let a = create(json!({"name": "Alpha Ltd", "city": "Dom", "is_company": true, "country_id": us, "email": "alpha@x.com"})).await;
    let b = create(json!({"name": "beta", "city": "Dom", "country_id": be, "parent_id": a})).await;
    let c =
        create(json!({"name": "Gamma_1%", "city": "Dom", "email": "GAMMA@x.com", "parent_id": b}))
            .await;
    let d = create(json!({"name": "delta", "city": "Dom", "email": "d@x.com"})).await;
    Fixture { admin, a, b, c, d }
}

impl Fixture {
    /// Ids matching `domain` among the fixture's partners, sorted.
    async fn find(&self, app: &TestApp, domain: Value) -> Vec<i64> {
        let mut full = vec![json!(["city", "=", "Dom"])];
        full.extend(domain.as_array().unwrap().iter().cloned());
        let r = app
            .call_kw(
                &self.admin,
                "res.partner",
                "search",
                json!([full]),
                json!({}),
            )
            .await
            .unwrap_or_else(|e| panic!("{domain}: {e}"));
        let mut ids: Vec<i64> = r
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        ids.sort();
        ids
    }

    async fn check(&self, app: &TestApp, domain: Value, mut expected: Vec<i64>) {
        expected.sort();
        assert_eq!(self.find(app, domain.clone()).await, expected, "{domain}");
    }
}

both!(comparison_operators, |app| {
    let f = fixture(&app).await;
    let (a, b, c, d) = (f.a, f.b, f.c, f.d);
    f.check(&app, json!([["name", "=", "beta"]]), vec![b]).await;
    f.check(&app, json!([["name", "==", "beta"]]), vec![b])
        .await;
    f.check(&app, json!([["email", "!=", "alpha@x.com"]]), vec![b, c, d])
        .await;
    f.check(&app, json!([["email", "<>", "alpha@x.com"]]), vec![b, c, d])
        .await;
    f.check(&app, json!([["id", ">", b]]), vec![c, d]).await;
    f.check(&app, json!([["id", ">=", b]]), vec![b, c, d]).await;
    f.check(&app, json!([["id", "<", b]]), vec![a]).await;
    f.check(&app, json!([["id", "<=", b]]), vec![a, b]).await;
    f.check(&app, json!([["name", ">", "beta"]]), vec![d]).await;
    f.check(&app, json!([["email", "=?", false]]), vec![a, b, c, d])
        .await;
    f.check(&app, json!([["email", "=?", null]]), vec![a, b, c, d])
        .await;
    f.check(&app, json!([["email", "=?", "d@x.com"]]), vec![d])
        .await;
    // `=`/`!=` with a list mean `in`/`not in`.
    f.check(&app, json!([["name", "=", ["beta", "delta"]]]), vec![b, d])
        .await;
    f.check(&app, json!([["name", "!=", ["beta", "delta"]]]), vec![a, c])
        .await;
    // Operators are matched case-insensitively, as Odoo lower-cases them.
    f.check(&app, json!([["name", "ILIKE", "BETA"]]), vec![b])
        .await;
});

both!(pattern_operators, |app| {
    let f = fixture(&app).await;
    let (a, b, c, d) = (f.a, f.b, f.c, f.d);
    f.check(&app, json!([["name", "like", "amm"]]), vec![c])
        .await;
    f.check(&app, json!([["name", "like", "ALPHA"]]), vec![])
        .await;
    f.check(&app, json!([["name", "ilike", "ALPHA"]]), vec![a])
        .await;
    f.check(&app, json!([["email", "not like", "x.com"]]), vec![b])
        .await;
    f.check(&app, json!([["email", "not like", "GAMMA"]]), vec![a, b, d])
        .await;
    f.check(
        &app,
        json!([["email", "not ilike", "gamma"]]),
        vec![a, b, d],
    )
    .await;
    // `_` and `%` inside the value stay wildcards.
    f.check(&app, json!([["name", "like", "_1"]]), vec![c])
        .await;
    f.check(&app, json!([["name", "=like", "G_mma%"]]), vec![c])
        .await;
    f.check(&app, json!([["name", "=like", "gamma%"]]), vec![])
        .await;
    f.check(&app, json!([["name", "=like", "beta"]]), vec![b])
        .await;
    f.check(&app, json!([["name", "=like", "bet"]]), vec![])
        .await;
    f.check(&app, json!([["name", "=ilike", "GAMMA%"]]), vec![c])
        .await;
    f.check(&app, json!([["name", "=ilike", "BETA"]]), vec![b])
        .await;
    f.check(&app, json!([["email", "ilike", "X.COM"]]), vec![a, c, d])
        .await;
});

both!(in_and_null_rules, |app| {
    let f = fixture(&app).await;
    let (a, b, c, d) = (f.a, f.b, f.c, f.d);
    f.check(
        &app,
        json!([["name", "in", ["beta", "delta", "zeta"]]]),
        vec![b, d],
    )
    .await;
    f.check(
        &app,
        json!([["name", "not in", ["beta", "delta"]]]),
        vec![a, c],
    )
    .await;
    f.check(
        &app,
        json!([["email", "in", [false, "d@x.com"]]]),
        vec![b, d],
    )
    .await;
    f.check(
        &app,
        json!([["email", "not in", ["d@x.com"]]]),
        vec![a, b, c],
    )
    .await;
    f.check(
        &app,
        json!([["email", "not in", [false, "d@x.com"]]]),
        vec![a, c],
    )
    .await;
    f.check(&app, json!([["name", "in", []]]), vec![]).await;
    f.check(&app, json!([["name", "not in", []]]), vec![a, b, c, d])
        .await;
    f.check(&app, json!([["email", "=", false]]), vec![b]).await;
    f.check(&app, json!([["email", "=", null]]), vec![b]).await;
    f.check(&app, json!([["email", "!=", false]]), vec![a, c, d])
        .await;
    f.check(&app, json!([["parent_id", "=", false]]), vec![a, d])
        .await;
    f.check(&app, json!([["parent_id", "!=", false]]), vec![b, c])
        .await;
    f.check(&app, json!([["parent_id", "!=", a]]), vec![a, c, d])
        .await;
    // A boolean `= False` also matches NULL; `!= True` likewise.
    f.check(&app, json!([["is_company", "=", false]]), vec![b, c, d])
        .await;
    f.check(&app, json!([["is_company", "!=", true]]), vec![b, c, d])
        .await;
    f.check(&app, json!([["is_company", "=", true]]), vec![a])
        .await;
    f.check(&app, json!([["is_company", "in", [false]]]), vec![b, c, d])
        .await;
});

both!(prefix_operators, |app| {
    let f = fixture(&app).await;
    let (a, b, c, d) = (f.a, f.b, f.c, f.d);
    f.check(
        &app,
        json!(["|", ["name", "=", "beta"], ["name", "=", "delta"]]),
        vec![b, d],
    )
    .await;
    f.check(
        &app,
        json!(["&", ["email", "ilike", "x.com"], ["is_company", "=", false]]),
        vec![c, d],
    )
    .await;
    f.check(&app, json!(["!", ["name", "=", "beta"]]), vec![a, c, d])
        .await;
    // Negation distributes like Odoo's: `!(email = v)` is `email != v`, NULLs included.
    f.check(
        &app,
        json!(["!", ["email", "=", "alpha@x.com"]]),
        vec![b, c, d],
    )
    .await;
    f.check(
        &app,
        json!(["!", ["email", "ilike", "gamma"]]),
        vec![a, b, d],
    )
    .await;
    f.check(
        &app,
        json!(["!", "|", ["name", "=", "beta"], ["email", "=", "d@x.com"]]),
        vec![a, c],
    )
    .await;
    f.check(
        &app,
        json!([
            "&",
            "!",
            ["is_company", "=", true],
            "|",
            ["name", "=", "beta"],
            ["name", "=", "delta"]
        ]),
        vec![b, d],
    )
    .await;
    f.check(
        &app,
        json!(["|", "|", ["id", "=", a], ["id", "=", b], ["id", "=", c]]),
        vec![a, b, c],
    )
    .await;
    // Implicit `&` between terms, and the constant leaves.
    f.check(
        &app,
        json!([["email", "ilike", "x.com"], ["name", "ilike", "a"]]),
        vec![a, c, d],
    )
    .await;
    f.check(&app, json!([[1, "=", 1]]), vec![a, b, c, d]).await;
    f.check(&app, json!([[0, "=", 1]]), vec![]).await;
    f.check(&app, json!(["|", [0, "=", 1], ["id", "=", d]]), vec![d])
        .await;
});

both!(relational_paths_and_names, |app| {
    let f = fixture(&app).await;
    let (a, b, c, d) = (f.a, f.b, f.c, f.d);
    f.check(&app, json!([["parent_id.name", "=", "Alpha Ltd"]]), vec![b])
        .await;
    f.check(
        &app,
        json!([["parent_id.parent_id.name", "=", "Alpha Ltd"]]),
        vec![c],
    )
    .await;
    f.check(&app, json!([["country_id.code", "=", "US"]]), vec![a])
        .await;
    f.check(&app, json!([["parent_id.is_company", "=", true]]), vec![b])
        .await;
    // Dotted paths through x2many fields too.
    f.check(&app, json!([["child_ids.name", "=", "beta"]]), vec![a])
        .await;
    f.check(
        &app,
        json!([["child_ids.child_ids.email", "ilike", "gamma"]]),
        vec![a],
    )
    .await;
    f.check(
        &app,
        json!([["parent_id.country_id.code", "=", "US"]]),
        vec![b],
    )
    .await;
    // A many2one compared to a string matches by name.
    f.check(&app, json!([["country_id", "=", "Belgium"]]), vec![b])
        .await;
    f.check(&app, json!([["country_id", "ilike", "belg"]]), vec![b])
        .await;
    f.check(&app, json!([["parent_id", "ilike", "alpha"]]), vec![b])
        .await;
    f.check(
        &app,
        json!([["country_id", "!=", "Belgium"]]),
        vec![a, c, d],
    )
    .await;
    f.check(
        &app,
        json!([["country_id", "in", ["Belgium", "United States"]]]),
        vec![a, b],
    )
    .await;
    f.check(&app, json!([["parent_id", "=", a]]), vec![b]).await;
    f.check(&app, json!([["parent_id", "in", [a, b]]]), vec![b, c])
        .await;
    // x2many: by id, by name, empty, any / not any.
    f.check(&app, json!([["child_ids", "in", [b]]]), vec![a])
        .await;
    f.check(&app, json!([["child_ids", "=", "beta"]]), vec![a])
        .await;
    f.check(&app, json!([["child_ids", "=", false]]), vec![c, d])
        .await;
    f.check(&app, json!([["child_ids", "!=", false]]), vec![a, b])
        .await;
    f.check(
        &app,
        json!([["child_ids", "any", [["name", "like", "Gamma"]]]]),
        vec![b],
    )
    .await;
    f.check(
        &app,
        json!([["child_ids", "not any", [["name", "like", "Gamma"]]]]),
        vec![a, c, d],
    )
    .await;
    f.check(
        &app,
        json!([["parent_id", "any", [["is_company", "=", true]]]]),
        vec![b],
    )
    .await;
    f.check(
        &app,
        json!([["parent_id", "not any", [["is_company", "=", true]]]]),
        vec![a, c, d],
    )
    .await;
});

both!(child_of_and_parent_of, |app| {
    let f = fixture(&app).await;
    let (a, b, c, d) = (f.a, f.b, f.c, f.d);
    f.check(&app, json!([["id", "child_of", a]]), vec![a, b, c])
        .await;
    f.check(&app, json!([["id", "child_of", [b]]]), vec![b, c])
        .await;
    f.check(&app, json!([["id", "child_of", [c, d]]]), vec![c, d])
        .await;
    f.check(
        &app,
        json!([["id", "child_of", "Alpha Ltd"]]),
        vec![a, b, c],
    )
    .await;
    // A many2one to the model itself is the hierarchy: Odoo filters `id` through it.
    f.check(&app, json!([["parent_id", "child_of", a]]), vec![a, b, c])
        .await;
    f.check(&app, json!([["parent_id", "parent_of", b]]), vec![a, b])
        .await;
    f.check(&app, json!([["id", "parent_of", c]]), vec![a, b, c])
        .await;
    f.check(&app, json!([["id", "parent_of", [b, d]]]), vec![a, b, d])
        .await;
    f.check(&app, json!([["id", "child_of", []]]), vec![]).await;
    f.check(&app, json!(["!", ["id", "child_of", b]]), vec![a, d])
        .await;
    f.check(&app, json!([["parent_id.id", "child_of", b]]), vec![c])
        .await;
    // Inside `any` too.
    f.check(
        &app,
        json!([["parent_id", "any", [["id", "child_of", a]]]]),
        vec![b, c],
    )
    .await;
    // Companies are hierarchical too.
    let main = app.xmlid("base.main_company").await;
    let sub = app
        .call_kw(
            &f.admin,
            "res.company",
            "create",
            json!([{"name": "Sub Co", "parent_id": main}]),
            json!({}),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    for (domain, expected) in [
        (json!([["id", "child_of", main]]), json!([main, sub])),
        (json!([["id", "parent_of", sub]]), json!([main, sub])),
        (json!([["id", "parent_of", main]]), json!([main])),
        (json!([["parent_id", "child_of", main]]), json!([main, sub])),
    ] {
        let r = app
            .call_kw(
                &f.admin,
                "res.company",
                "search",
                json!([domain]),
                json!({"order": "id"}),
            )
            .await
            .unwrap();
        assert_eq!(r, expected, "{domain}");
    }
});

both!(malformed_domains_are_refused, |app| {
    let admin = app.login("admin", "admin").await;
    let search = |domain: Value| {
        let admin = admin.clone();
        let app = &app;
        async move {
            app.call_kw(&admin, "res.partner", "search", json!([domain]), json!({}))
                .await
                .unwrap_err()
        }
    };
    let err = search(json!(["&", ["name", "=", "x"]])).await;
    assert_error(&err, "builtins.ValueError", "is syntactically not correct.");
    let err = search(json!(["|"])).await;
    assert_error(&err, "builtins.ValueError", "is syntactically not correct.");
    let err = search(json!(["!"])).await;
    assert_error(&err, "builtins.ValueError", "is syntactically not correct.");
    let err = search(json!([["name", "="]])).await;
    assert_eq!(err["data"]["name"], json!("builtins.ValueError"), "{err}");
    let err = search(json!([["name", "equals", "x"]])).await;
    assert_error(
        &err,
        "builtins.ValueError",
        "Invalid leaf ('name', 'equals', 'x')",
    );
    let err = search(json!([["nope", "=", 1]])).await;
    assert_error(
        &err,
        "builtins.ValueError",
        "Invalid field res.partner.nope in leaf ('nope', '=', 1)",
    );
    let err = search(json!([["parent_id.nope", "=", 1]])).await;
    assert_error(
        &err,
        "builtins.ValueError",
        "Invalid field res.partner.nope",
    );
    let err = search(json!("name = 1")).await;
    assert_eq!(err["data"]["name"], json!("builtins.ValueError"), "{err}");
    let err = search(json!([42])).await;
    assert_eq!(err["data"]["name"], json!("builtins.ValueError"), "{err}");
    // Values are bound, never SQL: a quote in a value is just a character.
    let r = app
        .call_kw(
            &admin,
            "res.partner",
            "search",
            json!([[["name", "=", "x' OR '1'='1"]]]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!([]));
});
