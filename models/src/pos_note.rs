//! `pos.note`: predefined notes a cashier can put on an order line ("Wait", "To
//! Serve", ...).
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("pos.note", "PoS Note")
        .order("id")
        .field(Field::char("name", "Name").required())
        .field(Field::integer("sequence", "Sequence").default(DefaultValue::Int(1)))
        .sql_unique(
            "name_unique",
            &["name"],
            "A note with this name already exists",
        )
        .access(Some("point_of_sale.group_pos_user"), "r")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}
