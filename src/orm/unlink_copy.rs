//! `unlink` and `copy`.

use futures::future::BoxFuture;
use models::{Field, FieldType};
use sea_orm::sea_query::{Alias, Expr, Query};
use serde_json::{json, Map, Value};

use super::env::{ids_of, Env, Operation, COPY_CONTEXT_KEY};
use crate::errors::OdooResult;

impl<'a> Env<'a> {
    // ------------------------------------------------------------------ unlink

    pub fn unlink<'b>(&'b self, model: &'b str, ids: &'b [i64]) -> BoxFuture<'b, OdooResult<()>> {
        Box::pin(async move {
            let m = self.model(model)?;
            self.check_access(m, Operation::Unlink)?;
            let ids = self.visible_or_forbidden(m, ids, Operation::Unlink).await?;
            if ids.is_empty() {
                return Ok(());
            }
            m.behaviour.before_unlink(self, &ids).await?;
            let q = Query::delete()
                .from_table(Alias::new(m.table.as_str()))
                .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()))
                .to_owned();
            self.execute(self.build(&q)).await?;
            Ok(())
        })
    }

    // ------------------------------------------------------------------ copy

    pub async fn copy(&self, model: &str, id: i64, default: Map<String, Value>) -> OdooResult<i64> {
        let m = self.model(model)?;
        self.check_access(m, Operation::Read)?;
        self.ensure_all_exist(m, &[id], Operation::Read).await?;
        let fields: Vec<&'static Field> = m
            .fields
            .iter()
            .filter(|f| {
                f.copy
                    && !f.computed
                    && f.related.is_none()
                    && !f.write_only
                    && f.name != "id"
                    && (f.store || f.ty.is_x2many())
            })
            .collect();
        let raw = self.raw_values(m, &[id], &fields).await?;
        let mut vals = Map::new();
        if let Some(r) = raw.get(&id) {
            for f in &fields {
                if matches!(f.ty, FieldType::One2many { .. }) {
                    continue;
                }
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
        if let (Some(Value::String(name)), false) = (
            vals.get(m.rec_name).cloned(),
            default.contains_key(m.rec_name),
        ) {
            if m.behaviour.copy_renames() {
                vals.insert("name".into(), json!(format!("{name} (copy)")));
            }
        }
        for (k, v) in default {
            vals.insert(k, v);
        }
        // Constraints that stand in for Odoo's form-view `required` attributes do not apply
        // to a copy: Odoo's `copy()` creates it without going through the form.
        let env = self.with_context(COPY_CONTEXT_KEY, Value::Bool(true));
        Ok(env.create(model, vec![vals]).await?[0])
    }
}
