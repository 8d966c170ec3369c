//! `res.partner`: copies are named "<name> (copy)"; a partner cannot be its own
//! ancestor (Odoo's `_check_parent_id`).

use async_trait::async_trait;
use serde_json::{Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{name_copies, Behaviour, Check};
use crate::orm::Env;

pub struct ResPartner;

#[async_trait]
impl Behaviour for ResPartner {
    fn model(&self) -> &'static str {
        "res.partner"
    }

    fn checks(&self) -> Vec<Check> {
        vec![Check {
            fields: &["parent_id"],
            run: |env, ids| Box::pin(check_parent_id(env, ids)),
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

/// `@api.constrains('parent_id')`: no partner may be its own ancestor.
async fn check_parent_id(env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
    let model = env.model("res.partner")?;
    if env.has_cycle(model, ids, "parent_id").await? {
        return Err(OdooError::ValidationError(
            "You cannot create recursive Partner hierarchies.".into(),
        ));
    }
    Ok(())
}
