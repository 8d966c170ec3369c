//! `load_data`'s POS models: the session (with its `_`-prefixed extras), its POS (with
//! `_product_default_values`), the session's draft orders with their lines, lots and
//! payments, every payment method (archived ones too), printers, categories, bills and
//! the company.

use serde_json::{json, Map, Value};

use super::{read, search_read, Loaded, Loader};
// The fields the POS loads of an order line are the ones `sync_from_ui` answers.
use crate::addons::pos_order::LINE_FIELDS as ORDER_LINE_FIELDS;
use crate::errors::OdooResult;
use crate::orm::domain::{Domain, Op};
use crate::orm::values::records_json;
use crate::orm::Env;

/// Odoo 18's `pos.session._load_pos_data_fields`.
pub(super) const SESSION_FIELDS: &[&str] = &[
    "id",
    "name",
    "user_id",
    "config_id",
    "start_at",
    "stop_at",
    "sequence_number",
    "login_number",
    "payment_method_ids",
    "state",
    "update_stock_at_closing",
    "cash_register_balance_start",
    "access_token",
];

/// Odoo's `res.partner._commercial_fields()` with the accounting modules installed:
/// the fields a contact takes from its company.
const PARTNER_COMMERCIAL_FIELDS: &[&str] = &[
    "vat",
    "company_registry",
    "industry_id",
    "property_product_pricelist",
    "debit_limit",
    "property_account_payable_id",
    "property_account_receivable_id",
    "property_account_position_id",
    "property_payment_term_id",
    "property_supplier_payment_term_id",
    "credit_limit",
];

const PAYMENT_METHOD_FIELDS: &[&str] = &[
    "id",
    "name",
    "is_cash_count",
    "use_payment_terminal",
    "split_transactions",
    "type",
    "image",
    "sequence",
    "payment_method_type",
    "default_qr",
    "is_online_payment",
    "stripe_serial_number",
];

const COMPANY_FIELDS: &[&str] = &[
    "id",
    "currency_id",
    "email",
    "website",
    "company_registry",
    "vat",
    "name",
    "phone",
    "partner_id",
    "country_id",
    "state_id",
    "tax_calculation_rounding_method",
    "nomenclature_id",
    "point_of_sale_use_ticket_qr_code",
    "point_of_sale_ticket_unique_code",
    "point_of_sale_ticket_portal_url_display_mode",
    "street",
    "city",
    "zip",
    "account_fiscal_country_id",
];

/// The session's own record, with what the client needs beside its fields.
pub(super) async fn load_session(env: &Env<'_>, id: i64) -> OdooResult<Map<String, Value>> {
    let rows = read(env, super::MODEL, &[id], SESSION_FIELDS).await?;
    let Some(mut session) = rows.into_iter().next() else {
        return Err(super::super::super::missing_error(env, super::MODEL, &[id]));
    };
    let services = super::super::super::services(env)?;
    let settings = &services.settings;
    session.insert(
        "_partner_commercial_fields".into(),
        json!(PARTNER_COMMERCIAL_FIELDS),
    );
    session.insert(
        "_server_version".into(),
        json!({
            "server_version": settings.server_version,
            "server_version_info": settings.server_version_info(),
            "server_serie": settings.server_version,
            "protocol_version": 1,
        }),
    );
    let base_url = super::super::super::ir_config_parameter::get_param(env, "web.base.url").await?;
    session.insert(
        "_base_url".into(),
        json!(base_url.unwrap_or_else(|| "http://localhost:8069".into())),
    );
    session.insert(
        "_has_cash_move_perm".into(),
        json!(env.su || env.user.has_group("account.group_account_invoice")),
    );
    let special = special_products(env).await?;
    let sellable = Domain::parse(&json!([
        ["product_tmpl_id.available_in_pos", "=", true],
        ["product_tmpl_id.list_price", ">=", 0],
        ["id", "not in", special],
        "|",
        ["active", "=", false],
        ["active", "=", true]
    ]))?;
    let available = env
        .sudo()
        .search_count("product.product", sellable, Some(1))
        .await?;
    session.insert("_has_available_products".into(), json!(available > 0));
    session.insert("_pos_special_products_ids".into(), json!(special));
    Ok(session)
}

/// Odoo's `pos.config._get_special_products()`: the tip product, when it exists.
pub(super) async fn special_products(env: &Env<'_>) -> OdooResult<Vec<i64>> {
    Ok(env
        .xmlid_to_res_id("point_of_sale.product_product_tip")
        .await?
        .into_iter()
        .collect())
}

pub(super) fn loaders_head() -> Vec<Loader> {
    vec![
        Loader {
            model: "pos.config",
            fields: &[],
            load: |env, loaded, _, fields| Box::pin(load_config(env, loaded, fields)),
        },
        Loader {
            model: "pos.order",
            fields: &[],
            load: |env, loaded, _, fields| {
                Box::pin(async move {
                    let session = loaded.session.get("id").cloned().unwrap_or(json!(false));
                    let d = Domain::leaf("state", Op::Eq, json!("draft")).and(Domain::leaf(
                        "session_id",
                        Op::Eq,
                        session,
                    ));
                    search_read(env, "pos.order", d, fields).await
                })
            },
        },
        Loader {
            model: "pos.order.line",
            fields: ORDER_LINE_FIELDS,
            load: |env, loaded, _, fields| {
                let d = Domain::leaf("order_id", Op::In, json!(loaded.ids("pos.order")));
                Box::pin(search_read(env, "pos.order.line", d, fields))
            },
        },
        Loader {
            model: "pos.pack.operation.lot",
            fields: &["lot_name", "pos_order_line_id"],
            load: |env, loaded, _, fields| {
                let lines = loaded.ids("pos.order.line");
                let d = Domain::leaf("pos_order_line_id", Op::In, json!(lines));
                Box::pin(search_read(env, "pos.pack.operation.lot", d, fields))
            },
        },
        Loader {
            model: "pos.payment",
            fields: &[],
            load: |env, loaded, _, fields| {
                let d = Domain::leaf("pos_order_id", Op::In, json!(loaded.ids("pos.order")));
                Box::pin(search_read(env, "pos.payment", d, fields))
            },
        },
        Loader {
            model: "pos.payment.method",
            fields: PAYMENT_METHOD_FIELDS,
            // Every method, archived or not: the config's `payment_method_ids` picks.
            load: |env, _, _, fields| {
                Box::pin(async move {
                    let d = Domain::parse(&json!([
                        "|",
                        ["active", "=", false],
                        ["active", "=", true]
                    ]))?;
                    search_read(env, "pos.payment.method", d, fields).await
                })
            },
        },
        Loader {
            model: "pos.printer",
            fields: &[
                "id",
                "name",
                "proxy_ip",
                "product_categories_ids",
                "printer_type",
                "epson_printer_ip",
            ],
            load: |env, loaded, _, fields| {
                let d = Domain::leaf("id", Op::In, json!(loaded.config_ids("printer_ids")));
                Box::pin(search_read(env, "pos.printer", d, fields))
            },
        },
        Loader {
            model: "pos.category",
            fields: &[
                "id",
                "name",
                "parent_id",
                "child_ids",
                "write_date",
                "has_image",
                "color",
                "sequence",
            ],
            load: |env, loaded, _, fields| Box::pin(load_categories(env, loaded, fields)),
        },
        Loader {
            model: "pos.bill",
            fields: &["id", "name", "value"],
            load: |env, loaded, _, fields| {
                Box::pin(async move {
                    let bills = loaded.config_ids("default_bill_ids");
                    let d = Domain::parse(&json!([
                        "|",
                        ["id", "in", bills],
                        ["pos_config_ids", "=", false]
                    ]))?;
                    search_read(env, "pos.bill", d, fields).await
                })
            },
        },
        Loader {
            model: "res.company",
            fields: COMPANY_FIELDS,
            load: |env, loaded, _, fields| {
                let d = Domain::leaf("id", Op::Eq, loaded.config("company_id"));
                Box::pin(search_read(env, "res.company", d, fields))
            },
        },
    ]
}

/// The session's POS; without pricelists its `pricelist_id` is sent as `false`.
async fn load_config(
    env: &Env<'_>,
    loaded: &Loaded,
    fields: &'static [&'static str],
) -> OdooResult<Vec<Map<String, Value>>> {
    let config = loaded
        .session
        .get("config_id")
        .cloned()
        .unwrap_or(json!(false));
    let mut rows = search_read(
        env,
        "pos.config",
        Domain::leaf("id", Op::Eq, config),
        fields,
    )
    .await?;
    for row in &mut rows {
        if row.get("use_pricelist") != Some(&json!(true)) {
            row.insert("pricelist_id".into(), json!(false));
        }
        row.insert("_product_default_values".into(), json!({}));
    }
    Ok(rows)
}

/// Odoo's `_get_available_categories`: every category, or the POS's chosen ones and
/// their descendants when it limits them.
async fn load_categories(
    env: &Env<'_>,
    loaded: &Loaded,
    fields: &'static [&'static str],
) -> OdooResult<Vec<Map<String, Value>>> {
    let chosen = loaded.config_ids("iface_available_categ_ids");
    let d = if loaded.config("limit_categories") == json!(true) && !chosen.is_empty() {
        Domain::leaf("id", Op::ChildOf, json!(chosen))
    } else {
        Domain::True
    };
    let ids = env
        .search("pos.category", d, 0, None, Some("sequence"))
        .await?;
    read(env, "pos.category", &ids, fields).await
}

/// Odoo 18's `pos.order.read_pos_data`: orders as the POS client takes them back
/// (after `sync_from_ui`, or the open orders of a POS), with their payments, lines,
/// lots and custom attribute values, read with the caller's rights and `load=False`.
pub(in crate::addons) async fn read_pos_data(
    env: &Env<'_>,
    orders: &[i64],
) -> OdooResult<Map<String, Value>> {
    let mut out = Map::new();
    let order_rows = read(env, "pos.order", orders, &[]).await?;
    out.insert("pos.order".into(), records_json(order_rows));
    out.insert("pos.session".into(), json!([]));
    let d = Domain::leaf("pos_order_id", Op::In, json!(orders));
    out.insert(
        "pos.payment".into(),
        records_json(search_read(env, "pos.payment", d, &[]).await?),
    );
    let d = Domain::leaf("order_id", Op::In, json!(orders));
    let line_ids = env.search("pos.order.line", d, 0, None, None).await?;
    let lines = read(env, "pos.order.line", &line_ids, ORDER_LINE_FIELDS).await?;
    out.insert("pos.order.line".into(), records_json(lines));
    let d = Domain::leaf("pos_order_line_id", Op::In, json!(line_ids));
    let lots = search_read(
        env,
        "pos.pack.operation.lot",
        d.clone(),
        &["lot_name", "pos_order_line_id"],
    )
    .await?;
    out.insert("pos.pack.operation.lot".into(), records_json(lots));
    let custom = search_read(
        env,
        "product.attribute.custom.value",
        d,
        &[
            "custom_value",
            "custom_product_template_attribute_value_id",
            "pos_order_line_id",
        ],
    )
    .await?;
    out.insert(
        "product.attribute.custom.value".into(),
        records_json(custom),
    );
    Ok(out)
}
