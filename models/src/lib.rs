//! Odoo model declarations, one file per model, read like Odoo's Python models:
//! name and metadata, fields, constraints, then the RPC methods the model adds. The
//! server's ORM engine executes these declarations; models declare, the engine runs.

pub mod field;
pub mod model;

pub mod account_account;
pub mod account_journal;
pub mod ir_model;
pub mod payment_provider;
pub mod pos_config;
pub mod pos_payment_method;
pub mod pos_session;
pub mod res_company;
pub mod res_config_settings;
pub mod res_country;
pub mod res_currency;
pub mod res_groups;
pub mod res_partner;
pub mod res_users;

pub use field::{DefaultValue, Field, FieldType, OnDelete};
pub use model::{access, Access, Constraint, Model};

/// What each model file imports.
pub mod prelude {
    pub use crate::field::{DefaultValue, Field, FieldType, OnDelete};
    pub use crate::model::{Constraint, Model};
}

/// Every model the server knows, in dependency order (a model's many2one targets
/// come before it where possible, which the migration relies on for readability only).
pub fn all() -> Vec<Model> {
    vec![
        res_currency::model(),
        res_country::model(),
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
        account_account::model(),
        account_journal::model(),
        payment_provider::model(),
        pos_payment_method::model(),
        pos_config::model(),
        pos_session::model(),
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
}
