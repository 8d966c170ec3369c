//! The generic ORM engine: one implementation of Odoo's record behaviour serving
//! every declared model. It receives parsed domains and values, never raw requests,
//! and knows the models' behaviour only through the contract in [`behaviour`].
//!
//! `Env` is split by concern: [`env`] (the environment itself), `access` (rights,
//! field groups, record rules), `search`, `read`, `write` (create and write),
//! `x2many` (relation commands), `unlink_copy` and `schema` (`default_get`,
//! `fields_get`).

pub mod behaviour;
pub mod domain;
pub mod env;
pub mod registry;
pub mod values;

mod access;
mod hierarchy;
mod ident;
mod read;
mod schema;
mod search;
mod statements;
mod unlink_copy;
mod write;
pub mod x2many;

pub use access::{group_display_name, group_name};
pub use env::{empty_context, row_id, Context, Env, Operation, Rider, UserInfo, SUPERUSER_ID};
pub use ident::Ident;
pub use registry::{ModelDef, Registry};
