//! Model behaviour the declarations cannot express: computes, constraint checks,
//! create/write overrides and business methods, one file per model as in Odoo. The
//! engine calls in through the hook functions below; each dispatches on the model.

use std::collections::HashMap;

use models::{Field, Model};
use serde_json::{Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::Env;

pub mod account_journal;
pub mod base;
pub mod payment_provider;
pub mod pos_config;
pub mod pos_payment_method;
pub mod res_config_settings;
pub mod res_users;

/// A computed field's values for `ids`.
pub async fn compute(
    env: &Env<'_>,
    model: &'static Model,
    field: &Field,
    ids: &[i64],
) -> OdooResult<HashMap<i64, Value>> {
    let hook = field.compute.unwrap_or("");
    match hook {
        "currency_decimal_places" => base::currency_decimal_places(env, ids).await,
        "user_share" => res_users::compute_share(env, ids).await,
        "ir_model_data_complete_name" => base::ir_model_data_complete_name(env, ids).await,
        "pos_config_currency" => pos_config::compute_currency(env, ids).await,
        "pos_config_current_session" => pos_config::compute_current_session(env, ids, false).await,
        "pos_config_current_session_state" => {
            pos_config::compute_current_session(env, ids, true).await
        }
        "pos_session_company" => pos_config::compute_session_company(env, ids).await,
        "payment_method_is_cash_count" => {
            pos_payment_method::compute_journal_type(env, ids, true).await
        }
        "payment_method_type" => pos_payment_method::compute_journal_type(env, ids, false).await,
        "payment_method_open_sessions" => pos_payment_method::compute_open_sessions(env, ids).await,
        "payment_method_hide_terminal" => pos_payment_method::compute_hide_terminal(env, ids).await,
        other => Err(OdooError::internal(format!(
            "{}.{}: unknown compute hook {other}",
            model.name, field.name
        ))),
    }
}

/// Stored computed fields, refreshed after every create and write of `ids`.
pub async fn recompute(env: &Env<'_>, model: &'static Model, ids: &[i64]) -> OdooResult<()> {
    let stored: Vec<&'static Field> = model
        .fields
        .iter()
        .filter(|f| f.compute.is_some() && f.store)
        .collect();
    if stored.is_empty() || ids.is_empty() {
        return Ok(());
    }
    for f in stored {
        let values = compute(env, model, f, ids).await?;
        for (id, v) in values {
            let col = crate::orm::values::to_column(model.name, f, &v, env.backend)?;
            let q = sea_orm::sea_query::Query::update()
                .table(sea_orm::sea_query::Alias::new(model.table.as_str()))
                .value(sea_orm::sea_query::Alias::new(f.name), col)
                .and_where(
                    sea_orm::sea_query::Expr::col(sea_orm::sea_query::Alias::new("id")).eq(id),
                )
                .to_owned();
            env.execute(env.backend.build(&q)).await?;
        }
    }
    Ok(())
}

/// A `DefaultValue::Hook` default.
pub async fn default_value(env: &Env<'_>, model: &'static Model, hook: &str) -> OdooResult<Value> {
    match hook {
        "pos_config_default_payment_methods" => pos_config::default_payment_methods(env).await,
        "settings_module_pos_stripe" => res_config_settings::default_module_pos_stripe(env).await,
        "settings_pos_config_id" => res_config_settings::default_pos_config(env).await,
        other => Err(OdooError::internal(format!(
            "{}: unknown default hook {other}",
            model.name
        ))),
    }
}

/// A `@api.constrains` check over `ids`.
pub async fn check(
    env: &Env<'_>,
    model: &'static Model,
    hook: &str,
    ids: &[i64],
) -> OdooResult<()> {
    match hook {
        "journal_type_used_by_payment_method" => Ok(()),
        "payment_method_journal_type" => pos_payment_method::check_journal_type(env, ids).await,
        "payment_method_cash_terminal" => pos_payment_method::check_cash_terminal(env, ids).await,
        "payment_method_stripe_serial" => pos_payment_method::check_stripe_serial(env, ids).await,
        "pos_config_company_payment_methods" => {
            pos_config::check_company_payment_methods(env, ids).await
        }
        "stripe_key_formats" => payment_provider::check_key_formats(env, ids).await,
        other => Err(OdooError::internal(format!(
            "{}: unknown constraint hook {other}",
            model.name
        ))),
    }
}

/// Display names for models whose `display_name` is not simply their `rec_name`.
pub async fn display_names(
    env: &Env<'_>,
    model: &'static Model,
    ids: &[i64],
) -> OdooResult<Option<HashMap<i64, String>>> {
    match model.name {
        "account.account" => base::account_display_names(env, ids).await.map(Some),
        "ir.model.data" => base::ir_model_data_complete_name(env, ids).await.map(|m| {
            Some(
                m.into_iter()
                    .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
                    .collect(),
            )
        }),
        _ => Ok(None),
    }
}

pub async fn before_create(
    env: &Env<'_>,
    model: &'static Model,
    vals: &mut Map<String, Value>,
) -> OdooResult<()> {
    match model.name {
        "res.users" => res_users::before_create(env, vals).await,
        "pos.payment.method" => pos_payment_method::before_create(env, vals).await,
        "payment.provider" => {
            payment_provider::trim_keys(vals);
            Ok(())
        }
        _ => Ok(()),
    }
}

pub async fn after_create(env: &Env<'_>, model: &'static Model, id: i64) -> OdooResult<()> {
    match model.name {
        "res.users" => res_users::after_create(env, id).await,
        "res.company" => base::company_after_create(env, id).await,
        _ => Ok(()),
    }
}

pub async fn before_write(
    env: &Env<'_>,
    model: &'static Model,
    ids: &[i64],
    vals: &mut Map<String, Value>,
) -> OdooResult<()> {
    match model.name {
        "res.users" => res_users::before_write(env, ids, vals).await,
        "pos.payment.method" => pos_payment_method::before_write(env, ids, vals).await,
        "account.journal" => account_journal::before_write(env, ids, vals).await,
        "payment.provider" => {
            payment_provider::trim_keys(vals);
            Ok(())
        }
        _ => Ok(()),
    }
}

pub async fn after_write(
    env: &Env<'_>,
    model: &'static Model,
    ids: &[i64],
    vals: &Map<String, Value>,
) -> OdooResult<()> {
    match model.name {
        "res.users" => res_users::after_write(env, ids, vals).await,
        _ => Ok(()),
    }
}

pub async fn before_unlink(env: &Env<'_>, model: &'static Model, ids: &[i64]) -> OdooResult<()> {
    match model.name {
        "pos.payment.method" => pos_payment_method::before_unlink(env, ids).await,
        _ => Ok(()),
    }
}

/// The selection values `fields_get` offers, which may depend on settings: the
/// `stripe` terminal exists only while it is enabled.
pub async fn selection_options(
    env: &Env<'_>,
    model: &Model,
    field: &Field,
    declared: &[(&'static str, &'static str)],
) -> OdooResult<Vec<(&'static str, &'static str)>> {
    if model.name == "pos.payment.method"
        && field.name == "use_payment_terminal"
        && !pos_payment_method::stripe_terminal_enabled(env).await?
    {
        return Ok(declared
            .iter()
            .filter(|(k, _)| *k != "stripe")
            .copied()
            .collect());
    }
    Ok(declared.to_vec())
}

/// Defaults `copy()` adds for a model: a copied payment method belongs to no POS.
pub fn copy_defaults(model: &Model, mut default: Map<String, Value>) -> Map<String, Value> {
    if model.name == "pos.payment.method" && !default.contains_key("config_ids") {
        default.insert("config_ids".into(), serde_json::json!([[5, 0, 0]]));
    }
    default
}

/// Models whose copies are named "<name> (copy)".
pub fn copy_renames(model: &Model) -> bool {
    matches!(
        model.name,
        "pos.payment.method" | "pos.config" | "res.company" | "account.journal" | "res.partner"
    )
}

/// Business methods beyond the generic ORM ones. `None` when the model has no such method.
pub async fn call(
    env: &Env<'_>,
    model: &'static Model,
    method: &str,
    ids: Vec<i64>,
    args: Vec<Value>,
    kwargs: Map<String, Value>,
) -> Option<OdooResult<Value>> {
    Some(match (model.name, method) {
        ("res.users", "context_get") => res_users::context_get(env).await,
        ("res.users", "has_group") => res_users::has_group(env, &args, &kwargs),
        ("res.users", "change_password") => res_users::change_password(env, &args, &kwargs).await,
        ("ir.model.data", m)
            if m.starts_with("check_object_reference") || m.starts_with("xmlid_to") =>
        {
            base::xmlid_method(env, m, &args, &kwargs).await
        }
        ("ir.model.access", "check") => base::access_check(env, &args, &kwargs),
        ("res.config.settings", m) => res_config_settings::call(env, m, ids, args, kwargs).await,
        ("pos.payment.method", m) => pos_payment_method::call(env, m, ids, args, kwargs).await,
        ("payment.provider", m) => payment_provider::call(env, m, ids, args, kwargs).await,
        _ => return None,
    })
}
