//! `pos.session`: a session belongs to its POS's company.

use std::collections::HashMap;

use serde_json::Value;

use crate::errors::OdooResult;
use crate::orm::behaviour::{Behaviour, Compute};
use crate::orm::Env;

pub struct PosSession;

impl Behaviour for PosSession {
    fn model(&self) -> &'static str {
        "pos.session"
    }

    fn computes(&self) -> Vec<Compute> {
        vec![Compute {
            field: "company_id",
            run: |env, ids| Box::pin(compute_session_company(env, ids)),
        }]
    }
}

async fn compute_session_company(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let sudo = env.sudo();
    let rows = sudo.values_of("pos.session", ids, &["config_id"]).await?;
    let mut out = HashMap::new();
    for (id, r) in rows {
        let v = match r.get("config_id").and_then(Value::as_i64) {
            Some(c) => sudo.value_of("pos.config", c, "company_id").await?,
            None => Value::Null,
        };
        out.insert(id, v);
    }
    Ok(out)
}
