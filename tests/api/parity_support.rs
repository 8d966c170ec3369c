//! What the Odoo 18 parity tests share: a logged-in user (session cookie and uid) and
//! calls over `/web/dataset/call_kw`, built on the harness's raw HTTP only, and exact
//! error assertions (exception name and message byte for byte).

use serde_json::{json, Value};

use crate::helpers::{split, TestApp};

/// A web session: what `/web/session/authenticate` gave a user.
#[derive(Clone, Debug)]
pub struct User {
    pub uid: i64,
    pub cookie: String,
}

/// Logs `login` in; panics when refused.
pub async fn login(app: &TestApp, login: &str, password: &str) -> User {
    let body = json!({"jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"db": "odoo", "login": login, "password": password}});
    let raw = app
        .post_raw(
            "/web/session/authenticate",
            "application/json",
            body.to_string(),
            None,
        )
        .await;
    let uid = raw.json()["result"]["uid"]
        .as_i64()
        .unwrap_or_else(|| panic!("login {login} refused: {}", raw.text));
    let cookie = raw
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .and_then(|kv| kv.strip_prefix("session_id="))
        .expect("a session cookie")
        .to_string();
    User { uid, cookie }
}

/// The demo users: `admin`, `cashier`, `employee` (password = login).
pub async fn demo(app: &TestApp, who: &str) -> User {
    login(app, who, who).await
}

/// A JSON-RPC call on `path` in `who`'s session: the whole envelope.
pub async fn envelope(app: &TestApp, who: Option<&User>, path: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "method": "call", "params": params, "id": 7});
    let raw = app
        .post_raw(
            path,
            "application/json",
            body.to_string(),
            who.map(|w| w.cookie.as_str()),
        )
        .await;
    assert_eq!(raw.status, 200, "{path}: {}", raw.text);
    raw.json()
}

/// `model.method(*args, **kwargs)` through `call_kw`: `Ok(result)` or `Err(error)`.
pub async fn call(
    app: &TestApp,
    who: &User,
    model: &str,
    method: &str,
    args: Value,
    kwargs: Value,
) -> Result<Value, Value> {
    split(
        envelope(
            app,
            Some(who),
            &format!("/web/dataset/call_kw/{model}/{method}"),
            json!({"model": model, "method": method, "args": args, "kwargs": kwargs}),
        )
        .await,
    )
}

/// A call that must succeed.
pub async fn ok(app: &TestApp, who: &User, model: &str, method: &str, args: Value) -> Value {
    call(app, who, model, method, args.clone(), json!({}))
        .await
        .unwrap_or_else(|e| panic!("{model}.{method}({args}) refused: {e}"))
}

/// A call that must fail: its error object.
pub async fn err(app: &TestApp, who: &User, model: &str, method: &str, args: Value) -> Value {
    match call(app, who, model, method, args.clone(), json!({})).await {
        Ok(v) => panic!("{model}.{method}({args}) should fail, it returned {v}"),
        Err(e) => e,
    }
}

/// Creates one record; its id.
pub async fn create(app: &TestApp, who: &User, model: &str, vals: Value) -> i64 {
    ok(app, who, model, "create", json!([vals]))
        .await
        .as_i64()
        .expect("an id")
}

/// One record's fields, as `read` answers them.
pub async fn read(app: &TestApp, who: &User, model: &str, id: i64, fields: &[&str]) -> Value {
    ok(app, who, model, "read", json!([[id], fields])).await[0].clone()
}

/// The database id of an external id.
pub async fn xmlid(app: &TestApp, admin: &User, xmlid: &str) -> i64 {
    let (module, name) = xmlid.split_once('.').expect("module.name");
    ok(
        app,
        admin,
        "ir.model.data",
        "check_object_reference",
        json!([module, name]),
    )
    .await[1]
        .as_i64()
        .expect("an id")
}

/// A new user in `groups` (external ids), password = login.
pub async fn user_in(app: &TestApp, admin: &User, login_name: &str, groups: &[&str]) -> User {
    let mut ids = Vec::new();
    for g in groups {
        ids.push(xmlid(app, admin, g).await);
    }
    create(
        app,
        admin,
        "res.users",
        json!({"name": login_name, "login": login_name, "password": login_name,
               "groups_id": [[6, 0, ids]]}),
    )
    .await;
    login(app, login_name, login_name).await
}

/// The error names `exception` and its message is exactly `message`.
#[track_caller]
pub fn assert_exact(error: &Value, exception: &str, message: &str) {
    assert_eq!(error["data"]["name"], json!(exception), "{error}");
    assert_eq!(
        error["data"]["message"].as_str().unwrap_or_default(),
        message,
        "{error}"
    );
    assert_eq!(error["data"]["arguments"], json!([message]), "{error}");
}
