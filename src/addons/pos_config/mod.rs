//! `pos.config`: currency, current session, default payment methods, the rule that a
//! POS only offers its own company's payment methods, and the fields an open session
//! freezes; [`ui`]: opening the POS from the dashboard and the POS client's calls on its
//! config.

mod sync;
mod ui;

use std::collections::HashMap;

use async_trait::async_trait;
use serde_json::{json, Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Behaviour, Check, Compute, DefaultHook, Method};
use crate::orm::domain::{Domain, Op};
use crate::orm::Env;

pub struct PosConfig;

/// Odoo 18's `_get_forbidden_change_fields` (`iface_tipproduc` sic: the tip product
/// switch is not frozen), the fields an open session freezes.
const FORBIDDEN_WHILE_OPEN: &[&str] = &[
    "module_pos_hr",
    "module_pos_restaurant",
    "available_pricelist_ids",
    "limit_categories",
    "iface_available_categ_ids",
    "use_pricelist",
    "module_pos_discount",
    "payment_method_ids",
    "iface_tipproduc",
];

#[async_trait]
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
            Compute {
                field: "cash_control",
                run: |env, ids| Box::pin(compute_cash_control(env, ids)),
            },
        ]
    }

    fn methods(&self) -> Vec<Method> {
        ui::methods()
    }

    fn defaults(&self) -> Vec<DefaultHook> {
        vec![
            DefaultHook {
                field: "payment_method_ids",
                run: |env| Box::pin(default_payment_methods(env)),
            },
            DefaultHook {
                field: "uuid",
                run: |_| Box::pin(async { Ok(json!(uuid::Uuid::new_v4().to_string())) }),
            },
        ]
    }

    fn checks(&self) -> Vec<Check> {
        vec![Check {
            fields: &["payment_method_ids", "company_id"],
            run: |env, ids| Box::pin(check_company_payment_methods(env, ids)),
        }]
    }

    /// Odoo's `create` names the config's order sequences after `vals['name']`, so a
    /// config without one is Python's `KeyError`.
    async fn prepare_create(&self, env: &Env<'_>, vals: &mut Map<String, Value>) -> OdooResult<()> {
        check_header_footer(env, vals)?;
        if !vals.contains_key("name") {
            return Err(OdooError::KeyError("'name'".into()));
        }
        Ok(())
    }

    async fn before_write(
        &self,
        env: &Env<'_>,
        ids: &[i64],
        vals: &mut Map<String, Value>,
    ) -> OdooResult<()> {
        check_header_footer(env, vals)?;
        let model = env.model("pos.config")?;
        let frozen: Vec<&str> = FORBIDDEN_WHILE_OPEN
            .iter()
            .filter(|k| vals.contains_key(**k))
            .filter_map(|k| model.get_field(k).map(|f| f.string))
            .collect();
        if frozen.is_empty() {
            return Ok(());
        }
        let open = Domain::leaf("config_id", Op::In, json!(ids)).and(Domain::leaf(
            "state",
            Op::Ne,
            json!("closed"),
        ));
        if env.search_count("pos.session", open, Some(1)).await? > 0 {
            return Err(OdooError::UserError(format!(
                "Unable to modify this PoS Configuration because you can't modify {} while a session is open.",
                frozen.join(", ")
            )));
        }
        Ok(())
    }
}

/// Odoo's `_check_header_footer`: only an administrator (`env.is_admin()`: the
/// superuser or `base.group_erp_manager`) may send the receipt's header and footer
/// fields, whatever their values (so a copy, which carries them, too).
fn check_header_footer(env: &Env<'_>, vals: &Map<String, Value>) -> OdooResult<()> {
    let admin = env.su || env.user.has_group("base.group_erp_manager");
    if !admin
        && ["is_header_or_footer", "receipt_header", "receipt_footer"]
            .iter()
            .any(|k| vals.contains_key(*k))
    {
        return Err(OdooError::AccessError(
            "Only administrators can edit receipt headers and footers".into(),
        ));
    }
    Ok(())
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
        let d = Domain::leaf("config_id", Op::Eq, json!(id))
            .and(Domain::leaf("state", Op::Ne, json!("closed")))
            .and(Domain::leaf("rescue", Op::Eq, json!(false)));
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

/// A cash payment method among the config's.
async fn compute_cash_control(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let sudo = env.sudo();
    let mut out = HashMap::new();
    for id in ids {
        let cash = Domain::leaf("config_ids", Op::In, json!([id])).and(Domain::leaf(
            "is_cash_count",
            Op::Eq,
            json!(true),
        ));
        let n = sudo
            .search_count("pos.payment.method", cash, Some(1))
            .await?;
        out.insert(*id, json!(n > 0));
    }
    Ok(out)
}

/// Odoo 18's `_default_payment_methods`: the current company's methods that do not
/// identify customers, in its currency, without cash ones, plus one cash method no POS
/// uses yet. Searched with the caller's rights.
async fn default_payment_methods(env: &Env<'_>) -> OdooResult<Value> {
    let company = env.company_id()?;
    let currency = env
        .sudo()
        .value_of("res.company", company, "currency_id")
        .await?;
    let base = json!([
        "|",
        ["company_id", "=", false],
        ["company_id", "parent_of", [company]],
        ["split_transactions", "=", false],
        "|",
        "|",
        ["journal_id", "=", false],
        ["journal_id.currency_id", "=", false],
        ["journal_id.currency_id", "=", currency],
    ]);
    let with = |extra: Value| -> OdooResult<Domain> {
        let mut items = base.as_array().cloned().unwrap_or_default();
        items.extend(extra.as_array().cloned().unwrap_or_default());
        Domain::parse(&Value::Array(items))
    };
    let mut ids = env
        .search(
            "pos.payment.method",
            with(json!([["is_cash_count", "=", false]]))?,
            0,
            None,
            None,
        )
        .await?;
    ids.extend(
        env.search(
            "pos.payment.method",
            with(json!([
                ["is_cash_count", "=", true],
                ["config_ids", "=", false]
            ]))?,
            0,
            Some(1),
            None,
        )
        .await?,
    );
    Ok(json!(ids))
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
