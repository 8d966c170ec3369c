//! `pos_stripe`'s methods on `pos.payment.method`, as the POS client calls them:
//! `stripe_connection_token`, `stripe_payment_intent`, `stripe_capture_payment`,
//! `action_stripe_key`, plus what POS users need and Odoo lacks on the server: cancel,
//! refund and status. Each checks rights and reads what it needs in the call's
//! transaction, then returns the Stripe request to send once it has committed. The
//! secret key is read with elevated rights and never leaves unmasked.

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::addons::stripe_call::{
    in_band, make_request_answer, provider_id, provider_key, stripe_error, StripeCall,
};
use crate::addons::{missing_error, single_id};
use crate::errors::{OdooError, OdooResult};
use crate::money::{odoo_minor_units, to_minor_units};
use crate::orm::behaviour::{Args, Method, MethodKind, Outcome, Param, ParamKind};
use crate::orm::values::json_to_decimal;
use crate::orm::Env;
use crate::stripe::{CreatePaymentIntent, RefundTarget, StripeError, StripeRequest};

const MODEL: &str = "pos.payment.method";
const NO_TOKEN_ACCESS: &str = "Do not have access to fetch token from Stripe";
const NO_REFUND_ACCESS: &str = "Do not have access to refund Stripe payment";

/// Odoo 16 to 18 call these on the model; master calls them on a record
/// (`[[method_id], intent_id, ...]`): both are accepted.
const ON_MODEL_OR_RECORD: MethodKind = MethodKind::Model { accepts_ids: true };

const INTENT: Param = Param::required("paymentIntentId", ParamKind::Str);

pub(super) fn methods() -> Vec<Method> {
    vec![
        Method {
            name: "stripe_connection_token",
            kind: ON_MODEL_OR_RECORD,
            params: vec![],
            readonly: true,
            run: |env, _| Box::pin(connection_token(env)),
        },
        Method {
            name: "stripe_payment_intent",
            kind: MethodKind::Record,
            params: vec![Param::required("amount", ParamKind::Amount)],
            readonly: true,
            run: |env, args| Box::pin(payment_intent(env, args)),
        },
        Method {
            name: "stripe_capture_payment",
            kind: ON_MODEL_OR_RECORD,
            params: vec![INTENT, Param::optional("amount", ParamKind::Amount)],
            readonly: true,
            run: |env, args| Box::pin(capture_payment(env, args)),
        },
        Method {
            name: "stripe_cancel_payment",
            kind: ON_MODEL_OR_RECORD,
            params: vec![INTENT],
            readonly: true,
            run: |env, args| Box::pin(cancel_payment(env, args)),
        },
        Method {
            name: "stripe_payment_status",
            kind: ON_MODEL_OR_RECORD,
            params: vec![INTENT],
            readonly: true,
            run: |env, args| Box::pin(payment_status(env, args)),
        },
        Method {
            name: "stripe_refund",
            kind: ON_MODEL_OR_RECORD,
            params: vec![
                Param::required("payment_intent_id", ParamKind::Str),
                Param::optional("amount", ParamKind::Amount),
            ],
            readonly: true,
            run: |env, args| Box::pin(refund(env, args)),
        },
        Method {
            name: "action_stripe_key",
            kind: MethodKind::Record,
            params: vec![],
            readonly: true,
            run: |env, _| Box::pin(action_stripe_key(env)),
        },
    ]
}

pub(super) fn require_group(env: &Env<'_>, group: &str, message: &str) -> OdooResult<()> {
    if env.su || env.user.has_group(group) {
        Ok(())
    } else {
        Err(OdooError::AccessError(message.to_string()))
    }
}

/// What a payment method's Stripe calls need: its company, currency and country.
#[derive(Clone)]
pub(super) struct MethodInfo {
    pub company_id: i64,
    pub currency: String,
    pub rounding: Decimal,
    pub country_code: Option<String>,
}

/// The method's Stripe settings, once the caller may see it. Both answers are kept
/// between calls until the cache signal moves: whether the caller sees the method
/// depends on nothing but the method's row and what the key names (the rule as it
/// applies to this caller); the settings on the method, its journal, company, currency
/// and country. A change to any of these raises the signal: six reads fewer per payment.
pub(super) async fn method_info(env: &Env<'_>, method_id: i64) -> OdooResult<MethodInfo> {
    let generation = crate::auth::cache::signal(env).await?;
    let memo = &crate::addons::services(env)?.memo;
    let model = env.model(MODEL)?;
    let seen_key = env.existing_key(model, &[method_id])?;
    let seen = memo
        .get_or_load(generation, MEMO_METHOD_SEEN, &seen_key, async {
            Ok::<_, OdooError>(!env.existing(model, &[method_id]).await?.is_empty())
        })
        .await?;
    if !seen {
        return Err(missing_error(env, MODEL, &[method_id]));
    }
    let sudo = env.sudo().with_context("active_test", json!(false));
    memo.get_or_load(
        generation,
        MEMO_METHOD_INFO,
        &method_id.to_string(),
        load_method_info(&sudo, method_id),
    )
    .await
}

const MEMO_METHOD_INFO: &str = "pos.payment.method stripe settings";
const MEMO_METHOD_SEEN: &str = "pos.payment.method seen by";

async fn load_method_info(sudo: &Env<'_>, method_id: i64) -> OdooResult<MethodInfo> {
    let row = sudo
        .values_of(MODEL, &[method_id], &["journal_id", "company_id"])
        .await?
        .remove(&method_id)
        .unwrap_or_default();
    let company_id = row.get("company_id").and_then(Value::as_i64).unwrap_or(1);
    // The company's currency and country in one read (each read is a round trip on
    // PostgreSQL, and this runs before every payment).
    let company = sudo
        .values_of("res.company", &[company_id], &["currency_id", "country_id"])
        .await?
        .remove(&company_id)
        .unwrap_or_default();
    let mut currency_id = Value::Null;
    if let Some(j) = row.get("journal_id").and_then(Value::as_i64) {
        currency_id = sudo.value_of("account.journal", j, "currency_id").await?;
    }
    if currency_id.is_null() {
        currency_id = company.get("currency_id").cloned().unwrap_or(Value::Null);
    }
    let cid = currency_id
        .as_i64()
        .ok_or_else(|| OdooError::UserError("The payment method has no currency.".into()))?;
    let cur = sudo
        .values_of("res.currency", &[cid], &["name", "rounding"])
        .await?
        .remove(&cid)
        .unwrap_or_default();
    let country = company.get("country_id").cloned().unwrap_or(Value::Null);
    let country_code = match country.as_i64() {
        Some(c) => sudo
            .value_of("res.country", c, "code")
            .await?
            .as_str()
            .map(str::to_string),
        None => None,
    };
    Ok(MethodInfo {
        company_id,
        currency: cur
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("USD")
            .to_string(),
        rounding: cur
            .get("rounding")
            .and_then(json_to_decimal)
            .unwrap_or(Decimal::new(1, 2)),
        country_code,
    })
}

/// Odoo's `_stripe_calculate_amount` (float division, half to even), for the amounts
/// Odoo 18 itself sends Stripe: the intent's and the capture's.
fn odoo_amount(amount: Decimal, rounding: Decimal) -> OdooResult<i64> {
    odoo_minor_units(amount, rounding).map_err(|e| OdooError::ValueError(e.to_string()))
}

/// Exact minor units for refunds, which Odoo 18's POS does not send through Stripe.
fn minor_units(amount: Decimal, rounding: Decimal) -> OdooResult<i64> {
    to_minor_units(amount, rounding).map_err(|e| OdooError::ValueError(e.to_string()))
}

/// The currency rounding a capture or refund converts with: the context's
/// `stripe_currency_rounding` (Odoo 18's client sends it), else the method's
/// currency when called on a record, else cents.
async fn rounding(env: &Env<'_>, record: Option<i64>, context_first: bool) -> OdooResult<Decimal> {
    let from_context = env
        .context
        .get("stripe_currency_rounding")
        .and_then(json_to_decimal)
        .filter(|r| *r > Decimal::ZERO || !context_first);
    match (record, from_context) {
        (_, Some(r)) if context_first => Ok(r),
        (Some(id), _) => Ok(method_info(env, id).await?.rounding),
        (None, Some(r)) => Ok(r),
        (None, None) => Ok(Decimal::new(1, 2)),
    }
}

/// The record a model-or-record method was called on, if any.
fn record_of(args: &Args) -> OdooResult<Option<i64>> {
    if args.ids.is_empty() {
        Ok(None)
    } else {
        single_id(MODEL, &args.ids).map(Some)
    }
}

async fn connection_token(env: &Env<'_>) -> OdooResult<Outcome> {
    require_group(env, "point_of_sale.group_pos_user", NO_TOKEN_ACCESS)?;
    let key = provider_key(env, env.company_id()?).await?;
    let answer = Box::new(in_band);
    Ok(StripeCall::with_answer(env, key, StripeRequest::ConnectionToken, answer)?.into_outcome())
}

async fn payment_intent(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    require_group(env, "point_of_sale.group_pos_user", NO_TOKEN_ACCESS)?;
    let id = single_id(MODEL, &args.ids)?;
    let amount = args.amount(0).unwrap_or_default();
    // The settings and the key go by one reading of the cache signal.
    let env = &env.with_cache_signal(crate::auth::cache::signal(env).await?);
    let info = method_info(env, id).await?;
    let key = provider_key(env, env.company_id()?).await?;
    let mut request = CreatePaymentIntent {
        currency: info.currency.clone(),
        amount: odoo_amount(amount, info.rounding)?,
        payment_method_types: vec!["card_present".into()],
        capture_method: "manual".into(),
        ..CreatePaymentIntent::default()
    };
    match (info.currency.as_str(), info.country_code.as_deref()) {
        ("AUD", Some("AU")) => {
            request.card_present_capture_method = Some("manual_preferred".into())
        }
        ("CAD", Some("CA")) => request.payment_method_types.push("interac_present".into()),
        _ => {}
    }
    let request = StripeRequest::CreatePaymentIntent(request);
    Ok(StripeCall::with_answer(env, key, request, Box::new(in_band))?.into_outcome())
}

async fn capture_payment(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    require_group(env, "point_of_sale.group_pos_user", NO_TOKEN_ACCESS)?;
    let record = record_of(&args)?;
    let rounding = rounding(env, record, true).await?;
    let amount_to_capture = args
        .amount(1)
        .map(|a| odoo_amount(a, rounding))
        .transpose()?;
    let key = provider_key(env, env.company_id()?).await?;
    let request = StripeRequest::CapturePaymentIntent {
        id: args.string(0),
        amount_to_capture,
    };
    let answer = Box::new(make_request_answer);
    Ok(StripeCall::with_answer(env, key, request, answer)?.into_outcome())
}

async fn cancel_payment(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    require_group(env, "point_of_sale.group_pos_user", NO_TOKEN_ACCESS)?;
    record_of(&args)?;
    let key = provider_key(env, env.company_id()?).await?;
    let request = StripeRequest::CancelPaymentIntent {
        id: args.string(0),
        reason: None,
    };
    Ok(StripeCall::new(env, key, request)?.into_outcome())
}

async fn payment_status(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    require_group(env, "point_of_sale.group_pos_user", NO_TOKEN_ACCESS)?;
    record_of(&args)?;
    let key = provider_key(env, env.company_id()?).await?;
    let request = StripeRequest::RetrievePaymentIntent { id: args.string(0) };
    Ok(StripeCall::new(env, key, request)?.into_outcome())
}

/// As Odoo master: a Stripe rejection comes back in-band as `{"error": ...}`.
async fn refund(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    require_group(env, "point_of_sale.group_pos_user", NO_REFUND_ACCESS)?;
    let record = record_of(&args)?;
    let rounding = rounding(env, record, false).await?;
    let requested = args.amount(1).map(|a| a.abs());
    let requested =
        crate::addons::pos_payment::refundable_amount(env, &args.string(0), requested).await?;
    let amount = requested.map(|a| minor_units(a, rounding)).transpose()?;
    let key = provider_key(env, env.company_id()?).await?;
    let request = StripeRequest::CreateRefund {
        target: RefundTarget::from_id(&args.string(0)),
        amount,
    };
    let answer = Box::new(|result: Result<Value, StripeError>| match result {
        Ok(v) => Ok(v),
        Err(StripeError::Api { body, .. }) => {
            Ok(json!({"error": body.get("error").cloned().unwrap_or(body)}))
        }
        Err(e) => Err(stripe_error(e)),
    });
    Ok(StripeCall::with_answer(env, key, request, answer)?.into_outcome())
}

/// The "Stripe" button of the method's form: the current company's provider, looked
/// up with the caller's rights (only `base.group_system` reads providers), whether or
/// not its key is filled in. The web client's `call_button` adds the `views`.
async fn action_stripe_key(env: &Env<'_>) -> OdooResult<Outcome> {
    let provider_id = provider_id(env, env.company_id()?).await?;
    Ok(json!({
        "name": "Stripe",
        "res_model": "payment.provider",
        "type": "ir.actions.act_window",
        "view_mode": "form",
        "res_id": provider_id,
    })
    .into())
}
