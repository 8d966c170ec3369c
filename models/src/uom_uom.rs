//! `uom.uom`: units of measure and their ratio to the reference unit of their category
//! (`factor`: how many of this unit make one reference unit).
use crate::prelude::*;

pub const UOM_TYPES: &[(&str, &str)] = &[
    ("bigger", "Bigger than the reference Unit of Measure"),
    ("reference", "Reference Unit of Measure for this category"),
    ("smaller", "Smaller than the reference Unit of Measure"),
];

pub fn model() -> Model {
    Model::new("uom.uom", "Product Unit of Measure")
        .order("factor DESC, id")
        .field(Field::char("name", "Unit of Measure").required())
        .field(
            Field::many2one("category_id", "Category", "uom.category")
                .required()
                .ondelete(OnDelete::Restrict)
                .help("Conversion between Units of Measure can only occur if they belong to the same category. The conversion will be made based on the ratios."),
        )
        .field(
            Field::float("factor", "Ratio")
                .required()
                .default(DefaultValue::Number("1.0"))
                .help("How much bigger or smaller this unit is compared to the reference Unit of Measure for this category: 1 * (reference unit) = ratio * (this unit)"),
        )
        // Odoo: computed from `factor` (1 / factor), not stored; create and write turn
        // a given `factor_inv` into `factor`.
        .field(
            Field::float("factor_inv", "Bigger Ratio")
                .required()
                .readonly()
                .not_stored()
                .help("How many times this Unit of Measure is bigger than the reference Unit of Measure in this category: 1 * (this unit) = ratio * (reference unit)"),
        )
        .field(
            Field::float("rounding", "Rounding Precision")
                .required()
                .default(DefaultValue::Number("0.01"))
                .help("The computed quantity will be a multiple of this value. Use 1.0 for a Unit of Measure that cannot be further split, such as a piece."),
        )
        .field(
            Field::boolean("active", "Active")
                .default(DefaultValue::Bool(true))
                .help("Uncheck the active field to disable a unit of measure without deleting it."),
        )
        .field(
            Field::selection("uom_type", "Type", UOM_TYPES)
                .required()
                .default(DefaultValue::Str("reference")),
        )
        .field(
            Field::boolean("is_pos_groupable", "Group Products in POS")
                .related("category_id.is_pos_groupable"),
        )
        .access(Some("base.group_system"), "rwcu")
        .access(Some("base.group_user"), "r")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}
