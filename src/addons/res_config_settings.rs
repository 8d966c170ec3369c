//! `res.config.settings`: the settings wizard. `module_pos_stripe` switches the Stripe
//! terminal on and off (kept as a system parameter); `pos_*` fields are related to the
//! selected `pos.config` and written through when the record is created.

use sea_orm::sea_query::{Expr, Query};
use serde_json::{json, Map, Value};

use super::ir_config_parameter::set_param;
use super::pos_payment_method::STRIPE_ENABLED_PARAM;
use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Args, Behaviour, DefaultHook, Method, MethodKind, Outcome};
use crate::orm::domain::{Domain, Op};
use crate::orm::Env;
use crate::orm::Ident;

pub struct ResConfigSettings;

impl Behaviour for ResConfigSettings {
    fn model(&self) -> &'static str {
        "res.config.settings"
    }

    fn defaults(&self) -> Vec<DefaultHook> {
        vec![
            DefaultHook {
                field: "module_pos_stripe",
                run: |env| Box::pin(default_module_pos_stripe(env)),
            },
            DefaultHook {
                field: "pos_config_id",
                run: |env| Box::pin(default_pos_config(env)),
            },
        ]
    }

    fn methods(&self) -> Vec<Method> {
        vec![
            Method {
                name: "execute",
                kind: MethodKind::Record,
                params: vec![],
                readonly: false,
                run: |env, args| Box::pin(execute(env, args)),
            },
            Method {
                name: "set_values",
                kind: MethodKind::Record,
                params: vec![],
                readonly: false,
                run: |env, args| Box::pin(set_values(env, args)),
            },
            Method {
                name: "get_values",
                kind: MethodKind::Record,
                params: vec![],
                readonly: true,
                run: |env, _| Box::pin(get_values(env)),
            },
        ]
    }
}

async fn default_module_pos_stripe(env: &Env<'_>) -> OdooResult<Value> {
    Ok(json!(
        super::pos_payment_method::stripe_terminal_enabled(env).await?
    ))
}

/// The most recently used POS of the current company (last opened session), else its first.
async fn default_pos_config(env: &Env<'_>) -> OdooResult<Value> {
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

/// Odoo's `execute` first of all: `if not self.env.is_admin()` (the superuser or an
/// Access Rights administrator, `base.group_erp_manager`).
async fn execute(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    if !env.su && !env.user.has_group("base.group_erp_manager") {
        return Err(OdooError::AccessError(
            "Only administrators can change the settings".into(),
        ));
    }
    apply(env, &args.ids).await.map(Outcome::from)
}

async fn set_values(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    apply(env, &args.ids).await?;
    Ok(Value::Null.into())
}

async fn get_values(env: &Env<'_>) -> OdooResult<Outcome> {
    let model = env.model("res.config.settings")?;
    let defaults = env.default_get(model, None).await?;
    let mut out = Map::new();
    for key in ["module_pos_stripe", "pos_config_id"] {
        out.insert(
            key.into(),
            defaults.get(key).cloned().unwrap_or(Value::Bool(false)),
        );
    }
    Ok(Value::Object(out).into())
}

/// Applies the wizard's values: the Stripe terminal switch.
async fn apply(env: &Env<'_>, ids: &[i64]) -> OdooResult<Value> {
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
        set_param(
            env,
            STRIPE_ENABLED_PARAM,
            if wanted { "True" } else { "False" },
        )
        .await?;
        if !wanted {
            // Uninstalling the module drops its selection value from every method.
            let q = Query::update()
                .table(Ident::new("pos_payment_method"))
                .value(Ident::new("use_payment_terminal"), Option::<String>::None)
                .and_where(Expr::col(Ident::new("use_payment_terminal")).eq("stripe"))
                .to_owned();
            env.execute(env.backend.build(&q)).await?;
        }
    }
    Ok(json!({"type": "ir.actions.client", "tag": "reload"}))
}
