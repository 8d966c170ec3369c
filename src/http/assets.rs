//! The pulled Odoo 18 POS assets (`serve --pos-assets DIR`), served at the URLs Odoo
//! serves them from. [`serve_asset`] is the one place their bytes leave the server.

use http::{HeaderMap, HeaderValue, StatusCode};

use super::Reply;
use crate::services::assets::AssetFile;
use crate::services::Services;

/// A year, for URLs whose path names their content (`/web/assets/<hash>/...`).
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// A week (Odoo's `STATIC_CACHE`), for static files whose URL does not change with them.
const STATIC: &str = "public, max-age=604800";

/// Whether this URL path names a pulled file.
pub fn is_asset(services: &Services, url_path: &str) -> bool {
    services
        .pos_assets
        .as_ref()
        .is_some_and(|a| a.manifest.files.contains_key(url_path))
}

/// Scripts and pages, which may name Stripe's Terminal SDK.
fn is_text(content_type: &str) -> bool {
    let mime = content_type.split(';').next().unwrap_or("").trim();
    matches!(
        mime,
        "application/javascript" | "text/javascript" | "text/html"
    )
}

/// The cache policy of a pulled URL: hashed bundles forever, the rest a week.
fn cache_control(url_path: &str) -> &'static str {
    if url_path.starts_with("/web/assets/") {
        IMMUTABLE
    } else {
        STATIC
    }
}

/// Answers a GET of a pulled file: 200 with its bytes, 304 when the client holds the
/// same version (`If-None-Match`), `None` when the path is not pulled. Every asset the
/// server sends goes through here (the bundle, fonts, images, the bus worker, pulled
/// translations), so a rewrite of what is served belongs here.
pub async fn serve_asset(
    services: &Services,
    url_path: &str,
    headers: &HeaderMap,
) -> Option<Reply> {
    let assets = services.pos_assets.as_ref()?;
    let (file, path): (&AssetFile, _) = assets.lookup(url_path)?;
    // A script or page that loads Stripe's Terminal SDK itself gets the simulated one when
    // the Stripe API is the simulator, as `/pos/ui` does; such a body is not the pulled file,
    // so it gets its own ETag and is revalidated rather than cached for a year.
    let mut body = None;
    let mut cache = cache_control(url_path);
    let mut etag = format!("\"{}\"", file.sha256);
    if is_text(&file.content_type) && services.rewrites_stripe_terminal_sdk() {
        let bytes = match tokio::fs::read(&path).await {
            Ok(b) => b,
            Err(error) => {
                tracing::warn!(%error, file = %path.display(), "a pulled POS asset cannot be read");
                return Some(Reply::text(StatusCode::NOT_FOUND, "404: Not Found"));
            }
        };
        if let Ok(text) = std::str::from_utf8(&bytes) {
            if let std::borrow::Cow::Owned(rewritten) = services.rewrite_stripe_terminal_sdk(text) {
                etag = format!("\"{}-stripe-sim\"", file.sha256);
                cache = "no-cache";
                body = Some(rewritten.into_bytes());
            }
        }
        body.get_or_insert(bytes);
    }
    let mut out = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        out.insert(http::header::ETAG, v);
    }
    out.insert(http::header::CACHE_CONTROL, HeaderValue::from_static(cache));
    let matches = headers
        .get(http::header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return Some(Reply {
            status: StatusCode::NOT_MODIFIED,
            headers: out,
            body: Vec::new(),
        });
    }
    let body = match body {
        Some(b) => b,
        None => match tokio::fs::read(&path).await {
            Ok(b) => b,
            Err(error) => {
                tracing::warn!(%error, file = %path.display(), "a pulled POS asset cannot be read");
                return Some(Reply::text(StatusCode::NOT_FOUND, "404: Not Found"));
            }
        },
    };
    if let Ok(v) = HeaderValue::from_str(&file.content_type) {
        out.insert(http::header::CONTENT_TYPE, v);
    }
    Some(Reply {
        status: StatusCode::OK,
        headers: out,
        body,
    })
}
