//! `ir.sequence`: numbering sequences. Each POS config owns one for its order names
//! ("<POS>/0001") and one for its order lines; sessions use the global `pos.session`
//! sequence ("POS/00001").
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("ir.sequence", "Sequence")
        .order("name")
        .check_company()
        .company_rule(CompanyRule::SharedOrParentOf)
        .field(Field::char("name", "Name").required())
        .field(Field::char("code", "Sequence Code"))
        .field(
            Field::selection(
                "implementation",
                "Implementation",
                &[("standard", "Standard"), ("no_gap", "No gap")],
            )
            .required()
            .default(DefaultValue::Str("standard")),
        )
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .field(Field::char("prefix", "Prefix").help("Prefix value of the record for the sequence"))
        .field(Field::char("suffix", "Suffix").help("Suffix value of the record for the sequence"))
        .field(
            Field::integer("number_next", "Next Number")
                .required()
                .default(DefaultValue::Int(1))
                .help("Next number of this sequence"),
        )
        .field(
            Field::integer("number_increment", "Step")
                .required()
                .default(DefaultValue::Int(1))
                .help("The next number of the sequence will be incremented by this number"),
        )
        .field(
            Field::integer("padding", "Sequence Size")
                .required()
                .default(DefaultValue::Int(0))
                .help("Odoo will automatically adds some '0' on the left of the 'Next Number' to get the required padding size."),
        )
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .default(DefaultValue::CurrentCompany),
        )
        .field(Field::boolean("use_date_range", "Use subsequences per date_range"))
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
