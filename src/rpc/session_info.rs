//! Odoo 18's `session_info`: what `/web/session/authenticate` and
//! `/web/session/get_session_info` answer for a logged-in user, key for key and in
//! Odoo's order (the recorded `__session_info__` of a real 18.0 server), with the
//! modules the POS runs on (`web`, `mail`, `bus`, `barcodes`, `web_tour`,
//! `spreadsheet`) contributing their keys.

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::auth::users;
use crate::errors::{OdooError, OdooResult};
use crate::orm::Env;
use crate::services::Services;

/// Odoo's `web.max_file_upload_size` default (128 MiB).
const ODOO_MAX_FILE_UPLOAD_SIZE: usize = 128 * 1024 * 1024;

/// The modules of the recorded Odoo 18 POS database, in the order its translations
/// answer lists them: the client asks for their messages (none, in English).
const TRANSLATED_MODULES: &[&str] = &[
    "account",
    "uom",
    "product",
    "payment",
    "base_import_module",
    "stock_sms",
    "base_import",
    "snailmail_account",
    "google_gmail",
    "payment_stripe",
    "base_install_request",
    "http_routing",
    "resource_mail",
    "spreadsheet_dashboard_account",
    "web",
    "snailmail",
    "mail",
    "pos_epson_printer",
    "pos_online_payment",
    "spreadsheet",
    "auth_signup",
    "portal",
    "base_setup",
    "web_editor",
    "html_editor",
    "analytic",
    "mail_bot",
    "privacy_lookup",
    "digest",
    "iap_mail",
    "l10n_us_account",
    "auth_totp",
    "stock",
    "web_unsplash",
    "partner_autocomplete",
    "resource",
    "barcodes",
    "phone_validation",
    "spreadsheet_account",
    "l10n_us",
    "stock_account",
    "auth_totp_mail",
    "base",
    "spreadsheet_dashboard_stock_account",
    "spreadsheet_dashboard",
    "account_payment",
    "auth_totp_portal",
    "web_tour",
    "iap",
    "barcodes_gs1_nomenclature",
    "sms",
    "bus",
    "pos_stripe",
    "onboarding",
    "point_of_sale",
    "account_edi_ubl_cii",
];

/// The translations this server serves: none, in English. Their hash names them in
/// `cache_hashes` and in the URL the web client fetches them from.
pub fn translations(lang: &str) -> Value {
    json!({
        "lang": lang,
        "lang_parameters": {
            "name": "English (US)",
            "code": "en_US",
            "direction": "ltr",
            "date_format": "%m/%d/%Y",
            "time_format": "%H:%M:%S",
            "short_time_format": "%H:%M",
            "grouping": "[3,0]",
            "decimal_point": ".",
            "thousands_sep": ",",
            "week_start": 7,
        },
        "modules": TRANSLATED_MODULES
            .iter()
            .map(|m| (m.to_string(), json!({"messages": []})))
            .collect::<Map<String, Value>>(),
        "multi_lang": false,
    })
}

/// A hex digest of `text`, `len` characters long (Odoo's hashes are sha1 and sha512
/// hex prefixes; clients only compare them).
fn hash(text: &str, len: usize) -> String {
    let digest = hex::encode(Sha256::digest(text.as_bytes()));
    digest[..len.min(digest.len())].to_string()
}

/// `mail`'s `res.users.settings` defaults: this server keeps none of its own.
fn user_settings(uid: i64) -> Value {
    json!({
        "id": uid,
        "user_id": {"id": uid},
        "is_discuss_sidebar_category_channel_open": true,
        "is_discuss_sidebar_category_chat_open": true,
        "push_to_talk_key": false,
        "use_push_to_talk": false,
        "voice_active_duration": 200,
        "channel_notifications": false,
        "mute_until_dt": false,
        "volumes": [["ADD", []]],
    })
}

/// `ir.ui.view.get_view_info()` with `mail`'s `activity` view.
fn view_info() -> Value {
    let view = |name: &str, icon: &str, multi: bool| json!({"display_name": name, "icon": icon, "multi_record": multi});
    json!({
        "list": view("List", "oi oi-view-list", true),
        "form": view("Form", "fa fa-address-card", false),
        "graph": view("Graph", "fa fa-area-chart", true),
        "pivot": view("Pivot", "oi oi-view-pivot", true),
        "calendar": view("Calendar", "fa fa-calendar", true),
        "kanban": view("Kanban", "oi oi-view-kanban", true),
        "search": view("Search", "oi oi-search", true),
        "activity": view("Activity", "fa fa-clock-o", true),
    })
}

/// Odoo's `session_info` for a logged-in user.
pub async fn session_info(system: &Env<'_>, uid: i64) -> OdooResult<Value> {
    let user = users::load_user(system, uid)
        .await?
        .ok_or(OdooError::SessionExpired)?;
    let services: &Services = system.host()?;
    let settings = &services.settings;
    let is_internal = user.has_group("base.group_user");
    let companies = system
        .values_of(
            "res.company",
            &user.company_ids,
            &["name", "sequence", "parent_id", "child_ids"],
        )
        .await?;
    let mut allowed = Map::new();
    for cid in &user.company_ids {
        if let Some(c) = companies.get(cid) {
            allowed.insert(
                cid.to_string(),
                json!({
                    "id": cid,
                    "name": c.get("name").cloned().unwrap_or(Value::Bool(false)),
                    "sequence": c.get("sequence").cloned().unwrap_or(json!(10)),
                    "child_ids": c.get("child_ids").cloned().unwrap_or(json!([])),
                    "parent_id": c.get("parent_id").and_then(Value::as_i64).map(Value::from).unwrap_or(Value::Bool(false)),
                }),
            );
        }
    }
    let currencies: Map<String, Value> = users::currencies(system)
        .await?
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let partner = system
        .values_of(
            "res.partner",
            &[user.partner_id],
            &["name", "write_date", "active"],
        )
        .await?
        .remove(&user.partner_id)
        .unwrap_or_default();
    let partner_write_date = partner
        .get("write_date")
        .cloned()
        .unwrap_or(Value::Bool(false));
    let base_url = super_param(system, "web.base.url")
        .await?
        .unwrap_or_else(|| format!("http://{}", settings.listen));
    // We report the body size we accept when it is below Odoo's default, so that the
    // client refuses an upload the server would refuse.
    let max_upload = ODOO_MAX_FILE_UPLOAD_SIZE.min(settings.max_body_bytes);
    let tz = user
        .tz
        .clone()
        .map(Value::String)
        .unwrap_or(Value::Bool(false));
    let mut info = Map::new();
    let mut put = |k: &str, v: Value| {
        info.insert(k.to_string(), v);
    };
    put("uid", json!(uid));
    put("is_system", json!(user.has_group("base.group_system")));
    put("is_admin", json!(user.has_group("base.group_erp_manager")));
    put("is_public", json!(false));
    put("is_internal_user", json!(is_internal));
    put(
        "user_context",
        json!({"lang": user.lang, "tz": tz, "uid": uid}),
    );
    put("db", json!(settings.db_name));
    put("user_settings", user_settings(uid));
    put("server_version", json!(settings.server_version));
    put("server_version_info", json!(settings.server_version_info()));
    // As the recorded 18.0 server answers (its source has "www.odoo.com").
    put("support_url", json!("https://www.Odoo.com/buy"));
    put("name", json!(user.name));
    put("username", json!(user.login));
    put("partner_write_date", partner_write_date);
    put(
        "partner_display_name",
        partner.get("name").cloned().unwrap_or(Value::Bool(false)),
    );
    put("partner_id", json!(user.partner_id));
    put("web.base.url", json!(base_url));
    put("active_ids_limit", json!(20000));
    put("profile_session", Value::Null);
    put("profile_collectors", Value::Null);
    put("profile_params", Value::Null);
    put("max_file_upload_size", json!(max_upload));
    put("home_action_id", json!(false));
    put(
        "cache_hashes",
        json!({
            "translations": hash(&translations(&user.lang).to_string(), 40),
            "load_menus": hash(&format!("menus:{uid}"), 64),
        }),
    );
    put("currencies", Value::Object(currencies));
    put("bundle_params", json!({"lang": user.lang}));
    put("test_mode", json!(false));
    put("view_info", view_info());
    put(
        "user_companies",
        json!({"current_company": user.company_id, "allowed_companies": allowed}),
    );
    put("show_effect", json!(true));
    put(
        "display_switch_company_menu",
        json!(user.company_ids.len() > 1),
    );
    if is_internal {
        put("max_time_between_keys_in_ms", json!(150));
    }
    put("websocket_worker_version", json!("18.0-2"));
    put("tour_enabled", json!(false));
    put("current_tour", Value::Null);
    put("storeData", store_data(system, &user, &partner).await?);
    put("can_insert_in_spreadsheet", json!(false));
    Ok(Value::Object(info))
}

/// An `ir.config_parameter`, read as the system.
async fn super_param(system: &Env<'_>, key: &str) -> OdooResult<Option<String>> {
    let ids = system
        .search(
            "ir.config_parameter",
            crate::orm::domain::Domain::leaf("key", crate::orm::domain::Op::Eq, json!(key)),
            0,
            Some(1),
            None,
        )
        .await?;
    match ids.first() {
        Some(id) => Ok(system
            .value_of("ir.config_parameter", *id, "value")
            .await?
            .as_str()
            .map(str::to_string)),
        None => Ok(None),
    }
}

/// `mail`'s `storeData`: the store's settings, OdooBot's partner and the user's own.
/// Records this server does not have (the Discuss action, the comment subtype) are
/// `false`, as Odoo's `_xmlid_to_res_id` answers for a missing one.
async fn store_data(
    system: &Env<'_>,
    user: &crate::orm::UserInfo,
    partner: &Map<String, Value>,
) -> OdooResult<Value> {
    let internal_group = system
        .xmlid_to_res_id("base.group_user")
        .await?
        .map(Value::from)
        .unwrap_or(Value::Bool(false));
    let root_partner = system
        .value_of("res.users", crate::orm::SUPERUSER_ID, "partner_id")
        .await?
        .as_i64();
    let mut partners = Vec::new();
    if let Some(bot) = root_partner {
        let p = system
            .values_of(
                "res.partner",
                &[bot],
                &["name", "email", "write_date", "active"],
            )
            .await?
            .remove(&bot)
            .unwrap_or_default();
        partners.push(json!({
            "active": p.get("active").cloned().unwrap_or(json!(false)),
            "email": p.get("email").cloned().filter(|e| !e.is_null()).unwrap_or(json!(false)),
            "id": bot,
            "im_status": "bot",
            "isInternalUser": true,
            "is_company": false,
            "name": p.get("name").cloned().unwrap_or(json!("OdooBot")),
            "userId": crate::orm::SUPERUSER_ID,
            "write_date": p.get("write_date").cloned().unwrap_or(json!(false)),
        }));
    }
    partners.push(json!({
        "active": partner.get("active").cloned().unwrap_or(json!(true)),
        "id": user.partner_id,
        "isAdmin": user.has_group("base.group_erp_manager"),
        "isInternalUser": user.has_group("base.group_user"),
        "name": partner.get("name").cloned().unwrap_or(json!(false)),
        "notification_preference": "email",
        "userId": user.uid,
        "write_date": partner.get("write_date").cloned().unwrap_or(json!(false)),
    }));
    Ok(json!({
        "Store": {
            "action_discuss_id": false,
            "channel_types_with_seen_infos": ["chat", "group"],
            "hasGifPickerFeature": false,
            "hasLinkPreviewFeature": true,
            "hasMessageTranslationFeature": false,
            "internalUserGroupId": internal_group,
            "mt_comment_id": false,
            "odoobot": root_partner.map(|id| json!({"id": id, "type": "partner"})).unwrap_or(json!(false)),
            "self": {"id": user.partner_id, "type": "partner"},
            "settings": user_settings(user.uid),
        },
        "res.partner": partners,
    }))
}
