//! `res.partner`: contacts; every user and company has one.
use crate::prelude::*;

/// The installed languages (Odoo computes the selection from active `res.lang` rows).
pub const LANGUAGES: &[(&str, &str)] = &[("en_US", "English (US)")];

pub fn model() -> Model {
    Model::new("res.partner", "Contact")
        .order("name, id desc")
        .check_company()
        .company_rule(CompanyRule::SharedOrParentOf)
        .field(Field::char("name", "Name").index())
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .field(Field::boolean("is_company", "Is a Company").default(DefaultValue::Bool(false)))
        .field(Field::many2one("parent_id", "Related Company", "res.partner").index())
        .field(Field::one2many(
            "child_ids",
            "Contact",
            "res.partner",
            "parent_id",
        ))
        .field(Field::many2one("company_id", "Company", "res.company").index())
        .field(Field::char("email", "Email"))
        .field(Field::char("phone", "Phone"))
        .field(Field::char("street", "Street"))
        .field(Field::char("city", "City"))
        .field(Field::char("zip", "Zip"))
        .field(Field::many2one("country_id", "Country", "res.country").ondelete(OnDelete::Restrict))
        .field(
            Field::selection("lang", "Language", LANGUAGES)
                .help("All the emails and documents sent to this contact will be translated in this language."),
        )
        .field(
            Field::char("parent_name", "Parent name")
                .related("parent_id.name")
                .readonly(),
        )
        .field(Field::char("street2", "Street2"))
        .field(
            Field::many2one("state_id", "State", "res.country.state")
                .ondelete(OnDelete::Restrict),
        )
        .field(Field::char("vat", "Tax ID").index().help(
            "The Tax Identification Number. Values here will be validated based on the country format. You can use '/' to indicate that the partner is not subject to tax.",
        ))
        .field(Field::char("company_registry", "Company ID").index().help(
            "The registry number of the company. Use it if it is different from the Tax ID. It must be unique across all partners of a same country",
        ))
        .field(Field::char("website", "Website Link"))
        .field(Field::char("mobile", "Mobile"))
        // Odoo: company-dependent.
        .field(
            Field::char("barcode", "Barcode")
                .no_copy()
                .help("Use a barcode to identify this contact."),
        )
        // Odoo: computed (the formatted address), not stored.
        .field(Field::char("contact_address", "Complete Address").not_stored())
        // Odoo (product): computed from the company's country rules, not stored.
        .field(
            Field::many2one("property_product_pricelist", "Pricelist", "product.pricelist")
                .not_stored()
                .help("This pricelist will be used, instead of the default one, for sales to the current partner"),
        )
        // Odoo (account): company-dependent.
        .field(
            Field::many2one("property_account_position_id", "Fiscal Position", "account.fiscal.position")
                .help("The fiscal position determines the taxes/accounts used for this contact."),
        )
        // point_of_sale
        .field(
            Field::one2many("pos_order_ids", "Pos Order", "pos.order", "partner_id")
                .readonly(),
        )
        .access(Some("base.group_user"), "rwc")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
