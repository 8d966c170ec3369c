//! `account.tax` as the POS uses it: the taxes engine ([`compute`]) and loading a
//! line's taxes from the database into it (price-included from the tax's override or
//! its company's default, groups flattened and sorted as Odoo does).

pub mod compute;

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::errors::{OdooError, OdooResult};
use crate::orm::values::json_to_decimal;
use crate::orm::Env;
pub use compute::{AmountType, RoundingMethod, Tax};

const MODEL: &str = "account.tax";

/// Reads `ids` and returns them flattened (a group's children in its place) and
/// sorted by `(sequence, id)` as `_flatten_taxes_and_sort_them` does.
pub async fn load_taxes(env: &Env<'_>, ids: &[i64]) -> OdooResult<Vec<Tax>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sudo = env.sudo();
    let fields = [
        "sequence",
        "amount_type",
        "amount",
        "price_include_override",
        "include_base_amount",
        "is_base_affected",
        "company_id",
        "children_tax_ids",
    ];
    let rows = sudo.values_of(MODEL, ids, &fields).await?;
    let mut company_default: HashMap<i64, bool> = HashMap::new();
    let mut top: Vec<(i64, i64)> = ids
        .iter()
        .filter_map(|id| rows.get(id).map(|r| (seq(r), *id)))
        .collect();
    top.sort();
    top.dedup();
    let mut out: Vec<Tax> = Vec::new();
    for (_, id) in top {
        let row = &rows[&id];
        if row.get("amount_type").and_then(Value::as_str) == Some("group") {
            let children: Vec<i64> = row
                .get("children_tax_ids")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_i64).collect())
                .unwrap_or_default();
            let child_rows = sudo.values_of(MODEL, &children, &fields).await?;
            let mut sorted: Vec<(i64, i64)> =
                child_rows.iter().map(|(cid, r)| (seq(r), *cid)).collect();
            sorted.sort();
            for (_, cid) in sorted {
                let tax = one(env, cid, &child_rows[&cid], &mut company_default).await?;
                if !out.iter().any(|t| t.id == cid) {
                    out.push(tax);
                }
            }
        } else if !out.iter().any(|t| t.id == id) {
            out.push(one(env, id, row, &mut company_default).await?);
        }
    }
    Ok(out)
}

fn seq(row: &serde_json::Map<String, Value>) -> i64 {
    row.get("sequence").and_then(Value::as_i64).unwrap_or(0)
}

async fn one(
    env: &Env<'_>,
    id: i64,
    row: &serde_json::Map<String, Value>,
    company_default: &mut HashMap<i64, bool>,
) -> OdooResult<Tax> {
    let amount_type = match row.get("amount_type").and_then(Value::as_str) {
        Some("fixed") => AmountType::Fixed,
        Some("division") => AmountType::Division,
        Some("percent") => AmountType::Percent,
        other => {
            return Err(OdooError::UserError(format!(
                "Taxes of type {} cannot be computed here.",
                other.unwrap_or("False")
            )))
        }
    };
    let price_include = match row.get("price_include_override").and_then(Value::as_str) {
        Some("tax_included") => true,
        Some("tax_excluded") => false,
        _ => {
            let company = row.get("company_id").and_then(Value::as_i64).unwrap_or(0);
            match company_default.get(&company) {
                Some(v) => *v,
                None => {
                    let v = env
                        .sudo()
                        .value_of("res.company", company, "account_price_include")
                        .await?
                        .as_str()
                        == Some("tax_included");
                    company_default.insert(company, v);
                    v
                }
            }
        }
    };
    let flag =
        |name: &str, default: bool| row.get(name).and_then(Value::as_bool).unwrap_or(default);
    Ok(Tax {
        id,
        amount_type,
        amount: row
            .get("amount")
            .and_then(json_to_decimal)
            .unwrap_or(Decimal::ZERO),
        price_include,
        include_base_amount: flag("include_base_amount", false),
        is_base_affected: flag("is_base_affected", true),
    })
}

/// The company's `tax_calculation_rounding_method`.
pub async fn rounding_method(env: &Env<'_>, company: i64) -> OdooResult<RoundingMethod> {
    let v = env
        .sudo()
        .value_of("res.company", company, "tax_calculation_rounding_method")
        .await?;
    Ok(RoundingMethod::from_setting(v.as_str()))
}
