//! `account.journal`: a journal used by a payment method keeps its type.

use serde_json::{json, Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::domain::{Domain, Op};
use crate::orm::Env;

pub async fn before_write(
    env: &Env<'_>,
    ids: &[i64],
    vals: &mut Map<String, Value>,
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
