//! `pos.config`: a point of sale: its payment methods, pricelists, categories, receipt
//! and hardware options, the sequences naming its orders, and its sessions.
//!
//! Fields are in the order Odoo 18.0 reports them (`load_data` reads them all). Computed
//! fields without a hook yet are declared plain (see notes/pos-backend.md, A5).
use crate::prelude::*;

pub const CUSTOMER_DISPLAY_TYPES: &[(&str, &str)] = &[
    ("none", "None"),
    ("local", "The same device"),
    ("remote", "Another device"),
    ("proxy", "An IOT-connected screen"),
];

pub fn model() -> Model {
    Model::new("pos.config", "Point of Sale Configuration")
        .order("id")
        .check_company()
        // pos.bus.mixin's access_token, overridden with a 16-hex default in Odoo.
        .field(Field::char("access_token", "Access Token"))
        .field(Field::char("name", "Point of Sale").required().help("An internal identification of the point of sale."))
        .field(Field::many2many(
            "printer_ids",
            "Order Printers",
            "pos.printer",
            "pos_config_printer_rel",
            "config_id",
            "printer_id",
        ))
        .field(Field::boolean("is_order_printer", "Order Printer"))
        .field(Field::boolean("is_installed_account_accountant", "Is the Full Accounting Installed").not_stored())
        // Required in Odoo, defaulting to the company warehouse's POS operation type;
        // optional here until defaults can be computed (see the notes).
        .field(
            Field::many2one("picking_type_id", "Operation Type", "stock.picking.type")
                .ondelete(OnDelete::Restrict),
        )
        .field(
            Field::many2one("journal_id", "Point of Sale Journal", "account.journal")
                .ondelete(OnDelete::Restrict)
                .help("Accounting journal used to post POS session journal entries and POS invoice payments."),
        )
        .field(
            Field::many2one("invoice_journal_id", "Invoice Journal", "account.journal")
                .help("Accounting journal used to create invoices."),
        )
        .field(
            Field::many2one("currency_id", "Currency", "res.currency")
                .computed(false),
        )
        .field(Field::boolean("iface_cashdrawer", "Cashdrawer").help("Automatically open the cashdrawer."))
        .field(Field::boolean("iface_electronic_scale", "Electronic Scale").help("Enables Electronic Scale integration."))
        .field(Field::boolean("iface_print_via_proxy", "Print via Proxy").help("Bypass browser printing and prints via the hardware proxy."))
        .field(Field::boolean("iface_scan_via_proxy", "Scan via Proxy").help("Enable barcode scanning with a remotely connected barcode scanner and card swiping with a Vantiv card reader."))
        .field(Field::boolean("iface_big_scrollbars", "Large Scrollbars").help("For imprecise industrial touchscreens."))
        .field(
            Field::boolean("iface_print_auto", "Automatic Receipt Printing")
                .default(DefaultValue::Bool(false))
                .help("The receipt will automatically be printed at the end of each order."),
        )
        .field(
            Field::boolean("iface_print_skip_screen", "Skip Preview Screen")
                .default(DefaultValue::Bool(true))
                .help("The receipt screen will be skipped if the receipt can be printed automatically."),
        )
        .field(
            Field::selection(
                "iface_tax_included",
                "Tax Display",
                &[("subtotal", "Tax-Excluded Price"), ("total", "Tax-Included Price")],
            )
            .required()
            .default(DefaultValue::Str("total")),
        )
        .field(Field::many2many(
            "iface_available_categ_ids",
            "Available PoS Product Categories",
            "pos.category",
            "pos_category_pos_config_rel",
            "pos_config_id",
            "pos_category_id",
        ).help("The point of sale will only display products which are within one of the selected category trees. If no category is specified, all available products will be shown"))
        .field(
            Field::selection("customer_display_type", "Customer Facing Display", CUSTOMER_DISPLAY_TYPES)
                .default(DefaultValue::Str("local"))
                .help("Show checkout to customers."),
        )
        // Odoo: fields.Image (binary).
        .field(Field::text("customer_display_bg_img", "Background Image").odoo_type("binary"))
        .field(Field::char("customer_display_bg_img_name", "Background Image Name"))
        .field(Field::boolean("restrict_price_control", "Restrict Price Modifications to Managers").help(
            "Only users with Manager access rights for PoS app can modify the product prices on orders.",
        ))
        .field(
            Field::boolean("is_margins_costs_accessible_to_every_user", "Margins & Costs")
                .default(DefaultValue::Bool(false))
                .help("When disabled, only PoS manager can view the margin and cost of product among the Product info."),
        )
                .field(
            Field::boolean("cash_control", "Advanced Cash Control")
                .computed(false)
                .help("Check the amount of the cashbox at opening and closing."),
        )
        .field(Field::boolean("set_maximum_difference", "Set Maximum Difference").help(
            "Set a maximum difference allowed between the expected and counted money during the closing of the session.",
        ))
        .field(Field::text("receipt_header", "Receipt Header").help("A short text that will be inserted as a header in the printed receipt."))
        .field(Field::text("receipt_footer", "Receipt Footer").help("A short text that will be inserted as a footer in the printed receipt."))
        .field(Field::boolean("basic_receipt", "Basic Receipt").help("Print basic ticket without prices. Can be used for gifts."))
        .field(
            Field::char("proxy_ip", "IP Address")
                .size(45)
                .help("The hostname or ip address of the hardware proxy, Will be autodetected if left empty."),
        )
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .field(
            Field::char("uuid", "Uuid")
                .readonly()
                .no_copy()
                .help("A globally unique identifier for this pos configuration, used to prevent conflicts in client-generated data."),
        )
        .field(
            Field::many2one("sequence_id", "Order IDs Sequence", "ir.sequence")
                .readonly()
                .no_copy()
                .ondelete(OnDelete::Restrict)
                .help("This sequence is automatically created by Odoo but you can change it to customize the reference numbers of your orders."),
        )
        .field(
            Field::many2one("sequence_line_id", "Order Line IDs Sequence", "ir.sequence")
                .readonly()
                .no_copy()
                .help("This sequence is automatically created by Odoo but you can change it to customize the reference numbers of your orders lines."),
        )
        .field(Field::one2many("session_ids", "Sessions", "pos.session", "config_id"))
        .field(Field::many2one("current_session_id", "Current Session", "pos.session").computed(false))
        .field(
            Field::char("current_session_state", "Current Session State")
                .computed(false),
        )
        .field(Field::integer("number_of_rescue_session", "Number of Rescue Session").not_stored())
        .field(Field::float("last_session_closing_cash", "Last Session Closing Cash").not_stored())
        .field(Field::date("last_session_closing_date", "Last Session Closing Date").not_stored())
        .field(Field::char("pos_session_username", "Pos Session Username").not_stored())
        .field(Field::char("pos_session_state", "Pos Session State").not_stored())
        .field(Field::char("pos_session_duration", "Pos Session Duration").not_stored())
        .field(
            Field::many2one("pricelist_id", "Default Pricelist", "product.pricelist")
                .help("The pricelist used if no customer is selected or if the customer has no Sale Pricelist configured if any."),
        )
        .field(Field::many2many(
            "available_pricelist_ids",
            "Available Pricelists",
            "product.pricelist",
            "pos_config_product_pricelist_rel",
            "pos_config_id",
            "product_pricelist_id",
        ).help("Make several pricelists available in the Point of Sale. You can also apply a pricelist to specific customers from their contact form (in Sales tab). To be valid, this pricelist must be listed here as an available pricelist. Otherwise the default pricelist will apply."))
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .required()
                .default(DefaultValue::CurrentCompany),
        )
        .field(
            Field::many2one("group_pos_manager_id", "Point of Sale Manager Group", "res.groups")
                .default(DefaultValue::XmlId("point_of_sale.group_pos_manager"))
                .help("This field is there to pass the id of the pos manager group to the point of sale client."),
        )
        .field(
            Field::many2one("group_pos_user_id", "Point of Sale User Group", "res.groups")
                .default(DefaultValue::XmlId("point_of_sale.group_pos_user"))
                .help("This field is there to pass the id of the pos user group to the point of sale client."),
        )
        .field(Field::boolean("iface_tipproduct", "Product tips"))
        .field(
            Field::many2one("tip_product_id", "Tip Product", "product.product")
                .help("This product is used as reference on customer receipts."),
        )
        .field(Field::many2many(
            "fiscal_position_ids",
            "Fiscal Positions",
            "account.fiscal.position",
            "account_fiscal_position_pos_config_rel",
            "pos_config_id",
            "account_fiscal_position_id",
        ).help("This is useful for restaurants with onsite and take-away services that imply specific tax rates."))
        .field(Field::many2one(
            "default_fiscal_position_id",
            "Default Fiscal Position",
            "account.fiscal.position",
        ))
        .field(Field::many2many(
            "default_bill_ids",
            "Coins/Bills",
            "pos.bill",
            "pos_bill_pos_config_rel",
            "pos_config_id",
            "pos_bill_id",
        ))
        .field(Field::boolean("use_pricelist", "Use a pricelist."))
        .field(Field::boolean("tax_regime_selection", "Tax Regime Selection value"))
        .field(Field::boolean("limit_categories", "Restrict Categories"))
        .field(Field::boolean("module_pos_restaurant", "Is a Bar/Restaurant"))
        .field(Field::boolean("module_pos_avatax", "AvaTax PoS Integration").help("Use automatic taxes mapping with Avatax in PoS"))
        .field(Field::boolean("module_pos_discount", "Global Discounts"))
        .field(Field::boolean("is_posbox", "PosBox"))
        .field(Field::boolean("is_header_or_footer", "Custom Header & Footer"))
        .field(Field::boolean("module_pos_hr", "Module Pos Hr").help("Show employee login screen"))
        .field(Field::float("amount_authorized_diff", "Amount Authorized Difference").help(
            "This field depicts the maximum difference allowed between the ending balance and the theoretical cash when closing a session, for non-POS managers. If this maximum is reached, the user will have an error message at the closing of his session saying that he needs to contact his manager.",
        ))
        .field(
            Field::many2many(
                "payment_method_ids",
                "Payment Methods",
                "pos.payment.method",
                "pos_config_pos_payment_method_rel",
                "pos_config_id",
                "pos_payment_method_id",
            )
            .no_copy(),
        )
        .field(Field::boolean("company_has_template", "Company has chart of accounts").not_stored())
        .field(
            Field::many2one("current_user_id", "Current Session Responsible", "res.users")
                .not_stored(),
        )
        .field(Field::boolean("other_devices", "Other Devices").help("Connect devices to your PoS without an IoT Box."))
        .field(Field::many2one("rounding_method", "Cash rounding", "account.cash.rounding"))
        .field(Field::boolean("cash_rounding", "Cash Rounding"))
        .field(Field::boolean("only_round_cash_method", "Only apply rounding on cash"))
        .field(Field::boolean("has_active_session", "Has Active Session").not_stored())
        .field(Field::boolean("manual_discount", "Line Discounts").default(DefaultValue::Bool(true)))
        .field(Field::boolean("ship_later", "Ship Later"))
        .field(
            Field::many2one("warehouse_id", "Warehouse", "stock.warehouse")
                .ondelete(OnDelete::Restrict),
        )
        .field(Field::many2one("route_id", "Spefic route for products delivered later.", "stock.route"))
        .field(
            Field::selection(
                "picking_policy",
                "Shipping Policy",
                &[("direct", "As soon as possible"), ("one", "When all products are ready")],
            )
            .required()
            .default(DefaultValue::Str("direct"))
            .help("If you deliver all products at once, the delivery order will be scheduled based on the greatest product lead time. Otherwise, it will be based on the shortest."),
        )
        .field(
            Field::boolean("auto_validate_terminal_payment", "Auto Validate Terminal Payment")
                .default(DefaultValue::Bool(true))
                .help("Automatically validates orders paid with a payment terminal."),
        )
        .field(Field::many2many(
            "trusted_config_ids",
            "Trusted Point of Sale Configurations",
            "pos.config",
            "pos_config_trust_relation",
            "is_trusting",
            "is_trusted",
        ))
        .field(
            Field::boolean("show_product_images", "Show Product Images")
                .default(DefaultValue::Bool(true))
                .help("Show product images in the Point of Sale interface."),
        )
        .field(
            Field::boolean("show_category_images", "Show Category Images")
                .default(DefaultValue::Bool(true))
                .help("Show category images in the Point of Sale interface."),
        )
        .field(Field::many2many(
            "note_ids",
            "Note Models",
            "pos.note",
            "pos_config_pos_note_rel",
            "pos_config_id",
            "pos_note_id",
        ).help("The predefined notes of this point of sale."))
        .field(Field::boolean("module_pos_sms", "SMS Enabled").help("Activate SMS feature for point_of_sale"))
        .field(Field::boolean("is_closing_entry_by_product", "Closing Entry by product").help(
            "Display the breakdown of sales lines by product in the automatically generated closing entry.",
        ))
        .field(
            Field::boolean("order_edit_tracking", "Track orders edits")
                .default(DefaultValue::Bool(false))
                .help("Store edited orders in the backend"),
        )
        .field(
            Field::boolean("orderlines_sequence_in_cart_by_category", "Order cart by category's sequence")
                .default(DefaultValue::Bool(false))
                .help("When active, orderlines will be sorted based on product category and sequence in the product screen's order cart."),
        )
        // pos_epson_printer
        .field(Field::char("epson_printer_ip", "Epson Printer IP").help(
            "Local IP address of an Epson receipt printer.",
        ))
        // pos_restaurant's field, kept for the settings wizard (not in Odoo 18.0's
        // point_of_sale).
        .field(Field::boolean("set_tip_after_payment", "Set Tip After Payment").help(
            "Adjust the amount authorized by payment terminals to add a tip after the customers left or at the end of the day.",
        ))
        .access(Some("point_of_sale.group_pos_user"), "rw")
        .access(Some("base.group_system"), "rw")
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .with_magic_fields()
}
