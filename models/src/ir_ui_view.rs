//! `ir.ui.view`: views, of which the POS reads a single one (the partner form's id and
//! name) with elevated rights; nobody but administrators reads them over RPC.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("ir.ui.view", "View")
        .order("priority,name,id")
        .field(Field::char("name", "View Name").required())
        .field(Field::char("model", "Model").index())
        .field(Field::char("key", "Key").index())
        .field(
            Field::integer("priority", "Sequence")
                .required()
                .default(DefaultValue::Int(16)),
        )
        .field(Field::selection(
            "type",
            "View Type",
            &[
                ("list", "List"),
                ("form", "Form"),
                ("graph", "Graph"),
                ("pivot", "Pivot"),
                ("calendar", "Calendar"),
                ("kanban", "Kanban"),
                ("search", "Search"),
                ("qweb", "QWeb"),
            ],
        ))
        .field(Field::text("arch_db", "Arch Blob"))
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
