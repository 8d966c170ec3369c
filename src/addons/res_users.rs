//! `res.users`: password hashing on write, a partner per user, sessions ended by a
//! password change or deactivation, and the context methods clients call.

use std::collections::HashMap;

use async_trait::async_trait;
use sea_orm::sea_query::{Expr, Query};
use serde_json::{json, Map, Value};

use crate::auth::throttle::{Key, COOLDOWN};
use crate::auth::{crypto, session, users};
use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{
    Args, Behaviour, Compute, Method, MethodKind, Outcome, Param, ParamKind,
};
use crate::orm::Env;
use crate::orm::Ident;

pub struct ResUsers;

#[async_trait]
impl Behaviour for ResUsers {
    fn model(&self) -> &'static str {
        "res.users"
    }

    fn computes(&self) -> Vec<Compute> {
        vec![Compute {
            field: "share",
            run: |env, ids| Box::pin(compute_share(env, ids)),
        }]
    }

    fn methods(&self) -> Vec<Method> {
        vec![
            Method {
                name: "context_get",
                kind: MethodKind::Model { accepts_ids: false },
                params: vec![],
                readonly: true,
                run: |env, _| Box::pin(context_get(env)),
            },
            Method {
                name: "has_group",
                kind: MethodKind::Record,
                params: vec![Param::required("group_ext_id", ParamKind::Str)],
                readonly: true,
                run: |env, args| Box::pin(has_group(env, args)),
            },
            Method {
                name: "change_password",
                kind: MethodKind::Model { accepts_ids: false },
                params: vec![
                    Param::required("old_passwd", ParamKind::Any),
                    Param::required("new_passwd", ParamKind::Any),
                ],
                readonly: false,
                run: |env, args| Box::pin(change_password(env, args)),
            },
        ]
    }

    async fn before_create(&self, env: &Env<'_>, vals: &mut Map<String, Value>) -> OdooResult<()> {
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

    async fn before_write(
        &self,
        env: &Env<'_>,
        ids: &[i64],
        vals: &mut Map<String, Value>,
    ) -> OdooResult<()> {
        take_password(env, ids, vals).await
    }

    /// A password change or deactivation ends the user's sessions (their token
    /// changes, and the rows are dropped now so no process keeps them).
    async fn after_write(
        &self,
        env: &Env<'_>,
        ids: &[i64],
        vals: &Map<String, Value>,
    ) -> OdooResult<()> {
        if vals.contains_key("password") || vals.get("active") == Some(&Value::Bool(false)) {
            session::drop_user_sessions(env, ids).await?;
        }
        Ok(())
    }
}

async fn compute_share(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let mut out = HashMap::new();
    for id in ids {
        let groups = users::group_xmlids(env, *id).await?;
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
    let hash = crypto::hash_password(pw, super::services(env)?.auth.password_rounds);
    for id in ids {
        let q = Query::update()
            .table(Ident::new("res_users"))
            .value(Ident::new("password"), hash.clone())
            .and_where(Expr::col(Ident::new("id")).eq(*id))
            .to_owned();
        env.execute(env.backend.build(&q)).await?;
    }
    Ok(())
}

async fn context_get(env: &Env<'_>) -> OdooResult<Outcome> {
    Ok(json!({
        "lang": env.user.lang,
        "tz": env.user.tz.clone().map(Value::String).unwrap_or(Value::Bool(false)),
        "uid": env.uid(),
    })
    .into())
}

/// Odoo 18's `has_group`: whether the user the record is (not the caller) belongs to
/// the group, implied groups included. Only internal users may ask about someone else;
/// `base.group_no_one` answers true only in debug mode, which no session here has.
async fn has_group(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let uid = super::single_id("res.users", &args.ids)?;
    if !(env.su || uid == env.uid() || env.user.has_group("base.group_user")) {
        return Err(OdooError::AccessError(
            "You can ony call user.has_group() with your current user.".into(),
        ));
    }
    let group = args.string(0);
    let member = if uid == env.uid() {
        env.user.has_group(&group)
    } else {
        users::group_xmlids(env, uid).await?.contains(&group)
    };
    Ok(json!(member && group != "base.group_no_one").into())
}

/// `change_password(old_passwd, new_passwd)`: the caller changes their own password,
/// proving the old one first (Odoo: AccessDenied when it is wrong, UserError when the
/// new one is empty). Like any password change it ends the user's sessions, the
/// caller's included: the session token derives from the stored hash.
async fn change_password(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let text = |i: usize, name: &str| -> OdooResult<String> {
        match args.value(i) {
            Some(Value::String(s)) => Ok(s.clone()),
            None | Some(Value::Bool(false)) => Ok(String::new()),
            Some(_) => Err(OdooError::TypeError(format!("{name} must be a string"))),
        }
    };
    let old = text(0, "old_passwd")?;
    let new = text(1, "new_passwd")?;
    let uid = env.uid();
    let sudo = env.sudo();
    let auth = &super::services(env)?.auth;
    // Proving the old password is a password guess like a login: counted by the same
    // throttle (under the user's id, as `execute_kw`'s checks), so a stolen session
    // cannot try passwords at pbkdf2 speed.
    let attempt = auth
        .throttle
        .begin(Key::new(None, &format!("#{uid}")))
        .map_err(|_| OdooError::AccessDenied(COOLDOWN.into()))?;
    if !users::check_credentials(&sudo, auth, uid, &old, users::CredentialKind::Interactive).await?
    {
        attempt.failed();
        return Err(OdooError::access_denied());
    }
    attempt.succeeded();
    let new = new.trim();
    if new.is_empty() {
        return Err(OdooError::UserError(
            "Setting empty passwords is not allowed for security reasons!".into(),
        ));
    }
    let mut vals = Map::new();
    vals.insert("password".into(), json!(new));
    sudo.write("res.users", &[uid], vals).await?;
    Ok(json!(true).into())
}
