//! `ir.module.module`: installed modules. The POS asks whether `pos_settle_due` is
//! installed; this server has no module system, so the table stays empty.
use crate::prelude::*;

pub const MODULE_STATES: &[(&str, &str)] = &[
    ("uninstallable", "Uninstallable"),
    ("uninstalled", "Not Installed"),
    ("installed", "Installed"),
    ("to upgrade", "To be upgraded"),
    ("to remove", "To be removed"),
    ("to install", "To be installed"),
];

pub fn model() -> Model {
    Model::new("ir.module.module", "Module")
        .order("application desc,sequence,name")
        .field(
            Field::char("name", "Technical Name")
                .required()
                .readonly()
                .index(),
        )
        .field(Field::char("shortdesc", "Module Name").readonly())
        .field(Field::integer("sequence", "Sequence").default(DefaultValue::Int(100)))
        .field(Field::boolean("application", "Application").readonly())
        .field(
            Field::selection("state", "Status", MODULE_STATES)
                .readonly()
                .index()
                .default(DefaultValue::Str("uninstalled")),
        )
        // The recording shows a cashier reading this model without an AccessError
        // (0 rows): employees may read it, administrators change it.
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
