//! `fields_get` of `pos.payment.method` over HTTP, for an administrator and for a cashier:
//! every field, every attribute, in the server's order. The two differ where field groups
//! hide fields from a POS user. The expectations are files beside this one.

use expect_test::expect_file;
use serde_json::json;

use crate::both;
use crate::helpers::*;

/// `fields_get()` of `pos.payment.method` as `login` sees it, pretty-printed.
async fn fields_of_payment_methods(app: &TestApp, login: &str) -> String {
    let user = app.as_user(login).await;
    let fields = user
        .call_ok("pos.payment.method", "fields_get", json!([]), json!({}))
        .await;
    serde_json::to_string_pretty(&fields).unwrap() + "\n"
}

both!(pos_payment_method_fields_for_admin, |app| {
    expect_file!["fields_get_pos_payment_method_admin.json"]
        .assert_eq(&fields_of_payment_methods(&app, "admin").await);
});

both!(pos_payment_method_fields_for_cashier, |app| {
    expect_file!["fields_get_pos_payment_method_cashier.json"]
        .assert_eq(&fields_of_payment_methods(&app, "cashier").await);
});
