//! `account.journal`: journals; POS payment methods use the cash and bank ones.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("account.journal", "Journal")
        .order("sequence, type, code")
        .check_company()
        .company_rule(CompanyRule::ParentOf)
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
            Field::many2one("profit_account_id", "Profit Account", "account.account")
                .help("Used to register a profit when the ending balance of a cash register differs from what the system computes"),
        )
        .field(
            Field::many2one("loss_account_id", "Loss Account", "account.account")
                .help("Used to register a loss when the ending balance of a cash register differs from what the system computes"),
        )
        // point_of_sale
        .field(Field::one2many(
            "pos_payment_method_ids",
            "Point of Sale Payment Methods",
            "pos.payment.method",
            "journal_id",
        ))
        .field(
            Field::many2one("currency_id", "Currency", "res.currency")
                .help("The currency used to enter statement"),
        )
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .required()
                .readonly()
                .default(DefaultValue::CurrentCompany)
                .index(),
        )
        .sql_unique("code_company_uniq", &["company_id", "code"], "Journal codes must be unique per company.")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .access(Some("account.group_account_readonly"), "r")
        .access(Some("account.group_account_invoice"), "r")
        .access(Some("account.group_account_manager"), "rwcu")
        .with_magic_fields()
}
