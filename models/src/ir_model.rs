//! Metadata models real client libraries call: `ir.model`, `ir.model.fields`,
//! `ir.model.data` (external ids) and `ir.model.access`. The first two are filled from
//! the model declarations at start-up.
use crate::prelude::*;

pub fn ir_model() -> Model {
    Model::new("ir.model", "Models")
        .order("model")
        .rec_name("name")
        .field(Field::char("name", "Model Description").required())
        .field(Field::char("model", "Model").required().index())
        .field(Field::text("info", "Information"))
        .field(Field::boolean("transient", "Transient Model"))
        .field(
            Field::selection(
                "state",
                "Type",
                &[("manual", "Custom Object"), ("base", "Base Object")],
            )
            .default(DefaultValue::Str("base")),
        )
        .field(Field::one2many(
            "field_id",
            "Fields",
            "ir.model.fields",
            "model_id",
        ))
        .sql_unique(
            "obj_name_uniq",
            &["model"],
            "Each model must have a unique name.",
        )
        .access(Some("base.group_user"), "r")
        .with_magic_fields()
}

pub fn ir_model_fields() -> Model {
    Model::new("ir.model.fields", "Fields")
        .order("name")
        .rec_name("field_description")
        .field(Field::char("name", "Field Name").required().index())
        .field(Field::char("model", "Model Name").required().index())
        .field(
            Field::many2one("model_id", "Model", "ir.model")
                .required()
                .ondelete(OnDelete::Cascade)
                .index(),
        )
        .field(Field::char("field_description", "Field Label").required())
        .field(Field::char("ttype", "Field Type").required())
        .field(Field::char("relation", "Related Model"))
        .field(Field::char("relation_field", "Relation Field"))
        .field(Field::boolean("required", "Required"))
        .field(Field::boolean("readonly", "Readonly"))
        .field(Field::boolean("store", "Stored"))
        .field(Field::text("help", "Field Help"))
        .field(Field::char("groups_text", "Groups"))
        .sql_unique(
            "name_unique",
            &["model", "name"],
            "Field names must be unique per model.",
        )
        .access(Some("base.group_user"), "r")
        .with_magic_fields()
}

pub fn ir_model_data() -> Model {
    Model::new("ir.model.data", "Model Data")
        .order("module, model, name")
        .rec_name("complete_name")
        .field(Field::char("name", "External Identifier").required())
        .field(
            Field::char("module", "Module")
                .required()
                .default(DefaultValue::Str("")),
        )
        .field(Field::char("model", "Model Name").required())
        .field(Field::integer("res_id", "Record ID"))
        .field(Field::char("complete_name", "Complete ID").computed(false))
        .field(Field::boolean("noupdate", "Non Updatable").default(DefaultValue::Bool(false)))
        .sql_unique(
            "name_nospaces",
            &["module", "name"],
            "You cannot have multiple records with the same external ID",
        )
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}

pub fn ir_model_access() -> Model {
    Model::new("ir.model.access", "Model Access")
        .order("model_id, group_id, name, id")
        .field(Field::char("name", "Name").required())
        .field(
            Field::many2one("model_id", "Model", "ir.model")
                .required()
                .ondelete(OnDelete::Cascade),
        )
        .field(Field::many2one("group_id", "Group", "res.groups").ondelete(OnDelete::Restrict))
        .field(Field::boolean("perm_read", "Read Access"))
        .field(Field::boolean("perm_write", "Write Access"))
        .field(Field::boolean("perm_create", "Create Access"))
        .field(Field::boolean("perm_unlink", "Delete Access"))
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .access(Some("base.group_user"), "r")
        .with_magic_fields()
}

/// API keys (`res.users.apikeys`): the first 8 characters stored clear as an index,
/// the whole key hashed. No group may read it over RPC.
pub fn res_users_apikeys() -> Model {
    Model::new("res.users.apikeys", "Users API Keys")
        .order("id")
        .field(Field::char("name", "Description").required())
        .field(
            Field::many2one("user_id", "User", "res.users")
                .required()
                .ondelete(OnDelete::Cascade)
                .index(),
        )
        .field(Field::char("scope", "Scope"))
        .field(Field::char("index", "Index").size(8).index())
        .field(Field::char("key", "Key").write_only())
        .field(Field::datetime("expiration_date", "Expiration Date"))
        .with_magic_fields()
}

/// `ir.config_parameter`: system-wide key/value settings (e.g. which payment
/// terminals are enabled). Only administrators read or write it over RPC.
pub fn ir_config_parameter() -> Model {
    Model::new("ir.config_parameter", "System Parameter")
        .order("key")
        .rec_name("key")
        .field(Field::char("key", "Key").required().index())
        .field(Field::text("value", "Value").required())
        .sql_unique("key_uniq", &["key"], "Key must be unique.")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
