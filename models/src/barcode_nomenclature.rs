//! `barcode.nomenclature`: the set of rules the POS uses to parse scanned barcodes
//! (products, weights, prices, customers, cashiers). The company points at one.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("barcode.nomenclature", "Barcode Nomenclature")
        .order("id")
        .field(
            Field::char("name", "Barcode Nomenclature")
                .size(32)
                .required()
                .help("An internal identification of the barcode nomenclature"),
        )
        .field(
            Field::one2many("rule_ids", "Rules", "barcode.rule", "barcode_nomenclature_id")
                .help("The list of barcode rules"),
        )
        .field(
            Field::selection(
                "upc_ean_conv",
                "UPC/EAN Conversion",
                &[
                    ("none", "Never"),
                    ("ean2upc", "EAN-13 to UPC-A"),
                    ("upc2ean", "UPC-A to EAN-13"),
                    ("always", "Always"),
                ],
            )
            .required()
            .default(DefaultValue::Str("always"))
            .help("UPC Codes can be converted to EAN by prefixing them with a zero. This setting determines if a UPC/EAN barcode should be automatically converted in one way or another when trying to match a rule with the other encoding."),
        )
        // barcodes_gs1_nomenclature adds the two fields below.
        .field(Field::boolean("is_gs1_nomenclature", "Is GS1 Nomenclature").help(
            "This Nomenclature use the GS1 specification, only GS1-128 encoding rules is accepted is this kind of nomenclature.",
        ))
        .field(
            Field::char("gs1_separator_fnc1", "FNC1 Separator")
                .help("Alternative regex delimiter for the FNC1. The separator must not match the begin/end of any related rules pattern."),
        )
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_erp_manager"), "rwcu")
        .access(Some("stock.group_stock_user"), "r")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}
