//! The web side of the POS client (issue 10): the login form, `/odoo`, `/pos/ui` with
//! its inline `odoo` object, the pulled assets, translations, images, and the bus
//! websocket, over real HTTP and a real websocket, compared with what a real Odoo 18
//! answered (`tests/data/odoo18/web_routes.json`).

use std::path::{Path, PathBuf};

use futures::{SinkExt, StreamExt};
use odoo_pos_stripe::services::assets::{AssetFile, Manifest, MANIFEST};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{session_id_of, TestApp};
use crate::{both, both_with};

fn recorded() -> Value {
    serde_json::from_str(include_str!("../data/odoo18/web_routes.json")).unwrap()
}

/// An HTTP client that shows redirects instead of following them.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

struct Page {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Page {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }
}

async fn get(app: &TestApp, path: &str, cookie: Option<&str>, extra: &[(&str, &str)]) -> Page {
    let mut request = browser().get(format!("{}{path}", app.base));
    if let Some(c) = cookie {
        request = request.header("Cookie", format!("session_id={c}"));
    }
    for (k, v) in extra {
        request = request.header(*k, *v);
    }
    let resp = request.send().await.unwrap();
    Page {
        status: resp.status().as_u16(),
        headers: resp.headers().clone(),
        body: resp.bytes().await.unwrap().to_vec(),
    }
}

async fn post_form(app: &TestApp, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Page {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut request = browser()
        .post(format!("{}{path}", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(c) = cookie {
        request = request.header("Cookie", format!("session_id={c}"));
    }
    let resp = request.send().await.unwrap();
    Page {
        status: resp.status().as_u16(),
        headers: resp.headers().clone(),
        body: resp.bytes().await.unwrap().to_vec(),
    }
}

fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=\"csrf_token\" value=\"")
        .expect("a CSRF field")
        + 25;
    html[at..].split('"').next().unwrap().to_string()
}

/// A POS bundle of our own (not Odoo's code), filed as `pos-assets pull` files one.
pub fn fixture_assets() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ops-assets-{}", uuid::Uuid::new_v4().simple()));
    let files: &[(&str, &str, &[u8])] = &[
        (
            "/web/assets/b9fc182/point_of_sale.assets_prod.min.js",
            "application/javascript",
            b"window.fixturePos = true;\n",
        ),
        (
            "/web/assets/8711520/point_of_sale.assets_prod.min.css",
            "text/css",
            b"body.pos { margin: 0; }\n",
        ),
        (
            "/bus/websocket_worker_bundle",
            "application/javascript",
            b"self.fixtureWorker = true;\n",
        ),
        (
            "/web/static/fonts/lato/Lato-Reg-webfont.woff",
            "application/font-woff",
            b"wOFFfixture",
        ),
    ];
    let mut manifest = Manifest {
        odoo_version: "18.0".into(),
        pulled_from: "http://fixture".into(),
        pulled_at: "2026-11-30T00:00:00Z".into(),
        bundle_js: files[0].0.into(),
        bundle_css: files[1].0.into(),
        websocket_worker_version: "18.0-2".into(),
        ..Manifest::default()
    };
    for (url, content_type, bytes) in files {
        let rel = odoo_pos_stripe::services::assets::file_for(url, content_type).unwrap();
        let path = dir.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        manifest.files.insert(
            url.to_string(),
            AssetFile {
                file: rel,
                sha256: hex::encode(Sha256::digest(bytes)),
                content_type: content_type.to_string(),
                size: bytes.len() as u64,
            },
        );
    }
    std::fs::write(
        dir.join(MANIFEST),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    dir
}

fn with_assets(s: &mut odoo_pos_stripe::settings::Settings) {
    s.pos_assets = fixture_assets().to_string_lossy().into_owned();
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// The `var odoo = {...};` object of a `/pos/ui` page.
fn odoo_object(html: &str) -> Value {
    let start = html.find("var odoo = ").expect("the inline odoo object") + 11;
    let line = html[start..].lines().next().unwrap();
    serde_json::from_str(line.trim_end_matches(';')).unwrap()
}

both!(the_login_form_logs_in_as_odoo_does, |app| {
    // The form: a CSRF token bound to a new anonymous session cookie.
    let form = get(&app, "/web/login", None, &[]).await;
    assert_eq!(form.status, 200);
    assert_eq!(form.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(form.header("cache-control"), "no-cache");
    let anonymous = session_id_of(&form.header("set-cookie"));
    let csrf = csrf_of(&form.text());
    assert!(
        csrf.split_once('o').is_some_and(|(h, _)| h.len() == 40),
        "{csrf}"
    );

    // A wrong password shows the form again with Odoo's message.
    let wrong = post_form(
        &app,
        "/web/login",
        Some(&anonymous),
        &[
            ("csrf_token", &csrf),
            ("db", "odoo"),
            ("login", "cashier"),
            ("password", "nope"),
            ("redirect", ""),
        ],
    )
    .await;
    assert_eq!(wrong.status, 200);
    assert!(
        wrong.text().contains("Wrong login/password"),
        "{}",
        wrong.text()
    );

    // Another session's token is refused, as Odoo refuses it.
    let forged = post_form(
        &app,
        "/web/login",
        Some("another-session"),
        &[
            ("csrf_token", &csrf),
            ("login", "cashier"),
            ("password", "cashier"),
        ],
    )
    .await;
    assert_eq!(forged.status, 400);
    assert!(forged
        .text()
        .contains("Session expired (invalid CSRF token)"));

    // The right password: 303 to /odoo with a new session cookie (as recorded).
    assert!(recorded()["login_before_pos"]["response"]
        .as_str()
        .unwrap()
        .contains("303 redirect to /odoo"));
    let ok = post_form(
        &app,
        "/web/login",
        Some(&anonymous),
        &[
            ("csrf_token", &csrf),
            ("db", "odoo"),
            ("login", "cashier"),
            ("password", "cashier"),
            ("redirect", ""),
        ],
    )
    .await;
    assert_eq!(ok.status, 303);
    assert_eq!(ok.header("location"), "/odoo");
    let session = session_id_of(&ok.header("set-cookie"));
    assert_ne!(session, anonymous, "the session id rotates at login");

    // The session is a web session like any: JSON-RPC accepts it.
    let info = app.with_cookie(&session, 0).session_info().await;
    assert_eq!(info["result"]["username"], json!("cashier"));

    // /odoo lists the points of sale to open; without a session it sends to the form.
    let landing = get(&app, "/odoo", Some(&session), &[]).await;
    assert_eq!(landing.status, 200);
    assert!(
        landing.text().contains("/pos/ui?config_id="),
        "{}",
        landing.text()
    );
    let anonymous_landing = get(&app, "/odoo", None, &[]).await;
    assert_eq!(anonymous_landing.status, 303);
    assert_eq!(
        anonymous_landing.header("location"),
        "/web/login?redirect=%2Fodoo%3F"
    );

    // Logged in, the form goes straight to its `redirect`, kept on this server.
    let back = get(
        &app,
        "/web/login?redirect=%2Fpos%2Fui%3Fconfig_id%3D1",
        Some(&session),
        &[],
    )
    .await;
    assert_eq!(back.status, 303);
    assert_eq!(back.header("location"), "/pos/ui?config_id=1");
    let away = get(
        &app,
        "/web/login?redirect=https%3A%2F%2Fevil.example%2Fx",
        Some(&session),
        &[],
    )
    .await;
    assert_eq!(away.header("location"), "/x");
    // Logging out ends the session and goes back to /odoo (then the form).
    let out = get(&app, "/web/session/logout", Some(&session), &[]).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.header("location"), "/odoo");
    assert!(out.header("set-cookie").starts_with("session_id=;"));
    crate::helpers::assert_session_expired(&app.with_cookie(&session, 0).session_info().await);
});

both_with!(
    pos_ui_serves_the_recorded_odoo_object_and_the_assets,
    with_assets,
    |app| {
        let want = recorded();
        let cashier = app.as_user("cashier").await;
        let config = cashier.search("pos.config", json!([])).await[0];

        // Not logged in: to the login form, coming back here.
        let anonymous = get(&app, &format!("/pos/ui?config_id={config}"), None, &[]).await;
        assert_eq!(anonymous.status, 303);
        assert_eq!(
            anonymous.header("location"),
            format!("/web/login?redirect=%2Fpos%2Fui%3Fconfig_id%3D{config}")
        );

        let page = get(
            &app,
            &format!("/pos/ui?config_id={config}"),
            Some(&cashier.session_id),
            &[],
        )
        .await;
        assert_eq!(page.status, 200, "{}", page.text());
        let headers = &want["pos_ui"]["headers"];
        for name in ["Content-Type", "Cache-Control", "X-Content-Type-Options"] {
            assert_eq!(page.header(name), headers[name].as_str().unwrap(), "{name}");
        }
        let html = page.text();
        assert!(html.contains("<title>Odoo POS</title>"));
        assert!(html.contains("<body class=\"pos\">"));
        for url in want["pos_ui"]["referenced_urls"].as_array().unwrap() {
            let mut url = url["url"].as_str().unwrap();
            // With the built-in simulator the page loads the simulated Terminal SDK in place
            // of Stripe's (tests/api/terminal_sdk.rs checks both cases).
            if url == "https://js.stripe.com/terminal/v1/" {
                url = "/stripe-sim/terminal/v1/sdk.js";
            }
            assert!(
                html.contains(&format!("\"{url}\"")),
                "the page references {url}"
            );
        }

        // The inline object: the recorded keys in the recorded order, the session info's too.
        let odoo = odoo_object(&html);
        let recorded_odoo = &want["pos_ui"]["inline_odoo_object"];
        assert_eq!(keys(&odoo), keys(recorded_odoo));
        assert_eq!(
            keys(&odoo["__session_info__"]),
            keys(&recorded_odoo["__session_info__"])
        );
        for key in keys(recorded_odoo) {
            if key != "csrf_token" && key != "__session_info__" {
                assert_eq!(
                    std::mem::discriminant(&odoo[&key]),
                    std::mem::discriminant(&recorded_odoo[&key]),
                    "{key}: {} vs {}",
                    odoo[&key],
                    recorded_odoo[&key]
                );
            }
        }
        assert_eq!(
            odoo["__session_info__"]["user_context"]["allowed_company_ids"],
            json!([cashier
                .read("res.users", &[cashier.uid], &["company_id"])
                .await[0]["company_id"][0]])
        );
        assert_eq!(odoo["pos_config_id"], json!(config));
        assert_eq!(odoo["from_backend"], json!(0));
        let token = cashier
            .read("pos.config", &[config], &["access_token"])
            .await[0]["access_token"]
            .clone();
        assert_eq!(odoo["access_token"], token);
        let session = odoo["pos_session_id"].as_i64().unwrap();
        let opened = cashier
            .read(
                "pos.session",
                &[session],
                &["state", "config_id", "login_number"],
            )
            .await;
        assert_eq!(opened[0]["state"], json!("opening_control"));
        assert_eq!(opened[0]["config_id"][0], json!(config));
        assert_eq!(opened[0]["login_number"], odoo["login_number"]);

        // Each load is one more login on the same session.
        let again = odoo_object(
            &get(
                &app,
                &format!("/pos/ui?config_id={config}"),
                Some(&cashier.session_id),
                &[],
            )
            .await
            .text(),
        );
        assert_eq!(again["pos_session_id"], json!(session));
        assert_eq!(
            again["login_number"].as_i64().unwrap(),
            odoo["login_number"].as_i64().unwrap() + 1
        );

        // Devices loading at once each get their own login number.
        let loads = (0..4).map(|_| {
            let path = format!("/pos/ui?config_id={config}");
            let sid = cashier.session_id.clone();
            let app = &app;
            async move {
                odoo_object(&get(app, &path, Some(&sid), &[]).await.text())["login_number"]
                    .as_i64()
                    .unwrap()
            }
        });
        let mut numbers = futures::future::join_all(loads).await;
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 4, "{numbers:?}");

        // A session being closed holds the POS: Odoo sends the user back to the POS menu.
        let admin = app.as_user("admin").await;
        admin
            .write(
                "pos.session",
                &[session],
                json!({"state": "closing_control"}),
            )
            .await;
        let closing = get(
            &app,
            &format!("/pos/ui?config_id={config}"),
            Some(&cashier.session_id),
            &[],
        )
        .await;
        assert_eq!(closing.status, 303);
        assert_eq!(
            closing.header("location"),
            "/odoo/action-point_of_sale.action_client_pos_menu"
        );

        // A POS that cannot open a session says why, as Odoo's open_ui does.
        let bare = admin
            .create(
                "pos.config",
                json!({"name": "Bare shop", "payment_method_ids": [[6, 0, []]]}),
            )
            .await;
        let refused = get(
            &app,
            &format!("/pos/ui?config_id={bare}"),
            Some(&cashier.session_id),
            &[],
        )
        .await;
        assert_eq!(refused.status, 400);
        assert!(
            refused.text().contains(
                "You must have at least one payment method configured to launch a session."
            ),
            "{}",
            refused.text()
        );
        assert!(cashier
            .search("pos.session", json!([["config_id", "=", bare]]))
            .await
            .is_empty());

        // Only internal users see the POS (Odoo: 404); /odoo sends others away.
        admin
        .create(
            "res.users",
            json!({"name": "Visitor", "login": "visitor", "password": "visitor", "groups_id": [[6, 0, []]]}),
        )
        .await;
        let visitor = app.as_user("visitor").await;
        let refused = get(
            &app,
            &format!("/pos/ui?config_id={config}"),
            Some(&visitor.session_id),
            &[],
        )
        .await;
        assert_eq!(refused.status, 404);
        let landing = get(&app, "/odoo", Some(&visitor.session_id), &[]).await;
        assert_eq!(landing.status, 303);
        assert_eq!(landing.header("location"), "/web/login_successful");

        // A POS that does not exist: to the POS menu, as Odoo.
        let missing = get(
            &app,
            "/pos/ui?config_id=99999",
            Some(&cashier.session_id),
            &[],
        )
        .await;
        assert_eq!(missing.status, 303);
        assert_eq!(
            missing.header("location"),
            "/odoo/action-point_of_sale.action_client_pos_menu"
        );

        // The bundle: its content type, cached for good, revalidated by ETag.
        let js_url = "/web/assets/b9fc182/point_of_sale.assets_prod.min.js";
        let js = get(&app, js_url, None, &[]).await;
        assert_eq!(js.status, 200);
        assert_eq!(js.header("content-type"), "application/javascript");
        assert_eq!(
            js.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(js.text(), "window.fixturePos = true;\n");
        let etag = js.header("etag");
        let cached = get(&app, js_url, None, &[("If-None-Match", &etag)]).await;
        assert_eq!(cached.status, 304);
        assert!(cached.body.is_empty());
        let font = get(
            &app,
            "/web/static/fonts/lato/Lato-Reg-webfont.woff",
            None,
            &[],
        )
        .await;
        assert_eq!(font.header("content-type"), "application/font-woff");
        assert_eq!(font.header("cache-control"), "public, max-age=604800");
        let worker = get(&app, "/bus/websocket_worker_bundle?v=18.0-2", None, &[]).await;
        assert_eq!(worker.status, 200);
        assert_eq!(worker.header("content-type"), "application/javascript");
        assert_eq!(
            get(&app, "/web/static/not/pulled.png", None, &[])
                .await
                .status,
            404
        );
    }
);

both!(
    pos_ui_without_assets_says_how_to_pull_them_and_images_translations_answer,
    |app| {
        let cashier = app.as_user("cashier").await;
        let config = cashier.search("pos.config", json!([])).await[0];
        let page = get(
            &app,
            &format!("/pos/ui?config_id={config}"),
            Some(&cashier.session_id),
            &[],
        )
        .await;
        assert_eq!(page.status, 200);
        assert!(
            page.text().contains("odoo-pos-stripe pos-assets pull"),
            "{}",
            page.text()
        );

        // Translations: the recorded answer, exactly (English has no messages).
        let want = &recorded()["json_gets"][0];
        let info = cashier.session_info().await;
        let hash = info["result"]["cache_hashes"]["translations"]
            .as_str()
            .unwrap()
            .to_string();
        let got = get(
            &app,
            &format!("/web/webclient/translations/{hash}?lang=en_US"),
            Some(&cashier.session_id),
            &[],
        )
        .await;
        assert_eq!(got.status, want["http_status"].as_u64().unwrap() as u16);
        assert_eq!(got.header("content-type"), "application/json");
        let got: Value = serde_json::from_slice(&got.body).unwrap();
        assert_eq!(got, want["response"]);

        // A stored product image: its type, an ETag, a year of cache with `unique`, 304.
        let admin = app.as_user("admin").await;
        let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRfixture";
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(png);
        let template = admin
            .search("product.template", json!([["available_in_pos", "=", true]]))
            .await[0];
        admin
            .write("product.template", &[template], json!({"image_128": b64}))
            .await;
        let url = format!("/web/image?model=product.template&field=image_128&id={template}&unique=2026-11-30%2003:39:30");
        let image = get(&app, &url, Some(&cashier.session_id), &[]).await;
        assert_eq!(image.status, 200);
        assert_eq!(image.header("content-type"), "image/png");
        assert_eq!(image.body, png);
        assert_eq!(
            image.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        let again = get(
            &app,
            &url,
            Some(&cashier.session_id),
            &[("If-None-Match", &image.header("etag"))],
        )
        .await;
        assert_eq!(again.status, 304);
        let by_path = get(
            &app,
            &format!("/web/image/product.template/{template}/image_128"),
            Some(&cashier.session_id),
            &[],
        )
        .await;
        assert_eq!(by_path.body, png);
        assert_eq!(by_path.header("cache-control"), "no-cache");

        // Without an image: a placeholder; a user: an avatar (SVG, as Odoo's).
        let category = admin.search("pos.category", json!([])).await[0];
        let placeholder = get(
            &app,
            &format!("/web/image?model=pos.category&field=image_128&id={category}"),
            Some(&cashier.session_id),
            &[],
        )
        .await;
        assert_eq!(placeholder.status, 200);
        assert_eq!(placeholder.header("content-type"), "image/svg+xml");
        let avatar = get(
            &app,
            &format!("/web/image/res.users/{}/avatar_128", cashier.uid),
            Some(&cashier.session_id),
            &[],
        )
        .await;
        assert_eq!(avatar.status, 200);
        assert_eq!(avatar.header("content-type"), "image/svg+xml");
        assert!(avatar.text().starts_with("<svg"));
        let company = get(
            &app,
            "/web/image?model=res.company&id=1&field=logo",
            Some(&cashier.session_id),
            &[],
        )
        .await;
        assert_eq!(company.status, 200);
        let logo = get(
            &app,
            "/web/binary/company_logo",
            Some(&cashier.session_id),
            &[],
        )
        .await;
        assert_eq!(logo.status, 200);
        assert!(logo.header("content-type").starts_with("image/"));

        // Models without images, missing records and anonymous callers: 404.
        assert_eq!(
            get(
                &app,
                "/web/image?model=ir.config_parameter&id=1&field=value",
                Some(&cashier.session_id),
                &[]
            )
            .await
            .status,
            404
        );
        assert_eq!(
            get(
                &app,
                "/web/image?model=product.template&id=999999&field=image_128",
                Some(&cashier.session_id),
                &[]
            )
            .await
            .status,
            404
        );
        assert_eq!(get(&app, &url, None, &[]).await.status, 404);
    }
);

async fn next_text<S>(ws: &mut S) -> Value
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next())
            .await
            .expect("a frame within 10 s")
            .expect("the connection is open")
            .expect("a frame");
        if let Message::Text(text) = msg {
            return serde_json::from_str(text.as_str()).unwrap();
        }
    }
}

both!(
    the_bus_websocket_delivers_synchronisation_after_commit,
    |app| {
        let cashier = app.as_user("cashier").await;
        let config = cashier.search("pos.config", json!([])).await[0];
        let token = cashier
            .read("pos.config", &[config], &["access_token"])
            .await[0]["access_token"]
            .as_str()
            .unwrap()
            .to_string();

        // The recorded client's frames: connect with the worker's version, subscribe.
        let recorded = recorded();
        let connection = &recorded["websocket"]["connections"][0];
        let url = format!("ws://{}{}", app.addr, connection["url"].as_str().unwrap());
        let (mut ws, response) = tokio_tungstenite::connect_async(url)
            .await
            .expect("a websocket");
        assert_eq!(response.status().as_u16(), 101);
        let subscribe: Value =
            serde_json::from_str(connection["frames_sent"][0]["payload"].as_str().unwrap())
                .unwrap();
        assert_eq!(subscribe["event_name"], json!("subscribe"));
        let frame = json!({"event_name": "subscribe", "data": {"channels": [token], "last": 0}});
        ws.send(Message::text(frame.to_string())).await.unwrap();

        // Pings are answered.
        ws.send(Message::Ping(b"still there?".to_vec().into()))
            .await
            .unwrap();
        match ws.next().await.unwrap().unwrap() {
            Message::Pong(data) => assert_eq!(&data[..], b"still there?"),
            other => panic!("expected a pong, got {other:?}"),
        }

        // A call that fails sends nothing; the next one is heard, after its commit.
        let refused = cashier
            .call(
                "pos.config",
                "notify_synchronisation",
                json!([[config], 4, 12, {"pos.order": ["x"]}]),
                json!({}),
            )
            .await;
        assert!(refused.is_err(), "{refused:?}");
        let partner = cashier.search("res.partner", json!([])).await[0];
        cashier
            .call_ok(
                "pos.config",
                "notify_synchronisation",
                json!([[config], 4, 13, {"res.partner": [partner]}]),
                json!({}),
            )
            .await;
        let got = next_text(&mut ws).await;
        let list = got.as_array().expect("a list of notifications");
        assert_eq!(list.len(), 1);
        assert!(list[0]["id"].as_u64().is_some());
        let message = &list[0]["message"];
        assert_eq!(message["type"], json!("SYNCHRONISATION"));
        assert_eq!(message["payload"]["session_id"], json!(4));
        assert_eq!(message["payload"]["login_number"], json!(13));
        assert_eq!(
            message["payload"]["records"],
            json!({"res.partner": [partner]})
        );
        assert_eq!(
            message["payload"]["static_records"]["res.partner"][0]["id"],
            json!(partner)
        );

        // A client that reconnects with the last id it saw gets nothing twice; one with
        // an older id gets what it missed.
        let id = list[0]["id"].as_u64().unwrap();
        let (mut late, _) =
            tokio_tungstenite::connect_async(format!("ws://{}/websocket?version=18.0-2", app.addr))
                .await
                .unwrap();
        let frame =
            json!({"event_name": "subscribe", "data": {"channels": [token], "last": id - 1}});
        late.send(Message::text(frame.to_string())).await.unwrap();
        let missed = next_text(&mut late).await;
        assert_eq!(missed[0]["id"], json!(id));

        // Closed connections are no longer counted against the bound.
        assert_eq!(app.services.bus.listeners(), 2);
        ws.close(None).await.unwrap();
        late.close(None).await.unwrap();
        let mut waited = 0;
        while app.services.bus.listeners() > 0 && waited < 100 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            waited += 1;
        }
        assert_eq!(app.services.bus.listeners(), 0);

        // A plain GET is not a websocket.
        assert_eq!(get(&app, "/websocket", None, &[]).await.status, 400);
    }
);

#[test]
fn the_fixture_bundle_is_ours() {
    let dir = fixture_assets();
    let manifest: Manifest =
        serde_json::from_slice(&std::fs::read(dir.join(MANIFEST)).unwrap()).unwrap();
    assert_eq!(manifest.files.len(), 4);
    assert!(Path::new(&dir)
        .join("bus/websocket_worker_bundle.js")
        .is_file());
    std::fs::remove_dir_all(dir).unwrap();
}
