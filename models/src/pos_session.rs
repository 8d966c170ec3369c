//! `pos.session`: a cashier's shift on a POS: opening and closing cash, the orders
//! taken, the login counter of the devices; an open one freezes its payment methods.
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
        // pos.bus.mixin
        .field(Field::char("access_token", "Security Token").no_copy())
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .computed(true),
        )
        .field(
            Field::many2one("config_id", "Point of Sale", "pos.config")
                .required()
                .index()
                .help("The physical point of sale you will use."),
        )
        .field(
            Field::char("name", "Session ID")
                .required()
                .readonly()
                .default(DefaultValue::Str("/")),
        )
        .field(
            Field::many2one("user_id", "Opened By", "res.users")
                .required()
                .default(DefaultValue::CurrentUser)
                .index()
                .ondelete(OnDelete::Restrict),
        )
        .field(
            Field::many2one("currency_id", "Currency", "res.currency")
                .related("config_id.currency_id"),
        )
        .field(Field::datetime("start_at", "Opening Date").readonly())
        .field(Field::datetime("stop_at", "Closing Date").readonly().no_copy())
        .field(
            Field::selection("state", "Status", SESSION_STATES)
                .required()
                .readonly()
                .no_copy()
                .default(DefaultValue::Str("opening_control"))
                .index(),
        )
        .field(
            Field::integer("sequence_number", "Order Sequence Number")
                .default(DefaultValue::Int(1))
                .help("A sequence number that is incremented with each order"),
        )
        .field(
            Field::integer("login_number", "Login Sequence Number")
                .default(DefaultValue::Int(0))
                .help("A sequence number that is incremented each time a user resumes the pos session"),
        )
        .field(Field::text("opening_notes", "Opening Notes"))
        .field(Field::text("closing_notes", "Closing Notes"))
        // Odoo: computed (the config's cash control when a cash journal is used), not stored.
        .field(Field::boolean("cash_control", "Has Cash Control").not_stored())
        // Odoo: computed (journal of the first cash payment method), stored.
        .field(Field::many2one("cash_journal_id", "Cash Journal", "account.journal"))
        .field(Field::monetary(
            "cash_register_balance_end_real",
            "Ending Balance",
            "currency_id",
        ))
        .field(Field::monetary(
            "cash_register_balance_start",
            "Starting Balance",
            "currency_id",
        ))
        // Odoo: computed (opening + cash payments + cash moves), not stored.
        .field(
            Field::monetary("cash_register_balance_end", "Theoretical Closing Balance", "currency_id")
                .readonly()
                .not_stored()
                .help("Opening balance summed to all cash transactions."),
        )
        // Odoo: computed (counted - theoretical), not stored.
        .field(
            Field::monetary("cash_register_difference", "Before Closing Difference", "currency_id")
                .readonly()
                .not_stored()
                .help("Difference between the theoretical closing balance and the real closing balance."),
        )
        .field(Field::monetary("cash_real_transaction", "Transaction", "currency_id").readonly())
        .field(Field::one2many("order_ids", "Orders", "pos.order", "session_id"))
        .field(Field::integer("order_count", "Order Count").not_stored())
        .field(Field::boolean("failed_pickings", "Failed Pickings").not_stored())
        .field(Field::integer("picking_count", "Picking Count").not_stored())
        .field(Field::one2many("picking_ids", "Picking", "stock.picking", "pos_session_id"))
        .field(
            Field::boolean("rescue", "Recovery Session")
                .readonly()
                .no_copy()
                .help("Auto-generated session for orphan orders, ignored in constraints"),
        )
        .field(Field::many2one("move_id", "Journal Entry", "account.move").index())
        .field(
            Field::many2many("payment_method_ids", "Payment Methods", "pos.payment.method", "", "", "")
                .related("config_id.payment_method_ids"),
        )
        .field(Field::float("total_payments_amount", "Total Payments Amount").not_stored())
        .field(Field::boolean("is_in_company_currency", "Is Using Company Currency").not_stored())
        .field(Field::boolean("update_stock_at_closing", "Stock should be updated at closing"))
        .field(
            Field::one2many("bank_payment_ids", "Bank Payments", "account.payment", "pos_session_id")
                .help("Account payments representing aggregated and bank split payments."),
        )
        .access(Some("point_of_sale.group_pos_user"), "rwc")
        .with_magic_fields()
}
