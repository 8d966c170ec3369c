//! Error envelopes on the wire: the whole JSON-RPC answer (or the HTTP status and body)
//! for the errors clients branch on. Odoo's web client and OdooRPC read `error.code`,
//! `error.data.name` and `error.data.message`; any change to them shows here.

use expect_test::{expect, Expect};
use serde_json::{json, Value};

use crate::both;

#[track_caller]
fn check(envelope: &Value, expect: Expect) {
    expect.assert_eq(&(serde_json::to_string_pretty(envelope).unwrap() + "\n"));
}

both!(access_error_envelope, |app| {
    let cashier = app.as_user("cashier").await;
    let envelope = cashier
        .rpc(
            "/web/dataset/call_kw/pos.config/create",
            json!({"model": "pos.config", "method": "create", "args": [{"name": "Nope"}], "kwargs": {}}),
        )
        .await;
    check(
        &envelope,
        expect![[r#"
        {
          "jsonrpc": "2.0",
          "id": 7,
          "error": {
            "code": 200,
            "message": "Odoo Server Error",
            "data": {
              "name": "odoo.exceptions.AccessError",
              "debug": "Traceback (most recent call last):\nodoo.exceptions.AccessError: You are not allowed to create 'Point of Sale Configuration' (pos.config) records.\n\nThis operation is allowed for the following groups:\n\t- Point of Sale/Administrator\n\nContact your administrator to request access if necessary.",
              "message": "You are not allowed to create 'Point of Sale Configuration' (pos.config) records.\n\nThis operation is allowed for the following groups:\n\t- Point of Sale/Administrator\n\nContact your administrator to request access if necessary.",
              "arguments": [
                "You are not allowed to create 'Point of Sale Configuration' (pos.config) records.\n\nThis operation is allowed for the following groups:\n\t- Point of Sale/Administrator\n\nContact your administrator to request access if necessary."
              ],
              "context": {}
            }
          }
        }
    "#]],
    );
});

both!(validation_error_envelope, |app| {
    let admin = app.as_user("admin").await;
    let bank = app.xmlid("ops_demo.journal_bank").await;
    let envelope = admin
        .rpc(
            "/web/dataset/call_kw/pos.payment.method/create",
            json!({"model": "pos.payment.method", "method": "create", "args": [{
                "name": "Dup",
                "journal_id": bank,
                "payment_method_type": "terminal",
                "use_payment_terminal": "stripe",
                "stripe_serial_number": "WSC513105011295",
            }], "kwargs": {}}),
        )
        .await;
    check(
        &envelope,
        expect![[r#"
        {
          "jsonrpc": "2.0",
          "id": 7,
          "error": {
            "code": 200,
            "message": "Odoo Server Error",
            "data": {
              "name": "odoo.exceptions.ValidationError",
              "debug": "Traceback (most recent call last):\nodoo.exceptions.ValidationError: Terminal WSC513105011295 is already used on payment method Stripe.",
              "message": "Terminal WSC513105011295 is already used on payment method Stripe.",
              "arguments": [
                "Terminal WSC513105011295 is already used on payment method Stripe."
              ],
              "context": {}
            }
          }
        }
    "#]],
    );
});

both!(unknown_model_envelope, |app| {
    let admin = app.as_user("admin").await;
    let envelope = admin
        .rpc(
            "/web/dataset/call_kw/no.such.model/search",
            json!({"model": "no.such.model", "method": "search", "args": [[]], "kwargs": {}}),
        )
        .await;
    check(
        &envelope,
        expect![[r#"
        {
          "jsonrpc": "2.0",
          "id": null,
          "error": {
            "code": 404,
            "message": "404: Not Found",
            "data": {
              "name": "werkzeug.exceptions.NotFound",
              "debug": "Traceback (most recent call last):\nwerkzeug.exceptions.NotFound: 404 Not Found: The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
              "message": "404 Not Found: The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
              "arguments": [],
              "context": {}
            }
          }
        }
    "#]],
    );
});

both!(session_expired_envelope, |app| {
    let envelope = app
        .rpc("/web/session/get_session_info", json!({}), None)
        .await;
    check(
        &envelope,
        expect![[r#"
        {
          "jsonrpc": "2.0",
          "id": 7,
          "error": {
            "code": 100,
            "message": "Odoo Session Expired",
            "data": {
              "name": "odoo.http.SessionExpiredException",
              "debug": "Traceback (most recent call last):\nodoo.http.SessionExpiredException: Session expired",
              "message": "Session expired",
              "arguments": [
                "Session expired"
              ],
              "context": {}
            }
          }
        }
    "#]],
    );
});

both!(malformed_bodies_get_400, |app| {
    let mut out = String::new();
    for body in ["{not json", "[{\"jsonrpc\":\"2.0\"}]", "42"] {
        let raw = app
            .post_raw("/jsonrpc", "application/json", body, None)
            .await;
        out.push_str(&format!("{body} -> {} {}\n", raw.status, raw.text));
    }
    expect![[r#"
        {not json -> 400 Invalid JSON data
        [{"jsonrpc":"2.0"}] -> 400 Invalid JSON-RPC data
        42 -> 400 Invalid JSON-RPC data
    "#]]
    .assert_eq(&out);
});
