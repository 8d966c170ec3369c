//! `account.payment`: accounting payments, declared only as far as POS records point
//! at them (online payments, a session's aggregated bank payments).
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("account.payment", "Payments")
        .order("date desc, name desc")
        .check_company()
        .company_rule(CompanyRule::ParentOf)
        .field(Field::char("name", "Number").readonly())
        .field(Field::date("date", "Date").required())
        .field(Field::monetary("amount", "Amount", "currency_id"))
        .field(Field::many2one("currency_id", "Currency", "res.currency"))
        .field(
            Field::many2one("partner_id", "Customer/Vendor", "res.partner")
                .ondelete(OnDelete::Restrict),
        )
        .field(Field::many2one("journal_id", "Journal", "account.journal"))
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .default(DefaultValue::CurrentCompany),
        )
        .field(
            Field::many2one("move_id", "Journal Entry", "account.move").ondelete(OnDelete::Cascade),
        )
        .field(Field::many2one(
            "pos_payment_method_id",
            "POS Payment Method",
            "pos.payment.method",
        ))
        .field(Field::many2one(
            "pos_session_id",
            "POS Session",
            "pos.session",
        ))
        .access(Some("account.group_account_readonly"), "r")
        .access(Some("account.group_account_invoice"), "rwc")
        .access(Some("account.group_account_manager"), "rwcu")
        .with_magic_fields()
}
