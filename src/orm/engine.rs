//! `Env`: the calling user, their context and the call's transaction, with the ORM
//! methods (`search`, `read`, `create`, `write`, `unlink`, ...) on top.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures::future::BoxFuture;
use models::{Constraint, DefaultValue, Field, FieldType, Model};
use sea_orm::sea_query::{Alias, Expr, Order, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};
use serde_json::{json, Map, Value};

use super::domain::{Compiler, Domain, Op};
use super::registry::registry;
use super::values;
use crate::addons;
use crate::errors::{OdooError, OdooResult};
use crate::services::Services;

/// Who is calling: loaded once per call.
#[derive(Clone, Debug)]
pub struct UserInfo {
    pub uid: i64,
    pub login: String,
    pub name: String,
    pub partner_id: i64,
    pub company_id: i64,
    pub company_ids: Vec<i64>,
    /// External ids of the user's groups, implied groups included.
    pub groups: HashSet<String>,
    pub lang: String,
    pub tz: Option<String>,
}

impl UserInfo {
    pub fn has_group(&self, xmlid: &str) -> bool {
        self.groups.contains(xmlid)
    }
}

/// Read, write, create or unlink: what an access right grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Read,
    Write,
    Create,
    Unlink,
}

impl Operation {
    pub fn parse(s: &str) -> Option<Operation> {
        Some(match s {
            "read" => Operation::Read,
            "write" => Operation::Write,
            "create" => Operation::Create,
            "unlink" => Operation::Unlink,
            _ => return None,
        })
    }
}

/// The environment of one RPC call.
#[derive(Clone)]
pub struct Env<'a> {
    pub tx: &'a DatabaseTransaction,
    pub backend: DbBackend,
    pub user: Arc<UserInfo>,
    /// Superuser mode: access rights and record rules are not checked.
    pub su: bool,
    pub context: Map<String, Value>,
    pub services: &'a Services,
}

pub fn model_of(name: &str) -> OdooResult<&'static Model> {
    registry()
        .get(name)
        .ok_or_else(|| OdooError::UserError(format!("Object {name} doesn't exist")))
}

fn invalid_field(model: &Model, name: &str) -> OdooError {
    OdooError::ValueError(format!(
        "Invalid field '{}' on model '{}'",
        name, model.name
    ))
}

fn ids_of(v: &Value) -> Vec<i64> {
    match v {
        Value::Array(items) => items.iter().filter_map(|i| i.as_i64()).collect(),
        Value::Number(n) => n.as_i64().into_iter().collect(),
        _ => vec![],
    }
}

/// Set in the context of the `create` a `copy()` makes.
pub const COPY_CONTEXT_KEY: &str = "__ops_copy";

impl<'a> Env<'a> {
    pub fn sudo(&self) -> Env<'a> {
        let mut e = self.clone();
        e.su = true;
        e
    }

    pub fn with_context(&self, key: &str, value: Value) -> Env<'a> {
        let mut e = self.clone();
        e.context.insert(key.to_string(), value);
        e
    }

    pub fn uid(&self) -> i64 {
        self.user.uid
    }

    /// The companies the call may see: `allowed_company_ids` from the context (which
    /// must all be the user's), else the user's current company.
    pub fn allowed_company_ids(&self) -> OdooResult<Vec<i64>> {
        match self.context.get("allowed_company_ids") {
            Some(Value::Array(items)) if !items.is_empty() => {
                let ids: Vec<i64> = items.iter().filter_map(|v| v.as_i64()).collect();
                if ids.len() != items.len()
                    || (!self.su && ids.iter().any(|id| !self.user.company_ids.contains(id)))
                {
                    return Err(OdooError::AccessError(
                        "Access to unauthorized or invalid companies.".into(),
                    ));
                }
                Ok(ids)
            }
            _ => Ok(vec![self.user.company_id]),
        }
    }

    /// The current company: the first allowed one.
    pub fn company_id(&self) -> OdooResult<i64> {
        Ok(self
            .allowed_company_ids()?
            .first()
            .copied()
            .unwrap_or(self.user.company_id))
    }

    fn active_test(&self) -> bool {
        !matches!(self.context.get("active_test"), Some(Value::Bool(false)))
    }

    // ------------------------------------------------------------------ access

    /// `ir.model.access` semantics: some access line for one of the user's groups
    /// (or for everyone) must grant the operation.
    pub fn check_access(&self, model: &Model, op: Operation) -> OdooResult<()> {
        if self.su || self.has_access(model, op) {
            return Ok(());
        }
        let verb = match op {
            Operation::Read => "access",
            Operation::Write => "modify",
            Operation::Create => "create",
            Operation::Unlink => "delete",
        };
        let groups: Vec<String> = model
            .access
            .iter()
            .filter(|a| match op {
                Operation::Read => a.read,
                Operation::Write => a.write,
                Operation::Create => a.create,
                Operation::Unlink => a.unlink,
            })
            .filter_map(|a| a.group.map(group_label))
            .collect();
        let mut msg = format!(
            "You are not allowed to {verb} '{}' ({}) records.",
            model.description, model.name
        );
        if groups.is_empty() {
            msg.push_str("\n\nNo group currently allows this operation.");
        } else {
            msg.push_str("\n\nThis operation is allowed for the following groups:\n");
            msg.push_str(
                &groups
                    .iter()
                    .map(|g| format!("\t- {g}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        msg.push_str("\n\nContact your administrator to request access if necessary.");
        Err(OdooError::AccessError(msg))
    }

    pub fn has_access(&self, model: &Model, op: Operation) -> bool {
        self.su
            || model.access.iter().any(|a| {
                let granted = match op {
                    Operation::Read => a.read,
                    Operation::Write => a.write,
                    Operation::Create => a.create,
                    Operation::Unlink => a.unlink,
                };
                granted && a.group.map(|g| self.user.has_group(g)).unwrap_or(true)
            })
    }

    fn field_allowed(&self, field: &Field) -> bool {
        self.su || field.groups.map(|g| self.user.has_group(g)).unwrap_or(true)
    }

    fn field_access_error(&self, model: &Model, fields: &[&Field], op: Operation) -> OdooError {
        let operation = if op == Operation::Read {
            "read"
        } else {
            "write"
        };
        let lines: Vec<String> = fields
            .iter()
            .map(|f| {
                format!(
                    "- {} (allowed for groups '{}')",
                    f.name,
                    f.groups.map(group_label).unwrap_or_default()
                )
            })
            .collect();
        OdooError::AccessError(format!(
            "The requested operation can not be completed due to security restrictions.\n\nDocument type: {} ({})\nOperation: {}\nUser: {}\nFields:\n{}",
            model.description,
            model.name,
            operation,
            self.uid(),
            lines.join("\n")
        ))
    }

    /// Multi-company record rule: records of another company are invisible.
    fn rule_domain(&self, model: &Model) -> OdooResult<Domain> {
        if self.su || !model.check_company || !model.has_field("company_id") {
            return Ok(Domain::True);
        }
        let companies = self.allowed_company_ids()?;
        Ok(Domain::Or(vec![
            Domain::leaf("company_id", Op::Eq, Value::Bool(false)),
            Domain::leaf("company_id", Op::In, json!(companies)),
        ]))
    }

    // ------------------------------------------------------------------ SQL helpers

    async fn query_all(&self, stmt: Statement) -> OdooResult<Vec<sea_orm::QueryResult>> {
        Ok(self.tx.query_all(stmt).await?)
    }

    pub async fn execute(&self, stmt: Statement) -> OdooResult<u64> {
        Ok(self.tx.execute(stmt).await?.rows_affected())
    }

    fn build<S: sea_orm::StatementBuilder>(&self, q: &S) -> Statement {
        self.backend.build(q)
    }

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

    /// The full domain a search runs: the caller's, the active filter and the rules.
    pub fn effective_domain(&self, model: &Model, domain: Domain) -> OdooResult<Domain> {
        let mut d = domain;
        if model.has_field("active") && self.active_test() && !d.mentions("active") {
            d = d.and(Domain::leaf("active", Op::Eq, Value::Bool(true)));
        }
        Ok(d.and(self.rule_domain(model)?))
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
            let m = model_of(model)?;
            self.check_access(m, Operation::Read)?;
            self.check_domain_fields(m, &domain)?;
            let domain = self.resolve_hierarchies(m, domain).await?;
            let d = self.effective_domain(m, domain)?;
            let compiler = Compiler {
                backend: self.backend,
            };
            let mut q = compiler.id_subquery(m, &d)?;
            // Each order term as (table alias, column, direction, nulls); a many2one
            // orders by its comodel's `_order`, as Odoo's `_generate_m2o_order_by`.
            let mut terms = Vec::new();
            let mut joined: HashSet<String> = HashSet::new();
            for (name, dir, nulls) in self.parse_order(m, order)? {
                let field = m.get_field(&name).ok_or_else(|| invalid_field(m, &name))?;
                let FieldType::Many2one { comodel, .. } = &field.ty else {
                    terms.push((m.table.to_string(), field, dir, nulls));
                    continue;
                };
                let co = model_of(comodel)?;
                let alias = format!("{}__{}", m.table, field.name);
                if joined.insert(alias.clone()) {
                    q.join_as(
                        sea_orm::sea_query::JoinType::LeftJoin,
                        Alias::new(co.table.as_str()),
                        Alias::new(alias.as_str()),
                        Expr::col((Alias::new(alias.as_str()), Alias::new("id")))
                            .equals((Alias::new(m.table.as_str()), Alias::new(field.name))),
                    );
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
            for (table, field, dir, nulls) in terms {
                let name = field.name;
                let c = Expr::col((Alias::new(table.as_str()), Alias::new(name)));
                let expr: sea_orm::sea_query::SimpleExpr =
                    if matches!(field.ty, FieldType::Monetary { .. })
                        && self.backend == DbBackend::Sqlite
                    {
                        c.cast_as(Alias::new("REAL"))
                    } else {
                        c.into()
                    };
                match nulls {
                    Some(true) => q.order_by_expr_with_nulls(
                        expr,
                        dir,
                        sea_orm::sea_query::NullOrdering::First,
                    ),
                    Some(false) => q.order_by_expr_with_nulls(
                        expr,
                        dir,
                        sea_orm::sea_query::NullOrdering::Last,
                    ),
                    None => q.order_by_expr(expr, dir),
                };
            }
            // As in Odoo, a falsy limit (0) means no limit.
            let limit = limit.filter(|l| *l > 0);
            if let Some(l) = limit {
                q.limit(l);
            }
            if offset > 0 {
                if limit.is_none() {
                    q.limit(i64::MAX as u64);
                }
                q.offset(offset);
            }
            let rows = self.query_all(self.build(&q)).await?;
            rows.iter().map(|r| row_id(r, "id")).collect()
        })
    }

    pub async fn search_count(
        &self,
        model: &str,
        domain: Domain,
        limit: Option<u64>,
    ) -> OdooResult<i64> {
        let m = model_of(model)?;
        self.check_access(m, Operation::Read)?;
        self.check_domain_fields(m, &domain)?;
        let domain = self.resolve_hierarchies(m, domain).await?;
        let d = self.effective_domain(m, domain)?;
        let compiler = Compiler {
            backend: self.backend,
        };
        let mut inner = compiler.id_subquery(m, &d)?;
        if let Some(l) = limit.filter(|l| *l > 0) {
            inner.limit(l);
        }
        let mut q = Query::select();
        q.expr_as(Expr::col(Alias::new("id")).count(), Alias::new("n"))
            .from_subquery(inner, Alias::new("sub"));
        let rows = self.query_all(self.build(&q)).await?;
        rows.first().map(|r| row_id(r, "n")).unwrap_or(Ok(0))
    }

    /// Refuses domains that filter on fields the caller may not read (Odoo's
    /// `_field_to_sql` checks field access): otherwise `('stripe_secret_key', '=like',
    /// 'sk_live_a%')` would reveal a secret one character at a time.
    fn check_domain_fields(&self, model: &'static Model, domain: &Domain) -> OdooResult<()> {
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
                    let next = field.ty.comodel().and_then(|c| registry().get(c));
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
        model: &'static Model,
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
                            .and_then(|c| registry().get(c))
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
        model: &'static Model,
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
                .and_then(|c| registry().get(c))
            {
                Some(next) => current = next,
                None => return unchanged(path, value, raw),
            }
        }
        let Some(field) = path.last().and_then(|n| current.get_field(n)) else {
            return unchanged(path, value, raw);
        };
        let (hierarchy, parent_name): (&'static Model, &str) = if field.name == "id" {
            (current, "parent_id")
        } else if let Some(co) = field.ty.comodel().and_then(|c| registry().get(c)) {
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
        model: &'static Model,
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

    /// The ids among `ids` that exist and that the rules let the caller see.
    pub async fn existing(&self, model: &Model, ids: &[i64]) -> OdooResult<Vec<i64>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let d = Domain::leaf("id", Op::In, json!(ids)).and(self.rule_domain(model)?);
        let compiler = Compiler {
            backend: self.backend,
        };
        let q = compiler.id_subquery(model, &d)?;
        let rows = self.query_all(self.build(&q)).await?;
        let found: HashSet<i64> = rows
            .iter()
            .map(|r| row_id(r, "id"))
            .collect::<OdooResult<_>>()?;
        Ok(ids.iter().copied().filter(|i| found.contains(i)).collect())
    }

    /// The ids among `ids` that exist and are visible. Ids that do not exist are left
    /// out; ids that exist but that the record rules hide fail the call with Odoo's
    /// record-rule AccessError, as `read`, `write` and `unlink` do in Odoo.
    pub async fn visible_or_forbidden(
        &self,
        model: &Model,
        ids: &[i64],
        op: Operation,
    ) -> OdooResult<Vec<i64>> {
        let visible = self.existing(model, ids).await?;
        if self.su {
            return Ok(visible);
        }
        let hidden: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|i| !visible.contains(i))
            .collect();
        if !hidden.is_empty() && !self.sudo().existing(model, &hidden).await?.is_empty() {
            return Err(self.record_rule_error(model, op));
        }
        Ok(visible)
    }

    /// Odoo's `ir.rule._make_access_error` text (without the debug-mode details).
    fn record_rule_error(&self, model: &Model, op: Operation) -> OdooError {
        let operation = match op {
            Operation::Read => "read",
            Operation::Write => "write",
            Operation::Create => "create",
            Operation::Unlink => "unlink",
        };
        OdooError::AccessError(format!(
            "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, {} (id={}) doesn't have '{}' access to:\n- {} ({})\n\nIf you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.",
            self.user.name,
            self.uid(),
            operation,
            model.description,
            model.name
        ))
    }

    async fn ensure_all_exist(&self, model: &Model, ids: &[i64], op: Operation) -> OdooResult<()> {
        let found = self.visible_or_forbidden(model, ids, op).await?;
        let unique: HashSet<i64> = ids.iter().copied().collect();
        if found.iter().collect::<HashSet<_>>().len() != unique.len() {
            let missing: Vec<String> = unique
                .iter()
                .filter(|i| !found.contains(i))
                .map(|i| i.to_string())
                .collect();
            return Err(OdooError::MissingError(format!(
                "Record does not exist or has been deleted.\n(Record: {}({},), User: {})",
                model.name,
                missing.join(", "),
                self.uid()
            )));
        }
        Ok(())
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
        for chunk in ids.chunks(500) {
            let mut q = Query::select();
            q.column(Alias::new("id"))
                .from(Alias::new(model.table.as_str()));
            for f in fields.iter().filter(|f| f.has_column() && f.name != "id") {
                q.column(Alias::new(f.name));
            }
            q.and_where(Expr::col(Alias::new("id")).is_in(chunk.iter().copied()));
            for row in self.query_all(self.build(&q)).await? {
                let id = row_id(&row, "id")?;
                let mut rec = Map::new();
                for f in fields.iter().filter(|f| f.has_column() && f.name != "id") {
                    rec.insert(
                        f.name.to_string(),
                        values::from_row(&row, f.name, f, self.backend)?,
                    );
                }
                out.insert(id, rec);
            }
        }
        Ok(out)
    }

    /// The ids related to each of `ids` through an x2many field, in the comodel's order,
    /// archived records left out unless `active_test` is off.
    pub fn x2many_ids<'b>(
        &'b self,
        model: &'static Model,
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
                    q.columns([Alias::new(*column1), Alias::new(*column2)])
                        .from(Alias::new(*relation))
                        .and_where(Expr::col(Alias::new(*column1)).is_in(ids.iter().copied()));
                    for row in self.query_all(self.build(&q)).await? {
                        pairs.push((row_id(&row, column1)?, row_id(&row, column2)?));
                    }
                }
                FieldType::One2many { comodel, inverse } => {
                    let co = model_of(comodel)?;
                    let mut q = Query::select();
                    q.columns([Alias::new(*inverse), Alias::new("id")])
                        .from(Alias::new(co.table.as_str()))
                        .and_where(Expr::col(Alias::new(*inverse)).is_in(ids.iter().copied()));
                    for row in self.query_all(self.build(&q)).await? {
                        pairs.push((row_id(&row, inverse)?, row_id(&row, "id")?));
                    }
                }
                _ => {
                    let computed = addons::compute(self, model, field, ids).await?;
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
                let rules = self.rule_domain(model_of(comodel)?)?;
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
        model: &'static Model,
        ids: &'b [i64],
    ) -> BoxFuture<'b, OdooResult<HashMap<i64, String>>> {
        Box::pin(async move {
            if let Some(names) = addons::display_names(self, model, ids).await? {
                return Ok(names);
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
    pub fn readable_fields(&self, model: &'static Model) -> Vec<&'static Field> {
        model
            .fields
            .iter()
            .filter(|f| !f.write_only && self.field_allowed(f))
            .collect()
    }

    /// Resolves requested field names, refusing unknown and forbidden ones.
    pub fn resolve_fields(
        &self,
        model: &'static Model,
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
        model: &'static Model,
        ids: &'b [i64],
        fields: &'b [&'static Field],
    ) -> BoxFuture<'b, OdooResult<HashMap<i64, Map<String, Value>>>> {
        Box::pin(async move {
            let mut rows = self.fetch_columns(model, ids, fields).await?;
            for f in fields {
                if f.has_column() && f.compute.is_none() || f.name == "id" {
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
                } else if f.ty.is_x2many() && f.compute.is_none() {
                    self.x2many_ids(model, f, ids)
                        .await?
                        .into_iter()
                        .map(|(k, v)| (k, json!(v)))
                        .collect()
                } else if f.has_column() || f.compute.is_none() {
                    // A non-stored field without a compute (`res.users.login_date`,
                    // whose log table we do not keep) reads as empty.
                    continue;
                } else {
                    addons::compute(self, model, f, ids).await?
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
        let m = model_of(model)?;
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
        model: &'static Model,
        path: &str,
        ids: &[i64],
    ) -> OdooResult<HashMap<i64, Value>> {
        let (first, rest) = path
            .split_once('.')
            .ok_or_else(|| OdooError::internal("related path"))?;
        let f = model
            .get_field(first)
            .ok_or_else(|| invalid_field(model, first))?;
        let co = model_of(
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
        let m = model_of(model)?;
        self.check_access(m, Operation::Read)?;
        let fields = self.resolve_fields(m, fields)?;
        let ids = self.visible_or_forbidden(m, ids, Operation::Read).await?;
        let raw = self.raw_values(m, &ids, &fields).await?;
        let mut names: HashMap<&str, HashMap<i64, String>> = HashMap::new();
        if load_names {
            let mut wanted: HashMap<&str, HashSet<i64>> = HashMap::new();
            for f in &fields {
                if let FieldType::Many2one { comodel, .. } = &f.ty {
                    for r in raw.values() {
                        if let Some(id) = r.get(f.name).and_then(Value::as_i64) {
                            wanted.entry(comodel).or_default().insert(id);
                        }
                    }
                }
            }
            for (comodel, set) in wanted {
                let ids: Vec<i64> = set.into_iter().collect();
                names.insert(
                    comodel,
                    self.sudo().display_names(model_of(comodel)?, &ids).await?,
                );
            }
        }
        let mut out = Vec::new();
        for id in &ids {
            let Some(r) = raw.get(id) else { continue };
            let mut rec = Map::new();
            rec.insert("id".into(), json!(id));
            for f in &fields {
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

    // ------------------------------------------------------------------ defaults

    /// Default values of `fields` (all when `None`), context `default_*` keys first.
    pub async fn default_get(
        &self,
        model: &'static Model,
        fields: Option<&[String]>,
    ) -> OdooResult<Map<String, Value>> {
        let names: Vec<String> = match fields {
            Some(f) => f.to_vec(),
            None => model.fields.iter().map(|f| f.name.to_string()).collect(),
        };
        let mut out = Map::new();
        for name in names {
            let Some(field) = model.get_field(&name) else {
                continue;
            };
            if let Some(v) = self.context.get(&format!("default_{name}")) {
                out.insert(
                    name.clone(),
                    if field.ty.is_x2many() {
                        json!([[6, 0, ids_of(v)]])
                    } else {
                        v.clone()
                    },
                );
                continue;
            }
            let v = match &field.default {
                DefaultValue::None => continue,
                DefaultValue::Bool(b) => json!(b),
                DefaultValue::Int(i) => json!(i),
                DefaultValue::Number(n) => serde_json::from_str(n).unwrap_or(Value::Null),
                DefaultValue::Str(s) => json!(s),
                DefaultValue::CurrentCompany => json!(self.company_id()?),
                DefaultValue::CurrentUser => json!(self.uid()),
                DefaultValue::Now => json!(chrono::Utc::now()
                    .naive_utc()
                    .format(values::DATETIME_FORMAT)
                    .to_string()),
                DefaultValue::CompanyCurrency => {
                    let c = self.company_id()?;
                    let rows = self
                        .sudo()
                        .fetch_columns(
                            model_of("res.company")?,
                            &[c],
                            &[model_of("res.company")?
                                .get_field("currency_id")
                                .ok_or_else(|| OdooError::internal("currency_id"))?],
                        )
                        .await?;
                    rows.get(&c)
                        .and_then(|r| r.get("currency_id").cloned())
                        .unwrap_or(Value::Bool(false))
                }
                DefaultValue::XmlId(x) => self
                    .xmlid_to_res_id(x)
                    .await?
                    .map(Value::from)
                    .unwrap_or(Value::Bool(false)),
                DefaultValue::Hook(h) => addons::default_value(self, model, h).await?,
            };
            let v = if field.ty.is_x2many() && !v.is_null() && !matches!(v, Value::Bool(false)) {
                json!([[6, 0, ids_of(&v)]])
            } else {
                v
            };
            out.insert(name, v);
        }
        Ok(out)
    }

    pub async fn xmlid_to_res_id(&self, xmlid: &str) -> OdooResult<Option<i64>> {
        Ok(self.xmlid_lookup(xmlid).await?.map(|(_, id)| id))
    }

    /// `(model, res_id)` of an external id `module.name`.
    pub async fn xmlid_lookup(&self, xmlid: &str) -> OdooResult<Option<(String, i64)>> {
        let (module, name) = xmlid.split_once('.').unwrap_or(("", xmlid));
        let q = Query::select()
            .columns([Alias::new("model"), Alias::new("res_id")])
            .from(Alias::new("ir_model_data"))
            .and_where(Expr::col(Alias::new("module")).eq(module))
            .and_where(Expr::col(Alias::new("name")).eq(name))
            .to_owned();
        let rows = self.query_all(self.build(&q)).await?;
        match rows.first() {
            Some(r) => {
                let model: String = r.try_get_by("model").map_err(OdooError::internal)?;
                Ok(Some((model, row_id(r, "res_id")?)))
            }
            None => Ok(None),
        }
    }

    // ------------------------------------------------------------------ create

    pub fn create<'b>(
        &'b self,
        model: &'b str,
        vals_list: Vec<Map<String, Value>>,
    ) -> BoxFuture<'b, OdooResult<Vec<i64>>> {
        Box::pin(async move {
            let m = model_of(model)?;
            self.check_access(m, Operation::Create)?;
            let mut ids = Vec::new();
            for vals in vals_list {
                ids.push(self.create_one(m, vals).await?);
            }
            // Like Odoo's `_check_access('create')` after the insert: records the
            // rules would hide (another company's) may not be created either.
            if !self.su && self.existing(m, &ids).await?.len() != ids.len() {
                return Err(self.record_rule_error(m, Operation::Create));
            }
            Ok(ids)
        })
    }

    async fn create_one(&self, m: &'static Model, vals: Map<String, Value>) -> OdooResult<i64> {
        for k in vals.keys() {
            let f = m.get_field(k).ok_or_else(|| invalid_field(m, k))?;
            if !self.field_allowed(f) {
                return Err(self.field_access_error(m, &[f], Operation::Write));
            }
        }
        let missing: Vec<String> = m
            .fields
            .iter()
            .filter(|f| {
                !vals.contains_key(f.name)
                    && f.name != "id"
                    && (f.store || f.ty.is_x2many())
                    && f.compute.is_none()
            })
            .map(|f| f.name.to_string())
            .collect();
        let mut all = self.default_get(m, Some(&missing)).await?;
        for (k, v) in vals {
            all.insert(k, v);
        }
        addons::before_create(self, m, &mut all).await?;
        // Write-only fields (passwords) are stored by the write hooks once the id exists.
        let mut write_only = Map::new();
        for f in m.fields.iter().filter(|f| f.write_only) {
            if let Some(v) = all.remove(f.name) {
                write_only.insert(f.name.to_string(), v);
            }
        }

        let mut columns = Vec::new();
        let mut x2many = Vec::new();
        let mut related = Vec::new();
        for (k, v) in &all {
            let f = m.get_field(k).ok_or_else(|| invalid_field(m, k))?;
            if f.name == "id" || f.write_only || f.compute.is_some() {
                continue;
            }
            if f.related.is_some() {
                related.push((f, v.clone()));
            } else if f.ty.is_x2many() {
                x2many.push((f, v.clone()));
            } else if f.has_column() {
                columns.push((f, values::to_column(m.name, f, v, self.backend)?));
            }
        }
        for f in m
            .fields
            .iter()
            .filter(|f| f.required && f.has_column() && f.compute.is_none())
        {
            let present = columns
                .iter()
                .any(|(c, v)| c.name == f.name && !is_null_db(v));
            if !present {
                return Err(mandatory_error(m, f));
            }
        }
        let now = values::now_column(self.backend);
        let mut q = Query::insert();
        q.into_table(Alias::new(m.table.as_str()));
        let mut names = vec![];
        let mut vals = vec![];
        for (f, v) in columns {
            names.push(Alias::new(f.name));
            vals.push(v.into());
        }
        for (n, v) in [
            ("create_uid", sea_orm::Value::from(self.uid() as i32)),
            ("write_uid", sea_orm::Value::from(self.uid() as i32)),
            ("create_date", now.clone()),
            ("write_date", now),
        ] {
            names.push(Alias::new(n));
            vals.push(v.into());
        }
        q.columns(names);
        q.values(vals).map_err(OdooError::internal)?;
        q.returning_col(Alias::new("id"));
        let rows = self.query_all(self.build(&q)).await?;
        let id = rows
            .first()
            .map(|r| row_id(r, "id"))
            .ok_or_else(|| OdooError::internal("insert returned no id"))??;
        for (f, v) in x2many {
            self.apply_x2many(m, f, id, &v).await?;
        }
        for (f, v) in related {
            self.write_related(m, f, &[id], &v).await?;
        }
        if !write_only.is_empty() {
            addons::before_write(self, m, &[id], &mut write_only).await?;
        }
        addons::recompute(self, m, &[id]).await?;
        let changed: Vec<&str> = m.fields.iter().map(|f| f.name).collect();
        self.check_constraints(m, &[id], &changed).await?;
        addons::after_create(self, m, id).await?;
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
            let m = model_of(model)?;
            self.check_access(m, Operation::Write)?;
            self.ensure_all_exist(m, ids, Operation::Write).await?;
            let mut vals = vals;
            for k in vals.keys() {
                let f = m.get_field(k).ok_or_else(|| invalid_field(m, k))?;
                if !self.field_allowed(f) {
                    return Err(self.field_access_error(m, &[f], Operation::Write));
                }
            }
            addons::before_write(self, m, ids, &mut vals).await?;
            if ids.is_empty() {
                return Ok(());
            }
            let mut q = Query::update();
            q.table(Alias::new(m.table.as_str()));
            let mut x2many = Vec::new();
            let mut related = Vec::new();
            for (k, v) in &vals {
                let f = m.get_field(k).ok_or_else(|| invalid_field(m, k))?;
                if f.name == "id" || f.write_only || f.compute.is_some() {
                    continue;
                }
                if f.related.is_some() {
                    related.push((f, v.clone()));
                } else if f.ty.is_x2many() {
                    x2many.push((f, v.clone()));
                } else if f.has_column() {
                    let col = values::to_column(m.name, f, v, self.backend)?;
                    if f.required && is_null_db(&col) {
                        return Err(mandatory_error(m, f));
                    }
                    q.value(Alias::new(f.name), col);
                }
            }
            q.value(Alias::new("write_uid"), self.uid() as i32);
            q.value(Alias::new("write_date"), values::now_column(self.backend));
            q.and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()));
            self.execute(self.build(&q)).await?;
            for id in ids {
                for (f, v) in &x2many {
                    self.apply_x2many(m, f, *id, v).await?;
                }
            }
            for (f, v) in related {
                self.write_related(m, f, ids, &v).await?;
            }
            addons::recompute(self, m, ids).await?;
            let changed: Vec<&str> = vals.keys().map(|s| s.as_str()).collect();
            self.check_constraints(m, ids, &changed).await?;
            addons::after_write(self, m, ids, &vals).await?;
            Ok(())
        })
    }

    async fn write_related(
        &self,
        m: &'static Model,
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

    /// Applies x2many commands (or a plain id list, or `false`) to one record.
    fn apply_x2many<'b>(
        &'b self,
        m: &'static Model,
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
                let co = model_of(comodel)?;
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
                let co = model_of(comodel)?;
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

    async fn check_constraints(
        &self,
        m: &'static Model,
        ids: &[i64],
        changed: &[&str],
    ) -> OdooResult<()> {
        for c in &m.constraints {
            if let Constraint::Check { hook, fields } = c {
                if fields.iter().any(|f| changed.contains(f)) {
                    addons::check(self, m, hook, ids).await?;
                }
            }
        }
        Ok(())
    }

    // ------------------------------------------------------------------ unlink

    pub fn unlink<'b>(&'b self, model: &'b str, ids: &'b [i64]) -> BoxFuture<'b, OdooResult<()>> {
        Box::pin(async move {
            let m = model_of(model)?;
            self.check_access(m, Operation::Unlink)?;
            let ids = self.visible_or_forbidden(m, ids, Operation::Unlink).await?;
            if ids.is_empty() {
                return Ok(());
            }
            addons::before_unlink(self, m, &ids).await?;
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
        let m = model_of(model)?;
        self.check_access(m, Operation::Read)?;
        self.ensure_all_exist(m, &[id], Operation::Read).await?;
        let fields: Vec<&'static Field> = m
            .fields
            .iter()
            .filter(|f| {
                f.copy
                    && f.compute.is_none()
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
            if addons::copy_renames(m) {
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

    // ------------------------------------------------------------------ fields_get

    pub async fn fields_get(
        &self,
        model: &'static Model,
        allfields: Option<&[String]>,
        attributes: Option<&[String]>,
    ) -> OdooResult<Map<String, Value>> {
        let mut out = Map::new();
        for f in &model.fields {
            if f.write_only && f.name != "password" || !self.field_allowed(f) {
                continue;
            }
            if let Some(names) = allfields.filter(|a| !a.is_empty()) {
                if !names.iter().any(|n| n == f.name) {
                    continue;
                }
            }
            let mut d = Map::new();
            d.insert("type".into(), json!(f.ty.odoo_name()));
            d.insert("string".into(), json!(f.string));
            if let Some(h) = f.help {
                d.insert("help".into(), json!(h));
            }
            d.insert("readonly".into(), json!(f.readonly || f.name == "id"));
            d.insert("required".into(), json!(f.required));
            d.insert(
                "store".into(),
                json!(f.store || (f.ty.is_x2many() && f.compute.is_none() && f.related.is_none())),
            );
            d.insert(
                "searchable".into(),
                json!(f.store || f.name == "display_name"),
            );
            d.insert("sortable".into(), json!(f.has_column() || f.name == "id"));
            d.insert("manual".into(), json!(false));
            d.insert("depends".into(), json!([]));
            d.insert("company_dependent".into(), json!(false));
            d.insert("name".into(), json!(f.name));
            if let Some(g) = f.groups {
                d.insert("groups".into(), json!(g));
            }
            match &f.ty {
                FieldType::Selection(options) => {
                    let opts = addons::selection_options(self, model, f, options).await?;
                    d.insert(
                        "selection".into(),
                        json!(opts.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>()),
                    );
                }
                FieldType::Many2one { comodel, .. } => {
                    d.insert("relation".into(), json!(comodel));
                    d.insert("domain".into(), json!([]));
                    d.insert("context".into(), json!({}));
                }
                FieldType::One2many { comodel, inverse } => {
                    d.insert("relation".into(), json!(comodel));
                    d.insert("relation_field".into(), json!(inverse));
                    d.insert("domain".into(), json!([]));
                    d.insert("context".into(), json!({}));
                }
                FieldType::Many2many { comodel, .. } => {
                    d.insert("relation".into(), json!(comodel));
                    d.insert("domain".into(), json!([]));
                    d.insert("context".into(), json!({}));
                }
                FieldType::Char { size } => {
                    if let Some(s) = size {
                        d.insert("size".into(), json!(s));
                    }
                    d.insert("translate".into(), json!(false));
                    d.insert("trim".into(), json!(true));
                }
                FieldType::Monetary { currency_field } => {
                    d.insert("currency_field".into(), json!(currency_field));
                    d.insert("aggregator".into(), json!("sum"));
                }
                _ => {}
            }
            if let Some(r) = f.related {
                d.insert("related".into(), json!(r));
            }
            if let Some(attrs) = attributes.filter(|a| !a.is_empty()) {
                d.retain(|k, _| attrs.iter().any(|a| a == k));
            }
            out.insert(f.name.to_string(), Value::Object(d));
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
        let m = model_of(model)?;
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

fn is_null_db(v: &sea_orm::Value) -> bool {
    matches!(
        v,
        sea_orm::Value::String(None)
            | sea_orm::Value::Int(None)
            | sea_orm::Value::ChronoDate(None)
            | sea_orm::Value::ChronoDateTime(None)
    )
}

fn mandatory_error(m: &Model, f: &Field) -> OdooError {
    OdooError::ValidationError(format!(
        "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: {} ({})\nField: {} ({})",
        m.description, m.name, f.string, f.name
    ))
}

/// How a group is named in messages ("Point of Sale / User").
pub fn group_label(xmlid: &str) -> String {
    match xmlid {
        "base.group_user" => "Role / User".into(),
        "base.group_system" => "Administration / Settings".into(),
        "point_of_sale.group_pos_user" => "Point of Sale / User".into(),
        "point_of_sale.group_pos_manager" => "Point of Sale / Administrator".into(),
        other => other.into(),
    }
}

/// An integer column of a row, whatever width the backend returns.
pub fn row_id(row: &sea_orm::QueryResult, col: &str) -> OdooResult<i64> {
    if let Ok(v) = row.try_get_by::<i64, _>(col) {
        return Ok(v);
    }
    row.try_get_by::<i32, _>(col)
        .map(i64::from)
        .map_err(|e| OdooError::internal(format!("reading {col}: {e}")))
}
