//! `barcode.rule`: one pattern of a nomenclature and what a matching barcode means.
//! The `type` values beyond `alias`/`product` are added by the POS and stock modules.
use crate::prelude::*;

pub const RULE_TYPES: &[(&str, &str)] = &[
    ("alias", "Alias"),
    ("product", "Unit Product"),
    ("weight", "Weighted Product"),
    ("price", "Priced Product"),
    ("discount", "Discounted Product"),
    ("client", "Client"),
    ("cashier", "Cashier"),
    ("location", "Location"),
    ("location_dest", "Destination location"),
    ("lot", "Lot number"),
    ("package", "Package"),
    ("quantity", "Quantity"),
];

pub fn model() -> Model {
    Model::new("barcode.rule", "Barcode Rule")
        .order("sequence asc, id")
        .field(
            Field::char("name", "Rule Name")
                .required()
                .help("An internal identification for this barcode nomenclature rule"),
        )
        .field(
            Field::many2one("barcode_nomenclature_id", "Barcode Nomenclature", "barcode.nomenclature")
                .ondelete(OnDelete::Cascade),
        )
        .field(
            Field::integer("sequence", "Sequence")
                .help("Used to order rules such that rules with a smaller sequence match first"),
        )
        .field(
            Field::selection(
                "encoding",
                "Encoding",
                &[("any", "Any"), ("ean13", "EAN-13"), ("ean8", "EAN-8"), ("upca", "UPC-A"), ("gs1-128", "GS1-128")],
            )
            .required()
            .default(DefaultValue::Str("any"))
            .help("This rule will apply only if the barcode is encoded with the specified encoding"),
        )
        .field(
            Field::selection("type", "Type", RULE_TYPES)
                .required()
                .default(DefaultValue::Str("product")),
        )
        .field(
            Field::char("pattern", "Barcode Pattern")
                .size(32)
                .required()
                .default(DefaultValue::Str(".*"))
                .help("The barcode matching pattern"),
        )
        .field(
            Field::char("alias", "Alias")
                .size(32)
                .required()
                .default(DefaultValue::Str("0"))
                .help("The matched pattern will alias to this barcode"),
        )
        // barcodes_gs1_nomenclature adds the three fields below.
        .field(Field::selection(
            "gs1_content_type",
            "GS1 Content Type",
            &[
                ("date", "Date"),
                ("measure", "Measure"),
                ("identifier", "Numeric Identifier"),
                ("alpha", "String"),
            ],
        ).help("The GS1 content type defines what kind of data the rule will process the barcode as:        * Date: the barcode will be converted into a Odoo datetime;        * Measure: the barcode's value is related to a specific UoM;        * Numeric Identifier: fixed length barcode following a specific encoding;        * String: variable length barcode."))
        .field(Field::boolean("gs1_decimal_usage", "Decimal").help(
            "If True, use the last digit of AI to determine where the first decimal is",
        ))
        .field(Field::many2one("associated_uom_id", "Associated Uom", "uom.uom"))
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_erp_manager"), "rwcu")
        .access(Some("stock.group_stock_user"), "r")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}
