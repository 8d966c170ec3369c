//! `pos.category`: the categories of the POS product screen (a tree, with colours and
//! images), distinct from the accounting `product.category`.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("pos.category", "Point of Sale Category")
        .order("sequence, name")
        .field(Field::char("name", "Category Name").required())
        .field(Field::many2one("parent_id", "Parent Category", "pos.category").index())
        .field(Field::one2many(
            "child_ids",
            "Children Categories",
            "pos.category",
            "parent_id",
        ))
        .field(
            Field::integer("sequence", "Sequence")
                .help("Gives the sequence order when displaying a list of product categories."),
        )
        // Odoo: fields.Image (binary, max 128x128).
        .field(Field::text("image_128", "Image"))
        // Odoo defaults it to a random index in 0..=10; children take the parent's.
        .field(Field::integer("color", "Color"))
        // Odoo: computed (`bool(image_128)`), not stored; lets the POS skip images.
        .field(Field::boolean("has_image", "Has Image").not_stored())
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .with_magic_fields()
}
