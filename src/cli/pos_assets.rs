//! `odoo-pos-stripe pos-assets pull`: takes the built Odoo 18 POS client from a running
//! Odoo 18, as a POS user's browser loads it: logs in, opens `/pos/ui`, and files the
//! bundle it references, the files the bundle's CSS names (fonts, images), the bus
//! worker, the translations and the static files the client requests at run time,
//! with `manifest.json` (URL -> file, SHA-256, content type; the Odoo version). The
//! server then serves that folder (`serve --pos-assets DIR`).
//!
//! The one outbound HTTP client outside `stripe/`: a command run by hand, never by the
//! server.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::services::assets::{content_type_of, file_for, AssetFile, Manifest, MANIFEST};

/// The static files the Odoo 18 POS client requested at run time in the recorded sale
/// (beyond the bundle and what its CSS names): images the client's templates use.
pub const RUNTIME_STATIC: &[&str] = &[
    "/web/static/img/logo.png",
    "/web/static/img/spin.svg",
    "/web/static/img/placeholder.png",
    "/point_of_sale/static/src/img/money.png",
    "/point_of_sale/static/src/img/card-bank.png",
    "/point_of_sale/static/src/img/pay-later.png",
    "/point_of_sale/static/src/img/favicon.ico",
    "/point_of_sale/static/src/fonts/Inconsolata.otf",
    "/hr_attendance/static/img/background-light.svg",
    "/web/static/fonts/lato/Lato-Reg-webfont.woff",
    "/web/static/fonts/google/Roboto/Roboto-Regular.ttf",
    "/web/static/lib/odoo_ui_icons/fonts/odoo_ui_icons.woff2",
    "/web/static/src/libs/fontawesome/fonts/fontawesome-webfont.woff2",
    // Played by the client's sound service (not needed by the recorded sale).
    "/point_of_sale/static/src/sounds/bell.wav",
    "/point_of_sale/static/src/sounds/error.wav",
    "/point_of_sale/static/src/sounds/beep.wav",
];

/// Where the translations are filed: one file whatever the hash the page names.
pub const TRANSLATIONS_URL: &str = "/web/webclient/translations";

/// What `pos-assets pull` is told.
#[derive(Debug, Clone)]
pub struct PullArgs {
    pub from: String,
    pub db: String,
    pub login: String,
    pub password: String,
    pub config_id: Option<i64>,
    pub out: PathBuf,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
}

struct Odoo {
    http: reqwest::Client,
    base: url::Url,
    cookie: Option<String>,
}

fn jsonrpc(params: Value) -> Value {
    json!({"jsonrpc": "2.0", "method": "call", "params": params, "id": 1})
}

impl Odoo {
    fn url(&self, path: &str) -> anyhow::Result<url::Url> {
        self.base
            .join(path)
            .with_context(|| format!("{path} is not a URL path"))
    }

    fn headers(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(c) = &self.cookie {
            if let Ok(v) = HeaderValue::from_str(&format!("session_id={c}")) {
                h.insert(COOKIE, v);
            }
        }
        h
    }

    /// A JSON-RPC call: its `result`, or its error's message.
    async fn rpc(&mut self, path: &str, params: Value) -> anyhow::Result<Value> {
        let resp = self
            .http
            .post(self.url(path)?)
            .headers(self.headers())
            .json(&jsonrpc(params))
            .send()
            .await
            .map_err(|e| anyhow!("cannot reach Odoo at {}: {e}", self.base))?;
        if let Some(sid) = resp
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("session_id="))
        {
            let sid = sid.split(';').next().unwrap_or_default();
            if !sid.is_empty() {
                self.cookie = Some(sid.to_string());
            }
        }
        let status = resp.status();
        let body: Value = resp.json().await.map_err(|_| {
            anyhow!(
                "{} does not answer {path} as Odoo does (HTTP {status}, not JSON-RPC)",
                self.base
            )
        })?;
        if let Some(err) = body.get("error") {
            let name = err["data"]["name"].as_str().unwrap_or("error");
            let message = err["data"]["message"]
                .as_str()
                .or(err["message"].as_str())
                .unwrap_or_default();
            bail!("{name}: {message}");
        }
        Ok(body.get("result").cloned().unwrap_or(Value::Null))
    }

    /// GET a path (with its query): status, headers, bytes.
    async fn get(&self, path_and_query: &str) -> anyhow::Result<(u16, HeaderMap, Vec<u8>)> {
        let resp = self
            .http
            .get(self.url(path_and_query)?)
            .headers(self.headers())
            .send()
            .await
            .map_err(|e| anyhow!("cannot reach Odoo at {}: {e}", self.base))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| anyhow!("{path_and_query}: the answer broke off: {e}"))?;
        Ok((status, headers, bytes.to_vec()))
    }
}

/// The `src`/`href` values of the page.
fn attribute_values(html: &str, attribute: &str) -> Vec<String> {
    let needle = format!("{attribute}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// The page's inline `odoo = {...}` object, when it is JSON.
fn inline_odoo(html: &str) -> Option<Value> {
    let at = html.find("odoo = ")? + "odoo = ".len();
    let mut stream = serde_json::Deserializer::from_str(&html[at..]).into_iter::<Value>();
    stream.next()?.ok()
}

/// The `url(...)` references of a CSS file, resolved against its URL, kept on the
/// same server (no `data:`, no other host), without fragment.
fn css_references(css: &str, css_url: &url::Url) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = css;
    while let Some(at) = rest.find("url(") {
        rest = &rest[at + 4..];
        let Some(end) = rest.find(')') else { break };
        let raw = rest[..end]
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .trim();
        rest = &rest[end..];
        if raw.is_empty() || raw.starts_with("data:") || raw.starts_with('#') {
            continue;
        }
        let Ok(mut url) = css_url.join(raw) else {
            continue;
        };
        if url.host_str() != css_url.host_str() || url.port() != css_url.port() {
            continue;
        }
        url.set_fragment(None);
        let mut local = url.path().to_string();
        if let Some(q) = url.query() {
            local.push('?');
            local.push_str(q);
        }
        out.insert(local);
    }
    out
}

fn path_of(path_and_query: &str) -> &str {
    path_and_query.split('?').next().unwrap_or(path_and_query)
}

/// Files one download under `out` and records it in the manifest.
fn file(
    out: &Path,
    manifest: &mut Manifest,
    key: &str,
    headers: &HeaderMap,
    bytes: &[u8],
) -> anyhow::Result<()> {
    let served = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // Odoo's own types for what it serves by extension; the server's header otherwise.
    let by_extension = content_type_of(key);
    let content_type = if by_extension != "application/octet-stream" {
        by_extension.to_string()
    } else {
        served.unwrap_or_else(|| by_extension.to_string())
    };
    let rel = file_for(key, &content_type).ok_or_else(|| anyhow!("{key}: not a filable path"))?;
    let path = out.join(&rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    manifest.files.insert(
        key.to_string(),
        AssetFile {
            file: rel,
            sha256: hex::encode(Sha256::digest(bytes)),
            content_type,
            size: bytes.len() as u64,
        },
    );
    Ok(())
}

/// Pulls the assets; returns the manifest written to `out/manifest.json`.
pub async fn pull(args: &PullArgs) -> anyhow::Result<Manifest> {
    let base = url::Url::parse(&args.from)
        .map_err(|e| anyhow!("--from {:?} is not a URL: {e}", args.from))?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(300))
        .build()?;
    let mut odoo = Odoo {
        http,
        base: base.clone(),
        cookie: None,
    };
    let bar = if args.progress {
        ProgressBar::new(6)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{prefix:>12.cyan.bold} [{bar:40}] {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix("Pulling");

    // 1. An Odoo 18?
    bar.set_message("version");
    let version = odoo
        .rpc("/web/webclient/version_info", json!({}))
        .await
        .map_err(|e| {
            if e.to_string().starts_with("cannot reach") {
                e
            } else {
                anyhow!("{} is not an Odoo server: {e}", args.from)
            }
        })?;
    let server_version = version["server_version"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if version["server_version_info"][0].as_i64() != Some(18) {
        bail!(
            "{} is Odoo {:?}, not Odoo 18: its POS client would not match this server",
            args.from,
            server_version
        );
    }
    bar.inc(1);

    // 2. Log in.
    bar.set_message("login");
    odoo.rpc(
        "/web/session/authenticate",
        json!({"db": args.db, "login": args.login, "password": args.password}),
    )
    .await
    .map_err(|e| {
        anyhow!(
            "cannot log in as {:?} on database {:?}: {e}",
            args.login,
            args.db
        )
    })?;
    bar.inc(1);

    // 3. The POS to open.
    bar.set_message("point of sale");
    let config = match args.config_id {
        Some(id) => id,
        None => {
            let found = odoo
                .rpc(
                    "/web/dataset/call_kw/pos.config/search_read",
                    json!({"model": "pos.config", "method": "search_read", "args": [[], ["id", "name"]], "kwargs": {"limit": 1}}),
                )
                .await
                .map_err(|e| anyhow!("{:?} cannot read the points of sale: {e}", args.login))?;
            found[0]["id"]
                .as_i64()
                .ok_or_else(|| anyhow!("database {:?} has no point of sale", args.db))?
        }
    };
    bar.inc(1);

    // 4. The page, as the browser opens it.
    bar.set_message("/pos/ui");
    let (status, headers, page) = odoo.get(&format!("/pos/ui?config_id={config}")).await?;
    let location = headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match status {
        200 => {}
        303 | 302 if location.contains("/web/login") => {
            bail!("Odoo sent {:?} back to its login form: not a user who may open the POS", args.login)
        }
        303 | 302 => bail!(
            "Odoo will not open point of sale {config} (redirected to {location}): no such POS, archived, or its session is closing"
        ),
        404 => bail!("{:?} is not an internal user: Odoo does not show it the POS", args.login),
        other => bail!("/pos/ui?config_id={config} answered HTTP {other}"),
    }
    let html = String::from_utf8_lossy(&page).into_owned();
    let mut urls = attribute_values(&html, "src");
    urls.extend(attribute_values(&html, "href"));
    let bundle = |suffix: &str| {
        urls.iter()
            .find(|u| u.starts_with("/web/assets/") && path_of(u).ends_with(suffix))
            .cloned()
    };
    let (Some(js), Some(css)) = (
        bundle("point_of_sale.assets_prod.min.js"),
        bundle("point_of_sale.assets_prod.min.css"),
    ) else {
        bail!(
            "/pos/ui of {} references no point_of_sale.assets_prod bundle: not an Odoo 18 POS page",
            args.from
        );
    };
    let odoo_object = inline_odoo(&html).unwrap_or(Value::Null);
    let info = &odoo_object["__session_info__"];
    let worker_version = info["websocket_worker_version"]
        .as_str()
        .unwrap_or("18.0-2")
        .to_string();
    let lang = info["user_context"]["lang"]
        .as_str()
        .unwrap_or("en_US")
        .to_string();
    let translations_hash = info["cache_hashes"]["translations"]
        .as_str()
        .unwrap_or("latest")
        .to_string();
    bar.inc(1);

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut manifest = Manifest {
        odoo_version: server_version,
        pulled_from: args.from.clone(),
        pulled_at: chrono::Utc::now().to_rfc3339(),
        bundle_js: path_of(&js).to_string(),
        bundle_css: path_of(&css).to_string(),
        websocket_worker_version: worker_version.clone(),
        ..Manifest::default()
    };

    // 5. The bundle: the CSS first, for what it names.
    bar.set_message("bundle");
    let mut css_refs = BTreeSet::new();
    for url in [&css, &js] {
        let (status, headers, bytes) = odoo.get(url).await?;
        if status != 200 {
            bail!("{url} answered HTTP {status}");
        }
        if url == &css {
            css_refs = css_references(&String::from_utf8_lossy(&bytes), &odoo.url(url)?);
        }
        file(&args.out, &mut manifest, path_of(url), &headers, &bytes)?;
    }
    bar.inc(1);

    // 6. What the CSS names, the bus worker, the translations, the run-time files.
    let mut wanted: Vec<(String, String)> = css_refs
        .iter()
        .map(|u| (u.clone(), path_of(u).to_string()))
        .collect();
    wanted.push((
        format!("/bus/websocket_worker_bundle?v={worker_version}"),
        "/bus/websocket_worker_bundle".into(),
    ));
    wanted.push((
        format!("/web/webclient/translations/{translations_hash}?lang={lang}"),
        TRANSLATIONS_URL.into(),
    ));
    for url in RUNTIME_STATIC {
        wanted.push((url.to_string(), url.to_string()));
    }
    bar.set_length(6 + wanted.len() as u64);
    let mut missing = Vec::new();
    for (url, key) in &wanted {
        if manifest.files.contains_key(key) {
            bar.inc(1);
            continue;
        }
        bar.set_message(key.clone());
        let (status, headers, bytes) = odoo.get(url).await?;
        if status == 200 {
            file(&args.out, &mut manifest, key, &headers, &bytes)?;
        } else {
            missing.push(format!("{url} (HTTP {status})"));
        }
        bar.inc(1);
    }
    if !manifest.files.contains_key("/bus/websocket_worker_bundle") {
        bail!(
            "{} did not serve the bus worker (/bus/websocket_worker_bundle): not an Odoo 18",
            args.from
        );
    }
    let text = serde_json::to_string_pretty(&manifest)?;
    std::fs::write(args.out.join(MANIFEST), text)
        .with_context(|| format!("cannot write {}", args.out.join(MANIFEST).display()))?;
    bar.finish_with_message(format!("{} files", manifest.files.len()));
    for m in &missing {
        tracing::warn!("not on that Odoo, skipped: {m}");
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_references_stay_on_the_server() {
        let css_url = url::Url::parse(
            "http://odoo:8069/web/assets/8711520/point_of_sale.assets_prod.min.css",
        )
        .unwrap();
        let css = "a{background:url(/web/static/img/a.png)} b{src:url('../../../web/static/fonts/b.woff2?v=4.7.0#iefix')} c{background:url(data:image/png;base64,AAAA)} d{background:url(https://cdn.example/x.png)}";
        let refs: Vec<String> = css_references(css, &css_url).into_iter().collect();
        assert_eq!(
            refs,
            vec!["/web/static/fonts/b.woff2?v=4.7.0", "/web/static/img/a.png"]
        );
    }

    #[test]
    fn the_page_gives_its_bundle_and_object() {
        let html = "<script>var odoo = {\"__session_info__\": {\"websocket_worker_version\": \"18.0-2\"}};\nodoo.x = 1;</script><link rel=\"stylesheet\" href=\"/web/assets/1/point_of_sale.assets_prod.min.css\"/>";
        assert_eq!(
            inline_odoo(html).unwrap()["__session_info__"]["websocket_worker_version"],
            json!("18.0-2")
        );
        assert_eq!(
            attribute_values(html, "href"),
            vec!["/web/assets/1/point_of_sale.assets_prod.min.css"]
        );
    }
}
