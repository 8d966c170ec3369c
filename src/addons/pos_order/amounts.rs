//! An order's money: line subtotals with the line's taxes, and the order's
//! `amount_tax`, `amount_total`, `amount_paid`, `amount_return` and
//! `amount_difference` recomputed from what is stored (Odoo's `_compute_prices`;
//! the client's own totals are never trusted).

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::addons::account_tax::compute::{self, Line, LineTotals, RoundingMethod, Tax};
use crate::addons::account_tax::{load_taxes, rounding_method};
use crate::errors::OdooResult;
use crate::orm::domain::{Domain, Op};
use crate::orm::values::{decimal_to_json, json_to_decimal};
use crate::orm::Env;

/// How an order's amounts are rounded: its currency and its company's method.
#[derive(Clone, Copy, Debug)]
pub struct Rounding {
    pub currency: Decimal,
    pub method: RoundingMethod,
}

impl Rounding {
    /// Odoo's `float_is_zero(amount, precision_rounding=currency.rounding)`.
    pub fn is_zero(&self, amount: Decimal) -> bool {
        compute::round_amount(amount, self.currency).is_zero()
    }
}

pub async fn rounding(env: &Env<'_>, config_id: i64, company_id: i64) -> OdooResult<Rounding> {
    let sudo = env.sudo();
    let currency = sudo
        .value_of("pos.config", config_id, "currency_id")
        .await?;
    let currency = match currency.as_i64() {
        Some(c) => sudo
            .value_of("res.currency", c, "rounding")
            .await?
            .as_f64()
            .map(crate::orm::values::f64_to_decimal),
        None => None,
    }
    .filter(|r| *r > Decimal::ZERO)
    .unwrap_or(Decimal::new(1, 2));
    Ok(Rounding {
        currency,
        method: rounding_method(env, company_id).await?,
    })
}

/// Loads taxes once per set of ids.
#[derive(Default)]
pub struct TaxCache(HashMap<Vec<i64>, Vec<Tax>>);

impl TaxCache {
    pub async fn get(&mut self, env: &Env<'_>, ids: &[i64]) -> OdooResult<Vec<Tax>> {
        let mut key = ids.to_vec();
        key.sort_unstable();
        key.dedup();
        if let Some(t) = self.0.get(&key) {
            return Ok(t.clone());
        }
        let taxes = load_taxes(env, &key).await?;
        self.0.insert(key, taxes.clone());
        Ok(taxes)
    }
}

/// A line's `price_subtotal` and `price_subtotal_incl`.
pub fn line_subtotals(line: &Line, r: Rounding) -> LineTotals {
    compute::line_totals(line, r.currency, r.method)
}

fn dec(row: &Map<String, Value>, k: &str) -> Decimal {
    row.get(k).and_then(json_to_decimal).unwrap_or_default()
}

/// The amounts Odoo's `_compute_prices` would give order `id` now.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderAmounts {
    pub tax: Decimal,
    pub total: Decimal,
    pub paid: Decimal,
    pub returned: Decimal,
}

pub async fn compute(
    env: &Env<'_>,
    id: i64,
    r: Rounding,
    taxes: &mut TaxCache,
) -> OdooResult<OrderAmounts> {
    let sudo = env.sudo();
    let line_ids = sudo
        .search(
            "pos.order.line",
            Domain::leaf("order_id", Op::Eq, json!(id)),
            0,
            None,
            Some("id"),
        )
        .await?;
    let rows = sudo
        .values_of(
            "pos.order.line",
            &line_ids,
            &["price_unit", "qty", "discount", "tax_ids"],
        )
        .await?;
    let mut lines = Vec::new();
    for lid in &line_ids {
        let Some(row) = rows.get(lid) else { continue };
        let tax_ids: Vec<i64> = row
            .get("tax_ids")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default();
        lines.push(Line {
            price_unit: dec(row, "price_unit"),
            quantity: dec(row, "qty"),
            discount: dec(row, "discount"),
            taxes: taxes.get(env, &tax_ids).await?,
        });
    }
    let totals = compute::document_totals(&lines, r.currency, r.method);
    let payment_ids = sudo
        .search(
            "pos.payment",
            Domain::leaf("pos_order_id", Op::Eq, json!(id)),
            0,
            None,
            None,
        )
        .await?;
    let payments = sudo
        .values_of("pos.payment", &payment_ids, &["amount"])
        .await?;
    let amounts: Vec<Decimal> = payments.values().map(|p| dec(p, "amount")).collect();
    Ok(OrderAmounts {
        tax: totals.tax,
        total: totals.total(),
        paid: amounts.iter().copied().sum(),
        returned: -amounts
            .iter()
            .copied()
            .filter(|a| *a < Decimal::ZERO)
            .sum::<Decimal>(),
    })
}

/// Stores the amounts on the order.
pub async fn store(env: &Env<'_>, id: i64, a: &OrderAmounts) -> OdooResult<()> {
    let mut vals = Map::new();
    vals.insert("amount_tax".into(), decimal_to_json(a.tax));
    vals.insert("amount_total".into(), decimal_to_json(a.total));
    vals.insert("amount_paid".into(), decimal_to_json(a.paid));
    vals.insert("amount_return".into(), decimal_to_json(a.returned));
    vals.insert(
        "amount_difference".into(),
        decimal_to_json(a.paid - a.total),
    );
    env.write("pos.order", &[id], vals).await
}
