//! Reading: stored columns, x2many ids through the comodel's record rules, display
//! names, computed and related fields, and `read` in Odoo's wire form.

use std::collections::{HashMap, HashSet};

use futures::future::BoxFuture;
use models::{Field, FieldType, Model};
use sea_orm::sea_query::{Expr, Query};
use serde_json::{json, Map, Value};

use super::domain::{Domain, Op};
use super::env::{ids_of, invalid_field, row_id, Env, Operation};
use super::registry::ModelDef;
use super::values;
use crate::errors::{OdooError, OdooResult};
use crate::orm::Ident;

/// The fields among `fields` read from their own column (`id` apart).
pub(super) fn stored_columns<'f>(fields: &[&'f Field]) -> Vec<&'f Field> {
    fields
        .iter()
        .copied()
        .filter(|f| f.has_column() && f.name != "id")
        .collect()
}

impl<'a> Env<'a> {
    /// The values of a computed field, from its model's compute.
    pub async fn compute_field(
        &self,
        model: &'static ModelDef,
        field: &Field,
        ids: &[i64],
    ) -> OdooResult<HashMap<i64, Value>> {
        let compute = model.compute(field.name).ok_or_else(|| {
            OdooError::internal(format!("{}.{} has no compute", model.name, field.name))
        })?;
        compute(self, ids).await
    }

    // ------------------------------------------------------------------ read

    /// Raw stored values of `fields` (columns only) for `ids`.
    pub async fn fetch_columns(
        &self,
        model: &Model,
        ids: &[i64],
        fields: &[&Field],
    ) -> OdooResult<HashMap<i64, Map<String, Value>>> {
        let mut out = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let columns = stored_columns(fields);
        for chunk in ids.chunks(500) {
            let mut q = Query::select();
            q.column(Ident::new("id"))
                .from(Ident::new(model.table.clone()));
            for f in &columns {
                q.column(Ident::new(f.name));
            }
            q.and_where(Expr::col(Ident::new("id")).is_in(chunk.iter().copied()));
            for row in self.query_all(self.build(&q)).await? {
                out.insert(row_id(&row, "id")?, self.columns_of(&row, &columns)?);
            }
        }
        Ok(out)
    }

    /// One row's values of `columns` (stored fields), by field name.
    pub(super) fn columns_of(
        &self,
        row: &sea_orm::QueryResult,
        columns: &[&Field],
    ) -> OdooResult<Map<String, Value>> {
        let mut rec = Map::new();
        for f in columns {
            rec.insert(
                f.name.to_string(),
                values::from_row(row, f.name, f, self.backend)?,
            );
        }
        Ok(rec)
    }

    /// The ids related to each of `ids` through an x2many field, in the comodel's order,
    /// archived records left out unless `active_test` is off.
    pub fn x2many_ids<'b>(
        &'b self,
        model: &'static ModelDef,
        field: &'static Field,
        ids: &'b [i64],
    ) -> BoxFuture<'b, OdooResult<HashMap<i64, Vec<i64>>>> {
        Box::pin(async move {
            let mut pairs: Vec<(i64, i64)> = Vec::new();
            match &field.ty {
                FieldType::Many2many {
                    relation,
                    column1,
                    column2,
                    ..
                } if !relation.is_empty() => {
                    let mut q = Query::select();
                    q.columns([Ident::new(*column1), Ident::new(*column2)])
                        .from(Ident::new(*relation))
                        .and_where(self.id_in(column1, ids));
                    for row in self.query_all(self.build(&q)).await? {
                        pairs.push((row_id(&row, column1)?, row_id(&row, column2)?));
                    }
                }
                FieldType::One2many { comodel, inverse } => {
                    let co = self.model(comodel)?;
                    let mut q = Query::select();
                    q.columns([Ident::new(*inverse), Ident::new("id")])
                        .from(Ident::new(co.table.clone()))
                        .and_where(self.id_in(inverse, ids));
                    for row in self.query_all(self.build(&q)).await? {
                        pairs.push((row_id(&row, inverse)?, row_id(&row, "id")?));
                    }
                }
                _ => {
                    let computed = self.compute_field(model, field, ids).await?;
                    return Ok(computed.into_iter().map(|(k, v)| (k, ids_of(&v))).collect());
                }
            }
            let comodel = field
                .ty
                .comodel()
                .ok_or_else(|| OdooError::internal("x2many without comodel"))?;
            let targets: Vec<i64> = pairs
                .iter()
                .map(|p| p.1)
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            // Odoo reads x2many fields through the comodel's record rules (but not its
            // access rights): another company's records are left out.
            let visible = if targets.is_empty() {
                vec![]
            } else {
                let rules = self.rule_domain(self.model(comodel)?)?;
                self.sudo_keep_active()
                    .search(
                        comodel,
                        Domain::leaf("id", Op::In, json!(targets)).and(rules),
                        0,
                        None,
                        None,
                    )
                    .await?
            };
            let rank: HashMap<i64, usize> =
                visible.iter().enumerate().map(|(i, id)| (*id, i)).collect();
            let mut out: HashMap<i64, Vec<i64>> = ids.iter().map(|i| (*i, vec![])).collect();
            for (src, dst) in pairs {
                if rank.contains_key(&dst) {
                    out.entry(src).or_default().push(dst);
                }
            }
            for v in out.values_mut() {
                v.sort_by_key(|id| rank[id]);
                v.dedup();
            }
            Ok(out)
        })
    }

    /// Superuser, but keeping the caller's `active_test`.
    fn sudo_keep_active(&self) -> Env<'a> {
        self.sudo()
    }

    /// `display_name` of each record.
    pub fn display_names<'b>(
        &'b self,
        model: &'static ModelDef,
        ids: &'b [i64],
    ) -> BoxFuture<'b, OdooResult<HashMap<i64, String>>> {
        Box::pin(async move {
            if let Some(names) = model.behaviour.display_names() {
                return names(self, ids).await;
            }
            let Some(rec) = model.get_field(model.rec_name) else {
                return Ok(ids
                    .iter()
                    .map(|i| (*i, format!("{},{}", model.name, i)))
                    .collect());
            };
            let rows = self.fetch_columns(model, ids, &[rec]).await?;
            Ok(rows
                .into_iter()
                .map(|(id, r)| {
                    let name = match r.get(model.rec_name) {
                        Some(Value::String(s)) => s.clone(),
                        _ => format!("{},{}", model.name, id),
                    };
                    (id, name)
                })
                .collect())
        })
    }

    /// The fields a read without explicit fields returns.
    pub fn readable_fields(&self, model: &'static ModelDef) -> Vec<&'static Field> {
        model
            .fields
            .iter()
            .filter(|f| !f.write_only && self.field_allowed(f))
            .collect()
    }

    /// Resolves requested field names, refusing unknown and forbidden ones.
    pub fn resolve_fields(
        &self,
        model: &'static ModelDef,
        names: Option<&[String]>,
    ) -> OdooResult<Vec<&'static Field>> {
        let Some(names) = names.filter(|n| !n.is_empty()) else {
            return Ok(self.readable_fields(model));
        };
        let mut out = Vec::new();
        let mut forbidden = Vec::new();
        for n in names {
            let f = model.get_field(n).ok_or_else(|| invalid_field(model, n))?;
            if !self.field_allowed(f) {
                forbidden.push(f);
            } else if !out.iter().any(|x: &&Field| x.name == f.name) {
                out.push(f);
            }
        }
        if !forbidden.is_empty() {
            return Err(self.field_access_error(model, &forbidden, Operation::Read));
        }
        Ok(out)
    }

    /// Values of `fields` for `ids` in the raw internal form: many2one as a bare id or
    /// null, x2many as id lists, computed and related fields evaluated.
    pub fn raw_values<'b>(
        &'b self,
        model: &'static ModelDef,
        ids: &'b [i64],
        fields: &'b [&'static Field],
    ) -> BoxFuture<'b, OdooResult<HashMap<i64, Map<String, Value>>>> {
        Box::pin(async move {
            let rows = self.fetch_columns(model, ids, fields).await?;
            self.complete_values(model, ids, fields, rows).await
        })
    }

    /// Adds to `rows` (stored columns, as [`Env::fetch_columns`] reads them) the values
    /// of `fields` that are not plain columns: display names, related, x2many and
    /// computed fields.
    pub fn complete_values<'b>(
        &'b self,
        model: &'static ModelDef,
        ids: &'b [i64],
        fields: &'b [&'static Field],
        mut rows: HashMap<i64, Map<String, Value>>,
    ) -> BoxFuture<'b, OdooResult<HashMap<i64, Map<String, Value>>>> {
        Box::pin(async move {
            for f in fields {
                if f.has_column() && !f.computed || f.name == "id" {
                    continue;
                }
                let values: HashMap<i64, Value> = if f.name == "display_name" {
                    self.display_names(model, ids)
                        .await?
                        .into_iter()
                        .map(|(k, v)| (k, Value::String(v)))
                        .collect()
                } else if let Some(path) = f.related {
                    self.related_values(model, path, ids).await?
                } else if f.ty.is_x2many() && !f.computed {
                    self.x2many_ids(model, f, ids)
                        .await?
                        .into_iter()
                        .map(|(k, v)| (k, json!(v)))
                        .collect()
                } else if f.has_column() || !f.computed {
                    // A non-stored field without a compute (`res.users.login_date`,
                    // whose log table we do not keep) reads as empty.
                    continue;
                } else {
                    self.compute_field(model, f, ids).await?
                };
                for (id, v) in values {
                    if let Some(r) = rows.get_mut(&id) {
                        r.insert(f.name.to_string(), v);
                    }
                }
            }
            Ok(rows)
        })
    }

    /// Raw values of the named fields (no access checks on fields: internal use).
    pub async fn values_of(
        &self,
        model: &str,
        ids: &[i64],
        names: &[&str],
    ) -> OdooResult<HashMap<i64, Map<String, Value>>> {
        let m = self.model(model)?;
        let fields: Vec<&'static Field> = names
            .iter()
            .map(|n| m.get_field(n).ok_or_else(|| invalid_field(m, n)))
            .collect::<OdooResult<_>>()?;
        self.raw_values(m, ids, &fields).await
    }

    /// One raw value of one record.
    pub async fn value_of(&self, model: &str, id: i64, name: &str) -> OdooResult<Value> {
        Ok(self
            .values_of(model, &[id], &[name])
            .await?
            .remove(&id)
            .and_then(|mut r| r.remove(name))
            .unwrap_or(Value::Null))
    }

    async fn related_values(
        &self,
        model: &'static ModelDef,
        path: &str,
        ids: &[i64],
    ) -> OdooResult<HashMap<i64, Value>> {
        let (first, rest) = path
            .split_once('.')
            .ok_or_else(|| OdooError::internal("related path"))?;
        let f = model
            .get_field(first)
            .ok_or_else(|| invalid_field(model, first))?;
        let co = self.model(
            f.ty.comodel()
                .ok_or_else(|| OdooError::internal("related through a non-relational field"))?,
        )?;
        let target = co.get_field(rest).ok_or_else(|| invalid_field(co, rest))?;
        let sudo = self.sudo();
        let links = sudo.fetch_columns(model, ids, &[f]).await?;
        let co_ids: Vec<i64> = links
            .values()
            .filter_map(|r| r.get(first).and_then(Value::as_i64))
            .collect();
        let targets = sudo
            .raw_values(co, &co_ids, std::slice::from_ref(&target))
            .await?;
        Ok(ids
            .iter()
            .map(|id| {
                let v = links
                    .get(id)
                    .and_then(|r| r.get(first))
                    .and_then(Value::as_i64)
                    .and_then(|cid| targets.get(&cid))
                    .and_then(|r| r.get(rest).cloned())
                    .unwrap_or(if target.ty.is_x2many() {
                        json!([])
                    } else {
                        Value::Null
                    });
                (*id, v)
            })
            .collect())
    }

    /// `read(ids, fields, load)`: records in the order asked, missing ones left out.
    pub async fn read(
        &self,
        model: &str,
        ids: &[i64],
        fields: Option<&[String]>,
        load_names: bool,
    ) -> OdooResult<Vec<Map<String, Value>>> {
        let m = self.model(model)?;
        // As Odoo 18's `read`: the fields' groups first, then the model's rights.
        let fields = self.resolve_fields(m, fields)?;
        self.check_access(m, Operation::Read)?;
        let ids = self.visible_or_forbidden(m, ids, Operation::Read).await?;
        let raw = self.raw_values(m, &ids, &fields).await?;
        self.wire_records(&ids, &fields, raw, load_names, HashMap::new())
            .await
    }

    /// `search_read(domain, fields, offset, limit, order)`: the search and the
    /// records' stored columns in one query, then what is not a column, in `read`'s
    /// wire form (as Odoo 17+'s `search_fetch` then `read`).
    #[allow(clippy::too_many_arguments)]
    pub async fn search_read(
        &self,
        model: &str,
        domain: Domain,
        fields: Option<&[String]>,
        offset: u64,
        limit: Option<u64>,
        order: Option<&str>,
        load_names: bool,
    ) -> OdooResult<Vec<Map<String, Value>>> {
        let m = self.model(model)?;
        let fields = self.resolve_fields(m, fields)?;
        let fetched = self
            .search_fetch(m, domain, offset, limit, order, &fields, load_names)
            .await?;
        let raw = self
            .complete_values(m, &fetched.ids, &fields, fetched.values)
            .await?;
        self.wire_records(&fetched.ids, &fields, raw, load_names, fetched.names)
            .await
    }

    /// Records in `read`'s wire form, in the order of `ids` (those without values left
    /// out): many2one values with their display names when `load_names`, those that
    /// `known` (by comodel, then id) lacks read here.
    async fn wire_records(
        &self,
        ids: &[i64],
        fields: &[&'static Field],
        raw: HashMap<i64, Map<String, Value>>,
        load_names: bool,
        known: HashMap<&'static str, HashMap<i64, String>>,
    ) -> OdooResult<Vec<Map<String, Value>>> {
        let mut names: HashMap<&str, HashMap<i64, String>> = known;
        if load_names {
            let mut wanted: HashMap<&str, HashSet<i64>> = HashMap::new();
            for f in fields {
                if let FieldType::Many2one { comodel, .. } = &f.ty {
                    for r in raw.values() {
                        let Some(id) = r.get(f.name).and_then(Value::as_i64) else {
                            continue;
                        };
                        if !names.get(comodel).is_some_and(|n| n.contains_key(&id)) {
                            wanted.entry(comodel).or_default().insert(id);
                        }
                    }
                }
            }
            for (comodel, set) in wanted {
                let ids: Vec<i64> = set.into_iter().collect();
                let found = self
                    .sudo()
                    .display_names(self.model(comodel)?, &ids)
                    .await?;
                names.entry(comodel).or_default().extend(found);
            }
        }
        let mut out = Vec::new();
        for id in ids {
            let Some(r) = raw.get(id) else { continue };
            let mut rec = Map::new();
            rec.insert("id".into(), json!(id));
            for f in fields {
                if f.name == "id" {
                    continue;
                }
                let v = r.get(f.name).cloned().unwrap_or(Value::Null);
                rec.insert(f.name.to_string(), self.present(f, v, &names, load_names));
            }
            out.push(rec);
        }
        Ok(out)
    }

    /// A raw value in wire form: empty → `false`/`0`, many2one → `[id, name]`.
    fn present(
        &self,
        f: &Field,
        v: Value,
        names: &HashMap<&str, HashMap<i64, String>>,
        load_names: bool,
    ) -> Value {
        if v.is_null() {
            return values::empty_value(f);
        }
        match &f.ty {
            FieldType::Many2one { comodel, .. } if load_names => {
                let id = v.as_i64().unwrap_or(0);
                let name = names
                    .get(comodel)
                    .and_then(|n| n.get(&id))
                    .cloned()
                    .unwrap_or_default();
                json!([id, name])
            }
            _ => v,
        }
    }
}
