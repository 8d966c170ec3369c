//! `account.account`: shown as "code name".

use std::collections::HashMap;

use async_trait::async_trait;
use serde_json::Value;

use crate::errors::OdooResult;
use crate::orm::behaviour::{Behaviour, NamesFn};
use crate::orm::Env;

pub struct AccountAccount;

#[async_trait]
impl Behaviour for AccountAccount {
    fn model(&self) -> &'static str {
        "account.account"
    }

    fn display_names(&self) -> Option<NamesFn> {
        Some(|env, ids| Box::pin(display_names(env, ids)))
    }
}

/// The model's display names (see [`Behaviour::display_names`]).
async fn display_names(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, String>> {
    let rows = env
        .sudo()
        .values_of("account.account", ids, &["code", "name"])
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, r)| {
            let code = r.get("code").and_then(Value::as_str).unwrap_or_default();
            let name = r.get("name").and_then(Value::as_str).unwrap_or_default();
            (id, format!("{code} {name}").trim().to_string())
        })
        .collect())
}
