//! `pos.config`: currency, current session, default payment methods and the rule
//! that a POS only offers its own company's payment methods.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Behaviour, Check, Compute, DefaultHook};
use crate::orm::domain::{Domain, Op};
use crate::orm::Env;

pub struct PosConfig;

impl Behaviour for PosConfig {
    fn model(&self) -> &'static str {
        "pos.config"
    }

    fn computes(&self) -> Vec<Compute> {
        vec![
            Compute {
                field: "currency_id",
                run: |env, ids| Box::pin(compute_currency(env, ids)),
            },
            Compute {
                field: "current_session_id",
                run: |env, ids| Box::pin(compute_current_session(env, ids, false)),
            },
            Compute {
                field: "current_session_state",
                run: |env, ids| Box::pin(compute_current_session(env, ids, true)),
            },
        ]
    }

    fn defaults(&self) -> Vec<DefaultHook> {
        vec![DefaultHook {
            field: "payment_method_ids",
            run: |env| Box::pin(default_payment_methods(env)),
        }]
    }

    fn checks(&self) -> Vec<Check> {
        vec![Check {
            fields: &["payment_method_ids", "company_id"],
            run: |env, ids| Box::pin(check_company_payment_methods(env, ids)),
        }]
    }

    fn copy_renames(&self) -> bool {
        true
    }
}

/// The journal's currency, else the company's.
async fn compute_currency(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let sudo = env.sudo();
    let rows = sudo
        .values_of("pos.config", ids, &["journal_id", "company_id"])
        .await?;
    let mut out = HashMap::new();
    for (id, r) in rows {
        let mut currency = Value::Null;
        if let Some(j) = r.get("journal_id").and_then(Value::as_i64) {
            currency = sudo.value_of("account.journal", j, "currency_id").await?;
        }
        if currency.is_null() {
            if let Some(c) = r.get("company_id").and_then(Value::as_i64) {
                currency = sudo.value_of("res.company", c, "currency_id").await?;
            }
        }
        out.insert(id, currency);
    }
    Ok(out)
}

/// The config's session that is not closed yet (or its state).
async fn compute_current_session(
    env: &Env<'_>,
    ids: &[i64],
    state: bool,
) -> OdooResult<HashMap<i64, Value>> {
    let sudo = env.sudo();
    let mut out = HashMap::new();
    for id in ids {
        let d = Domain::leaf("config_id", Op::Eq, json!(id)).and(Domain::leaf(
            "state",
            Op::Ne,
            json!("closed"),
        ));
        let found = sudo.search("pos.session", d, 0, Some(1), None).await?;
        let v = match (found.first(), state) {
            (None, _) => Value::Null,
            (Some(s), false) => json!(s),
            (Some(s), true) => sudo.value_of("pos.session", *s, "state").await?,
        };
        out.insert(*id, v);
    }
    Ok(out)
}

/// The current company's payment methods that do not identify customers.
async fn default_payment_methods(env: &Env<'_>) -> OdooResult<Value> {
    let company = env.company_id()?;
    let d = Domain::leaf("split_transactions", Op::Eq, json!(false)).and(Domain::leaf(
        "company_id",
        Op::Eq,
        json!(company),
    ));
    Ok(json!(
        env.sudo()
            .search("pos.payment.method", d, 0, None, None)
            .await?
    ))
}

async fn check_company_payment_methods(env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
    let sudo = env.sudo();
    let rows = sudo
        .values_of(
            "pos.config",
            ids,
            &["name", "company_id", "payment_method_ids"],
        )
        .await?;
    for r in rows.values() {
        let company = r.get("company_id").cloned().unwrap_or(Value::Null);
        let methods: Vec<i64> = r
            .get("payment_method_ids")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default();
        if methods.is_empty() {
            continue;
        }
        let companies = sudo
            .values_of("pos.payment.method", &methods, &["company_id"])
            .await?;
        if companies
            .values()
            .any(|m| m.get("company_id") != Some(&company))
        {
            let name = r.get("name").and_then(Value::as_str).unwrap_or_default();
            return Err(OdooError::ValidationError(format!(
                "The payment methods for the point of sale {name} must belong to its company."
            )));
        }
    }
    Ok(())
}
