//! `base` behaviour: currencies, accounts' names, external ids and access checks.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::engine::{model_of, Operation};
use crate::orm::values::json_to_decimal;
use crate::orm::Env;

/// `res.currency.decimal_places`: the digits the rounding factor keeps.
pub async fn currency_decimal_places(
    env: &Env<'_>,
    ids: &[i64],
) -> OdooResult<HashMap<i64, Value>> {
    let rows = env
        .sudo()
        .values_of("res.currency", ids, &["rounding"])
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, r)| {
            let rounding = r
                .get("rounding")
                .and_then(json_to_decimal)
                .unwrap_or(Decimal::ZERO);
            (id, json!(crate::money::decimal_places(rounding)))
        })
        .collect())
}

/// `account.account` shows as "code name".
pub async fn account_display_names(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, String>> {
    let rows = env
        .sudo()
        .values_of("account.account", ids, &["code", "name"])
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, r)| {
            let code = r.get("code").and_then(Value::as_str).unwrap_or_default();
            let name = r.get("name").and_then(Value::as_str).unwrap_or_default();
            (id, format!("{code} {name}").trim().to_string())
        })
        .collect())
}

pub async fn ir_model_data_complete_name(
    env: &Env<'_>,
    ids: &[i64],
) -> OdooResult<HashMap<i64, Value>> {
    let rows = env
        .sudo()
        .values_of("ir.model.data", ids, &["module", "name"])
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, r)| {
            let module = r.get("module").and_then(Value::as_str).unwrap_or_default();
            let name = r.get("name").and_then(Value::as_str).unwrap_or_default();
            (
                id,
                json!(if module.is_empty() {
                    name.to_string()
                } else {
                    format!("{module}.{name}")
                }),
            )
        })
        .collect())
}

fn arg_str(
    args: &[Value],
    kwargs: &Map<String, Value>,
    i: usize,
    name: &str,
) -> OdooResult<String> {
    args.get(i)
        .or_else(|| kwargs.get(name))
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            OdooError::TypeError(format!("missing required positional argument: '{name}'"))
        })
}

/// `ir.model.data.check_object_reference(module, name)` → `[model, res_id]`, and the
/// `xmlid_to_res_id` / `xmlid_to_res_model_res_id` helpers.
pub async fn xmlid_method(
    env: &Env<'_>,
    method: &str,
    args: &[Value],
    kwargs: &Map<String, Value>,
) -> OdooResult<Value> {
    let (xmlid, raise) = match method {
        "check_object_reference" => {
            let module = arg_str(args, kwargs, 0, "module")?;
            let name = arg_str(args, kwargs, 1, "xml_id")?;
            (format!("{module}.{name}"), true)
        }
        _ => {
            let x = arg_str(args, kwargs, 0, "xmlid")?;
            let raise = args
                .get(1)
                .or_else(|| kwargs.get("raise_if_not_found"))
                .map(|v| v.as_bool().unwrap_or(false))
                .unwrap_or(false);
            (x, raise)
        }
    };
    let found = env.sudo().xmlid_lookup(&xmlid).await?;
    match (method, found) {
        ("check_object_reference", Some((model, id)))
        | ("xmlid_to_res_model_res_id", Some((model, id))) => Ok(json!([model, id])),
        ("xmlid_to_res_id", Some((_, id))) => Ok(json!(id)),
        (_, None) if raise || method == "check_object_reference" => Err(OdooError::ValueError(
            format!("External ID not found in the system: {xmlid}"),
        )),
        ("xmlid_to_res_model_res_id", None) => Ok(json!([false, false])),
        _ => Ok(Value::Bool(false)),
    }
}

/// `ir.model.access.check(model, mode='read', raise_exception=True)`.
pub fn access_check(
    env: &Env<'_>,
    args: &[Value],
    kwargs: &Map<String, Value>,
) -> OdooResult<Value> {
    let model = arg_str(args, kwargs, 0, "model")?;
    let mode = args
        .get(1)
        .or_else(|| kwargs.get("mode"))
        .and_then(Value::as_str)
        .unwrap_or("read");
    let raise = args
        .get(2)
        .or_else(|| kwargs.get("raise_exception"))
        .map(|v| v.as_bool().unwrap_or(true))
        .unwrap_or(true);
    let op = Operation::parse(mode)
        .ok_or_else(|| OdooError::ValueError(format!("Invalid access mode: {mode}")))?;
    let m = model_of(&model)?;
    if raise {
        env.check_access(m, op)?;
        Ok(Value::Bool(true))
    } else {
        Ok(Value::Bool(env.has_access(m, op)))
    }
}

/// As Odoo's `res.company.create`: the creating user and the superuser are given access
/// to the new company, so it can be selected in `allowed_company_ids` at once.
pub async fn company_after_create(env: &Env<'_>, id: i64) -> OdooResult<()> {
    use crate::auth::users::SUPERUSER_ID;
    let mut users = vec![SUPERUSER_ID];
    if env.uid() != SUPERUSER_ID {
        users.push(env.uid());
    }
    // While fixtures load, the company can exist before any user does.
    let model = model_of("res.users")?;
    let users = env
        .sudo()
        .with_context("active_test", json!(false))
        .existing(model, &users)
        .await?;
    if users.is_empty() {
        return Ok(());
    }
    let mut vals = Map::new();
    vals.insert("company_ids".into(), json!([[4, id]]));
    env.sudo().write("res.users", &users, vals).await
}
