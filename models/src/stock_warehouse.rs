//! `stock.warehouse`: declared only as far as a POS config points at one (its
//! warehouse and the warehouse's POS operation type).
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("stock.warehouse", "Warehouse")
        .order("sequence,id")
        .check_company()
        .field(Field::char("name", "Warehouse").required())
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .field(
            Field::char("code", "Short Name")
                .size(5)
                .required()
                .help("Short name used to identify your warehouse"),
        )
        .field(Field::integer("sequence", "Sequence").default(DefaultValue::Int(10)))
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .required()
                .readonly()
                .default(DefaultValue::CurrentCompany),
        )
        .field(Field::many2one("partner_id", "Address", "res.partner"))
        .field(Field::many2one(
            "pos_type_id",
            "Point of Sale Operation Type",
            "stock.picking.type",
        ))
        .sql_unique(
            "warehouse_name_uniq",
            &["name", "company_id"],
            "The name of the warehouse must be unique per company!",
        )
        .sql_unique(
            "warehouse_code_uniq",
            &["code", "company_id"],
            "The short name of the warehouse must be unique per company!",
        )
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("base.group_user"), "r")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .access(Some("point_of_sale.group_pos_manager"), "r")
        .with_magic_fields()
}
