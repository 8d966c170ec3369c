//! `payment.provider`: keys are stored as sent (Odoo checks none of them; the Stripe
//! calls use the key trimmed); `stripe_verify_keys` asks Stripe whether the secret key
//! works, and says so when it does not even look like a Stripe key.

use serde_json::{json, Value};

use super::stripe_call::{stripe_error, StripeCall};
use crate::errors::OdooResult;
use crate::orm::behaviour::{Args, Behaviour, Method, MethodKind, Outcome};
use crate::orm::{Env, Operation};
use crate::stripe::secret::{check_format, KeyUse};
use crate::stripe::{SecretKey, StripeError, StripeRequest};

pub struct PaymentProvider;

impl Behaviour for PaymentProvider {
    fn model(&self) -> &'static str {
        "payment.provider"
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
    let Some(key) = key.as_str().map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok(json!({"valid": false, "mode": false, "account_name": false, "message": "No secret key is set."}).into());
    };
    if !check_format(key, KeyUse::Secret) {
        return Ok(json!({"valid": false, "mode": false, "account_name": false,
            "message": "The secret key is malformed: a Stripe secret key starts with sk_test_, sk_live_, rk_test_ or rk_live_."}).into());
    }
    let key = SecretKey::new(key);
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
