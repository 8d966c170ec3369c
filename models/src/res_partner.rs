//! `res.partner`: contacts; every user and company has one.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("res.partner", "Contact")
        .order("name, id desc")
        .check_company()
        .company_rule(CompanyRule::SharedOrParentOf)
        .field(Field::char("name", "Name").index())
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .field(Field::boolean("is_company", "Is a Company").default(DefaultValue::Bool(false)))
        .field(Field::many2one("parent_id", "Related Company", "res.partner").index())
        .field(Field::one2many(
            "child_ids",
            "Contact",
            "res.partner",
            "parent_id",
        ))
        .field(Field::many2one("company_id", "Company", "res.company").index())
        .field(Field::char("email", "Email"))
        .field(Field::char("phone", "Phone"))
        .field(Field::char("street", "Street"))
        .field(Field::char("city", "City"))
        .field(Field::char("zip", "Zip"))
        .field(Field::many2one("country_id", "Country", "res.country").ondelete(OnDelete::Restrict))
        .field(Field::char("lang", "Language"))
        .access(Some("base.group_user"), "rwc")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
