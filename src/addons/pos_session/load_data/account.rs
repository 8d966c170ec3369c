//! `load_data`'s accounting models: the company's taxes and their groups, the POS's
//! cash rounding, fiscal positions (with their tax mappings) and picking type.

use serde_json::{json, Map, Value};

use super::{search_read, Loaded, Loader};
use crate::errors::OdooResult;
use crate::orm::domain::{Domain, Op};
use crate::orm::Env;

pub(super) fn loaders_taxes() -> Vec<Loader> {
    vec![
        Loader {
            model: "account.tax",
            // Odoo's list names `id` twice.
            fields: &[
                "id",
                "name",
                "price_include",
                "include_base_amount",
                "is_base_affected",
                "has_negative_factor",
                "amount_type",
                "children_tax_ids",
                "amount",
                "company_id",
                "id",
                "sequence",
                "tax_group_id",
            ],
            load: |env, loaded, _, fields| Box::pin(load_taxes(env, loaded, fields)),
        },
        Loader {
            model: "account.tax.group",
            fields: &["id", "name", "pos_receipt_label"],
            load: |env, loaded, _, fields| {
                let groups = loaded.linked("account.tax", "tax_group_id");
                let d = Domain::leaf("id", Op::In, json!(groups));
                Box::pin(search_read(env, "account.tax.group", d, fields))
            },
        },
    ]
}

pub(super) fn loaders_fiscal() -> Vec<Loader> {
    vec![
        Loader {
            model: "account.cash.rounding",
            fields: &["id", "name", "rounding", "rounding_method", "strategy"],
            load: |env, loaded, _, fields| {
                let d = Domain::leaf("id", Op::Eq, loaded.config("rounding_method"));
                Box::pin(search_read(env, "account.cash.rounding", d, fields))
            },
        },
        Loader {
            model: "account.fiscal.position",
            fields: &["id", "name", "display_name", "tax_map"],
            load: |env, loaded, _, fields| {
                let ids = loaded.config_ids("fiscal_position_ids");
                let d = Domain::leaf("id", Op::In, json!(ids));
                Box::pin(search_read(env, "account.fiscal.position", d, fields))
            },
        },
        Loader {
            model: "account.fiscal.position.tax",
            fields: &[],
            load: |env, loaded, _, fields| {
                let positions = loaded.ids("account.fiscal.position");
                let d = Domain::leaf("position_id", Op::In, json!(positions));
                Box::pin(search_read(env, "account.fiscal.position.tax", d, fields))
            },
        },
        Loader {
            model: "stock.picking.type",
            fields: &["id", "use_create_lots", "use_existing_lots"],
            load: |env, loaded, _, fields| {
                let d = Domain::leaf("id", Op::Eq, loaded.config("picking_type_id"));
                Box::pin(search_read(env, "stock.picking.type", d, fields))
            },
        },
    ]
}

/// The taxes of the POS's company (or shared). `price_include` is Odoo 18's compute:
/// the tax's own override, else its company's default (`account_price_include`).
async fn load_taxes(
    env: &Env<'_>,
    loaded: &Loaded,
    fields: &'static [&'static str],
) -> OdooResult<Vec<Map<String, Value>>> {
    let company = loaded.config("company_id");
    let d = Domain::parse(&json!([
        "|",
        ["company_id", "=", false],
        ["company_id", "parent_of", [company]]
    ]))?;
    let mut rows = search_read(env, "account.tax", d, fields).await?;
    let ids: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.get("id").and_then(Value::as_i64))
        .collect();
    let sudo = env.sudo();
    let raw = sudo
        .values_of(
            "account.tax",
            &ids,
            &["price_include_override", "company_id"],
        )
        .await?;
    for row in &mut rows {
        let Some(r) = row
            .get("id")
            .and_then(Value::as_i64)
            .and_then(|id| raw.get(&id))
        else {
            continue;
        };
        let included = match r.get("price_include_override").and_then(Value::as_str) {
            Some(choice) => choice == "tax_included",
            None => match r.get("company_id").and_then(Value::as_i64) {
                Some(c) => {
                    sudo.value_of("res.company", c, "account_price_include")
                        .await?
                        == json!("tax_included")
                }
                None => false,
            },
        };
        if row.contains_key("price_include") {
            row.insert("price_include".into(), json!(included));
        }
    }
    Ok(rows)
}
