//! `account.fiscal.position`: tax mappings (e.g. take-away vs. eat-in); the POS loads
//! the config's positions with their `tax_map`.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("account.fiscal.position", "Fiscal Position")
        .order("sequence")
        .check_company()
        .company_rule(CompanyRule::ParentOf)
        .field(Field::integer("sequence", "Sequence"))
        .field(Field::char("name", "Fiscal Position").required())
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .required()
                .readonly()
                .default(DefaultValue::CurrentCompany),
        )
        .field(Field::one2many(
            "tax_ids",
            "Tax Mapping",
            "account.fiscal.position.tax",
            "position_id",
        ))
        .field(Field::boolean("auto_apply", "Detect Automatically"))
        .field(Field::many2one("country_id", "Country", "res.country"))
        // Odoo: fields.Binary computed (JSON of source tax id -> destination tax ids).
        .field(
            Field::text("tax_map", "Tax Map")
                .odoo_type("binary")
                .not_stored(),
        )
        .access(Some("account.group_account_manager"), "rwcu")
        .access(Some("base.group_user"), "r")
        .with_magic_fields()
}
