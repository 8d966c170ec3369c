//! `res.users`: password hashing on write, a partner per user, sessions ended by a
//! password change or deactivation, and the context methods clients call.

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Expr, Query};
use serde_json::{json, Map, Value};

use crate::auth::crypto;
use crate::errors::{OdooError, OdooResult};
use crate::orm::Env;

pub async fn compute_share(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let mut out = HashMap::new();
    for id in ids {
        let groups = env.services.user_group_xmlids(env, *id).await?;
        out.insert(*id, json!(!groups.contains("base.group_user")));
    }
    Ok(out)
}

/// Hashes and stores a clear password given in `vals`, removing it from `vals`.
async fn take_password(
    env: &Env<'_>,
    ids: &[i64],
    vals: &mut Map<String, Value>,
) -> OdooResult<()> {
    let Some(pw) = vals.remove("password") else {
        return Ok(());
    };
    let Some(pw) = pw.as_str().filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let hash = crypto::hash_password(pw, env.services.settings.password_rounds);
    for id in ids {
        let q = Query::update()
            .table(Alias::new("res_users"))
            .value(Alias::new("password"), hash.clone())
            .and_where(Expr::col(Alias::new("id")).eq(*id))
            .to_owned();
        env.execute(env.backend.build(&q)).await?;
    }
    Ok(())
}

pub async fn before_create(env: &Env<'_>, vals: &mut Map<String, Value>) -> OdooResult<()> {
    if let Some(Value::String(login)) = vals.get("login") {
        vals.insert("login".into(), json!(login.trim()));
    }
    if !vals
        .get("partner_id")
        .map(|v| v.as_i64().is_some())
        .unwrap_or(false)
    {
        let name = vals.get("name").cloned().unwrap_or(Value::Bool(false));
        let mut p = Map::new();
        p.insert("name".into(), name);
        if let Some(e) = vals.get("email") {
            p.insert("email".into(), e.clone());
        }
        let pid = env.sudo().create("res.partner", vec![p]).await?[0];
        vals.insert("partner_id".into(), json!(pid));
    }
    if let Some(company) = vals.get("company_id").and_then(Value::as_i64) {
        let ids = match vals.get("company_ids") {
            None | Some(Value::Bool(false)) | Some(Value::Null) => vec![],
            Some(v) => serde_json::from_value::<Vec<Value>>(v.clone()).unwrap_or_default(),
        };
        if ids.is_empty() {
            vals.insert("company_ids".into(), json!([[6, 0, [company]]]));
        }
    }
    Ok(())
}

pub async fn after_create(_env: &Env<'_>, _id: i64) -> OdooResult<()> {
    Ok(())
}

pub async fn before_write(
    env: &Env<'_>,
    ids: &[i64],
    vals: &mut Map<String, Value>,
) -> OdooResult<()> {
    take_password(env, ids, vals).await
}

/// A password change or deactivation ends the user's sessions (their token changes,
/// and the rows are dropped now so no process keeps them).
pub async fn after_write(env: &Env<'_>, ids: &[i64], vals: &Map<String, Value>) -> OdooResult<()> {
    if vals.contains_key("password") || vals.get("active") == Some(&Value::Bool(false)) {
        crate::auth::session::drop_user_sessions(env, ids).await?;
    }
    Ok(())
}

pub async fn context_get(env: &Env<'_>) -> OdooResult<Value> {
    Ok(json!({
        "lang": env.user.lang,
        "tz": env.user.tz.clone().map(Value::String).unwrap_or(Value::Bool(false)),
        "uid": env.uid(),
    }))
}

pub fn has_group(env: &Env<'_>, args: &[Value], kwargs: &Map<String, Value>) -> OdooResult<Value> {
    let group = args
        .first()
        .or_else(|| kwargs.get("group_ext_id"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            OdooError::TypeError(
                "has_group() missing 1 required positional argument: 'group_ext_id'".into(),
            )
        })?;
    Ok(json!(env.user.has_group(group)))
}

/// `change_password(old_passwd, new_passwd)`: the caller changes their own password,
/// proving the old one first (Odoo: AccessDenied when it is wrong, UserError when the
/// new one is empty). Like any password change it ends the user's sessions, the
/// caller's included: the session token derives from the stored hash.
pub async fn change_password(
    env: &Env<'_>,
    args: &[Value],
    kwargs: &Map<String, Value>,
) -> OdooResult<Value> {
    let arg = |i: usize, name: &str| -> OdooResult<String> {
        match args.get(i).or_else(|| kwargs.get(name)) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Bool(false)) | Some(Value::Null) => Ok(String::new()),
            Some(_) => Err(OdooError::TypeError(format!("{name} must be a string"))),
            None => Err(OdooError::TypeError(format!(
                "change_password() missing 1 required positional argument: '{name}'"
            ))),
        }
    };
    let old = arg(0, "old_passwd")?;
    let new = arg(1, "new_passwd")?;
    let uid = env.uid();
    let sudo = env.sudo();
    if !crate::auth::users::check_credentials(
        &sudo,
        uid,
        &old,
        crate::auth::users::CredentialKind::Interactive,
    )
    .await?
    {
        return Err(OdooError::access_denied());
    }
    let new = new.trim();
    if new.is_empty() {
        return Err(OdooError::UserError(
            "Setting empty passwords is not allowed for security reasons!".into(),
        ));
    }
    let mut vals = Map::new();
    vals.insert("password".into(), json!(new));
    sudo.write("res.users", &[uid], vals).await?;
    Ok(json!(true))
}
