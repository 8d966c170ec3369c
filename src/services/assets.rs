//! The Odoo 18 POS assets pulled from a real Odoo (`odoo-pos-stripe pos-assets pull`):
//! a folder with the files at paths mirroring their URLs and `manifest.json`, which
//! names each URL's file, its SHA-256, its content type, the bundle `/pos/ui` loads and
//! the Odoo version they came from. `serve --pos-assets DIR` loads it at start.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The manifest's file name inside the assets folder.
pub const MANIFEST: &str = "manifest.json";

/// One pulled file.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AssetFile {
    /// Path relative to the assets folder.
    pub file: String,
    pub sha256: String,
    pub content_type: String,
    pub size: u64,
}

/// `manifest.json`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
pub struct Manifest {
    /// The Odoo the files come from: `server_version` (`"18.0"`) and its URL.
    pub odoo_version: String,
    pub pulled_from: String,
    pub pulled_at: String,
    /// The bundle `/pos/ui` references: `/web/assets/<hash>/point_of_sale.assets_prod.min.js`.
    pub bundle_js: String,
    /// `/web/assets/<hash>/point_of_sale.assets_prod.min.css`.
    pub bundle_css: String,
    /// The bus worker's version (`websocket_worker_version`, `18.0-2`).
    pub websocket_worker_version: String,
    /// URL path (no query) -> file.
    pub files: BTreeMap<String, AssetFile>,
}

/// A loaded assets folder.
#[derive(Clone, Debug)]
pub struct PosAssets {
    pub dir: PathBuf,
    pub manifest: Manifest,
}

impl PosAssets {
    /// Reads `DIR/manifest.json` and checks that every file it names is there.
    pub fn load(dir: &Path) -> anyhow::Result<PosAssets> {
        let path = dir.join(MANIFEST);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            anyhow::anyhow!(
                "no POS assets in {}: cannot read {} ({e}); pull them with `odoo-pos-stripe pos-assets pull`",
                dir.display(),
                path.display()
            )
        })?;
        let manifest: Manifest = serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{} is not a POS assets manifest: {e}", path.display()))?;
        for (url, f) in &manifest.files {
            let file = safe_join(dir, &f.file)
                .ok_or_else(|| anyhow::anyhow!("{url}: unsafe file path {:?}", f.file))?;
            if !file.is_file() {
                anyhow::bail!("{url}: {} is missing from the POS assets", file.display());
            }
        }
        for url in [&manifest.bundle_js, &manifest.bundle_css] {
            if !manifest.files.contains_key(url.as_str()) {
                anyhow::bail!("the manifest's bundle {url:?} is not among its files");
            }
        }
        Ok(PosAssets {
            dir: dir.to_path_buf(),
            manifest,
        })
    }

    /// The file of a URL path, when pulled.
    pub fn lookup(&self, url_path: &str) -> Option<(&AssetFile, PathBuf)> {
        let f = self.manifest.files.get(url_path)?;
        Some((f, safe_join(&self.dir, &f.file)?))
    }
}

/// `dir/rel` when `rel` is a plain relative path (no `..`, no root, no prefix).
pub fn safe_join(dir: &Path, rel: &str) -> Option<PathBuf> {
    let p = Path::new(rel);
    if rel.is_empty()
        || p.components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return None;
    }
    Some(dir.join(p))
}

/// Where a URL path is filed: the path itself, under the folder (`/web/static/x.png`
/// -> `web/static/x.png`); a path without an extension gets one from its content type
/// (`/bus/websocket_worker_bundle` -> `bus/websocket_worker_bundle.js`). `None` for a
/// path that could escape the folder.
pub fn file_for(url_path: &str, content_type: &str) -> Option<String> {
    let rel = url_path.trim_start_matches('/');
    let last = rel.rsplit('/').next().unwrap_or("");
    let mut rel = rel.to_string();
    if !last.contains('.') {
        let ext = match content_type.split(';').next().unwrap_or("").trim() {
            "application/javascript" | "text/javascript" => "js",
            "application/json" => "json",
            "text/css" => "css",
            _ => "bin",
        };
        rel = format!("{rel}.{ext}");
    }
    safe_join(Path::new("."), &rel)?;
    Some(rel)
}

/// The content type Odoo 18 serves a static file with, by extension (the recorded
/// ones: fonts as `application/font-woff`, `font/woff2`, `font/otf`,
/// `application/x-font-ttf`).
pub fn content_type_of(path: &str) -> &'static str {
    let ext = path
        .rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "js" => "application/javascript",
        "css" => "text/css",
        "json" => "application/json",
        "html" | "htm" => "text/html; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "ico" => "image/vnd.microsoft.icon",
        "woff" => "application/font-woff",
        "woff2" => "font/woff2",
        "otf" => "font/otf",
        "ttf" => "application/x-font-ttf",
        "eot" => "application/vnd.ms-fontobject",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_mirror_urls_and_never_escape() {
        assert_eq!(
            file_for("/web/static/img/logo.png", "image/png").as_deref(),
            Some("web/static/img/logo.png")
        );
        assert_eq!(
            file_for("/bus/websocket_worker_bundle", "application/javascript").as_deref(),
            Some("bus/websocket_worker_bundle.js")
        );
        assert_eq!(file_for("/web/../../etc/passwd", "text/plain"), None);
        assert_eq!(safe_join(Path::new("/a"), "/etc/passwd"), None);
    }

    #[test]
    fn content_types_are_odoos() {
        assert_eq!(
            content_type_of("/x/Lato-Reg-webfont.woff"),
            "application/font-woff"
        );
        assert_eq!(
            content_type_of("/x/Roboto-Regular.ttf"),
            "application/x-font-ttf"
        );
        assert_eq!(content_type_of("/x/a.min.js"), "application/javascript");
    }
}
