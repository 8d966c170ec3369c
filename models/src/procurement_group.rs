//! `procurement.group`: declared only as far as a POS order points at one (orders
//! shipped later are procured through a group).
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("procurement.group", "Procurement Group")
        .order("id desc")
        .field(Field::char("name", "Reference").required())
        .field(
            Field::selection(
                "move_type",
                "Delivery Type",
                &[("direct", "Partial"), ("one", "All at once")],
            )
            .required()
            .default(DefaultValue::Str("direct")),
        )
        .field(Field::many2one("partner_id", "Partner", "res.partner"))
        .field(Field::many2one("pos_order_id", "POS Order", "pos.order"))
        .access(Some("base.group_user"), "rwc")
        .with_magic_fields()
}
