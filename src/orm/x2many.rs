//! x2many commands (Odoo's `Command`: create, update, delete, unlink, link, clear,
//! set) applied to one record's one2many or many2many field.

use futures::future::BoxFuture;
use models::{Field, FieldType};
use sea_orm::sea_query::{Alias, Expr, Query};
use serde_json::{json, Map, Value};

use super::domain::{Domain, Op};
use super::env::{ids_of, Env, Operation};
use super::registry::ModelDef;
use super::values;
use crate::errors::{OdooError, OdooResult};

impl<'a> Env<'a> {
    /// Applies x2many commands (or a plain id list, or `false`) to one record.
    pub(super) fn apply_x2many<'b>(
        &'b self,
        m: &'static ModelDef,
        f: &'static Field,
        id: i64,
        v: &'b Value,
    ) -> BoxFuture<'b, OdooResult<()>> {
        Box::pin(async move {
            let comodel =
                f.ty.comodel()
                    .ok_or_else(|| OdooError::internal("x2many comodel"))?;
            let commands: Vec<Value> = match v {
                Value::Null | Value::Bool(false) => vec![json!([5, 0, 0])],
                Value::Array(items) if items.iter().all(|i| i.is_i64()) => {
                    vec![json!([6, 0, items])]
                }
                Value::Array(items) => items.clone(),
                _ => {
                    return Err(OdooError::ValueError(format!(
                        "Wrong value for {}.{}: {}",
                        m.name,
                        f.name,
                        values::python_repr(v)
                    )))
                }
            };
            for cmd in commands {
                let bad = || {
                    OdooError::ValueError(format!(
                        "Wrong value for {}.{}: {}",
                        m.name,
                        f.name,
                        values::python_repr(&cmd)
                    ))
                };
                let parts = cmd.as_array().ok_or_else(bad)?;
                let code = parts.first().and_then(Value::as_i64).ok_or_else(bad)?;
                let arg_id = parts.get(1).and_then(Value::as_i64).unwrap_or(0);
                match code {
                    0 => {
                        let mut vals = parts
                            .get(2)
                            .and_then(Value::as_object)
                            .cloned()
                            .ok_or_else(bad)?;
                        if let FieldType::One2many { inverse, .. } = &f.ty {
                            vals.insert(inverse.to_string(), json!(id));
                        }
                        let new_ids = self.create(comodel, vec![vals]).await?;
                        if matches!(f.ty, FieldType::Many2many { .. }) {
                            self.link(f, id, &new_ids).await?;
                        }
                    }
                    1 => {
                        let vals = parts
                            .get(2)
                            .and_then(Value::as_object)
                            .cloned()
                            .ok_or_else(bad)?;
                        self.write(comodel, &[arg_id], vals).await?;
                    }
                    2 => {
                        self.unlink(comodel, &[arg_id]).await?;
                    }
                    3 => self.unlink_relation(f, id, Some(&[arg_id])).await?,
                    4 => self.link(f, id, &[arg_id]).await?,
                    5 => self.unlink_relation(f, id, None).await?,
                    6 => {
                        let wanted = parts.get(2).map(ids_of).ok_or_else(bad)?;
                        self.unlink_relation(f, id, None).await?;
                        self.link(f, id, &wanted).await?;
                    }
                    _ => return Err(bad()),
                }
            }
            Ok(())
        })
    }

    async fn link(&self, f: &Field, id: i64, targets: &[i64]) -> OdooResult<()> {
        match &f.ty {
            FieldType::Many2many {
                relation,
                column1,
                column2,
                comodel,
            } => {
                let co = self.model(comodel)?;
                self.ensure_all_exist(co, targets, Operation::Read).await?;
                for t in targets {
                    let exists = Query::select()
                        .column(Alias::new(*column1))
                        .from(Alias::new(*relation))
                        .and_where(Expr::col(Alias::new(*column1)).eq(id))
                        .and_where(Expr::col(Alias::new(*column2)).eq(*t))
                        .to_owned();
                    if self.query_all(self.build(&exists)).await?.is_empty() {
                        let ins = Query::insert()
                            .into_table(Alias::new(*relation))
                            .columns([Alias::new(*column1), Alias::new(*column2)])
                            .values_panic([id.into(), (*t).into()])
                            .to_owned();
                        self.execute(self.build(&ins)).await?;
                    }
                }
                Ok(())
            }
            FieldType::One2many { comodel, inverse } => {
                let mut vals = Map::new();
                vals.insert(inverse.to_string(), json!(id));
                self.write(comodel, targets, vals).await
            }
            _ => Err(OdooError::internal("link on a non-x2many field")),
        }
    }

    async fn unlink_relation(&self, f: &Field, id: i64, only: Option<&[i64]>) -> OdooResult<()> {
        match &f.ty {
            FieldType::Many2many {
                relation,
                column1,
                column2,
                ..
            } => {
                let mut q = Query::delete();
                q.from_table(Alias::new(*relation))
                    .and_where(Expr::col(Alias::new(*column1)).eq(id));
                if let Some(ids) = only {
                    q.and_where(Expr::col(Alias::new(*column2)).is_in(ids.iter().copied()));
                }
                self.execute(self.build(&q)).await?;
                Ok(())
            }
            FieldType::One2many { comodel, inverse } => {
                let co = self.model(comodel)?;
                let mut d = Domain::leaf(inverse, Op::Eq, json!(id));
                if let Some(ids) = only {
                    d = d.and(Domain::leaf("id", Op::In, json!(ids)));
                }
                let ids = self
                    .with_context("active_test", json!(false))
                    .search(comodel, d, 0, None, None)
                    .await?;
                let inv = co
                    .get_field(inverse)
                    .ok_or_else(|| OdooError::internal("inverse"))?;
                if inv.required {
                    self.unlink(comodel, &ids).await
                } else {
                    let mut vals = Map::new();
                    vals.insert(inverse.to_string(), Value::Bool(false));
                    self.write(comodel, &ids, vals).await
                }
            }
            _ => Err(OdooError::internal("unlink on a non-x2many field")),
        }
    }
}
