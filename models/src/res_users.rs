//! `res.users`: people who log in. Passwords are stored as pbkdf2-sha512 hashes in a
//! column no field exposes; the `password` field is write-only.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("res.users", "User")
        .order("name, login")
        .field(Field::char("name", "Name").odoo_related().required())
        .field(
            Field::char("login", "Login")
                .required()
                .help("Used to log into the system"),
        )
        .field(
            Field::char("password", "Password")
                .not_stored()
                .write_only()
                .help("Keep empty if you don't want the user to be able to connect on the system."),
        )
        .field(
            Field::many2one("partner_id", "Related Partner", "res.partner")
                .ondelete(OnDelete::Restrict),
        )
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .required()
                .default(DefaultValue::CurrentCompany)
                .help("The default company for this user."),
        )
        .field(Field::many2many(
            "company_ids",
            "Companies",
            "res.company",
            "res_company_users_rel",
            "user_id",
            "cid",
        ))
        .field(Field::many2many(
            "groups_id",
            "Groups",
            "res.groups",
            "res_groups_users_rel",
            "uid",
            "gid",
        ))
        .field(Field::char("email", "Email"))
        .field(Field::char("lang", "Language").default(DefaultValue::Str("en_US")))
        .field(Field::char("tz", "Timezone"))
        .field(Field::boolean("share", "Share User").computed(true))
        .field(
            Field::datetime("login_date", "Latest authentication")
                .readonly()
                .not_stored(),
        )
        .sql_unique(
            "login_key",
            &["login"],
            "You can not have two users with the same login!",
        )
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
