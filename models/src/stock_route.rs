//! `stock.route`: declared only as far as a POS config points at one (the route of
//! products shipped later).
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("stock.route", "Inventory Routes")
        .order("sequence")
        .check_company()
        .company_rule(CompanyRule::SharedOrParentOf)
        .field(Field::char("name", "Route").required())
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .field(Field::integer("sequence", "Sequence").default(DefaultValue::Int(0)))
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .default(DefaultValue::CurrentCompany)
                .index(),
        )
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("base.group_user"), "r")
        .with_magic_fields()
}
