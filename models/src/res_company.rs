//! `res.company`: a company, its currency and the default accounts POS falls back to.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("res.company", "Companies")
        .order("sequence, name")
        .field(Field::char("name", "Company Name").odoo_related().required())
        .field(Field::integer("sequence", "Sequence").default(DefaultValue::Int(10)))
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .field(Field::many2one("parent_id", "Parent Company", "res.company").index())
        .field(Field::one2many(
            "child_ids",
            "Branches",
            "res.company",
            "parent_id",
        ))
        .field(Field::many2one("partner_id", "Partner", "res.partner"))
        .field(
            Field::many2one("currency_id", "Currency", "res.currency")
                .required()
                .default(DefaultValue::XmlId("base.USD"))
                .ondelete(OnDelete::Restrict),
        )
        .field(Field::many2one("country_id", "Country", "res.country").odoo_computed().ondelete(OnDelete::Restrict))
        .field(Field::char("email", "Email").odoo_related())
        .field(Field::char("phone", "Phone").odoo_related())
        .field(Field::char("website", "Website Link").related("partner_id.website"))
        .field(Field::char("vat", "Tax ID").related("partner_id.vat"))
        .field(Field::char("company_registry", "Company ID").related("partner_id.company_registry"))
        // Odoo: computed from the partner's address (with an inverse writing it back),
        // not stored.
        .field(Field::char("street", "Street").not_stored())
        .field(Field::char("zip", "Zip").not_stored())
        .field(Field::char("city", "City").not_stored())
        .field(Field::many2one("state_id", "Fed. State", "res.country.state").not_stored())
        // barcodes
        .field(
            Field::many2one("nomenclature_id", "Nomenclature", "barcode.nomenclature")
                .default(DefaultValue::XmlId("barcodes.default_barcode_nomenclature"))
                .help("A barcode nomenclature"),
        )
        // account
        .field(
            Field::selection(
                "tax_calculation_rounding_method",
                "Tax Calculation Rounding Method",
                &[("round_per_line", "Round per Line"), ("round_globally", "Round Globally")],
            )
            .default(DefaultValue::Str("round_per_line")),
        )
        .field(
            Field::selection(
                "account_price_include",
                "Default Sales Price Include",
                &[("tax_included", "Tax Included"), ("tax_excluded", "Tax Excluded")],
            )
            .required()
            .default(DefaultValue::Str("tax_excluded"))
            .help("Default on whether the sales price used on the product and invoices with this Company includes its taxes."),
        )
        // Odoo: computed from country_id, stored, writable.
        .field(Field::many2one("account_fiscal_country_id", "Fiscal Country", "res.country").odoo_computed().help(
            "The country to use the tax reports from for this company",
        ))
        // point_of_sale
        .field(
            Field::selection(
                "point_of_sale_update_stock_quantities",
                "Update quantities in stock",
                &[("closing", "At the session closing"), ("real", "In real time")],
            )
            .default(DefaultValue::Str("real"))
            .help("At the session closing: A picking is created for the entire session when it's closed\n In real time: Each order sent to the server create its own picking"),
        )
        .field(Field::boolean("point_of_sale_use_ticket_qr_code", "Self-service invoicing").help(
            "Print information on the receipt to allow the costumer to easily request the invoice anytime, from Odoo's portal",
        ))
        .field(Field::boolean("point_of_sale_ticket_unique_code", "Generate a code on ticket").help(
            "Add a 5-digit code on the receipt to allow the user to request the invoice for an order on the portal.",
        ))
        .field(
            Field::selection(
                "point_of_sale_ticket_portal_url_display_mode",
                "Print",
                &[("qr_code", "QR code"), ("url", "URL"), ("qr_code_and_url", "QR code + URL")],
            )
            .required()
            .default(DefaultValue::Str("qr_code"))
            .help("Choose how the URL to the portal will be print on the receipt."),
        )
        .field(Field::many2one(
            "account_default_pos_receivable_account_id",
            "Default PoS Receivable Account",
            "account.account",
        ))
        .field(Field::many2one(
            "account_journal_payment_debit_account_id",
            "Journal Outstanding Receipts",
            "account.account",
        ))
        .field(Field::many2one(
            "account_journal_payment_credit_account_id",
            "Journal Outstanding Payments",
            "account.account",
        ))
        .field(Field::many2one(
            "account_journal_suspense_account_id",
            "Journal Suspense Account",
            "account.account",
        ))
        .sql_unique("name_uniq", &["name"], "The company name must be unique!")
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
