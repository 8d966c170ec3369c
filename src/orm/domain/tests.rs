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
    for (d, normalized) in [
        (
            json!(["|", ["name", "=", "a"], "!", ["id", "in", [1, 2]]]),
            // `!` is pushed onto the leaf, as Odoo's `distribute_not`.
            json!(["|", ["name", "=", "a"], ["id", "not in", [1, 2]]]),
        ),
        (
            json!([
                "&",
                "&",
                ["a", "=", 1],
                ["b", "child_of", 3],
                ["c.d", "not any", [["e", "=", false]]]
            ]),
            json!([
                "&",
                "&",
                ["a", "=", 1],
                ["b", "child_of", 3],
                ["c.d", "not any", [["e", "=", false]]]
            ]),
        ),
        (json!([[1, "=", 1]]), json!([[1, "=", 1]])),
        (
            json!(["!", ["name", "=like", "a%"]]),
            json!(["!", ["name", "=like", "a%"]]),
        ),
    ] {
        let parsed = Domain::parse(&d).unwrap();
        assert_eq!(parsed.to_json(), normalized, "{d}");
        // Normalizing is idempotent (`raw` keeps what the client wrote, for messages).
        assert_eq!(
            Domain::parse(&parsed.to_json()).unwrap().to_json(),
            normalized
        );
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
fn a_branch_negated_into_a_constant_is_absorbed() {
    // `f =? False` is always true: `!(a & it)` is `!a | FALSE`, which is `!a`; the
    // first normalization must already say so (found by the domain property test).
    let d = Domain::parse(&json!([
        "!",
        "&",
        ["name", "=", false],
        ["active", "=?", false]
    ]))
    .unwrap();
    assert_eq!(d.to_json(), json!([["name", "!=", false]]));
    let d = Domain::parse(&json!([
        "!",
        "|",
        ["name", "=", "a"],
        ["active", "=?", false]
    ]))
    .unwrap();
    assert_eq!(d, Domain::False);
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

fn parse_on(model: &str, domain: Value) -> OdooResult<Domain> {
    let models = declarations_only();
    Domain::parse_for(&domain, models.declaration(model).unwrap(), models)
}

#[test]
fn malformed_leaves_get_odoos_errors_in_odoos_order() {
    let value = |t: &str| Err(OdooError::ValueError(t.into()));
    for (domain, expected) in [
        (
            json!([["name", "="]]),
            value("not enough values to unpack (expected 3, got 2)"),
        ),
        (
            json!([["name", "=", "x", 1]]),
            value("too many values to unpack (expected 3)"),
        ),
        (
            json!([["name"]]),
            Err(OdooError::IndexError("tuple index out of range".into())),
        ),
        (
            json!([[]]),
            Err(OdooError::IndexError("tuple index out of range".into())),
        ),
        (
            json!([["name", "in"]]),
            Err(OdooError::IndexError("tuple index out of range".into())),
        ),
        (
            json!(["&", ["name", "=", "x"]]),
            value("Domain ['&', ['name', '=', 'x']] is syntactically not correct."),
        ),
        // The syntax is checked before the leaves are unpacked.
        (
            json!(["&", ["name", "="]]),
            value("Domain ['&', ['name', '=']] is syntactically not correct."),
        ),
        (
            json!(["foo"]),
            value("Invalid field res.partner.f in leaf ('f', 'o', 'o')"),
        ),
        (
            json!([["nope", "=", 1]]),
            value("Invalid field res.partner.nope in leaf ('nope', '=', 1)"),
        ),
        (
            json!([["parent_id.nope", "=", 1]]),
            value("Invalid field res.partner.nope in leaf ('nope', '=', 1)"),
        ),
        (
            json!([["name", "~", 1]]),
            value("Invalid leaf ('name', '~', 1)"),
        ),
        // Leaf by leaf: the first leaf's unknown field before the second's arity…
        (
            json!([["nope", "=", 1], ["name", "="]]),
            value("Invalid field res.partner.nope in leaf ('nope', '=', 1)"),
        ),
        // …and every unknown field before any bad operator.
        (
            json!([["name", "~", 1], ["nope", "=", 1]]),
            value("Invalid field res.partner.nope in leaf ('nope', '=', 1)"),
        ),
        (
            json!([42]),
            Err(OdooError::TypeError(
                "'int' object is not subscriptable".into(),
            )),
        ),
        (
            json!([[5, "=", 1]]),
            Err(OdooError::AttributeError(
                "'int' object has no attribute 'split'".into(),
            )),
        ),
        (
            json!([{"a": 1}]),
            Err(OdooError::TypeError("unhashable type: 'dict'".into())),
        ),
        (
            json!([["name", "=", "it's"], "x"]),
            Err(OdooError::IndexError("string index out of range".into())),
        ),
    ] {
        assert_eq!(
            parse_on("res.partner", domain.clone()),
            expected,
            "{domain}"
        );
    }
}

#[test]
fn plainly_false_domains_are_false_unchecked() {
    // Odoo's `is_false` answers before the leaves are looked at.
    assert_eq!(
        parse_on("res.partner", json!([["nope", "in", []]])),
        Ok(Domain::False)
    );
    assert_eq!(
        parse_on("res.partner", json!(["!", ["nope", "not in", []]])),
        Ok(Domain::False)
    );
}

#[test]
fn long_chains_cost_no_depth() {
    // 470 `!` (the crash) and 10,000: pairs cancel out.
    for n in [470usize, 471, 10_000] {
        let mut items: Vec<Value> = vec![json!("!"); n];
        items.push(json!(["name", "=", "x"]));
        let d = Domain::parse(&Value::Array(items)).unwrap();
        let expected = if n % 2 == 0 { Op::Eq } else { Op::Ne };
        assert!(
            matches!(&d, Domain::Leaf { op, value, .. } if *op == expected && value == "x"),
            "{n}: {d:?}"
        );
    }
    // A long `&` chain is one n-ary node.
    let mut items: Vec<Value> = vec![json!("&"); MAX_LEAVES - 1];
    items.extend((0..MAX_LEAVES).map(|i| json!(["id", "!=", i])));
    let d = Domain::parse(&Value::Array(items)).unwrap();
    assert!(matches!(&d, Domain::And(v) if v.len() == MAX_LEAVES));
    // Its SQL is a balanced tree: SQLite accepts it (500 deep would be close to
    // SQLite's limit of 1,000).
    let s = sql("res.partner", d.to_json());
    assert!(s.matches('(').count() < 3 * MAX_LEAVES, "{}", s.len());
}

#[test]
fn deep_alternations_are_a_recursion_error() {
    let alternating = |levels: usize| {
        let mut items = Vec::new();
        for i in 0..levels {
            items.push(json!(if i % 2 == 0 { "&" } else { "|" }));
            items.push(json!(["id", "=", i]));
        }
        items.push(json!(["id", "=", -1]));
        Value::Array(items)
    };
    assert!(Domain::parse(&alternating(MAX_DEPTH - 2)).is_ok());
    assert_eq!(
        Domain::parse(&alternating(MAX_DEPTH + 1)),
        Err(OdooError::too_deep())
    );
    // Nested `any` sub-domains and relational paths have their own, lower bound.
    let mut d = json!([["id", "=", 1]]);
    for _ in 0..MAX_SUBDOMAIN_DEPTH {
        d = json!([["parent_id", "any", d]]);
    }
    assert!(parse_on("res.partner", d.clone()).is_ok());
    let d = json!([["parent_id", "any", d]]);
    assert_eq!(parse_on("res.partner", d), Err(OdooError::too_deep()));
    let path = vec!["parent_id"; MAX_SUBDOMAIN_DEPTH + 1].join(".") + ".name";
    assert_eq!(
        parse_on("res.partner", json!([[path, "=", "x"]])),
        Err(OdooError::too_deep())
    );
}

#[test]
fn too_many_leaves_are_refused() {
    let items: Vec<Value> = (0..=MAX_LEAVES).map(|i| json!(["id", "=", i])).collect();
    let err = Domain::parse(&Value::Array(items)).unwrap_err();
    assert!(
        matches!(err, OdooError::ValueError(ref m) if m.contains("more than 500 conditions")),
        "{err:?}"
    );
}

#[test]
fn long_lists_are_one_parameter() {
    let ids: Vec<i64> = (1..=100_000).collect();
    let models = declarations_only();
    let m = models.declaration("res.partner").unwrap();
    let d = Domain::parse(&json!([["id", "in", ids]])).unwrap();
    for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
        let q = Compiler { backend, models }.id_subquery(m, &d).unwrap();
        let statement = backend.build(&q);
        let params = statement.values.map(|v| v.0.len()).unwrap_or(0);
        assert_eq!(params, 1, "{}", statement.sql);
    }
    let s = sql(
        "res.partner",
        json!([[
            "name",
            "not in",
            (0..40).map(|i| i.to_string()).collect::<Vec<_>>()
        ]]),
    );
    assert!(s.contains("NOT IN (SELECT value FROM json_each("), "{s}");
    let s = sql("res.partner", json!([["id", "in", [1, 2, 3]]]));
    assert!(s.contains("IN (1, 2, 3)"), "{s}");
}

#[test]
fn relational_paths_become_any_and_negate_as_not_any() {
    let d = parse_on("res.partner", json!(["!", ["parent_id.name", "=", "x"]])).unwrap();
    assert!(
        matches!(&d, Domain::Leaf { path, op: Op::NotAny, .. } if path == &vec!["parent_id".to_string()]),
        "{d:?}"
    );
    let s = sql("res.partner", json!(["!", ["parent_id.name", "=", "x"]]));
    assert!(s.contains("NOT IN") && s.contains("IS NULL"), "{s}");
}
