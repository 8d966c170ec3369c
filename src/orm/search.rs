//! Search: domains with the active filter and record rules, `child_of`/`parent_of`
//! resolution, ordering (many2one orders follow the comodel's `_order`), counts and
//! `name_search`.

use std::collections::{HashMap, HashSet};

use futures::future::BoxFuture;
use models::{Field, FieldType, Model};
use sea_orm::sea_query::{Expr, Order, Query, SelectStatement};
use sea_orm::DbBackend;
use serde_json::{json, Map, Value};

use super::domain::{Domain, Op};
use super::env::{ids_of, invalid_field, row_id, Env, Operation, RIDER_COLUMN};
use super::registry::ModelDef;
use super::statements::Key;
use super::values;
use crate::errors::{OdooError, OdooResult};
use crate::orm::Ident;

/// `LEFT JOIN comodel AS alias ON alias.id = model.field`.
fn join_many2one(
    q: &mut SelectStatement,
    model: &Model,
    field: &'static str,
    comodel: &Model,
    alias: &str,
) {
    q.join_as(
        sea_orm::sea_query::JoinType::LeftJoin,
        Ident::new(comodel.table.clone()),
        Ident::new(alias.to_string()),
        Expr::col((Ident::new(alias.to_string()), Ident::new("id")))
            .equals((Ident::new(model.table.clone()), Ident::new(field))),
    );
}

/// What [`Env::search_fetch`] read: the ids in order, each record's stored columns,
/// and the display names it could join, by comodel (every id of a comodel listed).
pub struct Fetched {
    pub ids: Vec<i64>,
    pub values: HashMap<i64, Map<String, Value>>,
    pub names: HashMap<&'static str, HashMap<i64, String>>,
}

/// What a search's statement is built from (see [`Env::search_plan`]).
struct SearchPlan {
    domain: Domain,
    /// Many2one joins of the order: (alias, field, comodel).
    joins: Vec<(String, &'static str, &'static ModelDef)>,
    /// (table alias, field, direction, nulls first).
    terms: Vec<(String, &'static Field, Order, Option<bool>)>,
    offset: u64,
    limit: Option<u64>,
}

impl SearchPlan {
    /// The start of its statement's key: everything but the columns read.
    fn key(&self, backend: DbBackend, m: &ModelDef) -> Key {
        let mut key = Key::new();
        key.debug(backend)
            .text(m.name)
            .debug((self.offset, self.limit))
            .domain(&self.domain);
        key.debug(self.joins.len());
        for (alias, field, co) in &self.joins {
            key.text(alias).text(field).text(co.name);
        }
        key.debug(self.terms.len());
        for (table, field, dir, nulls) in &self.terms {
            key.text(table).text(field.name).debug((dir, nulls));
        }
        key
    }
}

impl<'a> Env<'a> {
    // ------------------------------------------------------------------ search

    fn parse_order(
        &self,
        model: &Model,
        order: Option<&str>,
    ) -> OdooResult<Vec<(String, Order, Option<bool>)>> {
        let spec = order
            .filter(|s| !s.trim().is_empty())
            .unwrap_or(model.order);
        let mut out = Vec::new();
        for part in spec.split(',') {
            let words: Vec<&str> = part.split_whitespace().collect();
            let bad = || {
                OdooError::ValueError(format!("Invalid \"order\" specified ({spec}). A valid \"order\" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)"))
            };
            let (name, rest) = words.split_first().ok_or_else(bad)?;
            let field = model.get_field(name).ok_or_else(bad)?;
            if !field.has_column() && field.name != "id" {
                return Err(bad());
            }
            if !self.field_allowed(field) {
                return Err(self.field_access_error(model, &[field], Operation::Read));
            }
            let mut dir = Order::Asc;
            let mut nulls = None;
            let words: Vec<String> = rest.iter().map(|w| w.to_lowercase()).collect();
            let mut words = words.iter().map(String::as_str).peekable();
            if let Some(&w) = words.peek() {
                if w == "asc" || w == "desc" {
                    dir = if w == "desc" { Order::Desc } else { Order::Asc };
                    words.next();
                }
            }
            match (words.next(), words.next(), words.next()) {
                (None, _, _) => {}
                (Some("nulls"), Some("first"), None) => nulls = Some(true),
                (Some("nulls"), Some("last"), None) => nulls = Some(false),
                _ => return Err(bad()),
            }
            out.push((field.name.to_string(), dir, nulls));
        }
        if !out.iter().any(|(n, _, _)| n == "id") {
            out.push(("id".into(), Order::Asc, None));
        }
        Ok(out)
    }

    /// The full domain a search runs: the caller's, the active filter and the rules,
    /// on the model and on every other model a sub-domain reads.
    pub fn effective_domain(&self, model: &Model, domain: Domain) -> OdooResult<Domain> {
        let mut d = self.restrict_subdomains(model, domain)?;
        if model.has_field("active") && self.active_test() && !d.mentions("active") {
            d = d.and(Domain::leaf("active", Op::Eq, Value::Bool(true)));
        }
        Ok(d.and(self.rule_domain(model)?))
    }

    /// Sub-domains on other models (`any`, paths through relations, names compared
    /// to a relational field) read those models as the caller, as Odoo's
    /// `comodel._search`: their access rights, record rules and active filter. A
    /// cashier cannot learn another company's partners by filtering on them.
    fn restrict_subdomains(&self, model: &Model, domain: Domain) -> OdooResult<Domain> {
        Ok(match domain {
            Domain::And(items) => Domain::And(
                items
                    .into_iter()
                    .map(|d| self.restrict_subdomains(model, d))
                    .collect::<OdooResult<_>>()?,
            ),
            Domain::Or(items) => Domain::Or(
                items
                    .into_iter()
                    .map(|d| self.restrict_subdomains(model, d))
                    .collect::<OdooResult<_>>()?,
            ),
            Domain::Not(d) => Domain::Not(Box::new(self.restrict_subdomains(model, *d)?)),
            Domain::Leaf {
                path,
                op,
                value,
                raw,
            } => {
                let comodel = model
                    .get_field(&path[0])
                    .and_then(|f| f.ty.comodel())
                    .and_then(|c| self.registry.get(c));
                let Some(co) = comodel else {
                    return Ok(Domain::Leaf {
                        path,
                        op,
                        value,
                        raw,
                    });
                };
                // The condition on the comodel, and whether records must match it.
                let (sub, op) = if path.len() > 1 {
                    let rest = Domain::Leaf {
                        path: path[1..].to_vec(),
                        op,
                        value,
                        raw: raw.clone(),
                    };
                    (rest, Op::Any)
                } else if matches!(op, Op::Any | Op::NotAny) {
                    (Domain::parse(&value)?, op)
                } else if names_records(&value) && !matches!(op, Op::ChildOf | Op::ParentOf) {
                    let name = Domain::Leaf {
                        path: vec![co.rec_name.to_string()],
                        op: op.positive(),
                        value,
                        raw: raw.clone(),
                    };
                    (
                        name,
                        if op.is_negative() {
                            Op::NotAny
                        } else {
                            Op::Any
                        },
                    )
                } else {
                    return Ok(Domain::Leaf {
                        path,
                        op,
                        value,
                        raw,
                    });
                };
                self.check_access(co, Operation::Read)?;
                let sub = self.effective_domain(co, sub)?;
                Domain::Leaf {
                    path: path[..1].to_vec(),
                    op,
                    value: sub.to_json(),
                    raw,
                }
            }
            other => other,
        })
    }

    pub fn search<'b>(
        &'b self,
        model: &'b str,
        domain: Domain,
        offset: u64,
        limit: Option<u64>,
        order: Option<&'b str>,
    ) -> BoxFuture<'b, OdooResult<Vec<i64>>> {
        Box::pin(async move {
            let m = self.model(model)?;
            let plan = self.search_plan(m, domain, offset, limit, order).await?;
            let q = self.search_statement(m, &plan)?;
            let rows = self.query_all(self.build(&q)).await?;
            rows.iter().map(|r| row_id(r, "id")).collect()
        })
    }

    /// A search that also reads the stored columns of `fields` in the same query
    /// (Odoo's `search_fetch`): the ids in order and each record's raw column values,
    /// as [`Env::fetch_columns`] gives them. With `names`, the display names of the
    /// many2one values too, by comodel, where a comodel's display name is its
    /// `_rec_name` column (read as superuser, archived or not, as `read` shows them).
    /// The statement's text comes from the registry's `statements` when the same one
    /// was built before.
    #[allow(clippy::too_many_arguments)]
    pub async fn search_fetch(
        &self,
        model: &'static ModelDef,
        domain: Domain,
        offset: u64,
        limit: Option<u64>,
        order: Option<&str>,
        fields: &[&Field],
        names: bool,
    ) -> OdooResult<Fetched> {
        let plan = self
            .search_plan(model, domain, offset, limit, order)
            .await?;
        let columns = super::read::stored_columns(fields);
        // (field, comodel, its name field, the name's column in the result)
        let mut joined = Vec::new();
        for (i, f) in columns.iter().filter(|_| names).enumerate() {
            let FieldType::Many2one { comodel, .. } = &f.ty else {
                continue;
            };
            let co = self.model(comodel)?;
            if co.behaviour.display_names().is_some() {
                continue;
            }
            let Some(rec) = co.get_field(co.rec_name).filter(|r| r.has_column()) else {
                continue;
            };
            // Short names: PostgreSQL cuts identifiers at 63 bytes, which two long
            // table and field names could reach (and fields never start with `__`).
            joined.push((f.name, co, rec, format!("__name{i}")));
        }
        let rider = self.pending_rider();
        let mut key = plan.key(self.backend, model);
        for f in &columns {
            key.text(f.name);
        }
        key.debug(joined.len());
        for (field, co, rec, column) in &joined {
            key.text(field).text(co.name).text(rec.name).text(column);
        }
        if let Some(rider) = rider {
            key.debug(rider.cell());
        }
        let key = key.done();
        let statement = match self.registry.statements.get(&key) {
            Some(statement) => statement,
            None => {
                let mut q = self.search_statement(model, &plan)?;
                for f in &columns {
                    q.expr_as(
                        Expr::col((Ident::new(model.table.clone()), Ident::new(f.name))),
                        Ident::new(f.name),
                    );
                }
                for (field, co, rec, column) in &joined {
                    join_many2one(&mut q, model, field, co, column);
                    q.expr_as(
                        Expr::col((Ident::new(column.clone()), Ident::new(rec.name))),
                        Ident::new(column.clone()),
                    );
                }
                if let Some(rider) = rider {
                    q.expr_as(rider.subquery(), Ident::new(RIDER_COLUMN));
                }
                let statement = self.build(&q);
                self.registry.statements.keep(key, &statement);
                statement
            }
        };
        let rows = self.query_all(statement).await?;
        if let (Some(rider), Some(row)) = (rider, rows.first()) {
            rider.saw(row_id(row, RIDER_COLUMN)?);
        }
        let mut fetched = Fetched {
            ids: Vec::with_capacity(rows.len()),
            values: HashMap::with_capacity(rows.len()),
            names: HashMap::new(),
        };
        for (_, co, _, _) in &joined {
            fetched.names.entry(co.name).or_default();
        }
        for row in &rows {
            let id = row_id(row, "id")?;
            let record = self.columns_of(row, &columns)?;
            for (field, co, rec, column) in &joined {
                let Some(target) = record.get(*field).and_then(Value::as_i64) else {
                    continue;
                };
                let name = match values::from_row(row, column, rec, self.backend)? {
                    Value::String(s) => s,
                    _ => format!("{},{}", co.name, target),
                };
                fetched
                    .names
                    .entry(co.name)
                    .or_default()
                    .insert(target, name);
            }
            fetched.ids.push(id);
            fetched.values.insert(id, record);
        }
        Ok(fetched)
    }

    /// Everything a search's statement is built from, every check done: access to the
    /// model and to the fields its domain and order name, the final domain (active
    /// filter, record rules, hierarchies resolved), the many2one joins and order terms.
    async fn search_plan(
        &self,
        m: &'static ModelDef,
        domain: Domain,
        offset: u64,
        limit: Option<u64>,
        order: Option<&str>,
    ) -> OdooResult<SearchPlan> {
        self.check_access(m, Operation::Read)?;
        self.check_domain_fields(m, &domain)?;
        // The record rules' `parent_of` leaves are resolved with the caller's own.
        let d = self.effective_domain(m, domain)?;
        let domain = self.resolve_hierarchies(m, d).await?;
        // Each order term as (table alias, column, direction, nulls); a many2one
        // orders by its comodel's `_order`, as Odoo's `_generate_m2o_order_by`.
        let mut terms = Vec::new();
        let mut joins = Vec::new();
        for (name, dir, nulls) in self.parse_order(m, order)? {
            let field = m.get_field(&name).ok_or_else(|| invalid_field(m, &name))?;
            let FieldType::Many2one { comodel, .. } = &field.ty else {
                terms.push((m.table.to_string(), field, dir, nulls));
                continue;
            };
            let co = self.model(comodel)?;
            let alias = format!("{}__{}", m.table, field.name);
            if !joins.iter().any(|(a, _, _)| *a == alias) {
                joins.push((alias.clone(), field.name, co));
            }
            for (co_name, co_dir, co_nulls) in self.parse_order(co, None)? {
                let co_field = co
                    .get_field(&co_name)
                    .ok_or_else(|| invalid_field(co, &co_name))?;
                let co_dir = match (&dir, co_dir) {
                    (Order::Desc, Order::Desc) => Order::Asc,
                    (Order::Desc, _) => Order::Desc,
                    (_, d) => d,
                };
                terms.push((alias.clone(), co_field, co_dir, co_nulls.or(nulls)));
            }
        }
        // As in Odoo, a falsy limit (0) means no limit.
        let limit = limit.filter(|l| *l > 0);
        Ok(SearchPlan {
            domain,
            joins,
            terms,
            offset,
            limit,
        })
    }

    /// The statement of a planned search: the ids of the records matching its domain,
    /// ordered, offset and limited.
    fn search_statement(
        &self,
        m: &'static ModelDef,
        plan: &SearchPlan,
    ) -> OdooResult<SelectStatement> {
        let mut q = self.compiler().id_subquery(m, &plan.domain)?;
        for (alias, field, co) in &plan.joins {
            join_many2one(&mut q, m, field, co, alias);
        }
        for (table, field, dir, nulls) in &plan.terms {
            let c = Expr::col((Ident::new(table.clone()), Ident::new(field.name)));
            let expr: sea_orm::sea_query::SimpleExpr =
                if matches!(field.ty, FieldType::Monetary { .. })
                    && self.backend == DbBackend::Sqlite
                {
                    c.cast_as(Ident::new("REAL"))
                } else {
                    c.into()
                };
            match nulls {
                Some(true) => q.order_by_expr_with_nulls(
                    expr,
                    dir.clone(),
                    sea_orm::sea_query::NullOrdering::First,
                ),
                Some(false) => q.order_by_expr_with_nulls(
                    expr,
                    dir.clone(),
                    sea_orm::sea_query::NullOrdering::Last,
                ),
                None => q.order_by_expr(expr, dir.clone()),
            };
        }
        if let Some(l) = plan.limit {
            q.limit(l);
        }
        if plan.offset > 0 {
            if plan.limit.is_none() {
                q.limit(i64::MAX as u64);
            }
            q.offset(plan.offset);
        }
        Ok(q)
    }

    pub async fn search_count(
        &self,
        model: &str,
        domain: Domain,
        limit: Option<u64>,
    ) -> OdooResult<i64> {
        let m = self.model(model)?;
        self.check_access(m, Operation::Read)?;
        self.check_domain_fields(m, &domain)?;
        let d = self.effective_domain(m, domain)?;
        let d = self.resolve_hierarchies(m, d).await?;
        let compiler = self.compiler();
        let mut inner = compiler.id_subquery(m, &d)?;
        if let Some(l) = limit.filter(|l| *l > 0) {
            inner.limit(l);
        }
        let mut q = Query::select();
        q.expr_as(Expr::col(Ident::new("id")).count(), Ident::new("n"))
            .from_subquery(inner, Ident::new("sub"));
        let rows = self.query_all(self.build(&q)).await?;
        rows.first().map(|r| row_id(r, "n")).unwrap_or(Ok(0))
    }

    /// Refuses domains that filter on fields the caller may not read (Odoo's
    /// `_field_to_sql` checks field access): otherwise `('stripe_secret_key', '=like',
    /// 'sk_live_a%')` would reveal a secret one character at a time.
    fn check_domain_fields(&self, model: &'static ModelDef, domain: &Domain) -> OdooResult<()> {
        if self.su {
            return Ok(());
        }
        match domain {
            Domain::True | Domain::False => Ok(()),
            Domain::And(items) | Domain::Or(items) => items
                .iter()
                .try_for_each(|d| self.check_domain_fields(model, d)),
            Domain::Not(d) => self.check_domain_fields(model, d),
            Domain::Leaf {
                path, op, value, ..
            } => {
                let mut current = model;
                for (i, segment) in path.iter().enumerate() {
                    // Unknown fields are the compiler's to report.
                    let Some(field) = current.get_field(segment) else {
                        return Ok(());
                    };
                    if !self.field_allowed(field) {
                        return Err(self.field_access_error(current, &[field], Operation::Read));
                    }
                    let next = field.ty.comodel().and_then(|c| self.registry.get(c));
                    match next {
                        Some(next) => current = next,
                        None if i + 1 < path.len() => return Ok(()),
                        None => {}
                    }
                }
                if matches!(op, Op::Any | Op::NotAny) {
                    if let Ok(sub) = Domain::parse(value) {
                        self.check_domain_fields(current, &sub)?;
                    }
                }
                Ok(())
            }
        }
    }

    /// Rewrites `child_of`/`parent_of` leaves into `in` leaves over the hierarchy's
    /// ids, as Odoo's `child_of_domain`/`parent_of_domain` do without `parent_path`:
    /// the records named plus their descendants (or ancestors) through `parent_id`.
    /// The compiler has no database access, hence this step before it.
    pub fn resolve_hierarchies<'b>(
        &'b self,
        model: &'static ModelDef,
        domain: Domain,
    ) -> BoxFuture<'b, OdooResult<Domain>> {
        Box::pin(async move {
            Ok(match domain {
                Domain::And(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for d in items {
                        out.push(self.resolve_hierarchies(model, d).await?);
                    }
                    Domain::And(out)
                }
                Domain::Or(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for d in items {
                        out.push(self.resolve_hierarchies(model, d).await?);
                    }
                    Domain::Or(out)
                }
                Domain::Not(d) => Domain::Not(Box::new(self.resolve_hierarchies(model, *d).await?)),
                Domain::Leaf {
                    path,
                    op,
                    value,
                    raw,
                } if matches!(op, Op::ChildOf | Op::ParentOf) => {
                    self.hierarchy_leaf(model, path, op, value, raw).await?
                }
                Domain::Leaf {
                    path,
                    op,
                    value,
                    raw,
                } if matches!(op, Op::Any | Op::NotAny) => {
                    // The sub-domain applies to the comodel of the path's last field.
                    let mut current = model;
                    for segment in &path {
                        match current
                            .get_field(segment)
                            .and_then(|f| f.ty.comodel())
                            .and_then(|c| self.registry.get(c))
                        {
                            Some(next) => current = next,
                            None => {
                                // Left for the compiler to report.
                                return Ok(Domain::Leaf {
                                    path,
                                    op,
                                    value,
                                    raw,
                                });
                            }
                        }
                    }
                    let sub = self
                        .resolve_hierarchies(current, Domain::parse(&value)?)
                        .await?;
                    Domain::Leaf {
                        path,
                        op,
                        value: sub.to_json(),
                        raw,
                    }
                }
                other => other,
            })
        })
    }

    async fn hierarchy_leaf(
        &self,
        model: &'static ModelDef,
        mut path: Vec<String>,
        op: Op,
        value: Value,
        raw: Value,
    ) -> OdooResult<Domain> {
        let unchanged = |path: Vec<String>, value: Value, raw: Value| {
            Ok(Domain::Leaf {
                path,
                op,
                value,
                raw,
            })
        };
        // The model holding the last field of the path; unknown fields are left for
        // the compiler to report.
        let mut current = model;
        for segment in &path[..path.len() - 1] {
            match current
                .get_field(segment)
                .and_then(|f| f.ty.comodel())
                .and_then(|c| self.registry.get(c))
            {
                Some(next) => current = next,
                None => return unchanged(path, value, raw),
            }
        }
        let Some(field) = path.last().and_then(|n| current.get_field(n)) else {
            return unchanged(path, value, raw);
        };
        let (hierarchy, parent_name): (&'static ModelDef, &str) = if field.name == "id" {
            (current, "parent_id")
        } else if let Some(co) = field.ty.comodel().and_then(|c| self.registry.get(c)) {
            if co.name == current.name && matches!(field.ty, FieldType::Many2one { .. }) {
                // A many2one to the model itself is its hierarchy: Odoo filters `id`
                // through that field (`('parent_id', 'child_of', x)` includes x).
                let parent_name = field.name;
                if let Some(last) = path.last_mut() {
                    *last = "id".into();
                }
                (current, parent_name)
            } else {
                (co, "parent_id")
            }
        } else {
            return Err(OdooError::ValueError(format!(
                "Invalid leaf {}: the field is not relational",
                values::python_repr(&raw)
            )));
        };
        let sudo = self.sudo().with_context("active_test", json!(false));
        let start: Vec<i64> = match &value {
            Value::String(name) => {
                sudo.hierarchy_names(hierarchy, std::slice::from_ref(name))
                    .await?
            }
            Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_string) => {
                let names: Vec<String> = items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                sudo.hierarchy_names(hierarchy, &names).await?
            }
            other => ids_of(other),
        };
        let mut found: Vec<i64> = Vec::new();
        let mut seen: HashSet<i64> = HashSet::new();
        let mut frontier: Vec<i64> = start.into_iter().filter(|i| seen.insert(*i)).collect();
        // A model without the parent field has no hierarchy: the records themselves.
        let parent = hierarchy
            .get_field(parent_name)
            .filter(|f| f.ty.comodel() == Some(hierarchy.name));
        while !frontier.is_empty() {
            found.extend(&frontier);
            let Some(parent) = parent else { break };
            let next: Vec<i64> = if op == Op::ChildOf {
                sudo.search(
                    hierarchy.name,
                    Domain::leaf(parent.name, Op::In, json!(frontier)),
                    0,
                    None,
                    None,
                )
                .await?
            } else {
                sudo.fetch_columns(hierarchy, &frontier, &[parent])
                    .await?
                    .values()
                    .filter_map(|r| r.get(parent.name).and_then(Value::as_i64))
                    .collect()
            };
            frontier = next.into_iter().filter(|i| seen.insert(*i)).collect();
        }
        found.sort_unstable();
        Ok(Domain::Leaf {
            path,
            op: Op::In,
            value: json!(found),
            raw,
        })
    }

    /// Ids of `model`'s records whose name matches any of `names` (`ilike`), as
    /// Odoo's `to_ids` resolves names given to `child_of`.
    async fn hierarchy_names(
        &self,
        model: &'static ModelDef,
        names: &[String],
    ) -> OdooResult<Vec<i64>> {
        let mut out = Vec::new();
        for name in names {
            out.extend(
                self.search(
                    model.name,
                    Domain::leaf(model.rec_name, Op::ILike, json!(name)),
                    0,
                    None,
                    None,
                )
                .await?,
            );
        }
        Ok(out)
    }

    /// `name_search(name, args, operator, limit)`.
    pub async fn name_search(
        &self,
        model: &str,
        name: &str,
        args: Domain,
        operator: &str,
        limit: Option<u64>,
    ) -> OdooResult<Vec<Value>> {
        let m = self.model(model)?;
        let op = Op::parse(operator)
            .ok_or_else(|| OdooError::ValueError(format!("Invalid operator {operator}")))?;
        let mut d = args;
        if !(name.is_empty() && matches!(op, Op::ILike | Op::Like | Op::EqILike)) {
            d = d.and(Domain::leaf(m.rec_name, op, json!(name)));
        }
        let ids = self.search(model, d, 0, limit, None).await?;
        let names = self.display_names(m, &ids).await?;
        Ok(ids
            .iter()
            .map(|id| json!([id, names.get(id).cloned().unwrap_or_default()]))
            .collect())
    }
}

/// Whether a relational comparison value names records rather than giving ids.
fn names_records(v: &Value) -> bool {
    match v {
        Value::String(_) => true,
        Value::Array(items) => !items.is_empty() && items.iter().all(Value::is_string),
        _ => false,
    }
}
