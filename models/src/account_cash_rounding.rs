//! `account.cash.rounding`: how a POS rounds cash totals (0.05, half-up, ...) and where
//! the difference goes.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("account.cash.rounding", "Account Cash Rounding")
        .order("id")
        .check_company()
        .company_rule(CompanyRule::SharedOrParentOf)
        .field(Field::char("name", "Name").required())
        .field(
            Field::float("rounding", "Rounding Precision")
                .required()
                .default(DefaultValue::Number("0.01"))
                .help("Represent the non-zero value smallest coinage (for example, 0.05)."),
        )
        .field(
            Field::selection(
                "strategy",
                "Rounding Strategy",
                &[
                    ("biggest_tax", "Modify tax amount"),
                    ("add_invoice_line", "Add a rounding line"),
                ],
            )
            .required()
            .default(DefaultValue::Str("add_invoice_line"))
            .help("Specify which way will be used to round the invoice amount to the rounding precision"),
        )
        .field(
            Field::selection(
                "rounding_method",
                "Rounding Method",
                &[("UP", "Up"), ("DOWN", "Down"), ("HALF-UP", "Nearest")],
            )
            .required()
            .default(DefaultValue::Str("HALF-UP"))
            .help("The tie-breaking rule used for float rounding operations"),
        )
        .field(Field::many2one("profit_account_id", "Profit Account", "account.account"))
        .field(Field::many2one("loss_account_id", "Loss Account", "account.account"))
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .default(DefaultValue::CurrentCompany),
        )
        .access(Some("account.group_account_readonly"), "r")
        .access(Some("account.group_account_invoice"), "rwc")
        .access(Some("account.group_account_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .with_magic_fields()
}
