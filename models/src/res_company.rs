//! `res.company`: a company, its currency and the default accounts POS falls back to.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("res.company", "Companies")
        .order("sequence, name")
        .field(Field::char("name", "Company Name").required())
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
        .field(Field::many2one("country_id", "Country", "res.country").ondelete(OnDelete::Restrict))
        .field(Field::char("email", "Email"))
        .field(Field::char("phone", "Phone"))
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
