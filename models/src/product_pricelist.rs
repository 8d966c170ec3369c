//! `product.pricelist`: named price rules in a currency; a POS offers its available
//! pricelists and starts from its default one.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("product.pricelist", "Pricelist")
        .order("sequence asc, id asc")
        .check_company()
        .company_rule(CompanyRule::SharedOrParentOf)
        .field(Field::char("name", "Pricelist Name").required())
        .field(
            Field::boolean("active", "Active")
                .default(DefaultValue::Bool(true))
                .help("If unchecked, it will allow you to hide the pricelist without removing it."),
        )
        .field(Field::integer("sequence", "Sequence").default(DefaultValue::Int(16)))
        .field(
            Field::many2one("currency_id", "Currency", "res.currency")
                .required()
                .default(DefaultValue::CompanyCurrency),
        )
        .field(Field::many2one("company_id", "Company", "res.company"))
        .field(Field::one2many(
            "item_ids",
            "Pricelist Rules",
            "product.pricelist.item",
            "pricelist_id",
        ))
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_partner_manager"), "r")
        .access(Some("product.group_product_manager"), "rwcu")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .with_magic_fields()
}
