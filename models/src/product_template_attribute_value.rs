//! `product.template.attribute.value`: an attribute value as one template uses it,
//! with the template-specific extra price. Variants combine these.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("product.template.attribute.value", "Product Template Attribute Value")
        .order("attribute_line_id, product_attribute_value_id, id")
        .field(
            Field::boolean("ptav_active", "Active")
                .default(DefaultValue::Bool(true)),
        )
        .field(
            Field::char("name", "Value")
                .related("product_attribute_value_id.name")
                .readonly(),
        )
        .field(
            Field::many2one(
                "product_attribute_value_id",
                "Attribute Value",
                "product.attribute.value",
            )
            .required()
            .index()
            .ondelete(OnDelete::Cascade),
        )
        .field(
            Field::many2one(
                "attribute_line_id",
                "Attribute Line",
                "product.template.attribute.line",
            )
            .required()
            .index()
            .ondelete(OnDelete::Cascade),
        )
        .field(
            Field::float("price_extra", "Value Price Extra")
                .default(DefaultValue::Number("0.0"))
                .help("Extra price for the variant with this attribute value on sale price. eg. 200 price extra, 1000 + 200 = 1200."),
        )
        // Odoo: related attribute_line_id.product_tmpl_id, stored.
        .field(
            Field::many2one("product_tmpl_id", "Product Template", "product.template")
                .index()
                .ondelete(OnDelete::Cascade),
        )
        // Odoo: related attribute_line_id.attribute_id, stored.
        .field(
            Field::many2one("attribute_id", "Attribute", "product.attribute").odoo_related()
                .index()
                .ondelete(OnDelete::Cascade),
        )
        .field(
            Field::char("html_color", "HTML Color Index")
                .related("product_attribute_value_id.html_color")
                .readonly(),
        )
        .field(
            Field::boolean("is_custom", "Is Custom Value")
                .related("product_attribute_value_id.is_custom")
                .readonly(),
        )
        // Odoo: fields.Image related product_attribute_value_id.image.
        .field(
            Field::text("image", "Image").odoo_type("binary")
                .related("product_attribute_value_id.image")
                .readonly(),
        )
        .sql_unique(
            "attribute_value_unique",
            &["attribute_line_id", "product_attribute_value_id"],
            "Each value should be defined only once per attribute per product.",
        )
        .access(Some("base.group_user"), "r")
        .access(Some("product.group_product_manager"), "rwcu")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}
