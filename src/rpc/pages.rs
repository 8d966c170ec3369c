//! The database side of the web pages the POS client goes through: the login form
//! (`/web/login`, CSRF tokens), the landing page (`/odoo`, `/web`), `/pos/ui` (which
//! POS session to open, its login number and the page's `odoo` object) and the images
//! (`/web/image`). `http::pages` renders what these decide.

use std::sync::Arc;

use hmac::{Hmac, Mac};
use sea_orm::sea_query::{Expr, Query};
use serde_json::{json, Map, Value};
use sha1::Sha1;

use super::{begin, is_retryable, login, system, MAX_TRIES};
use crate::auth::users::CredentialKind;
use crate::auth::{crypto, session};
use crate::errors::{OdooError, OdooResult};
use crate::orm::domain::{Domain, Op};
use crate::orm::Ident;
use crate::orm::{empty_context, Env};
use crate::services::Services;

/// Where Odoo 18 sends a POS it cannot open (`request.redirect`, 303).
pub const POS_MENU: &str = "/odoo/action-point_of_sale.action_client_pos_menu";

/// A CSRF token lives a year (Odoo's `CSRF_TOKEN_SALT`): its expiry is a salt.
const CSRF_LIFETIME: i64 = 31_536_000;

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// `database.secret`, created at the first need as Odoo creates it with the database.
async fn database_secret(system: &Env<'_>) -> OdooResult<String> {
    let key = json!("database.secret");
    let ids = system
        .search(
            "ir.config_parameter",
            Domain::leaf("key", Op::Eq, key.clone()),
            0,
            Some(1),
            None,
        )
        .await?;
    if let Some(id) = ids.first() {
        if let Some(v) = system
            .value_of("ir.config_parameter", *id, "value")
            .await?
            .as_str()
        {
            return Ok(v.to_string());
        }
    }
    let secret = uuid::Uuid::new_v4().to_string();
    let mut vals = Map::new();
    vals.insert("key".into(), key);
    vals.insert("value".into(), json!(secret));
    system.create("ir.config_parameter", vec![vals]).await?;
    Ok(secret)
}

fn csrf_digest(secret: &str, sid: &str, max_ts: i64) -> String {
    let mut mac =
        Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(format!("{sid}{max_ts}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Odoo's `request.csrf_token()`: `hex(hmac_sha1(secret, sid + max_ts)) + "o" + max_ts`.
pub fn csrf_token(secret: &str, sid: &str) -> String {
    let max_ts = now() + CSRF_LIFETIME;
    format!("{}o{max_ts}", csrf_digest(secret, sid, max_ts))
}

/// Odoo's `validate_csrf`: signed for this session and not expired.
pub fn csrf_valid(secret: &str, sid: &str, token: &str) -> bool {
    let Some((digest, max_ts)) = token.rsplit_once('o') else {
        return false;
    };
    let Ok(max_ts) = max_ts.parse::<i64>() else {
        return false;
    };
    max_ts >= now()
        && crypto::constant_time_eq(
            csrf_digest(secret, sid, max_ts).as_bytes(),
            digest.as_bytes(),
        )
}

/// A redirect target kept on this server, as Odoo's `request.redirect(local=True)`:
/// a path, never another host.
pub fn local_url(target: &str) -> Option<String> {
    if target.starts_with('/') && !target.starts_with("//") && !target.starts_with("/\\") {
        return Some(target.to_string());
    }
    let url = url::Url::parse(target).ok()?;
    let mut local = url.path().to_string();
    if let Some(q) = url.query() {
        local.push('?');
        local.push_str(q);
    }
    Some(local)
}

/// What `/web/login` answers.
#[derive(Debug)]
pub enum LoginPage {
    /// The form, signed for session `sid` (a new anonymous one when `new_sid`).
    Form {
        csrf_token: String,
        sid: String,
        new_sid: bool,
        error: Option<String>,
        login: String,
        redirect: String,
    },
    /// 303 to `location`, with a new session cookie after a login.
    Redirect {
        location: String,
        session_id: Option<String>,
    },
    /// The POST's CSRF token is not this session's (Odoo: 400).
    BadCsrf,
}

/// The session behind a cookie, if it is a live one.
async fn live_session(
    services: &Arc<Services>,
    sid: Option<&str>,
) -> OdooResult<Option<Arc<session::Session>>> {
    let checked = in_transaction!(services, |tx| {
        match session::check(&system(services, &tx), &services.auth, sid).await {
            Ok(s) => Ok(Some(s)),
            Err(OdooError::SessionExpired) => Ok(None),
            Err(e) => Err(e),
        }
    });
    checked
}

async fn secret(services: &Arc<Services>) -> OdooResult<String> {
    in_transaction!(services, |tx| database_secret(&system(services, &tx)).await)
}

/// `GET /web/login`.
pub async fn login_form(
    services: &Arc<Services>,
    sid: Option<&str>,
    redirect: Option<&str>,
) -> OdooResult<LoginPage> {
    let live = live_session(services, sid).await?;
    if let (Some(_), Some(target)) = (&live, redirect.filter(|r| !r.is_empty())) {
        return Ok(LoginPage::Redirect {
            location: local_url(target).unwrap_or_else(|| "/odoo".into()),
            session_id: None,
        });
    }
    let (sid, new_sid) = match sid.filter(|s| !s.is_empty()) {
        Some(s) => (s.to_string(), false),
        None => (crypto::generate_session_id(), true),
    };
    Ok(LoginPage::Form {
        csrf_token: csrf_token(&secret(services).await?, &sid),
        sid,
        new_sid,
        error: None,
        login: live.map(|s| s.login.clone()).unwrap_or_default(),
        redirect: redirect.unwrap_or_default().to_string(),
    })
}

/// The fields of the login form.
#[derive(Debug, Default)]
pub struct LoginForm {
    pub csrf_token: Option<String>,
    pub login: String,
    pub password: String,
    pub redirect: String,
}

/// `POST /web/login`: the CSRF token, then the password; a new session on success.
pub async fn login_submit(
    services: &Arc<Services>,
    sid: Option<&str>,
    client: Option<std::net::IpAddr>,
    form: LoginForm,
) -> OdooResult<LoginPage> {
    let secret = secret(services).await?;
    let sid = sid.filter(|s| !s.is_empty());
    let token_ok = match (sid, form.csrf_token.as_deref()) {
        (Some(sid), Some(token)) => csrf_valid(&secret, sid, token),
        _ => false,
    };
    if !token_ok {
        return Ok(LoginPage::BadCsrf);
    }
    let sid = sid.unwrap_or_default();
    let who = login::Who::Login(&form.login);
    let checked = if form.login.is_empty() || form.password.is_empty() {
        Ok(None)
    } else {
        login::check_password(
            services,
            client,
            who,
            &form.password,
            CredentialKind::Interactive,
        )
        .await
    };
    let error = match checked {
        Ok(Some(user)) => {
            let uid = user.uid;
            let new_sid = in_transaction!(services, |tx| {
                let system = system(services, &tx);
                session::destroy(&system, sid).await?;
                let context = json!({"lang": user.lang, "tz": user.tz.clone().map(Value::String).unwrap_or(Value::Bool(false)), "uid": uid});
                session::create(
                    &system,
                    &services.auth,
                    uid,
                    &services.settings.db_name,
                    &user.login,
                    context.as_object().unwrap_or(&Map::new()),
                )
                .await
            })?;
            tracing::Span::current().record("uid", uid);
            let target = if form.redirect.is_empty() {
                "/odoo".to_string()
            } else {
                local_url(&form.redirect).unwrap_or_else(|| "/odoo".into())
            };
            return Ok(LoginPage::Redirect {
                location: target,
                session_id: Some(new_sid),
            });
        }
        Ok(None) => "Wrong login/password".to_string(),
        Err(OdooError::AccessDenied(message)) => message,
        Err(other) => return Err(other),
    };
    Ok(LoginPage::Form {
        csrf_token: csrf_token(&secret, sid),
        sid: sid.to_string(),
        new_sid: false,
        error: Some(error),
        login: form.login,
        redirect: form.redirect,
    })
}

/// `GET /web/session/logout`: the session ends (a missing one is no error).
pub async fn logout(services: &Arc<Services>, sid: Option<&str>) -> OdooResult<()> {
    let Some(sid) = sid.filter(|s| !s.is_empty()) else {
        return Ok(());
    };
    in_transaction!(services, |tx| session::destroy(&system(services, &tx), sid)
        .await)
}

/// What `/odoo` and `/web` answer.
#[derive(Debug)]
pub enum Landing {
    /// Not logged in: to the login form, coming back here.
    Login,
    /// A portal or public user (Odoo: `/web/login_successful`).
    NotInternal,
    /// The POS this user may open: (id, name, has an open session).
    Shops(String, Vec<(i64, String, bool)>),
}

/// `/odoo`, `/web`: this server has no back-office, so an internal user gets the list
/// of points of sale to open.
pub async fn landing(services: &Arc<Services>, sid: Option<&str>) -> OdooResult<Landing> {
    let Some(s) = live_session(services, sid).await? else {
        return Ok(Landing::Login);
    };
    if !s.user.has_group("base.group_user") {
        return Ok(Landing::NotInternal);
    }
    let user = s.user.clone();
    in_transaction!(services, |tx| {
        let env = system(services, &tx).for_user(user.clone(), empty_context())?;
        let ids = env
            .search("pos.config", Domain::True, 0, None, None)
            .await?;
        let rows = env
            .sudo()
            .values_of("pos.config", &ids, &["name", "current_session_id"])
            .await?;
        let mut shops = Vec::new();
        for id in ids {
            let row = rows.get(&id);
            let name = row
                .and_then(|r| r.get("name"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let open = row
                .and_then(|r| r.get("current_session_id"))
                .is_some_and(|v| !matches!(v, Value::Null | Value::Bool(false)));
            shops.push((id, name, open));
        }
        Ok(Landing::Shops(user.name.clone(), shops))
    })
}

/// What `/pos/ui` answers.
#[derive(Debug)]
pub enum PosPage {
    /// No live session: to the login form, coming back here.
    Login,
    /// Not an internal user (Odoo: 404).
    NotFound,
    /// The POS cannot be opened (Odoo: 303 to the POS menu).
    Redirect(String),
    /// The server has no POS assets to serve the client with.
    NoAssets,
    /// The page's `odoo` object.
    Page(Value),
    /// The POS cannot open a session (Odoo's `UserError`, shown to the user).
    Refused(String),
}

/// The parameters of `/pos/ui`.
#[derive(Debug, Default)]
pub struct PosRequest {
    pub config_id: Option<String>,
    pub from_backend: bool,
    pub debug: String,
}

async fn open_sessions(env: &Env<'_>, config: i64, uid: Option<i64>) -> OdooResult<Vec<i64>> {
    let mut domain = Domain::leaf("state", Op::In, json!(["opening_control", "opened"]))
        .and(Domain::leaf("rescue", Op::Eq, json!(false)))
        .and(Domain::leaf("config_id", Op::Eq, json!(config)));
    if let Some(uid) = uid {
        domain = domain.and(Domain::leaf("user_id", Op::Eq, json!(uid)));
    }
    env.search("pos.session", domain, 0, Some(1), None).await
}

/// `/pos/ui?config_id=N` (and `/pos/web`), as Odoo 18's `pos_web`: the user's open
/// session of that POS, else anyone's, else a new one when the POS has none; its login
/// number incremented; the session info restricted to the session's company.
pub async fn pos_ui(
    services: &Arc<Services>,
    sid: Option<&str>,
    request: &PosRequest,
) -> OdooResult<PosPage> {
    let Some(s) = live_session(services, sid).await? else {
        return Ok(PosPage::Login);
    };
    if !s.user.has_group("base.group_user") {
        return Ok(PosPage::NotFound);
    }
    if services.pos_assets.is_none() {
        return Ok(PosPage::NoAssets);
    }
    let sid = sid.unwrap_or_default();
    let uid = s.uid;
    in_transaction!(services, |tx| {
        let system = system(services, &tx).with_context("active_test", json!(false));
        let config = match request.config_id.as_deref().map(str::parse::<i64>) {
            Some(Ok(id)) if id > 0 && id <= i32::MAX as i64 => {
                let found = system
                    .search(
                        "pos.config",
                        Domain::leaf("id", Op::Eq, json!(id)),
                        0,
                        Some(1),
                        None,
                    )
                    .await?;
                found.first().copied()
            }
            _ => None,
        };
        let Some(config) = config else {
            return Ok(PosPage::Redirect(POS_MENU.into()));
        };
        let active = system.value_of("pos.config", config, "active").await? == json!(true);
        let mut pos_session = open_sessions(&system, config, Some(uid)).await?;
        if pos_session.is_empty() {
            pos_session = open_sessions(&system, config, None).await?;
        }
        let any_active = system
            .search(
                "pos.session",
                Domain::leaf("config_id", Op::Eq, json!(config)).and(Domain::leaf(
                    "state",
                    Op::Ne,
                    json!("closed"),
                )),
                0,
                Some(1),
                None,
            )
            .await?;
        if !active || (!any_active.is_empty() && pos_session.is_empty()) {
            return Ok(PosPage::Redirect(POS_MENU.into()));
        }
        if pos_session.is_empty() {
            // Odoo's `pos_config.sudo().open_ui()`: its checks, then a new session in
            // opening control, opened by this user.
            let open_ui = system
                .model("pos.config")?
                .method("open_ui")
                .ok_or_else(|| OdooError::Internal("pos.config has no open_ui".into()))?;
            let user_env = system.for_user(s.user.clone(), empty_context())?;
            let sudo = user_env.sudo();
            let args = crate::orm::behaviour::Args {
                ids: vec![config],
                values: Vec::new(),
            };
            match (open_ui.run)(&sudo, args).await {
                Ok(_) => {}
                Err(OdooError::UserError(message) | OdooError::ValidationError(message)) => {
                    return Ok(PosPage::Refused(message));
                }
                Err(e) => return Err(e),
            }
            pos_session = open_sessions(&system, config, None).await?;
            if pos_session.is_empty() {
                return Ok(PosPage::Redirect(POS_MENU.into()));
            }
        }
        let session_id = pos_session[0];
        // `pos.session.login()`: one more device (or reload) on this session. One
        // UPDATE, so that two devices loading at once get two numbers.
        let bump = Query::update()
            .table(Ident::new("pos_session"))
            .value(
                Ident::new("login_number"),
                Expr::cust("COALESCE(login_number, 0) + 1"),
            )
            .and_where(Expr::col(Ident::new("id")).eq(session_id))
            .to_owned();
        system.execute(system.backend.build(&bump)).await?;
        let login_number = system
            .value_of("pos.session", session_id, "login_number")
            .await?
            .as_i64()
            .unwrap_or(1);
        let values = system
            .values_of("pos.session", &[session_id], &["company_id"])
            .await?;
        let company = values
            .get(&session_id)
            .and_then(|r| r.get("company_id"))
            .and_then(Value::as_i64)
            .unwrap_or(s.user.company_id);
        let access_token = system
            .value_of("pos.config", config, "access_token")
            .await?;
        let nomenclature = system
            .value_of("res.company", company, "nomenclature_id")
            .await?;
        let mut info = super::session_info(&system, uid).await?;
        if let Value::Object(info) = &mut info {
            if let Some(Value::Object(ctx)) = info.get_mut("user_context") {
                ctx.insert("allowed_company_ids".into(), json!([company]));
            }
            let allowed = info
                .get("user_companies")
                .and_then(|c| c.get("allowed_companies"))
                .and_then(|a| a.get(company.to_string()))
                .cloned()
                .unwrap_or(Value::Bool(false));
            info.insert(
                "user_companies".into(),
                json!({"current_company": company, "allowed_companies": {company.to_string(): allowed}}),
            );
            info.insert(
                "nomenclature_id".into(),
                match nomenclature {
                    Value::Number(n) => Value::Number(n),
                    _ => Value::Bool(false),
                },
            );
            info.insert("fallback_nomenclature_id".into(), Value::Null);
        }
        let secret = database_secret(&system).await?;
        Ok(PosPage::Page(json!({
            "csrf_token": csrf_token(&secret, sid),
            "__session_info__": info,
            "from_backend": if request.from_backend { 1 } else { 0 },
            "login_number": login_number,
            "pos_session_id": session_id,
            "pos_config_id": config,
            "access_token": match access_token { Value::String(s) => Value::String(s), _ => Value::Bool(false) },
            "debug": request.debug,
        })))
    })
}

/// An image of a record, as `/web/image` finds it.
#[derive(Debug)]
pub enum Image {
    /// The stored image (decoded) and the record's name.
    Stored(Vec<u8>),
    /// No image stored: the placeholder (or, for people, an avatar of their initial).
    Empty { name: String, avatar: bool },
    /// No such record, field or model, or not readable by the caller.
    NotFound,
}

/// The models whose images this server serves, with the field that holds them.
fn image_source(model: &str, field: &str) -> Option<(&'static str, Option<&'static str>)> {
    let is_image = field.starts_with("image_") || field == "image";
    let is_avatar = field.starts_with("avatar_");
    match model {
        "product.template" if is_image => Some(("product.template", Some("image_128"))),
        "product.product" if is_image => Some(("product.product", Some("image_128"))),
        "pos.category" if is_image => Some(("pos.category", Some("image_128"))),
        "res.users" if is_image || is_avatar => Some(("res.users", None)),
        "res.partner" if is_image || is_avatar => Some(("res.partner", None)),
        "res.company" if field == "logo" || field == "logo_web" || is_image => {
            Some(("res.company", None))
        }
        _ => None,
    }
}

/// `/web/image/<model>/<id>/<field>`: the image if the caller may read the record.
pub async fn image(
    services: &Arc<Services>,
    sid: Option<&str>,
    model: &str,
    id: i64,
    field: &str,
) -> OdooResult<Image> {
    let Some((model, stored)) = image_source(model, field) else {
        return Ok(Image::NotFound);
    };
    let Some(s) = live_session(services, sid).await? else {
        return Ok(Image::NotFound);
    };
    let user = s.user.clone();
    in_transaction!(services, |tx| {
        let env = system(services, &tx).for_user(user.clone(), empty_context())?;
        let found = env
            .with_context("active_test", json!(false))
            .search(
                model,
                Domain::leaf("id", Op::Eq, json!(id)),
                0,
                Some(1),
                None,
            )
            .await;
        match found {
            Ok(ids) if !ids.is_empty() => {}
            Ok(_) | Err(OdooError::AccessError(_)) => return Ok(Image::NotFound),
            Err(e) => return Err(e),
        }
        let sudo = env.sudo();
        let name = sudo
            .value_of(model, id, "name")
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string();
        let mut data = match stored {
            Some(field) if model == "product.product" => {
                let tmpl = sudo.value_of(model, id, "product_tmpl_id").await?;
                match tmpl.as_i64() {
                    Some(t) => sudo.value_of("product.template", t, field).await?,
                    None => Value::Null,
                }
            }
            Some(field) => sudo.value_of(model, id, field).await?,
            None => Value::Null,
        };
        if let Value::String(b64) = &mut data {
            use base64::Engine;
            let cleaned: String = b64.chars().filter(|c| !c.is_whitespace()).collect();
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(cleaned) {
                if !bytes.is_empty() {
                    return Ok(Image::Stored(bytes));
                }
            }
        }
        Ok(Image::Empty {
            name,
            avatar: matches!(model, "res.users" | "res.partner"),
        })
    })
}

/// The name of the company `/web/binary/company_logo` shows: the user's, else the first.
pub async fn company_name(services: &Arc<Services>, sid: Option<&str>) -> OdooResult<String> {
    let s = live_session(services, sid).await?;
    in_transaction!(services, |tx| {
        let system = system(services, &tx);
        let id = match &s {
            Some(s) => Some(s.user.company_id),
            None => system
                .search("res.company", Domain::True, 0, Some(1), None)
                .await?
                .first()
                .copied(),
        };
        Ok(match id {
            Some(id) => system
                .value_of("res.company", id, "name")
                .await?
                .as_str()
                .unwrap_or_default()
                .to_string(),
            None => String::new(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_are_bound_to_their_session() {
        let token = csrf_token("secret", "sid-1");
        assert!(token.contains('o'));
        assert!(csrf_valid("secret", "sid-1", &token));
        assert!(!csrf_valid("secret", "sid-2", &token));
        assert!(!csrf_valid("other", "sid-1", &token));
        assert!(!csrf_valid("secret", "sid-1", "nonsense"));
    }

    #[test]
    fn redirects_stay_on_this_server() {
        assert_eq!(
            local_url("/pos/ui?config_id=1").as_deref(),
            Some("/pos/ui?config_id=1")
        );
        assert_eq!(
            local_url("https://evil.example/x?y=1").as_deref(),
            Some("/x?y=1")
        );
        assert_eq!(local_url("//evil.example/x"), None);
    }
}
