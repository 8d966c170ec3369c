//! Odoo's JSON-RPC envelopes: the only place that knows their exact shape.

use serde_json::{json, Map, Value};

use crate::errors::OdooError;

/// `{"jsonrpc": "2.0", "id": ..., "result": ...}`; a handler that returns nothing
/// yields an envelope without `result`, as Odoo does.
pub fn success(id: &Value, result: Option<Value>) -> Value {
    let mut m = Map::new();
    m.insert("jsonrpc".into(), json!("2.0"));
    m.insert("id".into(), id.clone());
    if let Some(r) = result {
        m.insert("result".into(), r);
    }
    Value::Object(m)
}

/// The traceback-like text Odoo sends with an error (`data.debug`, an XML-RPC fault's
/// string). Tracebacks are internal: clients get the exception line only.
pub fn traceback(err: &OdooError) -> String {
    match err {
        OdooError::Internal(_) => {
            "Traceback (most recent call last):\nInternal Server Error".to_string()
        }
        other => format!(
            "Traceback (most recent call last):\n{}: {}",
            other.exception_name(),
            other.client_message()
        ),
    }
}

/// The error envelope for `err`. `generic_code` is 200 (Odoo ≤ 18) or 0 (19).
///
/// werkzeug's `NotFound` is raised before Odoo reads the request's id (while it
/// chooses the route's cursor), so its envelope has a null `id`, and, an HTTP
/// exception having no arguments, an empty `arguments`.
pub fn error(
    id: &Value,
    err: &OdooError,
    generic_code: i64,
    context: &Map<String, Value>,
) -> Value {
    let (code, message) = match err {
        OdooError::SessionExpired => (100, "Odoo Session Expired"),
        OdooError::NotFound => (404, "404: Not Found"),
        _ => (generic_code, "Odoo Server Error"),
    };
    let text = err.client_message();
    let debug = traceback(err);
    let (id, arguments) = match err {
        OdooError::NotFound => (&Value::Null, json!([])),
        _ => (id, json!([text])),
    };
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": {
            "code": code,
            "message": message,
            "data": {
                "name": err.exception_name(),
                "debug": debug,
                "message": text,
                "arguments": arguments,
                "context": Value::Object(context.clone()),
            }
        }
    })
}
