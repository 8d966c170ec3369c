//! `res.partner`: copies are named "<name> (copy)".

use async_trait::async_trait;
use serde_json::{Map, Value};

use crate::errors::OdooResult;
use crate::orm::behaviour::{name_copies, Behaviour};
use crate::orm::Env;

pub struct ResPartner;

#[async_trait]
impl Behaviour for ResPartner {
    fn model(&self) -> &'static str {
        "res.partner"
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
