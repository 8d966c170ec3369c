//! `product.attribute`: attributes of configurable products (Color, Size, ...), with
//! how their variants are created and how the POS shows the choice.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("product.attribute", "Product Attribute")
        .order("sequence, id")
        .field(
            Field::char("name", "Attribute")
                .required()
                .help("The displayed name of the attribute."),
        )
        .field(
            Field::selection(
                "create_variant",
                "Variant Creation",
                &[
                    ("always", "Instantly"),
                    ("dynamic", "Dynamically"),
                    ("no_variant", "Never"),
                ],
            )
            .required()
            .default(DefaultValue::Str("always")),
        )
        .field(
            Field::selection(
                "display_type",
                "Display Type",
                &[
                    ("radio", "Radio"),
                    ("pills", "Pills"),
                    ("select", "Select"),
                    ("color", "Color"),
                    ("multi", "Multi-checkbox"),
                ],
            )
            .required()
            .default(DefaultValue::Str("radio"))
            .help("The display type used in the Product Configurator."),
        )
        .field(
            Field::integer("sequence", "Sequence")
                .index()
                .help("Determine the display order"),
        )
        .field(Field::one2many(
            "value_ids",
            "Values",
            "product.attribute.value",
            "attribute_id",
        ))
        .field(Field::one2many(
            "attribute_line_ids",
            "Lines",
            "product.template.attribute.line",
            "attribute_id",
        ))
        .field(Field::one2many(
            "template_value_ids",
            "Template Values",
            "product.template.attribute.value",
            "attribute_id",
        ))
        .access(Some("base.group_user"), "r")
        .access(Some("product.group_product_manager"), "rwcu")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}
