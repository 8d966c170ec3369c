//! `ir.config_parameter`: system parameters by key (`get_param`, `set_param`).

use serde_json::{json, Map};

use crate::errors::OdooResult;
use crate::orm::domain::{Domain, Op};
use crate::orm::Env;

/// `ir.config_parameter.get_param(key)`.
pub async fn get_param(env: &Env<'_>, key: &str) -> OdooResult<Option<String>> {
    let sudo = env.sudo();
    let ids = sudo
        .search(
            "ir.config_parameter",
            Domain::leaf("key", Op::Eq, json!(key)),
            0,
            Some(1),
            None,
        )
        .await?;
    match ids.first() {
        Some(id) => Ok(sudo
            .value_of("ir.config_parameter", *id, "value")
            .await?
            .as_str()
            .map(str::to_string)),
        None => Ok(None),
    }
}

/// `ir.config_parameter.set_param(key, value)`.
pub async fn set_param(env: &Env<'_>, key: &str, value: &str) -> OdooResult<()> {
    let sudo = env.sudo();
    let ids = sudo
        .search(
            "ir.config_parameter",
            Domain::leaf("key", Op::Eq, json!(key)),
            0,
            Some(1),
            None,
        )
        .await?;
    let mut vals = Map::new();
    vals.insert("value".into(), json!(value));
    if ids.is_empty() {
        vals.insert("key".into(), json!(key));
        sudo.create("ir.config_parameter", vec![vals]).await?;
    } else {
        sudo.write("ir.config_parameter", &ids, vals).await?;
    }
    Ok(())
}
