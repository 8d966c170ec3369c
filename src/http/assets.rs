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
    let etag = format!("\"{}\"", file.sha256);
    let mut out = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        out.insert(http::header::ETAG, v);
    }
    out.insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control(url_path)),
    );
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
    let body = match tokio::fs::read(&path).await {
        Ok(b) => b,
        Err(error) => {
            tracing::warn!(%error, file = %path.display(), "a pulled POS asset cannot be read");
            return Some(Reply::text(StatusCode::NOT_FOUND, "404: Not Found"));
        }
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
