//! The corpus itself: one generator per class of malformed request.

use serde_json::{json, Value};

use crate::hardening::{method_call, xml_value};

/// One malformed request.
pub enum Req {
    /// A JSON route: path, content type, raw body, with the admin's session or not.
    Json(&'static str, &'static str, Vec<u8>, bool),
    /// An XML-RPC service and raw body.
    Xml(&'static str, Vec<u8>),
}

pub struct Case {
    pub name: String,
    pub req: Req,
}

fn envelope(params: Value) -> Vec<u8> {
    json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
        .to_string()
        .into_bytes()
}

fn kw(model: Value, method: Value, args: Value, kwargs: Value) -> Vec<u8> {
    envelope(json!({"model": model, "method": method, "args": args, "kwargs": kwargs}))
}

/// Malformed JSON bodies and envelopes.
fn transport_cases(out: &mut Vec<Case>) {
    let raw: Vec<(&str, &'static str, Vec<u8>)> = vec![
        ("empty body", "application/json", vec![]),
        ("not json", "application/json", b"{nope".to_vec()),
        (
            "truncated",
            "application/json",
            b"{\"params\": {\"model\"".to_vec(),
        ),
        ("array", "application/json", b"[1, 2]".to_vec()),
        ("string", "application/json", b"\"call\"".to_vec()),
        (
            "NaN",
            "application/json",
            b"{\"params\": {\"x\": NaN}}".to_vec(),
        ),
        (
            "Infinity",
            "application/json",
            b"{\"params\": {\"x\": Infinity}}".to_vec(),
        ),
        (
            "invalid utf-8",
            "application/json",
            b"{\"params\": {\"x\": \"\xff\xfe\"}}".to_vec(),
        ),
        (
            "lone surrogate",
            "application/json",
            b"{\"params\": {\"x\": \"\\ud800\"}}".to_vec(),
        ),
        (
            "params a list",
            "application/json",
            b"{\"params\": [1]}".to_vec(),
        ),
        (
            "params a string",
            "application/json",
            b"{\"params\": \"x\"}".to_vec(),
        ),
        (
            "form body",
            "application/x-www-form-urlencoded",
            b"model=res.partner".to_vec(),
        ),
        ("text/plain", "text/plain", envelope(json!({}))),
        (
            "deep arrays",
            "application/json",
            format!(
                "{{\"params\": {{\"args\": {}1{}}}}}",
                "[".repeat(100_000),
                "]".repeat(100_000)
            )
            .into_bytes(),
        ),
        (
            "deep objects",
            "application/json",
            format!("{}1{}", "{\"a\":".repeat(50_000), "}".repeat(50_000)).into_bytes(),
        ),
        ("oversized", "application/json", {
            let mut b = b"{\"params\": {\"x\": \"".to_vec();
            b.extend(std::iter::repeat_n(b'a', 11 * 1024 * 1024));
            b.extend(b"\"}}");
            b
        }),
        (
            "huge number",
            "application/json",
            format!("{{\"params\": {{\"x\": 1{}}}}}", "0".repeat(100_000)).into_bytes(),
        ),
    ];
    for (name, ct, body) in raw {
        out.push(Case {
            name: format!("json: {name}"),
            req: Req::Json("/web/dataset/call_kw", ct, body, true),
        });
    }
    for (name, params) in [
        (
            "jsonrpc unknown service",
            json!({"service": "nope", "method": "x", "args": []}),
        ),
        (
            "jsonrpc common unknown",
            json!({"service": "common", "method": "drop", "args": []}),
        ),
        (
            "jsonrpc db method",
            json!({"service": "db", "method": "drop", "args": ["odoo", "x"]}),
        ),
        (
            "jsonrpc args object",
            json!({"service": "common", "method": "login", "args": {"a": 1}}),
        ),
        (
            "jsonrpc login short",
            json!({"service": "common", "method": "login", "args": ["odoo"]}),
        ),
        (
            "jsonrpc object short",
            json!({"service": "object", "method": "execute_kw", "args": ["odoo", 2]}),
        ),
        (
            "jsonrpc uid string",
            json!({"service": "object", "method": "execute_kw", "args": ["odoo", "2", "admin", "res.partner", "search", [[]]]}),
        ),
        (
            "jsonrpc uid huge",
            json!({"service": "object", "method": "execute_kw", "args": ["odoo", 1e300, "admin", "res.partner", "search", [[]]]}),
        ),
        (
            "jsonrpc wrong db",
            json!({"service": "object", "method": "execute_kw", "args": ["x'; DROP DATABASE odoo; --", 2, "admin", "res.partner", "search", [[]]]}),
        ),
        (
            "jsonrpc object bad method",
            json!({"service": "object", "method": "exec_workflow", "args": []}),
        ),
        ("jsonrpc no service", json!({"method": "login"})),
    ] {
        out.push(Case {
            name: params_name(name),
            req: Req::Json("/jsonrpc", "application/json", envelope(params), false),
        });
    }
    for (name, params) in [
        ("authenticate no params", json!({})),
        (
            "authenticate login object",
            json!({"db": "odoo", "login": {"a": 1}, "password": "x"}),
        ),
        (
            "authenticate wrong db",
            json!({"db": "other", "login": "admin", "password": "admin"}),
        ),
        (
            "authenticate sql login",
            json!({"db": "odoo", "login": "admin' OR '1'='1", "password": "x"}),
        ),
        (
            "authenticate nul login",
            json!({"db": "odoo", "login": "admin\u{0}", "password": "admin"}),
        ),
        (
            "authenticate huge password",
            json!({"db": "odoo", "login": "admin", "password": "p".repeat(1_000_000)}),
        ),
        (
            "authenticate huge login",
            json!({"db": "odoo", "login": "l".repeat(1_000_000), "password": "x"}),
        ),
        (
            "authenticate password list",
            json!({"db": "odoo", "login": "admin", "password": ["admin"]}),
        ),
    ] {
        out.push(Case {
            name: params_name(name),
            req: Req::Json(
                "/web/session/authenticate",
                "application/json",
                envelope(params),
                false,
            ),
        });
    }
}

fn params_name(name: &str) -> String {
    format!("route: {name}")
}

/// Wrong types in every position of `call_kw` and of each ORM method.
fn call_kw_cases(out: &mut Vec<Case>) {
    let p = "res.partner";
    let mut add = |name: String, model: Value, method: Value, args: Value, kwargs: Value| {
        out.push(Case {
            name,
            req: Req::Json(
                "/web/dataset/call_kw",
                "application/json",
                kw(model, method, args, kwargs),
                true,
            ),
        });
    };
    for (what, model) in [
        ("null", json!(null)),
        ("int", json!(1)),
        ("list", json!(["res.partner"])),
        ("unknown", json!("res.nope")),
        ("sql", json!("res_partner; DROP TABLE res_partner")),
        ("nul", json!("res.partner\u{0}")),
        ("huge", json!("m".repeat(100_000))),
    ] {
        add(
            format!("model {what}"),
            model,
            json!("search"),
            json!([[]]),
            json!({}),
        );
    }
    for (what, method) in [
        ("null", json!(null)),
        ("int", json!(3)),
        ("private", json!("_read")),
        ("unknown", json!("drop_everything")),
        ("sql", json!("search; DELETE FROM res_partner")),
        ("dunder", json!("__init__")),
    ] {
        add(
            format!("method {what}"),
            json!(p),
            method,
            json!([[]]),
            json!({}),
        );
    }
    add(
        "args object".into(),
        json!(p),
        json!("search"),
        json!({"a": 1}),
        json!({}),
    );
    add(
        "kwargs list".into(),
        json!(p),
        json!("search"),
        json!([[]]),
        json!([1]),
    );
    add(
        "too many args".into(),
        json!(p),
        json!("search"),
        json!([[], 0, 1, "id", false, 9]),
        json!({}),
    );
    add(
        "unknown kwarg".into(),
        json!(p),
        json!("search"),
        json!([[]]),
        json!({"bogus": 1}),
    );
    add(
        "duplicate arg".into(),
        json!(p),
        json!("search"),
        json!([[]]),
        json!({"domain": []}),
    );
    add(
        "context a string".into(),
        json!(p),
        json!("search"),
        json!([[]]),
        json!({"context": {"allowed_company_ids": [999]}}),
    );
    add(
        "context bad companies".into(),
        json!(p),
        json!("search"),
        json!([[]]),
        json!({"context": {"allowed_company_ids": ["1; DROP"]}}),
    );
    // Every argument of the read methods, given the wrong type.
    let bad_scalars = [
        json!("x"),
        json!(-1),
        json!(1.5),
        json!({"a": 1}),
        json!([[1]]),
        json!(1e300),
        json!(18446744073709551616u128.to_string().parse::<f64>().unwrap()),
    ];
    for (i, v) in bad_scalars.iter().enumerate() {
        add(
            format!("search offset {i}"),
            json!(p),
            json!("search"),
            json!([[]]),
            json!({"offset": v}),
        );
        add(
            format!("search limit {i}"),
            json!(p),
            json!("search"),
            json!([[]]),
            json!({"limit": v}),
        );
        add(
            format!("read ids {i}"),
            json!(p),
            json!("read"),
            json!([[v], ["name"]]),
            json!({}),
        );
        add(
            format!("read fields {i}"),
            json!(p),
            json!("read"),
            json!([[1], [v]]),
            json!({}),
        );
        add(
            format!("write ids {i}"),
            json!(p),
            json!("write"),
            json!([[v], {"name": "x"}]),
            json!({}),
        );
        add(
            format!("unlink ids {i}"),
            json!(p),
            json!("unlink"),
            json!([v]),
            json!({}),
        );
        add(
            format!("create vals {i}"),
            json!(p),
            json!("create"),
            json!([[v]]),
            json!({}),
        );
        add(
            format!("web_read spec {i}"),
            json!(p),
            json!("web_read"),
            json!([[1], v]),
            json!({}),
        );
        add(
            format!("name_search limit {i}"),
            json!(p),
            json!("name_search"),
            json!(["a"]),
            json!({"limit": v}),
        );
        add(
            format!("search_count limit {i}"),
            json!(p),
            json!("search_count"),
            json!([[]]),
            json!({"limit": v}),
        );
    }
    for (i, order) in [
        "name; DROP TABLE res_partner",
        "name desc, (SELECT 1)",
        "id asc nulls sideways",
        "password",
        "nope",
        "name desc desc",
        "",
    ]
    .iter()
    .enumerate()
    .filter(|(_, o)| !o.is_empty())
    {
        add(
            format!("order {i}"),
            json!(p),
            json!("search"),
            json!([[]]),
            json!({"order": order}),
        );
    }
    add(
        "order a list".into(),
        json!(p),
        json!("search"),
        json!([[]]),
        json!({"order": ["name"]}),
    );
    add(
        "fields sql".into(),
        json!(p),
        json!("search_read"),
        json!([[], ["name\"; DROP TABLE x; --"]]),
        json!({}),
    );
    add(
        "name_search operator".into(),
        json!(p),
        json!("name_search"),
        json!(["a"]),
        json!({"operator": "; DROP"}),
    );
    add(
        "check_access mode".into(),
        json!(p),
        json!("check_access_rights"),
        json!(["destroy"]),
        json!({}),
    );
    add(
        "default_get unknown".into(),
        json!(p),
        json!("default_get"),
        json!([["nope"]]),
        json!({}),
    );
    add(
        "copy missing".into(),
        json!(p),
        json!("copy"),
        json!([[987654]]),
        json!({}),
    );
    add(
        "write missing".into(),
        json!(p),
        json!("write"),
        json!([[987654], {"name": "x"}]),
        json!({}),
    );
    add(
        "unlink missing".into(),
        json!("pos.payment.method"),
        json!("unlink"),
        json!([[987654]]),
        json!({}),
    );
    add(
        "web_search_read spec list".into(),
        json!(p),
        json!("web_search_read"),
        json!([[], ["name"]]),
        json!({}),
    );
    add(
        "web_read deep spec".into(),
        json!(p),
        json!("web_read"),
        json!([[1], deep_spec(40)]),
        json!({}),
    );
    add(
        "business method bad amount".into(),
        json!("pos.payment.method"),
        json!("stripe_payment_intent"),
        json!([[1], "lots"]),
        json!({}),
    );
    add(
        "business method missing arg".into(),
        json!("pos.payment.method"),
        json!("stripe_capture_payment"),
        json!([]),
        json!({}),
    );
}

fn deep_spec(depth: usize) -> Value {
    let mut spec = json!({"name": {}});
    for _ in 0..depth {
        spec = json!({"parent_id": {"fields": spec}});
    }
    spec
}

/// Broken domains, sent to `search`.
fn domain_cases(out: &mut Vec<Case>) {
    let mut deep_alternation = Vec::new();
    for i in 0..300 {
        deep_alternation.push(json!(if i % 2 == 0 { "&" } else { "|" }));
        deep_alternation.push(json!(["id", "=", i]));
    }
    deep_alternation.push(json!(["id", "=", 0]));
    let mut nested_any = json!([["id", "=", 1]]);
    for _ in 0..60 {
        nested_any = json!([["parent_id", "any", nested_any]]);
    }
    let domains = vec![
        json!("name = 1"),
        json!(42),
        json!({"a": 1}),
        json!([42]),
        json!([null]),
        json!([true]),
        json!([{"a": 1}]),
        json!(["&"]),
        json!(["|", ["id", "=", 1]]),
        json!(["!"]),
        json!(["&", "&", ["id", "=", 1]]),
        json!([[]]),
        json!([["name"]]),
        json!([["name", "="]]),
        json!([["name", "=", 1, 2]]),
        json!([["name", "in"]]),
        json!([["name", "~", 1]]),
        json!([["name", null, 1]]),
        json!([[1, "=", 2]]),
        json!([[null, "=", 1]]),
        json!([["", "=", 1]]),
        json!([["nope", "=", 1]]),
        json!([["name.nope", "=", 1]]),
        json!([["parent_id.nope", "=", 1]]),
        json!([["parent_id..name", "=", 1]]),
        json!([["password", "=", "x"]]),
        json!([["name; DROP TABLE res_partner", "=", 1]]),
        json!([["name", "=", "x' OR '1'='1"]]),
        json!([["name", "like", "%' --"]]),
        json!([["id", "=", {"a": 1}]]),
        json!([["id", "=", "not a number"]]),
        json!([["id", "<", [1, 2]]]),
        json!([["date", "=", "2024-13-45"]]),
        json!([["create_date", ">", "yesterday"]]),
        json!([["id", "child_of", "x"]]),
        json!([["name", "child_of", 1]]),
        json!([["name", "any", [["id", "=", 1]]]]),
        json!([["parent_id", "any", "x"]]),
        json!([["parent_id", "any", [["id", "="]]]]),
        json!([["parent_id", "any", ["&"]]]),
        json!([["name", "=", "a\u{0}b"]]),
        json!([["name", "ilike", "\u{0}"]]),
        json!([[
            "id",
            "in",
            (0..1000).map(|i| json!(format!("{i}"))).collect::<Vec<_>>()
        ]]),
        Value::Array((0..600).map(|i| json!(["id", "!=", i])).collect()),
        Value::Array(deep_alternation),
        nested_any,
    ];
    for (i, d) in domains.into_iter().enumerate() {
        out.push(Case {
            name: format!("domain {i}: {}", truncate(&d.to_string())),
            req: Req::Json(
                "/web/dataset/call_kw",
                "application/json",
                kw(json!("res.partner"), json!("search"), json!([d]), json!({})),
                true,
            ),
        });
    }
}

/// Wrong values for every field type, broken x2many commands, NUL bytes.
fn value_cases(out: &mut Vec<Case>) {
    let mut deep_commands = json!({"name": "leaf"});
    for _ in 0..20 {
        deep_commands = json!({"name": "x", "child_ids": [[0, 0, deep_commands]]});
    }
    let vals = vec![
        json!({"nope": 1}),
        json!({"name": {"a": 1}}),
        json!({"name": ["x"]}),
        json!({"name": "a\u{0}b"}),
        json!({"email": "\u{0}"}),
        json!({"name": "x", "parent_id": "one"}),
        json!({"name": "x", "parent_id": -5}),
        json!({"name": "x", "parent_id": 1e300}),
        json!({"name": "x", "parent_id": [999999, "ghost"]}),
        json!({"name": "x", "parent_id": {"id": 1}}),
        json!({"name": "x", "company_id": 987654}),
        json!({"name": "x", "active": {"a": 1}}),
        json!({"name": "x", "is_company": [1]}),
        json!({"name": "x", "type": "martian"}),
        json!({"name": "x", "child_ids": "all"}),
        json!({"name": "x", "child_ids": [[9, 0, 0]]}),
        json!({"name": "x", "child_ids": [[0, 0, "vals"]]}),
        json!({"name": "x", "child_ids": [[1, "x", {}]]}),
        json!({"name": "x", "child_ids": [[4, 987654, 0]]}),
        json!({"name": "x", "child_ids": [[6, 0, ["a"]]]}),
        json!({"name": "x", "child_ids": [["0", 0, {}]]}),
        json!({"name": "x", "child_ids": [[0, 0, {"nope": 1}]]}),
        json!({"name": "x", "child_ids": [[0, 0, {"name": "\u{0}"}]]}),
        json!({"name": "x", "child_ids": [[2, "987654", 0]]}),
        json!({"name": "x", "category_id": [[6, 0, [987654]]]}),
        deep_commands,
        json!({"name": "x", "parent_id": 1, "child_ids": [[0, 0, {"name": "y", "email": {"a": 1}}]]}),
    ];
    for (i, v) in vals.iter().enumerate() {
        for method in ["create", "write"] {
            let args = if method == "create" {
                json!([[v]])
            } else {
                json!([[1], v])
            };
            out.push(Case {
                name: format!("{method} vals {i}: {}", truncate(&v.to_string())),
                req: Req::Json(
                    "/web/dataset/call_kw",
                    "application/json",
                    kw(json!("res.partner"), json!(method), args, json!({})),
                    true,
                ),
            });
        }
    }
    // Every field type of a payment method and a session, given a dict.
    for (model, fields) in [
        (
            "pos.payment.method",
            [
                "name",
                "sequence",
                "journal_id",
                "config_ids",
                "use_payment_terminal",
                "split_transactions",
            ],
        ),
        (
            "pos.session",
            [
                "name",
                "config_id",
                "start_at",
                "state",
                "user_id",
                "cash_register_balance_start",
            ],
        ),
    ] {
        for f in fields {
            out.push(Case {
                name: format!("{model}.{f} given a dict"),
                req: Req::Json(
                    "/web/dataset/call_kw",
                    "application/json",
                    kw(
                        json!(model),
                        json!("create"),
                        json!([{f: {"$ne": null}}]),
                        json!({}),
                    ),
                    true,
                ),
            });
        }
    }
    for (what, v) in [
        ("date", json!({"name": "x", "date": "2024-02-30"})),
        ("datetime", json!({"name": "x", "start_at": "not a date"})),
        (
            "monetary",
            json!({"name": "x", "cash_register_balance_start": "lots"}),
        ),
        (
            "monetary huge",
            json!({"name": "x", "cash_register_balance_start": serde_json::from_str::<Value>("1e400").unwrap()}),
        ),
        (
            "integer huge",
            json!({"name": "x", "sequence": 3_000_000_000i64}),
        ),
    ] {
        let model = if what == "date" {
            "res.partner"
        } else {
            "pos.session"
        };
        let model = if what == "integer huge" {
            "pos.payment.method"
        } else {
            model
        };
        out.push(Case {
            name: format!("value {what}"),
            req: Req::Json(
                "/web/dataset/call_kw",
                "application/json",
                kw(json!(model), json!("create"), json!([v]), json!({})),
                true,
            ),
        });
    }
}

/// Malformed XML-RPC.
fn xmlrpc_cases(out: &mut Vec<Case>) {
    let x = |v: Value| xml_value(&v);
    let object = |values: Vec<String>| method_call("execute_kw", &values).into_bytes();
    let cred = || vec![x(json!("odoo")), x(json!(2)), x(json!("admin"))];
    let bodies: Vec<(&str, &'static str, Vec<u8>)> = vec![
        ("empty", "common", vec![]),
        ("not xml", "common", b"hello".to_vec()),
        ("unclosed", "common", b"<methodCall><methodName>version</methodName>".to_vec()),
        ("wrong root", "common", b"<methodResponse/>".to_vec()),
        ("no method", "common", b"<methodCall><params/></methodCall>".to_vec()),
        ("bad int", "common", method_call("version", &["<value><int>one</int></value>".into()]).into_bytes()),
        ("huge int", "common", method_call("version", &["<value><int>99999999999999999999999</int></value>".into()]).into_bytes()),
        ("bad boolean", "common", method_call("version", &["<value><boolean>yes</boolean></value>".into()]).into_bytes()),
        ("bad double", "common", method_call("version", &["<value><double>nan-ish</double></value>".into()]).into_bytes()),
        ("bad base64", "common", method_call("version", &["<value><base64>!!!</base64></value>".into()]).into_bytes()),
        ("unknown type", "common", method_call("version", &["<value><blob>1</blob></value>".into()]).into_bytes()),
        ("struct no name", "common", method_call("version", &["<value><struct><member><value>1</value></member></struct></value>".into()]).into_bytes()),
        ("array no data", "common", method_call("version", &["<value><array/></value>".into()]).into_bytes()),
        ("nul byte", "common", b"<methodCall><methodName>version\x00</methodName></methodCall>".to_vec()),
        ("control char", "common", b"<methodCall><methodName>version\x01</methodName></methodCall>".to_vec()),
        ("invalid utf-8", "common", b"<methodCall><methodName>vers\xffion</methodName></methodCall>".to_vec()),
        ("bad char ref", "common", b"<methodCall><methodName>&#0;</methodName></methodCall>".to_vec()),
        ("undefined entity", "common", b"<methodCall><methodName>&nope;</methodName></methodCall>".to_vec()),
        ("billion laughs", "common", br#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><methodCall><methodName>&c;</methodName></methodCall>"#.to_vec()),
        ("external entity", "common", br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><methodCall><methodName>&e;</methodName></methodCall>"#.to_vec()),
        ("deep arrays", "common", method_call("version", &[format!("{}<value><int>1</int></value>{}", "<value><array><data>".repeat(5000), "</data></array></value>".repeat(5000))]).into_bytes()),
        ("deep elements", "common", format!("<methodCall>{}{}</methodCall>", "<a>".repeat(200_000), "</a>".repeat(200_000)).into_bytes()),
        ("unknown method", "common", method_call("drop", &[]).into_bytes()),
        ("login short", "common", method_call("login", &[x(json!("odoo"))]).into_bytes()),
        ("login struct", "common", method_call("login", &[x(json!("odoo")), x(json!({"a": 1})), x(json!("x"))]).into_bytes()),
        ("db drop", "db", method_call("drop", &[x(json!("admin")), x(json!("odoo"))]).into_bytes()),
        ("object short", "object", object(vec![x(json!("odoo")), x(json!(2))])),
        ("object uid string", "object", object(vec![x(json!("odoo")), x(json!("two")), x(json!("admin")), x(json!("res.partner")), x(json!("search")), x(json!([[]]))])),
        ("object wrong password", "object", object(vec![x(json!("odoo")), x(json!(2)), x(json!("nope")), x(json!("res.partner")), x(json!("search")), x(json!([[]]))])),
        ("object nil model", "object", object({ let mut v = cred(); v.extend([x(json!(null)), x(json!("search")), x(json!([[]]))]); v })),
        ("object unknown model", "object", object({ let mut v = cred(); v.extend([x(json!("res.nope")), x(json!("search")), x(json!([[]]))]); v })),
        ("object args struct", "object", object({ let mut v = cred(); v.extend([x(json!("res.partner")), x(json!("search")), x(json!({"a": 1}))]); v })),
        ("object bad domain", "object", object({ let mut v = cred(); v.extend([x(json!("res.partner")), x(json!("search")), x(json!([["&"]]))]); v })),
        ("object leaf unpack", "object", object({ let mut v = cred(); v.extend([x(json!("res.partner")), x(json!("search")), x(json!([[["name", "="]]]))]); v })),
        ("object huge limit", "object", object({ let mut v = cred(); v.extend([x(json!("res.partner")), x(json!("search")), x(json!([[]])), x(json!({"limit": 1e19}))]); v })),
        ("object create bad", "object", object({ let mut v = cred(); v.extend([x(json!("res.partner")), x(json!("create")), x(json!([{"name": {"a": 1}}]))]); v })),
        ("object write nul", "object", object({ let mut v = cred(); v.extend([x(json!("res.partner")), x(json!("write")), x(json!([[1], {"name": "a\u{1}"}]))]); v })),
        ("object private", "object", object({ let mut v = cred(); v.extend([x(json!("res.partner")), x(json!("_write")), x(json!([[1], {}]))]); v })),
        ("object kwargs list", "object", object({ let mut v = cred(); v.extend([x(json!("res.partner")), x(json!("search")), x(json!([[]])), x(json!([1]))]); v })),
    ];
    for (name, service, body) in bodies {
        out.push(Case {
            name: format!("xmlrpc: {name}"),
            req: Req::Xml(service, body),
        });
    }
    out.push(Case {
        name: "xmlrpc: GET-like unknown service".into(),
        req: Req::Xml("nope", method_call("version", &[]).into_bytes()),
    });
}

fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

pub fn corpus() -> Vec<Case> {
    let mut out = Vec::new();
    transport_cases(&mut out);
    call_kw_cases(&mut out);
    domain_cases(&mut out);
    value_cases(&mut out);
    xmlrpc_cases(&mut out);
    out
}
