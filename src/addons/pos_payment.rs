//! `pos.payment`: a payment belongs to its order's session and company (stored
//! related fields in Odoo), uses a payment method of that session's POS, and is
//! displayed as its amount in the order's currency.

use std::collections::HashMap;

use async_trait::async_trait;
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Behaviour, Check, NamesFn};
use crate::orm::values::json_to_decimal;
use crate::orm::Env;

pub struct PosPayment;

const MODEL: &str = "pos.payment";

#[async_trait]
impl Behaviour for PosPayment {
    fn model(&self) -> &'static str {
        MODEL
    }

    fn checks(&self) -> Vec<Check> {
        vec![
            Check {
                fields: &["payment_method_id"],
                run: |env, ids| Box::pin(check_payment_method(env, ids)),
            },
            Check {
                fields: &["amount"],
                run: |env, ids| Box::pin(check_amount(env, ids)),
            },
        ]
    }

    async fn prepare_create(&self, env: &Env<'_>, vals: &mut Map<String, Value>) -> OdooResult<()> {
        if let Some(order) = vals.get("pos_order_id").and_then(Value::as_i64) {
            let row = env
                .sudo()
                .values_of("pos.order", &[order], &["session_id", "company_id"])
                .await?
                .remove(&order)
                .unwrap_or_default();
            for k in ["session_id", "company_id"] {
                vals.insert(k.into(), row.get(k).cloned().unwrap_or(Value::Null));
            }
        }
        Ok(())
    }

    /// `_compute_display_name`: the amount as `formatLang` writes it, after the
    /// payment's name when it has one.
    fn display_names(&self) -> Option<NamesFn> {
        Some(|env, ids| Box::pin(display_names(env, ids)))
    }
}

/// `formatLang(amount, currency_obj=currency)` in `en_US`: grouped thousands, the
/// currency's decimals, its symbol before or after with a no-break space.
pub fn format_amount(amount: Decimal, currency: Option<&Map<String, Value>>) -> String {
    let places = currency
        .and_then(|c| c.get("decimal_places"))
        .and_then(Value::as_u64)
        .unwrap_or(2)
        .min(6) as u32;
    let rounded =
        amount.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let text = format!("{:.*}", places as usize, rounded.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    let number = if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    };
    let Some(c) = currency else { return number };
    let symbol = c.get("symbol").and_then(Value::as_str).unwrap_or("");
    match c.get("position").and_then(Value::as_str) {
        Some("after") => format!("{number}\u{a0}{symbol}"),
        _ => format!("{symbol}\u{a0}{number}"),
    }
}

/// `_check_payment_method_id`: the method is one of the session's POS's.
async fn check_payment_method(env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
    let sudo = env.sudo();
    let rows = sudo
        .values_of(MODEL, ids, &["payment_method_id", "session_id"])
        .await?;
    for r in rows.values() {
        let method = r.get("payment_method_id").and_then(Value::as_i64);
        let allowed: Vec<i64> = match r.get("session_id").and_then(Value::as_i64) {
            Some(s) => match sudo.value_of("pos.session", s, "config_id").await?.as_i64() {
                Some(c) => sudo
                    .value_of("pos.config", c, "payment_method_ids")
                    .await?
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_i64).collect())
                    .unwrap_or_default(),
                None => Vec::new(),
            },
            None => Vec::new(),
        };
        if !method.is_some_and(|m| allowed.contains(&m)) {
            return Err(OdooError::ValidationError(
                "The payment method selected is not allowed in the config of the POS session."
                    .into(),
            ));
        }
    }
    Ok(())
}

/// `_check_amount`: a posted order's payments do not change.
async fn check_amount(env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
    let sudo = env.sudo();
    let rows = sudo.values_of(MODEL, ids, &["pos_order_id"]).await?;
    for r in rows.values() {
        if let Some(order) = r.get("pos_order_id").and_then(Value::as_i64) {
            let state = sudo.value_of("pos.order", order, "state").await?;
            if matches!(state.as_str(), Some("invoiced" | "done")) {
                return Err(OdooError::ValidationError(
                    "You cannot edit a payment for a posted order.".into(),
                ));
            }
        }
    }
    Ok(())
}

/// What the POS recorded for a card transaction (a PaymentIntent): the amount its
/// positive payments took and the amount its negative (refund) payments gave back,
/// leaving out payment `except`.
pub(crate) async fn transaction_totals(
    env: &Env<'_>,
    transaction: &str,
    except: Option<i64>,
) -> OdooResult<(Decimal, Decimal)> {
    let sudo = env.sudo();
    let ids = sudo
        .search(
            MODEL,
            crate::orm::domain::Domain::leaf(
                "transaction_id",
                crate::orm::domain::Op::Eq,
                serde_json::json!(transaction),
            ),
            0,
            None,
            None,
        )
        .await?;
    let ids: Vec<i64> = ids.into_iter().filter(|i| Some(*i) != except).collect();
    let rows = sudo.values_of(MODEL, &ids, &["amount"]).await?;
    let (mut paid, mut refunded) = (Decimal::ZERO, Decimal::ZERO);
    for r in rows.values() {
        let a = r
            .get("amount")
            .and_then(json_to_decimal)
            .unwrap_or_default();
        if a > Decimal::ZERO {
            paid += a;
        } else {
            refunded -= a;
        }
    }
    Ok((paid, refunded))
}

/// A Stripe refund of a PaymentIntent that paid a POS order is tied to that payment:
/// without an amount it gives back what the POS has not refunded yet, and it never
/// gives back more. Intents the POS never recorded are left to Stripe's own limits.
pub(crate) async fn refundable_amount(
    env: &Env<'_>,
    intent: &str,
    requested: Option<Decimal>,
) -> OdooResult<Option<Decimal>> {
    let (paid, refunded) = transaction_totals(env, intent, None).await?;
    if paid <= Decimal::ZERO {
        return Ok(requested);
    }
    let remaining = paid - refunded;
    if remaining <= Decimal::ZERO {
        return Err(OdooError::UserError(format!(
            "The payment {intent} has already been refunded."
        )));
    }
    let amount = requested.unwrap_or(remaining);
    if amount > remaining {
        return Err(OdooError::UserError(format!(
            "The refund ({amount}) is more than what remains of the payment {intent} ({remaining})."
        )));
    }
    Ok(Some(amount))
}

/// The model's display names (see [`Behaviour::display_names`]).
async fn display_names(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, String>> {
    let sudo = env.sudo();
    let rows = sudo
        .values_of(MODEL, ids, &["name", "amount", "currency_id"])
        .await?;
    let mut out = HashMap::new();
    for (id, r) in rows {
        let amount = r
            .get("amount")
            .and_then(json_to_decimal)
            .unwrap_or_default();
        let currency = match r.get("currency_id").and_then(Value::as_i64) {
            Some(c) => sudo
                .values_of(
                    "res.currency",
                    &[c],
                    &["symbol", "position", "decimal_places"],
                )
                .await?
                .remove(&c),
            None => None,
        };
        let formatted = format_amount(amount, currency.as_ref());
        let name = match r
            .get("name")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            Some(n) => format!("{n} {formatted}"),
            None => formatted,
        };
        out.insert(id, name);
    }
    Ok(out)
}
