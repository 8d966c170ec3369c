//! Database migrations (sea-orm-migration), run on SQLite and PostgreSQL alike.
//!
//! The first migration creates the schema of every declared model: one table per
//! model, one relation table per many2many, foreign keys with the declared `ondelete`
//! policy, indexes and the `_sql_constraints` unique indexes, plus the server's own
//! tables (HTTP sessions). Later schema changes get migrations of their own: the second
//! adds cache signalling (a counter raised by triggers; see its module), the third
//! raises it on changes to what a Stripe payment reads first.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_create_schema;
mod m20261130_000001_cache_signaling;
mod m20261130_000002_payment_settings_signal;
pub mod schema;

pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_schema::Migration),
            Box::new(m20261130_000001_cache_signaling::Migration),
            Box::new(m20261130_000002_payment_settings_signal::Migration),
        ]
    }
}
