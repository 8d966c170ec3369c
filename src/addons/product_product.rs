//! `product.product`: a variant of a product template. Its sales price and its name
//! come from the template and the variant's attribute values, as Odoo 18 computes them
//! (`_compute_product_lst_price`, `_compute_product_price_extra`,
//! `_compute_display_name`); the POS shows both.

use std::collections::HashMap;

use async_trait::async_trait;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::errors::OdooResult;
use crate::money::decimal_from_json;
use crate::orm::behaviour::{Behaviour, Compute, NamesFn};
use crate::orm::Env;

pub struct ProductProduct;

const MODEL: &str = "product.product";
const VALUE: &str = "product.template.attribute.value";

#[async_trait]
impl Behaviour for ProductProduct {
    fn model(&self) -> &'static str {
        MODEL
    }

    fn computes(&self) -> Vec<Compute> {
        vec![
            Compute {
                field: "lst_price",
                run: |env, ids| Box::pin(compute_lst_price(env, ids)),
            },
            Compute {
                field: "price_extra",
                run: |env, ids| Box::pin(compute_price_extra(env, ids)),
            },
        ]
    }

    /// `[default_code] name (value, value)`: the reference when there is one, the
    /// variant's attribute values when it has some.
    fn display_names(&self) -> Option<NamesFn> {
        Some(|env, ids| Box::pin(display_names(env, ids)))
    }
}

struct Variant {
    name: String,
    code: Option<String>,
    list_price: Decimal,
    values: Vec<i64>,
}

/// What the computes need of each variant, read as the superuser (computes see the
/// whole record, as Odoo's do).
async fn variants(env: &Env<'_>, ids: &[i64]) -> OdooResult<Vec<(i64, Variant)>> {
    let fields: Vec<String> = [
        "name",
        "default_code",
        "list_price",
        "product_template_variant_value_ids",
    ]
    .iter()
    .map(|f| f.to_string())
    .collect();
    let rows = env
        .sudo()
        .with_context("active_test", json!(false))
        .read(MODEL, ids, Some(&fields), false)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let id = r.get("id")?.as_i64()?;
            Some((
                id,
                Variant {
                    name: r
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    code: r
                        .get("default_code")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    list_price: r
                        .get("list_price")
                        .and_then(decimal_from_json)
                        .unwrap_or_default(),
                    values: r
                        .get("product_template_variant_value_ids")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(Value::as_i64).collect())
                        .unwrap_or_default(),
                },
            ))
        })
        .collect())
}

/// Name and price extra of every attribute value the variants name.
async fn value_rows(
    env: &Env<'_>,
    variants: &[(i64, Variant)],
) -> OdooResult<HashMap<i64, (String, Decimal)>> {
    let mut ids: Vec<i64> = variants
        .iter()
        .flat_map(|(_, v)| v.values.iter().copied())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let fields = vec!["name".to_string(), "price_extra".to_string()];
    let rows = env
        .sudo()
        .with_context("active_test", json!(false))
        .read(VALUE, &ids, Some(&fields), false)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let id = r.get("id")?.as_i64()?;
            let name = r.get("name").and_then(Value::as_str).unwrap_or_default();
            let extra = r
                .get("price_extra")
                .and_then(decimal_from_json)
                .unwrap_or_default();
            Some((id, (name.to_string(), extra)))
        })
        .collect())
}

fn extra_of(v: &Variant, values: &HashMap<i64, (String, Decimal)>) -> Decimal {
    v.values
        .iter()
        .filter_map(|id| values.get(id))
        .map(|(_, extra)| *extra)
        .sum()
}

fn float(d: Decimal) -> Value {
    json!(d.to_f64().unwrap_or(0.0))
}

/// `price_extra`: the sum of the variant's attribute values' extra prices.
async fn compute_price_extra(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let variants = variants(env, ids).await?;
    let values = value_rows(env, &variants).await?;
    Ok(variants
        .iter()
        .map(|(id, v)| (*id, float(extra_of(v, &values))))
        .collect())
}

/// `lst_price`: the template's sales price plus the variant's extra (in the product's
/// own unit: the POS asks for no other).
async fn compute_lst_price(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let variants = variants(env, ids).await?;
    let values = value_rows(env, &variants).await?;
    Ok(variants
        .iter()
        .map(|(id, v)| (*id, float(v.list_price + extra_of(v, &values))))
        .collect())
}

/// The model's display names (see [`Behaviour::display_names`]).
async fn display_names(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, String>> {
    let variants = variants(env, ids).await?;
    let values = value_rows(env, &variants).await?;
    let mut out = HashMap::new();
    for (id, v) in variants {
        let mut name = v.name;
        let combination: Vec<&str> = v
            .values
            .iter()
            .filter_map(|value| values.get(value))
            .map(|(value_name, _)| value_name.as_str())
            .filter(|n| !n.is_empty())
            .collect();
        if !combination.is_empty() {
            name = format!("{name} ({})", combination.join(", "));
        }
        if let Some(code) = v.code.filter(|c| !c.is_empty()) {
            name = format!("[{code}] {name}");
        }
        out.insert(id, name);
    }
    Ok(out)
}
