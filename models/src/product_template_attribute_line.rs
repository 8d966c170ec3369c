//! `product.template.attribute.line`: an attribute used by a product template, with
//! the template's values for it.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new(
        "product.template.attribute.line",
        "Product Template Attribute Line",
    )
    .order("sequence, attribute_id, id")
    .rec_name("attribute_id")
    .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
    .field(
        Field::many2one("product_tmpl_id", "Product Template", "product.template")
            .required()
            .index()
            .ondelete(OnDelete::Cascade),
    )
    .field(Field::integer("sequence", "Sequence").default(DefaultValue::Int(10)))
    .field(
        Field::many2one("attribute_id", "Attribute", "product.attribute")
            .required()
            .index()
            .ondelete(OnDelete::Restrict),
    )
    // `value_ids` (many2many to product.attribute.value) is left out: the POS does not
    // load it, and its relation table's name is too long for distinct PostgreSQL
    // constraint names with the migration's naming (see notes/pos-backend.md).
    .field(Field::one2many(
        "product_template_value_ids",
        "Product Attribute Values",
        "product.template.attribute.value",
        "attribute_line_id",
    ))
    .access(Some("base.group_user"), "r")
    .access(Some("product.group_product_manager"), "rwcu")
    .access(Some("stock.group_stock_manager"), "rwcu")
    .access(Some("point_of_sale.group_pos_manager"), "rwcu")
    .with_magic_fields()
}
