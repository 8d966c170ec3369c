//! `product.product`: the variant actually sold and put on order lines.
//!
//! Odoo declares it with `_inherits = {'product.template': 'product_tmpl_id'}`: every
//! template field is readable (and writable) on the variant. Over RPC clients see them
//! as related fields, which is how they are declared here (`related` through
//! `product_tmpl_id`, not stored on the variant); creating a variant without a template
//! and writing template fields through a variant need behaviour that comes later (see
//! notes/pos-backend.md, "product.product delegation").
use crate::prelude::*;
use crate::product_template::{PRODUCT_TYPES, SERVICE_TRACKING, TRACKING};

pub fn model() -> Model {
    Model::new("product.product", "Product Variant")
        // Odoo orders by "is_favorite desc, default_code, name, id", the first and third
        // through the template; the engine orders by stored columns only.
        .order("default_code, id")
        .field(
            Field::many2one("product_tmpl_id", "Product Template", "product.template")
                .required()
                .index()
                .ondelete(OnDelete::Cascade),
        )
        .field(Field::char("default_code", "Internal Reference").index())
        .field(
            Field::boolean("active", "Active")
                .default(DefaultValue::Bool(true))
                .help("If unchecked, it will allow you to hide the product without removing it."),
        )
        .field(
            Field::char("barcode", "Barcode")
                .no_copy()
                .index()
                .help("International Article Number used for product identification."),
        )
        .field(Field::many2many(
            "product_template_variant_value_ids",
            "Variant Values",
            "product.template.attribute.value",
            "product_variant_combination",
            "product_product_id",
            "product_template_attribute_value_id",
        ))
        // Odoo: computed (the sorted ids of the variant values), stored.
        .field(Field::char("combination_indices", "Combination Indices").index())
        // Odoo: computed (template list_price + price_extra, in the context's UoM), not
        // stored, with an inverse writing the template's list_price.
        .field(
            Field::float("lst_price", "Sales Price")
                .not_stored()
                .help("The sale price is managed from the product template. Click on the 'Configure Variants' button to set the extra attribute prices."),
        )
        // Odoo: company-dependent (one value per company).
        .field(
            Field::float("standard_price", "Cost")
                .help("Value of the product (automatically computed in AVCO).\n        Used to value the product when the purchase cost is not known (e.g. inventory adjustment).\n        Used to compute margins on sale orders."),
        )
        // Odoo: computed (sum of the variant values' price_extra), not stored.
        .field(Field::float("price_extra", "Variant Price Extra").not_stored())
        // Odoo: fields.Image computed (the variant's own image, else the template's).
        .field(Field::text("image_128", "Image 128").odoo_type("binary").not_stored())
        // Fields delegated to the template (`_inherits`), readable on the variant.
        .field(inherited(Field::char("name", "Name"), "product_tmpl_id.name"))
        .field(inherited(Field::text("description", "Description").odoo_type("html"), "product_tmpl_id.description"))
        .field(inherited(
            Field::text("description_sale", "Sales Description"),
            "product_tmpl_id.description_sale",
        ))
        .field(inherited(
            Field::selection("type", "Product Type", PRODUCT_TYPES),
            "product_tmpl_id.type",
        ))
        .field(inherited(
            Field::many2many("combo_ids", "Combo Choices", "product.combo", "", "", ""),
            "product_tmpl_id.combo_ids",
        ))
        .field(inherited(
            Field::selection("service_tracking", "Create on Order", SERVICE_TRACKING),
            "product_tmpl_id.service_tracking",
        ))
        .field(inherited(
            Field::many2one("categ_id", "Product Category", "product.category"),
            "product_tmpl_id.categ_id",
        ))
        .field(inherited(
            Field::many2one("uom_id", "Unit of Measure", "uom.uom"),
            "product_tmpl_id.uom_id",
        ))
        .field(inherited(
            Field::one2many(
                "attribute_line_ids",
                "Product Attributes",
                "product.template.attribute.line",
                "product_tmpl_id",
            ),
            "product_tmpl_id.attribute_line_ids",
        ))
        .field(inherited(
            Field::many2many("product_tag_ids", "Tags", "product.tag", "", "", ""),
            "product_tmpl_id.product_tag_ids",
        ))
        .field(inherited(
            Field::many2many("taxes_id", "Sales Taxes", "account.tax", "", "", ""),
            "product_tmpl_id.taxes_id",
        ))
        .field(inherited(
            Field::boolean("is_storable", "Track Inventory"),
            "product_tmpl_id.is_storable",
        ))
        .field(inherited(
            Field::selection("tracking", "Tracking", TRACKING),
            "product_tmpl_id.tracking",
        ))
        .field(inherited(
            Field::boolean("available_in_pos", "Available in POS"),
            "product_tmpl_id.available_in_pos",
        ))
        .field(inherited(
            Field::boolean("to_weight", "To Weigh With Scale"),
            "product_tmpl_id.to_weight",
        ))
        .field(inherited(
            Field::many2many("pos_categ_ids", "Point of Sale Category", "pos.category", "", "", ""),
            "product_tmpl_id.pos_categ_ids",
        ))
        .field(inherited(Field::float("list_price", "Sales Price"), "product_tmpl_id.list_price"))
        .field(inherited(Field::boolean("sale_ok", "Sales"), "product_tmpl_id.sale_ok"))
        .field(inherited(Field::boolean("purchase_ok", "Purchase"), "product_tmpl_id.purchase_ok"))
        .field(inherited(
            Field::many2one("uom_po_id", "Purchase Unit", "uom.uom"),
            "product_tmpl_id.uom_po_id",
        ))
        .field(inherited(
            Field::many2one("company_id", "Company", "res.company"),
            "product_tmpl_id.company_id",
        ))
        .field(inherited(Field::integer("sequence", "Sequence"), "product_tmpl_id.sequence"))
        .field(inherited(Field::integer("color", "Color Index"), "product_tmpl_id.color"))
        .field(inherited(Field::boolean("is_favorite", "Favorite"), "product_tmpl_id.is_favorite"))
        .access(Some("base.group_user"), "r")
        .access(Some("product.group_product_manager"), "rwcu")
        .access(Some("account.group_account_readonly"), "r")
        .access(Some("account.group_account_manager"), "rwcu")
        .access(Some("stock.group_stock_user"), "r")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}

/// A template field as `_inherits` exposes it on the variant: related through
/// `product_tmpl_id`, not stored on the variant, writable (the write goes to the
/// template).
fn inherited(field: Field, path: &'static str) -> Field {
    field.related(path)
}
