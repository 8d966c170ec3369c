//! `pos.pack.operation.lot`: a lot or serial number typed for an order line of a
//! tracked product.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new(
        "pos.pack.operation.lot",
        "Specify product lot/serial number in pos order line",
    )
    .order("id")
    .rec_name("lot_name")
    .field(Field::many2one(
        "pos_order_line_id",
        "Pos Order Line",
        "pos.order.line",
    ))
    .field(Field::many2one("order_id", "Order", "pos.order").related("pos_order_line_id.order_id"))
    .field(Field::char("lot_name", "Lot Name"))
    .field(
        Field::many2one("product_id", "Product", "product.product")
            .related("pos_order_line_id.product_id"),
    )
    .access(Some("point_of_sale.group_pos_user"), "rwcu")
    .with_magic_fields()
}
