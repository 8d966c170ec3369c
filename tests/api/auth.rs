//! Credentials and sessions: `/web/session/*`, `common.login`/`authenticate`, wrong
//! passwords, cookie attributes and rotation, session invalidation on password change
//! and deactivation, API keys, the login throttle, passlib hashes from a real Odoo.

use base64::Engine;
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::{both, both_with};

/// Stores an API key for `uid` the way Odoo's `res.users.apikeys` keeps one (the first 8
/// characters in clear as `index`, the whole key as a passlib pbkdf2-sha512 hash), as a
/// key made in a real Odoo would be found in the database: no RPC creates keys. Returns
/// the key: 40 hex characters, Odoo's shape.
async fn api_key(app: &TestApp, uid: i64, expiration: Option<&str>) -> String {
    let key = hex::encode(rand::random::<[u8; 20]>());
    let salt = rand::random::<[u8; 16]>();
    let rounds = 6000;
    let checksum = pbkdf2::pbkdf2_hmac_array::<sha2::Sha512, 64>(key.as_bytes(), &salt, rounds);
    // passlib's "ab64": standard base64 without padding, `.` for `+`.
    let ab64 = |bytes: &[u8]| {
        base64::engine::general_purpose::STANDARD_NO_PAD
            .encode(bytes)
            .replace('+', ".")
    };
    let hash = format!(
        "$pbkdf2-sha512${rounds}${}${}",
        ab64(&salt),
        ab64(&checksum)
    );
    // Every value is ours (hex, ab64, a fixed date): safe to inline, and an inline
    // literal lets PostgreSQL type the timestamp.
    let expiration = expiration.map_or("NULL".to_string(), |date| format!("'{date}'"));
    app.services
        .db
        .execute(sea_orm::Statement::from_string(
            app.db_backend(),
            format!(
                "INSERT INTO res_users_apikeys (\"name\", \"user_id\", \"scope\", \"index\", \"key\", \"expiration_date\") \
                 VALUES ('test key', {uid}, 'rpc', '{}', '{hash}', {expiration})",
                &key[..8]
            ),
        ))
        .await
        .expect("storing an API key");
    key
}

both!(session_login_cookie_and_info, |app| {
    let raw = app.authenticate("admin", "admin", None).await;
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
    let sid = raw.session_cookie();
    assert!(sid.len() >= 32, "a long random session id: {sid}");
    let s = app.with_cookie(&sid, 2);
    assert_eq!(s.session_info().await["result"]["uid"], json!(2));
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
    let env = s.rpc("/web/session/check", json!({})).await;
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
    let cashier = app.as_user("cashier").await;
    assert_eq!(cashier.uid, cashier_uid);
});

both!(session_is_rotated_at_login_and_destroyed, |app| {
    let first_sid = app
        .authenticate("admin", "admin", None)
        .await
        .session_cookie();
    // Logging in again while presenting the old cookie ends the old session.
    let second_sid = app
        .authenticate("admin", "admin", Some(&first_sid))
        .await
        .session_cookie();
    assert_ne!(first_sid, second_sid);
    let old = app.with_cookie(&first_sid, 2);
    assert_session_expired(&old.session_info().await);
    let s = app.with_cookie(&second_sid, 2);
    assert_eq!(s.session_info().await["result"]["uid"], json!(2));
    // destroy: no result, and the session is gone.
    let env = s.rpc("/web/session/destroy", json!({})).await;
    assert!(env.get("error").is_none(), "{env}");
    assert!(env.get("result").is_none(), "{env}");
    assert_session_expired(&s.session_info().await);
    let err = s
        .expect_error("res.partner", "search", json!([[]]), json!({}))
        .await;
    assert_eq!(err["code"], json!(100));
    // No cookie at all, and a made-up one.
    assert_session_expired(
        &app.rpc("/web/session/get_session_info", json!({}), None)
            .await,
    );
    let fake = app.with_cookie(&"0".repeat(40), 2);
    assert_session_expired(&fake.session_info().await);
});

both!(wrong_credentials, |app| {
    let env = app.authenticate("admin", "wrong", None).await.json();
    assert_eq!(env["error"]["code"], json!(200), "{env}");
    assert_error(
        &env["error"],
        "odoo.exceptions.AccessDenied",
        "Access Denied",
    );
    let env = app.authenticate("nobody", "admin", None).await.json();
    assert_error(
        &env["error"],
        "odoo.exceptions.AccessDenied",
        "Access Denied",
    );

    // Logins match exactly, as Odoo's `[('login', '=', login)]`: no case folding and
    // no LIKE wildcards.
    for login in ["ADMIN", "adm%", "_dmin", " admin"] {
        // A successful login clears the client's failures (Odoo's cooldown counts
        // failures per address in a row), so the throttle stays out of this test.
        let env = app.authenticate("admin", "admin", None).await.json();
        assert!(env["result"]["uid"].is_number(), "{env}");
        let env = app.authenticate(login, "admin", None).await.json();
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
    let env = app.authenticate("admin", "admin", None).await.json();
    assert!(env["result"]["uid"].is_number(), "{env}");
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
    let admin = app.as_user("admin").await;
    let cashier1 = app.as_user("cashier").await;
    let cashier2 = app.as_user("cashier").await;
    assert_eq!(
        cashier1.session_info().await["result"]["uid"],
        json!(cashier1.uid)
    );
    admin
        .write(
            "res.users",
            &[cashier1.uid],
            json!({"password": "n3w-secret"}),
        )
        .await;
    assert_session_expired(&cashier1.session_info().await);
    assert_session_expired(&cashier2.session_info().await);
    // The admin's own session is untouched.
    assert_eq!(admin.session_info().await["result"]["uid"], json!(2));
    let env = app.authenticate("cashier", "cashier", None).await.json();
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
    let r = admin.read("res.users", &[cashier1.uid], &[]).await;
    assert!(
        r[0].get("password").is_none() || r[0]["password"] == json!(false),
        "{r}"
    );
});

both!(change_password_needs_the_old_one, |app| {
    let cashier = app.as_user("cashier").await;
    let other = app.as_user("cashier").await;
    let err = cashier
        .expect_error(
            "res.users",
            "change_password",
            json!(["wrong", "n3w-secret"]),
            json!({}),
        )
        .await;
    assert_error(&err, "odoo.exceptions.AccessDenied", "Access Denied");
    let err = cashier
        .expect_error(
            "res.users",
            "change_password",
            json!(["cashier", "  "]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.UserError",
        "Setting empty passwords is not allowed for security reasons!",
    );
    // Nothing changed so far.
    assert_eq!(
        other.session_info().await["result"]["uid"],
        json!(cashier.uid)
    );
    let r = cashier
        .call_ok(
            "res.users",
            "change_password",
            json!([]),
            json!({"old_passwd": "cashier", "new_passwd": "n3w-secret"}),
        )
        .await;
    assert_eq!(r, json!(true));
    assert_session_expired(&other.session_info().await);
    let env = app.authenticate("cashier", "cashier", None).await.json();
    assert_error(
        &env["error"],
        "odoo.exceptions.AccessDenied",
        "Access Denied",
    );
    app.login("cashier", "n3w-secret").await;
});

both!(deactivated_users_lose_their_sessions, |app| {
    let admin = app.as_user("admin").await;
    let cashier = app.as_user("cashier").await;
    admin
        .write("res.users", &[cashier.uid], json!({"active": false}))
        .await;
    assert_session_expired(&cashier.session_info().await);
    let env = app.authenticate("cashier", "cashier", None).await.json();
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
    let cashier = app.as_user("cashier").await;
    let key = api_key(&app, cashier.uid, None).await;
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
    let env = app.authenticate("cashier", &key, None).await.json();
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
        let env = app.authenticate("cashier", "wrong", None).await.json();
        assert_error(
            &env["error"],
            "odoo.exceptions.AccessDenied",
            "Access Denied",
        );
    }
    // Now even the right password is refused for a while...
    let env = app.authenticate("cashier", "cashier", None).await.json();
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
    // Whether other logins are refused too depends on the client's address (Odoo
    // keys its cooldown by address): `passwords::throttle_keys_by_client_address`.
});

// A hash as passlib's pbkdf2_sha512 writes it in Odoo's res_users.password (29000
// rounds, 16-byte salt, adapted base64), for the password "correct horse battery".
const PASSLIB_HASH: &str = "$pbkdf2-sha512$29000$obLD1OX2BxgpOktcbX6PkA$7bctCAsxlwRZenRh.x0dKnBjmr08X7H1cKVYFYjnnDOhFMomzvuZGZxtRTYxgUQaoTzFF42KslMKTWYUuxT8wg";

both!(passlib_hashes_from_odoo_verify, |app| {
    app.services
        .db
        .execute(sea_orm::Statement::from_string(
            app.db_backend(),
            format!("UPDATE res_users SET password = '{PASSLIB_HASH}' WHERE login = 'employee'"),
        ))
        .await
        .unwrap();
    let employee = app.login("employee", "correct horse battery").await;
    assert!(employee.uid > 2);
    for wrong in ["employee", "correct horse batterY"] {
        let env = app.authenticate("employee", wrong, None).await.json();
        assert_error(
            &env["error"],
            "odoo.exceptions.AccessDenied",
            "Access Denied",
        );
    }
    // New hashes are written in the same format.
    let admin = app.as_user("admin").await;
    admin
        .write(
            "res.users",
            &[employee.uid],
            json!({"password": "rotated-pw"}),
        )
        .await;
    let row = app
        .services
        .db
        .query_one(sea_orm::Statement::from_string(
            app.db_backend(),
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
            app.authenticate("cashier", "wrong", None).await;
        }
        let env = app.authenticate("cashier", "cashier", None).await.json();
        assert_error(
            &env["error"],
            "odoo.exceptions.AccessDenied",
            "Too many login failures",
        );
        tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
        app.as_user("cashier").await;
    }
);

both_with!(
    idle_sessions_expire,
    |s: &mut odoo_pos_stripe::settings::Settings| s.session_idle_days = 0,
    |app| {
        let admin = app.as_user("admin").await;
        tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
        assert_session_expired(&admin.session_info().await);
    }
);

// Proving the old password in `change_password` is a password guess: after the
// throttle's limit of wrong ones, even the right one is refused for a while, and the
// password stays as it was.
both!(change_password_guesses_are_throttled, |app| {
    let limit = app.services.settings.login_cooldown_after;
    let cashier = app.as_user("cashier").await;
    for _ in 0..limit {
        let err = cashier
            .expect_error(
                "res.users",
                "change_password",
                json!(["wrong", "n3w-secret"]),
                json!({}),
            )
            .await;
        assert_error(&err, "odoo.exceptions.AccessDenied", "Access Denied");
    }
    let err = cashier
        .expect_error(
            "res.users",
            "change_password",
            json!(["cashier", "n3w-secret"]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.AccessDenied",
        "Too many login failures, please wait a bit before trying again.",
    );
    // The session still works and the password did not change.
    assert_eq!(
        cashier.session_info().await["result"]["uid"],
        json!(cashier.uid)
    );
});
