//! `pos.config` methods of the POS: `open_ui` (the dashboard's Open Register button,
//! through `/web/dataset/call_button`), which creates the session in `opening_control`
//! when the POS has none, and answers the URL the browser goes to.

use serde_json::{json, Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Args, Method, MethodKind, Outcome, Param, ParamKind};
use crate::orm::{Env, SUPERUSER_ID};

const MODEL: &str = "pos.config";

pub(super) fn methods() -> Vec<Method> {
    vec![
        Method {
            name: "open_ui",
            kind: MethodKind::Record,
            params: vec![],
            readonly: false,
            run: |env, args| Box::pin(open_ui(env, args)),
        },
        Method {
            name: "read_config_open_orders",
            kind: MethodKind::Record,
            params: vec![
                Param::required("domain", ParamKind::Any),
                Param::required("record_ids", ParamKind::Any),
            ],
            readonly: true,
            run: |env, args| Box::pin(super::sync::read_config_open_orders(env, args)),
        },
        // Reads the records named and tells the POS's other devices on the bus.
        crate::addons::pos_bus::notify_synchronisation_method(),
    ]
}

/// Odoo 18's `open_ui`: one POS; never as the superuser; before a new session, the
/// POS must be able to take payments (`_check_before_creating_new_session`).
async fn open_ui(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let id = super::super::single_id(MODEL, &args.ids)?;
    if env.uid() == SUPERUSER_ID {
        return Err(OdooError::UserError(
            "You do not have permission to open a POS session. Please try opening a session with a different user".into(),
        ));
    }
    let fields: Vec<String> = ["current_session_id", "other_devices"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let rows = env.read(MODEL, &[id], Some(&fields), false).await?;
    let Some(config) = rows.first() else {
        return Err(super::super::missing_error(env, MODEL, &[id]));
    };
    if !config.get("current_session_id").is_some_and(|v| v.is_i64()) {
        check_before_new_session(env, id).await?;
        let mut vals = Map::new();
        vals.insert("user_id".into(), json!(env.uid()));
        vals.insert("config_id".into(), json!(id));
        // Odoo creates the session as the superuser for a POS user.
        let creator = if env.user.has_group("point_of_sale.group_pos_user") {
            env.sudo()
        } else {
            env.clone()
        };
        creator.create("pos.session", vec![vals]).await?;
    }
    let path = match config.get("other_devices") {
        Some(Value::Bool(true)) => "/pos/web",
        _ => "/pos/ui",
    };
    Ok(json!({
        "type": "ir.actions.act_url",
        "url": format!("{path}?config_id={id}&from_backend=True"),
        "target": "self",
    })
    .into())
}

/// What Odoo checks before a new session: payment methods there, and a cash method's
/// journal with its profit and loss accounts (the cash difference at closing).
async fn check_before_new_session(env: &Env<'_>, id: i64) -> OdooResult<()> {
    let sudo = env.sudo();
    let methods: Vec<i64> = sudo
        .value_of(MODEL, id, "payment_method_ids")
        .await?
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    let rows = sudo
        .values_of(
            "pos.payment.method",
            &methods,
            &["is_cash_count", "journal_id"],
        )
        .await?;
    for m in &methods {
        let Some(r) = rows.get(m) else { continue };
        if r.get("is_cash_count") != Some(&json!(true)) {
            continue;
        }
        let accounts = match r.get("journal_id").and_then(Value::as_i64) {
            Some(j) => sudo
                .values_of(
                    "account.journal",
                    &[j],
                    &["loss_account_id", "profit_account_id"],
                )
                .await?
                .remove(&j)
                .unwrap_or_default(),
            None => Map::new(),
        };
        let set = |k: &str| accounts.get(k).is_some_and(Value::is_i64);
        if !set("loss_account_id") || !set("profit_account_id") {
            return Err(OdooError::ValidationError(
                "You need a loss and profit account on your cash journal.".into(),
            ));
        }
    }
    if methods.is_empty() {
        return Err(OdooError::ValidationError(
            "You must have at least one payment method configured to launch a session.".into(),
        ));
    }
    Ok(())
}
