//! Odoo model declarations, one file per model, read like Odoo's Python models:
//! name and metadata, fields, constraints, then the RPC methods the model adds. The
//! server's ORM engine executes these declarations; models declare, the engine runs.

pub mod field;
pub mod model;

pub mod account_account;
pub mod account_cash_rounding;
pub mod account_fiscal_position;
pub mod account_fiscal_position_tax;
pub mod account_journal;
pub mod account_move;
pub mod account_payment;
pub mod account_tax;
pub mod account_tax_group;
pub mod barcode_nomenclature;
pub mod barcode_rule;
pub mod decimal_precision;
pub mod ir_model;
pub mod ir_module_module;
pub mod ir_sequence;
pub mod ir_ui_view;
pub mod mail_followers;
pub mod mail_message;
pub mod payment_provider;
pub mod pos_bill;
pub mod pos_category;
pub mod pos_config;
pub mod pos_note;
pub mod pos_order;
pub mod pos_order_line;
pub mod pos_pack_operation_lot;
pub mod pos_payment;
pub mod pos_payment_method;
pub mod pos_printer;
pub mod pos_session;
pub mod procurement_group;
pub mod product_attribute;
pub mod product_attribute_custom_value;
pub mod product_attribute_value;
pub mod product_category;
pub mod product_combo;
pub mod product_combo_item;
pub mod product_packaging;
pub mod product_pricelist;
pub mod product_pricelist_item;
pub mod product_product;
pub mod product_tag;
pub mod product_template;
pub mod product_template_attribute_line;
pub mod product_template_attribute_value;
pub mod res_company;
pub mod res_config_settings;
pub mod res_country;
pub mod res_country_state;
pub mod res_currency;
pub mod res_groups;
pub mod res_lang;
pub mod res_partner;
pub mod res_users;
pub mod stock_picking;
pub mod stock_picking_type;
pub mod stock_route;
pub mod stock_warehouse;
pub mod uom_category;
pub mod uom_uom;

pub use field::{DefaultValue, Field, FieldType, OnDelete};
pub use model::{access, Access, CompanyRule, Constraint, Model};

/// What each model file imports.
pub mod prelude {
    pub use crate::field::{DefaultValue, Field, FieldType, OnDelete};
    pub use crate::model::{CompanyRule, Constraint, Model};
}

/// Every model the server knows, in dependency order (a model's many2one targets
/// come before it where possible, which the migration relies on for readability only).
pub fn all() -> Vec<Model> {
    vec![
        res_currency::model(),
        res_country::model(),
        res_country_state::model(),
        res_lang::model(),
        res_partner::model(),
        res_company::model(),
        res_groups::model(),
        res_users::model(),
        ir_model::ir_model(),
        ir_model::ir_model_fields(),
        ir_model::ir_model_data(),
        ir_model::ir_model_access(),
        ir_model::res_users_apikeys(),
        ir_model::ir_config_parameter(),
        ir_sequence::model(),
        ir_ui_view::model(),
        ir_module_module::model(),
        decimal_precision::model(),
        mail_message::model(),
        mail_followers::model(),
        uom_category::model(),
        uom_uom::model(),
        barcode_nomenclature::model(),
        barcode_rule::model(),
        account_account::model(),
        account_journal::model(),
        account_tax_group::model(),
        account_tax::model(),
        account_cash_rounding::model(),
        account_fiscal_position::model(),
        account_fiscal_position_tax::model(),
        account_move::model(),
        payment_provider::model(),
        product_category::model(),
        product_tag::model(),
        product_attribute::model(),
        product_attribute_value::model(),
        product_combo::model(),
        product_template::model(),
        product_product::model(),
        product_combo_item::model(),
        product_template_attribute_line::model(),
        product_template_attribute_value::model(),
        product_attribute_custom_value::model(),
        product_packaging::model(),
        product_pricelist::model(),
        product_pricelist_item::model(),
        stock_warehouse::model(),
        stock_picking_type::model(),
        stock_route::model(),
        pos_category::model(),
        pos_bill::model(),
        pos_note::model(),
        pos_printer::model(),
        pos_payment_method::model(),
        pos_config::model(),
        pos_session::model(),
        pos_order::model(),
        pos_order_line::model(),
        pos_pack_operation_lot::model(),
        pos_payment::model(),
        account_payment::model(),
        stock_picking::model(),
        procurement_group::model(),
        res_config_settings::model(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relational_fields_point_at_known_models() {
        let models = all();
        let names: Vec<&str> = models.iter().map(|m| m.name).collect();
        for m in &models {
            for f in &m.fields {
                if let Some(comodel) = f.ty.comodel() {
                    assert!(
                        names.contains(&comodel),
                        "{}.{} points at unknown {}",
                        m.name,
                        f.name,
                        comodel
                    );
                }
            }
        }
    }

    #[test]
    fn many2many_relations_agree_on_both_sides() {
        let pm = pos_payment_method::model();
        let cfg = pos_config::model();
        let (
            FieldType::Many2many {
                relation: r1,
                column1: a1,
                column2: b1,
                ..
            },
            FieldType::Many2many {
                relation: r2,
                column1: a2,
                column2: b2,
                ..
            },
        ) = (
            &pm.get_field("config_ids").unwrap().ty,
            &cfg.get_field("payment_method_ids").unwrap().ty,
        )
        else {
            panic!("both sides must be many2many");
        };
        assert_eq!(r1, r2);
        assert_eq!((a1, b1), (b2, a2));
    }

    /// The engine follows a related path one hop at a time: the first name is a
    /// relational field of the model, the rest a field of its comodel.
    #[test]
    fn related_paths_resolve_in_one_hop() {
        let models = all();
        let find = |name: &str| models.iter().find(|m| m.name == name);
        for m in &models {
            for f in m.fields.iter().filter(|f| f.related.is_some()) {
                let path = f.related.unwrap();
                let (first, rest) = path.split_once('.').expect("dotted path");
                let link = m
                    .get_field(first)
                    .unwrap_or_else(|| panic!("{}.{}: no field {first}", m.name, f.name));
                let comodel = link
                    .ty
                    .comodel()
                    .unwrap_or_else(|| panic!("{}.{}: {first} is not relational", m.name, f.name));
                let target = find(comodel)
                    .and_then(|co| co.get_field(rest))
                    .unwrap_or_else(|| panic!("{}.{}: {comodel} has no {rest}", m.name, f.name));
                assert_eq!(
                    target.ty.odoo_name(),
                    f.ty.odoo_name(),
                    "{}.{} mirrors {comodel}.{rest}",
                    m.name,
                    f.name
                );
                assert!(
                    !f.store,
                    "{}.{}: related fields are not stored",
                    m.name, f.name
                );
            }
        }
    }

    /// Default orders name stored columns only (the engine sorts in SQL).
    #[test]
    fn default_orders_name_stored_columns() {
        for m in all() {
            for part in m.order.split(',') {
                let name = part.split_whitespace().next().expect("a field name");
                let f = m
                    .get_field(name)
                    .unwrap_or_else(|| panic!("{}: order names unknown {name}", m.name));
                assert!(
                    f.has_column() || name == "id",
                    "{}: order names {name}, which has no column",
                    m.name
                );
            }
        }
    }

    /// Selection defaults are values of the selection; monetary fields name an existing
    /// currency field.
    #[test]
    fn defaults_and_currency_fields_are_consistent() {
        for m in all() {
            for f in &m.fields {
                if let (FieldType::Selection(values), DefaultValue::Str(d)) = (&f.ty, &f.default) {
                    assert!(
                        values.iter().any(|(k, _)| k == d),
                        "{}.{}: default {d} is not a value",
                        m.name,
                        f.name
                    );
                }
                if let FieldType::Monetary { currency_field } = f.ty {
                    let c = m.get_field(currency_field).unwrap_or_else(|| {
                        panic!("{}.{}: no currency field {currency_field}", m.name, f.name)
                    });
                    assert_eq!(
                        c.ty.comodel(),
                        Some("res.currency"),
                        "{}.{}",
                        m.name,
                        f.name
                    );
                }
            }
        }
    }

    #[test]
    fn model_names_and_tables_are_unique() {
        let models = all();
        let mut names: Vec<&str> = models.iter().map(|m| m.name).collect();
        let mut tables: Vec<&str> = models.iter().map(|m| m.table.as_str()).collect();
        names.sort_unstable();
        tables.sort_unstable();
        let n = names.len();
        names.dedup();
        tables.dedup();
        assert_eq!(names.len(), n, "a model is declared twice");
        assert_eq!(tables.len(), n, "two models share a table");
        for m in &models {
            let mut fields: Vec<&str> = m.fields.iter().map(|f| f.name).collect();
            let k = fields.len();
            fields.sort_unstable();
            fields.dedup();
            assert_eq!(fields.len(), k, "{} declares a field twice", m.name);
        }
    }

    /// A many2many without a relation table has nothing to read from unless it mirrors
    /// another field (related) or is computed.
    #[test]
    fn tableless_many2many_fields_are_related_or_computed() {
        for m in all() {
            for f in &m.fields {
                if let FieldType::Many2many { relation, .. } = &f.ty {
                    assert!(
                        !relation.is_empty() || f.related.is_some() || f.computed,
                        "{}.{}: a many2many needs a table, a related path or a compute",
                        m.name,
                        f.name
                    );
                }
            }
        }
    }
}
