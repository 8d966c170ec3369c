//! `account.tax.group`: groups of taxes shown together on receipts; the POS prints
//! `pos_receipt_label` next to the taxed lines.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("account.tax.group", "Tax Group")
        .order("sequence asc, id")
        .check_company()
        .company_rule(CompanyRule::ParentOf)
        .field(Field::char("name", "Name").required())
        .field(Field::integer("sequence", "Sequence").default(DefaultValue::Int(10)))
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .required()
                .default(DefaultValue::CurrentCompany),
        )
        // Odoo: computed, stored, from the company's fiscal country.
        .field(
            Field::many2one("country_id", "Country", "res.country")
                .help("The country for which this tax group is applicable."),
        )
        .field(Field::char("preceding_subtotal", "Preceding Subtotal").help(
            "If set, this value will be used on documents as the label of a subtotal excluding this tax group before displaying it. If not set, the tax group will be displayed after the 'Untaxed amount' subtotal.",
        ))
        .field(Field::char("pos_receipt_label", "PoS receipt label"))
        .access(Some("base.group_user"), "r")
        .access(Some("account.group_account_readonly"), "r")
        .access(Some("account.group_account_invoice"), "r")
        .access(Some("account.group_account_manager"), "rwcu")
        .with_magic_fields()
}
