//! `product.tag`: free tags on products, loaded by the POS for product search.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("product.tag", "Product Tag")
        .order("sequence, id")
        .field(Field::char("name", "Name").required())
        .field(Field::integer("sequence", "Sequence").default(DefaultValue::Int(10)))
        .field(Field::char("color", "Color").default(DefaultValue::Str("#3C3C3C")))
        .field(Field::many2many(
            "product_template_ids",
            "Product Templates",
            "product.template",
            "product_tag_product_template_rel",
            "product_tag_id",
            "product_template_id",
        ))
        .sql_unique("name_uniq", &["name"], "Tag name already exists!")
        .access(Some("base.group_user"), "r")
        .access(Some("product.group_product_manager"), "rwcu")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}
