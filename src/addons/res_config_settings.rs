//! `res.config.settings`: the settings wizard. `module_pos_stripe` switches the Stripe
//! terminal on and off (kept as a system parameter); `pos_*` fields are related to the
//! selected `pos.config` and written through when the record is created.

use sea_orm::sea_query::{Alias, Expr, Query};
use serde_json::{json, Map, Value};

use super::pos_payment_method::STRIPE_ENABLED_PARAM;
use crate::errors::{OdooError, OdooResult};
use crate::orm::domain::{Domain, Op};
use crate::orm::Env;

/// `ir.config_parameter.get_param(key)`.
pub async fn get_param(env: &Env<'_>, key: &str) -> OdooResult<Option<String>> {
    let ids = env
        .sudo()
        .search(
            "ir.config_parameter",
            Domain::leaf("key", Op::Eq, json!(key)),
            0,
            Some(1),
            None,
        )
        .await?;
    match ids.first() {
        Some(id) => Ok(env
            .sudo()
            .value_of("ir.config_parameter", *id, "value")
            .await?
            .as_str()
            .map(str::to_string)),
        None => Ok(None),
    }
}

/// `ir.config_parameter.set_param(key, value)`.
pub async fn set_param(env: &Env<'_>, key: &str, value: &str) -> OdooResult<()> {
    let sudo = env.sudo();
    let ids = sudo
        .search(
            "ir.config_parameter",
            Domain::leaf("key", Op::Eq, json!(key)),
            0,
            Some(1),
            None,
        )
        .await?;
    let mut vals = Map::new();
    vals.insert("value".into(), json!(value));
    if ids.is_empty() {
        vals.insert("key".into(), json!(key));
        sudo.create("ir.config_parameter", vec![vals]).await?;
    } else {
        sudo.write("ir.config_parameter", &ids, vals).await?;
    }
    Ok(())
}

pub async fn default_module_pos_stripe(env: &Env<'_>) -> OdooResult<Value> {
    Ok(json!(
        super::pos_payment_method::stripe_terminal_enabled(env).await?
    ))
}

/// The most recently used POS of the current company (last opened session), else its first.
pub async fn default_pos_config(env: &Env<'_>) -> OdooResult<Value> {
    let company = env.company_id()?;
    let sudo = env.sudo();
    let sessions = sudo
        .search(
            "pos.session",
            Domain::leaf("company_id", Op::Eq, json!(company)),
            0,
            Some(1),
            Some("id desc"),
        )
        .await?;
    if let Some(s) = sessions.first() {
        return sudo.value_of("pos.session", *s, "config_id").await;
    }
    let configs = sudo
        .search(
            "pos.config",
            Domain::leaf("company_id", Op::Eq, json!(company)),
            0,
            Some(1),
            None,
        )
        .await?;
    Ok(configs
        .first()
        .map(|c| json!(c))
        .unwrap_or(Value::Bool(false)))
}

async fn execute(env: &Env<'_>, ids: &[i64]) -> OdooResult<Value> {
    let id = *ids
        .first()
        .ok_or_else(|| OdooError::ValueError("Expected singleton: res.config.settings()".into()))?;
    let wanted = env
        .value_of("res.config.settings", id, "module_pos_stripe")
        .await?
        .as_bool()
        .unwrap_or(false);
    let current = super::pos_payment_method::stripe_terminal_enabled(env).await?;
    if wanted != current {
        if !env.su && !env.user.has_group("base.group_system") {
            return Err(OdooError::AccessError(
                "Only administrators can change the settings".into(),
            ));
        }
        set_param(
            env,
            STRIPE_ENABLED_PARAM,
            if wanted { "True" } else { "False" },
        )
        .await?;
        if !wanted {
            // Uninstalling the module drops its selection value from every method.
            let q = Query::update()
                .table(Alias::new("pos_payment_method"))
                .value(Alias::new("use_payment_terminal"), Option::<String>::None)
                .and_where(Expr::col(Alias::new("use_payment_terminal")).eq("stripe"))
                .to_owned();
            env.execute(env.backend.build(&q)).await?;
        }
    }
    Ok(json!({"type": "ir.actions.client", "tag": "reload"}))
}

pub async fn call(
    env: &Env<'_>,
    method: &str,
    ids: Vec<i64>,
    _args: Vec<Value>,
    _kwargs: Map<String, Value>,
) -> OdooResult<Value> {
    match method {
        "execute" => execute(env, &ids).await,
        "set_values" => execute(env, &ids).await.map(|_| Value::Null),
        "get_values" => {
            let model = crate::orm::engine::model_of("res.config.settings")?;
            let defaults = env.default_get(model, None).await?;
            let mut out = Map::new();
            for key in ["module_pos_stripe", "pos_config_id"] {
                out.insert(
                    key.into(),
                    defaults.get(key).cloned().unwrap_or(Value::Bool(false)),
                );
            }
            Ok(Value::Object(out))
        }
        other => Err(OdooError::AttributeError(format!(
            "The method '{other}' does not exist on the model 'res.config.settings'"
        ))),
    }
}
