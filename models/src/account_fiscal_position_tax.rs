//! `account.fiscal.position.tax`: one source-to-destination tax mapping of a fiscal
//! position.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new(
        "account.fiscal.position.tax",
        "Tax Mapping of Fiscal Position",
    )
    .order("id")
    .rec_name("position_id")
    .check_company()
    .company_rule(CompanyRule::SharedOrParentOf)
    .field(
        Field::many2one("position_id", "Fiscal Position", "account.fiscal.position")
            .required()
            .index()
            .ondelete(OnDelete::Cascade),
    )
    // Odoo: related position_id.company_id, stored.
    .field(Field::many2one("company_id", "Company", "res.company").odoo_related())
    .field(
        Field::many2one("tax_src_id", "Tax on Product", "account.tax")
            .required()
            .index(),
    )
    .field(Field::many2one(
        "tax_dest_id",
        "Tax to Apply",
        "account.tax",
    ))
    .field(
        Field::boolean("tax_dest_active", "Tax Dest Active")
            .related("tax_dest_id.active")
            .readonly(),
    )
    .sql_unique(
        "tax_src_dest_uniq",
        &["position_id", "tax_src_id", "tax_dest_id"],
        "A tax fiscal position could be defined only one time on same taxes.",
    )
    .access(Some("account.group_account_manager"), "rwcu")
    .access(Some("base.group_user"), "r")
    .with_magic_fields()
}
