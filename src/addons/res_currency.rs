//! `res.currency`: `decimal_places` follows from the rounding factor.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::errors::OdooResult;
use crate::orm::behaviour::{Behaviour, Compute};
use crate::orm::values::json_to_decimal;
use crate::orm::Env;

pub struct ResCurrency;

impl Behaviour for ResCurrency {
    fn model(&self) -> &'static str {
        "res.currency"
    }

    fn computes(&self) -> Vec<Compute> {
        vec![Compute {
            field: "decimal_places",
            run: |env, ids| Box::pin(compute_decimal_places(env, ids)),
        }]
    }
}

/// The digits the rounding factor keeps.
async fn compute_decimal_places(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let rows = env
        .sudo()
        .values_of("res.currency", ids, &["rounding"])
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, r)| {
            let rounding = r
                .get("rounding")
                .and_then(json_to_decimal)
                .unwrap_or(Decimal::ZERO);
            (id, json!(crate::money::decimal_places(rounding)))
        })
        .collect())
}
