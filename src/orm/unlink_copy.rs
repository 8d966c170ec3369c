//! `unlink` and `copy`.

use futures::future::BoxFuture;
use models::{Field, FieldType};
use sea_orm::sea_query::Query;
use serde_json::{json, Map, Value};

use super::env::{ids_of, Env, Operation};
use crate::errors::OdooResult;
use crate::orm::Ident;

impl<'a> Env<'a> {
    // ------------------------------------------------------------------ unlink

    /// Deletes `ids`. Where a record rule applies to the caller, Odoo reads each record
    /// to check it against the rule, so an id that does not exist is a `MissingError`;
    /// elsewhere (the superuser, models without rules) such ids are ignored.
    pub fn unlink<'b>(&'b self, model: &'b str, ids: &'b [i64]) -> BoxFuture<'b, OdooResult<()>> {
        Box::pin(async move {
            let m = self.model(model)?;
            self.check_access(m, Operation::Unlink)?;
            let ids = if self.has_rule(m) {
                self.ensure_all_exist(m, ids, Operation::Unlink).await?;
                ids.to_vec()
            } else {
                self.visible_or_forbidden(m, ids, Operation::Unlink).await?
            };
            if ids.is_empty() {
                return Ok(());
            }
            m.behaviour.before_unlink(self, &ids).await?;
            let q = Query::delete()
                .from_table(Ident::new(m.table.clone()))
                .and_where(self.id_in("id", &ids))
                .to_owned();
            self.execute(self.build(&q)).await?;
            Ok(())
        })
    }

    // ------------------------------------------------------------------ copy

    /// Odoo 18's `copy`: one new record per id, in order, from `copy_data` (every
    /// stored field declared `copy`, the caller's `default` winning, then the model's
    /// own `copy_data`), created with the caller's rights. Returns the new ids.
    pub async fn copy(
        &self,
        model: &str,
        ids: &[i64],
        default: Map<String, Value>,
    ) -> OdooResult<Vec<i64>> {
        let m = self.model(model)?;
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let reader = self.with_context("active_test", Value::Bool(false));
        reader.check_access(m, Operation::Read)?;
        reader.ensure_all_exist(m, ids, Operation::Read).await?;
        let fields: Vec<&'static Field> = m
            .fields
            .iter()
            .filter(|f| {
                f.copy
                    && !f.computed
                    && f.related.is_none()
                    && !f.write_only
                    && f.name != "id"
                    && !matches!(f.ty, FieldType::One2many { .. })
                    && (f.store || f.ty.is_x2many())
                    && !default.contains_key(f.name)
            })
            .collect();
        let raw = reader.raw_values(m, ids, &fields).await?;
        let mut vals_list = Vec::with_capacity(ids.len());
        for id in ids {
            let mut vals = Map::new();
            if let Some(r) = raw.get(id) {
                for f in &fields {
                    let v = r.get(f.name).cloned().unwrap_or(Value::Null);
                    let v = if f.ty.is_x2many() {
                        json!([[6, 0, ids_of(&v)]])
                    } else if v.is_null() {
                        Value::Bool(false)
                    } else {
                        v
                    };
                    vals.insert(f.name.to_string(), v);
                }
            }
            for (k, v) in &default {
                vals.insert(k.clone(), v.clone());
            }
            vals_list.push(vals);
        }
        m.behaviour
            .copy_data(self, ids, &default, &mut vals_list)
            .await?;
        self.create(model, vals_list).await
    }
}
