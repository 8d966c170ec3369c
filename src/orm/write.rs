//! Writing: `create` and `write`, both through one typed split of the values into
//! columns, x2many commands and related fields, then stored computes, constraint
//! checks and the model's hooks.

use std::collections::HashSet;

use futures::future::BoxFuture;
use models::{Field, Model};
use sea_orm::sea_query::{Expr, Query};
use serde_json::{Map, Value};

use super::env::{invalid_field, row_id, Env, Operation};
use super::registry::ModelDef;
use super::values;
use crate::errors::{OdooError, OdooResult};
use crate::orm::Ident;

/// Fields a client never sets: Odoo pops them from the values of `create` and
/// `write` (`_prepare_create_values`, `write`'s `bad_names`) and sets the log
/// columns itself.
const MAGIC_FIELDS: &[&str] = &[
    "id",
    "parent_path",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
];

/// Values of a create or write, sorted by where they go.
struct Split {
    /// Stored columns of the model's table, converted for the backend.
    columns: Vec<(&'static Field, sea_orm::Value)>,
    /// x2many fields: their commands, applied once the record exists.
    x2many: Vec<(&'static Field, Value)>,
    /// Related fields: written through to the related record.
    related: Vec<(&'static Field, Value)>,
}

impl<'a> Env<'a> {
    /// Sorts `vals` by destination. The id, write-only and computed fields are left out
    /// (the hooks handle write-only ones); a required column set to empty is refused.
    fn split_values(&self, m: &'static ModelDef, vals: &Map<String, Value>) -> OdooResult<Split> {
        let mut split = Split {
            columns: Vec::new(),
            x2many: Vec::new(),
            related: Vec::new(),
        };
        for (k, v) in vals {
            let f = m.get_field(k).ok_or_else(|| invalid_field(m, k))?;
            if MAGIC_FIELDS.contains(&f.name) || f.write_only || f.computed {
                continue;
            }
            if f.related.is_some() {
                split.related.push((f, v.clone()));
            } else if f.ty.is_x2many() {
                split.x2many.push((f, v.clone()));
            } else if f.has_column() {
                let column = values::to_column(m.name, f, v, self.backend)?;
                if f.required && is_null_db(&column) {
                    return Err(mandatory_error(m, f));
                }
                split.columns.push((f, column));
            }
        }
        Ok(split)
    }

    /// Refuses values for unknown fields and for fields the caller may not write.
    fn check_writable(
        &self,
        m: &'static ModelDef,
        vals: &Map<String, Value>,
        op: Operation,
    ) -> OdooResult<()> {
        let mut forbidden = Vec::new();
        for k in vals.keys() {
            let f = m.get_field(k).ok_or_else(|| invalid_field(m, k))?;
            if !self.field_allowed(f) {
                forbidden.push(f);
            }
        }
        if !forbidden.is_empty() {
            return Err(self.field_access_error(m, &forbidden, op));
        }
        Ok(())
    }

    /// x2many commands and related values of records that exist now.
    async fn apply_relations(
        &self,
        m: &'static ModelDef,
        ids: &[i64],
        split: &Split,
    ) -> OdooResult<()> {
        for id in ids {
            for (f, v) in &split.x2many {
                self.apply_x2many(m, f, *id, v).await?;
            }
        }
        for (f, v) in &split.related {
            self.write_related(m, f, ids, v).await?;
        }
        Ok(())
    }

    // ------------------------------------------------------------------ create

    pub fn create<'b>(
        &'b self,
        model: &'b str,
        vals_list: Vec<Map<String, Value>>,
    ) -> BoxFuture<'b, OdooResult<Vec<i64>>> {
        Box::pin(async move {
            let m = self.model(model)?;
            self.check_access(m, Operation::Create)?;
            let mut ids = Vec::new();
            for vals in vals_list {
                ids.push(self.create_one(m, vals).await?);
            }
            // Like Odoo's `_check_access('create')` after the insert: records the
            // rules would hide (another company's) may not be created either.
            if !self.su {
                let visible = self.existing(m, &ids).await?;
                let hidden: Vec<i64> = ids
                    .iter()
                    .copied()
                    .filter(|i| !visible.contains(i))
                    .collect();
                if !hidden.is_empty() {
                    return Err(self.record_rule_error(m, Operation::Create, &hidden).await);
                }
            }
            Ok(ids)
        })
    }

    async fn create_one(
        &self,
        m: &'static ModelDef,
        mut vals: Map<String, Value>,
    ) -> OdooResult<i64> {
        self.check_writable(m, &vals, Operation::Create)?;
        m.behaviour.prepare_create(self, &mut vals).await?;
        let missing: Vec<String> = m
            .fields
            .iter()
            .filter(|f| {
                !vals.contains_key(f.name)
                    && f.name != "id"
                    && (f.store || f.ty.is_x2many())
                    && !f.computed
            })
            .map(|f| f.name.to_string())
            .collect();
        let mut all = self.default_get(m, Some(&missing)).await?;
        for (k, v) in vals {
            all.insert(k, v);
        }
        m.behaviour.before_create(self, &mut all).await?;
        // Write-only fields (passwords) are stored by the write hooks once the id exists.
        let mut write_only = Map::new();
        for f in m.fields.iter().filter(|f| f.write_only) {
            if let Some(v) = all.remove(f.name) {
                write_only.insert(f.name.to_string(), v);
            }
        }
        let split = self.split_values(m, &all)?;
        for f in m
            .fields
            .iter()
            .filter(|f| f.required && f.has_column() && !f.computed)
        {
            if !split.columns.iter().any(|(c, _)| c.name == f.name) {
                return Err(mandatory_error(m, f));
            }
        }
        let now = values::now_column(self.backend);
        let mut q = Query::insert();
        q.into_table(Ident::new(m.table.clone()));
        let mut names = vec![];
        let mut row = vec![];
        for (f, v) in &split.columns {
            names.push(Ident::new(f.name));
            row.push(v.clone().into());
        }
        for (n, v) in [
            ("create_uid", sea_orm::Value::from(self.uid() as i32)),
            ("write_uid", sea_orm::Value::from(self.uid() as i32)),
            ("create_date", now.clone()),
            ("write_date", now),
        ] {
            names.push(Ident::new(n));
            row.push(v.into());
        }
        q.columns(names);
        q.values(row).map_err(OdooError::internal)?;
        q.returning_col(Ident::new("id"));
        let rows = self.query_all(self.build(&q)).await?;
        let id = rows
            .first()
            .map(|r| row_id(r, "id"))
            .ok_or_else(|| OdooError::internal("insert returned no id"))??;
        self.apply_relations(m, &[id], &split).await?;
        if !write_only.is_empty() {
            m.behaviour
                .before_write(self, &[id], &mut write_only)
                .await?;
        }
        self.recompute(m, &[id]).await?;
        let changed: Vec<&str> = m.fields.iter().map(|f| f.name).collect();
        self.check_constraints(m, &[id], &changed).await?;
        m.behaviour.after_create(self, id).await?;
        Ok(id)
    }

    // ------------------------------------------------------------------ write

    pub fn write<'b>(
        &'b self,
        model: &'b str,
        ids: &'b [i64],
        vals: Map<String, Value>,
    ) -> BoxFuture<'b, OdooResult<()>> {
        Box::pin(async move {
            let m = self.model(model)?;
            self.check_access(m, Operation::Write)?;
            self.ensure_all_exist(m, ids, Operation::Write).await?;
            let mut vals = vals;
            self.check_writable(m, &vals, Operation::Write)?;
            m.behaviour.before_write(self, ids, &mut vals).await?;
            if ids.is_empty() {
                return Ok(());
            }
            let split = self.split_values(m, &vals)?;
            let mut q = Query::update();
            q.table(Ident::new(m.table.clone()));
            for (f, v) in &split.columns {
                q.value(Ident::new(f.name), v.clone());
            }
            q.value(Ident::new("write_uid"), self.uid() as i32);
            q.value(Ident::new("write_date"), values::now_column(self.backend));
            q.and_where(self.id_in("id", ids));
            self.execute(self.build(&q)).await?;
            self.apply_relations(m, ids, &split).await?;
            self.recompute(m, ids).await?;
            let changed: Vec<&str> = vals.keys().map(|s| s.as_str()).collect();
            self.check_constraints(m, ids, &changed).await?;
            m.behaviour.after_write(self, ids, &vals).await?;
            Ok(())
        })
    }

    /// Writes a related field's value onto the records its path leads to.
    async fn write_related(
        &self,
        m: &'static ModelDef,
        f: &'static Field,
        ids: &[i64],
        v: &Value,
    ) -> OdooResult<()> {
        let path = f.related.ok_or_else(|| OdooError::internal("related"))?;
        let (first, rest) = path
            .split_once('.')
            .ok_or_else(|| OdooError::internal("related path"))?;
        let link = m.get_field(first).ok_or_else(|| invalid_field(m, first))?;
        let comodel = link
            .ty
            .comodel()
            .ok_or_else(|| OdooError::internal("related comodel"))?;
        let rows = self.fetch_columns(m, ids, &[link]).await?;
        let targets: Vec<i64> = rows
            .values()
            .filter_map(|r| r.get(first).and_then(Value::as_i64))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if !targets.is_empty() {
            let mut vals = Map::new();
            vals.insert(rest.to_string(), v.clone());
            self.write(comodel, &targets, vals).await?;
        }
        Ok(())
    }

    /// Stored computed fields, refreshed after every create and write of `ids`.
    async fn recompute(&self, m: &'static ModelDef, ids: &[i64]) -> OdooResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        for f in m.fields.iter().filter(|f| f.computed && f.store) {
            for (id, v) in self.compute_field(m, f, ids).await? {
                let column = values::to_column(m.name, f, &v, self.backend)?;
                let q = Query::update()
                    .table(Ident::new(m.table.clone()))
                    .value(Ident::new(f.name), column)
                    .and_where(Expr::col(Ident::new("id")).eq(id))
                    .to_owned();
                self.execute(self.build(&q)).await?;
            }
        }
        Ok(())
    }

    /// Runs the model's checks whose fields are among `changed`.
    async fn check_constraints(
        &self,
        m: &'static ModelDef,
        ids: &[i64],
        changed: &[&str],
    ) -> OdooResult<()> {
        for check in m.checks() {
            if check.fields.iter().any(|f| changed.contains(f)) {
                (check.run)(self, ids).await?;
            }
        }
        Ok(())
    }
}

fn is_null_db(v: &sea_orm::Value) -> bool {
    matches!(
        v,
        sea_orm::Value::String(None)
            | sea_orm::Value::Int(None)
            | sea_orm::Value::ChronoDate(None)
            | sea_orm::Value::ChronoDateTime(None)
    )
}

/// Odoo's `_as_validation_error` text for a NOT NULL violation, final newline included.
fn mandatory_error(m: &Model, f: &Field) -> OdooError {
    OdooError::ValidationError(format!(
        "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: {} ({})\nField: {} ({})\n",
        m.description, m.name, f.string, f.name
    ))
}
