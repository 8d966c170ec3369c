//! `account.tax`: taxes as the POS computes them client-side and the server recomputes
//! them in `pos.order` (percent, fixed, division; price-included or not; groups).
//!
//! `price_include` is computed in Odoo 18 from `price_include_override` and the
//! company's `account_price_include`; declared plain and non-stored here until the
//! computes land (see notes/pos-backend.md, A5).
use crate::prelude::*;

pub const AMOUNT_TYPES: &[(&str, &str)] = &[
    ("group", "Group of Taxes"),
    ("fixed", "Fixed"),
    ("percent", "Percentage"),
    ("division", "Percentage Tax Included"),
];

pub const TAX_USES: &[(&str, &str)] = &[
    ("sale", "Sales"),
    ("purchase", "Purchases"),
    ("none", "None"),
];

pub fn model() -> Model {
    Model::new("account.tax", "Tax")
        .order("sequence,id")
        .check_company()
        .company_rule(CompanyRule::ParentOf)
        .field(Field::char("name", "Tax Name").required())
        .field(
            Field::selection("type_tax_use", "Tax Type", TAX_USES)
                .required()
                .default(DefaultValue::Str("sale"))
                .help("Determines where the tax is selectable. Note: 'None' means a tax can't be used by itself, however it can still be used in a group. 'adjustment' is used to perform tax adjustment."),
        )
        .field(Field::selection(
            "tax_scope",
            "Tax Scope",
            &[("service", "Services"), ("consu", "Goods")],
        ).help("Restrict the use of taxes to a type of product."))
        .field(
            Field::selection("amount_type", "Tax Computation", AMOUNT_TYPES)
                .required()
                .default(DefaultValue::Str("percent")),
        )
        .field(
            Field::boolean("active", "Active")
                .default(DefaultValue::Bool(true))
                .help("Set active to false to hide the tax without removing it."),
        )
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .required()
                .readonly()
                .default(DefaultValue::CurrentCompany),
        )
        .field(Field::many2many(
            "children_tax_ids",
            "Children Taxes",
            "account.tax",
            "account_tax_filiation_rel",
            "parent_tax",
            "child_tax",
        ))
        .field(
            Field::integer("sequence", "Sequence")
                .required()
                .default(DefaultValue::Int(1))
                .help("The sequence field is used to define order in which the tax lines are applied."),
        )
        .field(
            Field::float("amount", "Amount")
                .required()
                .default(DefaultValue::Number("0.0")),
        )
        // Odoo: fields.Html.
        .field(Field::text("description", "Description"))
        .field(Field::char("invoice_label", "Label on Invoices"))
        // Odoo: computed (`_compute_price_include`), not stored.
        .field(
            Field::boolean("price_include", "Price Include")
                .not_stored()
                .help("Determines whether the price you use on the product and invoices includes this tax."),
        )
        .field(
            Field::selection(
                "price_include_override",
                "Included in Price",
                &[("tax_included", "Tax Included"), ("tax_excluded", "Tax Excluded")],
            )
            .help("Overrides the Company's default on whether the price you use on the product and invoices includes this tax."),
        )
        .field(
            Field::boolean("include_base_amount", "Affect Base of Subsequent Taxes")
                .default(DefaultValue::Bool(false))
                .help("If set, taxes with a higher sequence than this one will be affected by it, provided they accept it."),
        )
        .field(
            Field::boolean("is_base_affected", "Base Affected by Previous Taxes")
                .default(DefaultValue::Bool(true))
                .help("If set, taxes with a lower sequence might affect this one, provided they try to do it."),
        )
        // Odoo: computed, stored, precomputed from the company's country.
        .field(Field::many2one("tax_group_id", "Tax Group", "account.tax.group").odoo_computed().required())
        // Odoo: computed from the repartition lines (a factor below 0), not stored.
        .field(Field::boolean("has_negative_factor", "Has Negative Factor").not_stored())
        // Odoo: computed, stored, from the company's fiscal country.
        .field(Field::many2one("country_id", "Country", "res.country"))
        .access(Some("base.group_user"), "r")
        .access(Some("account.group_account_readonly"), "r")
        .access(Some("account.group_account_invoice"), "r")
        .access(Some("account.group_account_manager"), "rwcu")
        .with_magic_fields()
}
