//! `odoo-pos-stripe pos-assets pull` against a small fake Odoo 18 of our own (a test
//! fixture answering the version, the login, `pos.config` and `/pos/ui` with a bundle
//! of our own, not Odoo's code), then the pulled folder served by the real server.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use odoo_pos_stripe::cli::pos_assets::{pull, PullArgs};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::both_with;

// The recorded bundle URLs (the hashes of the recorded Odoo), with bodies of our own.
const JS: &str = "/web/assets/b9fc182/point_of_sale.assets_prod.min.js";
const CSS: &str = "/web/assets/8711520/point_of_sale.assets_prod.min.css";
const CSS_BODY: &str = "@font-face{src:url(/web/static/fonts/lato/Lato-Reg-webfont.woff)} .x{background:url(\"../../../point_of_sale/static/src/img/extra.png?v=2#a\")} .y{background:url(data:image/png;base64,AAAA)}";

/// How the fake Odoo behaves.
#[derive(Clone, Copy)]
struct Fake {
    major: i64,
    pos_user: bool,
}

fn reply(status: u16, content_type: &str, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("Content-Type", content_type)
        .body(Full::new(body.into()))
        .unwrap()
}

fn rpc_result(result: Value) -> Response<Full<Bytes>> {
    reply(
        200,
        "application/json",
        json!({"jsonrpc": "2.0", "id": 1, "result": result}).to_string(),
    )
}

async fn answer(
    fake: Fake,
    req: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or_default().to_string();
    let logged_in = req
        .headers()
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.contains("session_id=fake-session"));
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let params: Value = serde_json::from_slice::<Value>(&body)
        .map(|v| v["params"].clone())
        .unwrap_or(Value::Null);
    Ok(match path.as_str() {
        "/web/webclient/version_info" => rpc_result(json!({
            "server_version": format!("{}.0", fake.major),
            "server_version_info": [fake.major, 0, 0, "final", 0, ""],
            "server_serie": format!("{}.0", fake.major),
            "protocol_version": 1,
        })),
        "/web/session/authenticate" => {
            if params["login"] == json!("cashier")
                && params["password"] == json!("cashier")
                && params["db"] == json!("shop")
            {
                let mut r = rpc_result(json!({"uid": 8}));
                r.headers_mut().insert(
                    "Set-Cookie",
                    "session_id=fake-session; Path=/; HttpOnly".parse().unwrap(),
                );
                r
            } else {
                reply(200, "application/json", json!({"jsonrpc": "2.0", "id": 1, "error": {"code": 200, "message": "Odoo Server Error", "data": {"name": "odoo.exceptions.AccessDenied", "message": "Access Denied"}}}).to_string())
            }
        }
        "/web/dataset/call_kw/pos.config/search_read" => {
            rpc_result(json!([{"id": 3, "name": "Fixture Shop"}]))
        }
        "/pos/ui" if !logged_in => {
            let mut r = reply(303, "text/html", "");
            r.headers_mut().insert(
                "Location",
                "/web/login?redirect=%2Fpos%2Fui%3F".parse().unwrap(),
            );
            r
        }
        "/pos/ui" if !fake.pos_user => reply(404, "text/html", "Not Found"),
        "/pos/ui" => {
            assert_eq!(query, "config_id=3");
            let odoo = json!({"csrf_token": "x", "__session_info__": {"user_context": {"lang": "en_US"}, "cache_hashes": {"translations": "tr123"}, "websocket_worker_version": "18.0-2"}, "login_number": 1});
            reply(200, "text/html; charset=utf-8", format!("<!DOCTYPE html><html><head><title>Odoo POS</title><script type=\"text/javascript\">\n    var odoo = {odoo};\n    odoo.loadMenusPromise = Promise.resolve();\n</script><link type=\"text/css\" rel=\"stylesheet\" href=\"{CSS}\"/><script type=\"text/javascript\" src=\"{JS}\"></script><script type=\"text/javascript\" src=\"https://js.stripe.com/terminal/v1/\"></script></head><body class=\"pos\"></body></html>"))
        }
        JS => reply(200, "application/javascript", "window.fixtureBundle = 1;\n"),
        CSS => reply(200, "text/css", CSS_BODY),
        "/bus/websocket_worker_bundle" if query == "v=18.0-2" => {
            reply(200, "application/javascript", "self.worker = 1;\n")
        }
        "/web/webclient/translations/tr123" => reply(
            200,
            "application/json",
            json!({"lang": "en_US", "modules": {"web": {"messages": []}}, "multi_lang": false})
                .to_string(),
        ),
        "/web/static/fonts/lato/Lato-Reg-webfont.woff" => {
            reply(200, "application/font-woff", "wOFF")
        }
        "/point_of_sale/static/src/img/extra.png" => reply(200, "image/png", "\u{89}PNG"),
        "/point_of_sale/static/src/img/money.png" => reply(200, "image/png", "money"),
        p if p.starts_with("/web/static/")
            || p.starts_with("/hr_attendance/static/")
            || p.starts_with("/point_of_sale/static/src/") && !p.ends_with(".wav") =>
        {
            reply(200, "application/octet-stream", format!("static {p}"))
        }
        _ => reply(404, "text/html", "Not Found"),
    })
}

/// Starts the fake Odoo on a free loopback port.
async fn fake_odoo(fake: Fake) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                break;
            };
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| answer(fake, req));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    addr
}

fn args(addr: SocketAddr, password: &str, out: PathBuf) -> PullArgs {
    PullArgs {
        from: format!("http://{addr}"),
        db: "shop".into(),
        login: "cashier".into(),
        password: password.into(),
        config_id: None,
        out,
        progress: false,
    }
}

fn temp_out() -> PathBuf {
    std::env::temp_dir().join(format!("ops-pull-{}", uuid::Uuid::new_v4().simple()))
}

#[tokio::test]
async fn pull_files_the_bundle_what_it_names_and_a_manifest() {
    let addr = fake_odoo(Fake {
        major: 18,
        pos_user: true,
    })
    .await;
    let out = temp_out();
    let manifest = pull(&args(addr, "cashier", out.clone()))
        .await
        .expect("the pull");
    assert_eq!(manifest.odoo_version, "18.0");
    assert_eq!(manifest.bundle_js, JS);
    assert_eq!(manifest.bundle_css, CSS);
    assert_eq!(manifest.websocket_worker_version, "18.0-2");
    for url in [
        JS,
        CSS,
        "/bus/websocket_worker_bundle",
        "/web/webclient/translations",
        "/web/static/fonts/lato/Lato-Reg-webfont.woff",
        "/point_of_sale/static/src/img/extra.png",
        "/point_of_sale/static/src/img/money.png",
    ] {
        let f = manifest
            .files
            .get(url)
            .unwrap_or_else(|| panic!("{url} pulled"));
        let bytes = std::fs::read(out.join(&f.file)).unwrap();
        assert_eq!(f.sha256, hex::encode(Sha256::digest(&bytes)), "{url}");
        assert_eq!(f.size, bytes.len() as u64);
    }
    assert_eq!(manifest.files[JS].content_type, "application/javascript");
    assert_eq!(
        manifest.files["/web/static/fonts/lato/Lato-Reg-webfont.woff"].content_type,
        "application/font-woff"
    );
    assert_eq!(
        manifest.files["/bus/websocket_worker_bundle"].file,
        "bus/websocket_worker_bundle.js"
    );
    // What the fake Odoo does not have is skipped, not filed.
    assert!(!manifest
        .files
        .contains_key("/point_of_sale/static/src/sounds/bell.wav"));
    let written: odoo_pos_stripe::services::assets::Manifest =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(written, manifest);
    std::fs::remove_dir_all(out).unwrap();
}

#[tokio::test]
async fn pull_says_clearly_what_is_wrong() {
    let good = fake_odoo(Fake {
        major: 18,
        pos_user: true,
    })
    .await;
    let err = pull(&args(good, "wrong", temp_out()))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("cannot log in as \"cashier\" on database \"shop\""),
        "{err}"
    );
    assert!(err.contains("Access Denied"), "{err}");

    let old = fake_odoo(Fake {
        major: 17,
        pos_user: true,
    })
    .await;
    let err = pull(&args(old, "cashier", temp_out()))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("not Odoo 18"), "{err}");

    let not_pos = fake_odoo(Fake {
        major: 18,
        pos_user: false,
    })
    .await;
    let err = pull(&args(not_pos, "cashier", temp_out()))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("not an internal user"), "{err}");

    // Nobody listens there.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let err = pull(&args(closed, "cashier", temp_out()))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot reach Odoo at"), "{err}");

    // The binary says it too, and fails.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_odoo-pos-stripe"))
        .args([
            "pos-assets",
            "pull",
            "--from",
            &format!("http://{old}"),
            "--db",
            "shop",
            "--login",
            "cashier",
            "--password",
            "cashier",
            "--out",
        ])
        .arg(temp_out())
        .env_remove("OPS_CONFIG")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not Odoo 18"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn serve_refuses_a_folder_without_pulled_assets() {
    let db = crate::helpers::TempDb::new(crate::helpers::Backend::Sqlite).await;
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_odoo-pos-stripe"))
        .args([
            "--database",
            &db.url,
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--no-demo",
            "--pos-assets",
            "/nonexistent-pos-assets",
        ])
        .env("OPS_PASSWORD_ROUNDS", "1000")
        .env_remove("OPS_CONFIG")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no POS assets in /nonexistent-pos-assets"),
        "{stderr}"
    );
    assert!(stderr.contains("pos-assets pull"), "{stderr}");
}

both_with!(
    pulled_assets_are_served_by_the_server,
    |s: &mut odoo_pos_stripe::settings::Settings| {
        // The pull runs before the server starts, on its own runtime.
        let out = temp_out();
        let out2 = out.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async move {
                let addr = fake_odoo(Fake {
                    major: 18,
                    pos_user: true,
                })
                .await;
                pull(&args(addr, "cashier", out2)).await.unwrap();
            });
        })
        .join()
        .unwrap();
        s.pos_assets = out.to_string_lossy().into_owned();
    },
    |app| {
        let cashier = app.as_user("cashier").await;
        let config = cashier.search("pos.config", json!([])).await[0];
        let page = app
            .http
            .get(format!("{}/pos/ui?config_id={config}", app.base))
            .header("Cookie", format!("session_id={}", cashier.session_id))
            .send()
            .await
            .unwrap();
        let html = page.text().await.unwrap();
        assert!(html.contains(&format!("src=\"{JS}\"")), "{html}");
        assert!(html.contains(&format!("href=\"{CSS}\"")));
        let js = app
            .http
            .get(format!("{}{JS}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(js.status().as_u16(), 200);
        assert_eq!(js.text().await.unwrap(), "window.fixtureBundle = 1;\n");
        // Every same-origin GET of the recorded sale but RPCs, the page and images is
        // answered from the pulled files, with the recorded content type.
        let recorded: Value =
            serde_json::from_str(include_str!("../data/odoo18/web_routes.json")).unwrap();
        let mut checked = 0;
        for r in recorded["browser_sequence"].as_array().unwrap() {
            let url = r["url"].as_str().unwrap();
            if r["method"] != json!("GET")
                || !url.starts_with('/')
                || url.starts_with("/pos/ui")
                || url.starts_with("/web/image")
            {
                continue;
            }
            let got = app
                .http
                .get(format!("{}{url}", app.base))
                .header("Cookie", format!("session_id={}", cashier.session_id))
                .send()
                .await
                .unwrap();
            assert_eq!(got.status().as_u16(), 200, "{url}");
            let content_type = got.headers()["content-type"].to_str().unwrap().to_string();
            assert_eq!(content_type, r["content_type"].as_str().unwrap(), "{url}");
            checked += 1;
        }
        assert!(checked >= 14, "{checked} recorded requests checked");

        // The pulled translations are served whatever hash the page names.
        let tr: Value = app
            .http
            .get(format!(
                "{}/web/webclient/translations/anything?lang=en_US",
                app.base
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(tr["modules"]["web"], json!({"messages": []}));
    }
);
