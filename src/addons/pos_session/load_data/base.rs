//! `load_data`'s base models: the cashier (with the `role` the client needs instead of
//! the groups), the customers, decimal precisions, units, countries, states and
//! languages; then the POS's currency, notes, the partner form view, tags and modules.

use serde_json::{json, Map, Value};

use super::{search_read, Loaded, Loader};
use crate::errors::OdooResult;
use crate::orm::domain::{Domain, Op};
use crate::orm::Env;

const PARTNER_FIELDS: &[&str] = &[
    "id",
    "name",
    "street",
    "city",
    "state_id",
    "country_id",
    "vat",
    "lang",
    "phone",
    "zip",
    "mobile",
    "email",
    "barcode",
    "write_date",
    "property_account_position_id",
    "property_product_pricelist",
    "parent_name",
    "contact_address",
];

/// Odoo's `point_of_sale.limited_customer_count` default.
const PARTNER_LIMIT: usize = 100;

pub(super) fn loaders_people() -> Vec<Loader> {
    vec![
        Loader {
            model: "res.users",
            fields: &["id", "name", "partner_id", "groups_id"],
            load: |env, _, _, fields| Box::pin(load_user(env, fields)),
        },
        Loader {
            model: "res.partner",
            fields: PARTNER_FIELDS,
            load: |env, loaded, _, fields| Box::pin(load_partners(env, loaded, fields)),
        },
        all("decimal.precision", &["id", "name", "digits"]),
        all(
            "uom.uom",
            &[
                "id",
                "name",
                "category_id",
                "factor_inv",
                "factor",
                "is_pos_groupable",
                "uom_type",
                "rounding",
            ],
        ),
        all("uom.category", &["id", "name", "uom_ids"]),
        all("res.country", &["id", "name", "code", "vat_label"]),
        all("res.country.state", &["id", "name", "code", "country_id"]),
        // The installed (active) languages.
        all(
            "res.lang",
            &["id", "name", "code", "flag_image_url", "display_name"],
        ),
    ]
}

pub(super) fn loaders_tail() -> Vec<Loader> {
    vec![
        Loader {
            model: "res.currency",
            fields: &[
                "id",
                "name",
                "symbol",
                "position",
                "rounding",
                "rate",
                "decimal_places",
                "iso_numeric",
            ],
            load: |env, loaded, _, fields| {
                let d = Domain::leaf("id", Op::Eq, loaded.config("currency_id"));
                Box::pin(search_read(env, "res.currency", d, fields))
            },
        },
        Loader {
            model: "pos.note",
            fields: &["name"],
            load: |env, loaded, _, fields| {
                let notes = loaded.config_ids("note_ids");
                let d = match notes.is_empty() {
                    true => Domain::True,
                    false => Domain::leaf("id", Op::In, json!(notes)),
                };
                Box::pin(search_read(env, "pos.note", d, fields))
            },
        },
        Loader {
            model: "ir.ui.view",
            fields: &["id", "name"],
            load: |env, _, _, fields| {
                Box::pin(async move {
                    let view = env.xmlid_to_res_id("base.view_partner_form").await?;
                    let d = Domain::leaf("id", Op::Eq, json!(view.unwrap_or_default()));
                    search_read(env, "ir.ui.view", d, fields).await
                })
            },
        },
        Loader {
            model: "product.tag",
            fields: &["name"],
            load: |env, loaded, _, fields| {
                let tags = loaded.linked("product.product", "product_tag_ids");
                let d = Domain::leaf("id", Op::In, json!(tags));
                Box::pin(search_read(env, "product.tag", d, fields))
            },
        },
        Loader {
            model: "ir.module.module",
            fields: &["id", "name", "state"],
            load: |env, _, _, fields| {
                let d = Domain::leaf("name", Op::Eq, json!("pos_settle_due"));
                Box::pin(search_read(env, "ir.module.module", d, fields))
            },
        },
    ]
}

/// A model loaded whole (in its order, active records).
fn all(model: &'static str, fields: &'static [&'static str]) -> Loader {
    Loader {
        model,
        fields,
        load: |env, _, model, fields| Box::pin(search_read(env, model, Domain::True, fields)),
    }
}

/// The user, with `role` (`manager` for a POS manager, else `cashier`) instead of
/// the groups.
async fn load_user(
    env: &Env<'_>,
    fields: &'static [&'static str],
) -> OdooResult<Vec<Map<String, Value>>> {
    let d = Domain::leaf("id", Op::Eq, json!(env.uid()));
    let mut rows = search_read(env, "res.users", d, fields).await?;
    let manager = env.su || env.user.has_group("point_of_sale.group_pos_manager");
    for row in &mut rows {
        row.shift_remove("groups_id");
        let role = if manager { "manager" } else { "cashier" };
        row.insert("role".into(), json!(role));
    }
    Ok(rows)
}

/// Odoo's `get_limited_partners_loading`: the POS company's (or shared) partners,
/// those with the most POS orders first, then by name, at most 100; and the user's own.
async fn load_partners(
    env: &Env<'_>,
    loaded: &Loaded,
    fields: &'static [&'static str],
) -> OdooResult<Vec<Map<String, Value>>> {
    let company = loaded.config("company_id");
    let d = Domain::parse(&json!([
        "|",
        ["company_id", "=", company],
        ["company_id", "=", false]
    ]))?;
    let mut ids = env.search("res.partner", d, 0, None, Some("name")).await?;
    // Most POS orders first (a stable sort keeps the names' order among equals).
    let orders = env
        .sudo()
        .search(
            "pos.order",
            Domain::leaf("partner_id", Op::In, json!(ids)),
            0,
            None,
            None,
        )
        .await?;
    let buyers = env
        .sudo()
        .values_of("pos.order", &orders, &["partner_id"])
        .await?;
    let mut count: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for r in buyers.values() {
        if let Some(p) = r.get("partner_id").and_then(Value::as_i64) {
            *count.entry(p).or_default() += 1;
        }
    }
    ids.sort_by_key(|p| std::cmp::Reverse(count.get(p).copied().unwrap_or_default()));
    ids.truncate(PARTNER_LIMIT);
    let me = env
        .sudo()
        .value_of("res.users", env.uid(), "partner_id")
        .await?;
    if let Some(me) = me.as_i64() {
        if !ids.contains(&me) {
            ids.push(me);
        }
    }
    super::read(env, "res.partner", &ids, fields).await
}
