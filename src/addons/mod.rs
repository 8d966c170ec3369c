//! Model behaviour the declarations cannot express, one file (or folder) per Odoo
//! class, as in Odoo's addons: computes, constraint checks, defaults, create/write
//! overrides and business methods. Each implements the ORM's
//! [`Behaviour`](crate::orm::behaviour::Behaviour) contract and is registered once in
//! [`behaviours`]; the ORM never imports this module.
//!
//! Adding a model: its declaration in `models/` (+ a line in `models::all()`), and,
//! when it has behaviour, a file here and a line in [`behaviours`].

use std::sync::LazyLock;

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::Behaviour;
use crate::orm::values::python_tuple;
use crate::orm::{Env, Registry};
use crate::services::Services;

pub mod account_account;
pub mod account_journal;
pub mod account_tax;
pub mod ir_config_parameter;
pub mod ir_model_access;
pub mod ir_model_data;
pub mod payment_provider;
pub mod pos_bus;
pub mod pos_config;
pub mod pos_order;
pub mod pos_order_line;
pub mod pos_payment;
pub mod pos_payment_method;
pub mod pos_session;
pub mod res_company;
pub mod res_config_settings;
pub mod res_currency;
pub mod res_partner;
pub mod res_users;
pub mod stripe_call;

/// Every model behaviour, one line each.
pub fn behaviours() -> Vec<&'static dyn Behaviour> {
    vec![
        &res_currency::ResCurrency,
        &res_partner::ResPartner,
        &res_company::ResCompany,
        &res_users::ResUsers,
        &ir_model_data::IrModelData,
        &ir_model_access::IrModelAccess,
        &account_account::AccountAccount,
        &account_journal::AccountJournal,
        &payment_provider::PaymentProvider,
        &pos_payment_method::PosPaymentMethod,
        &pos_config::PosConfig,
        &pos_session::PosSession,
        &pos_order::PosOrder,
        &pos_order_line::PosOrderLine,
        &pos_payment::PosPayment,
        &res_config_settings::ResConfigSettings,
    ]
}

/// The process-wide registry: the declarations with their behaviour, built once.
pub fn registry() -> &'static Registry {
    static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
        Registry::build(models::all(), behaviours())
            .unwrap_or_else(|problem| panic!("the model registry does not build: {problem}"))
    });
    &REGISTRY
}

/// The server's services, as the RPC layer put them in the environment.
pub fn services<'a>(env: &Env<'a>) -> OdooResult<&'a Services> {
    env.host::<Services>()
}

/// Odoo's `MissingError` for records that do not exist.
pub fn missing_error(env: &Env<'_>, model: &str, ids: &[i64]) -> OdooError {
    OdooError::MissingError(format!(
        "Record does not exist or has been deleted.\n(Record: {model}{}, User: {})",
        python_tuple(ids),
        env.uid()
    ))
}

/// Odoo's "Expected singleton" error for a record method given several (or no) ids.
pub fn single_id(model: &str, ids: &[i64]) -> OdooResult<i64> {
    match ids {
        [id] => Ok(*id),
        _ => Err(OdooError::ValueError(format!(
            "Expected singleton: {model}{}",
            python_tuple(ids)
        ))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_behaviour_matches_its_declaration() {
        let registry = super::registry();
        assert!(registry.get("pos.payment.method").is_some());
        assert!(registry
            .get("pos.payment.method")
            .and_then(|m| m.method("stripe_payment_intent"))
            .is_some());
    }
}
