//! `res.country.state`: states and provinces, addressed by country and code. The POS
//! loads them all to fill customer addresses.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("res.country.state", "Country state")
        .order("code")
        .field(
            Field::many2one("country_id", "Country", "res.country")
                .required()
                .index(),
        )
        .field(
            Field::char("name", "State Name").required().help(
                "Administrative divisions of a country. E.g. Fed. State, Departement, Canton",
            ),
        )
        .field(
            Field::char("code", "State Code")
                .required()
                .help("The state code."),
        )
        .sql_unique(
            "name_code_uniq",
            &["country_id", "code"],
            "The code of the state must be unique by country!",
        )
        .access(Some("base.group_public"), "r")
        .access(Some("base.group_portal"), "r")
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_partner_manager"), "rwcu")
        .with_magic_fields()
}
