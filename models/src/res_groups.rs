//! `res.groups`: access groups; `implied_ids` gives a group's members the implied groups.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("res.groups", "Access Groups")
        .order("name")
        .field(Field::char("name", "Name").required())
        .field(Field::many2many(
            "users",
            "Users",
            "res.users",
            "res_groups_users_rel",
            "gid",
            "uid",
        ))
        .field(Field::many2many(
            "implied_ids",
            "Inherits",
            "res.groups",
            "res_groups_implied_rel",
            "gid",
            "hid",
        ))
        .field(Field::text("comment", "Comment"))
        .field(Field::boolean("share", "Share Group").default(DefaultValue::Bool(false)))
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
