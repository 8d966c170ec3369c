//! Creates every table, index and constraint of the first release.
use sea_orm_migration::async_trait;
use sea_orm_migration::prelude::*;

use crate::schema;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let models = models::all();
        for statement in schema::create_statements(&models, backend) {
            manager
                .get_connection()
                .execute_unprepared(&statement)
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let models = models::all();
        for statement in schema::drop_statements(&models, backend) {
            manager
                .get_connection()
                .execute_unprepared(&statement)
                .await?;
        }
        Ok(())
    }
}
