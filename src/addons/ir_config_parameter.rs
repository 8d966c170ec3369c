//! `ir.config_parameter`: system parameters by key (`get_param`, `set_param`).

use sea_orm::sea_query::{Expr, Query};
use serde_json::{json, Map};

use crate::errors::OdooResult;
use crate::orm::domain::{Domain, Op};
use crate::orm::Env;
use crate::orm::Ident;

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

/// Sets `key` to `new` only if it still holds `old`; whether it did. Two transactions
/// racing for the same value cannot both succeed: the second one's update waits for the
/// first to commit, then finds the value changed.
pub async fn compare_and_set(env: &Env<'_>, key: &str, old: &str, new: &str) -> OdooResult<bool> {
    let q = Query::update()
        .table(Ident::new("ir_config_parameter"))
        .value(Ident::new("value"), new)
        .and_where(Expr::col(Ident::new("key")).eq(key))
        .and_where(Expr::col(Ident::new("value")).eq(old))
        .to_owned();
    Ok(env.execute(env.backend.build(&q)).await? == 1)
}
