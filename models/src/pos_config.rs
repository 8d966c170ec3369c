//! `pos.config`: a point of sale and the payment methods it offers.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("pos.config", "Point of Sale Configuration")
        .order("id")
        .check_company()
        .field(Field::char("name", "Point of Sale").required().help("An internal identification of the point of sale."))
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .field(
            Field::many2one("journal_id", "Point of Sale Journal", "account.journal")
                .help("Accounting journal used to post POS session journal entries and POS invoice payments."),
        )
        .field(
            Field::many2one("currency_id", "Currency", "res.currency")
                .computed(false),
        )
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .required()
                .default(DefaultValue::CurrentCompany),
        )
        .field(
            Field::many2many(
                "payment_method_ids",
                "Payment Methods",
                "pos.payment.method",
                "pos_config_pos_payment_method_rel",
                "pos_config_id",
                "pos_payment_method_id",
            ),
        )
        .field(Field::boolean("set_tip_after_payment", "Set Tip After Payment").help(
            "Adjust the amount authorized by payment terminals to add a tip after the customers left or at the end of the day.",
        ))
        .field(Field::boolean("iface_tipproduct", "Product tips"))
        .field(Field::one2many("session_ids", "Sessions", "pos.session", "config_id"))
        .field(Field::many2one("current_session_id", "Current Session", "pos.session").computed(false))
        .field(
            Field::selection(
                "current_session_state",
                "Current Session State",
                &[
                    ("opening_control", "Opening Control"),
                    ("opened", "In Progress"),
                    ("closing_control", "Closing Control"),
                    ("closed", "Closed & Posted"),
                ],
            )
            .computed(false),
        )
        .access(Some("point_of_sale.group_pos_user"), "r")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}
