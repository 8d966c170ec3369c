//! `account.journal`: journals; POS payment methods use the cash and bank ones.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("account.journal", "Journal")
        .order("sequence, type, code")
        .check_company()
        .field(Field::char("name", "Journal Name").required())
        .field(
            Field::char("code", "Short Code")
                .size(5)
                .required()
                .help("Shorter name used for display. The journal entries of this journal will also be named using this prefix by default."),
        )
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .field(
            Field::selection(
                "type",
                "Type",
                &[
                    ("sale", "Sales"),
                    ("purchase", "Purchase"),
                    ("cash", "Cash"),
                    ("bank", "Bank"),
                    ("credit", "Credit Card"),
                    ("general", "Miscellaneous"),
                ],
            )
            .required()
            .help("Select 'Sale' for customer invoices journals.\nSelect 'Purchase' for vendor bills journals.\nSelect 'Cash', 'Bank' or 'Credit Card' for journals that are used in customer or vendor payments.\nSelect 'General' for miscellaneous operations journals."),
        )
        .field(Field::integer("sequence", "Sequence").default(DefaultValue::Int(10)))
        .field(Field::many2one("default_account_id", "Default Account", "account.account").ondelete(OnDelete::Restrict))
        .field(Field::many2one("suspense_account_id", "Suspense Account", "account.account").ondelete(OnDelete::Restrict))
        .field(
            Field::many2one("currency_id", "Currency", "res.currency")
                .help("The currency used to enter statement"),
        )
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .required()
                .default(DefaultValue::CurrentCompany)
                .index(),
        )
        .sql_unique("code_company_uniq", &["company_id", "code"], "Journal codes must be unique per company.")
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
