//! `pos.payment.method`: its type from its journal, the payment-method-type interplay,
//! the Stripe serial number and the freeze while a session using the method is open;
//! with `pos_stripe`'s extension of the class in [`stripe`] (the POS client's payment
//! calls) and [`readers`] (Stripe readers and locations, for setting up a terminal).
//!
//! As in Odoo 18, only what Odoo enforces over RPC is refused here: the journal-type
//! and "serial required" rules of Odoo's form view (onchange, `required` in the view)
//! are not.

mod readers;
mod stripe;

use std::collections::HashMap;

use async_trait::async_trait;
use sea_orm::{DbBackend, Statement};
use serde_json::{json, Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Behaviour, Check, Compute, Method};
use crate::orm::domain::{Domain, Op};
use crate::orm::values::python_str_repr;
use crate::orm::Env;

pub struct PosPaymentMethod;

const MODEL: &str = "pos.payment.method";

#[async_trait]
impl Behaviour for PosPaymentMethod {
    fn model(&self) -> &'static str {
        MODEL
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
            Compute {
                field: "default_qr",
                run: |_, ids| Box::pin(constant(ids, Value::Bool(false))),
            },
            Compute {
                field: "hide_qr_code_method",
                run: |_, ids| Box::pin(constant(ids, Value::Bool(true))),
            },
        ]
    }

    fn checks(&self) -> Vec<Check> {
        vec![
            Check {
                fields: &["stripe_serial_number"],
                run: |env, ids| Box::pin(check_stripe_serial(env, ids)),
            },
            Check {
                fields: &["payment_method_type", "journal_id", "qr_code_method"],
                run: |env, ids| Box::pin(check_qr_code(env, ids)),
            },
        ]
    }

    fn methods(&self) -> Vec<Method> {
        let mut methods = stripe::methods();
        methods.extend(readers::methods());
        methods
    }

    async fn prepare_create(
        &self,
        _env: &Env<'_>,
        vals: &mut Map<String, Value>,
    ) -> OdooResult<()> {
        // Odoo 18 forces the other integrations' fields only when a type is given.
        if let Some(kind) = vals
            .get("payment_method_type")
            .filter(|t| truthy(t))
            .cloned()
        {
            force_type_values(vals, kind.as_str().unwrap_or_default(), false);
        }
        Ok(())
    }

    async fn before_write(
        &self,
        env: &Env<'_>,
        ids: &[i64],
        vals: &mut Map<String, Value>,
    ) -> OdooResult<()> {
        check_open_sessions(env, ids, vals).await?;
        if let Some(kind) = vals.get("payment_method_type").cloned() {
            force_type_values(vals, kind.as_str().unwrap_or_default(), false);
            return Ok(());
        }
        // Without a new type, each record keeps its own: a terminal method drops a
        // QR-code format it is sent, a QR-code method a terminal.
        let types = env
            .sudo()
            .values_of(MODEL, ids, &["payment_method_type"])
            .await?;
        for kind in ["terminal", "qr_code"] {
            if types
                .values()
                .any(|r| r.get("payment_method_type").and_then(Value::as_str) == Some(kind))
            {
                force_type_values(vals, kind, true);
            }
        }
        Ok(())
    }

    async fn selection(
        &self,
        env: &Env<'_>,
        field: &models::Field,
        declared: &[(&'static str, &'static str)],
    ) -> OdooResult<Vec<(&'static str, &'static str)>> {
        Ok(match field.name {
            // The `stripe` terminal exists only while it is enabled in the settings.
            "use_payment_terminal" if !stripe_terminal_enabled(env).await? => vec![],
            // No QR-code format is installed (Odoo offers `qr_code` only when
            // `res.partner.bank` has one), hence no QR-code integration.
            "payment_method_type" => declared
                .iter()
                .filter(|(k, _)| *k != "qr_code")
                .copied()
                .collect(),
            _ => declared.to_vec(),
        })
    }

    /// Odoo 18's `copy_data`: the copy is on no POS, and a cash method's copy has no
    /// journal unless the caller gives it another one.
    async fn copy_data(
        &self,
        env: &Env<'_>,
        ids: &[i64],
        default: &Map<String, Value>,
        vals_list: &mut [Map<String, Value>],
    ) -> OdooResult<()> {
        let sudo = env.sudo();
        let journals = sudo.values_of(MODEL, ids, &["journal_id"]).await?;
        for (id, vals) in ids.iter().zip(vals_list.iter_mut()) {
            vals.insert("config_ids".into(), json!([[5, 0, 0]]));
            let Some(journal) = journals
                .get(id)
                .and_then(|r| r.get("journal_id"))
                .and_then(Value::as_i64)
            else {
                continue;
            };
            let cash = sudo.value_of("account.journal", journal, "type").await? == json!("cash");
            let kept = default
                .get("journal_id")
                .is_some_and(|j| j.as_i64() != Some(journal));
            if cash && !kept {
                vals.insert("journal_id".into(), Value::Bool(false));
            }
        }
        Ok(())
    }
}

/// Key of the system parameter that records whether the Stripe terminal is enabled.
pub const STRIPE_ENABLED_PARAM: &str = "pos_stripe.module_enabled";

fn truthy(v: &Value) -> bool {
    !matches!(v, Value::Null | Value::Bool(false))
        && v.as_str().map(|s| !s.is_empty()).unwrap_or(true)
}

/// Odoo's `_force_payment_method_type_values`: the fields another integration uses
/// are cleared (`if_present`: only those the values carry).
fn force_type_values(vals: &mut Map<String, Value>, kind: &str, if_present: bool) {
    let disabled: &[&str] = match kind {
        "terminal" => &["qr_code_method"],
        "qr_code" => &["use_payment_terminal"],
        _ => &["use_payment_terminal", "qr_code_method"],
    };
    for name in disabled {
        if !if_present || vals.contains_key(*name) {
            vals.insert(name.to_string(), Value::Bool(false));
        }
    }
}

async fn constant(ids: &[i64], v: Value) -> OdooResult<HashMap<i64, Value>> {
    Ok(ids.iter().map(|id| (*id, v.clone())).collect())
}

/// `is_cash_count` (cash journal) or `type` (cash / bank / pay_later).
async fn compute_journal_type(
    env: &Env<'_>,
    ids: &[i64],
    is_cash_count: bool,
) -> OdooResult<HashMap<i64, Value>> {
    let sudo = env.sudo();
    let rows = sudo.values_of(MODEL, ids, &["journal_id"]).await?;
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

/// Sessions not yet closed of the POSes using each method, newest first, searched with
/// the caller's rights as Odoo's `_compute_open_session_ids` does.
async fn compute_open_sessions(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
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
            json!(env.search("pos.session", d, 0, None, None).await?),
        );
    }
    Ok(out)
}

/// Hidden unless the method is a `terminal` on a bank journal and a terminal exists.
async fn compute_hide_terminal(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let no_terminals = !stripe_terminal_enabled(env).await?;
    let types = compute_journal_type(env, ids, false).await?;
    let kinds = env
        .sudo()
        .values_of(MODEL, ids, &["payment_method_type"])
        .await?;
    Ok(types
        .into_iter()
        .map(|(id, t)| {
            let terminal = kinds
                .get(&id)
                .and_then(|r| r.get("payment_method_type"))
                .and_then(Value::as_str)
                == Some("terminal");
            let hide =
                no_terminals || matches!(t.as_str(), Some("cash" | "pay_later")) || !terminal;
            (id, json!(hide))
        })
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

/// Odoo's `_is_write_forbidden`: while a session using one of the methods is open,
/// only `sequence` may change. The message quotes the sessions' names as Odoo does,
/// one string in a Python 1-tuple.
async fn check_open_sessions(
    env: &Env<'_>,
    ids: &[i64],
    vals: &Map<String, Value>,
) -> OdooResult<()> {
    if vals.keys().all(|k| k == "sequence") {
        return Ok(());
    }
    let open = compute_open_sessions(env, ids).await?;
    let mut sessions: Vec<i64> = Vec::new();
    for id in ids {
        for s in open.get(id).and_then(Value::as_array).into_iter().flatten() {
            if let Some(s) = s.as_i64().filter(|s| !sessions.contains(s)) {
                sessions.push(s);
            }
        }
    }
    if sessions.is_empty() {
        return Ok(());
    }
    let names = env.values_of("pos.session", &sessions, &["name"]).await?;
    let names: Vec<String> = sessions
        .iter()
        .filter_map(|s| names.get(s)?.get("name")?.as_str().map(str::to_string))
        .collect();
    Err(OdooError::UserError(format!(
        "Please close and validate the following open PoS Sessions before modifying this payment method.\nOpen sessions: ({},)",
        python_str_repr(&names.join(" "))
    )))
}

/// `pos_stripe`'s `_check_stripe_serial_number`: no other payment method the caller
/// can see (their companies, active ones) may carry the same serial. On PostgreSQL the
/// check holds a transaction lock, so two calls setting one serial at the same time
/// cannot both pass it: the second checks once the first has committed.
async fn check_stripe_serial(env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
    let serials = env
        .sudo()
        .values_of(MODEL, ids, &["stripe_serial_number"])
        .await?;
    if env.backend == DbBackend::Postgres
        && serials
            .values()
            .any(|r| r.get("stripe_serial_number").is_some_and(truthy))
    {
        env.execute(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT pg_advisory_xact_lock({SERIAL_LOCK})"),
        ))
        .await?;
    }
    for id in ids {
        let Some(serial) = serials
            .get(id)
            .and_then(|r| r.get("stripe_serial_number"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        let d = Domain::leaf("id", Op::Ne, json!(id)).and(Domain::leaf(
            "stripe_serial_number",
            Op::Eq,
            json!(serial),
        ));
        if let Some(other) = env.search(MODEL, d, 0, Some(1), None).await?.first() {
            let name = env
                .sudo()
                .display_names(env.model(MODEL)?, &[*other])
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

/// The PostgreSQL advisory lock the serial check takes (`pos_seri` in ASCII).
const SERIAL_LOCK: i64 = 0x706f_735f_7365_7269;

/// Odoo's `_check_payment_method`: a QR-code method needs a bank journal with a bank
/// account, which no journal has here (the field belongs to modules not served).
async fn check_qr_code(env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
    let rows = env
        .sudo()
        .values_of(MODEL, ids, &["payment_method_type"])
        .await?;
    if rows
        .values()
        .any(|r| r.get("payment_method_type").and_then(Value::as_str) == Some("qr_code"))
    {
        return Err(OdooError::ValidationError(
            "At least one bank account must be defined on the journal to allow registering QR code payments with Bank apps.".into(),
        ));
    }
    Ok(())
}
