//! `load_data`'s product models: the POS's products (available in the POS, sellable,
//! of its company, in its categories when it limits them, plus the special products),
//! their attributes, combos and packagings; then the pricelists the POS uses with their
//! items, and the product categories.

use serde_json::{json, Map, Value};

use super::{read, search_read, Loaded, Loader};
use crate::errors::OdooResult;
use crate::orm::domain::{Domain, Op};
use crate::orm::values::records_json;
use crate::orm::Env;

const PRODUCT_FIELDS: &[&str] = &[
    "write_date",
    "combo_ids",
    "lst_price",
    "active",
    "type",
    "pos_categ_ids",
    "to_weight",
    "uom_id",
    "taxes_id",
    "categ_id",
    "tracking",
    "service_tracking",
    "product_template_variant_value_ids",
    "barcode",
    "available_in_pos",
    "product_tmpl_id",
    "description_sale",
    "id",
    "is_storable",
    "name",
    "standard_price",
    "display_name",
    "image_128",
    "description",
    "attribute_line_ids",
    "default_code",
    "product_tag_ids",
];

const PRICELIST_ITEM_FIELDS: &[&str] = &[
    "product_tmpl_id",
    "product_id",
    "pricelist_id",
    "price_surcharge",
    "price_discount",
    "price_round",
    "price_min_margin",
    "price_max_margin",
    "company_id",
    "currency_id",
    "date_start",
    "date_end",
    "compute_price",
    "fixed_price",
    "percent_price",
    "base_pricelist_id",
    "base",
    "categ_id",
    "min_quantity",
];

pub(super) fn loaders() -> Vec<Loader> {
    vec![
        Loader {
            model: "product.product",
            fields: PRODUCT_FIELDS,
            load: |env, loaded, _, fields| Box::pin(load_products(env, loaded, fields)),
        },
        Loader {
            model: "product.attribute",
            fields: &[
                "name",
                "display_type",
                "template_value_ids",
                "attribute_line_ids",
                "create_variant",
            ],
            load: |env, loaded, _, fields| {
                Box::pin(async move {
                    let lines = loaded.linked("product.product", "attribute_line_ids");
                    let attributes = attribute_of_lines(env, &lines).await?;
                    let d = Domain::leaf("id", Op::In, json!(attributes));
                    search_read(env, "product.attribute", d, fields).await
                })
            },
        },
        Loader {
            model: "product.attribute.custom.value",
            fields: &[
                "custom_value",
                "custom_product_template_attribute_value_id",
                "pos_order_line_id",
            ],
            load: |env, loaded, _, fields| {
                let lines = loaded.ids("pos.order.line");
                let d = Domain::leaf("pos_order_line_id", Op::In, json!(lines));
                Box::pin(search_read(
                    env,
                    "product.attribute.custom.value",
                    d,
                    fields,
                ))
            },
        },
        Loader {
            model: "product.template.attribute.line",
            fields: &["display_name", "attribute_id", "product_template_value_ids"],
            load: |env, loaded, _, fields| {
                let lines = loaded.linked("product.product", "attribute_line_ids");
                let d = Domain::leaf("id", Op::In, json!(lines));
                Box::pin(search_read(
                    env,
                    "product.template.attribute.line",
                    d,
                    fields,
                ))
            },
        },
        Loader {
            model: "product.template.attribute.value",
            fields: &[
                "attribute_id",
                "attribute_line_id",
                "product_attribute_value_id",
                "price_extra",
                "name",
                "is_custom",
                "html_color",
                "image",
            ],
            load: |env, loaded, _, fields| {
                let lines = loaded.ids("product.template.attribute.line");
                let d = Domain::leaf("attribute_line_id", Op::In, json!(lines));
                Box::pin(search_read(
                    env,
                    "product.template.attribute.value",
                    d,
                    fields,
                ))
            },
        },
        Loader {
            model: "product.combo",
            fields: &["id", "name", "combo_item_ids", "base_price"],
            load: |env, loaded, _, fields| {
                let combos = loaded.linked("product.product", "combo_ids");
                let d = Domain::leaf("id", Op::In, json!(combos));
                Box::pin(search_read(env, "product.combo", d, fields))
            },
        },
        Loader {
            model: "product.combo.item",
            fields: &["id", "combo_id", "product_id", "extra_price"],
            load: |env, loaded, _, fields| {
                let combos = loaded.ids("product.combo");
                let d = Domain::leaf("combo_id", Op::In, json!(combos));
                Box::pin(search_read(env, "product.combo.item", d, fields))
            },
        },
        Loader {
            model: "product.packaging",
            fields: &["id", "name", "barcode", "product_id", "qty"],
            load: |env, loaded, _, fields| {
                Box::pin(async move {
                    let products = loaded.ids("product.product");
                    let d = Domain::parse(&json!([
                        ["barcode", "not in", ["", false]],
                        ["product_id", "in", products]
                    ]))?;
                    search_read(env, "product.packaging", d, fields).await
                })
            },
        },
    ]
}

pub(super) fn loaders_prices() -> Vec<Loader> {
    vec![
        Loader {
            model: "product.pricelist",
            fields: &["id", "name", "display_name", "item_ids"],
            load: |env, loaded, _, fields| {
                let ids = available_pricelists(loaded);
                let d = Domain::leaf("id", Op::In, json!(ids));
                Box::pin(search_read(env, "product.pricelist", d, fields))
            },
        },
        Loader {
            model: "product.pricelist.item",
            fields: PRICELIST_ITEM_FIELDS,
            load: |env, loaded, _, fields| Box::pin(load_pricelist_items(env, loaded, fields)),
        },
        Loader {
            model: "product.category",
            fields: &["id", "name", "parent_id"],
            load: |env, _, _, fields| {
                Box::pin(search_read(env, "product.category", Domain::True, fields))
            },
        },
    ]
}

/// Odoo's `_get_available_pricelists`: the POS's available pricelists when it uses
/// several, else its default one.
fn available_pricelists(loaded: &Loaded) -> Vec<i64> {
    if loaded.config("use_pricelist") == json!(true) {
        loaded.config_ids("available_pricelist_ids")
    } else {
        loaded.config_ids("pricelist_id")
    }
}

/// The POS's products: available in the POS, sellable, active, of the POS's company or
/// none, in its categories when it limits them; then the special products (the tip)
/// and the products of the loaded combos. Images are sent as whether there is one.
async fn load_products(
    env: &Env<'_>,
    loaded: &Loaded,
    fields: &'static [&'static str],
) -> OdooResult<Vec<Map<String, Value>>> {
    let company = loaded.config("company_id");
    // The template's fields, as Odoo reaches them through the variant's `_inherits`.
    let mut domain = json!([
        "|",
        ["product_tmpl_id.company_id", "=", false],
        ["product_tmpl_id.company_id", "parent_of", [company]],
        ["active", "=", true],
        ["product_tmpl_id.available_in_pos", "=", true],
        ["product_tmpl_id.sale_ok", "=", true]
    ]);
    let categories = loaded.config_ids("iface_available_categ_ids");
    if loaded.config("limit_categories") == json!(true) && !categories.is_empty() {
        let all = env
            .search(
                "pos.category",
                Domain::leaf("id", Op::ChildOf, json!(categories)),
                0,
                None,
                None,
            )
            .await?;
        if let Some(items) = domain.as_array_mut() {
            items.push(json!(["product_tmpl_id.pos_categ_ids", "in", all]));
        }
    }
    let mut ids = env
        .search("product.product", Domain::parse(&domain)?, 0, None, None)
        .await?;
    for special in super::pos::special_products(env).await? {
        if !ids.contains(&special) {
            ids.push(special);
        }
    }
    let mut rows = read(env, "product.product", &ids, fields).await?;
    for row in &mut rows {
        if let Some(image) = row.get_mut("image_128") {
            let present = matches!(image, Value::String(s) if !s.is_empty());
            *image = json!(present);
        }
    }
    Ok(rows)
}

/// The attributes of product template attribute lines.
async fn attribute_of_lines(env: &Env<'_>, lines: &[i64]) -> OdooResult<Vec<i64>> {
    let rows = env
        .sudo()
        .values_of("product.template.attribute.line", lines, &["attribute_id"])
        .await?;
    let mut ids: Vec<i64> = rows
        .values()
        .filter_map(|r| r.get("attribute_id").and_then(Value::as_i64))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The items of the loaded pricelists that apply to the loaded products (their
/// template or variant) or to no product at all.
async fn load_pricelist_items(
    env: &Env<'_>,
    loaded: &Loaded,
    fields: &'static [&'static str],
) -> OdooResult<Vec<Map<String, Value>>> {
    let pricelists = loaded.ids("product.pricelist");
    let products = loaded.ids("product.product");
    let templates = loaded.linked("product.product", "product_tmpl_id");
    let d = Domain::parse(&json!([
        ["pricelist_id", "in", pricelists],
        "|",
        "|",
        ["product_id", "in", products],
        "&",
        ["product_id", "=", false],
        ["product_tmpl_id", "in", templates],
        "&",
        ["product_id", "=", false],
        ["product_tmpl_id", "=", false]
    ]))?;
    search_read(env, "product.pricelist.item", d, fields).await
}

/// `get_pos_ui_product_pricelist_item_by_product(product_tmpl_ids, product_ids,
/// config_id)`: the items of the session's POS pricelists (of its company or shared)
/// for products loaded after the start, and their pricelists.
pub(in crate::addons) async fn pricelist_items_by_product(
    env: &Env<'_>,
    session: i64,
    templates: &[i64],
    products: &[i64],
) -> OdooResult<Value> {
    let sudo = env.sudo();
    let config = sudo.value_of("pos.session", session, "config_id").await?;
    let config = config.as_i64().unwrap_or_default();
    let config = sudo
        .values_of(
            "pos.config",
            &[config],
            &[
                "use_pricelist",
                "available_pricelist_ids",
                "pricelist_id",
                "company_id",
            ],
        )
        .await?
        .remove(&config)
        .unwrap_or_default();
    let loaded = Loaded {
        session: Map::new(),
        config,
        models: Map::new(),
    };
    let company = loaded.config("company_id");
    let d = Domain::parse(&json!([
        "&",
        ["pricelist_id", "in", available_pricelists(&loaded)],
        "|",
        ["company_id", "=", false],
        ["company_id", "in", [company]],
        "|",
        "&",
        ["product_id", "=", false],
        ["product_tmpl_id", "in", templates],
        ["product_id", "in", products]
    ]))?;
    let items = search_read(env, "product.pricelist.item", d, PRICELIST_ITEM_FIELDS).await?;
    let mut pricelists: Vec<i64> = items
        .iter()
        .filter_map(|i| i.get("pricelist_id").and_then(Value::as_i64))
        .collect();
    pricelists.sort_unstable();
    pricelists.dedup();
    let lists = read(
        env,
        "product.pricelist",
        &pricelists,
        &["id", "name", "display_name", "item_ids"],
    )
    .await?;
    Ok(
        json!({"product.pricelist.item": records_json(items), "product.pricelist": records_json(lists)}),
    )
}
