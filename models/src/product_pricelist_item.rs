//! `product.pricelist.item`: one pricelist rule (fixed price, discount or formula) for
//! all products, a category, a template or a variant, from a minimum quantity.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("product.pricelist.item", "Pricelist Rule")
        .order("applied_on, min_quantity desc, categ_id desc, id desc")
        .check_company()
        .company_rule(CompanyRule::SharedOrParentOf)
        .field(
            Field::many2one("pricelist_id", "Pricelist", "product.pricelist")
                .required()
                .index()
                .ondelete(OnDelete::Cascade),
        )
        // Odoo: related pricelist_id.company_id, stored.
        .field(Field::many2one("company_id", "Company", "res.company").odoo_related().readonly())
        // Odoo: related pricelist_id.currency_id, stored.
        .field(Field::many2one("currency_id", "Currency", "res.currency").odoo_related().readonly())
        .field(
            Field::datetime("date_start", "Start Date")
                .help("Starting datetime for the pricelist item validation\nThe displayed value depends on the timezone set in your preferences."),
        )
        .field(
            Field::datetime("date_end", "End Date")
                .help("Ending datetime for the pricelist item validation\nThe displayed value depends on the timezone set in your preferences."),
        )
        .field(
            Field::float("min_quantity", "Min. Quantity")
                .default(DefaultValue::Number("0"))
                .help("For the rule to apply, bought/sold quantity must be greater than or equal to the minimum quantity specified in this field.\nExpressed in the default unit of measure of the product."),
        )
        .field(
            Field::selection(
                "applied_on",
                "Apply On",
                &[
                    ("3_global", "All Products"),
                    ("2_product_category", "Product Category"),
                    ("1_product", "Product"),
                    ("0_product_variant", "Product Variant"),
                ],
            )
            .required()
            .default(DefaultValue::Str("3_global"))
            .help("Pricelist Item applicable on selected option"),
        )
        .field(
            Field::many2one("categ_id", "Product Category", "product.category")
                .ondelete(OnDelete::Cascade)
                .help("Specify a product category if this rule only applies to products belonging to this category or its children categories. Keep empty otherwise."),
        )
        .field(
            Field::many2one("product_tmpl_id", "Product", "product.template")
                .ondelete(OnDelete::Cascade)
                .help("Specify a template if this rule only applies to one product template. Keep empty otherwise."),
        )
        .field(
            Field::many2one("product_id", "Variant", "product.product")
                .ondelete(OnDelete::Cascade)
                .help("Specify a product if this rule only applies to one product. Keep empty otherwise."),
        )
        .field(
            Field::selection(
                "base",
                "Based on",
                &[
                    ("list_price", "Sales Price"),
                    ("standard_price", "Cost"),
                    ("pricelist", "Other Pricelist"),
                ],
            )
            .required()
            .default(DefaultValue::Str("list_price"))
            .help("Base price for computation.\nSales Price: The base price will be the Sales Price.\nCost Price: The base price will be the cost price.\nOther Pricelist: Computation of the base price based on another Pricelist."),
        )
        .field(Field::many2one("base_pricelist_id", "Other Pricelist", "product.pricelist"))
        .field(
            Field::selection(
                "compute_price",
                "Computation",
                &[
                    ("fixed", "Fixed Price"),
                    ("percentage", "Discount"),
                    ("formula", "Formula"),
                ],
            )
            .required()
            .default(DefaultValue::Str("fixed"))
            .index(),
        )
        .field(Field::float("fixed_price", "Fixed Price"))
        .field(Field::float("percent_price", "Percentage Price"))
        .field(
            Field::float("price_discount", "Price Discount")
                .default(DefaultValue::Number("0")),
        )
        .field(
            Field::float("price_round", "Price Rounding")
                .help("Sets the price so that it is a multiple of this value.\nRounding is applied after the discount and before the surcharge.\nTo have prices that end in 9.99, round off to 10.00 and set an extra at -0.01"),
        )
        .field(
            Field::float("price_surcharge", "Extra Fee")
                .help("Specify the fixed amount to add or subtract (if negative) to the amount calculated with the discount."),
        )
        .field(
            Field::float("price_min_margin", "Min. Price Margin")
                .help("Specify the minimum amount of margin over the base price."),
        )
        .field(
            Field::float("price_max_margin", "Max. Price Margin")
                .help("Specify the maximum amount of margin over the base price."),
        )
        .access(Some("base.group_user"), "r")
        .access(Some("product.group_product_manager"), "rwcu")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .with_magic_fields()
}
