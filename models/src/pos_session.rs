//! `pos.session`: a cashier's shift on a POS; an open one freezes its payment methods.
use crate::prelude::*;

pub const SESSION_STATES: &[(&str, &str)] = &[
    ("opening_control", "Opening Control"),
    ("opened", "In Progress"),
    ("closing_control", "Closing Control"),
    ("closed", "Closed & Posted"),
];

pub fn model() -> Model {
    Model::new("pos.session", "Point of Sale Session")
        .order("id desc")
        .check_company()
        .field(
            Field::char("name", "Session ID")
                .required()
                .readonly()
                .default(DefaultValue::Str("/")),
        )
        .field(
            Field::many2one("config_id", "Point of Sale", "pos.config")
                .required()
                .index()
                .help("The physical point of sale you will use."),
        )
        .field(
            Field::many2one("user_id", "Opened By", "res.users")
                .required()
                .default(DefaultValue::CurrentUser)
                .index(),
        )
        .field(
            Field::selection("state", "Status", SESSION_STATES)
                .required()
                .readonly()
                .default(DefaultValue::Str("opening_control"))
                .index(),
        )
        .field(Field::datetime("start_at", "Opening Date").readonly())
        .field(Field::datetime("stop_at", "Closing Date").readonly())
        .field(Field::many2one("company_id", "Company", "res.company").computed(true))
        .field(
            Field::many2one("currency_id", "Currency", "res.currency")
                .related("config_id.currency_id"),
        )
        .field(Field::monetary(
            "cash_register_balance_start",
            "Starting Balance",
            "currency_id",
        ))
        .field(Field::monetary(
            "cash_register_balance_end_real",
            "Ending Balance",
            "currency_id",
        ))
        .access(Some("point_of_sale.group_pos_user"), "rwc")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}
