//! `product.category`: the accounting/inventory product categories (not the POS
//! categories); products reference one through `categ_id`.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("product.category", "Product Category")
        .order("complete_name")
        .rec_name("complete_name")
        .field(Field::char("name", "Name").required().index())
        // Odoo: computed ("Parent / Child"), stored, recursive.
        .field(Field::char("complete_name", "Complete Name"))
        .field(
            Field::many2one("parent_id", "Parent Category", "product.category")
                .index()
                .ondelete(OnDelete::Cascade),
        )
        .field(Field::one2many(
            "child_id",
            "Child Categories",
            "product.category",
            "parent_id",
        ))
        .access(Some("base.group_user"), "r")
        .access(Some("product.group_product_manager"), "rwcu")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}
