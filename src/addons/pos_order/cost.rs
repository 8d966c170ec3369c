//! The cost side of a paid order (`_compute_total_cost_in_real_time`, without stock
//! valuation): each line costs its quantity times the product's cost, which gives
//! the margins the POS shows.

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::errors::OdooResult;
use crate::orm::domain::{Domain, Op};
use crate::orm::values::{decimal_to_json, json_to_decimal};
use crate::orm::Env;

pub async fn compute_total_cost(env: &Env<'_>, order: i64) -> OdooResult<()> {
    let sudo = env.sudo();
    let lines = sudo
        .search(
            "pos.order.line",
            Domain::leaf("order_id", Op::Eq, json!(order)).and(Domain::leaf(
                "is_total_cost_computed",
                Op::Ne,
                json!(true),
            )),
            0,
            None,
            None,
        )
        .await?;
    let rows = sudo
        .values_of("pos.order.line", &lines, &["qty", "product_id"])
        .await?;
    for (lid, row) in rows {
        let qty = row.get("qty").and_then(json_to_decimal).unwrap_or_default();
        let cost = match row.get("product_id").and_then(Value::as_i64) {
            Some(p) => sudo
                .value_of("product.product", p, "standard_price")
                .await?
                .as_f64()
                .map(crate::orm::values::f64_to_decimal)
                .unwrap_or_default(),
            None => Decimal::ZERO,
        };
        let mut vals = Map::new();
        vals.insert("total_cost".into(), decimal_to_json(qty * cost));
        vals.insert("is_total_cost_computed".into(), json!(true));
        sudo.write("pos.order.line", &[lid], vals).await?;
    }
    Ok(())
}
