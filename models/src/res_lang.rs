//! `res.lang`: the languages of the database; the POS loads the active ones (flag,
//! code, name) for its language selector and receipts.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("res.lang", "Languages")
        .order("active desc,name")
        .field(Field::char("name", "Name").required())
        .field(
            Field::char("code", "Locale Code")
                .required()
                .help("This field is used to set/get locales for user"),
        )
        .field(
            Field::char("iso_code", "ISO code")
                .help("This ISO code is the name of po files to use for translations"),
        )
        .field(
            Field::char("url_code", "URL Code")
                .required()
                .help("The Lang Code displayed in the URL"),
        )
        .field(Field::boolean("active", "Active"))
        .field(
            Field::selection(
                "direction",
                "Direction",
                &[("ltr", "Left-to-Right"), ("rtl", "Right-to-Left")],
            )
            .required()
            .default(DefaultValue::Str("ltr")),
        )
        .field(
            Field::char("date_format", "Date Format")
                .required()
                .default(DefaultValue::Str("%m/%d/%Y")),
        )
        .field(
            Field::char("time_format", "Time Format")
                .required()
                .default(DefaultValue::Str("%H:%M:%S")),
        )
        .field(
            Field::char("decimal_point", "Decimal Separator")
                .required()
                .default(DefaultValue::Str(".")),
        )
        .field(Field::char("thousands_sep", "Thousands Separator").default(DefaultValue::Str(",")))
        // Odoo: fields.Image (binary), stored as an attachment.
        .field(Field::text("flag_image", "Image"))
        // Odoo: computed from `flag_image` or the country flag of `code`.
        .field(Field::char("flag_image_url", "Flag Image Url").not_stored())
        .sql_unique(
            "name_uniq",
            &["name"],
            "The name of the language must be unique!",
        )
        .sql_unique(
            "code_uniq",
            &["code"],
            "The code of the language must be unique!",
        )
        .sql_unique(
            "url_code_uniq",
            &["url_code"],
            "The URL code of the language must be unique!",
        )
        .access(Some("base.group_public"), "r")
        .access(Some("base.group_portal"), "r")
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
