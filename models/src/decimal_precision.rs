//! `decimal.precision`: the number of digits each kind of quantity is shown and
//! rounded with ("Product Price", "Product Unit of Measure", ...). The POS loads every
//! row and formats prices and quantities with them.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("decimal.precision", "Decimal Precision")
        .order("name")
        .field(Field::char("name", "Usage").required().index())
        .field(
            Field::integer("digits", "Digits")
                .required()
                .default(DefaultValue::Int(2)),
        )
        .sql_unique(
            "name_uniq",
            &["name"],
            "Only one value can be defined for each given usage!",
        )
        .access(Some("base.group_system"), "rw")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .with_magic_fields()
}
