//! `account.account`: the chart of accounts (only what payment methods need).
use crate::prelude::*;

pub const ACCOUNT_TYPES: &[(&str, &str)] = &[
    ("asset_receivable", "Receivable"),
    ("asset_cash", "Bank and Cash"),
    ("asset_current", "Current Assets"),
    ("asset_non_current", "Non-current Assets"),
    ("asset_prepayments", "Prepayments"),
    ("asset_fixed", "Fixed Assets"),
    ("liability_payable", "Payable"),
    ("liability_credit_card", "Credit Card"),
    ("liability_current", "Current Liabilities"),
    ("liability_non_current", "Non-current Liabilities"),
    ("equity", "Equity"),
    ("equity_unaffected", "Current Year Earnings"),
    ("income", "Income"),
    ("income_other", "Other Income"),
    ("expense", "Expenses"),
    ("expense_depreciation", "Depreciation"),
    ("expense_direct_cost", "Cost of Revenue"),
    ("off_balance", "Off-Balance Sheet"),
];

pub fn model() -> Model {
    Model::new("account.account", "Account")
        .order("code, id")
        .check_company()
        .company_rule(CompanyRule::ParentOf)
        .field(Field::char("name", "Account Name").required().index())
        .field(Field::char("code", "Code").size(64).required().index())
        .field(Field::selection("account_type", "Type", ACCOUNT_TYPES).required())
        .field(
            Field::boolean("reconcile", "Allow Reconciliation").default(DefaultValue::Bool(false)),
        )
        .field(Field::boolean("deprecated", "Deprecated").default(DefaultValue::Bool(false)))
        .field(Field::many2one(
            "currency_id",
            "Account Currency",
            "res.currency",
        ))
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .required()
                .default(DefaultValue::CurrentCompany)
                .ondelete(OnDelete::Cascade),
        )
        .sql_unique(
            "code_company_uniq",
            &["code", "company_id"],
            "The code of the account must be unique per company!",
        )
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
