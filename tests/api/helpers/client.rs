//! One user's web session on a test server, with a method per ORM call a test makes.
//!
//! Every call goes over real HTTP to `/web/dataset/call_kw/<model>/<method>` with the
//! session cookie, exactly as Odoo's web client sends it. The typed methods send the
//! positional arguments Odoo's own clients send (`create([vals])`, `read([ids, fields])`,
//! `search([domain])`, ...) and panic, naming the call and the error, when the server
//! refuses: in a test, an unexpected refusal is a failure. A call a test expects to fail
//! goes through [`Client::expect_error`]; one whose outcome the test inspects either
//! way goes through [`Client::call`].

use serde_json::{json, Map, Value};

/// A logged-in web session (cookie `session_id`) on one server.
#[derive(Clone, Debug)]
pub struct Client {
    /// The user's id, as `/web/session/authenticate` returned it.
    pub uid: i64,
    /// The session cookie's value.
    pub session_id: String,
    http: reqwest::Client,
    base: String,
    /// Context keys every call carries (see [`Client::with_context`]).
    context: Option<Map<String, Value>>,
}

impl Client {
    pub(super) fn new(http: reqwest::Client, base: String, session_id: &str, uid: i64) -> Client {
        Client {
            uid,
            session_id: session_id.to_string(),
            http,
            base,
            context: None,
        }
    }

    /// The same session on another server process (one sharing the database).
    pub fn on(&self, app: &super::TestApp) -> Client {
        Client {
            base: app.base.clone(),
            http: app.http.clone(),
            ..self.clone()
        }
    }

    /// The same session with `context` (a JSON object) sent in every call's `kwargs`, as
    /// the web client does with `allowed_company_ids` once the user picks companies. A
    /// call's own `context` keys win over these.
    pub fn with_context(&self, context: Value) -> Client {
        let Value::Object(context) = context else {
            panic!("a context is a JSON object, not {context}");
        };
        Client {
            context: Some(context),
            ..self.clone()
        }
    }

    /// A JSON-RPC call to a session route (`/web/session/check`, ...): the envelope.
    pub async fn rpc(&self, path: &str, params: Value) -> Value {
        super::rpc(&self.http, &self.base, path, params, Some(&self.session_id)).await
    }

    /// `/web/session/get_session_info`: the envelope (its `error` when the session is
    /// gone).
    pub async fn session_info(&self) -> Value {
        self.rpc("/web/session/get_session_info", json!({})).await
    }

    /// `model.method(*args, **kwargs)`: `Ok(result)` or `Err(error object)`.
    pub async fn call(
        &self,
        model: &str,
        method: &str,
        args: Value,
        kwargs: Value,
    ) -> Result<Value, Value> {
        let kwargs = self.with_own_context(kwargs);
        let envelope = self
            .rpc(
                &format!("/web/dataset/call_kw/{model}/{method}"),
                json!({"model": model, "method": method, "args": args, "kwargs": kwargs}),
            )
            .await;
        super::split(envelope)
    }

    /// A call that must succeed: its result.
    pub async fn call_ok(&self, model: &str, method: &str, args: Value, kwargs: Value) -> Value {
        self.call(model, method, args.clone(), kwargs.clone())
            .await
            .unwrap_or_else(|error| {
                panic!("{model}.{method}(*{args}, **{kwargs}) was refused: {error}")
            })
    }

    /// A call that must fail: its error object (`code`, `message`, `data.name`, ...).
    pub async fn expect_error(
        &self,
        model: &str,
        method: &str,
        args: Value,
        kwargs: Value,
    ) -> Value {
        match self.call(model, method, args.clone(), kwargs.clone()).await {
            Ok(result) => {
                panic!("{model}.{method}(*{args}, **{kwargs}) should fail, it returned {result}")
            }
            Err(error) => error,
        }
    }

    /// `create(vals)` of one record: its id.
    pub async fn create(&self, model: &str, vals: Value) -> i64 {
        let id = self
            .call_ok(model, "create", json!([vals]), json!({}))
            .await;
        id.as_i64()
            .unwrap_or_else(|| panic!("{model}.create returned {id}, not an id"))
    }

    /// `read(ids, fields)`; with no fields, `read(ids)`: every field the user may read.
    pub async fn read(&self, model: &str, ids: &[i64], fields: &[&str]) -> Value {
        let args = if fields.is_empty() {
            json!([ids])
        } else {
            json!([ids, fields])
        };
        self.call_ok(model, "read", args, json!({})).await
    }

    /// One field of one record, as `read` returns it.
    pub async fn read_field(&self, model: &str, id: i64, field: &str) -> Value {
        self.read(model, &[id], &[field]).await[0][field].clone()
    }

    /// `search(domain)`: the ids found, in the order the server gave them.
    pub async fn search(&self, model: &str, domain: Value) -> Vec<i64> {
        let found = self
            .call_ok(model, "search", json!([domain]), json!({}))
            .await;
        ids_of(&found)
    }

    /// `search(**kwargs)`, every argument by keyword (`domain`, `order`, `limit`, ...).
    pub async fn search_kw(&self, model: &str, kwargs: Value) -> Vec<i64> {
        let found = self.call_ok(model, "search", json!([]), kwargs).await;
        ids_of(&found)
    }

    /// `search_count(domain)`.
    pub async fn search_count(&self, model: &str, domain: Value) -> i64 {
        let count = self
            .call_ok(model, "search_count", json!([domain]), json!({}))
            .await;
        count
            .as_i64()
            .unwrap_or_else(|| panic!("{model}.search_count returned {count}"))
    }

    /// `search_read(domain, fields)`.
    pub async fn search_read(&self, model: &str, domain: Value, fields: &[&str]) -> Value {
        self.call_ok(model, "search_read", json!([domain, fields]), json!({}))
            .await
    }

    /// `write(ids, vals)`, which answers `True`.
    pub async fn write(&self, model: &str, ids: &[i64], vals: Value) {
        let result = self
            .call_ok(model, "write", json!([ids, vals]), json!({}))
            .await;
        assert_eq!(result, json!(true), "{model}.write answers True");
    }

    /// `unlink(ids)`, which answers `True`.
    pub async fn unlink(&self, model: &str, ids: &[i64]) {
        let result = self.call_ok(model, "unlink", json!([ids]), json!({})).await;
        assert_eq!(result, json!(true), "{model}.unlink answers True");
    }

    /// `kwargs` with this client's context keys added under `context`.
    fn with_own_context(&self, mut kwargs: Value) -> Value {
        let Some(own) = &self.context else {
            return kwargs;
        };
        let Value::Object(kwargs_map) = &mut kwargs else {
            return kwargs;
        };
        let context = kwargs_map.entry("context").or_insert_with(|| json!({}));
        if let Value::Object(context) = context {
            for (key, value) in own {
                context.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
        kwargs
    }
}

/// The ids of a JSON list of ids.
pub fn ids_of(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list of ids: {list}"))
        .iter()
        .map(|id| {
            id.as_i64()
                .unwrap_or_else(|| panic!("not an id: {id} in {list}"))
        })
        .collect()
}
