//! Issue 12, "Hardening": deep inputs (item 1), deep domains (item 2) and numbers out
//! of range (item 4), each on SQLite and PostgreSQL, and the XML-RPC helpers the
//! other hardening stories share (`passwords`, `records`, `bad_input`, `secrets`).
//! Every test failed before its fix (a crashed process, a panic) and answers as
//! Odoo 18 does now.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::both;
use crate::helpers::*;

/// An XML-RPC `methodCall` with already-encoded `<value>`s.
pub fn method_call(method: &str, values: &[String]) -> String {
    let params: String = values
        .iter()
        .map(|v| format!("<param>{v}</param>"))
        .collect();
    format!("<?xml version='1.0'?><methodCall><methodName>{method}</methodName><params>{params}</params></methodCall>")
}

/// A JSON value as an XML-RPC `<value>` (numbers as `int` or `double`).
pub fn xml_value(v: &Value) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    match v {
        Value::Null => "<value><nil/></value>".into(),
        Value::Bool(b) => format!("<value><boolean>{}</boolean></value>", u8::from(*b)),
        Value::Number(n) if n.is_i64() => format!("<value><int>{n}</int></value>"),
        Value::Number(n) => format!("<value><double>{n}</double></value>"),
        Value::String(s) => format!("<value><string>{}</string></value>", escape(s)),
        Value::Array(items) => format!(
            "<value><array><data>{}</data></array></value>",
            items.iter().map(xml_value).collect::<String>()
        ),
        Value::Object(map) => format!(
            "<value><struct>{}</struct></value>",
            map.iter()
                .map(|(k, v)| format!(
                    "<member><name>{}</name>{}</member>",
                    escape(k),
                    xml_value(v)
                ))
                .collect::<String>()
        ),
    }
}

/// The fault code of an XML-RPC answer, if it is a fault.
pub fn fault_code(xml: &str) -> Option<i64> {
    let rest = &xml[xml.find("<name>faultCode</name>")?..];
    let start = rest.find("<int>")? + 5;
    let end = rest.find("</int>")?;
    rest[start..end].parse().ok()
}

/// POSTs an XML-RPC call and returns the answer's text (always HTTP 200).
pub async fn xmlrpc(app: &TestApp, service: &str, body: String) -> String {
    let raw = app
        .post_raw(&format!("/xmlrpc/2/{service}"), "text/xml", body, None)
        .await;
    assert_eq!(raw.status, 200, "{}", raw.text);
    raw.text
}

/// `object.execute_kw` over XML-RPC.
pub async fn xml_execute_kw(
    app: &TestApp,
    uid: i64,
    password: &str,
    model: &str,
    method: &str,
    args: Value,
) -> String {
    let values = [
        json!("odoo"),
        json!(uid),
        json!(password),
        json!(model),
        json!(method),
        args,
    ];
    let values: Vec<String> = values.iter().map(xml_value).collect();
    xmlrpc(app, "object", method_call("execute_kw", &values)).await
}

// ---------------------------------------------------------------- 2. deep domains

both!(long_not_and_and_chains_are_answered, |app| {
    let employee = app.login("employee", "employee").await;
    let partners = employee
        .call("res.partner", "search_count", json!([[]]), json!({}))
        .await
        .unwrap();
    // 470 `!` (the domain that overflowed the stack) and a 10,000-long chain: `!!`
    // cancels out, as in Odoo.
    for n in [470usize, 471, 10_000] {
        let mut domain: Vec<Value> = vec![json!("!"); n];
        domain.push(json!(["id", "=", 0]));
        let count = employee
            .call("res.partner", "search_count", json!([domain]), json!({}))
            .await
            .unwrap_or_else(|e| panic!("{n}: {e}"));
        let expected = if n % 2 == 0 {
            json!(0)
        } else {
            partners.clone()
        };
        assert_eq!(count, expected, "{n} `!`");
        // Also through XML-RPC, with the password.
        let xml = xml_execute_kw(
            &app,
            employee.uid,
            "employee",
            "res.partner",
            "search_count",
            json!([domain]),
        )
        .await;
        assert_eq!(fault_code(&xml), None, "{xml}");
        assert!(xml.contains(&format!("<int>{expected}</int>")), "{xml}");
    }
    // A chain of 499 `&` over 500 leaves (the most a domain may hold) is one n-ary
    // AND in SQL.
    let mut domain: Vec<Value> = vec![json!("&"); 499];
    domain.extend((0..500).map(|i| json!(["id", "!=", -i])));
    let count = employee
        .call("res.partner", "search_count", json!([domain]), json!({}))
        .await
        .unwrap();
    assert_eq!(count, partners);
    // Deeper than any real client goes (alternating `&`/`|`): Odoo's RecursionError.
    let mut domain: Vec<Value> = Vec::new();
    for i in 0..400 {
        domain.push(json!(if i % 2 == 0 { "&" } else { "|" }));
        domain.push(json!(["id", "!=", -i]));
    }
    domain.push(json!(["id", "!=", 0]));
    let err = employee
        .call("res.partner", "search_count", json!([domain]), json!({}))
        .await
        .unwrap_err();
    assert_error(
        &err,
        "builtins.RecursionError",
        "maximum recursion depth exceeded",
    );
    // The server is still here.
    employee
        .call("res.partner", "search_count", json!([[]]), json!({}))
        .await
        .unwrap();
});

both!(deepest_accepted_domain_fits_the_stack, |app| {
    // The deepest tree the parser accepts, compiled and run on the test runtime's
    // 2 MiB worker stacks (the server's own workers get more: see `cli.rs`).
    let admin = app.login("admin", "admin").await;
    let levels = odoo_pos_stripe::orm::domain::MAX_DEPTH - 2;
    let mut domain: Vec<Value> = Vec::new();
    for i in 0..levels {
        domain.push(json!(if i % 2 == 0 { "&" } else { "|" }));
        domain.push(json!(["name", "!=", format!("n{i}")]));
    }
    domain.push(json!(["id", "!=", 0]));
    let started = Instant::now();
    admin
        .call(
            "res.partner",
            "search_read",
            json!([domain, ["name"]]),
            json!({}),
        )
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));
    // And the deepest chain of sub-domains, each reading its model with the rules (as
    // the cashier): SQLite takes it.
    let cashier = app.login("cashier", "cashier").await;
    let mut domain = json!([["id", "!=", 0]]);
    for _ in 0..odoo_pos_stripe::orm::domain::MAX_SUBDOMAIN_DEPTH {
        domain = json!([["parent_id", "any", domain]]);
    }
    cashier
        .call("res.partner", "search_count", json!([domain]), json!({}))
        .await
        .unwrap();
});

// ---------------------------------------------------------------- 1. deep inputs

fn nested_xml(depth: usize) -> String {
    format!(
        "{}<value><int>1</int></value>{}",
        "<value><array><data>".repeat(depth),
        "</data></array></value>".repeat(depth)
    )
}

fn nested_json(depth: usize) -> Value {
    let text = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    serde_json::from_str::<Value>(&text).unwrap_or_else(|_| {
        // Deeper than serde_json parses by default: build it by hand.
        let mut v = json!(1);
        for _ in 0..depth {
            v = json!([v]);
        }
        v
    })
}

both!(deep_xmlrpc_and_json_bodies_are_answered, |app| {
    // The issue's request: `common.version` with 1,030 nested arrays, unauthenticated.
    let body = method_call("version", &[nested_xml(1030)]);
    assert!(body.len() > 40_000);
    let xml = xmlrpc(&app, "common", body).await;
    assert_eq!(fault_code(&xml), Some(1), "{xml}");
    assert!(
        xml.contains("RecursionError: maximum recursion depth exceeded"),
        "{xml}"
    );
    // Nesting within the documented bound is decoded (and ignored by `version`).
    let xml = xmlrpc(&app, "common", method_call("version", &[nested_xml(100)])).await;
    assert!(xml.contains("<name>server_version</name>"), "{xml}");
    // JSON: beyond 128 levels, Odoo's RecursionError as a JSON-RPC error.
    let args = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let deep = format!(
        r#"{{"jsonrpc": "2.0", "method": "call", "id": 3, "params": {{"service": "common", "method": "version", "args": {args}}}}}"#
    );
    let raw = app
        .post_raw("/jsonrpc", "application/json", deep, None)
        .await;
    assert_eq!(raw.status, 200, "{}", raw.text);
    let env = raw.json();
    assert_eq!(env["id"], Value::Null);
    assert_error(
        &env["error"],
        "builtins.RecursionError",
        "maximum recursion depth exceeded",
    );
    let ok = app
        .jsonrpc("common", "version", json!([nested_json(100)]))
        .await;
    assert_eq!(ok["result"]["server_version"], json!("18.0"), "{ok}");
    // Still serving.
    app.login("admin", "admin").await;
});

both!(recursive_inputs_at_their_bound_fit_the_stack, |app| {
    let admin = app.login("admin", "admin").await;
    let depth = odoo_pos_stripe::orm::x2many::MAX_RELATION_DEPTH;
    // x2many commands nested to the bound: 17 generations of partners, one call.
    let mut vals = json!({"name": "leaf"});
    for i in 0..depth {
        vals = json!({"name": format!("gen {i}"), "child_ids": [[0, 0, vals]]});
    }
    admin
        .call("res.partner", "create", json!([vals.clone()]), json!({}))
        .await
        .unwrap();
    let leaf = admin
        .call(
            "res.partner",
            "search",
            json!([[["name", "=", "leaf"]]]),
            json!({}),
        )
        .await
        .unwrap()[0]
        .clone();
    // One level deeper is Odoo's RecursionError, before anything is written.
    let before = admin
        .call("res.partner", "search_count", json!([[]]), json!({}))
        .await
        .unwrap();
    let too_deep = json!({"name": "x", "child_ids": [[0, 0, vals]]});
    let err = admin
        .call("res.partner", "create", json!([too_deep]), json!({}))
        .await
        .unwrap_err();
    assert_error(&err, "builtins.RecursionError", "maximum recursion depth");
    let after = admin
        .call("res.partner", "search_count", json!([[]]), json!({}))
        .await
        .unwrap();
    assert_eq!(before, after);
    // A `web_read` specification following the chain back up, to the bound.
    let mut spec = json!({"name": {}});
    for _ in 0..depth {
        spec = json!({"name": {}, "parent_id": {"fields": spec}});
    }
    let read = admin
        .call(
            "res.partner",
            "web_read",
            json!([[leaf], spec.clone()]),
            json!({}),
        )
        .await
        .unwrap();
    let mut record = &read[0];
    for _ in 0..depth {
        record = &record["parent_id"];
    }
    assert_eq!(record["name"], json!(format!("gen {}", depth - 1)));
    let spec = json!({"parent_id": {"fields": spec}});
    let err = admin
        .call("res.partner", "web_read", json!([[leaf], spec]), json!({}))
        .await
        .unwrap_err();
    assert_error(&err, "builtins.RecursionError", "maximum recursion depth");
});

// ---------------------------------------------------------------- 4. numbers in range

both!(huge_limits_and_ids_get_clean_errors, |app| {
    let admin = app.login("admin", "admin").await;
    let raw_call = |method: &str, args: &str, kwargs: &str| {
        format!(
            r#"{{"jsonrpc": "2.0", "method": "call", "id": 1, "params": {{"model": "res.partner", "method": "{method}", "args": {args}, "kwargs": {kwargs}}}}}"#
        )
    };
    for (method, args, kwargs) in [
        ("search", "[[]]", r#"{"limit": 9223372036854775808}"#),
        ("search", "[[]]", r#"{"offset": 18446744073709551615}"#),
        ("search", "[[], 0, 18446744073709551616]", "{}"),
        ("search_read", "[[]]", r#"{"limit": 1e30}"#),
        ("search_count", "[[]]", r#"{"limit": 9223372036854775808}"#),
        (
            "web_search_read",
            "[[], {}]",
            r#"{"count_limit": 9223372036854775808}"#,
        ),
        (
            "name_search",
            r#"["a"]"#,
            r#"{"limit": 9223372036854775808}"#,
        ),
    ] {
        let raw = app
            .post_raw(
                "/web/dataset/call_kw",
                "application/json",
                raw_call(method, args, kwargs),
                Some(&admin.session_id),
            )
            .await;
        assert_eq!(raw.status, 200, "{method} {kwargs}: {}", raw.text);
        let env = raw.json();
        assert_error(&env["error"], "builtins.ValueError", "out of range");
    }
    // The largest SQL accepts works, with an offset as large.
    let r = admin
        .call(
            "res.partner",
            "web_search_read",
            json!([[], {"name": {}}]),
            json!({"limit": i64::MAX, "offset": i64::MAX}),
        )
        .await
        .unwrap();
    assert_eq!(r["records"], json!([]));
    // Over XML-RPC too.
    let xml = xml_execute_kw(
        &app,
        2,
        "admin",
        "res.partner",
        "search",
        json!([[], 0, 1e19]),
    )
    .await;
    assert_eq!(fault_code(&xml), Some(1), "{xml}");
    assert!(xml.contains("out of range"), "{xml}");
    // Ids beyond the 32-bit id columns: not found, never a database error.
    let huge = 1i64 << 40;
    let r = admin
        .call("res.partner", "read", json!([[huge], ["name"]]), json!({}))
        .await
        .unwrap();
    assert_eq!(r, json!([]));
    let r = admin
        .call(
            "res.partner",
            "search",
            json!([[["id", "in", [huge, 1]]]]),
            json!({}),
        )
        .await
        .unwrap();
    assert!(r.as_array().unwrap().len() <= 1);
    let err = admin
        .call(
            "res.partner",
            "write",
            json!([[huge], {"name": "x"}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err["data"]["name"],
        json!("odoo.exceptions.MissingError"),
        "{err}"
    );
    let err = admin
        .call(
            "res.partner",
            "create",
            json!([{"name": "x", "parent_id": huge}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "builtins.ValueError",
        "Wrong value for res.partner.parent_id",
    );
    let err = admin
        .call(
            "res.partner",
            "write",
            json!([[1], {"child_ids": [[4, huge, 0]]}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err["data"]["name"],
        json!("odoo.exceptions.MissingError"),
        "{err}"
    );
});
