//! `product.combo.item`: one product offered in a combo choice, with its extra price.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("product.combo.item", "Product Combo Item")
        .order("id")
        .check_company()
        .company_rule(CompanyRule::SharedOrParentOf)
        // Odoo: related combo_id.company_id, stored.
        .field(Field::many2one("company_id", "Company", "res.company"))
        .field(
            Field::many2one("combo_id", "Combo", "product.combo")
                .required()
                .ondelete(OnDelete::Cascade),
        )
        .field(
            Field::many2one("product_id", "Options", "product.product")
                .required()
                .ondelete(OnDelete::Restrict),
        )
        .field(Field::float("extra_price", "Extra Price").default(DefaultValue::Number("0.0")))
        .access(Some("base.group_user"), "r")
        .access(Some("product.group_product_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .with_magic_fields()
}
