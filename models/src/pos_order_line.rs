//! `pos.order.line`: one product sold on an order: quantity, unit price, discount,
//! taxes, and the subtotals without and with taxes the server recomputes.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("pos.order.line", "Point of Sale Order Lines")
        .order("id")
        .rec_name("product_id")
        .check_company()
        // Odoo: related order_id.company_id, stored.
        .field(Field::many2one("company_id", "Company", "res.company"))
        // Odoo fills it on create from the config's line sequence.
        .field(Field::char("name", "Line No").required().no_copy())
        .field(Field::boolean("skip_change", "Skip line when sending ticket to kitchen printers."))
        .field(Field::char("notice", "Discount Notice"))
        .field(Field::many2one("product_id", "Product", "product.product").required())
        .field(Field::many2many(
            "attribute_value_ids",
            "Selected Attributes",
            "product.template.attribute.value",
            "pos_order_line_product_template_attribute_value_rel",
            "pos_order_line_id",
            "product_template_attribute_value_id",
        ))
        .field(Field::one2many(
            "custom_attribute_value_ids",
            "Custom Values",
            "product.attribute.custom.value",
            "pos_order_line_id",
        ))
        .field(Field::float("price_unit", "Unit Price"))
        .field(Field::float("qty", "Quantity").default(DefaultValue::Number("1")))
        .field(Field::float("price_subtotal", "Tax Excl.").readonly().required())
        .field(Field::float("price_subtotal_incl", "Tax Incl.").readonly().required())
        .field(Field::float("price_extra", "Price extra"))
        .field(
            Field::selection(
                "price_type",
                "Price Type",
                &[("original", "Original"), ("manual", "Manual"), ("automatic", "Automatic")],
            )
            .default(DefaultValue::Str("original")),
        )
        // Odoo: computed (price_subtotal - total_cost), not stored.
        .field(Field::monetary("margin", "Margin", "currency_id").computed(false))
        .field(Field::float("margin_percent", "Margin (%)").computed(false))
        .field(Field::float("total_cost", "Total cost").readonly())
        .field(
            Field::boolean("is_total_cost_computed", "Is Total Cost Computed")
                .help("Allows to know if the total cost has already been computed or not"),
        )
        .field(
            Field::float("discount", "Discount (%)")
                .default(DefaultValue::Number("0.0")),
        )
        .field(
            Field::many2one("order_id", "Order Ref", "pos.order")
                .required()
                .index()
                .ondelete(OnDelete::Cascade),
        )
        .field(
            Field::many2many(
                "tax_ids",
                "Taxes",
                "account.tax",
                "account_tax_pos_order_line_rel",
                "pos_order_line_id",
                "account_tax_id",
            )
            .readonly(),
        )
        // `tax_ids_after_fiscal_position` (computed many2many to account.tax, "Taxes to
        // Apply": the order's fiscal position applied to tax_ids) waits for the compute
        // API: without a compute the engine cannot read a many2many that has no table.
        .field(Field::one2many(
            "pack_lot_ids",
            "Lot/serial Number",
            "pos.pack.operation.lot",
            "pos_order_line_id",
        ))
        .field(
            Field::many2one("product_uom_id", "Product UoM", "uom.uom")
                .related("product_id.uom_id")
                .readonly(),
        )
        .field(
            Field::many2one("currency_id", "Currency", "res.currency")
                .related("order_id.currency_id")
                .readonly(),
        )
        .field(Field::char("full_product_name", "Full Product Name"))
        .field(Field::char("customer_note", "Customer Note"))
        .field(
            Field::one2many(
                "refund_orderline_ids",
                "Refund Order Lines",
                "pos.order.line",
                "refunded_orderline_id",
            )
            .help("Orderlines in this field are the lines that refunded this orderline."),
        )
        .field(
            Field::many2one("refunded_orderline_id", "Refunded Order Line", "pos.order.line")
                .help("If this orderline is a refund, then the refunded orderline is specified in this field."),
        )
        // Odoo: computed (-sum of the refund lines' qty), not stored.
        .field(
            Field::float("refunded_qty", "Refunded Quantity")
                .computed(false)
                .help("Number of items refunded in this orderline."),
        )
        .field(Field::char("uuid", "Uuid").readonly().no_copy())
        .field(Field::char("note", "Product Note"))
        .field(Field::many2one("combo_parent_id", "Combo Parent", "pos.order.line"))
        .field(Field::one2many(
            "combo_line_ids",
            "Combo Lines",
            "pos.order.line",
            "combo_parent_id",
        ))
        .field(Field::many2one("combo_item_id", "Combo Item", "product.combo.item"))
        .field(Field::boolean("is_edited", "Edited").default(DefaultValue::Bool(false)))
        .access(Some("point_of_sale.group_pos_user"), "rwcu")
        .with_magic_fields()
}
