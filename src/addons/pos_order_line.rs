//! `pos.order.line`: a line takes its name from its POS's line sequence and its
//! company from its order; `refunded_qty` and the margins are computed.

use std::collections::HashMap;

use async_trait::async_trait;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Behaviour, Compute};
use crate::orm::values::{float_to_json, json_to_decimal};
use crate::orm::Env;

pub struct PosOrderLine;

const MODEL: &str = "pos.order.line";

#[async_trait]
impl Behaviour for PosOrderLine {
    fn model(&self) -> &'static str {
        MODEL
    }

    fn computes(&self) -> Vec<Compute> {
        vec![
            Compute {
                field: "refunded_qty",
                run: |env, ids| Box::pin(refunded_qty(env, ids)),
            },
            Compute {
                field: "margin",
                run: |env, ids| Box::pin(margin(env, ids, false)),
            },
            Compute {
                field: "margin_percent",
                run: |env, ids| Box::pin(margin(env, ids, true)),
            },
        ]
    }

    /// Odoo's `create`: the name from the config's `sequence_line_id`; the company
    /// (a stored related field there) from the order.
    async fn prepare_create(&self, env: &Env<'_>, vals: &mut Map<String, Value>) -> OdooResult<()> {
        let Some(order) = vals.get("order_id").and_then(Value::as_i64) else {
            return Ok(());
        };
        let sudo = env.sudo();
        let row = sudo
            .values_of("pos.order", &[order], &["company_id", "config_id"])
            .await?
            .remove(&order)
            .unwrap_or_default();
        vals.insert(
            "company_id".into(),
            row.get("company_id").cloned().unwrap_or(Value::Null),
        );
        let has_name = vals
            .get("name")
            .is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()));
        if !has_name {
            let mut name = "/".to_string();
            if let Some(config) = row.get("config_id").and_then(Value::as_i64) {
                let seq = sudo
                    .value_of("pos.config", config, "sequence_line_id")
                    .await?;
                if let Some(seq) = seq.as_i64() {
                    name = super::pos_order::next_in_sequence(env, seq).await?;
                }
            }
            vals.insert("name".into(), json!(name));
        }
        Ok(())
    }

    /// `_unlink_except_order_state`.
    async fn before_unlink(&self, env: &Env<'_>, ids: &[i64]) -> OdooResult<()> {
        let sudo = env.sudo();
        let rows = sudo.values_of(MODEL, ids, &["order_id"]).await?;
        for r in rows.values() {
            if let Some(order) = r.get("order_id").and_then(Value::as_i64) {
                let state = sudo.value_of("pos.order", order, "state").await?;
                if !matches!(state.as_str(), Some("draft" | "cancel")) {
                    return Err(OdooError::UserError(
                        "You can only unlink PoS order lines that are related to orders in new or cancelled state.".into(),
                    ));
                }
            }
        }
        Ok(())
    }
}

async fn refunded_qty(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    Ok(super::pos_order::refunded_qty(env, ids)
        .await?
        .into_iter()
        .map(|(k, v)| (k, float_to_json(v)))
        .collect())
}

/// `_compute_margin`: subtotal less cost, and its share of the subtotal.
async fn margin(env: &Env<'_>, ids: &[i64], percent: bool) -> OdooResult<HashMap<i64, Value>> {
    let rows = env
        .sudo()
        .values_of(MODEL, ids, &["price_subtotal", "total_cost"])
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, r)| {
            let d = |k: &str| r.get(k).and_then(json_to_decimal).unwrap_or_default();
            let margin = d("price_subtotal") - d("total_cost");
            let v = if !percent {
                margin.round_dp(2)
            } else if d("price_subtotal").is_zero() {
                Decimal::ZERO
            } else {
                (margin / d("price_subtotal")).round_dp(4)
            };
            (id, float_to_json(v))
        })
        .collect())
}
