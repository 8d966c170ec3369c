//! `res.currency`: ISO currencies with the rounding that decides their minor unit.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("res.currency", "Currency")
        .order("active desc, name")
        .field(Field::char("name", "Currency").size(3).required().help("Currency Code (ISO 4217)"))
        .field(Field::char("full_name", "Name"))
        .field(Field::char("symbol", "Symbol").required().help("Currency sign, to be used when printing amounts."))
        .field(
            Field::float("rounding", "Rounding Factor")
                .default(DefaultValue::Number("0.01"))
                .help("Amounts in this currency are rounded off to the nearest multiple of the rounding factor."),
        )
        .field(
            Field::integer("decimal_places", "Decimal Places")
                .computed(true)
                .help("Decimal places taken into account for operations on amounts in this currency. It is determined by the rounding factor."),
        )
        .field(Field::boolean("active", "Active").default(DefaultValue::Bool(true)))
        .field(
            Field::selection("position", "Symbol Position", &[("after", "After Amount"), ("before", "Before Amount")])
                .default(DefaultValue::Str("after"))
                .help("Determines where the currency symbol should be placed after or before the amount."),
        )
        .field(Field::integer("iso_numeric", "Currency numeric code").help("Currency Numeric Code (ISO 4217)."))
        // Odoo: computed (the rate at the context's date and company), not stored.
        .field(Field::float("rate", "Current Rate").not_stored().help("The rate of the currency to the currency of rate 1."))
        .field(Field::char("currency_unit_label", "Currency Unit"))
        .field(Field::char("currency_subunit_label", "Currency Subunit"))
        .sql_unique("unique_name", &["name"], "The currency code must be unique!")
        .access(None, "r")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
