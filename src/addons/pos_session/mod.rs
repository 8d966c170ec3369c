//! `pos.session`: a cashier's shift on a POS. Named `<POS>/<5 digits>` at creation and
//! `POS/<5 digits>` (the `pos.session` sequence) once opened; one open session per POS;
//! it belongs to its POS's company. [`closing`] closes it as the POS client does;
//! [`load_data`] answers what the POS client boots with.

mod closing;
mod load_data;

pub(in crate::addons) use load_data::read_pos_data;

use std::collections::HashMap;

use async_trait::async_trait;
use serde_json::{json, Map, Value};

use super::ir_config_parameter::{get_param, set_param};
use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Args, Behaviour, Check, Compute, Method, MethodKind, Outcome};
use crate::orm::behaviour::{Param, ParamKind};
use crate::orm::domain::{Domain, Op};
use crate::orm::values::{python_str_repr, DATETIME_FORMAT};
use crate::orm::Env;

pub struct PosSession;

pub(crate) const MODEL: &str = "pos.session";

#[async_trait]
impl Behaviour for PosSession {
    fn model(&self) -> &'static str {
        MODEL
    }

    fn computes(&self) -> Vec<Compute> {
        vec![Compute {
            field: "company_id",
            run: |env, ids| Box::pin(compute_session_company(env, ids)),
        }]
    }

    fn checks(&self) -> Vec<Check> {
        vec![Check {
            fields: &["config_id"],
            run: |env, ids| Box::pin(check_one_open_session(env, ids)),
        }]
    }

    fn methods(&self) -> Vec<Method> {
        let record = |name, params, readonly, run| Method {
            name,
            kind: MethodKind::Record,
            params,
            readonly,
            run,
        };
        vec![
            record(
                "set_opening_control",
                vec![
                    Param::required("cashbox_value", ParamKind::Amount),
                    Param::required("notes", ParamKind::Any),
                ],
                false,
                |env, args| Box::pin(set_opening_control(env, args)),
            ),
            record("get_closing_control_data", vec![], true, |env, args| {
                Box::pin(closing::get_closing_control_data(env, args))
            }),
            record(
                "post_closing_cash_details",
                vec![Param::required("counted_cash", ParamKind::Amount)],
                false,
                |env, args| Box::pin(closing::post_closing_cash_details(env, args)),
            ),
            record(
                "update_closing_control_state_session",
                vec![Param::required("notes", ParamKind::Any)],
                false,
                |env, args| Box::pin(closing::update_closing_control_state(env, args)),
            ),
            record(
                "close_session_from_ui",
                vec![Param::optional(
                    "bank_payment_method_diff_pairs",
                    ParamKind::Any,
                )],
                false,
                |env, args| Box::pin(closing::close_session_from_ui(env, args)),
            ),
            record(
                "load_data",
                vec![
                    Param::required("models_to_load", ParamKind::Any),
                    Param::optional("only_data", ParamKind::Any),
                ],
                true,
                |env, args| Box::pin(load_data::load_data(env, args)),
            ),
            record(
                "get_pos_ui_product_pricelist_item_by_product",
                vec![
                    Param::required("product_tmpl_ids", ParamKind::Any),
                    Param::required("product_ids", ParamKind::Any),
                    Param::required("config_id", ParamKind::Any),
                ],
                true,
                |env, args| Box::pin(pricelist_items(env, args)),
            ),
            record(
                "delete_opening_control_session",
                vec![],
                false,
                |env, args| Box::pin(closing::delete_opening_control_session(env, args)),
            ),
        ]
    }

    /// Odoo 18's `create`: the POS is required, and the session is named after it, its
    /// number one more than the last session whose name starts alike (from 0).
    async fn prepare_create(&self, env: &Env<'_>, vals: &mut Map<String, Value>) -> OdooResult<()> {
        let config = vals
            .get("config_id")
            .filter(|v| !matches!(v, Value::Null | Value::Bool(false)))
            .or_else(|| env.context.get("default_config_id"))
            .and_then(Value::as_i64)
            .ok_or_else(|| {
                OdooError::UserError("You should assign a Point of Sale to your session.".into())
            })?;
        // A rescue session keeps the name it is given.
        let rescue = vals
            .get("rescue")
            .is_some_and(|v| !matches!(v, Value::Null | Value::Bool(false)));
        if !rescue {
            let name = session_name(env, config).await?;
            vals.insert("name".into(), json!(name));
        }
        vals.insert("config_id".into(), json!(config));
        let company = env
            .sudo()
            .value_of("pos.config", config, "company_id")
            .await?;
        let mut closing = false;
        if let Some(company) = company.as_i64() {
            let policy = env
                .sudo()
                .value_of(
                    "res.company",
                    company,
                    "point_of_sale_update_stock_quantities",
                )
                .await?;
            closing = policy == json!("closing");
        }
        vals.insert("update_stock_at_closing".into(), json!(closing));
        Ok(())
    }

    /// Odoo's `action_pos_session_open`: a POS that counts cash starts from what its
    /// previous session counted at closing.
    async fn after_create(&self, env: &Env<'_>, id: i64) -> OdooResult<()> {
        let sudo = env.sudo();
        let row = sudo
            .values_of(MODEL, &[id], &["config_id", "rescue", "state"])
            .await?
            .remove(&id)
            .unwrap_or_default();
        let Some(config) = row.get("config_id").and_then(Value::as_i64) else {
            return Ok(());
        };
        if row.get("state") != Some(&json!("opening_control"))
            || row.get("rescue") == Some(&json!(true))
            || sudo.value_of("pos.config", config, "cash_control").await? != json!(true)
        {
            return Ok(());
        }
        let previous = Domain::leaf("config_id", Op::Eq, json!(config)).and(Domain::leaf(
            "id",
            Op::Ne,
            json!(id),
        ));
        let last = sudo.search(MODEL, previous, 0, Some(1), None).await?;
        let start = match last.first() {
            Some(last) => {
                sudo.value_of(MODEL, *last, "cash_register_balance_end_real")
                    .await?
            }
            None => json!(0),
        };
        let mut vals = Map::new();
        vals.insert("cash_register_balance_start".into(), start);
        sudo.write(MODEL, &[id], vals).await
    }
}

async fn compute_session_company(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let sudo = env.sudo();
    let rows = sudo.values_of(MODEL, ids, &["config_id"]).await?;
    let mut out = HashMap::new();
    for (id, r) in rows {
        let v = match r.get("config_id").and_then(Value::as_i64) {
            Some(c) => sudo.value_of("pos.config", c, "company_id").await?,
            None => Value::Null,
        };
        out.insert(id, v);
    }
    Ok(out)
}

/// Odoo's `_check_pos_config`: a POS has at most one session that is not closed.
async fn check_one_open_session(env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
    let sudo = env.sudo();
    let rows = sudo.values_of(MODEL, ids, &["config_id"]).await?;
    for r in rows.values() {
        let Some(config) = r.get("config_id").and_then(Value::as_i64) else {
            continue;
        };
        // Rescue sessions (orders saved after their session closed) do not count.
        let open = Domain::leaf("state", Op::Ne, json!("closed"))
            .and(Domain::leaf("config_id", Op::Eq, json!(config)))
            .and(Domain::leaf("rescue", Op::Eq, json!(false)));
        if sudo.search_count(MODEL, open, None).await? > 1 {
            return Err(OdooError::ValidationError(
                "Another session is already opened for this point of sale.".into(),
            ));
        }
    }
    Ok(())
}

/// `set_opening_control(cashbox_value, notes)`: the opening popup of the POS client.
/// A session in `opening_control` opens now, takes its name from the `pos.session`
/// sequence and, when its POS counts cash, the counted opening balance. Answers `None`.
async fn set_opening_control(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let id = super::single_id(MODEL, &args.ids)?;
    let session = env
        .read(
            MODEL,
            &[id],
            Some(&["state".to_string(), "config_id".to_string()]),
            false,
        )
        .await?;
    let Some(session) = session.first() else {
        return Err(super::missing_error(env, MODEL, &[id]));
    };
    if session.get("state") != Some(&json!("opening_control")) {
        return Ok(Value::Null.into());
    }
    let mut vals = Map::new();
    vals.insert("state".into(), json!("opened"));
    let now = chrono::Utc::now().naive_utc().format(DATETIME_FORMAT);
    vals.insert("start_at".into(), json!(now.to_string()));
    if env.sudo().value_of(MODEL, id, "rescue").await? != json!(true) {
        vals.insert("name".into(), json!(next_session_number(env).await?));
    }
    let config = session.get("config_id").and_then(Value::as_i64);
    if let Some(config) = config {
        let cash = Domain::leaf("config_ids", Op::In, json!([config])).and(Domain::leaf(
            "is_cash_count",
            Op::Eq,
            json!(true),
        ));
        let counts_cash = env
            .sudo()
            .search_count("pos.payment.method", cash, Some(1))
            .await?
            > 0;
        if counts_cash {
            let value = args.amount(0).unwrap_or_default();
            let notes = args.value(1).cloned().unwrap_or(json!(false));
            vals.insert("opening_notes".into(), notes);
            vals.insert(
                "cash_register_balance_start".into(),
                crate::orm::values::decimal_to_json(value),
            );
        }
    }
    env.write(MODEL, &[id], vals).await?;
    Ok(Value::Null.into())
}

/// The next name of Odoo's `pos.session` sequence (`POS/` and 5 digits, from 1). The
/// counter is a system parameter, taken by compare-and-set so two sessions opening at
/// once never share a number.
async fn next_session_number(env: &Env<'_>) -> OdooResult<String> {
    const KEY: &str = "point_of_sale.pos_session_sequence_next";
    for _ in 0..10 {
        let current = get_param(env, KEY).await?;
        let next: i64 = current.as_deref().and_then(|v| v.parse().ok()).unwrap_or(1);
        let updated = match &current {
            None => {
                set_param(env, KEY, &(next + 1).to_string()).await?;
                true
            }
            Some(old) => {
                super::ir_config_parameter::compare_and_set(env, KEY, old, &(next + 1).to_string())
                    .await?
            }
        };
        if updated {
            return Ok(format!("POS/{next:05}"));
        }
    }
    Err(OdooError::internal("the pos.session sequence is too busy"))
}

/// Odoo 18's name of a new session: `<POS>/` and five digits, one more than the last
/// session whose name starts alike (from 0).
async fn session_name(env: &Env<'_>, config: i64) -> OdooResult<String> {
    let config_name = env.sudo().value_of("pos.config", config, "name").await?;
    let prefix = format!("{}/", config_name.as_str().unwrap_or("False"));
    let sudo = env.sudo().with_context("active_test", json!(false));
    let last = sudo
        .search(
            MODEL,
            Domain::leaf("name", Op::ILike, json!(prefix)),
            0,
            Some(1),
            Some("name desc"),
        )
        .await?;
    let mut counter = 0;
    if let Some(last) = last.first() {
        let name = sudo.value_of(MODEL, *last, "name").await?;
        let tail = name
            .as_str()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .unwrap_or_default();
        counter = tail.trim().parse::<i64>().map_err(|_| {
            OdooError::ValueError(format!(
                "invalid literal for int() with base 10: {}",
                python_str_repr(tail)
            ))
        })? + 1;
    }
    Ok(format!("{prefix}{counter:05}"))
}

/// `get_pos_ui_product_pricelist_item_by_product(product_tmpl_ids, product_ids,
/// config_id)`: prices of products the POS loads after it started.
async fn pricelist_items(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let id = super::single_id(MODEL, &args.ids)?;
    let ids = |i: usize| -> OdooResult<Vec<i64>> {
        match args.value(i) {
            None => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| {
                    v.as_i64().ok_or_else(|| {
                        OdooError::ValueError(format!(
                            "Invalid field value: {}",
                            crate::orm::values::python_repr(v)
                        ))
                    })
                })
                .collect(),
            Some(other) => Err(OdooError::TypeError(format!(
                "'{}' object is not iterable",
                crate::orm::values::python_type_name(other)
            ))),
        }
    };
    let answer = load_data::pricelist_items_by_product(env, id, &ids(0)?, &ids(1)?).await?;
    Ok(answer.into())
}
