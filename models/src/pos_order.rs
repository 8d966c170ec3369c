//! `pos.order`: a sale made at a POS, with its lines and payments. Orders arrive from
//! the POS client through `sync_from_ui`; the server recomputes the amounts with the
//! taxes, names the order from its config's sequence and keeps the client's own
//! reference as `pos_reference`.
//!
//! Types follow the recorded Odoo 18.0 (`amount_*` are floats there). Computed and
//! related fields whose behaviour is not implemented yet are declared plain; the notes
//! (notes/pos-backend.md, A5) say how each one is computed.
use crate::prelude::*;

pub const ORDER_STATES: &[(&str, &str)] = &[
    ("draft", "New"),
    ("cancel", "Cancelled"),
    ("paid", "Paid"),
    ("done", "Posted"),
    ("invoiced", "Invoiced"),
];

pub fn model() -> Model {
    Model::new("pos.order", "Point of Sale Orders")
        .order("date_order desc, name desc, id desc")
        .check_company()
        // mail.thread
        .field(Field::boolean("message_is_follower", "Is Follower").not_stored())
        .field(Field::one2many(
            "message_follower_ids",
            "Followers",
            "mail.followers",
            "res_id",
        ))
        .field(
            Field::many2many("message_partner_ids", "Followers (Partners)", "res.partner", "", "", "")
                .computed(false),
        )
        .field(Field::one2many("message_ids", "Messages", "mail.message", "res_id"))
        .field(Field::boolean("has_message", "Has Message").not_stored())
        .field(
            Field::boolean("message_needaction", "Action Needed")
                .not_stored()
                .help("If checked, new messages require your attention."),
        )
        .field(
            Field::integer("message_needaction_counter", "Number of Actions")
                .not_stored()
                .help("Number of messages requiring action"),
        )
        .field(
            Field::boolean("message_has_error", "Message Delivery error")
                .not_stored()
                .help("If checked, some messages have a delivery error."),
        )
        .field(
            Field::integer("message_has_error_counter", "Number of errors")
                .not_stored()
                .help("Number of messages with delivery error"),
        )
        .field(Field::integer("message_attachment_count", "Attachment Count").not_stored())
        .field(Field::one2many(
            "website_message_ids",
            "Website Messages",
            "mail.message",
            "res_id",
        ))
        .field(
            Field::boolean("message_has_sms_error", "SMS Delivery error")
                .not_stored()
                .help("If checked, some messages have a delivery error."),
        )
        // portal.mixin
        .field(Field::char("access_token", "Security Token").no_copy())
        .field(Field::char("access_url", "Portal Access URL").not_stored().help(
            "Customer Portal URL",
        ))
        .field(Field::text("access_warning", "Access warning").not_stored())
        // pos.order
        .field(
            Field::char("name", "Order Ref")
                .required()
                .readonly()
                .no_copy()
                .default(DefaultValue::Str("/")),
        )
        .field(
            Field::char("last_order_preparation_change", "Last preparation change")
                .help("Last printed state of the order"),
        )
        .field(
            Field::datetime("date_order", "Date")
                .readonly()
                .index()
                .default(DefaultValue::Now),
        )
        .field(
            Field::many2one("user_id", "Employee", "res.users")
                .default(DefaultValue::CurrentUser)
                .help("Employee who uses the cash register."),
        )
        .field(Field::float("amount_difference", "Difference").readonly())
        .field(Field::float("amount_tax", "Taxes").readonly().required())
        .field(Field::float("amount_total", "Total").readonly().required())
        .field(Field::float("amount_paid", "Paid").required())
        .field(Field::float("amount_return", "Returned").required().readonly())
        // Odoo: computed from the lines once their cost is known, not stored.
        .field(Field::monetary("margin", "Margin", "currency_id").computed(false))
        .field(Field::float("margin_percent", "Margin (%)").computed(false))
        .field(
            Field::boolean("is_total_cost_computed", "Is Total Cost Computed")
                .computed(false)
                .help("Allows to know if all the total cost of the order lines have already been computed"),
        )
        .field(copied(Field::one2many("lines", "Order Lines", "pos.order.line", "order_id")))
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .required()
                .readonly()
                .index(),
        )
        // Odoo: related company_id.account_fiscal_country_id.code (two hops), not stored.
        .field(Field::char("country_code", "Country Code").computed(false).odoo_related())
        .field(Field::many2one("pricelist_id", "Pricelist", "product.pricelist"))
        .field(Field::many2one("partner_id", "Customer", "res.partner").index())
        .field(
            Field::integer("sequence_number", "Sequence Number")
                .default(DefaultValue::Int(1))
                .help("A session-unique sequence number for the order"),
        )
        .field(
            Field::many2one("session_id", "Session", "pos.session")
                .required()
                .index(),
        )
        // Odoo: related session_id.config_id, stored, writable.
        .field(Field::many2one("config_id", "Point of Sale", "pos.config").odoo_related())
        .field(
            Field::many2one("currency_id", "Currency", "res.currency")
                .related("config_id.currency_id")
                .readonly(),
        )
        // Odoo: computed (company currency -> order currency at date_order), stored.
        .field(
            Field::float("currency_rate", "Currency Rate").odoo_computed()
                .readonly()
                .help("The rate of the currency to the currency of rate applicable at the date of the order"),
        )
        .field(
            Field::selection("state", "Status", ORDER_STATES)
                .readonly()
                .no_copy()
                .index()
                .default(DefaultValue::Str("draft")),
        )
        .field(
            Field::many2one("account_move", "Invoice", "account.move")
                .readonly()
                .no_copy()
                .index(),
        )
        .field(Field::one2many("picking_ids", "Picking", "stock.picking", "pos_order_id"))
        .field(Field::integer("picking_count", "Picking Count").not_stored())
        .field(Field::boolean("failed_pickings", "Failed Pickings").not_stored())
        // Odoo: related session_id.config_id.picking_type_id (two hops), not stored.
        .field(
            Field::many2one("picking_type_id", "Operation Type", "stock.picking.type")
                .computed(false)
                .odoo_related(),
        )
        .field(
            Field::many2one("procurement_group_id", "Procurement Group", "procurement.group")
                .no_copy(),
        )
        .field(Field::char("floating_order_name", "Order Name"))
        .field(Field::text("general_note", "General Note"))
        .field(
            Field::integer("nb_print", "Number of Print")
                .readonly()
                .no_copy()
                .default(DefaultValue::Int(0)),
        )
        .field(
            Field::char("pos_reference", "Receipt Number")
                .readonly()
                .no_copy()
                .index(),
        )
        // Odoo: related session_id.config_id.journal_id, stored.
        .field(
            Field::many2one("sale_journal", "Sales Journal", "account.journal").odoo_related()
                .readonly()
                .ondelete(OnDelete::Restrict),
        )
        .field(Field::many2one(
            "fiscal_position_id",
            "Fiscal Position",
            "account.fiscal.position",
        ))
        .field(Field::one2many("payment_ids", "Payments", "pos.payment", "pos_order_id"))
        .field(
            Field::many2one("session_move_id", "Session Journal Entry", "account.move")
                .related("session_id.move_id")
                .readonly(),
        )
        .field(Field::boolean("to_invoice", "To invoice").no_copy())
        .field(Field::date("shipping_date", "Shipping Date"))
        .field(Field::boolean("is_invoiced", "Is Invoiced").not_stored())
        .field(Field::boolean("is_tipped", "Is this already tipped?").readonly())
        .field(Field::float("tip_amount", "Tip Amount").readonly())
        .field(
            Field::integer("refund_orders_count", "Number of Refund Orders")
                .computed(false)
                .help("Number of orders where items from this order were refunded"),
        )
        .field(
            Field::many2one("refunded_order_id", "Refunded Order", "pos.order")
                .computed(false)
                .help("Order from which items were refunded in this order"),
        )
        .field(Field::boolean("has_refundable_lines", "Has Refundable Lines").computed(false))
        .field(
            Field::char("ticket_code", "Ticket Code")
                .help("5 digits alphanumeric code to be used by portal user to request an invoice"),
        )
        .field(Field::char("tracking_number", "Order Number").computed(false))
        .field(Field::char("uuid", "Uuid").readonly().no_copy())
        // Odoo: computed from the partner, stored, writable.
        .field(Field::char("email", "Email").odoo_computed())
        .field(Field::char("mobile", "Mobile").odoo_computed())
        .field(Field::boolean("is_edited", "Edited").not_stored())
        .field(Field::boolean("has_deleted_line", "Has Deleted Line"))
        .field(
            Field::boolean("order_edit_tracking", "Order Edit Tracking")
                .related("config_id.order_edit_tracking")
                .readonly(),
        )
        .field(
            Field::many2many(
                "available_payment_method_ids",
                "Available Payment Methods",
                "pos.payment.method",
                "",
                "",
                "",
            )
            .related("config_id.payment_method_ids")
            .readonly(),
        )
        // pos_online_payment
        .field(
            Field::many2one("online_payment_method_id", "Online Payment Method", "pos.payment.method")
                .not_stored(),
        )
        .field(Field::float("next_online_payment_amount", "Next online payment amount to pay"))
        .access(Some("point_of_sale.group_pos_user"), "rwcu")
        .access(Some("stock.group_stock_user"), "r")
        .sql_unique("uuid_unique", &["uuid"], "An order with this uuid already exists")
        .with_magic_fields_before("online_payment_method_id")
}

/// `copy=True` on a one2many (Odoo copies an order's lines with the order).
fn copied(mut field: Field) -> Field {
    field.copy = true;
    field
}
