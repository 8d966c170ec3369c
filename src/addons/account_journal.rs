//! `account.journal`: a journal used by a payment method keeps its type; copies are
//! named "<name> (copy)".

use async_trait::async_trait;
use serde_json::{json, Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{name_copies, Behaviour, Check};
use crate::orm::domain::{Domain, Op};
use crate::orm::Env;

pub struct AccountJournal;

#[async_trait]
impl Behaviour for AccountJournal {
    fn model(&self) -> &'static str {
        "account.journal"
    }

    fn checks(&self) -> Vec<Check> {
        vec![Check {
            fields: &["type"],
            run: |env, ids| Box::pin(check_type(env, ids)),
        }]
    }

    async fn copy_data(
        &self,
        _env: &Env<'_>,
        _ids: &[i64],
        default: &Map<String, Value>,
        vals_list: &mut [Map<String, Value>],
    ) -> OdooResult<()> {
        name_copies(default, vals_list);
        Ok(())
    }
}

/// `point_of_sale`'s `_check_type`, an `@api.constrains('type')`: it runs whenever
/// `type` is written (the same value included) and refuses while an active payment
/// method of any company uses the journal.
async fn check_type(env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
    let used = env
        .sudo()
        .search(
            "pos.payment.method",
            Domain::leaf("journal_id", Op::In, json!(ids)),
            0,
            Some(1),
            None,
        )
        .await?;
    if !used.is_empty() {
        return Err(OdooError::ValidationError(
            "This journal is associated with a payment method. You cannot modify its type".into(),
        ));
    }
    Ok(())
}
