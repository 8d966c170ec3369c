//! The web pages of the POS client's way in, as Odoo 18 answers them: the login form
//! (`/web/login`), `/odoo` and `/web`, `/pos/ui` (and `/pos/web`) with its inline
//! `odoo` object, the translations, `/web/image` and the company logo. `rpc::pages`
//! decides; this module renders HTML and headers.

use std::sync::Arc;

use http::{HeaderMap, HeaderValue, Method, StatusCode};
use jsonrpsee::server::HttpBody;
use serde_json::Value;
use sha1::{Digest, Sha1};

use super::{assets, cookie, peer_of, read_body, Reply};
use crate::rpc::pages::{self as decide, Image, Landing, LoginForm, LoginPage, PosPage};
use crate::services::Services;

/// Text for HTML, escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

fn query_params(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn html(status: StatusCode, body: String) -> Reply {
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Reply {
        status,
        headers,
        body: body.into_bytes(),
    }
}

/// werkzeug's redirect: 303 (Odoo's `request.redirect`), `Location`, a short page.
pub fn redirect(location: &str) -> Reply {
    let mut reply = html(
        StatusCode::SEE_OTHER,
        format!(
            "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href=\"{0}\">{0}</a>. If not, click the link.\n",
            escape(location)
        ),
    );
    if let Ok(v) = HeaderValue::from_str(location) {
        reply.headers.insert(http::header::LOCATION, v);
    }
    reply
}

/// To the login form, coming back to `path?query` (werkzeug's `full_path`).
fn to_login(parts: &http::request::Parts) -> Reply {
    let full_path = format!(
        "{}?{}",
        parts.uri.path(),
        parts.uri.query().unwrap_or_default()
    );
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("redirect", &full_path)
        .finish();
    redirect(&format!("/web/login?{query}"))
}

fn not_found() -> Reply {
    html(
        StatusCode::NOT_FOUND,
        "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n".into(),
    )
}

fn set_cookie(reply: &mut Reply, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        reply.headers.append(http::header::SET_COOKIE, v);
    }
}

fn server_error(error: crate::errors::OdooError) -> Reply {
    tracing::error!(error = %error, "a page failed");
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request.</p>\n".into(),
    )
}

/// Answers the page routes; gives the body back for a path that is not one.
pub async fn handle(
    services: &Arc<Services>,
    parts: &http::request::Parts,
    body: HttpBody,
) -> Result<Reply, HttpBody> {
    let path = parts.uri.path();
    let get = parts.method == Method::GET || parts.method == Method::HEAD;
    let sid = cookie(&parts.headers, "session_id");
    let sid = sid.as_deref();
    let params = query_params(parts.uri.query());
    let reply = match path {
        "/web/login" if get => login_get(services, sid, param(&params, "redirect")).await,
        "/web/login" if parts.method == Method::POST => {
            login_post(services, parts, sid, body).await
        }
        "/web" | "/odoo" => landing(services, parts, sid, &params).await,
        "/web/session/logout" if get => match decide::logout(services, sid).await {
            Ok(()) => {
                let target = param(&params, "redirect")
                    .filter(|r| !r.is_empty())
                    .and_then(decide::local_url)
                    .unwrap_or_else(|| "/odoo".into());
                let mut reply = redirect(&target);
                set_cookie(&mut reply, &crate::rpc::expired_cookie());
                reply
            }
            Err(e) => server_error(e),
        },
        "/web/login_successful" if get => match decide::landing(services, sid).await {
            Ok(Landing::Login) => to_login(parts),
            Ok(_) => html(
                StatusCode::OK,
                "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\"/>\n<title>Odoo</title>\n</head>\n<body>\n<p>You are logged in.</p>\n<p><a href=\"/web/session/logout\">Log out</a></p>\n</body>\n</html>\n".into(),
            ),
            Err(e) => server_error(e),
        },
        p if p.starts_with("/odoo/") && get => landing(services, parts, sid, &params).await,
        "/pos/ui" | "/pos/web" if get => pos_ui(services, parts, sid, &params).await,
        "/web/binary/company_logo" if get => company_logo(services, sid).await,
        "/web/image" if get => {
            let id = param(&params, "id").and_then(|v| v.parse::<i64>().ok());
            match (param(&params, "model"), id) {
                (Some(model), Some(id)) => {
                    let field = param(&params, "field").unwrap_or("image_1920");
                    image(services, parts, sid, model, id, field, &params).await
                }
                _ => not_found(),
            }
        }
        p if p.starts_with("/web/image/") && get => {
            let segments: Vec<&str> = p["/web/image/".len()..].split('/').collect();
            match segments.as_slice() {
                [model, id, field, ..] => match id.split('-').next().unwrap_or("").parse() {
                    Ok(id) => image(services, parts, sid, model, id, field, &params).await,
                    Err(_) => not_found(),
                },
                _ => not_found(),
            }
        }
        p if p.starts_with("/web/webclient/translations/") && get => {
            match assets::serve_asset(services, "/web/webclient/translations", &parts.headers).await
            {
                Some(reply) => reply,
                None => {
                    let lang = param(&params, "lang").unwrap_or("en_US");
                    Reply::json(&crate::rpc::translations(lang))
                }
            }
        }
        _ => return Err(body),
    };
    Ok(reply)
}

const LOGIN_STYLE: &str = "body{font-family:sans-serif;background:#f5f5f5}form{max-width:300px;margin:80px auto;background:#fff;padding:24px;border-radius:6px}label{display:block;margin-top:12px}input{width:100%;box-sizing:border-box;padding:6px}button{margin-top:16px;width:100%;padding:8px}.alert-danger{color:#a00}";

fn login_html(csrf: &str, db: &str, login: &str, redirect: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| {
            format!(
                "<p class=\"alert alert-danger\" role=\"alert\">{}</p>\n",
                escape(e)
            )
        })
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\"/>\n<title>Odoo</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<style>{LOGIN_STYLE}</style>\n</head>\n<body>\n<form class=\"oe_login_form\" role=\"form\" method=\"post\" action=\"/web/login\">\n<input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\"/>\n<input type=\"hidden\" name=\"db\" value=\"{db}\"/>\n<label for=\"login\">Email</label>\n<input type=\"text\" name=\"login\" id=\"login\" value=\"{login}\" required=\"required\" autocapitalize=\"off\" autocomplete=\"username\"/>\n<label for=\"password\">Password</label>\n<input type=\"password\" name=\"password\" id=\"password\" required=\"required\" autocomplete=\"current-password\" maxlength=\"4096\"/>\n{error}<input type=\"hidden\" name=\"redirect\" value=\"{redirect}\"/>\n<button type=\"submit\" class=\"btn btn-primary\">Log in</button>\n</form>\n</body>\n</html>\n",
        csrf = escape(csrf),
        db = escape(db),
        login = escape(login),
        redirect = escape(redirect),
    )
}

fn login_reply(services: &Services, page: LoginPage) -> Reply {
    match page {
        LoginPage::Redirect {
            location,
            session_id,
        } => {
            let mut reply = redirect(&location);
            if let Some(sid) = session_id {
                set_cookie(&mut reply, &crate::rpc::session_cookie(&sid));
            }
            reply
        }
        LoginPage::BadCsrf => html(
            StatusCode::BAD_REQUEST,
            "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>Session expired (invalid CSRF token)</p>\n".into(),
        ),
        LoginPage::Form {
            csrf_token,
            sid,
            new_sid,
            error,
            login,
            redirect,
        } => {
            let mut reply = html(
                StatusCode::OK,
                login_html(
                    &csrf_token,
                    &services.settings.db_name,
                    &login,
                    &redirect,
                    error.as_deref(),
                ),
            );
            let h = &mut reply.headers;
            h.insert(http::header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            h.insert(
                http::header::X_FRAME_OPTIONS,
                HeaderValue::from_static("SAMEORIGIN"),
            );
            h.insert(
                http::header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("frame-ancestors 'self'"),
            );
            if new_sid {
                set_cookie(&mut reply, &crate::rpc::session_cookie(&sid));
            }
            reply
        }
    }
}

async fn login_get(services: &Arc<Services>, sid: Option<&str>, target: Option<&str>) -> Reply {
    match decide::login_form(services, sid, target).await {
        Ok(page) => login_reply(services, page),
        Err(e) => server_error(e),
    }
}

async fn login_post(
    services: &Arc<Services>,
    parts: &http::request::Parts,
    sid: Option<&str>,
    body: HttpBody,
) -> Reply {
    let bytes = match read_body(body, &parts.headers, 64 * 1024).await {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    let mut form = LoginForm::default();
    for (k, v) in form_urlencoded::parse(&bytes) {
        match k.as_ref() {
            "csrf_token" => form.csrf_token = Some(v.into_owned()),
            "login" => form.login = v.into_owned(),
            "password" => form.password = v.into_owned(),
            "redirect" => form.redirect = v.into_owned(),
            _ => {}
        }
    }
    let client = peer_of(parts).map(|p| p.ip());
    match decide::login_submit(services, sid, client, form).await {
        Ok(page) => login_reply(services, page),
        Err(e) => server_error(e),
    }
}

async fn landing(
    services: &Arc<Services>,
    parts: &http::request::Parts,
    sid: Option<&str>,
    params: &[(String, String)],
) -> Reply {
    match decide::landing(services, sid).await {
        Ok(Landing::Login) => to_login(parts),
        Ok(_) if param(params, "redirect").is_some_and(|r| !r.is_empty()) => {
            let target = param(params, "redirect").unwrap_or_default();
            redirect(&decide::local_url(target).unwrap_or_else(|| "/odoo".into()))
        }
        Ok(Landing::NotInternal) => redirect("/web/login_successful"),
        Ok(Landing::Shops(user, shops)) => {
            let items: String = shops
                .iter()
                .map(|(id, name, open)| {
                    format!(
                        "<li><a href=\"/pos/ui?config_id={id}&amp;from_backend=True\">{}</a>{}</li>\n",
                        escape(name),
                        if *open { " (session open)" } else { "" }
                    )
                })
                .collect();
            let mut reply = html(
                StatusCode::OK,
                format!(
                    "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\"/>\n<title>Point of Sale</title>\n</head>\n<body>\n<h1>Point of Sale</h1>\n<p>Logged in as {}.</p>\n<ul>\n{items}</ul>\n</body>\n</html>\n",
                    escape(&user)
                ),
            );
            reply.headers.insert(
                http::header::X_FRAME_OPTIONS,
                HeaderValue::from_static("DENY"),
            );
            reply
        }
        Err(e) => server_error(e),
    }
}

/// The inline object as a JavaScript literal that cannot end the script early.
fn script_json(value: &Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace("</", "<\\/")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The `/pos/ui` page: the `odoo` object, then the bundle and the Terminal SDK.
pub fn pos_page(services: &Services, odoo: &Value) -> String {
    let (js, css) = services
        .pos_assets
        .as_ref()
        .map(|a| (a.manifest.bundle_js.clone(), a.manifest.bundle_css.clone()))
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<title>Odoo POS</title>\n<meta http-equiv=\"content-type\" content=\"text/html, charset=utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1, user-scalable=no\"/>\n<link rel=\"icon\" href=\"/point_of_sale/static/src/img/favicon.ico\" type=\"image/x-icon\"/>\n<style> body {{ background: #222; }} </style>\n<script type=\"text/javascript\">\nvar odoo = {odoo};\n// No back-office menus in the POS.\nodoo.loadMenusPromise = Promise.resolve();\n</script>\n<link type=\"text/css\" rel=\"stylesheet\" href=\"{css}\"/>\n<script type=\"text/javascript\" src=\"{js}\"></script>\n<script type=\"text/javascript\" src=\"{sdk}\"></script>\n</head>\n<body class=\"pos\">\n</body>\n</html>\n",
        odoo = script_json(odoo),
        css = escape(&css),
        js = escape(&js),
        // pos_stripe's `<script>` for Stripe's Terminal SDK, or the simulated one when the
        // Stripe API is the simulator (`Services::stripe_terminal_sdk_url`).
        sdk = escape(&services.stripe_terminal_sdk_url()),
    )
}

const NO_ASSETS: &str = "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\"/>\n<title>Odoo POS: assets missing</title>\n</head>\n<body>\n<h1>The Odoo 18 Point of Sale client is not installed on this server</h1>\n<p>This server speaks Odoo's protocols but cannot build Odoo's JavaScript. Take the built POS client from an Odoo 18 you run (as a POS user):</p>\n<pre>odoo-pos-stripe pos-assets pull --from https://your-odoo.example --db DBNAME --login USER --password PASSWORD --out pos-assets</pre>\n<p>then start the server with them:</p>\n<pre>odoo-pos-stripe serve --pos-assets pos-assets</pre>\n<p>(or set <code>pos_assets</code> in the settings, <code>OPS_POS_ASSETS</code>) and open this page again.</p>\n</body>\n</html>\n";

async fn pos_ui(
    services: &Arc<Services>,
    parts: &http::request::Parts,
    sid: Option<&str>,
    params: &[(String, String)],
) -> Reply {
    let request = decide::PosRequest {
        config_id: param(params, "config_id").map(str::to_string),
        from_backend: param(params, "from_backend").is_some_and(|v| !v.is_empty()),
        debug: param(params, "debug").unwrap_or_default().to_string(),
    };
    let mut reply = match decide::pos_ui(services, sid, &request).await {
        Ok(PosPage::Login) => return to_login(parts),
        Ok(PosPage::NotFound) => return not_found(),
        Ok(PosPage::Redirect(to)) => return redirect(&to),
        Ok(PosPage::NoAssets) => html(StatusCode::OK, NO_ASSETS.into()),
        Ok(PosPage::Page(odoo)) => html(StatusCode::OK, pos_page(services, &odoo)),
        Ok(PosPage::Refused(message)) => html(
            StatusCode::BAD_REQUEST,
            format!(
                "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\"/>\n<title>Odoo POS</title>\n</head>\n<body>\n<h1>This point of sale cannot be opened</h1>\n<p class=\"alert alert-danger\">{}</p>\n<p><a href=\"/odoo\">Back</a></p>\n</body>\n</html>\n",
                escape(&message)
            ),
        ),
        Err(e) => return server_error(e),
    };
    reply.headers.insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    reply.headers.insert(
        http::header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    reply
}

/// The content type of image bytes, from their signature.
pub fn sniff_image(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        "image/jpeg"
    } else if bytes.starts_with(b"GIF8") {
        "image/gif"
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else if bytes.starts_with(b"<svg") || bytes.starts_with(b"<?xml") {
        "image/svg+xml"
    } else {
        "application/octet-stream"
    }
}

/// The placeholder for a record without an image (our own drawing).
const PLACEHOLDER: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"128\" height=\"128\" viewBox=\"0 0 128 128\"><rect width=\"128\" height=\"128\" fill=\"#e9ecef\"/><rect x=\"34\" y=\"44\" width=\"60\" height=\"44\" rx=\"6\" fill=\"none\" stroke=\"#adb5bd\" stroke-width=\"6\"/><circle cx=\"64\" cy=\"66\" r=\"11\" fill=\"#adb5bd\"/></svg>";

/// A person's avatar when none is stored: the initial on a colour of the name.
fn avatar(name: &str) -> String {
    let initial = name
        .chars()
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_else(|| "?".into());
    let hue = Sha1::digest(name.as_bytes())[0] as u32 * 360 / 256;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"180\" height=\"180\"><rect fill=\"hsl({hue}, 40%, 45%)\" height=\"180\" width=\"180\"/><text fill=\"#ffffff\" font-size=\"96\" text-anchor=\"middle\" x=\"90\" y=\"125\" font-family=\"sans-serif\">{}</text></svg>",
        escape(&initial)
    )
}

/// An image answer: content type, ETag (SHA-1 of the bytes), 304 on a match; cached
/// for a year when the URL carries `unique` (it changes with the image), else revalidated.
fn image_reply(
    parts: &http::request::Parts,
    bytes: Vec<u8>,
    content_type: &str,
    params: &[(String, String)],
) -> Reply {
    let etag = format!("\"{}\"", hex::encode(Sha1::digest(&bytes)));
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(http::header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(http::header::ETAG, v);
    }
    let cache = if param(params, "unique").is_some_and(|u| !u.is_empty()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    headers.insert(http::header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        http::header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let fresh = parts
        .headers
        .get(http::header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if fresh {
        return Reply {
            status: StatusCode::NOT_MODIFIED,
            headers,
            body: Vec::new(),
        };
    }
    Reply {
        status: StatusCode::OK,
        headers,
        body: bytes,
    }
}

async fn image(
    services: &Arc<Services>,
    parts: &http::request::Parts,
    sid: Option<&str>,
    model: &str,
    id: i64,
    field: &str,
    params: &[(String, String)],
) -> Reply {
    if !(1..=i32::MAX as i64).contains(&id) {
        return not_found();
    }
    match decide::image(services, sid, model, id, field).await {
        Ok(Image::Stored(bytes)) => {
            let kind = sniff_image(&bytes);
            image_reply(parts, bytes, kind, params)
        }
        Ok(Image::Empty { name, avatar: true }) => {
            image_reply(parts, avatar(&name).into_bytes(), "image/svg+xml", params)
        }
        Ok(Image::Empty { .. }) => image_reply(
            parts,
            PLACEHOLDER.as_bytes().to_vec(),
            "image/svg+xml",
            params,
        ),
        Ok(Image::NotFound) => not_found(),
        Err(e) => server_error(e),
    }
}

/// `/web/binary/company_logo`: the company has no stored logo here; its name, drawn.
async fn company_logo(services: &Arc<Services>, sid: Option<&str>) -> Reply {
    match decide::company_name(services, sid).await {
        Ok(name) => {
            let svg = format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"360\" height=\"90\"><text x=\"10\" y=\"58\" font-size=\"36\" font-family=\"sans-serif\" fill=\"#333333\">{}</text></svg>",
                escape(&name)
            );
            let mut headers = HeaderMap::new();
            headers.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            );
            headers.insert(
                http::header::CACHE_CONTROL,
                HeaderValue::from_static("no-cache"),
            );
            Reply {
                status: StatusCode::OK,
                headers,
                body: svg.into_bytes(),
            }
        }
        Err(e) => server_error(e),
    }
}
