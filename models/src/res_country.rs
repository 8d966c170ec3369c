//! `res.country`: countries, addressed by their two-letter ISO code.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("res.country", "Country")
        .order("name")
        .field(Field::char("name", "Country Name").required())
        .field(
            Field::char("code", "Country Code").size(2).help(
                "The ISO country code in two chars. \nYou can use this field for quick search.",
            ),
        )
        .field(Field::many2one("currency_id", "Currency", "res.currency"))
        .field(Field::integer("phone_code", "Country Calling Code"))
        .field(
            Field::char("vat_label", "Vat Label")
                .help("Use this field if you want to change vat label."),
        )
        .field(Field::one2many(
            "state_ids",
            "States",
            "res.country.state",
            "country_id",
        ))
        .sql_unique(
            "name_uniq",
            &["name"],
            "The name of the country must be unique!",
        )
        .sql_unique(
            "code_uniq",
            &["code"],
            "The code of the country must be unique!",
        )
        .access(None, "r")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
