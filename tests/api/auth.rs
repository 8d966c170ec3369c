//! Credentials and sessions: `/web/session/*`, `common.login`/`authenticate`, wrong
//! passwords, cookie attributes and rotation, session invalidation on password change
//! and deactivation, API keys, the login throttle, passlib hashes from a real Odoo.

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{json, Value};

use odoo_pos_stripe::auth::users::create_api_key;
use odoo_pos_stripe::orm::Env;

use crate::helpers::*;
use crate::{both, both_with};

/// The raw answer of `/web/session/authenticate`, optionally presenting a cookie.
async fn authenticate(app: &TestApp, login: &str, password: &str, cookie: Option<&str>) -> Raw {
    let body = json!({"jsonrpc": "2.0", "method": "call", "params": {"db": "odoo", "login": login, "password": password}, "id": 1});
    app.post_raw(
        "/web/session/authenticate",
        "application/json",
        body.to_string(),
        cookie,
    )
    .await
}

fn cookie_value(raw: &Raw) -> String {
    let header = raw
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a Set-Cookie header");
    header
        .split(';')
        .next()
        .and_then(|kv| kv.strip_prefix("session_id="))
        .expect("session_id=")
        .to_string()
}

#[track_caller]
fn assert_session_expired(env: &Value) {
    let err = &env["error"];
    assert_eq!(err["code"], json!(100), "{env}");
    assert_eq!(err["message"], json!("Odoo Session Expired"), "{env}");
    assert_eq!(
        err["data"]["name"],
        json!("odoo.http.SessionExpiredException"),
        "{env}"
    );
    assert_eq!(err["data"]["message"], json!("Session expired"), "{env}");
}

async fn session_info(app: &TestApp, s: &Client) -> Value {
    app.rpc("/web/session/get_session_info", json!({}), Some(s))
        .await
}

/// Creates an API key for `uid` through the library (there is no RPC for it).
async fn api_key(app: &TestApp, uid: i64, expiration: Option<&str>) -> String {
    let tx = app.services.db.begin().await.unwrap();
    let key = {
        let env = Env::system(&tx, app.services.registry, &*app.services);
        create_api_key(&env, uid, "test key", expiration)
            .await
            .expect("creating an API key")
    };
    tx.commit().await.unwrap();
    key
}

both!(session_login_cookie_and_info, |app| {
    let raw = authenticate(&app, "admin", "admin", None).await;
    assert_eq!(raw.status, 200);
    let env = raw.json();
    let info = &env["result"];
    assert_eq!(info["uid"], json!(2));
    assert_eq!(info["is_system"], json!(true));
    assert_eq!(info["is_admin"], json!(true));
    assert_eq!(info["is_public"], json!(false));
    assert_eq!(info["db"], json!("odoo"));
    assert_eq!(info["username"], json!("admin"));
    assert_eq!(info["user_context"]["uid"], json!(2));
    assert!(info["user_context"]["lang"].is_string());
    assert!(info["user_companies"]["allowed_companies"].is_object());
    assert!(
        info.get("session_id").is_none(),
        "no session_id in the body"
    );
    for key in [
        "uid",
        "is_system",
        "is_admin",
        "is_public",
        "is_internal_user",
        "user_context",
        "db",
        "user_settings",
        "server_version",
        "server_version_info",
        "name",
        "username",
        "partner_display_name",
        "partner_id",
        "web.base.url",
        "currencies",
        "user_companies",
    ] {
        assert!(info.get(key).is_some(), "session_info lacks {key}: {info}");
    }
    let main = app.xmlid("base.main_company").await;
    assert_eq!(info["user_companies"]["current_company"], json!(main));
    assert_eq!(
        info["user_companies"]["allowed_companies"][main.to_string()]["name"],
        json!("My Company")
    );
    let usd = app.xmlid("base.USD").await;
    assert_eq!(info["currencies"][usd.to_string()]["symbol"], json!("$"));
    assert_eq!(
        info["currencies"][usd.to_string()]["digits"],
        json!([69, 2])
    );
    assert_eq!(info["is_internal_user"], json!(true));
    let header = raw.headers["set-cookie"].to_str().unwrap().to_string();
    assert!(header.contains("HttpOnly"), "{header}");
    assert!(header.contains("Path=/"), "{header}");
    assert!(!header.contains("Domain="), "{header}");
    let sid = cookie_value(&raw);
    assert!(sid.len() >= 32, "a long random session id: {sid}");
    let s = app.with_cookie(&sid, 2);
    let env = session_info(&app, &s).await;
    assert_eq!(env["result"]["uid"], json!(2));
    // The cookie has no Domain: the same session works under another host name.
    let other_host = format!("http://localhost:{}", app.addr.port());
    let resp = app
        .http
        .post(format!("{other_host}/web/session/get_session_info"))
        .header("Content-Type", "application/json")
        .header("Cookie", format!("session_id={sid}"))
        .body(json!({"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}).to_string())
        .send()
        .await
        .unwrap();
    let env: Value = resp.json().await.unwrap();
    assert_eq!(env["result"]["username"], json!("admin"));
    // /web/session/check answers without a result.
    let env = app.rpc("/web/session/check", json!({}), Some(&s)).await;
    assert!(
        env.get("error").is_none() && env.get("result").is_none(),
        "{env}"
    );
    // common.login / authenticate give the uid.
    let env = app
        .jsonrpc("common", "login", json!(["odoo", "cashier", "cashier"]))
        .await;
    let cashier_uid = env["result"].as_i64().expect("a uid");
    let env = app
        .jsonrpc(
            "common",
            "authenticate",
            json!(["odoo", "cashier", "cashier", {}]),
        )
        .await;
    assert_eq!(env["result"], json!(cashier_uid));
    let cashier = app.login("cashier", "cashier").await;
    assert_eq!(cashier.uid, cashier_uid);
});

both!(session_is_rotated_at_login_and_destroyed, |app| {
    let first = authenticate(&app, "admin", "admin", None).await;
    let first_sid = cookie_value(&first);
    // Logging in again while presenting the old cookie ends the old session.
    let second = authenticate(&app, "admin", "admin", Some(&first_sid)).await;
    let second_sid = cookie_value(&second);
    assert_ne!(first_sid, second_sid);
    let old = app.with_cookie(&first_sid, 2);
    assert_session_expired(&session_info(&app, &old).await);
    let s = app.with_cookie(&second_sid, 2);
    assert_eq!(session_info(&app, &s).await["result"]["uid"], json!(2));
    // destroy: no result, and the session is gone.
    let env = app.rpc("/web/session/destroy", json!({}), Some(&s)).await;
    assert!(env.get("error").is_none(), "{env}");
    assert!(env.get("result").is_none(), "{env}");
    assert_session_expired(&session_info(&app, &s).await);
    let err = app
        .call_kw(&s, "res.partner", "search", json!([[]]), json!({}))
        .await
        .unwrap_err();
    assert_eq!(err["code"], json!(100));
    // No cookie at all, and a made-up one.
    assert_session_expired(
        &app.rpc("/web/session/get_session_info", json!({}), None)
            .await,
    );
    let fake = app.with_cookie(&"0".repeat(40), 2);
    assert_session_expired(&session_info(&app, &fake).await);
});

both!(wrong_credentials, |app| {
    let env = authenticate(&app, "admin", "wrong", None).await.json();
    assert_eq!(env["error"]["code"], json!(200), "{env}");
    assert_error(
        &env["error"],
        "odoo.exceptions.AccessDenied",
        "Access Denied",
    );
    let env = authenticate(&app, "nobody", "admin", None).await.json();

    // Logins match exactly, as Odoo's `[('login', '=', login)]`: no case folding and
    // no LIKE wildcards.
    for login in ["ADMIN", "adm%", "_dmin", " admin"] {
        let env = authenticate(&app, login, "admin", None).await.json();
        assert_error(
            &env["error"],
            "odoo.exceptions.AccessDenied",
            "Access Denied",
        );
        let env = app
            .jsonrpc("common", "login", json!(["odoo", login, "admin"]))
            .await;
        assert_eq!(env["result"], json!(false), "{login}");
    }
    assert_error(
        &env["error"],
        "odoo.exceptions.AccessDenied",
        "Access Denied",
    );
    let env = app
        .rpc(
            "/web/session/authenticate",
            json!({"db": "other", "login": "admin", "password": "admin"}),
            None,
        )
        .await;
    assert_error(
        &env["error"],
        "odoo.exceptions.AccessError",
        "Database not found.",
    );
    // common.login / authenticate answer false, never an error.
    for method in ["login", "authenticate"] {
        let args = if method == "login" {
            json!(["odoo", "admin", "wrong"])
        } else {
            json!(["odoo", "admin", "wrong", {}])
        };
        let env = app.jsonrpc("common", method, args).await;
        assert_eq!(env["result"], json!(false), "{method}: {env}");
    }
    let err = app
        .execute_kw(2, "wrong", "res.partner", "search", json!([[]]), json!({}))
        .await
        .unwrap_err();
    assert_error(&err, "odoo.exceptions.AccessDenied", "Access Denied");
    // The right password for another uid is no good either.
    let err = app
        .execute_kw(
            2,
            "cashier",
            "res.partner",
            "search",
            json!([[]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(&err, "odoo.exceptions.AccessDenied", "Access Denied");
});

both!(password_change_ends_other_sessions, |app| {
    let admin = app.login("admin", "admin").await;
    let cashier1 = app.login("cashier", "cashier").await;
    let cashier2 = app.login("cashier", "cashier").await;
    assert_eq!(
        session_info(&app, &cashier1).await["result"]["uid"],
        json!(cashier1.uid)
    );
    app.call_kw(
        &admin,
        "res.users",
        "write",
        json!([[cashier1.uid], {"password": "n3w-secret"}]),
        json!({}),
    )
    .await
    .unwrap();
    assert_session_expired(&session_info(&app, &cashier1).await);
    assert_session_expired(&session_info(&app, &cashier2).await);
    // The admin's own session is untouched.
    assert_eq!(session_info(&app, &admin).await["result"]["uid"], json!(2));
    let env = authenticate(&app, "cashier", "cashier", None).await.json();
    assert_error(
        &env["error"],
        "odoo.exceptions.AccessDenied",
        "Access Denied",
    );
    let err = app
        .execute_kw(
            cashier1.uid,
            "cashier",
            "pos.config",
            "search",
            json!([[]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(&err, "odoo.exceptions.AccessDenied", "Access Denied");
    let fresh = app.login("cashier", "n3w-secret").await;
    assert_eq!(fresh.uid, cashier1.uid);
    // The password is never readable.
    let r = app
        .call_kw(
            &admin,
            "res.users",
            "read",
            json!([[cashier1.uid]]),
            json!({}),
        )
        .await
        .unwrap();
    assert!(
        r[0].get("password").is_none() || r[0]["password"] == json!(false),
        "{r}"
    );
});

both!(change_password_needs_the_old_one, |app| {
    let cashier = app.login("cashier", "cashier").await;
    let other = app.login("cashier", "cashier").await;
    let err = app
        .call_kw(
            &cashier,
            "res.users",
            "change_password",
            json!(["wrong", "n3w-secret"]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(&err, "odoo.exceptions.AccessDenied", "Access Denied");
    let err = app
        .call_kw(
            &cashier,
            "res.users",
            "change_password",
            json!(["cashier", "  "]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.UserError",
        "Setting empty passwords is not allowed for security reasons!",
    );
    // Nothing changed so far.
    assert_eq!(
        session_info(&app, &other).await["result"]["uid"],
        json!(cashier.uid)
    );
    let r = app
        .call_kw(
            &cashier,
            "res.users",
            "change_password",
            json!([]),
            json!({"old_passwd": "cashier", "new_passwd": "n3w-secret"}),
        )
        .await
        .unwrap();
    assert_eq!(r, json!(true));
    assert_session_expired(&session_info(&app, &other).await);
    let env = authenticate(&app, "cashier", "cashier", None).await.json();
    assert_error(
        &env["error"],
        "odoo.exceptions.AccessDenied",
        "Access Denied",
    );
    app.login("cashier", "n3w-secret").await;
});

both!(deactivated_users_lose_their_sessions, |app| {
    let admin = app.login("admin", "admin").await;
    let cashier = app.login("cashier", "cashier").await;
    app.call_kw(
        &admin,
        "res.users",
        "write",
        json!([[cashier.uid], {"active": false}]),
        json!({}),
    )
    .await
    .unwrap();
    assert_session_expired(&session_info(&app, &cashier).await);
    let env = authenticate(&app, "cashier", "cashier", None).await.json();
    assert_error(
        &env["error"],
        "odoo.exceptions.AccessDenied",
        "Access Denied",
    );
    let env = app
        .jsonrpc("common", "login", json!(["odoo", "cashier", "cashier"]))
        .await;
    assert_eq!(env["result"], json!(false));
    let err = app
        .execute_kw(
            cashier.uid,
            "cashier",
            "pos.config",
            "search",
            json!([[]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(&err, "odoo.exceptions.AccessDenied", "Access Denied");
});

both!(api_keys_for_rpc_only, |app| {
    let cashier = app.login("cashier", "cashier").await;
    let key = api_key(&app, cashier.uid, None).await;
    assert_eq!(key.len(), 40);
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()));
    let r = app
        .execute_kw(
            cashier.uid,
            &key,
            "pos.config",
            "search_read",
            json!([[], ["name"]]),
            json!({}),
        )
        .await
        .expect("an API key works for execute_kw");
    assert_eq!(r[0]["name"], json!("Shop"));
    let env = app
        .jsonrpc("common", "login", json!(["odoo", "cashier", key]))
        .await;
    assert_eq!(env["result"], json!(cashier.uid));
    // Not for an interactive session login.
    let env = authenticate(&app, "cashier", &key, None).await.json();
    assert_error(
        &env["error"],
        "odoo.exceptions.AccessDenied",
        "Access Denied",
    );
    // Only for its own user.
    let err = app
        .execute_kw(2, &key, "res.partner", "search", json!([[]]), json!({}))
        .await
        .unwrap_err();
    assert_error(&err, "odoo.exceptions.AccessDenied", "Access Denied");
    // A key with the right index but a wrong tail is refused.
    let mut forged = key[..8].to_string();
    forged.push_str(&"0".repeat(32));
    let err = app
        .execute_kw(
            cashier.uid,
            &forged,
            "pos.config",
            "search",
            json!([[]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(&err, "odoo.exceptions.AccessDenied", "Access Denied");
    // An expired key is refused.
    let expired = api_key(&app, cashier.uid, Some("2020-01-01 00:00:00")).await;
    let err = app
        .execute_kw(
            cashier.uid,
            &expired,
            "pos.config",
            "search",
            json!([[]]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(&err, "odoo.exceptions.AccessDenied", "Access Denied");
});

both!(failed_logins_are_throttled, |app| {
    let limit = app.services.settings.login_cooldown_after;
    assert!(limit > 0);
    for _ in 0..limit {
        let env = authenticate(&app, "cashier", "wrong", None).await.json();
        assert_error(
            &env["error"],
            "odoo.exceptions.AccessDenied",
            "Access Denied",
        );
    }
    // Now even the right password is refused for a while...
    let env = authenticate(&app, "cashier", "cashier", None).await.json();
    assert_error(
        &env["error"],
        "odoo.exceptions.AccessDenied",
        "Too many login failures, please wait a bit before trying again.",
    );
    // ...common.login answers false rather than raising, as Odoo's exp_authenticate...
    let env = app
        .jsonrpc("common", "login", json!(["odoo", "cashier", "cashier"]))
        .await;
    assert_eq!(env["result"], json!(false), "{env}");
    // ...and other logins are not affected.
    let admin = app.login("admin", "admin").await;
    assert_eq!(admin.uid, 2);
});

// A hash as passlib's pbkdf2_sha512 writes it in Odoo's res_users.password (29000
// rounds, 16-byte salt, adapted base64), for the password "correct horse battery".
const PASSLIB_HASH: &str = "$pbkdf2-sha512$29000$obLD1OX2BxgpOktcbX6PkA$7bctCAsxlwRZenRh.x0dKnBjmr08X7H1cKVYFYjnnDOhFMomzvuZGZxtRTYxgUQaoTzFF42KslMKTWYUuxT8wg";

both!(passlib_hashes_from_odoo_verify, |app| {
    let backend = match app.backend {
        Backend::Sqlite => sea_orm::DbBackend::Sqlite,
        Backend::Postgres => sea_orm::DbBackend::Postgres,
    };
    app.services
        .db
        .execute(sea_orm::Statement::from_string(
            backend,
            format!("UPDATE res_users SET password = '{PASSLIB_HASH}' WHERE login = 'employee'"),
        ))
        .await
        .unwrap();
    let employee = app.login("employee", "correct horse battery").await;
    assert!(employee.uid > 2);
    let env = authenticate(&app, "employee", "employee", None)
        .await
        .json();
    assert_error(
        &env["error"],
        "odoo.exceptions.AccessDenied",
        "Access Denied",
    );
    let env = authenticate(&app, "employee", "correct horse batterY", None)
        .await
        .json();
    assert_error(
        &env["error"],
        "odoo.exceptions.AccessDenied",
        "Access Denied",
    );
    // New hashes are written in the same format.
    let admin = app.login("admin", "admin").await;
    app.call_kw(
        &admin,
        "res.users",
        "write",
        json!([[employee.uid], {"password": "rotated-pw"}]),
        json!({}),
    )
    .await
    .unwrap();
    let row = app
        .services
        .db
        .query_one(sea_orm::Statement::from_string(
            backend,
            "SELECT password FROM res_users WHERE login = 'employee'".to_string(),
        ))
        .await
        .unwrap()
        .unwrap();
    let stored: String = row.try_get_by("password").unwrap();
    let parts: Vec<&str> = stored.split('$').collect();
    assert_eq!(parts[1], "pbkdf2-sha512", "{stored}");
    assert_eq!(parts[2], app.services.settings.password_rounds.to_string());
    assert_eq!(parts.len(), 5, "{stored}");
    assert!(!stored.contains("rotated-pw"));
    app.login("employee", "rotated-pw").await;
});

both_with!(
    the_cooldown_ends,
    |s: &mut odoo_pos_stripe::settings::Settings| {
        s.login_cooldown_after = 2;
        s.login_cooldown_seconds = 1;
    },
    |app| {
        for _ in 0..2 {
            authenticate(&app, "cashier", "wrong", None).await;
        }
        let env = authenticate(&app, "cashier", "cashier", None).await.json();
        assert_error(
            &env["error"],
            "odoo.exceptions.AccessDenied",
            "Too many login failures",
        );
        tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
        app.login("cashier", "cashier").await;
    }
);

both_with!(
    idle_sessions_expire,
    |s: &mut odoo_pos_stripe::settings::Settings| s.session_idle_days = 0,
    |app| {
        let admin = app.login("admin", "admin").await;
        tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
        assert_session_expired(&session_info(&app, &admin).await);
    }
);
