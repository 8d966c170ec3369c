//! `product.attribute.custom.value`: the free text a customer typed for a custom
//! attribute value; the POS attaches them to order lines.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new(
        "product.attribute.custom.value",
        "Product Attribute Custom Value",
    )
    .order("custom_product_template_attribute_value_id, id")
    .field(Field::char("name", "Name").not_stored())
    .field(
        Field::many2one(
            "custom_product_template_attribute_value_id",
            "Attribute Value",
            "product.template.attribute.value",
        )
        .required()
        .ondelete(OnDelete::Restrict),
    )
    .field(Field::char("custom_value", "Custom Value"))
    .field(
        Field::many2one("pos_order_line_id", "PoS Order Line", "pos.order.line")
            .ondelete(OnDelete::Cascade),
    )
    .access(Some("base.group_user"), "r")
    .access(Some("product.group_product_manager"), "rwcu")
    .access(Some("point_of_sale.group_pos_manager"), "rwcu")
    .with_magic_fields()
}
