//! Odoo's POS Stripe methods on `pos.payment.method` — `stripe_connection_token`,
//! `stripe_payment_intent`, `stripe_capture_payment`, `action_stripe_key` — accepting
//! the calling conventions of the 16 to 19 POS clients, plus what POS users need and
//! Odoo lacks on the server: cancel, refund, status, readers and locations. The
//! secret key is read with elevated rights and never leaves this module unmasked.

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::money::{decimal_from_json, to_minor_units};
use crate::orm::domain::{Domain, Op};
use crate::orm::values::json_to_decimal;
use crate::orm::Env;
use crate::rpc::after_commit;
use crate::stripe::{RefundTarget, SecretKey, StripeClient, StripeError};

const NO_TOKEN_ACCESS: &str = "Do not have access to fetch token from Stripe";
const NO_REFUND_ACCESS: &str = "Do not have access to refund Stripe payment";
const NO_READER_ACCESS: &str = "Do not have access to manage Stripe readers and locations";
const TRANSPORT_ERROR: &str = "There are some issues between us and Stripe, try again later.";

fn require_group(env: &Env<'_>, group: &str, message: &str) -> OdooResult<()> {
    if env.su || env.user.has_group(group) {
        Ok(())
    } else {
        Err(OdooError::AccessError(message.to_string()))
    }
}

/// A Stripe failure as Odoo 18 reports it: an API error is a `ValidationError`
/// carrying Stripe's message; a transport failure a `UserError`.
fn stripe_error(e: StripeError) -> OdooError {
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

/// Sends a request to Stripe once the call's transaction has committed (see
/// [`after_commit`]): nothing here holds the database while Stripe answers.
async fn stripe_later<F, Fut>(env: &Env<'_>, request: F) -> OdooResult<Value>
where
    F: FnOnce(StripeClient) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = OdooResult<Value>> + Send + 'static,
{
    let client = env.services.stripe.clone();
    after_commit::defer(Box::new(move || Box::pin(request(client)))).await
}

/// What the POS methods need of the company's Stripe provider: its secret key.
pub struct Provider {
    pub key: SecretKey,
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

/// The id of `payment.provider` with code `stripe` of `company` (limit 1), found as
/// superuser; Odoo's `UserError` when there is none.
async fn provider_id(env: &Env<'_>, company: i64) -> OdooResult<i64> {
    let d = Domain::leaf("code", Op::Eq, json!("stripe")).and(Domain::leaf(
        "company_id",
        Op::Eq,
        json!(company),
    ));
    let ids = env
        .sudo()
        .search("payment.provider", d, 0, Some(1), None)
        .await?;
    match ids.first() {
        Some(id) => Ok(*id),
        None => Err(OdooError::UserError(format!(
            "Stripe payment provider for company {} is missing",
            company_name(env, company).await?
        ))),
    }
}

/// The Stripe provider of `company` and its secret key, read as superuser.
pub async fn provider_of(env: &Env<'_>, company: i64) -> OdooResult<Provider> {
    let sudo = env.sudo();
    let id = provider_id(env, company).await?;
    let key = sudo
        .value_of("payment.provider", id, "stripe_secret_key")
        .await?;
    match key.as_str().filter(|k| !k.trim().is_empty()) {
        Some(k) => Ok(Provider {
            key: SecretKey::new(k.trim()),
        }),
        None => Err(OdooError::ValidationError(format!(
            "Complete the Stripe onboarding for company {}.",
            company_name(env, company).await?
        ))),
    }
}

/// What a payment method's Stripe calls need: its company, currency and country.
struct MethodInfo {
    company_id: i64,
    currency: String,
    rounding: Decimal,
    country_code: Option<String>,
}

async fn method_info(env: &Env<'_>, method_id: i64) -> OdooResult<MethodInfo> {
    let sudo = env.sudo().with_context("active_test", json!(false));
    let model = crate::orm::engine::model_of("pos.payment.method")?;
    if env.existing(model, &[method_id]).await?.is_empty() {
        return Err(OdooError::MissingError(format!(
            "Record does not exist or has been deleted.\n(Record: pos.payment.method({method_id},), User: {})",
            env.uid()
        )));
    }
    let row = sudo
        .values_of(
            "pos.payment.method",
            &[method_id],
            &["journal_id", "company_id"],
        )
        .await?
        .remove(&method_id)
        .unwrap_or_default();
    let company_id = row.get("company_id").and_then(Value::as_i64).unwrap_or(1);
    let mut currency_id = Value::Null;
    if let Some(j) = row.get("journal_id").and_then(Value::as_i64) {
        currency_id = sudo.value_of("account.journal", j, "currency_id").await?;
    }
    if currency_id.is_null() {
        currency_id = sudo
            .value_of("res.company", company_id, "currency_id")
            .await?;
    }
    let cid = currency_id
        .as_i64()
        .ok_or_else(|| OdooError::UserError("The payment method has no currency.".into()))?;
    let cur = sudo
        .values_of("res.currency", &[cid], &["name", "rounding"])
        .await?
        .remove(&cid)
        .unwrap_or_default();
    let country = sudo
        .value_of("res.company", company_id, "country_id")
        .await?;
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

fn minor_units(amount: Decimal, rounding: Decimal) -> OdooResult<i64> {
    to_minor_units(amount, rounding).map_err(|e| OdooError::ValueError(e.to_string()))
}

fn amount_arg(v: Option<&Value>) -> OdooResult<Option<Decimal>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(v) => decimal_from_json(v).map(Some).ok_or_else(|| {
            OdooError::ValueError(format!(
                "The amount must be a number, not {}",
                crate::orm::values::python_repr(v)
            ))
        }),
    }
}

fn single_id(ids: &[i64]) -> OdooResult<i64> {
    match ids {
        [id] => Ok(*id),
        _ => Err(OdooError::ValueError(format!(
            "Expected singleton: pos.payment.method({})",
            ids.iter().map(|i| format!("{i},")).collect::<String>()
        ))),
    }
}

/// Model methods of the master POS client are called on a record: `[[id], intent, ...]`.
/// Splits the optional leading id list from the other arguments.
fn split_record_args(args: Vec<Value>) -> OdooResult<(Option<i64>, Vec<Value>)> {
    match args.first() {
        Some(Value::Array(items)) if items.iter().all(Value::is_i64) => {
            let ids: Vec<i64> = items.iter().filter_map(Value::as_i64).collect();
            Ok((Some(single_id(&ids)?), args[1..].to_vec()))
        }
        _ => Ok((None, args)),
    }
}

fn string_arg(
    args: &[Value],
    kwargs: &Map<String, Value>,
    i: usize,
    name: &str,
    method: &str,
) -> OdooResult<String> {
    args.get(i)
        .or_else(|| kwargs.get(name))
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            OdooError::TypeError(format!(
                "{method}() missing 1 required positional argument: '{name}'"
            ))
        })
}

pub async fn call(
    env: &Env<'_>,
    method: &str,
    ids: Vec<i64>,
    args: Vec<Value>,
    kwargs: Map<String, Value>,
) -> OdooResult<Value> {
    match method {
        "stripe_connection_token" => {
            require_group(env, "point_of_sale.group_pos_user", NO_TOKEN_ACCESS)?;
            let key = provider_of(env, env.company_id()?).await?.key;
            stripe_later(env, move |stripe| async move {
                stripe.connection_token(&key).await.map_err(stripe_error)
            })
            .await
        }
        "stripe_payment_intent" => {
            require_group(env, "point_of_sale.group_pos_user", NO_TOKEN_ACCESS)?;
            let id = single_id(&ids)?;
            let amount =
                amount_arg(args.first().or_else(|| kwargs.get("amount")))?.ok_or_else(|| {
                    OdooError::TypeError(
                        "stripe_payment_intent() missing 1 required positional argument: 'amount'"
                            .into(),
                    )
                })?;
            let info = method_info(env, id).await?;
            let provider = provider_of(env, env.company_id()?).await?;
            // Odoo's parameters, in Odoo's order.
            let mut params: Vec<(String, String)> = vec![
                ("currency".into(), info.currency.clone()),
                (
                    "amount".into(),
                    minor_units(amount, info.rounding)?.to_string(),
                ),
                ("payment_method_types[]".into(), "card_present".into()),
                ("capture_method".into(), "manual".into()),
            ];
            match (info.currency.as_str(), info.country_code.as_deref()) {
                ("AUD", Some("AU")) => params.push((
                    "payment_method_options[card_present][capture_method]".into(),
                    "manual_preferred".into(),
                )),
                ("CAD", Some("CA")) => {
                    params.push(("payment_method_types[]".into(), "interac_present".into()))
                }
                _ => {}
            }
            let key = provider.key;
            stripe_later(env, move |stripe| async move {
                let resp = stripe
                    .post(&key, "/v1/payment_intents", &params)
                    .await
                    .map_err(stripe_error)?;
                Ok(resp.body)
            })
            .await
        }
        "stripe_capture_payment" => {
            require_group(env, "point_of_sale.group_pos_user", NO_TOKEN_ACCESS)?;
            let (record, rest) = split_record_args(args)?;
            let intent = string_arg(&rest, &kwargs, 0, "paymentIntentId", method)?;
            let amount = amount_arg(rest.get(1).or_else(|| kwargs.get("amount")))?;
            let rounding = match (
                record,
                env.context
                    .get("stripe_currency_rounding")
                    .and_then(json_to_decimal),
            ) {
                (_, Some(r)) if r > Decimal::ZERO => r,
                (Some(id), _) => method_info(env, id).await?.rounding,
                _ => Decimal::new(1, 2),
            };
            let to_capture = amount.map(|a| minor_units(a, rounding)).transpose()?;
            let key = provider_of(env, env.company_id()?).await?.key;
            stripe_later(env, move |stripe| async move {
                stripe
                    .capture_payment_intent(&key, &intent, to_capture)
                    .await
                    .map_err(stripe_error)
            })
            .await
        }
        "stripe_cancel_payment" => {
            require_group(env, "point_of_sale.group_pos_user", NO_TOKEN_ACCESS)?;
            let (_, rest) = split_record_args(args)?;
            let intent = string_arg(&rest, &kwargs, 0, "paymentIntentId", method)?;
            let key = provider_of(env, env.company_id()?).await?.key;
            stripe_later(env, move |stripe| async move {
                stripe
                    .cancel_payment_intent(&key, &intent, None)
                    .await
                    .map_err(stripe_error)
            })
            .await
        }
        "stripe_payment_status" => {
            require_group(env, "point_of_sale.group_pos_user", NO_TOKEN_ACCESS)?;
            let (_, rest) = split_record_args(args)?;
            let intent = string_arg(&rest, &kwargs, 0, "paymentIntentId", method)?;
            let key = provider_of(env, env.company_id()?).await?.key;
            stripe_later(env, move |stripe| async move {
                stripe
                    .retrieve_payment_intent(&key, &intent)
                    .await
                    .map_err(stripe_error)
            })
            .await
        }
        "stripe_refund" => {
            require_group(env, "point_of_sale.group_pos_user", NO_REFUND_ACCESS)?;
            let (record, rest) = split_record_args(args)?;
            let target = string_arg(&rest, &kwargs, 0, "payment_intent_id", method)?;
            let amount = amount_arg(rest.get(1).or_else(|| kwargs.get("amount")))?;
            let rounding = match record {
                Some(id) => method_info(env, id).await?.rounding,
                None => env
                    .context
                    .get("stripe_currency_rounding")
                    .and_then(json_to_decimal)
                    .unwrap_or(Decimal::new(1, 2)),
            };
            let minor = amount.map(|a| minor_units(a.abs(), rounding)).transpose()?;
            let key = provider_of(env, env.company_id()?).await?.key;
            stripe_later(env, move |stripe| async move {
                match stripe
                    .create_refund(&key, RefundTarget::from_id(&target), minor)
                    .await
                {
                    Ok(v) => Ok(v),
                    // As Odoo master: a Stripe rejection comes back in-band.
                    Err(StripeError::Api { body, .. }) => {
                        Ok(json!({"error": body.get("error").cloned().unwrap_or(body)}))
                    }
                    Err(e) => Err(stripe_error(e)),
                }
            })
            .await
        }
        "action_stripe_key" => {
            // The button opens the provider whether or not its key is filled in.
            let provider_id = provider_id(env, env.company_id()?).await?;
            Ok(json!({
                "name": "Stripe",
                "res_model": "payment.provider",
                "type": "ir.actions.act_window",
                "view_mode": "form",
                "res_id": provider_id,
                "views": [[false, "form"]],
            }))
        }
        "stripe_list_locations"
        | "stripe_create_location"
        | "stripe_register_reader"
        | "stripe_list_readers"
        | "stripe_check_reader" => readers(env, method, single_id(&ids)?, args, kwargs).await,
        other => Err(OdooError::AttributeError(format!(
            "The method '{other}' does not exist on the model 'pos.payment.method'"
        ))),
    }
}

/// Readers and locations, with the Stripe key of the method's company.
async fn readers(
    env: &Env<'_>,
    method: &str,
    id: i64,
    args: Vec<Value>,
    kwargs: Map<String, Value>,
) -> OdooResult<Value> {
    let stripe = &env.services.stripe;
    if method == "stripe_check_reader" {
        require_group(env, "point_of_sale.group_pos_user", NO_READER_ACCESS)?;
    } else {
        require_group(env, "point_of_sale.group_pos_manager", NO_READER_ACCESS)?;
    }
    let info = method_info(env, id).await?;
    let provider = provider_of(env, info.company_id).await?;
    let key = provider.key.clone();
    match method {
        "stripe_list_locations" => {
            stripe_later(env, move |stripe| async move {
                stripe.list_locations(&key, &[]).await.map_err(stripe_error)
            })
            .await
        }
        "stripe_create_location" => {
            let name = string_arg(&args, &kwargs, 0, "display_name", method)?;
            let address = args
                .get(1)
                .or_else(|| kwargs.get("address"))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let pairs: Vec<(String, String)> = address
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect();
            stripe_later(env, move |stripe| async move {
                stripe
                    .create_location(&key, &name, &pairs)
                    .await
                    .map_err(stripe_error)
            })
            .await
        }
        "stripe_register_reader" => {
            let code = string_arg(&args, &kwargs, 0, "registration_code", method)?;
            let label = args
                .get(1)
                .or_else(|| kwargs.get("label"))
                .and_then(Value::as_str);
            let location = args
                .get(2)
                .or_else(|| kwargs.get("location_id"))
                .and_then(Value::as_str);
            // Kept in the transaction: the reader's serial is written onto the method.
            let reader = stripe
                .register_reader(&provider.key, &code, label, location)
                .await
                .map_err(stripe_error)?;
            if let Some(serial) = reader.get("serial_number").and_then(Value::as_str) {
                let mut vals = Map::new();
                vals.insert("stripe_serial_number".into(), json!(serial));
                env.write("pos.payment.method", &[id], vals).await?;
            }
            Ok(reader)
        }
        "stripe_list_readers" => {
            let mut query = Vec::new();
            if let Some(status) = args
                .first()
                .or_else(|| kwargs.get("status"))
                .and_then(Value::as_str)
            {
                query.push(("status".to_string(), status.to_string()));
            }
            stripe_later(env, move |stripe| async move {
                stripe
                    .list_readers(&key, &query)
                    .await
                    .map_err(stripe_error)
            })
            .await
        }
        _ => {
            let serial = env
                .sudo()
                .value_of("pos.payment.method", id, "stripe_serial_number")
                .await?;
            let Some(serial) = serial.as_str().map(str::to_string) else {
                return Ok(
                    json!({"serial_number": false, "found": false, "online": false, "reader": false,
                    "message": "The payment method has no Stripe Serial Number."}),
                );
            };
            stripe_later(env, move |stripe| async move {
                let list = stripe
                    .list_readers(&key, &[("serial_number".into(), serial.clone())])
                    .await
                    .map_err(stripe_error)?;
                Ok(reader_check(serial, list))
            })
            .await
        }
    }
}

/// What `stripe_check_reader` answers, from Stripe's reader list for the serial.
fn reader_check(serial: String, list: Value) -> Value {
    let reader = list
        .get("data")
        .and_then(Value::as_array)
        .and_then(|d| d.first())
        .cloned();
    let online = reader
        .as_ref()
        .and_then(|r| r.get("status"))
        .and_then(Value::as_str)
        == Some("online");
    let message = match (&reader, online) {
        (None, _) => json!(format!(
            "Stripe readers {serial} not listed in your account"
        )),
        (Some(_), false) => json!(format!("Stripe reader {serial} is offline")),
        (Some(_), true) => Value::Bool(false),
    };
    json!({"serial_number": serial, "found": reader.is_some(), "online": online, "reader": reader.unwrap_or(Value::Bool(false)), "message": message})
}

/// `payment.provider` methods: `stripe_verify_keys` checks the secret key with Stripe.
pub async fn provider_call(
    env: &Env<'_>,
    method: &str,
    ids: Vec<i64>,
    _args: Vec<Value>,
    _kwargs: Map<String, Value>,
) -> OdooResult<Value> {
    match method {
        "stripe_verify_keys" => {
            let model = crate::orm::engine::model_of("payment.provider")?;
            env.check_access(model, crate::orm::engine::Operation::Write)?;
            let id = match ids.as_slice() {
                [id] => *id,
                _ => {
                    return Err(OdooError::ValueError(
                        "Expected singleton: payment.provider()".into(),
                    ))
                }
            };
            if env.existing(model, &[id]).await?.is_empty() {
                return Err(OdooError::MissingError(format!("Record does not exist or has been deleted.\n(Record: payment.provider({id},), User: {})", env.uid())));
            }
            let key = env
                .sudo()
                .value_of("payment.provider", id, "stripe_secret_key")
                .await?;
            let Some(key) = key.as_str().filter(|k| !k.is_empty()).map(SecretKey::new) else {
                return Ok(
                    json!({"valid": false, "mode": false, "account_name": false, "message": "No secret key is set."}),
                );
            };
            let mode = if key.kind().is_live() { "live" } else { "test" };
            stripe_later(env, move |stripe| async move {
            match stripe.retrieve_account(&key).await {
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
            }
            })
            .await
        }
        other => Err(OdooError::AttributeError(format!(
            "The method '{other}' does not exist on the model 'payment.provider'"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_style_arguments_are_split_off() {
        let (id, rest) = split_record_args(vec![json!([3]), json!("pi_1")]).unwrap();
        assert_eq!((id, rest), (Some(3), vec![json!("pi_1")]));
        let (id, rest) = split_record_args(vec![json!("pi_1")]).unwrap();
        assert_eq!((id, rest), (None, vec![json!("pi_1")]));
        assert!(split_record_args(vec![json!([3, 4]), json!("pi_1")]).is_err());
    }

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
