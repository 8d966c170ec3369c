//! Domain -> SQL: what the domain compiler makes of a table of domains, on both backends,
//! as the statement text and its bound values. Values are always bound, never spliced
//! into the text.

use std::fmt::Write;

use expect_test::{expect, Expect};
use odoo_pos_stripe::addons::registry;
use odoo_pos_stripe::orm::domain::{Compiler, Domain};
use sea_orm::DbBackend;
use serde_json::{json, Value};

/// Compiles `domain` on `model` into `SELECT id ... WHERE ...` for SQLite and PostgreSQL.
#[track_caller]
fn check(model: &str, domain: Value, expect: Expect) {
    let models = registry();
    let model = models
        .get(model)
        .unwrap_or_else(|| panic!("no model {model}"));
    let parsed = Domain::parse(&domain).unwrap_or_else(|e| panic!("{domain}: {e:?}"));
    let mut out = String::new();
    for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
        let query = Compiler { backend, models }
            .id_subquery(model, &parsed)
            .unwrap_or_else(|e| panic!("{domain}: {e:?}"));
        let statement = backend.build(&query);
        let values: Vec<String> = statement
            .values
            .iter()
            .flat_map(|values| values.0.iter())
            .map(|value| format!("{value:?}"))
            .collect();
        writeln!(out, "{backend:?}: {}", statement.sql).unwrap();
        writeln!(out, "  values: [{}]", values.join(", ")).unwrap();
    }
    expect.assert_eq(&out);
}

#[test]
fn equality_and_comparison() {
    check(
        "res.partner",
        json!([["name", "=", "beta"]]),
        expect![[r#"
        Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."name" = ?
          values: [String(Some("beta"))]
        Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."name" = $1
          values: [String(Some("beta"))]
    "#]],
    );
    check(
        "res.partner",
        json!([["id", ">=", 7]]),
        expect![[r#"
        Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."id" >= ?
          values: [BigInt(Some(7))]
        Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."id" >= $1
          values: [BigInt(Some(7))]
    "#]],
    );
}

#[test]
fn false_means_null() {
    check(
        "res.partner",
        json!([["email", "=", false]]),
        expect![[r#"
        Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."email" IS NULL
          values: []
        Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."email" IS NULL
          values: []
    "#]],
    );
    check(
        "res.partner",
        json!([["email", "!=", false]]),
        expect![[r#"
            Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."email" IS NOT NULL
              values: []
            Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."email" IS NOT NULL
              values: []
        "#]],
    );
    check(
        "res.partner",
        json!([["is_company", "=", false]]),
        expect![[r#"
            Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."is_company" IS NULL OR "res_partner"."is_company" = ?
              values: [Bool(Some(false))]
            Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."is_company" IS NULL OR "res_partner"."is_company" = $1
              values: [Bool(Some(false))]
        "#]],
    );
}

#[test]
fn negation_keeps_nulls() {
    check(
        "res.partner",
        json!(["!", ["email", "=", "alpha@x.com"]]),
        expect![[r#"
            Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."email" <> ? OR "res_partner"."email" IS NULL
              values: [String(Some("alpha@x.com"))]
            Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."email" <> $1 OR "res_partner"."email" IS NULL
              values: [String(Some("alpha@x.com"))]
        "#]],
    );
}

#[test]
fn in_lists() {
    check(
        "res.partner",
        json!([["name", "in", ["beta", "delta"]]]),
        expect![[r#"
            Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."name" IN (?, ?)
              values: [String(Some("beta")), String(Some("delta"))]
            Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."name" IN ($1, $2)
              values: [String(Some("beta")), String(Some("delta"))]
        "#]],
    );
    check(
        "res.partner",
        json!([["email", "not in", [false, "d@x.com"]]]),
        expect![[r#"
            Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."email" NOT IN (?) AND "res_partner"."email" IS NOT NULL
              values: [String(Some("d@x.com"))]
            Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."email" NOT IN ($1) AND "res_partner"."email" IS NOT NULL
              values: [String(Some("d@x.com"))]
        "#]],
    );
    check(
        "res.partner",
        json!([["name", "in", []]]),
        expect![[r#"
        Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE ? = ?
          values: [Int(Some(1)), Int(Some(0))]
        Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE $1 = $2
          values: [Int(Some(1)), Int(Some(0))]
    "#]],
    );
}

#[test]
fn patterns() {
    check(
        "res.partner",
        json!([["name", "ilike", "ALPHA"]]),
        expect![[r#"
            Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE LOWER(CAST("res_partner"."name" AS TEXT)) LIKE ?
              values: [String(Some("%alpha%"))]
            Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE LOWER(CAST("res_partner"."name" AS TEXT)) LIKE $1
              values: [String(Some("%alpha%"))]
        "#]],
    );
    check(
        "res.partner",
        json!([["name", "=like", "G_mma%"]]),
        expect![[r#"
            Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE CAST("res_partner"."name" AS TEXT) LIKE ?
              values: [String(Some("G_mma%"))]
            Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE CAST("res_partner"."name" AS TEXT) LIKE $1
              values: [String(Some("G_mma%"))]
        "#]],
    );
    check(
        "res.partner",
        json!([["email", "not ilike", "gamma"]]),
        expect![[r#"
            Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE LOWER(CAST("res_partner"."email" AS TEXT)) NOT LIKE ? OR "res_partner"."email" IS NULL
              values: [String(Some("%gamma%"))]
            Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE LOWER(CAST("res_partner"."email" AS TEXT)) NOT LIKE $1 OR "res_partner"."email" IS NULL
              values: [String(Some("%gamma%"))]
        "#]],
    );
}

#[test]
fn prefix_operators_and_constants() {
    check(
        "res.partner",
        json!([
            "|",
            ["name", "=", "beta"],
            "&",
            ["city", "=", "Dom"],
            ["is_company", "=", true]
        ]),
        expect![[r#"
            Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."name" = ? OR ("res_partner"."city" = ? AND "res_partner"."is_company" = ?)
              values: [String(Some("beta")), String(Some("Dom")), Bool(Some(true))]
            Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."name" = $1 OR ("res_partner"."city" = $2 AND "res_partner"."is_company" = $3)
              values: [String(Some("beta")), String(Some("Dom")), Bool(Some(true))]
        "#]],
    );
    check(
        "res.partner",
        json!([[1, "=", 1]]),
        expect![[r#"
        Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE ? = ?
          values: [Int(Some(1)), Int(Some(1))]
        Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE $1 = $2
          values: [Int(Some(1)), Int(Some(1))]
    "#]],
    );
    check(
        "res.partner",
        json!([[0, "=", 1]]),
        expect![[r#"
        Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE ? = ?
          values: [Int(Some(1)), Int(Some(0))]
        Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE $1 = $2
          values: [Int(Some(1)), Int(Some(0))]
    "#]],
    );
}

#[test]
fn relational_paths() {
    check(
        "res.partner",
        json!([["parent_id.country_id.code", "=", "US"]]),
        expect![[r#"
            Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."parent_id" IN (SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."country_id" IN (SELECT "res_country"."id" FROM "res_country" WHERE "res_country"."code" = ?))
              values: [String(Some("US"))]
            Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."parent_id" IN (SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."country_id" IN (SELECT "res_country"."id" FROM "res_country" WHERE "res_country"."code" = $1))
              values: [String(Some("US"))]
        "#]],
    );
    check(
        "res.partner",
        json!([["country_id", "ilike", "belg"]]),
        expect![[r#"
            Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."country_id" IN (SELECT "res_country"."id" FROM "res_country" WHERE LOWER(CAST("res_country"."name" AS TEXT)) LIKE ?)
              values: [String(Some("%belg%"))]
            Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."country_id" IN (SELECT "res_country"."id" FROM "res_country" WHERE LOWER(CAST("res_country"."name" AS TEXT)) LIKE $1)
              values: [String(Some("%belg%"))]
        "#]],
    );
    check(
        "res.partner",
        json!([["child_ids", "any", [["name", "like", "Gamma"]]]]),
        expect![[r#"
            Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."id" IN (SELECT "res_partner"."parent_id" FROM "res_partner" WHERE "res_partner"."parent_id" IS NOT NULL AND "res_partner"."id" IN (SELECT "res_partner"."id" FROM "res_partner" WHERE CAST("res_partner"."name" AS TEXT) LIKE ?))
              values: [String(Some("%Gamma%"))]
            Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."id" IN (SELECT "res_partner"."parent_id" FROM "res_partner" WHERE "res_partner"."parent_id" IS NOT NULL AND "res_partner"."id" IN (SELECT "res_partner"."id" FROM "res_partner" WHERE CAST("res_partner"."name" AS TEXT) LIKE $1))
              values: [String(Some("%Gamma%"))]
        "#]],
    );
    check(
        "pos.config",
        json!([["payment_method_ids", "in", [1, 2]]]),
        expect![[r#"
            Sqlite: SELECT "pos_config"."id" FROM "pos_config" WHERE "pos_config"."id" IN (SELECT "pos_config_id" FROM "pos_config_pos_payment_method_rel" WHERE "pos_payment_method_id" IN (SELECT "pos_payment_method"."id" FROM "pos_payment_method" WHERE "pos_payment_method"."id" IN (?, ?)))
              values: [BigInt(Some(1)), BigInt(Some(2))]
            Postgres: SELECT "pos_config"."id" FROM "pos_config" WHERE "pos_config"."id" IN (SELECT "pos_config_id" FROM "pos_config_pos_payment_method_rel" WHERE "pos_payment_method_id" IN (SELECT "pos_payment_method"."id" FROM "pos_payment_method" WHERE "pos_payment_method"."id" IN ($1, $2)))
              values: [BigInt(Some(1)), BigInt(Some(2))]
        "#]],
    );
}

/// The engine first expands `child_of`/`parent_of` into the ids of the hierarchy (a walk
/// over the database, see the API tests in `domains.rs`); the compiler then filters on
/// those ids as `in` does, which is what it makes of an unexpanded leaf.
#[test]
fn hierarchies() {
    check(
        "res.partner",
        json!([["id", "child_of", 3]]),
        expect![[r#"
        Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."id" IN (?)
          values: [BigInt(Some(3))]
        Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."id" IN ($1)
          values: [BigInt(Some(3))]
    "#]],
    );
    check(
        "res.partner",
        json!([["id", "parent_of", [3, 4]]]),
        expect![[r#"
            Sqlite: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."id" IN (?, ?)
              values: [BigInt(Some(3)), BigInt(Some(4))]
            Postgres: SELECT "res_partner"."id" FROM "res_partner" WHERE "res_partner"."id" IN ($1, $2)
              values: [BigInt(Some(3)), BigInt(Some(4))]
        "#]],
    );
}
