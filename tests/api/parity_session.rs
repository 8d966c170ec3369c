//! Odoo 18 parity of `session_info` (issue 8, item 7): every key the recorded 18.0
//! server answers, in its order and with its types, and none it lacks.

use serde_json::{json, Value};

use crate::both;
use crate::parity_support::*;

/// The keys of the recorded `__session_info__` of Odoo 18.0, in order, without the
/// two the `/pos/ui` page adds (`nomenclature_id`, `fallback_nomenclature_id`).
const KEYS: &[&str] = &[
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
    "support_url",
    "name",
    "username",
    "partner_write_date",
    "partner_display_name",
    "partner_id",
    "web.base.url",
    "active_ids_limit",
    "profile_session",
    "profile_collectors",
    "profile_params",
    "max_file_upload_size",
    "home_action_id",
    "cache_hashes",
    "currencies",
    "bundle_params",
    "test_mode",
    "view_info",
    "user_companies",
    "show_effect",
    "display_switch_company_menu",
    "max_time_between_keys_in_ms",
    "websocket_worker_version",
    "tour_enabled",
    "current_tour",
    "storeData",
    "can_insert_in_spreadsheet",
];

both!(session_info_has_odoo_18s_keys_in_order, |app| {
    let cashier = demo(&app, "cashier").await;
    let answer = envelope(
        &app,
        Some(&cashier),
        "/web/session/get_session_info",
        json!({}),
    )
    .await;
    let info = &answer["result"];
    let keys: Vec<&str> = info
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, KEYS);
    assert_eq!(info["is_admin"], json!(false));
    assert_eq!(info["is_internal_user"], json!(true));
    assert!(
        info["partner_write_date"]
            .as_str()
            .is_some_and(|d| d.len() == 19),
        "{info}"
    );
    for null in [
        "profile_session",
        "profile_collectors",
        "profile_params",
        "current_tour",
    ] {
        assert_eq!(info[null], Value::Null, "{null}");
    }
    assert_eq!(info["support_url"], json!("https://www.Odoo.com/buy"));
    assert_eq!(info["websocket_worker_version"], json!("18.0-2"));
    assert_eq!(info["max_time_between_keys_in_ms"], json!(150));
    assert_eq!(info["bundle_params"], json!({"lang": "en_US"}));
    assert_eq!(info["test_mode"], json!(false));
    assert_eq!(info["can_insert_in_spreadsheet"], json!(false));
    assert_eq!(info["user_settings"]["user_id"], json!({"id": cashier.uid}));
    assert_eq!(info["user_settings"]["volumes"], json!([["ADD", []]]));
    let views: Vec<&String> = info["view_info"].as_object().unwrap().keys().collect();
    assert_eq!(
        views,
        ["list", "form", "graph", "pivot", "calendar", "kanban", "search", "activity"]
    );
    assert!(info["user_companies"]
        .get("disallowed_ancestor_companies")
        .is_none());
    let store = &info["storeData"];
    assert_eq!(
        store["Store"]["self"],
        json!({"id": info["partner_id"], "type": "partner"})
    );
    let me = &store["res.partner"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(me["userId"], json!(cashier.uid));
    assert_eq!(me["isAdmin"], json!(false));
    // The translations the hash names are served.
    let hash = info["cache_hashes"]["translations"].as_str().unwrap();
    assert_eq!(hash.len(), 40);
    let translations = app
        .http
        .get(format!(
            "{}/web/webclient/translations/{hash}?lang=en_US",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(translations.status().as_u16(), 200);
    let body: Value = translations.json().await.unwrap();
    assert_eq!(body["lang"], json!("en_US"));
    assert_eq!(body["multi_lang"], json!(false));

    // `authenticate` answers the same dict; an Access Rights administrator is_admin.
    let raw = app
        .post_raw(
            "/web/session/authenticate",
            "application/json",
            json!({"jsonrpc": "2.0", "method": "call", "id": 1,
                   "params": {"db": "odoo", "login": "admin", "password": "admin"}})
            .to_string(),
            None,
        )
        .await;
    let authenticated = raw.json()["result"].clone();
    let admin = demo(&app, "admin").await;
    let info = envelope(
        &app,
        Some(&admin),
        "/web/session/get_session_info",
        json!({}),
    )
    .await["result"]
        .clone();
    assert_eq!(authenticated, info);
    assert_eq!(info["is_admin"], json!(true));
    assert_eq!(info["is_system"], json!(true));
});
