//! `account.move`: journal entries and invoices, declared only as far as POS records
//! point at them (an order's invoice, a session's closing entry, a payment's move).
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("account.move", "Journal Entry")
        .order("date desc, name desc, id desc")
        .check_company()
        .company_rule(CompanyRule::ParentOf)
        .field(Field::char("name", "Number").readonly().index())
        .field(Field::char("ref", "Reference"))
        .field(Field::date("date", "Date").required().index())
        .field(
            Field::selection(
                "state",
                "Status",
                &[
                    ("draft", "Draft"),
                    ("posted", "Posted"),
                    ("cancel", "Cancelled"),
                ],
            )
            .required()
            .readonly()
            .default(DefaultValue::Str("draft")),
        )
        .field(
            Field::selection(
                "move_type",
                "Type",
                &[
                    ("entry", "Journal Entry"),
                    ("out_invoice", "Customer Invoice"),
                    ("out_refund", "Customer Credit Note"),
                    ("in_invoice", "Vendor Bill"),
                    ("in_refund", "Vendor Credit Note"),
                    ("out_receipt", "Sales Receipt"),
                    ("in_receipt", "Purchase Receipt"),
                ],
            )
            .required()
            .readonly()
            .default(DefaultValue::Str("entry")),
        )
        .field(
            Field::many2one("journal_id", "Journal", "account.journal")
                .required()
                .index(),
        )
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .default(DefaultValue::CurrentCompany)
                .index(),
        )
        .field(Field::many2one("currency_id", "Currency", "res.currency"))
        .field(Field::many2one("partner_id", "Partner", "res.partner").ondelete(OnDelete::Restrict))
        // Odoo: computed and stored from the lines.
        .field(Field::monetary("amount_total", "Total", "currency_id").readonly())
        .access(Some("account.group_account_manager"), "rwcu")
        .access(Some("account.group_account_readonly"), "r")
        .access(Some("account.group_account_invoice"), "rwc")
        .access(Some("base.group_portal"), "r")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .with_magic_fields()
}
