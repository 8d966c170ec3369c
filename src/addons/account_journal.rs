//! `account.journal`: a journal used by a payment method keeps its type.

use async_trait::async_trait;
use serde_json::{json, Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::Behaviour;
use crate::orm::domain::{Domain, Op};
use crate::orm::Env;

pub struct AccountJournal;

#[async_trait]
impl Behaviour for AccountJournal {
    fn model(&self) -> &'static str {
        "account.journal"
    }

    fn copy_renames(&self) -> bool {
        true
    }

    async fn before_write(
        &self,
        env: &Env<'_>,
        ids: &[i64],
        vals: &mut Map<String, Value>,
    ) -> OdooResult<()> {
        check_type_change(env, ids, vals).await
    }
}

async fn check_type_change(
    env: &Env<'_>,
    ids: &[i64],
    vals: &Map<String, Value>,
) -> OdooResult<()> {
    let Some(new_type) = vals.get("type") else {
        return Ok(());
    };
    let current = env
        .sudo()
        .values_of("account.journal", ids, &["type"])
        .await?;
    let changing: Vec<i64> = current
        .iter()
        .filter(|(_, r)| r.get("type") != Some(new_type))
        .map(|(id, _)| *id)
        .collect();
    if changing.is_empty() {
        return Ok(());
    }
    let used = env
        .sudo()
        .with_context("active_test", json!(false))
        .search(
            "pos.payment.method",
            Domain::leaf("journal_id", Op::In, json!(changing)),
            0,
            Some(1),
            None,
        )
        .await?;
    if !used.is_empty() {
        return Err(OdooError::UserError(
            "This journal is associated with a payment method. You cannot modify its type".into(),
        ));
    }
    Ok(())
}
