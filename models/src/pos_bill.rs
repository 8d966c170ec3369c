//! `pos.bill`: the coins and bills a POS proposes when counting cash.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("pos.bill", "Coins/Bills")
        .order("value")
        .field(Field::char("name", "Name"))
        .field(Field::float("value", "Coin/Bill Value").required())
        .field(Field::many2many(
            "pos_config_ids",
            "Point of Sales",
            "pos.config",
            "pos_bill_pos_config_rel",
            "pos_bill_id",
            "pos_config_id",
        ))
        .access(Some("point_of_sale.group_pos_user"), "rwcu")
        .with_magic_fields()
}
