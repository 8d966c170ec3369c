//! Odoo's `session_info`: what `/web/session/authenticate` and
//! `/web/session/get_session_info` answer for a logged-in user.

use serde_json::{json, Map, Value};

use crate::auth::users;
use crate::errors::{OdooError, OdooResult};
use crate::orm::Env;
use crate::services::Services;

/// Odoo's `session_info` for a logged-in user.
pub async fn session_info(system: &Env<'_>, uid: i64) -> OdooResult<Value> {
    let user = users::load_user(system, uid)
        .await?
        .ok_or(OdooError::SessionExpired)?;
    let services: &Services = system.host()?;
    let settings = &services.settings;
    let is_system = user.has_group("base.group_system");
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
    let partner_name = system
        .value_of("res.partner", user.partner_id, "name")
        .await?;
    Ok(json!({
        "uid": uid,
        "is_system": is_system,
        "is_admin": is_system,
        "is_public": false,
        "is_internal_user": user.has_group("base.group_user"),
        "user_context": {"lang": user.lang, "tz": user.tz.clone().map(Value::String).unwrap_or(Value::Bool(false)), "uid": uid},
        "db": settings.db_name,
        "user_settings": {"id": uid, "user_id": {"id": uid}},
        "server_version": settings.server_version,
        "server_version_info": settings.server_version_info(),
        "support_url": "https://www.odoo.com/buy",
        "name": user.name,
        "username": user.login,
        "partner_display_name": partner_name,
        "partner_id": user.partner_id,
        "web.base.url": format!("http://{}", settings.listen),
        "active_ids_limit": 20000,
        "max_file_upload_size": settings.max_body_bytes,
        "home_action_id": false,
        "currencies": currencies,
        "user_companies": {"current_company": user.company_id, "allowed_companies": allowed, "disallowed_ancestor_companies": {}},
        "show_effect": true,
        "display_switch_company_menu": user.company_ids.len() > 1,
        "user_id": [uid],
    }))
}
