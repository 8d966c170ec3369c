//! `payment.provider`: Stripe keys are stored trimmed and must look like Stripe keys;
//! `stripe_verify_keys` asks Stripe whether the secret key works.

use async_trait::async_trait;
use serde_json::{json, Map, Value};

use super::stripe_call::{stripe_error, StripeCall};
use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Args, Behaviour, Check, Method, MethodKind, Outcome};
use crate::orm::{Env, Operation};
use crate::stripe::secret::{check_format, KeyUse};
use crate::stripe::{SecretKey, StripeError, StripeRequest};

pub struct PaymentProvider;

#[async_trait]
impl Behaviour for PaymentProvider {
    fn model(&self) -> &'static str {
        "payment.provider"
    }

    fn checks(&self) -> Vec<Check> {
        vec![Check {
            fields: &["stripe_secret_key", "stripe_publishable_key"],
            run: |env, ids| Box::pin(check_key_formats(env, ids)),
        }]
    }

    fn methods(&self) -> Vec<Method> {
        vec![Method {
            name: "stripe_verify_keys",
            kind: MethodKind::Record,
            params: vec![],
            readonly: true,
            run: |env, args| Box::pin(stripe_verify_keys(env, args)),
        }]
    }

    async fn before_create(&self, _env: &Env<'_>, vals: &mut Map<String, Value>) -> OdooResult<()> {
        trim_keys(vals);
        Ok(())
    }

    async fn before_write(
        &self,
        _env: &Env<'_>,
        _ids: &[i64],
        vals: &mut Map<String, Value>,
    ) -> OdooResult<()> {
        trim_keys(vals);
        Ok(())
    }
}

/// Keys pasted from Stripe's dashboard often carry stray spaces or a newline: they are
/// stored trimmed, so the format check and every Stripe call see the key itself.
fn trim_keys(vals: &mut Map<String, Value>) {
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

async fn check_key_formats(env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
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

/// `{valid, mode, account_id, account_name, message}` for the provider's secret key.
async fn stripe_verify_keys(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let model = env.model("payment.provider")?;
    env.check_access(model, Operation::Write)?;
    let id = super::single_id("payment.provider", &args.ids)?;
    if env.existing(model, &[id]).await?.is_empty() {
        return Err(super::missing_error(env, "payment.provider", &[id]));
    }
    let key = env
        .sudo()
        .value_of("payment.provider", id, "stripe_secret_key")
        .await?;
    let Some(key) = key.as_str().filter(|k| !k.is_empty()).map(SecretKey::new) else {
        return Ok(json!({"valid": false, "mode": false, "account_name": false, "message": "No secret key is set."}).into());
    };
    let mode = if key.kind().is_live() { "live" } else { "test" };
    let answer = Box::new(move |result: Result<Value, StripeError>| match result {
        Ok(account) => {
            let name = account
                .pointer("/settings/dashboard/display_name")
                .or_else(|| account.pointer("/business_profile/name"))
                .cloned()
                .unwrap_or(Value::Bool(false));
            Ok(
                json!({"valid": true, "mode": mode, "account_id": account.get("id").cloned().unwrap_or(Value::Bool(false)), "account_name": name, "message": false}),
            )
        }
        Err(e @ StripeError::Api { .. }) => Ok(
            json!({"valid": false, "mode": mode, "account_name": false, "message": e.stripe_message().unwrap_or_default()}),
        ),
        Err(e) => Err(stripe_error(e)),
    });
    Ok(StripeCall::with_answer(env, key, StripeRequest::RetrieveAccount, answer)?.into_outcome())
}
