//! `stock.picking`: transfers, declared only as far as POS orders and sessions point
//! at them (the delivery of a paid order).
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("stock.picking", "Transfer")
        .order("priority desc, scheduled_date asc, id desc")
        .check_company()
        .field(
            Field::char("name", "Reference")
                .default(DefaultValue::Str("/"))
                .no_copy()
                .index(),
        )
        .field(Field::char("origin", "Source Document").index())
        .field(Field::char("priority", "Priority").default(DefaultValue::Str("0")))
        .field(Field::datetime("scheduled_date", "Scheduled Date").index())
        .field(
            Field::selection(
                "state",
                "Status",
                &[
                    ("draft", "Draft"),
                    ("waiting", "Waiting Another Operation"),
                    ("confirmed", "Waiting"),
                    ("assigned", "Ready"),
                    ("done", "Done"),
                    ("cancel", "Cancelled"),
                ],
            )
            .readonly()
            .no_copy()
            .index(),
        )
        .field(
            Field::many2one("picking_type_id", "Operation Type", "stock.picking.type")
                .required()
                .index(),
        )
        .field(Field::many2one("partner_id", "Contact", "res.partner"))
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .default(DefaultValue::CurrentCompany)
                .index(),
        )
        .field(Field::many2one("pos_session_id", "Pos Session", "pos.session").index())
        .field(Field::many2one("pos_order_id", "Pos Order", "pos.order").index())
        .access(Some("stock.group_stock_user"), "rwcu")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_user"), "rwcu")
        .with_magic_fields()
}
