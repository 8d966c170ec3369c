//! `product.attribute.value`: the possible values of an attribute (Red, Blue, ...);
//! templates use them through template attribute values.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("product.attribute.value", "Attribute Value")
        .order("attribute_id, sequence, id")
        .field(Field::char("name", "Value").required())
        .field(Field::integer("sequence", "Sequence").index().help("Determine the display order"))
        .field(
            Field::many2one("attribute_id", "Attribute", "product.attribute")
                .required()
                .index()
                .ondelete(OnDelete::Cascade)
                .help("The attribute cannot be changed once the value is used on at least one product."),
        )
        .field(
            Field::boolean("is_custom", "Free text")
                .help("Allow customers to set their own value"),
        )
        .field(Field::char("html_color", "Color").help(
            "Here you can set a specific HTML color index (e.g. #ff0000) to display the color if the attribute type is 'Color'.",
        ))
        // Odoo: fields.Image (binary).
        .field(Field::text("image", "Image").help(
            "You can upload an image that will be used as the color of the attribute value.",
        ))
        .field(
            Field::float("default_extra_price", "Default Extra Price")
                .help("Price Extra: Extra price for the variant with this attribute value on sale price. eg. 200 price extra, 1000 + 200 = 1200."),
        )
        .sql_unique(
            "value_company_uniq",
            &["name", "attribute_id"],
            "You cannot create two values with the same name for the same attribute.",
        )
        .access(Some("base.group_user"), "r")
        .access(Some("product.group_product_manager"), "rwcu")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}
