//! `res.company`: a new company is given to its creator, as Odoo's `create` does.

use async_trait::async_trait;
use serde_json::{json, Map, Value};

use crate::errors::OdooResult;
use crate::orm::behaviour::{name_copies, Behaviour};
use crate::orm::{Env, SUPERUSER_ID};

pub struct ResCompany;

#[async_trait]
impl Behaviour for ResCompany {
    fn model(&self) -> &'static str {
        "res.company"
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

    /// The creating user and the superuser are given access to the new company, so it
    /// can be selected in `allowed_company_ids` at once.
    async fn after_create(&self, env: &Env<'_>, id: i64) -> OdooResult<()> {
        let mut users = vec![SUPERUSER_ID];
        if env.uid() != SUPERUSER_ID {
            users.push(env.uid());
        }
        // While fixtures load, the company can exist before any user does.
        let model = env.model("res.users")?;
        let users = env
            .sudo()
            .with_context("active_test", json!(false))
            .existing(model, &users)
            .await?;
        if users.is_empty() {
            return Ok(());
        }
        let mut vals = Map::new();
        vals.insert("company_ids".into(), json!([[4, id]]));
        env.sudo().write("res.users", &users, vals).await
    }
}
