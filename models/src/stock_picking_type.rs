//! `stock.picking.type`: operation types; a POS config delivers through one (its
//! "PoS Orders" type) and the POS reads whether it accepts lot numbers.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("stock.picking.type", "Picking Type")
        .order("is_favorite desc, sequence, id")
        .check_company()
        .field(Field::char("name", "Operation Type").required())
        .field(
            Field::selection(
                "code",
                "Type of Operation",
                &[
                    ("incoming", "Receipt"),
                    ("outgoing", "Delivery"),
                    ("internal", "Internal Transfer"),
                ],
            )
            .required(),
        )
        .field(Field::char("sequence_code", "Sequence Prefix").required())
        .field(Field::integer("sequence", "Sequence").help("Used to order the 'All Operations' kanban view"))
        .field(Field::boolean("is_favorite", "Show Operation in Overview"))
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .field(
            Field::many2one("warehouse_id", "Warehouse", "stock.warehouse")
                .ondelete(OnDelete::Cascade),
        )
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .required()
                .default(DefaultValue::CurrentCompany)
                .index(),
        )
        // Odoo: computed from `code`, stored, writable.
        .field(Field::boolean("use_create_lots", "Create New Lots/Serial Numbers").odoo_computed().help(
            "If this is checked only, it will suppose you want to create new Lots/Serial Numbers, so you can provide them in a text field. ",
        ))
        // Odoo: computed from `code`, stored, writable.
        .field(Field::boolean("use_existing_lots", "Use Existing Lots/Serial Numbers").odoo_computed().help(
            "If this is checked, you will be able to choose the Lots/Serial Numbers. You can also decide to not put lots in this operation type.  This means it will create stock with no lot or not put a restriction on the lot taken. ",
        ))
        .access(Some("base.group_user"), "r")
        .access(Some("stock.group_stock_user"), "r")
        .access(Some("stock.group_stock_manager"), "rwcu")
        .with_magic_fields()
}
