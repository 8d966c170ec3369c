//! `payment.provider`: Stripe key formats and `stripe_verify_keys`.

use serde_json::{Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::Env;
use crate::stripe::secret::{check_format, KeyUse};

/// Keys pasted from Stripe's dashboard often carry stray spaces or a newline: they are
/// stored trimmed, so the format check and every Stripe call see the key itself.
pub fn trim_keys(vals: &mut Map<String, Value>) {
    for field in [
        "stripe_secret_key",
        "stripe_publishable_key",
        "stripe_webhook_secret",
    ] {
        if let Some(Value::String(key)) = vals.get(field) {
            let trimmed = key.trim().to_string();
            vals.insert(
                field.into(),
                if trimmed.is_empty() {
                    Value::Bool(false)
                } else {
                    Value::String(trimmed)
                },
            );
        }
    }
}

pub async fn check_key_formats(env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
    let rows = env
        .sudo()
        .values_of(
            "payment.provider",
            ids,
            &["stripe_secret_key", "stripe_publishable_key"],
        )
        .await?;
    for r in rows.values() {
        if let Some(k) = r.get("stripe_secret_key").and_then(Value::as_str) {
            if !check_format(k, KeyUse::Secret) {
                return Err(OdooError::ValidationError(
                    "The Stripe secret key must start with sk_test_, sk_live_, rk_test_ or rk_live_.".into(),
                ));
            }
        }
        if let Some(k) = r.get("stripe_publishable_key").and_then(Value::as_str) {
            if !check_format(k, KeyUse::Publishable) {
                return Err(OdooError::ValidationError(
                    "The Stripe publishable key must start with pk_test_ or pk_live_.".into(),
                ));
            }
        }
    }
    Ok(())
}

pub async fn call(
    env: &Env<'_>,
    method: &str,
    ids: Vec<i64>,
    args: Vec<Value>,
    kwargs: Map<String, Value>,
) -> OdooResult<Value> {
    crate::pos_stripe::provider_call(env, method, ids, args, kwargs).await
}
