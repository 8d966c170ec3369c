//! The generic ORM engine: one implementation of Odoo's record behaviour serving
//! every declared model. It receives parsed domains and values, never raw requests.

pub mod domain;
pub mod engine;
pub mod registry;
pub mod values;

pub use engine::{Env, UserInfo};
