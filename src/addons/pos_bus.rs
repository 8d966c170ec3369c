//! `pos.bus.mixin`'s `_notify` and `pos.config.notify_synchronisation` (Odoo 18): a
//! device that synced orders tells the other devices of its POS, through the bus, on
//! the channel of the config's `access_token`. The notification leaves once the
//! call's transaction has committed (an [`AfterCommit`] that sends on the bus), so no
//! device hears of data it cannot read yet, and nothing is sent when the call fails.

use async_trait::async_trait;
use serde_json::{json, Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::Settled;
use crate::orm::behaviour::{AfterCommit, Args, Method, MethodKind, Outcome, Param, ParamKind};
use crate::orm::domain::{Domain, Op};
use crate::orm::values::records_json;
use crate::orm::Env;
use crate::services::bus::Bus;
use crate::services::Services;

/// Most models and ids one synchronisation may name.
const MAX_MODELS: usize = 64;
const MAX_IDS: usize = 10_000;

/// Notifications to send once the transaction has committed; the call then answers
/// `result`.
pub struct BusNotify {
    bus: Bus,
    /// (channel, type, payload)
    notifications: Vec<(String, String, Value)>,
    result: Value,
}

impl std::fmt::Debug for BusNotify {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kinds: Vec<&str> = self.notifications.iter().map(|n| n.1.as_str()).collect();
        f.debug_struct("BusNotify").field("types", &kinds).finish()
    }
}

#[async_trait]
impl AfterCommit for BusNotify {
    async fn run(self: Box<Self>) -> OdooResult<Settled> {
        for (channel, kind, payload) in self.notifications {
            self.bus.send(&channel, &kind, payload);
        }
        Ok(Settled::Value(self.result))
    }
}

/// Work that sends `notifications` on the bus after the commit, then answers `result`.
pub fn after_commit(
    env: &Env<'_>,
    notifications: Vec<(String, String, Value)>,
    result: Value,
) -> OdooResult<Outcome> {
    let services: &Services = env.host()?;
    Ok(Outcome::AfterCommit(Box::new(BusNotify {
        bus: services.bus.clone(),
        notifications,
        result,
    })))
}

/// `_ensure_access_token`: a record's bus channel, made at first need.
pub async fn access_token(env: &Env<'_>, model: &str, id: i64) -> OdooResult<String> {
    let sudo = env.sudo();
    if let Some(token) = sudo.value_of(model, id, "access_token").await?.as_str() {
        if !token.is_empty() {
            return Ok(token.to_string());
        }
    }
    let token = uuid::Uuid::new_v4().to_string();
    let mut vals = Map::new();
    vals.insert("access_token".into(), json!(token));
    sudo.write(model, &[id], vals).await?;
    Ok(token)
}

/// `pos.config.notify_synchronisation`, declared for `PosConfig::methods`.
pub fn notify_synchronisation_method() -> Method {
    Method {
        name: "notify_synchronisation",
        kind: MethodKind::Record,
        params: vec![
            Param::required("session_id", ParamKind::Any),
            Param::required("login_number", ParamKind::Any),
            Param::optional("records", ParamKind::Object),
        ],
        readonly: false,
        run: |env, args| Box::pin(notify_synchronisation(env, args)),
    }
}

fn singleton(ids: &[i64]) -> OdooResult<i64> {
    match ids {
        [id] => Ok(*id),
        _ => {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            let trailing = if ids.len() == 1 { "," } else { "" };
            Err(OdooError::ValueError(format!(
                "Expected singleton: pos.config({}{trailing})",
                list.join(", ")
            )))
        }
    }
}

/// The sessions of `config` that are open (what `current_session_id` names).
async fn current_session(env: &Env<'_>, config: i64) -> OdooResult<Value> {
    let ids = env
        .sudo()
        .search(
            "pos.session",
            Domain::leaf("config_id", Op::Eq, json!(config))
                .and(Domain::leaf("state", Op::Ne, json!("closed")))
                .and(Domain::leaf("rescue", Op::Eq, json!(false))),
            0,
            Some(1),
            None,
        )
        .await?;
    Ok(ids
        .first()
        .map(|id| json!(id))
        .unwrap_or(Value::Bool(false)))
}

async fn notify_synchronisation(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let config = singleton(&args.ids)?;
    // The caller must see the config (a cashier reads it, as the POS does).
    let visible = env
        .search(
            "pos.config",
            Domain::leaf("id", Op::Eq, json!(config)),
            0,
            Some(1),
            None,
        )
        .await?;
    if visible.is_empty() {
        return Err(OdooError::MissingError(format!(
            "Record does not exist or has been deleted.\n(Record: pos.config({config},), User: {})",
            env.uid()
        )));
    }
    let session_id = args.value(0).cloned().unwrap_or(Value::Null);
    let login_number = args.value(1).cloned().unwrap_or(Value::Null);
    let records = args.object(2).cloned().unwrap_or_default();
    if records.len() > MAX_MODELS {
        return Err(OdooError::ValueError(format!(
            "notify_synchronisation: at most {MAX_MODELS} models at once"
        )));
    }
    // Odoo's `self.env[model]`: an unknown model is Python's KeyError.
    for model in records.keys() {
        if env.model(model).is_err() {
            return Err(OdooError::KeyError(format!("'{model}'")));
        }
    }
    let mut static_records = Map::new();
    for (model, ids) in &records {
        let ids: Vec<i64> = match ids {
            Value::Array(list) if list.len() <= MAX_IDS => list
                .iter()
                .map(|v| {
                    v.as_i64()
                        .filter(|id| (1..=i32::MAX as i64).contains(id))
                        .ok_or_else(|| {
                            OdooError::ValueError(format!(
                                "notify_synchronisation: {model}: bad id {v}"
                            ))
                        })
                })
                .collect::<OdooResult<_>>()?,
            _ => {
                return Err(OdooError::ValueError(format!(
                    "notify_synchronisation: {model}: a list of at most {MAX_IDS} ids is expected"
                )))
            }
        };
        let existing = env
            .with_context("active_test", json!(false))
            .search(model, Domain::leaf("id", Op::In, json!(ids)), 0, None, None)
            .await?;
        let rows = env.read(model, &existing, None, false).await?;
        static_records.insert(model.clone(), records_json(rows));
    }
    let token = access_token(env, "pos.config", config).await?;
    let mut notifications = vec![(
        token,
        "SYNCHRONISATION".to_string(),
        json!({
            "static_records": static_records,
            "session_id": session_id,
            "login_number": login_number,
            "records": records,
        }),
    )];
    let trusted = env
        .sudo()
        .value_of("pos.config", config, "trusted_config_ids")
        .await
        .unwrap_or(Value::Null);
    for other in trusted
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_i64)
    {
        let token = access_token(env, "pos.config", other).await?;
        notifications.push((
            token,
            "SYNCHRONISATION".to_string(),
            json!({
                "static_records": static_records,
                "session_id": current_session(env, other).await?,
                "login_number": 0,
                "records": records,
            }),
        ));
    }
    after_commit(env, notifications, Value::Null)
}
