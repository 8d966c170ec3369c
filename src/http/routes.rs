//! Odoo's JSON routes: `/jsonrpc` services and the `/web/...` controllers. Each call
//! runs in one database transaction: committed on success, rolled back on any error.

use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait};
use serde_json::{json, Map, Value};

use super::{CallLog, JsonRequest, RouteOutput};
use crate::auth::session;
use crate::auth::users::{self, check_credentials, system_env, CredentialKind};
use crate::errors::{OdooError, OdooResult};
use crate::orm::Env;
use crate::rpc::{self, after_commit, OrmCall};
use crate::services::Services;

type RouteResult = Result<RouteOutput, (OdooError, CallLog)>;

fn out(result: Option<Value>, log: CallLog) -> RouteOutput {
    RouteOutput {
        result,
        set_cookie: None,
        log,
    }
}

/// Serialization failures and deadlocks are retried, as Odoo does, a bounded number of times.
const MAX_TRIES: usize = 5;

fn is_retryable(e: &OdooError) -> bool {
    matches!(e, OdooError::Internal(t) if t.contains("could not serialize") || t.contains("deadlock detected") || t.contains("database is locked"))
}

/// Opens the call's transaction. On SQLite it takes the database's write lock at once
/// (waiting up to the busy timeout): a deferred transaction that read first and writes
/// later fails with SQLITE_BUSY, without waiting, when another process wrote in between.
/// Calls through one SQLite database are serialised either way; this makes them wait
/// their turn instead of failing.
async fn begin(services: &Services) -> OdooResult<sea_orm::DatabaseTransaction> {
    let tx = services.db.begin().await?;
    if tx.get_database_backend() == sea_orm::DbBackend::Sqlite {
        tx.execute_unprepared(&format!(
            "UPDATE {} SET uid = uid WHERE 0",
            migrations::schema::SESSION_TABLE
        ))
        .await?;
    }
    Ok(tx)
}

pub async fn dispatch(services: &Arc<Services>, route: &str, req: &JsonRequest) -> RouteResult {
    after_commit::scope(dispatch_in_scope(services, route, req)).await
}

async fn dispatch_in_scope(
    services: &Arc<Services>,
    route: &str,
    req: &JsonRequest,
) -> RouteResult {
    let mut attempt = 0;
    loop {
        attempt += 1;
        // Work left by an attempt that is retried belongs to that attempt.
        drop(after_commit::take());
        let tx = begin(services).await.map_err(|e| (e, CallLog::default()))?;
        let mut log = CallLog::default();
        let result = route_in_tx(services, &tx, route, req, &mut log).await;
        match result {
            Ok(output) => match tx.commit().await.map_err(OdooError::from) {
                Ok(()) => {
                    // Stripe is called only now, with no transaction open.
                    return match after_commit::take() {
                        None => Ok(RouteOutput { log, ..output }),
                        Some(work) => match work().await {
                            Ok(result) => Ok(RouteOutput {
                                result: Some(result),
                                log,
                                ..output
                            }),
                            Err(e) => Err((e, log)),
                        },
                    };
                }
                Err(e) if attempt < MAX_TRIES && is_retryable(&e) => continue,
                Err(e) => return Err((e, log)),
            },
            Err(e) => {
                let _ = tx.rollback().await;
                if attempt < MAX_TRIES && is_retryable(&e) {
                    continue;
                }
                return Err((e, log));
            }
        }
    }
}

fn param<'a>(params: &'a Map<String, Value>, name: &str, handler: &str) -> OdooResult<&'a Value> {
    params.get(name).ok_or_else(|| {
        OdooError::TypeError(format!(
            "{handler}() missing 1 required positional argument: '{name}'"
        ))
    })
}

fn param_str(params: &Map<String, Value>, name: &str, handler: &str) -> OdooResult<String> {
    match param(params, name, handler)? {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(false) | Value::Null => Ok(String::new()),
        other => Ok(other.to_string()),
    }
}

async fn route_in_tx(
    services: &Arc<Services>,
    tx: &DatabaseTransaction,
    route: &str,
    req: &JsonRequest,
    log: &mut CallLog,
) -> OdooResult<RouteOutput> {
    let system = system_env(tx, services);
    let p = &req.params;
    match route {
        "/jsonrpc" => jsonrpc(&system, p, log).await.map(|r| out(r, log.clone())),
        "/web/webclient/version_info" => Ok(out(Some(version(services)), log.clone())),
        "/web/database/list" => Ok(out(Some(json!([services.settings.db_name])), log.clone())),
        "/web/session/authenticate" => authenticate(&system, req, log).await,
        "/web/session/get_session_info" => {
            let s = session::check(&system, req.session_id.as_deref()).await?;
            log.uid = Some(s.uid);
            Ok(out(Some(session_info(&system, s.uid).await?), log.clone()))
        }
        "/web/session/check" => {
            let s = session::check(&system, req.session_id.as_deref()).await?;
            log.uid = Some(s.uid);
            Ok(out(None, log.clone()))
        }
        "/web/session/destroy" => {
            let s = session::check(&system, req.session_id.as_deref()).await?;
            log.uid = Some(s.uid);
            if let Some(sid) = &req.session_id {
                session::destroy(&system, sid).await?;
            }
            Ok(RouteOutput {
                result: None,
                set_cookie: Some(expired_cookie()),
                log: log.clone(),
            })
        }
        "/web/dataset/call_kw" | "/web/dataset/call_button" => {
            let s = session::check(&system, req.session_id.as_deref()).await?;
            log.uid = Some(s.uid);
            let call = OrmCall::new(
                param(p, "model", "call_kw")?,
                param(p, "method", "call_kw")?,
                p.get("args"),
                p.get("kwargs"),
            )?;
            log.model = Some(call.model.clone());
            log.method = Some(call.method.clone());
            // Odoo 18 looks the model up in the registry to choose a read-only cursor
            // and answers an unknown one with werkzeug's NotFound (code 404).
            if crate::orm::registry::registry().get(&call.model).is_none() {
                return Err(OdooError::NotFound);
            }
            let mut context = s.context.clone();
            if let Some(Value::Object(c)) = call.kwargs.get("context") {
                context = c.clone();
            }
            let env = env_of(&system, s.user.clone(), context)?;
            let result = rpc::execute(&env, call).await?;
            let result = if route == "/web/dataset/call_button" && !result.is_object() {
                Value::Bool(false)
            } else {
                result
            };
            Ok(out(Some(result), log.clone()))
        }
        _ => Err(OdooError::NotFound),
    }
}

/// The environment of an authenticated user for one call.
pub async fn user_env<'a>(
    system: &Env<'a>,
    uid: i64,
    context: Map<String, Value>,
) -> OdooResult<Env<'a>> {
    let user = users::load_user(system, uid)
        .await?
        .ok_or_else(OdooError::access_denied)?;
    env_of(system, Arc::new(user), context)
}

/// The environment of `user` for one call, once the context's `allowed_company_ids`
/// are checked against the user's companies.
fn env_of<'a>(
    system: &Env<'a>,
    user: Arc<crate::orm::UserInfo>,
    context: Map<String, Value>,
) -> OdooResult<Env<'a>> {
    let env = Env {
        user,
        su: false,
        context,
        ..system.clone()
    };
    env.allowed_company_ids()?;
    Ok(env)
}

fn version(services: &Services) -> Value {
    let s = &services.settings;
    json!({
        "server_version": s.server_version,
        "server_version_info": s.server_version_info(),
        "server_serie": s.server_version,
        "protocol_version": 1,
    })
}

fn check_db(system: &Env<'_>, db: &str) -> OdooResult<()> {
    if db != system.services.settings.db_name {
        return Err(OdooError::AccessError("Database not found.".into()));
    }
    Ok(())
}

/// Verifies a login and password, with the login throttle. `Ok(None)` for bad credentials.
async fn login(
    system: &Env<'_>,
    login: &str,
    password: &str,
    kind: CredentialKind,
) -> OdooResult<Option<i64>> {
    let throttle = &system.services.throttle;
    if throttle.check(login).is_err() {
        return Err(OdooError::AccessDenied(
            "Too many login failures, please wait a bit before trying again.".into(),
        ));
    }
    let uid = users::find_login(system, login).await?;
    let ok = match uid {
        Some(uid) => check_credentials(system, uid, password, kind).await?,
        None => false,
    };
    if ok {
        throttle.record_success(login);
        Ok(uid)
    } else {
        throttle.record_failure(login);
        Ok(None)
    }
}

async fn jsonrpc(
    system: &Env<'_>,
    p: &Map<String, Value>,
    log: &mut CallLog,
) -> OdooResult<Option<Value>> {
    let service = param_str(p, "service", "dispatch_rpc")?;
    let method = param_str(p, "method", "dispatch_rpc")?;
    let args: Vec<Value> = match p.get("args") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => a.clone(),
        Some(_) => return Err(OdooError::TypeError("args must be a list".into())),
    };
    let arg = |i: usize, name: &str| -> OdooResult<Value> {
        args.get(i).cloned().ok_or_else(|| {
            OdooError::TypeError(format!(
                "{method}() missing required positional argument: '{name}'"
            ))
        })
    };
    let text = |v: Value| -> String {
        match v {
            Value::String(s) => s,
            Value::Bool(false) | Value::Null => String::new(),
            other => other.to_string(),
        }
    };
    log.method = Some(format!("{service}.{method}"));
    match (service.as_str(), method.as_str()) {
        ("common", "version") => Ok(Some(version(system.services))),
        ("common", "login") | ("common", "authenticate") => {
            let db = text(arg(0, "db")?);
            let user = text(arg(1, "login")?);
            let password = text(arg(2, "password")?);
            // Named in the log line even when the credentials are refused.
            if let (Some(Value::String(model)), Some(Value::String(name))) =
                (args.get(3), args.get(4))
            {
                log.model = Some(model.clone());
                log.method = Some(name.clone());
            }
            check_db(system, &db)?;
            // Odoo's `exp_authenticate` turns every AccessDenied (the throttle's
            // included) into `false`.
            let uid = match login(system, &user, &password, CredentialKind::Rpc).await {
                Err(OdooError::AccessDenied(_)) => None,
                other => other?,
            };
            log.uid = uid;
            Ok(Some(uid.map(Value::from).unwrap_or(Value::Bool(false))))
        }
        ("common", "about") => Ok(Some(json!(
            "See https://www.odoo.com?utm_source=db&utm_medium=auth"
        ))),
        ("common", other) => Err(OdooError::NameError(format!(
            "Method not available {other}"
        ))),
        ("db", "list") => Ok(Some(json!([system.services.settings.db_name]))),
        ("db", "server_version") => Ok(Some(json!(system.services.settings.server_version))),
        ("db", "db_exist") => Ok(Some(json!(
            text(arg(0, "db_name")?) == system.services.settings.db_name
        ))),
        ("db", "list_lang") => Ok(Some(json!([["en_US", "English (US)"]]))),
        ("db", _) => Err(OdooError::access_denied()),
        ("object", "execute_kw") | ("object", "execute") => {
            let db = text(arg(0, "db")?);
            let uid = arg(1, "uid")?
                .as_i64()
                .ok_or_else(OdooError::access_denied)?;
            let password = text(arg(2, "password")?);
            // Named in the log line even when the credentials are refused.
            if let (Some(Value::String(model)), Some(Value::String(name))) =
                (args.get(3), args.get(4))
            {
                log.model = Some(model.clone());
                log.method = Some(name.clone());
            }
            check_db(system, &db)?;
            if !check_credentials(system, uid, &password, CredentialKind::Rpc).await?
                || users::load_user(system, uid).await?.is_none()
            {
                return Err(OdooError::access_denied());
            }
            log.uid = Some(uid);
            let call = if method == "execute_kw" {
                OrmCall::new(
                    &arg(3, "obj")?,
                    &arg(4, "method")?,
                    Some(&args.get(5).cloned().unwrap_or(json!([]))),
                    args.get(6),
                )?
            } else {
                OrmCall::new(
                    &arg(3, "obj")?,
                    &arg(4, "method")?,
                    Some(&Value::Array(
                        args.get(5..).map(<[Value]>::to_vec).unwrap_or_default(),
                    )),
                    None,
                )?
            };
            log.model = Some(call.model.clone());
            log.method = Some(call.method.clone());
            let context = match call.kwargs.get("context") {
                Some(Value::Object(c)) => c.clone(),
                _ => Map::new(),
            };
            let env = user_env(system, uid, context).await?;
            Ok(Some(rpc::execute(&env, call).await?))
        }
        ("object", other) => Err(OdooError::NameError(format!(
            "Method not available {other}"
        ))),
        (other, _) => Err(OdooError::KeyError(format!("'{other}'"))),
    }
}

fn session_cookie(sid: &str) -> String {
    let expires =
        (chrono::Utc::now() + chrono::Duration::days(7)).format("%a, %d %b %Y %H:%M:%S GMT");
    format!("session_id={sid}; Expires={expires}; Max-Age=604800; HttpOnly; Path=/; SameSite=Lax")
}

fn expired_cookie() -> String {
    "session_id=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/; SameSite=Lax"
        .to_string()
}

async fn authenticate(
    system: &Env<'_>,
    req: &JsonRequest,
    log: &mut CallLog,
) -> OdooResult<RouteOutput> {
    let p = &req.params;
    let db = param_str(p, "db", "authenticate")?;
    let user = param_str(p, "login", "authenticate")?;
    let password = param_str(p, "password", "authenticate")?;
    check_db(system, &db)?;
    let uid = login(system, &user, &password, CredentialKind::Interactive)
        .await?
        .ok_or_else(OdooError::access_denied)?;
    log.uid = Some(uid);
    // Rotation: the previous session, if any, ends with the login.
    if let Some(old) = &req.session_id {
        session::destroy(system, old).await?;
    }
    let info = users::load_user(system, uid)
        .await?
        .ok_or_else(OdooError::access_denied)?;
    let context = json!({"lang": info.lang, "tz": info.tz.clone().map(Value::String).unwrap_or(Value::Bool(false)), "uid": uid});
    let sid = session::create(
        system,
        uid,
        &db,
        &info.login,
        context.as_object().unwrap_or(&Map::new()),
    )
    .await?;
    Ok(RouteOutput {
        result: Some(session_info(system, uid).await?),
        set_cookie: Some(session_cookie(&sid)),
        log: log.clone(),
    })
}

/// Odoo's `session_info` for a logged-in user.
pub async fn session_info(system: &Env<'_>, uid: i64) -> OdooResult<Value> {
    let user = users::load_user(system, uid)
        .await?
        .ok_or(OdooError::SessionExpired)?;
    let settings = &system.services.settings;
    let is_system = user.has_group("base.group_system");
    let companies = system
        .values_of(
            "res.company",
            &user.company_ids,
            &["name", "sequence", "parent_id", "child_ids"],
        )
        .await?;
    let mut allowed = Map::new();
    for cid in &user.company_ids {
        if let Some(c) = companies.get(cid) {
            allowed.insert(
                cid.to_string(),
                json!({
                    "id": cid,
                    "name": c.get("name").cloned().unwrap_or(Value::Bool(false)),
                    "sequence": c.get("sequence").cloned().unwrap_or(json!(10)),
                    "child_ids": c.get("child_ids").cloned().unwrap_or(json!([])),
                    "parent_id": c.get("parent_id").and_then(Value::as_i64).map(Value::from).unwrap_or(Value::Bool(false)),
                }),
            );
        }
    }
    let currencies: Map<String, Value> = users::currencies(system)
        .await?
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let partner_name = system
        .value_of("res.partner", user.partner_id, "name")
        .await?;
    Ok(json!({
        "uid": uid,
        "is_system": is_system,
        "is_admin": is_system,
        "is_public": false,
        "is_internal_user": user.has_group("base.group_user"),
        "user_context": {"lang": user.lang, "tz": user.tz.clone().map(Value::String).unwrap_or(Value::Bool(false)), "uid": uid},
        "db": settings.db_name,
        "user_settings": {"id": uid, "user_id": {"id": uid}},
        "server_version": settings.server_version,
        "server_version_info": settings.server_version_info(),
        "support_url": "https://www.odoo.com/buy",
        "name": user.name,
        "username": user.login,
        "partner_display_name": partner_name,
        "partner_id": user.partner_id,
        "web.base.url": format!("http://{}", settings.listen),
        "active_ids_limit": 20000,
        "max_file_upload_size": settings.max_body_bytes,
        "home_action_id": false,
        "currencies": currencies,
        "user_companies": {"current_company": user.company_id, "allowed_companies": allowed, "disallowed_ancestor_companies": {}},
        "show_effect": true,
        "display_switch_company_menu": user.company_ids.len() > 1,
        "user_id": [uid],
    }))
}
