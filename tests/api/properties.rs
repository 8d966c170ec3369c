//! Property tests of every parser of client input, in the normal test run: the
//! JSON-RPC envelope and call arguments, domains, x2many commands and XML-RPC. For
//! generated inputs, well-formed or not: no panic, errors are Odoo's, and what
//! parses round-trips. (Their `cargo fuzz` counterparts are in `fuzz/`.)

use odoo_pos_stripe::http::xmlrpc;
use odoo_pos_stripe::orm::domain::{Compiler, Domain};
use odoo_pos_stripe::orm::x2many::Command;
use odoo_pos_stripe::rpc::{Call, CallNames};
use proptest::prelude::*;
use sea_orm::DbBackend;
use serde_json::{json, Map, Value};

use crate::hardening::{method_call, xml_value};

/// Any JSON value, a few levels deep, with the strings clients send (field names,
/// operators, SQL-looking text, control characters).
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e300f64..1e300).prop_map(|f| json!(f)),
        prop_oneof![
            Just("name".to_string()),
            Just("id".to_string()),
            Just("parent_id".to_string()),
            Just("parent_id.name".to_string()),
            Just("=".to_string()),
            Just("in".to_string()),
            Just("any".to_string()),
            Just("child_of".to_string()),
            Just("!".to_string()),
            Just("&".to_string()),
            Just("|".to_string()),
            Just("' OR 1=1 --".to_string()),
            "\\PC{0,12}",
            "[\\x00-\\x1f]{1,3}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,8}", inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Domain-shaped values: operators and leaves on real and unknown fields.
fn domain_like() -> impl Strategy<Value = Value> {
    let field = prop_oneof![
        Just("name"),
        Just("id"),
        Just("parent_id"),
        Just("parent_id.name"),
        Just("child_ids"),
        Just("company_id.name"),
        Just("active"),
        Just("nope"),
        Just(""),
    ];
    let op = prop_oneof![
        Just("="),
        Just("!="),
        Just("<"),
        Just("like"),
        Just("ilike"),
        Just("=like"),
        Just("in"),
        Just("not in"),
        Just("child_of"),
        Just("any"),
        Just("not any"),
        Just("=?"),
        Just("~"),
    ];
    let value = prop_oneof![
        Just(json!(false)),
        Just(json!(1)),
        Just(json!("x")),
        Just(json!([1, 2])),
        Just(json!([])),
        Just(json!([["id", "=", 1]])),
        Just(json!("\u{0}")),
    ];
    let leaf = (field, op, value).prop_map(|(f, o, v)| json!([f, o, v]));
    let token = prop_oneof![
        3 => leaf,
        1 => Just(json!("!")),
        1 => Just(json!("&")),
        1 => Just(json!("|")),
        1 => any_json(),
    ];
    prop::collection::vec(token, 0..12).prop_map(Value::Array)
}

fn registry() -> &'static odoo_pos_stripe::orm::Registry {
    odoo_pos_stripe::addons::registry()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn json_routes_decode_or_refuse_without_panicking(params in any_json(), args in any_json(), kwargs in any_json()) {
        for route in ["/jsonrpc", "/web/dataset/call_kw", "/web/session/authenticate"] {
            let mut map = match &params { Value::Object(m) => m.clone(), _ => Map::new() };
            map.insert("model".into(), json!("res.partner"));
            map.insert("method".into(), json!("search_read"));
            map.insert("service".into(), json!("object"));
            map.insert("args".into(), args.clone());
            map.insert("kwargs".into(), kwargs.clone());
            let _ = Call::from_route(registry(), route, map, &mut CallNames::default());
        }
        for method in ["search", "read", "write", "create", "web_read", "web_search_read", "name_search", "copy", "stripe_payment_intent"] {
            let mut map = Map::new();
            map.insert("model".into(), json!(if method.starts_with("stripe") { "pos.payment.method" } else { "res.partner" }));
            map.insert("method".into(), json!(method));
            map.insert("args".into(), args.clone());
            map.insert("kwargs".into(), kwargs.clone());
            let _ = Call::from_route(registry(), "/web/dataset/call_kw", map, &mut CallNames::default());
        }
    }

    #[test]
    fn domains_parse_compile_and_round_trip(domain in domain_like()) {
        let model = registry().model("res.partner").unwrap();
        if let Ok(d) = Domain::parse_for(&domain, model, registry()) {
            // Normalizing is idempotent.
            let again = Domain::parse(&d.to_json()).unwrap();
            prop_assert_eq!(again.to_json(), d.to_json());
            // A double negation changes nothing (but `f =? False`, always true,
            // comes back as the true leaf, as in Odoo's `_tree_not`).
            prop_assume!(!d.to_json().to_string().contains("=?"));
            let mut negated = vec![json!("!"), json!("!")];
            negated.extend(d.to_json().as_array().cloned().unwrap_or_default());
            prop_assert_eq!(Domain::parse(&Value::Array(negated)).unwrap().to_json(), d.to_json());
            // Compiling never panics (unknown fields are errors).
            for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
                let _ = Compiler { backend, models: registry() }.id_subquery(model, &d);
            }
        }
    }

    #[test]
    fn x2many_commands_parse_or_refuse(value in any_json(), ids in prop::collection::vec(any::<i64>(), 0..5), code in 0i64..7) {
        let _ = Command::parse_list(&value);
        let cmd = match code {
            0 => json!([0, 0, {"name": "x"}]),
            1 => json!([1, ids.first().copied().unwrap_or(1), {"name": "x"}]),
            6 => json!([6, 0, ids]),
            5 => json!([5, 0, 0]),
            c => json!([c, ids.first().copied().unwrap_or(1), 0]),
        };
        let parsed = Command::parse_list(&json!([cmd])).unwrap();
        prop_assert_eq!(parsed.len(), 1);
    }

    #[test]
    fn xmlrpc_parses_or_faults_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..400), text in "\\PC{0,200}") {
        let _ = xmlrpc::parse_call(&bytes);
        let _ = xmlrpc::parse_call(text.as_bytes());
        let wrapped = format!("<methodCall><methodName>x</methodName><params><param><value>{text}</value></param></params></methodCall>");
        let _ = xmlrpc::parse_call(wrapped.as_bytes());
    }

    #[test]
    fn xmlrpc_values_round_trip(value in any_json()) {
        // XML-RPC has no unsigned 64-bit integers nor exact floats: compare what it
        // carries as such.
        fn representable(v: &Value) -> bool {
            match v {
                Value::Number(n) => n.is_i64(),
                Value::String(s) => !s.chars().any(|c| c < ' ' && !matches!(c, '\t' | '\n' | '\r')) && !s.contains('\r'),
                Value::Array(a) => a.iter().all(representable),
                Value::Object(m) => m.values().all(representable),
                _ => true,
            }
        }
        prop_assume!(representable(&value));
        let body = method_call("m", &[xml_value(&value)]);
        let (method, params) = xmlrpc::parse_call(body.as_bytes()).unwrap();
        prop_assert_eq!(method, "m");
        prop_assert_eq!(&params[0], &value);
    }
}
