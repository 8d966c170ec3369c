//! Odoo 18 parity of the generic ORM calls (issue 8, item 6): an unknown model on
//! `call_kw`.

use serde_json::{json, Value};

use crate::both;
use crate::parity_support::*;

both!(an_unknown_model_on_call_kw_is_werkzeugs_not_found, |app| {
    let admin = demo(&app, "admin").await;
    let params = json!({"model": "foo.bar", "method": "search", "args": [[]], "kwargs": {}});
    for who in [None, Some(&admin)] {
        let envelope = envelope(
            &app,
            who,
            "/web/dataset/call_kw/foo.bar/search",
            params.clone(),
        )
        .await;
        assert_eq!(envelope["id"], Value::Null, "{envelope}");
        let error = &envelope["error"];
        assert_eq!(error["code"], json!(404));
        assert_eq!(error["message"], json!("404: Not Found"));
        assert_eq!(error["data"]["name"], json!("werkzeug.exceptions.NotFound"));
        assert_eq!(
            error["data"]["message"],
            json!("404 Not Found: The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.")
        );
        assert_eq!(error["data"]["arguments"], json!([]));
    }
    // `execute_kw` answers Odoo's own "doesn't exist".
    let envelope = app
        .jsonrpc(
            "object",
            "execute_kw",
            json!(["odoo", admin.uid, "admin", "foo.bar", "search", [[]], {}]),
        )
        .await;
    assert_exact(
        &envelope["error"],
        "odoo.exceptions.UserError",
        "Object foo.bar doesn't exist",
    );
});
