//! Domain parsing and compilation, checked on the SQL they produce.

use super::*;
use crate::errors::OdooError;
use models::Model;
use sea_orm::sea_query::SqliteQueryBuilder;
use sea_orm::DbBackend;
use serde_json::json;
use std::collections::HashMap;
use std::sync::LazyLock;

struct Declared(HashMap<&'static str, Model>);

impl Declarations for Declared {
    fn declaration(&self, name: &str) -> Option<&Model> {
        self.0.get(name)
    }
}

fn declarations_only() -> &'static Declared {
    static DECLARED: LazyLock<Declared> =
        LazyLock::new(|| Declared(models::all().into_iter().map(|m| (m.name, m)).collect()));
    &DECLARED
}

fn sql(model: &str, domain: Value) -> String {
    let models = declarations_only();
    let m = models.declaration(model).unwrap();
    let d = Domain::parse(&domain).unwrap();
    let q = Compiler {
        backend: DbBackend::Sqlite,
        models,
    }
    .id_subquery(m, &d)
    .unwrap();
    q.to_string(SqliteQueryBuilder)
}

#[test]
fn prefix_operators_take_their_operands() {
    let d = Domain::parse(&json!([
        "|",
        ["name", "=", "a"],
        "!",
        ["name", "=", "b"],
        ["id", ">", 3]
    ]))
    .unwrap();
    assert!(matches!(d, Domain::And(ref v) if v.len() == 2));
    assert!(Domain::parse(&json!(["&", ["name", "=", "a"]])).is_err());
    assert!(Domain::parse(&json!([["name", "=="]])).is_err());
    let err = Domain::parse(&json!([["name", "equals", 1]])).unwrap_err();
    assert_eq!(
        err,
        OdooError::ValueError("Invalid leaf ('name', 'equals', 1)".into())
    );
}

#[test]
fn null_rules_follow_odoo() {
    let s = sql(
        "pos.payment.method",
        json!([["stripe_serial_number", "=", false]]),
    );
    assert!(s.contains("\"stripe_serial_number\" IS NULL"), "{s}");
    let s = sql(
        "pos.payment.method",
        json!([["stripe_serial_number", "!=", "X"]]),
    );
    assert!(
        s.contains("<> 'X' OR \"pos_payment_method\".\"stripe_serial_number\" IS NULL"),
        "{s}"
    );
    let s = sql(
        "pos.payment.method",
        json!([["split_transactions", "=", false]]),
    );
    assert!(s.contains("IS NULL OR"), "{s}");
    let s = sql("pos.payment.method", json!([["id", "in", []]]));
    assert!(s.contains("1 = 0"), "{s}");
    let s = sql("pos.payment.method", json!([["id", "not in", []]]));
    assert!(s.contains("1 = 1"), "{s}");
}

#[test]
fn domains_round_trip_to_json() {
    for d in [
        json!(["|", ["name", "=", "a"], "!", ["id", "in", [1, 2]]]),
        json!([
            "&",
            "&",
            ["a", "=", 1],
            ["b", "child_of", 3],
            ["c.d", "not any", [["e", "=", false]]]
        ]),
        json!([[1, "=", 1]]),
    ] {
        let parsed = Domain::parse(&d).unwrap();
        assert_eq!(parsed.to_json(), d);
        assert_eq!(Domain::parse(&parsed.to_json()).unwrap(), parsed);
    }
}

#[test]
fn not_is_distributed_like_odoo() {
    // `!(f = v)` is `f != v`, NULL included; De Morgan through `|`.
    let s = sql(
        "pos.payment.method",
        json!(["!", ["stripe_serial_number", "=", "X"]]),
    );
    assert!(s.contains("<> 'X' OR"), "{s}");
    assert!(!s.contains("NOT"), "{s}");
    let s = sql(
        "pos.payment.method",
        json!(["!", "|", ["name", "=", "a"], ["sequence", "<", 3]]),
    );
    assert!(s.contains("\"sequence\" >= 3"), "{s}");
    // Operators without a negation keep a SQL NOT.
    let s = sql("pos.payment.method", json!(["!", ["name", "=like", "a%"]]));
    assert!(s.contains("NOT"), "{s}");
    let d = Domain::parse(&json!(["!", "!", ["name", "=", "a"]])).unwrap();
    assert_eq!(
        d.negate().and_then(|n| n.negate()),
        Domain::parse(&json!(["!", ["name", "=", "a"]]))
            .unwrap()
            .negate()
    );
}

#[test]
fn values_are_bound_never_interpolated_into_identifiers() {
    let err = Domain::parse(&json!([["name; DROP TABLE x", "=", 1]])).and_then(|d| {
        Compiler {
            backend: DbBackend::Sqlite,
            models: declarations_only(),
        }
        .compile(declarations_only().declaration("pos.config").unwrap(), &d)
    });
    assert!(
        matches!(err, Err(OdooError::ValueError(m)) if m.starts_with("Invalid field pos.config.name; DROP TABLE x in leaf"))
    );
}

#[test]
fn dotted_paths_become_subqueries() {
    let s = sql(
        "pos.payment.method",
        json!([["journal_id.type", "=", "bank"]]),
    );
    assert!(
        s.contains("\"journal_id\" IN (SELECT \"account_journal\".\"id\" FROM \"account_journal\""),
        "{s}"
    );
}
