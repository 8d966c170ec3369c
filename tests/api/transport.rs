//! The JSON-RPC envelope: ids, missing `result`, HTTP 400s, error shapes, body limit.

use serde_json::json;

use crate::both;
use crate::helpers::*;

both!(version_and_id_echo, |app| {
    let raw = app.post_raw("/jsonrpc", "application/json", json!({"jsonrpc":"2.0","method":"call","params":{"service":"common","method":"version","args":[]},"id":"abc"}).to_string(), None).await;
    let env = raw.json();
    assert_eq!(env["id"], json!("abc"));
    assert_eq!(env["jsonrpc"], json!("2.0"));
    assert_eq!(env["result"]["server_version"], json!("18.0"));
    assert_eq!(
        env["result"]["server_version_info"],
        json!([18, 0, 0, "final", 0, ""])
    );
    assert_eq!(env["result"]["protocol_version"], json!(1));
    // No id: null is echoed.
    let env = app
        .post_raw(
            "/web/webclient/version_info",
            "application/json",
            r#"{"jsonrpc":"2.0","params":{}}"#,
            None,
        )
        .await
        .json();
    assert_eq!(env["id"], json!(null));
    assert!(env.as_object().unwrap().contains_key("id"));
    assert_eq!(env["result"]["server_serie"], json!("18.0"));
    // Missing params means {}.
    let env = app
        .post_raw(
            "/web/database/list",
            "application/json",
            r#"{"jsonrpc":"2.0","id":{"x":[1]}}"#,
            None,
        )
        .await
        .json();
    assert_eq!(env["result"], json!(["odoo"]));
    assert_eq!(env["id"], json!({"x": [1]}));
});

both!(invalid_bodies_get_http_400, |app| {
    let raw = app
        .post_raw("/jsonrpc", "application/json", "{not json", None)
        .await;
    assert_eq!((raw.status, raw.text.as_str()), (400, "Invalid JSON data"));
    let raw = app
        .post_raw(
            "/jsonrpc",
            "application/json",
            r#"[{"jsonrpc":"2.0","method":"call","params":{}}]"#,
            None,
        )
        .await;
    assert_eq!(
        (raw.status, raw.text.as_str()),
        (400, "Invalid JSON-RPC data")
    );
    let raw = app
        .post_raw("/jsonrpc", "application/json", "42", None)
        .await;
    assert_eq!(
        (raw.status, raw.text.as_str()),
        (400, "Invalid JSON-RPC data")
    );
    let raw = app.post_raw("/jsonrpc", "text/plain", "{}", None).await;
    assert_eq!(raw.status, 400);
    let raw = app.post_raw("/nope", "application/json", "{}", None).await;
    assert_eq!(raw.status, 404);
});

both!(oversized_bodies_are_refused_unprocessed, |app| {
    let limit = app.services.settings.max_body_bytes;
    let big = format!(
        r#"{{"jsonrpc":"2.0","params":{{"service":"common","method":"version","args":["{}"]}}}}"#,
        "x".repeat(limit)
    );
    let raw = app
        .post_raw("/jsonrpc", "application/json", big, None)
        .await;
    assert_eq!(raw.status, 413, "{}", raw.text);
    assert!(raw.text.contains("Request Entity Too Large"));
});

both!(handlers_returning_nothing_have_no_result_key, |app| {
    let s = app.as_user("admin").await;
    let env = s.rpc("/web/session/check", json!({})).await;
    let obj = env.as_object().unwrap();
    assert!(!obj.contains_key("result"), "{env}");
    assert!(!obj.contains_key("error"), "{env}");
    assert_eq!(env["id"], json!(7));
});

both!(error_envelope_shape, |app| {
    let s = app.as_user("admin").await;
    let env = s
        .rpc(
            "/web/dataset/call_kw",
            json!({"model": "pos.config", "method": "_private", "args": [], "kwargs": {}}),
        )
        .await;
    let e = &env["error"];
    assert_eq!(e["code"], json!(200));
    assert_eq!(e["message"], json!("Odoo Server Error"));
    assert_exception(e, "odoo.exceptions.AccessError");
    assert_eq!(
        e["data"]["message"],
        json!("Private methods (such as _private) cannot be called remotely.")
    );
    assert_eq!(
        e["data"]["arguments"],
        json!(["Private methods (such as _private) cannot be called remotely."])
    );
    assert_eq!(e["data"]["context"], json!({}));
    assert!(e["data"]["debug"].is_string());
    assert!(env.get("result").is_none());

    let err = s
        .expect_error("pos.config", "frobnicate", json!([]), json!({}))
        .await;
    assert_error(
        &err,
        "builtins.AttributeError",
        "The method 'frobnicate' does not exist on the model 'pos.config'",
    );
    let err = app
        .execute_kw(
            2,
            "admin",
            "no.such.model",
            "search",
            json!([[]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.UserError",
        "Object no.such.model doesn't exist",
    );
    let err = s
        .expect_error("pos.config", "read", json!([[1], ["nope"]]), json!({}))
        .await;
    assert_error(
        &err,
        "builtins.ValueError",
        "Invalid field 'nope' on model 'pos.config'",
    );
    let err = s
        .expect_error(
            "pos.config",
            "search",
            json!([[["nope", "=", 1]]]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "builtins.ValueError",
        "Invalid field pos.config.nope in leaf ('nope', '=', 1)",
    );
    let err = s
        .expect_error(
            "pos.config",
            "search",
            json!([["&", ["name", "=", "x"]]]),
            json!({}),
        )
        .await;
    assert_error(&err, "builtins.ValueError", "is syntactically not correct.");
});

both!(session_routes_without_a_session_get_code_100, |app| {
    for path in [
        "/web/session/get_session_info",
        "/web/session/check",
        "/web/dataset/call_kw",
        "/web/session/destroy",
    ] {
        let env = app
            .rpc(
                path,
                json!({"model": "pos.config", "method": "search", "args": [[]], "kwargs": {}}),
                None,
            )
            .await;
        assert_eq!(env["error"]["code"], json!(100), "{path}: {env}");
        assert_session_expired(&env);
    }
    let bogus = app.with_cookie("forged", 2);
    let env = bogus.rpc("/web/session/check", json!({})).await;
    assert_eq!(env["error"]["code"], json!(100));
});

both!(
    injection_in_order_and_fields_is_refused_and_changes_nothing,
    |app| {
        let s = app.as_user("admin").await;
        let before = s.search_count("pos.payment.method", json!([])).await;
        for order in [
            "name; DROP TABLE pos_payment_method",
            "name desc, (select 1)",
            "1",
            "name asc desc",
        ] {
            let err = s
                .expect_error(
                    "pos.payment.method",
                    "search",
                    json!([[]]),
                    json!({"order": order}),
                )
                .await;
            assert_error(&err, "builtins.ValueError", "Invalid \"order\" specified");
        }
        let err = s
            .expect_error(
                "pos.payment.method",
                "read",
                json!([[1], ["name\"; DROP TABLE x; --"]]),
                json!({}),
            )
            .await;
        assert_error(&err, "builtins.ValueError", "Invalid field");
        let err = s
            .expect_error(
                "pos.payment.method",
                "write",
                json!([[1], {"name = 'x'; --": "y"}]),
                json!({}),
            )
            .await;
        assert_error(&err, "builtins.ValueError", "Invalid field");
        let after = s.search_count("pos.payment.method", json!([])).await;
        assert_eq!(before, after);
        // Values are bound, so quotes in them are just data.
        let r = s
            .search("pos.payment.method", json!([["name", "=", "x' OR '1'='1"]]))
            .await;
        assert_eq!(r, Vec::<i64>::new());
    }
);

both!(a_failed_call_rolls_back_everything_it_did, |app| {
    let s = app.as_user("admin").await;
    // The first record is valid, the second has an unknown field: nothing is kept.
    let err = s
        .expect_error(
            "res.partner",
            "create",
            json!([[{"name": "Kept?"}, {"name": "Bad", "nope": 1}]]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "builtins.ValueError",
        "Invalid field 'nope' on model 'res.partner'",
    );
    let n = s
        .search_count("res.partner", json!([["name", "=", "Kept?"]]))
        .await;
    assert_eq!(n, 0);
});
