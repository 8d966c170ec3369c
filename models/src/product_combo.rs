//! `product.combo`: a choice group of a combo product ("pick a drink"), with the
//! items offered and the price they start from.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("product.combo", "Product Combo")
        .order("sequence, id")
        .check_company()
        .company_rule(CompanyRule::SharedOrParentOf)
        .field(Field::char("name", "Name").required())
        .field(Field::integer("sequence", "Sequence").default(DefaultValue::Int(10)).no_copy())
        .field(Field::many2one("company_id", "Company", "res.company").index())
        .field(
            Field::one2many("combo_item_ids", "Product", "product.combo.item", "combo_id")
                .required(),
        )
        // Odoo: computed (lowest item price), not stored.
        .field(
            Field::float("base_price", "Combo Price")
                .not_stored()
                .help("The minimum price among the products in this combo. This value will be used to prorate the price of this combo with respect to the other combos in a combo product. This heuristic ensures that whatever product the user chooses in a combo, it will always be the same price."),
        )
        .access(Some("base.group_user"), "r")
        .access(Some("product.group_product_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .with_magic_fields()
}
