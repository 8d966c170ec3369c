//! `uom.category`: families of units convertible into one another (Unit, Weight, ...).
//! The POS adds `is_pos_groupable`: lines of products in such a category merge.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("uom.category", "Product UoM Categories")
        .order("id")
        .field(Field::char("name", "Unit of Measure Category").required())
        .field(Field::one2many("uom_ids", "Uom", "uom.uom", "category_id"))
        .field(
            Field::boolean("is_pos_groupable", "Group Products in POS").help(
                "Check if you want to group products of this category in point of sale orders",
            ),
        )
        .access(Some("base.group_system"), "rwcu")
        .access(Some("base.group_user"), "r")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .with_magic_fields()
}
