//! `product.packaging`: packs of a product with their own barcode; scanning one adds
//! `qty` units in the POS.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("product.packaging", "Product Packaging")
        .order("product_id, sequence, id")
        .check_company()
        .company_rule(CompanyRule::SharedOrParentOf)
        .field(
            Field::char("name", "Product Packaging")
                .required(),
        )
        .field(Field::integer("sequence", "Sequence").default(DefaultValue::Int(1)))
        .field(
            Field::many2one("product_id", "Product", "product.product")
                .index()
                .ondelete(OnDelete::Cascade),
        )
        .field(
            Field::float("qty", "Contained Quantity")
                .default(DefaultValue::Number("1"))
                .help("Quantity of products contained in the packaging."),
        )
        .field(
            Field::char("barcode", "Barcode")
                .no_copy()
                .help("Barcode used for packaging identification. Scan this packaging barcode from a transfer in the Barcode app to move all the contained units"),
        )
        .field(Field::many2one("company_id", "Company", "res.company").index())
        .access(Some("base.group_user"), "r")
        .access(Some("product.group_product_manager"), "rwcu")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .with_magic_fields()
}
