//! Hierarchies through a many2one to the model itself (`parent_id`): Odoo's
//! `_has_cycle`, which the models' constraints use to refuse a record that would be
//! its own ancestor.

use models::FieldType;
use sea_orm::{DbBackend, Statement};

use super::env::Env;
use super::registry::ModelDef;
use crate::errors::{OdooError, OdooResult};

impl<'a> Env<'a> {
    /// Whether any of `ids` reaches itself by following `field` (Odoo's
    /// `_has_cycle`: a record its own parent included). Reads the table as it is,
    /// whatever the rules, the companies or the active flag, in one recursive query:
    /// no recursion here, and a cycle elsewhere in the table cannot loop it (UNION
    /// keeps each (start, ancestor) pair once).
    pub async fn has_cycle(
        &self,
        model: &'static ModelDef,
        ids: &[i64],
        field: &str,
    ) -> OdooResult<bool> {
        let parent = model
            .get_field(field)
            .filter(|f| f.store && matches!(&f.ty, FieldType::Many2one { comodel, .. } if *comodel == model.name))
            .ok_or_else(|| {
                OdooError::ValueError(format!(
                    "Field {}.{} is not a stored many2one to its own model",
                    model.name, field
                ))
            })?;
        if ids.is_empty() {
            return Ok(false);
        }
        // Identifiers come from the declarations, never from the client; the ids are
        // one bound JSON parameter.
        let (table, column) = (model.table.as_str(), parent.name);
        let start = match self.backend {
            DbBackend::Postgres => {
                "SELECT CAST(jsonb_array_elements_text(CAST($1 AS jsonb)) AS bigint)"
            }
            _ => "SELECT value FROM json_each(?)",
        };
        let sql = format!(
            "WITH RECURSIVE reach(start, node) AS (\
               SELECT t.\"id\", t.\"{column}\" FROM \"{table}\" t \
                WHERE t.\"id\" IN ({start}) AND t.\"{column}\" IS NOT NULL \
               UNION \
               SELECT reach.start, t.\"{column}\" FROM reach JOIN \"{table}\" t ON t.\"id\" = reach.node \
                WHERE t.\"{column}\" IS NOT NULL) \
             SELECT 1 AS found FROM reach WHERE reach.start = reach.node LIMIT 1"
        );
        let ids = serde_json::to_string(ids).map_err(OdooError::internal)?;
        let stmt = Statement::from_sql_and_values(self.backend, sql, [sea_orm::Value::from(ids)]);
        Ok(!self.query_all(stmt).await?.is_empty())
    }
}
