//! `read_pos_data`: what `sync_from_ui` answers, per model the records of the
//! synced orders read with `load=False` and the fields the POS loads (all of them
//! for orders and payments). `pos.session` stays empty, as in Odoo 18 (its
//! `is_new_session` test can never be true).

use serde_json::{json, Map, Value};

use crate::errors::OdooResult;
use crate::orm::domain::{Domain, Op};
use crate::orm::Env;

/// The fields the POS loads of an order line (`_load_pos_data_fields`).
pub const LINE_FIELDS: &[&str] = &[
    "qty",
    "attribute_value_ids",
    "custom_attribute_value_ids",
    "price_unit",
    "skip_change",
    "uuid",
    "price_subtotal",
    "price_subtotal_incl",
    "order_id",
    "note",
    "price_type",
    "product_id",
    "discount",
    "tax_ids",
    "pack_lot_ids",
    "customer_note",
    "refunded_qty",
    "price_extra",
    "full_product_name",
    "refunded_orderline_id",
    "combo_parent_id",
    "combo_line_ids",
    "combo_item_id",
    "refund_orderline_ids",
];
const LOT_FIELDS: &[&str] = &["lot_name", "pos_order_line_id"];
const CUSTOM_VALUE_FIELDS: &[&str] = &[
    "custom_value",
    "custom_product_template_attribute_value_id",
    "pos_order_line_id",
];

fn names(fields: &[&str]) -> Vec<String> {
    fields.iter().map(|f| f.to_string()).collect()
}

/// The ids of `model` linked to each of `parents` by `link`, parent by parent, in
/// the model's order.
async fn children(env: &Env<'_>, model: &str, link: &str, parents: &[i64]) -> OdooResult<Vec<i64>> {
    let mut out = Vec::new();
    for p in parents {
        let ids = env
            .search(model, Domain::leaf(link, Op::Eq, json!(p)), 0, None, None)
            .await?;
        for i in ids {
            if !out.contains(&i) {
                out.push(i);
            }
        }
    }
    Ok(out)
}

pub async fn read_pos_data(env: &Env<'_>, ids: &[i64]) -> OdooResult<Value> {
    let mut out = Map::new();
    let keys = [
        "pos.order",
        "pos.session",
        "pos.payment",
        "pos.order.line",
        "pos.pack.operation.lot",
        "product.attribute.custom.value",
    ];
    for k in keys {
        out.insert(k.into(), json!([]));
    }
    if ids.is_empty() {
        return Ok(Value::Object(out));
    }
    let orders = env.read("pos.order", ids, None, false).await?;
    let payments = children(env, "pos.payment", "pos_order_id", ids).await?;
    let payments = env.read("pos.payment", &payments, None, false).await?;
    let lines = children(env, "pos.order.line", "order_id", ids).await?;
    let lots = children(env, "pos.pack.operation.lot", "pos_order_line_id", &lines).await?;
    let customs = children(
        env,
        "product.attribute.custom.value",
        "pos_order_line_id",
        &lines,
    )
    .await?;
    let lines = env
        .read("pos.order.line", &lines, Some(&names(LINE_FIELDS)), false)
        .await?;
    let lots = env
        .read(
            "pos.pack.operation.lot",
            &lots,
            Some(&names(LOT_FIELDS)),
            false,
        )
        .await?;
    let customs = env
        .read(
            "product.attribute.custom.value",
            &customs,
            Some(&names(CUSTOM_VALUE_FIELDS)),
            false,
        )
        .await?;
    out.insert("pos.order".into(), json!(orders));
    out.insert("pos.payment".into(), json!(payments));
    out.insert("pos.order.line".into(), json!(lines));
    out.insert("pos.pack.operation.lot".into(), json!(lots));
    out.insert("product.attribute.custom.value".into(), json!(customs));
    Ok(Value::Object(out))
}
