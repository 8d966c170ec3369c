//! `pos.payment`: one payment of an order with one payment method. A Stripe payment
//! keeps the terminal's `transaction_id` (the PaymentIntent id), `card_type` and
//! `payment_status`; a change given back in cash is a negative payment with
//! `is_change`.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("pos.payment", "Point of Sale Payments")
        .order("id desc")
        .check_company()
        .field(Field::char("name", "Label").readonly())
        .field(
            Field::many2one("pos_order_id", "Order", "pos.order")
                .required()
                .index()
                .ondelete(OnDelete::Cascade),
        )
        .field(
            Field::monetary("amount", "Amount", "currency_id")
                .required()
                .help("Total amount of the payment."),
        )
        .field(
            Field::many2one("payment_method_id", "Payment Method", "pos.payment.method").required(),
        )
        .field(
            Field::datetime("payment_date", "Date")
                .required()
                .readonly()
                .default(DefaultValue::Now),
        )
        .field(
            Field::many2one("currency_id", "Currency", "res.currency")
                .related("pos_order_id.currency_id")
                .readonly(),
        )
        .field(
            Field::float("currency_rate", "Conversion Rate")
                .related("pos_order_id.currency_rate")
                .readonly()
                .help("Conversion rate from company currency to order currency."),
        )
        .field(
            Field::many2one("partner_id", "Customer", "res.partner")
                .related("pos_order_id.partner_id")
                .readonly(),
        )
        // Odoo: related pos_order_id.session_id, stored.
        .field(
            Field::many2one("session_id", "Session", "pos.session")
                .odoo_related()
                .index(),
        )
        .field(
            Field::many2one("user_id", "Employee", "res.users")
                .related("session_id.user_id")
                .readonly(),
        )
        // Odoo: related pos_order_id.company_id, stored.
        .field(Field::many2one("company_id", "Company", "res.company").odoo_related())
        .field(
            Field::char("card_type", "Type of card used")
                .help("The type of the payment card (e.g. CREDIT CARD OR DEBIT CARD)"),
        )
        .field(
            Field::char("card_brand", "Brand of card")
                .help("The brand of the payment card (e.g. Visa, AMEX, ...)"),
        )
        .field(Field::char("card_no", "Card Number(Last 4 Digit)"))
        .field(Field::char("cardholder_name", "Card Owner name"))
        .field(
            Field::char("payment_ref_no", "Payment reference number")
                .help("Payment reference number from payment provider terminal"),
        )
        .field(Field::char("payment_method_authcode", "Payment APPR Code"))
        .field(Field::char(
            "payment_method_issuer_bank",
            "Payment Issuer Bank",
        ))
        .field(Field::char("payment_method_payment_mode", "Payment Mode"))
        .field(Field::char("transaction_id", "Payment Transaction ID"))
        .field(Field::char("payment_status", "Payment Status"))
        .field(Field::char("ticket", "Payment Receipt Info"))
        .field(
            Field::boolean("is_change", "Is this payment change?")
                .default(DefaultValue::Bool(false)),
        )
        .field(Field::many2one("account_move_id", "Account Move", "account.move").index())
        .field(Field::char("uuid", "Uuid").readonly().no_copy())
        // pos_online_payment
        .field(Field::many2one(
            "online_account_payment_id",
            "Online accounting payment",
            "account.payment",
        ))
        .access(Some("point_of_sale.group_pos_user"), "rwcu")
        .sql_unique(
            "uuid_unique",
            &["uuid"],
            "A payment with this uuid already exists",
        )
        .with_magic_fields_before("online_account_payment_id")
}
