//! `pos.payment.method`: how a POS takes money, including through a Stripe terminal.
//!
//! Stripe adds the `stripe` value of `use_payment_terminal` (offered only while the
//! Stripe terminal is enabled in the settings) and `stripe_serial_number`, which no other
//! payment method the user can see may carry.
use crate::prelude::*;

/// Values of `use_payment_terminal`; `stripe` is offered only while
/// `res.config.settings.module_pos_stripe` is on.
pub const PAYMENT_TERMINALS: &[(&str, &str)] = &[("stripe", "Stripe")];

pub fn model() -> Model {
    Model::new("pos.payment.method", "Point of Sale Payment Methods")
        .order("sequence, id")
        .check_company()
        .field(
            Field::char("name", "Method")
                .required()
                .help("Defines the name of the payment method that will be displayed in the Point of Sale when the payments are selected."),
        )
        .field(Field::integer("sequence", "Sequence").no_copy())
        .field(
            Field::many2one("outstanding_account_id", "Outstanding Account", "account.account")
                .ondelete(OnDelete::Restrict)
                .help("Leave empty to use the default account from the company setting.\nAccount used as outstanding account when creating accounting payment records for bank payments."),
        )
        .field(
            Field::many2one("receivable_account_id", "Intermediary Account", "account.account")
                .ondelete(OnDelete::Restrict)
                .help("Leave empty to use the default account from the company setting.\nOverrides the company's receivable account (for Point of Sale) used in the journal entries."),
        )
        .field(Field::boolean("is_cash_count", "Cash").computed(true))
        .field(
            Field::many2one("journal_id", "Journal", "account.journal")
                .ondelete(OnDelete::Restrict)
                .help("Leave empty to use the receivable account of customer.\nDefines the journal where to book the accumulated payments (or individual payment if Identify Customer is true) after closing the session.\nFor cash journal, we directly write to the default account in the journal via statement lines.\nFor bank journal, we write to the outstanding account specified in this payment method.\nOnly cash and bank journals are allowed."),
        )
        .field(
            Field::boolean("split_transactions", "Identify Customer")
                .default(DefaultValue::Bool(false))
                .help("Forces to set a customer when using this payment method and splits the journal entries for each customer. It could slow down the closing process."),
        )
        .field(Field::many2many(
            "open_session_ids",
            "Pos Sessions",
            "pos.session",
            "",
            "",
            "",
        ).computed(false).help("Open PoS sessions that are using this payment method."))
        .field(Field::many2many(
            "config_ids",
            "Point of Sale",
            "pos.config",
            "pos_config_pos_payment_method_rel",
            "pos_payment_method_id",
            "pos_config_id",
        ))
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .default(DefaultValue::CurrentCompany)
                .index(),
        )
        .field(
            Field::selection("use_payment_terminal", "Use a Payment Terminal", PAYMENT_TERMINALS)
                .dynamic_selection()
                .help("Record payments with a terminal on this journal."),
        )
        .field(Field::boolean("hide_use_payment_terminal", "Hide Use Payment Terminal").computed(false))
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .field(
            Field::selection("type", "Type", &[("cash", "Cash"), ("bank", "Bank"), ("pay_later", "Customer Account")])
                .computed(false),
        )
        .field(
            Field::selection(
                "payment_method_type",
                "Integration",
                &[("none", "None required"), ("terminal", "Terminal"), ("qr_code", "Bank App (QR Code)")],
            )
            .dynamic_selection()
            .required()
            .default(DefaultValue::Str("none")),
        )
        // Odoo: fields.Image (binary, max 50x50).
        .field(Field::text("image", "Image").odoo_type("binary"))
        .field(Field::char("default_qr", "Default Qr").computed(false))
        .field(
            Field::selection("qr_code_method", "QR Code Format", &[])
                .dynamic_selection()
                .no_copy()
                .help("Type of QR-code to be generated for this payment method."),
        )
        .field(Field::boolean("hide_qr_code_method", "Hide Qr Code Method").computed(false))
        .field(Field::boolean("is_online_payment", "Online Payment").default(DefaultValue::Bool(false)))
        .field(
            Field::char("stripe_serial_number", "Stripe Serial Number")
                .no_copy()
                .help("[Serial number of the stripe terminal], for example: WSC513105011295"),
        )
        .access(Some("point_of_sale.group_pos_user"), "r")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}
