//! `pos.payment.method`: journal rules, the payment-method-type interplay, the Stripe
//! serial number and the freeze while a session using the method is open; with
//! `pos_stripe`'s extension of the class in [`stripe`] (the POS client's payment calls)
//! and [`readers`] (Stripe readers and locations, for setting up a terminal).

mod readers;
mod stripe;

use std::collections::HashMap;

use async_trait::async_trait;
use serde_json::{json, Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Behaviour, Check, Compute, Method};
use crate::orm::domain::{Domain, Op};
use crate::orm::{Env, COPY_CONTEXT_KEY};

pub struct PosPaymentMethod;

#[async_trait]
impl Behaviour for PosPaymentMethod {
    fn model(&self) -> &'static str {
        "pos.payment.method"
    }

    fn computes(&self) -> Vec<Compute> {
        vec![
            Compute {
                field: "is_cash_count",
                run: |env, ids| Box::pin(compute_journal_type(env, ids, true)),
            },
            Compute {
                field: "type",
                run: |env, ids| Box::pin(compute_journal_type(env, ids, false)),
            },
            Compute {
                field: "open_session_ids",
                run: |env, ids| Box::pin(compute_open_sessions(env, ids)),
            },
            Compute {
                field: "hide_use_payment_terminal",
                run: |env, ids| Box::pin(compute_hide_terminal(env, ids)),
            },
        ]
    }

    fn checks(&self) -> Vec<Check> {
        vec![
            Check {
                fields: &["journal_id"],
                run: |env, ids| Box::pin(check_journal_type(env, ids)),
            },
            Check {
                fields: &["journal_id", "use_payment_terminal"],
                run: |env, ids| Box::pin(check_cash_terminal(env, ids)),
            },
            Check {
                fields: &["stripe_serial_number", "use_payment_terminal"],
                run: |env, ids| Box::pin(check_stripe_serial(env, ids)),
            },
        ]
    }

    fn methods(&self) -> Vec<Method> {
        let mut methods = stripe::methods();
        methods.extend(readers::methods());
        methods
    }

    async fn before_create(&self, env: &Env<'_>, vals: &mut Map<String, Value>) -> OdooResult<()> {
        before_create(env, vals).await
    }

    async fn before_write(
        &self,
        env: &Env<'_>,
        ids: &[i64],
        vals: &mut Map<String, Value>,
    ) -> OdooResult<()> {
        before_write(env, ids, vals).await
    }

    async fn before_unlink(&self, env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
        before_unlink(env, ids).await
    }

    async fn selection(
        &self,
        env: &Env<'_>,
        field: &models::Field,
        declared: &[(&'static str, &'static str)],
    ) -> OdooResult<Vec<(&'static str, &'static str)>> {
        // The `stripe` terminal exists only while it is enabled in the settings.
        if field.name == "use_payment_terminal" && !stripe_terminal_enabled(env).await? {
            return Ok(declared
                .iter()
                .filter(|(k, _)| *k != "stripe")
                .copied()
                .collect());
        }
        Ok(declared.to_vec())
    }

    /// A copied payment method belongs to no POS.
    fn copy_defaults(&self, mut default: Map<String, Value>) -> Map<String, Value> {
        if !default.contains_key("config_ids") {
            default.insert("config_ids".into(), json!([[5, 0, 0]]));
        }
        default
    }

    fn copy_renames(&self) -> bool {
        true
    }
}

/// Key of the system parameter that records whether the Stripe terminal is enabled.
pub const STRIPE_ENABLED_PARAM: &str = "pos_stripe.module_enabled";

/// `is_cash_count` (cash journal) or `type` (cash / bank / pay_later).
async fn compute_journal_type(
    env: &Env<'_>,
    ids: &[i64],
    is_cash_count: bool,
) -> OdooResult<HashMap<i64, Value>> {
    let sudo = env.sudo();
    let rows = sudo
        .values_of("pos.payment.method", ids, &["journal_id"])
        .await?;
    let mut out = HashMap::new();
    for (id, r) in rows {
        let jtype = match r.get("journal_id").and_then(Value::as_i64) {
            Some(j) => sudo.value_of("account.journal", j, "type").await?,
            None => Value::Null,
        };
        let jtype = jtype.as_str().unwrap_or("");
        let v = if is_cash_count {
            json!(jtype == "cash")
        } else {
            json!(match jtype {
                "cash" => "cash",
                "bank" => "bank",
                _ => "pay_later",
            })
        };
        out.insert(id, v);
    }
    Ok(out)
}

/// Sessions not yet closed of the POSes using each method.
async fn compute_open_sessions(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let sudo = env.sudo();
    let mut out = HashMap::new();
    for id in ids {
        let d = Domain::Leaf {
            path: vec!["config_id".into(), "payment_method_ids".into()],
            op: Op::In,
            value: json!([id]),
            raw: json!(["config_id.payment_method_ids", "in", [id]]),
        }
        .and(Domain::leaf("state", Op::Ne, json!("closed")));
        out.insert(
            *id,
            json!(sudo.search("pos.session", d, 0, None, None).await?),
        );
    }
    Ok(out)
}

/// The terminal choice is hidden for cash and customer-account methods.
async fn compute_hide_terminal(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let types = compute_journal_type(env, ids, false).await?;
    Ok(types
        .into_iter()
        .map(|(id, t)| (id, json!(t.as_str() != Some("bank"))))
        .collect())
}

pub async fn stripe_terminal_enabled(env: &Env<'_>) -> OdooResult<bool> {
    Ok(
        super::ir_config_parameter::get_param(env, STRIPE_ENABLED_PARAM)
            .await?
            .as_deref()
            == Some("True"),
    )
}

/// Refuses `use_payment_terminal = 'stripe'` while the Stripe terminal is disabled,
/// as Odoo does when the selection value does not exist.
async fn check_terminal_value(env: &Env<'_>, vals: &Map<String, Value>) -> OdooResult<()> {
    if vals.get("use_payment_terminal").and_then(Value::as_str) == Some("stripe")
        && !stripe_terminal_enabled(env).await?
    {
        return Err(OdooError::ValueError(
            "Wrong value for pos.payment.method.use_payment_terminal: 'stripe'".into(),
        ));
    }
    Ok(())
}

fn trim_serial(vals: &mut Map<String, Value>) {
    if let Some(Value::String(s)) = vals.get("stripe_serial_number") {
        let t = s.trim().to_string();
        vals.insert(
            "stripe_serial_number".into(),
            if t.is_empty() {
                Value::Bool(false)
            } else {
                json!(t)
            },
        );
    }
}

async fn before_create(env: &Env<'_>, vals: &mut Map<String, Value>) -> OdooResult<()> {
    trim_serial(vals);
    // Odoo 18: only a `terminal` method keeps its terminal.
    if vals.get("payment_method_type").and_then(Value::as_str) != Some("terminal") {
        vals.insert("use_payment_terminal".into(), Value::Bool(false));
    }
    check_terminal_value(env, vals).await
}

async fn before_write(env: &Env<'_>, ids: &[i64], vals: &mut Map<String, Value>) -> OdooResult<()> {
    trim_serial(vals);
    if let Some(t) = vals.get("payment_method_type") {
        if t.as_str() != Some("terminal") {
            vals.insert("use_payment_terminal".into(), Value::Bool(false));
        }
    }
    check_terminal_value(env, vals).await?;
    if vals.keys().any(|k| k != "sequence") {
        let open = compute_open_sessions(env, ids).await?;
        let session_ids: Vec<i64> = open
            .values()
            .flat_map(|v| v.as_array().cloned().unwrap_or_default())
            .filter_map(|v| v.as_i64())
            .collect();
        if !session_ids.is_empty() {
            let names = env
                .sudo()
                .values_of("pos.session", &session_ids, &["name"])
                .await?;
            let mut list: Vec<String> = session_ids
                .iter()
                .filter_map(|s| names.get(s)?.get("name")?.as_str().map(str::to_string))
                .collect();
            list.dedup();
            return Err(OdooError::UserError(format!(
                "Please close and validate the following open PoS Sessions before modifying this payment method.\nOpen sessions: {}",
                list.join(" ")
            )));
        }
    }
    Ok(())
}

async fn before_unlink(env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
    let open = compute_open_sessions(env, ids).await?;
    if open
        .values()
        .any(|v| v.as_array().map(|a| !a.is_empty()).unwrap_or(false))
    {
        return Err(OdooError::UserError(
            "You cannot delete a payment method that is used in an open session. Please close the session first.".into(),
        ));
    }
    Ok(())
}

async fn check_journal_type(env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
    let types = compute_journal_type(env, ids, false).await?;
    let rows = env
        .sudo()
        .values_of("pos.payment.method", ids, &["journal_id"])
        .await?;
    for (id, r) in rows {
        if r.get("journal_id").and_then(Value::as_i64).is_some()
            && types.get(&id).and_then(Value::as_str) == Some("pay_later")
        {
            return Err(OdooError::UserError(
                "Only journals of type 'Cash' or 'Bank' could be used with payment methods.".into(),
            ));
        }
    }
    Ok(())
}

async fn check_cash_terminal(env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
    let types = compute_journal_type(env, ids, false).await?;
    let rows = env
        .sudo()
        .values_of("pos.payment.method", ids, &["use_payment_terminal"])
        .await?;
    for (id, r) in rows {
        let terminal = r
            .get("use_payment_terminal")
            .and_then(Value::as_str)
            .is_some();
        if terminal && types.get(&id).and_then(Value::as_str) == Some("cash") {
            return Err(OdooError::ValidationError(
                "A cash payment method cannot use a payment terminal.".into(),
            ));
        }
    }
    Ok(())
}

/// A Stripe method needs a serial, and a serial belongs to one method in all companies.
async fn check_stripe_serial(env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
    let sudo = env.sudo().with_context("active_test", json!(false));
    let rows = sudo
        .values_of(
            "pos.payment.method",
            ids,
            &["stripe_serial_number", "use_payment_terminal"],
        )
        .await?;
    for (id, r) in rows {
        let serial = r.get("stripe_serial_number").and_then(Value::as_str);
        // Odoo's form requires the serial; a copy (which never copies it) is made without it.
        if r.get("use_payment_terminal").and_then(Value::as_str) == Some("stripe")
            && serial.is_none()
            && !env.context.contains_key(COPY_CONTEXT_KEY)
        {
            return Err(OdooError::ValidationError("The Stripe Serial Number is required for a payment method using a Stripe terminal.".into()));
        }
        let Some(serial) = serial else { continue };
        let d = Domain::leaf("id", Op::Ne, json!(id)).and(Domain::leaf(
            "stripe_serial_number",
            Op::Eq,
            json!(serial),
        ));
        if let Some(other) = sudo
            .search("pos.payment.method", d, 0, Some(1), None)
            .await?
            .first()
        {
            let name = sudo
                .display_names(env.model("pos.payment.method")?, &[*other])
                .await?;
            return Err(OdooError::ValidationError(format!(
                "Terminal {} is already used on payment method {}.",
                serial,
                name.get(other).cloned().unwrap_or_default()
            )));
        }
    }
    Ok(())
}
