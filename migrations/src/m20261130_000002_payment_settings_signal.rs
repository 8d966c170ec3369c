//! What a Stripe payment reads before it calls Stripe (the payment method's journal and
//! company, their currency and its rounding, the company's country, the company's
//! Stripe provider and its key) is cached between calls; a change to any of these
//! tables raises the cache signal of `m20261130_000001_cache_signaling`, so every
//! server process drops what it cached on its next call.

use sea_orm_migration::async_trait;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::schema::CACHE_SIGNALING_TABLE;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000002_payment_settings_signal"
    }
}

const WATCHED: [&str; 6] = [
    "pos_payment_method",
    "account_journal",
    "res_company",
    "res_currency",
    "res_country",
    "payment_provider",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let bump = format!("UPDATE {CACHE_SIGNALING_TABLE} SET value = value + 1 WHERE id = 1");
        for table in WATCHED {
            if db.get_database_backend() == DbBackend::Postgres {
                // The function comes with the first signalling migration.
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_signal_cache AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE \
                     ON {table} FOR EACH STATEMENT EXECUTE FUNCTION ops_signal_cache()"
                ))
                .await?;
            } else {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    let lower = event.to_lowercase();
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_signal_cache_{lower} AFTER {event} ON {table} \
                         BEGIN {bump}; END"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in WATCHED {
            if db.get_database_backend() == DbBackend::Postgres {
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS {table}_signal_cache ON {table}"
                ))
                .await?;
            } else {
                for event in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {table}_signal_cache_{event}"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }
}
