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
    let admin = app.as_user("admin").await;
    let us = app.xmlid("base.us").await;
    let be = app.xmlid("base.be").await;
    let partner = "res.partner";
    let a = admin.create(partner, json!({"name": "Alpha Ltd", "city": "Dom", "is_company": true, "country_id": us, "email": "alpha@x.com"})).await;
    let b = admin
        .create(
            partner,
            json!({"name": "beta", "city": "Dom", "country_id": be, "parent_id": a}),
        )
        .await;
    let c = admin
        .create(
            partner,
            json!({"name": "Gamma_1%", "city": "Dom", "email": "GAMMA@x.com", "parent_id": b}),
        )
        .await;
    let d = admin
        .create(
            partner,
            json!({"name": "delta", "city": "Dom", "email": "d@x.com"}),
        )
        .await;
    Fixture { admin, a, b, c, d }
}

impl Fixture {
    /// Ids matching `domain` among the fixture's partners, sorted.
    async fn find(&self, domain: Value) -> Vec<i64> {
        let mut full = vec![json!(["city", "=", "Dom"])];
        full.extend(domain.as_array().unwrap().iter().cloned());
        let mut ids = self.admin.search("res.partner", json!(full)).await;
        ids.sort();
        ids
    }

    async fn check(&self, domain: Value, mut expected: Vec<i64>) {
        expected.sort();
        assert_eq!(self.find(domain.clone()).await, expected, "{domain}");
    }
}

both!(comparison_operators, |app| {
    let f = fixture(&app).await;
    let (a, b, c, d) = (f.a, f.b, f.c, f.d);
    f.check(json!([["name", "=", "beta"]]), vec![b]).await;
    f.check(json!([["name", "==", "beta"]]), vec![b]).await;
    f.check(json!([["email", "!=", "alpha@x.com"]]), vec![b, c, d])
        .await;
    f.check(json!([["email", "<>", "alpha@x.com"]]), vec![b, c, d])
        .await;
    f.check(json!([["id", ">", b]]), vec![c, d]).await;
    f.check(json!([["id", ">=", b]]), vec![b, c, d]).await;
    f.check(json!([["id", "<", b]]), vec![a]).await;
    f.check(json!([["id", "<=", b]]), vec![a, b]).await;
    f.check(json!([["name", ">", "beta"]]), vec![d]).await;
    f.check(json!([["email", "=?", false]]), vec![a, b, c, d])
        .await;
    f.check(json!([["email", "=?", null]]), vec![a, b, c, d])
        .await;
    f.check(json!([["email", "=?", "d@x.com"]]), vec![d]).await;
    // `=`/`!=` with a list mean `in`/`not in`.
    f.check(json!([["name", "=", ["beta", "delta"]]]), vec![b, d])
        .await;
    f.check(json!([["name", "!=", ["beta", "delta"]]]), vec![a, c])
        .await;
    // Operators are matched case-insensitively, as Odoo lower-cases them.
    f.check(json!([["name", "ILIKE", "BETA"]]), vec![b]).await;
});

both!(pattern_operators, |app| {
    let f = fixture(&app).await;
    let (a, b, c, d) = (f.a, f.b, f.c, f.d);
    f.check(json!([["name", "like", "amm"]]), vec![c]).await;
    f.check(json!([["name", "like", "ALPHA"]]), vec![]).await;
    f.check(json!([["name", "ilike", "ALPHA"]]), vec![a]).await;
    f.check(json!([["email", "not like", "x.com"]]), vec![b])
        .await;
    f.check(json!([["email", "not like", "GAMMA"]]), vec![a, b, d])
        .await;
    f.check(json!([["email", "not ilike", "gamma"]]), vec![a, b, d])
        .await;
    // `_` and `%` inside the value stay wildcards.
    f.check(json!([["name", "like", "_1"]]), vec![c]).await;
    f.check(json!([["name", "=like", "G_mma%"]]), vec![c]).await;
    f.check(json!([["name", "=like", "gamma%"]]), vec![]).await;
    f.check(json!([["name", "=like", "beta"]]), vec![b]).await;
    f.check(json!([["name", "=like", "bet"]]), vec![]).await;
    f.check(json!([["name", "=ilike", "GAMMA%"]]), vec![c])
        .await;
    f.check(json!([["name", "=ilike", "BETA"]]), vec![b]).await;
    f.check(json!([["email", "ilike", "X.COM"]]), vec![a, c, d])
        .await;
});

both!(in_and_null_rules, |app| {
    let f = fixture(&app).await;
    let (a, b, c, d) = (f.a, f.b, f.c, f.d);
    f.check(
        json!([["name", "in", ["beta", "delta", "zeta"]]]),
        vec![b, d],
    )
    .await;
    f.check(json!([["name", "not in", ["beta", "delta"]]]), vec![a, c])
        .await;
    f.check(json!([["email", "in", [false, "d@x.com"]]]), vec![b, d])
        .await;
    f.check(json!([["email", "not in", ["d@x.com"]]]), vec![a, b, c])
        .await;
    f.check(json!([["email", "not in", [false, "d@x.com"]]]), vec![a, c])
        .await;
    f.check(json!([["name", "in", []]]), vec![]).await;
    f.check(json!([["name", "not in", []]]), vec![a, b, c, d])
        .await;
    f.check(json!([["email", "=", false]]), vec![b]).await;
    f.check(json!([["email", "=", null]]), vec![b]).await;
    f.check(json!([["email", "!=", false]]), vec![a, c, d])
        .await;
    f.check(json!([["parent_id", "=", false]]), vec![a, d])
        .await;
    f.check(json!([["parent_id", "!=", false]]), vec![b, c])
        .await;
    f.check(json!([["parent_id", "!=", a]]), vec![a, c, d])
        .await;
    // A boolean `= False` also matches NULL; `!= True` likewise.
    f.check(json!([["is_company", "=", false]]), vec![b, c, d])
        .await;
    f.check(json!([["is_company", "!=", true]]), vec![b, c, d])
        .await;
    f.check(json!([["is_company", "=", true]]), vec![a]).await;
    f.check(json!([["is_company", "in", [false]]]), vec![b, c, d])
        .await;
});

both!(prefix_operators, |app| {
    let f = fixture(&app).await;
    let (a, b, c, d) = (f.a, f.b, f.c, f.d);
    f.check(
        json!(["|", ["name", "=", "beta"], ["name", "=", "delta"]]),
        vec![b, d],
    )
    .await;
    f.check(
        json!(["&", ["email", "ilike", "x.com"], ["is_company", "=", false]]),
        vec![c, d],
    )
    .await;
    f.check(json!(["!", ["name", "=", "beta"]]), vec![a, c, d])
        .await;
    // Negation distributes like Odoo's: `!(email = v)` is `email != v`, NULLs included.
    f.check(json!(["!", ["email", "=", "alpha@x.com"]]), vec![b, c, d])
        .await;
    f.check(json!(["!", ["email", "ilike", "gamma"]]), vec![a, b, d])
        .await;
    f.check(
        json!(["!", "|", ["name", "=", "beta"], ["email", "=", "d@x.com"]]),
        vec![a, c],
    )
    .await;
    f.check(
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
        json!(["|", "|", ["id", "=", a], ["id", "=", b], ["id", "=", c]]),
        vec![a, b, c],
    )
    .await;
    // Implicit `&` between terms, and the constant leaves.
    f.check(
        json!([["email", "ilike", "x.com"], ["name", "ilike", "a"]]),
        vec![a, c, d],
    )
    .await;
    f.check(json!([[1, "=", 1]]), vec![a, b, c, d]).await;
    f.check(json!([[0, "=", 1]]), vec![]).await;
    f.check(json!(["|", [0, "=", 1], ["id", "=", d]]), vec![d])
        .await;
});

both!(relational_paths_and_names, |app| {
    let f = fixture(&app).await;
    let (a, b, c, d) = (f.a, f.b, f.c, f.d);
    f.check(json!([["parent_id.name", "=", "Alpha Ltd"]]), vec![b])
        .await;
    f.check(
        json!([["parent_id.parent_id.name", "=", "Alpha Ltd"]]),
        vec![c],
    )
    .await;
    f.check(json!([["country_id.code", "=", "US"]]), vec![a])
        .await;
    f.check(json!([["parent_id.is_company", "=", true]]), vec![b])
        .await;
    // Dotted paths through x2many fields too.
    f.check(json!([["child_ids.name", "=", "beta"]]), vec![a])
        .await;
    f.check(
        json!([["child_ids.child_ids.email", "ilike", "gamma"]]),
        vec![a],
    )
    .await;
    f.check(json!([["parent_id.country_id.code", "=", "US"]]), vec![b])
        .await;
    // A many2one compared to a string matches by name.
    f.check(json!([["country_id", "=", "Belgium"]]), vec![b])
        .await;
    f.check(json!([["country_id", "ilike", "belg"]]), vec![b])
        .await;
    f.check(json!([["parent_id", "ilike", "alpha"]]), vec![b])
        .await;
    f.check(json!([["country_id", "!=", "Belgium"]]), vec![a, c, d])
        .await;
    f.check(
        json!([["country_id", "in", ["Belgium", "United States"]]]),
        vec![a, b],
    )
    .await;
    f.check(json!([["parent_id", "=", a]]), vec![b]).await;
    f.check(json!([["parent_id", "in", [a, b]]]), vec![b, c])
        .await;
    // x2many: by id, by name, empty, any / not any.
    f.check(json!([["child_ids", "in", [b]]]), vec![a]).await;
    f.check(json!([["child_ids", "=", "beta"]]), vec![a]).await;
    f.check(json!([["child_ids", "=", false]]), vec![c, d])
        .await;
    f.check(json!([["child_ids", "!=", false]]), vec![a, b])
        .await;
    f.check(
        json!([["child_ids", "any", [["name", "like", "Gamma"]]]]),
        vec![b],
    )
    .await;
    f.check(
        json!([["child_ids", "not any", [["name", "like", "Gamma"]]]]),
        vec![a, c, d],
    )
    .await;
    f.check(
        json!([["parent_id", "any", [["is_company", "=", true]]]]),
        vec![b],
    )
    .await;
    f.check(
        json!([["parent_id", "not any", [["is_company", "=", true]]]]),
        vec![a, c, d],
    )
    .await;
});

both!(child_of_and_parent_of, |app| {
    let f = fixture(&app).await;
    let (a, b, c, d) = (f.a, f.b, f.c, f.d);
    f.check(json!([["id", "child_of", a]]), vec![a, b, c]).await;
    f.check(json!([["id", "child_of", [b]]]), vec![b, c]).await;
    f.check(json!([["id", "child_of", [c, d]]]), vec![c, d])
        .await;
    f.check(json!([["id", "child_of", "Alpha Ltd"]]), vec![a, b, c])
        .await;
    // A many2one to the model itself is the hierarchy: Odoo filters `id` through it.
    f.check(json!([["parent_id", "child_of", a]]), vec![a, b, c])
        .await;
    f.check(json!([["parent_id", "parent_of", b]]), vec![a, b])
        .await;
    f.check(json!([["id", "parent_of", c]]), vec![a, b, c])
        .await;
    f.check(json!([["id", "parent_of", [b, d]]]), vec![a, b, d])
        .await;
    f.check(json!([["id", "child_of", []]]), vec![]).await;
    f.check(json!(["!", ["id", "child_of", b]]), vec![a, d])
        .await;
    f.check(json!([["parent_id.id", "child_of", b]]), vec![c])
        .await;
    // Inside `any` too.
    f.check(
        json!([["parent_id", "any", [["id", "child_of", a]]]]),
        vec![b, c],
    )
    .await;
    // Companies are hierarchical too.
    let main = app.xmlid("base.main_company").await;
    let sub = f
        .admin
        .create("res.company", json!({"name": "Sub Co", "parent_id": main}))
        .await;
    for (domain, expected) in [
        (json!([["id", "child_of", main]]), json!([main, sub])),
        (json!([["id", "parent_of", sub]]), json!([main, sub])),
        (json!([["id", "parent_of", main]]), json!([main])),
        (json!([["parent_id", "child_of", main]]), json!([main, sub])),
    ] {
        let r = f
            .admin
            .call_ok(
                "res.company",
                "search",
                json!([domain]),
                json!({"order": "id"}),
            )
            .await;
        assert_eq!(r, expected, "{domain}");
    }
});

both!(malformed_domains_are_refused, |app| {
    let admin = app.as_user("admin").await;
    let search =
        |domain: Value| admin.expect_error("res.partner", "search", json!([domain]), json!({}));
    let err = search(json!(["&", ["name", "=", "x"]])).await;
    assert_error(&err, "builtins.ValueError", "is syntactically not correct.");
    let err = search(json!(["|"])).await;
    assert_error(&err, "builtins.ValueError", "is syntactically not correct.");
    let err = search(json!(["!"])).await;
    assert_error(&err, "builtins.ValueError", "is syntactically not correct.");
    let err = search(json!([["name", "="]])).await;
    assert_exception(&err, "builtins.ValueError");
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
    assert_exception(&err, "builtins.ValueError");
    // Odoo's `is_false` reads `token[1]` of every term.
    let err = search(json!([42])).await;
    assert_error(
        &err,
        "builtins.TypeError",
        "'int' object is not subscriptable",
    );
    // Values are bound, never SQL: a quote in a value is just a character.
    let r = admin
        .search("res.partner", json!([["name", "=", "x' OR '1'='1"]]))
        .await;
    assert_eq!(r, Vec::<i64>::new());
});
