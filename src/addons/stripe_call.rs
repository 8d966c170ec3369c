//! A request to Stripe as a business method's result: built inside the call's
//! transaction (rights, the provider's key, amounts), sent by the RPC layer once the
//! transaction has committed, so that no database connection or lock is held while
//! Stripe answers. Also the company's Stripe provider and Odoo 18's error texts.

use std::fmt;

use async_trait::async_trait;
use serde_json::{json, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{AfterCommit, Outcome, Settled};
use crate::orm::domain::{Domain, Op};
use crate::orm::Env;
use crate::stripe::{SecretKey, StripeClient, StripeError, StripeRequest};

const TRANSPORT_ERROR: &str = "There are some issues between us and Stripe, try again later.";

/// How Stripe's answer becomes the method's result.
pub type Answer = Box<dyn FnOnce(Result<Value, StripeError>) -> OdooResult<Value> + Send>;

/// One Stripe request waiting for the commit.
pub struct StripeCall {
    client: StripeClient,
    key: SecretKey,
    pub request: StripeRequest,
    answer: Answer,
}

impl fmt::Debug for StripeCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key prints masked.
        f.debug_struct("StripeCall")
            .field("key", &self.key)
            .field("request", &self.request)
            .finish()
    }
}

impl StripeCall {
    /// A request whose answer is Stripe's body as is, errors as Odoo 18 raises them.
    pub fn new(env: &Env<'_>, key: SecretKey, request: StripeRequest) -> OdooResult<StripeCall> {
        Self::with_answer(env, key, request, Box::new(|r| r.map_err(stripe_error)))
    }

    /// A request whose answer `answer` shapes.
    pub fn with_answer(
        env: &Env<'_>,
        key: SecretKey,
        request: StripeRequest,
        answer: Answer,
    ) -> OdooResult<StripeCall> {
        Ok(StripeCall {
            client: super::services(env)?.stripe.clone(),
            key,
            request,
            answer,
        })
    }

    pub fn into_outcome(self) -> Outcome {
        Outcome::AfterCommit(Box::new(self))
    }
}

#[async_trait]
impl AfterCommit for StripeCall {
    async fn run(self: Box<Self>) -> OdooResult<Settled> {
        let StripeCall {
            client,
            key,
            request,
            answer,
        } = *self;
        answer(client.send(&key, &request).await).map(Settled::Value)
    }
}

/// Stripe's answer as the recorded Odoo 18 returns it from `stripe_connection_token`
/// and `stripe_payment_intent` (`resp.json()`, whatever the status): an API error is
/// `{"error": {...}}` in the result, which the POS client shows the cashier; only no
/// answer at all is the `UserError`.
pub fn in_band(result: Result<Value, StripeError>) -> OdooResult<Value> {
    match result {
        Ok(v) | Err(StripeError::Api { body: v, .. }) => Ok(v),
        Err(e) => {
            tracing::warn!(error = %e, "Stripe request failed");
            Err(OdooError::UserError(TRANSPORT_ERROR.into()))
        }
    }
}

/// Stripe's answer as `payment_stripe`'s `_stripe_make_request` gives it to
/// `stripe_capture_payment`: a 4xx carrying an error is a `ValidationError` quoting
/// Stripe's message, other answers (5xx included) are returned as they came, and a
/// failed connection is a `ValidationError`. When the request may have reached Stripe
/// before the connection dropped, Odoo's "could not establish" would mislead: the
/// capture may have happened, which `stripe_payment_status` tells.
pub fn make_request_answer(result: Result<Value, StripeError>) -> OdooResult<Value> {
    match result {
        Ok(v) => Ok(v),
        Err(e @ StripeError::Api { status, .. })
            if (400..500).contains(&status) && e.error_object().is_some() =>
        {
            Err(stripe_error(e))
        }
        Err(StripeError::Api { body, .. }) => Ok(body),
        Err(StripeError::Transport(e)) => {
            tracing::warn!(error = %e, "Stripe could not be reached");
            Err(OdooError::ValidationError(CONNECTION_ERROR.into()))
        }
        Err(e) => {
            tracing::warn!(error = %e, "Stripe's answer was lost");
            Err(OdooError::ValidationError(OUTCOME_UNKNOWN.into()))
        }
    }
}

const CONNECTION_ERROR: &str = "Stripe: Could not establish the connection to the API.";
/// Ours (Odoo has no text for it), in the style of `_stripe_make_request`'s.
pub const OUTCOME_UNKNOWN: &str = "Stripe: The connection was lost before Stripe answered; the capture may have been performed. Check it with stripe_payment_status before trying again.";

/// A Stripe failure as Odoo 18 reports it: an API error is a `ValidationError`
/// carrying Stripe's message; a transport failure a `UserError`.
pub fn stripe_error(e: StripeError) -> OdooError {
    match &e {
        StripeError::Api { .. } => {
            let message = e.stripe_message().unwrap_or_default();
            OdooError::ValidationError(format!(
                "Stripe: The communication with the API failed.\nStripe gave us the following info about the problem:\n'{message}'"
            ))
        }
        _ => {
            tracing::warn!(error = %e, "Stripe request failed");
            OdooError::UserError(TRANSPORT_ERROR.into())
        }
    }
}

async fn company_name(env: &Env<'_>, company: i64) -> OdooResult<String> {
    Ok(env
        .sudo()
        .value_of("res.company", company, "name")
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string())
}

/// The id of `payment.provider` with code `stripe` of `company` (limit 1), searched
/// with `env`'s rights (Odoo's `_get_stripe_payment_provider`: the payment calls
/// search as superuser, the key button as the caller); Odoo's `UserError` when there
/// is none.
pub async fn provider_id(env: &Env<'_>, company: i64) -> OdooResult<i64> {
    let d = Domain::leaf("code", Op::Eq, json!("stripe")).and(Domain::leaf(
        "company_id",
        Op::Eq,
        json!(company),
    ));
    let ids = env.search("payment.provider", d, 0, Some(1), None).await?;
    match ids.first() {
        Some(id) => Ok(*id),
        None => Err(OdooError::UserError(format!(
            "Stripe payment provider for company {} is missing",
            company_name(env, company).await?
        ))),
    }
}

/// The secret key of `company`'s Stripe provider, read as superuser; kept between calls
/// until the cache signal moves (a change to any provider raises it): two reads fewer
/// per Stripe call. A missing key is not kept.
pub async fn provider_key(env: &Env<'_>, company: i64) -> OdooResult<SecretKey> {
    const MEMO: &str = "payment.provider stripe key";
    let generation = crate::auth::cache::signal(env).await?;
    crate::addons::services(env)?
        .memo
        .get_or_load(
            generation,
            MEMO,
            &company.to_string(),
            load_provider_key(env, company),
        )
        .await
}

async fn load_provider_key(env: &Env<'_>, company: i64) -> OdooResult<SecretKey> {
    let id = provider_id(&env.sudo(), company).await?;
    let key = env
        .sudo()
        .value_of("payment.provider", id, "stripe_secret_key")
        .await?;
    match key.as_str().filter(|k| !k.trim().is_empty()) {
        Some(k) => Ok(SecretKey::new(k.trim())),
        None => Err(OdooError::ValidationError(format!(
            "Complete the Stripe onboarding for company {}.",
            company_name(env, company).await?
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_errors_read_like_odoo_18() {
        let e = stripe_error(StripeError::Api {
            status: 402,
            body: json!({"error": {"message": "Your card was declined."}}),
            request_id: None,
        });
        assert_eq!(
            e,
            OdooError::ValidationError(
                "Stripe: The communication with the API failed.\nStripe gave us the following info about the problem:\n'Your card was declined.'".into()
            )
        );
        assert_eq!(
            stripe_error(StripeError::Transport("refused".into())),
            OdooError::UserError(TRANSPORT_ERROR.into())
        );
    }
}
