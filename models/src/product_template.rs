//! `product.template`: what is sold (name, price, taxes, unit, POS availability and
//! categories). Every sellable thing is a variant (`product.product`) of a template;
//! the variant delegates these fields to its template (`_inherits`).
use crate::prelude::*;

pub const PRODUCT_TYPES: &[(&str, &str)] = &[
    ("consu", "Goods"),
    ("service", "Service"),
    ("combo", "Combo"),
];

/// `service_tracking` with only `product` installed: modules such as sale_project add
/// values.
pub const SERVICE_TRACKING: &[(&str, &str)] = &[("no", "Nothing")];

/// `tracking` (stock): how the product's units are identified.
pub const TRACKING: &[(&str, &str)] = &[
    ("serial", "By Unique Serial Number"),
    ("lot", "By Lots"),
    ("none", "By Quantity"),
];

pub fn model() -> Model {
    Model::new("product.template", "Product")
        .order("is_favorite desc, name")
        .check_company()
        .company_rule(CompanyRule::SharedOrParentOf)
        .field(Field::char("name", "Name").required().index())
        .field(
            Field::integer("sequence", "Sequence")
                .default(DefaultValue::Int(1))
                .help("Gives the sequence order when displaying a product list"),
        )
        // Odoo: fields.Html.
        .field(Field::text("description", "Description"))
        .field(Field::text("description_purchase", "Purchase Description"))
        .field(Field::text("description_sale", "Sales Description").help(
            "A description of the Product that you want to communicate to your customers. This description will be copied to every Sales Order, Delivery Order and Customer Invoice/Credit Note",
        ))
        .field(
            Field::selection("type", "Product Type", PRODUCT_TYPES)
                .required()
                .default(DefaultValue::Str("consu"))
                .help("Goods are tangible materials and merchandise you provide.\nA service is a non-material product you provide."),
        )
        .field(Field::many2many(
            "combo_ids",
            "Combo Choices",
            "product.combo",
            "product_combo_product_template_rel",
            "product_template_id",
            "product_combo_id",
        ))
        .field(
            Field::selection("service_tracking", "Create on Order", SERVICE_TRACKING)
                .default(DefaultValue::Str("no")),
        )
        .field(
            Field::many2one("categ_id", "Product Category", "product.category")
                .help("Select category for the current product"),
        )
        // Odoo: computed (company currency), not stored.
        .field(Field::many2one("currency_id", "Currency", "res.currency").not_stored())
        .field(
            Field::float("list_price", "Sales Price")
                .default(DefaultValue::Number("1.0"))
                .help("Price at which the product is sold to customers."),
        )
        // Odoo: computed from the variants (company-dependent on each), not stored.
        .field(Field::float("standard_price", "Cost").not_stored())
        .field(
            Field::boolean("sale_ok", "Sales")
                .default(DefaultValue::Bool(true)),
        )
        .field(
            Field::boolean("purchase_ok", "Purchase")
                .default(DefaultValue::Bool(true)),
        )
        .field(
            Field::many2one("uom_id", "Unit of Measure", "uom.uom")
                .required()
                .help("Default unit of measure used for all stock operations."),
        )
        .field(
            Field::many2one("uom_po_id", "Purchase Unit", "uom.uom")
                .required()
                .help("Default unit of measure used for purchase orders. It must be in the same category as the default unit of measure."),
        )
        .field(Field::char("uom_name", "Unit of Measure Name").related("uom_id.name").readonly())
        .field(Field::many2one("company_id", "Company", "res.company").index())
        .field(
            Field::boolean("active", "Active")
                .default(DefaultValue::Bool(true))
                .help("If unchecked, it will allow you to hide the product without removing it."),
        )
        .field(Field::integer("color", "Color Index"))
        .field(Field::boolean("is_favorite", "Favorite"))
        .field(Field::one2many(
            "attribute_line_ids",
            "Product Attributes",
            "product.template.attribute.line",
            "product_tmpl_id",
        ))
        .field(Field::one2many(
            "product_variant_ids",
            "Products",
            "product.product",
            "product_tmpl_id",
        ))
        .field(Field::many2many(
            "product_tag_ids",
            "Tags",
            "product.tag",
            "product_tag_product_template_rel",
            "product_template_id",
            "product_tag_id",
        ))
        // Odoo: fields.Image (binary), stored as attachments (image.mixin).
        .field(Field::text("image_128", "Image 128"))
        // account
        .field(Field::many2many(
            "taxes_id",
            "Sales Taxes",
            "account.tax",
            "product_taxes_rel",
            "prod_id",
            "tax_id",
        ).help("Default taxes used when selling the product"))
        .field(Field::many2many(
            "supplier_taxes_id",
            "Purchase Taxes",
            "account.tax",
            "product_supplier_taxes_rel",
            "prod_id",
            "tax_id",
        ).help("Default taxes used when buying the product"))
        // stock
        .field(
            Field::boolean("is_storable", "Track Inventory")
                .default(DefaultValue::Bool(false))
                .help("A storable product is a product for which you manage stock."),
        )
        .field(
            Field::selection("tracking", "Tracking", TRACKING)
                .required()
                .default(DefaultValue::Str("none"))
                .help("Ensure the traceability of a storable product in your warehouse."),
        )
        // point_of_sale
        .field(
            Field::boolean("available_in_pos", "Available in POS")
                .default(DefaultValue::Bool(false))
                .help("Check if you want this product to appear in the Point of Sale."),
        )
        .field(
            Field::boolean("to_weight", "To Weigh With Scale")
                .help("Check if the product should be weighted using the hardware scale integration."),
        )
        .field(
            Field::many2many(
                "pos_categ_ids",
                "Point of Sale Category",
                "pos.category",
                "pos_category_product_template_rel",
                "product_template_id",
                "pos_category_id",
            )
            .help("Category used in the Point of Sale."),
        )
        // Odoo: fields.Html.
        .field(Field::text("public_description", "Product Description"))
        .access(Some("base.group_user"), "r")
        .access(Some("product.group_product_manager"), "rwcu")
        .access(Some("account.group_account_manager"), "rwcu")
        .access(Some("stock.group_stock_user"), "r")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}
