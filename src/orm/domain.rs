//! Odoo domains: parsed once from JSON into a typed tree, then compiled into
//! parameterised sea-query expressions. Values never reach SQL text.

use models::{Field, FieldType, Model};
use sea_orm::sea_query::{Alias, Expr, Func, Query, SelectStatement, SimpleExpr};
use sea_orm::DbBackend;
use serde_json::Value;

use super::registry::Registry;
use super::values::{self, python_repr};
use crate::errors::{OdooError, OdooResult};

/// Comparison operators of a domain leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    EqOpt,
    Like,
    NotLike,
    ILike,
    NotILike,
    EqLike,
    EqILike,
    In,
    NotIn,
    ChildOf,
    ParentOf,
    Any,
    NotAny,
}

impl Op {
    pub fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "=" | "==" => Op::Eq,
            "!=" | "<>" => Op::Ne,
            "<" => Op::Lt,
            ">" => Op::Gt,
            "<=" => Op::Le,
            ">=" => Op::Ge,
            "=?" => Op::EqOpt,
            "like" => Op::Like,
            "not like" => Op::NotLike,
            "ilike" => Op::ILike,
            "not ilike" => Op::NotILike,
            "=like" => Op::EqLike,
            "=ilike" => Op::EqILike,
            "in" => Op::In,
            "not in" => Op::NotIn,
            "child_of" => Op::ChildOf,
            "parent_of" => Op::ParentOf,
            "any" => Op::Any,
            "not any" => Op::NotAny,
            _ => return None,
        })
    }

    /// The operator as written in a domain.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Ge => ">=",
            Op::EqOpt => "=?",
            Op::Like => "like",
            Op::NotLike => "not like",
            Op::ILike => "ilike",
            Op::NotILike => "not ilike",
            Op::EqLike => "=like",
            Op::EqILike => "=ilike",
            Op::In => "in",
            Op::NotIn => "not in",
            Op::ChildOf => "child_of",
            Op::ParentOf => "parent_of",
            Op::Any => "any",
            Op::NotAny => "not any",
        }
    }

    /// Operators that also match NULL, per Odoo's rules.
    fn is_negative(self) -> bool {
        matches!(
            self,
            Op::Ne | Op::NotLike | Op::NotILike | Op::NotIn | Op::NotAny
        )
    }

    /// The operator Odoo swaps in when it pushes a `!` down onto a leaf
    /// (`TERM_OPERATORS_NEGATION`); `None` keeps the `!` as SQL `NOT`.
    fn negation(self) -> Option<Op> {
        Some(match self {
            Op::Eq => Op::Ne,
            Op::Ne => Op::Eq,
            Op::Lt => Op::Ge,
            Op::Ge => Op::Lt,
            Op::Gt => Op::Le,
            Op::Le => Op::Gt,
            Op::Like => Op::NotLike,
            Op::NotLike => Op::Like,
            Op::ILike => Op::NotILike,
            Op::NotILike => Op::ILike,
            Op::In => Op::NotIn,
            Op::NotIn => Op::In,
            Op::Any => Op::NotAny,
            Op::NotAny => Op::Any,
            _ => return None,
        })
    }

    fn positive(self) -> Op {
        match self {
            Op::Ne => Op::Eq,
            Op::NotLike => Op::Like,
            Op::NotILike => Op::ILike,
            Op::NotIn => Op::In,
            Op::NotAny => Op::Any,
            other => other,
        }
    }
}

/// A parsed domain.
#[derive(Clone, Debug, PartialEq)]
pub enum Domain {
    True,
    False,
    And(Vec<Domain>),
    Or(Vec<Domain>),
    Not(Box<Domain>),
    Leaf {
        path: Vec<String>,
        op: Op,
        value: Value,
        raw: Value,
    },
}

fn syntax_error(domain: &Value) -> OdooError {
    OdooError::ValueError(format!(
        "Domain {} is syntactically not correct.",
        python_repr(domain)
    ))
}

fn leaf_repr(raw: &Value) -> String {
    match raw {
        Value::Array(items) => format!(
            "({})",
            items.iter().map(python_repr).collect::<Vec<_>>().join(", ")
        ),
        other => python_repr(other),
    }
}

impl Domain {
    /// Parses Odoo's prefix notation; `null`/`false` mean the empty domain.
    pub fn parse(v: &Value) -> OdooResult<Domain> {
        let items = match v {
            Value::Null | Value::Bool(false) => return Ok(Domain::True),
            Value::Array(items) => items,
            _ => return Err(syntax_error(v)),
        };
        let mut pos = 0;
        let mut terms = Vec::new();
        while pos < items.len() {
            terms.push(Self::parse_one(items, &mut pos, v)?);
        }
        Ok(match terms.len() {
            0 => Domain::True,
            1 => terms.pop().unwrap_or(Domain::True),
            _ => Domain::And(terms),
        })
    }

    fn parse_one(items: &[Value], pos: &mut usize, whole: &Value) -> OdooResult<Domain> {
        let item = items.get(*pos).ok_or_else(|| syntax_error(whole))?;
        *pos += 1;
        match item {
            Value::String(s) if s == "&" || s == "|" => {
                let a = Self::parse_one(items, pos, whole)?;
                let b = Self::parse_one(items, pos, whole)?;
                Ok(if s == "&" {
                    Domain::And(vec![a, b])
                } else {
                    Domain::Or(vec![a, b])
                })
            }
            Value::String(s) if s == "!" => {
                Ok(Domain::Not(Box::new(Self::parse_one(items, pos, whole)?)))
            }
            Value::Array(leaf) if leaf.len() == 3 => {
                if leaf[0] == 1 && leaf[1] == "=" && leaf[2] == 1 {
                    return Ok(Domain::True);
                }
                if leaf[0] == 0 && leaf[1] == "=" && leaf[2] == 1 {
                    return Ok(Domain::False);
                }
                let (Value::String(path), Value::String(op)) = (&leaf[0], &leaf[1]) else {
                    return Err(OdooError::ValueError(format!(
                        "Invalid leaf {}",
                        leaf_repr(item)
                    )));
                };
                let op = Op::parse(&op.to_lowercase()).ok_or_else(|| {
                    OdooError::ValueError(format!("Invalid leaf {}", leaf_repr(item)))
                })?;
                if path.is_empty() {
                    return Err(OdooError::ValueError(format!(
                        "Invalid leaf {}",
                        leaf_repr(item)
                    )));
                }
                Ok(Domain::Leaf {
                    path: path.split('.').map(str::to_string).collect(),
                    op,
                    value: leaf[2].clone(),
                    raw: item.clone(),
                })
            }
            _ => Err(syntax_error(whole)),
        }
    }

    /// Back to Odoo's prefix notation (used to hand a rewritten sub-domain to `any`).
    pub fn to_json(&self) -> Value {
        fn items(d: &Domain, out: &mut Vec<Value>) {
            match d {
                Domain::True => out.push(serde_json::json!([1, "=", 1])),
                Domain::False => out.push(serde_json::json!([0, "=", 1])),
                Domain::And(v) | Domain::Or(v) if v.is_empty() => {
                    items(
                        if matches!(d, Domain::And(_)) {
                            &Domain::True
                        } else {
                            &Domain::False
                        },
                        out,
                    );
                }
                Domain::And(v) | Domain::Or(v) => {
                    let op = if matches!(d, Domain::And(_)) {
                        "&"
                    } else {
                        "|"
                    };
                    for _ in 1..v.len() {
                        out.push(Value::String(op.into()));
                    }
                    for sub in v {
                        items(sub, out);
                    }
                }
                Domain::Not(sub) => {
                    out.push(Value::String("!".into()));
                    items(sub, out);
                }
                Domain::Leaf {
                    path, op, value, ..
                } => out.push(serde_json::json!([path.join("."), op.as_str(), value])),
            }
        }
        let mut out = Vec::new();
        items(self, &mut out);
        Value::Array(out)
    }

    /// Whether any leaf filters on `field` (at the top of its path).
    pub fn mentions(&self, field: &str) -> bool {
        match self {
            Domain::True | Domain::False => false,
            Domain::And(v) | Domain::Or(v) => v.iter().any(|d| d.mentions(field)),
            Domain::Not(d) => d.mentions(field),
            Domain::Leaf { path, .. } => path[0] == field,
        }
    }

    /// `!self` distributed the way Odoo does it (`distribute_not`): De Morgan on `&`
    /// and `|`, and leaf operators swapped for their negation, so that `!(f = v)`
    /// matches NULL exactly like `f != v`. `None` when the `!` must stay a SQL `NOT`.
    pub fn negate(&self) -> Option<Domain> {
        let not = |d: &Domain| {
            d.negate()
                .unwrap_or_else(|| Domain::Not(Box::new(d.clone())))
        };
        Some(match self {
            Domain::True => Domain::False,
            Domain::False => Domain::True,
            Domain::And(items) => Domain::Or(items.iter().map(not).collect()),
            Domain::Or(items) => Domain::And(items.iter().map(not).collect()),
            Domain::Not(d) => (**d).clone(),
            Domain::Leaf {
                path,
                op,
                value,
                raw,
            } => Domain::Leaf {
                path: path.clone(),
                op: op.negation()?,
                value: value.clone(),
                raw: raw.clone(),
            },
        })
    }

    pub fn and(self, other: Domain) -> Domain {
        match (self, other) {
            (Domain::True, d) | (d, Domain::True) => d,
            (a, b) => Domain::And(vec![a, b]),
        }
    }

    pub fn leaf(field: &str, op: Op, value: Value) -> Domain {
        let raw = serde_json::json!([field, op.as_str(), value.clone()]);
        Domain::Leaf {
            path: vec![field.to_string()],
            op,
            value,
            raw,
        }
    }
}

/// Compiles domains for one backend. `active_test` applies Odoo's archived-record
/// filter to subqueries on related models.
#[derive(Clone, Copy)]
pub struct Compiler {
    pub backend: DbBackend,
    /// Where the comodels of relational paths are looked up.
    pub registry: &'static Registry,
}

fn col(table: &str, name: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(name)))
}

fn truth(b: bool) -> SimpleExpr {
    Expr::val(1).eq(if b { 1 } else { 0 })
}

fn is_falsy(v: &Value) -> bool {
    matches!(v, Value::Bool(false) | Value::Null)
}

fn like_pattern(op: Op, v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match op {
        Op::Like | Op::NotLike | Op::ILike | Op::NotILike => format!("%{s}%"),
        _ => s,
    }
}

impl Compiler {
    /// `SELECT id FROM <model> WHERE <domain>` as a subquery.
    pub fn id_subquery(&self, model: &Model, domain: &Domain) -> OdooResult<SelectStatement> {
        let mut q = Query::select();
        q.column((Alias::new(model.table.as_str()), Alias::new("id")))
            .from(Alias::new(model.table.as_str()));
        q.and_where(self.compile(model, domain)?);
        Ok(q)
    }

    pub fn compile(&self, model: &Model, domain: &Domain) -> OdooResult<SimpleExpr> {
        Ok(match domain {
            Domain::True => truth(true),
            Domain::False => truth(false),
            Domain::And(items) => {
                let mut it = items.iter();
                let mut acc = match it.next() {
                    Some(d) => self.compile(model, d)?,
                    None => truth(true),
                };
                for d in it {
                    acc = acc.and(self.compile(model, d)?);
                }
                acc
            }
            Domain::Or(items) => {
                let mut it = items.iter();
                let mut acc = match it.next() {
                    Some(d) => self.compile(model, d)?,
                    None => truth(false),
                };
                for d in it {
                    acc = acc.or(self.compile(model, d)?);
                }
                acc
            }
            Domain::Not(d) => match d.negate() {
                Some(negated) => self.compile(model, &negated)?,
                None => self.compile(model, d)?.not(),
            },
            Domain::Leaf {
                path,
                op,
                value,
                raw,
            } => self.leaf(model, path, *op, value, raw)?,
        })
    }

    fn field<'m>(&self, model: &'m Model, name: &str, raw: &Value) -> OdooResult<&'m Field> {
        let name = if name == "display_name" {
            model.rec_name
        } else {
            name
        };
        model.get_field(name).ok_or_else(|| {
            OdooError::ValueError(format!(
                "Invalid field {}.{} in leaf {}",
                model.name,
                name,
                leaf_repr(raw)
            ))
        })
    }

    fn leaf(
        &self,
        model: &Model,
        path: &[String],
        op: Op,
        value: &Value,
        raw: &Value,
    ) -> OdooResult<SimpleExpr> {
        let field = self.field(model, &path[0], raw)?;
        let table = model.table.as_str();
        if path.len() > 1 {
            let comodel = field
                .ty
                .comodel()
                .and_then(|c| self.registry.get(c))
                .ok_or_else(|| {
                    OdooError::ValueError(format!(
                        "Invalid field {}.{} in leaf {}",
                        model.name,
                        path[0],
                        leaf_repr(raw)
                    ))
                })?;
            let rest = Domain::Leaf {
                path: path[1..].to_vec(),
                op,
                value: value.clone(),
                raw: raw.clone(),
            };
            return self.relational_in(model, field, comodel, &rest, false);
        }
        // Plain x2many fields have no column but are searchable through their
        // relation; computed and related fields are not.
        let searchable_x2many = field.ty.is_x2many() && !field.computed;
        if field.related.is_some() || (!field.store && field.name != "id" && !searchable_x2many) {
            return Err(OdooError::ValueError(format!(
                "Non-stored field {}.{} cannot be searched.",
                model.name, field.name
            )));
        }
        match &field.ty {
            FieldType::Many2one { comodel, .. } => {
                let comodel = self
                    .registry
                    .get(comodel)
                    .ok_or_else(|| OdooError::internal("unknown comodel"))?;
                if matches!(op, Op::Any | Op::NotAny) {
                    let sub = Domain::parse(value)?;
                    let inner = self.id_subquery(comodel, &sub)?;
                    return Ok(if op == Op::Any {
                        col(table, field.name).in_subquery(inner)
                    } else {
                        col(table, field.name)
                            .not_in_subquery(inner)
                            .or(col(table, field.name).is_null())
                    });
                }
                if names_a_record(value) {
                    // A many2one compared to a name matches the related records by name.
                    let pos = op.positive();
                    let sub = Domain::Leaf {
                        path: vec![comodel.rec_name.to_string()],
                        op: pos,
                        value: value.clone(),
                        raw: raw.clone(),
                    };
                    let inner = self.id_subquery(comodel, &sub)?;
                    return Ok(if op.is_negative() {
                        col(table, field.name)
                            .not_in_subquery(inner)
                            .or(col(table, field.name).is_null())
                    } else {
                        col(table, field.name).in_subquery(inner)
                    });
                }
                self.scalar(table, field, op, value, raw)
            }
            FieldType::One2many { comodel, .. } | FieldType::Many2many { comodel, .. } => {
                let comodel = self
                    .registry
                    .get(comodel)
                    .ok_or_else(|| OdooError::internal("unknown comodel"))?;
                let sub = match op {
                    Op::Any | Op::NotAny => Domain::parse(value)?,
                    _ if is_falsy(value) => {
                        // `(x2many, '=', False)`: no related record at all.
                        let has_any =
                            self.relational_in(model, field, comodel, &Domain::True, false)?;
                        return Ok(if op.is_negative() {
                            has_any
                        } else {
                            has_any.not()
                        });
                    }
                    _ if names_a_record(value) => Domain::Leaf {
                        path: vec![comodel.rec_name.to_string()],
                        op: op.positive(),
                        value: value.clone(),
                        raw: raw.clone(),
                    },
                    _ => Domain::Leaf {
                        path: vec!["id".into()],
                        op: Op::In,
                        value: as_list(value),
                        raw: raw.clone(),
                    },
                };
                self.relational_in(model, field, comodel, &sub, op.is_negative())
            }
            _ => self.scalar(table, field, op, value, raw),
        }
    }

    /// `id IN (records whose <field> matches <sub> on the comodel)`, for many2one and
    /// x2many fields, negated when asked.
    fn relational_in(
        &self,
        model: &Model,
        field: &Field,
        comodel: &Model,
        sub: &Domain,
        negate: bool,
    ) -> OdooResult<SimpleExpr> {
        let table = model.table.as_str();
        let inner = self.id_subquery(comodel, sub)?;
        let expr = match &field.ty {
            FieldType::Many2one { .. } => {
                let e = col(table, field.name).in_subquery(inner);
                if negate {
                    return Ok(col(table, field.name)
                        .not_in_subquery(self.id_subquery(comodel, sub)?)
                        .or(col(table, field.name).is_null()));
                }
                e
            }
            FieldType::One2many { inverse, .. } => {
                let mut q = Query::select();
                q.column((Alias::new(comodel.table.as_str()), Alias::new(*inverse)))
                    .from(Alias::new(comodel.table.as_str()))
                    .and_where(col(comodel.table.as_str(), inverse).is_not_null())
                    .and_where(col(comodel.table.as_str(), "id").in_subquery(inner));
                col(table, "id").in_subquery(q)
            }
            FieldType::Many2many {
                relation,
                column1,
                column2,
                ..
            } => {
                let (relation, column1, column2) =
                    resolve_m2m(model, field, relation, column1, column2);
                let mut q = Query::select();
                q.column(Alias::new(column1))
                    .from(Alias::new(relation))
                    .and_where(Expr::col(Alias::new(column2)).in_subquery(inner));
                col(table, "id").in_subquery(q)
            }
            _ => {
                return Err(OdooError::ValueError(format!(
                    "Field {}.{} is not relational",
                    model.name, field.name
                )))
            }
        };
        Ok(if negate { expr.not() } else { expr })
    }

    fn scalar(
        &self,
        table: &str,
        field: &Field,
        op: Op,
        value: &Value,
        raw: &Value,
    ) -> OdooResult<SimpleExpr> {
        let c = || col(table, field.name);
        let is_bool = matches!(field.ty, FieldType::Boolean);
        let money_as_text =
            matches!(field.ty, FieldType::Monetary { .. }) && self.backend == DbBackend::Sqlite;
        // SQLite keeps money as text: compare numerically.
        let cmp_col = || -> SimpleExpr {
            if money_as_text {
                c().cast_as(Alias::new("REAL"))
            } else {
                c().into()
            }
        };
        let val = |v: &Value| self.value(field, v, raw);
        Ok(match op {
            Op::Eq | Op::Ne if matches!(value, Value::Array(_)) => {
                return self.scalar(
                    table,
                    field,
                    if op == Op::Eq { Op::In } else { Op::NotIn },
                    value,
                    raw,
                )
            }
            Op::EqOpt if is_falsy(value) => truth(true),
            Op::EqOpt => return self.scalar(table, field, Op::Eq, value, raw),
            Op::Eq if is_falsy(value) => {
                if is_bool {
                    c().is_null().or(c().eq(false))
                } else {
                    c().is_null()
                }
            }
            Op::Ne if is_falsy(value) => {
                if is_bool {
                    c().eq(true)
                } else {
                    c().is_not_null()
                }
            }
            Op::Eq if is_bool => {
                if truthy(value) {
                    c().eq(true)
                } else {
                    c().is_null().or(c().eq(false))
                }
            }
            Op::Ne if is_bool => {
                if truthy(value) {
                    c().is_null().or(c().eq(false))
                } else {
                    c().eq(true)
                }
            }
            Op::Eq => Expr::expr(cmp_col()).eq(val(value)?),
            Op::Ne => Expr::expr(cmp_col()).ne(val(value)?).or(c().is_null()),
            Op::Lt => Expr::expr(cmp_col()).lt(val(value)?),
            Op::Gt => Expr::expr(cmp_col()).gt(val(value)?),
            Op::Le => Expr::expr(cmp_col()).lte(val(value)?),
            Op::Ge => Expr::expr(cmp_col()).gte(val(value)?),
            Op::Like | Op::EqLike => {
                Expr::expr(c().cast_as(Alias::new("TEXT"))).like(like_pattern(op, value))
            }
            Op::ILike | Op::EqILike => Expr::expr(Func::lower(c().cast_as(Alias::new("TEXT"))))
                .like(like_pattern(op, value).to_lowercase()),
            Op::NotLike => Expr::expr(c().cast_as(Alias::new("TEXT")))
                .not_like(like_pattern(op, value))
                .or(c().is_null()),
            Op::NotILike => Expr::expr(Func::lower(c().cast_as(Alias::new("TEXT"))))
                .not_like(like_pattern(op, value).to_lowercase())
                .or(c().is_null()),
            Op::In | Op::NotIn | Op::ChildOf | Op::ParentOf => {
                let list = match as_list(value) {
                    Value::Array(items) => items,
                    _ => vec![],
                };
                let has_false = list.iter().any(is_falsy) && !is_bool;
                let mut vals = Vec::new();
                for v in list.iter().filter(|v| is_bool || !is_falsy(v)) {
                    vals.push(val(v)?);
                }
                let positive = op != Op::NotIn;
                match (positive, vals.is_empty(), has_false) {
                    (true, true, false) => truth(false),
                    (true, true, true) => c().is_null(),
                    (true, false, false) => Expr::expr(cmp_col()).is_in(vals),
                    (true, false, true) => Expr::expr(cmp_col()).is_in(vals).or(c().is_null()),
                    (false, true, false) => truth(true),
                    (false, true, true) => c().is_not_null(),
                    (false, false, false) => {
                        Expr::expr(cmp_col()).is_not_in(vals).or(c().is_null())
                    }
                    (false, false, true) => {
                        Expr::expr(cmp_col()).is_not_in(vals).and(c().is_not_null())
                    }
                }
            }
            Op::Any | Op::NotAny => {
                return Err(OdooError::ValueError(format!(
                    "Invalid leaf {}: 'any' needs a relational field",
                    leaf_repr(raw)
                )))
            }
        })
    }

    /// A domain value converted to the field's column type.
    fn value(&self, field: &Field, v: &Value, raw: &Value) -> OdooResult<sea_orm::Value> {
        let bad = || {
            OdooError::ValueError(format!(
                "Invalid value {} in leaf {}",
                python_repr(v),
                leaf_repr(raw)
            ))
        };
        Ok(match &field.ty {
            FieldType::Char { .. } | FieldType::Text | FieldType::Selection(_) => match v {
                Value::String(s) => s.clone().into(),
                Value::Number(n) => n.to_string().into(),
                Value::Bool(b) => b.to_string().into(),
                _ => return Err(bad()),
            },
            FieldType::Integer
            | FieldType::Many2one { .. }
            | FieldType::One2many { .. }
            | FieldType::Many2many { .. } => match v {
                Value::Number(n) => n
                    .as_i64()
                    .map(sea_orm::Value::from)
                    .or_else(|| n.as_f64().map(sea_orm::Value::from))
                    .ok_or_else(bad)?,
                Value::Bool(b) => i64::from(*b).into(),
                Value::String(s) => s.trim().parse::<i64>().map_err(|_| bad())?.into(),
                _ => return Err(bad()),
            },
            FieldType::Boolean => truthy(v).into(),
            FieldType::Float | FieldType::Monetary { .. } => match v {
                Value::Number(n) => n.as_f64().ok_or_else(bad)?.into(),
                Value::String(s) => s.trim().parse::<f64>().map_err(|_| bad())?.into(),
                Value::Bool(b) => f64::from(u8::from(*b)).into(),
                _ => return Err(bad()),
            },
            FieldType::Date | FieldType::Datetime => match v {
                Value::String(_) => {
                    values::to_column("", field, v, self.backend).map_err(|_| bad())?
                }
                _ => return Err(bad()),
            },
        })
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => false,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

fn as_list(v: &Value) -> Value {
    match v {
        Value::Array(_) => v.clone(),
        other => Value::Array(vec![other.clone()]),
    }
}

/// Whether a many2one/x2many comparison value is a name rather than ids.
fn names_a_record(v: &Value) -> bool {
    match v {
        Value::String(_) => true,
        Value::Array(items) => {
            !items.is_empty() && items.iter().all(|i| matches!(i, Value::String(_)))
        }
        _ => false,
    }
}

/// Many2many fields declared with an empty relation (computed ones) never reach SQL;
/// the others name their relation table and columns.
pub fn resolve_m2m<'a>(
    _model: &Model,
    _field: &Field,
    relation: &'a str,
    column1: &'a str,
    column2: &'a str,
) -> (&'a str, &'a str, &'a str) {
    (relation, column1, column2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orm::registry::tests::declarations_only;
    use sea_orm::sea_query::SqliteQueryBuilder;
    use serde_json::json;

    fn sql(model: &str, domain: Value) -> String {
        let registry = declarations_only();
        let m = registry.get(model).unwrap();
        let d = Domain::parse(&domain).unwrap();
        let q = Compiler {
            backend: DbBackend::Sqlite,
            registry,
        }
        .id_subquery(m, &d)
        .unwrap();
        q.to_string(SqliteQueryBuilder)
    }

    #[test]
    fn prefix_operators_take_their_operands() {
        let d = Domain::parse(&json!([
            "|",
            ["name", "=", "a"],
            "!",
            ["name", "=", "b"],
            ["id", ">", 3]
        ]))
        .unwrap();
        assert!(matches!(d, Domain::And(ref v) if v.len() == 2));
        assert!(Domain::parse(&json!(["&", ["name", "=", "a"]])).is_err());
        assert!(Domain::parse(&json!([["name", "=="]])).is_err());
        let err = Domain::parse(&json!([["name", "equals", 1]])).unwrap_err();
        assert_eq!(
            err,
            OdooError::ValueError("Invalid leaf ('name', 'equals', 1)".into())
        );
    }

    #[test]
    fn null_rules_follow_odoo() {
        let s = sql(
            "pos.payment.method",
            json!([["stripe_serial_number", "=", false]]),
        );
        assert!(s.contains("\"stripe_serial_number\" IS NULL"), "{s}");
        let s = sql(
            "pos.payment.method",
            json!([["stripe_serial_number", "!=", "X"]]),
        );
        assert!(
            s.contains("<> 'X' OR \"pos_payment_method\".\"stripe_serial_number\" IS NULL"),
            "{s}"
        );
        let s = sql(
            "pos.payment.method",
            json!([["split_transactions", "=", false]]),
        );
        assert!(s.contains("IS NULL OR"), "{s}");
        let s = sql("pos.payment.method", json!([["id", "in", []]]));
        assert!(s.contains("1 = 0"), "{s}");
        let s = sql("pos.payment.method", json!([["id", "not in", []]]));
        assert!(s.contains("1 = 1"), "{s}");
    }

    #[test]
    fn domains_round_trip_to_json() {
        for d in [
            json!(["|", ["name", "=", "a"], "!", ["id", "in", [1, 2]]]),
            json!([
                "&",
                "&",
                ["a", "=", 1],
                ["b", "child_of", 3],
                ["c.d", "not any", [["e", "=", false]]]
            ]),
            json!([[1, "=", 1]]),
        ] {
            let parsed = Domain::parse(&d).unwrap();
            assert_eq!(parsed.to_json(), d);
            assert_eq!(Domain::parse(&parsed.to_json()).unwrap(), parsed);
        }
    }

    #[test]
    fn not_is_distributed_like_odoo() {
        // `!(f = v)` is `f != v`, NULL included; De Morgan through `|`.
        let s = sql(
            "pos.payment.method",
            json!(["!", ["stripe_serial_number", "=", "X"]]),
        );
        assert!(s.contains("<> 'X' OR"), "{s}");
        assert!(!s.contains("NOT"), "{s}");
        let s = sql(
            "pos.payment.method",
            json!(["!", "|", ["name", "=", "a"], ["sequence", "<", 3]]),
        );
        assert!(s.contains("\"sequence\" >= 3"), "{s}");
        // Operators without a negation keep a SQL NOT.
        let s = sql("pos.payment.method", json!(["!", ["name", "=like", "a%"]]));
        assert!(s.contains("NOT"), "{s}");
        let d = Domain::parse(&json!(["!", "!", ["name", "=", "a"]])).unwrap();
        assert_eq!(
            d.negate().and_then(|n| n.negate()),
            Domain::parse(&json!(["!", ["name", "=", "a"]]))
                .unwrap()
                .negate()
        );
    }

    #[test]
    fn values_are_bound_never_interpolated_into_identifiers() {
        let err = Domain::parse(&json!([["name; DROP TABLE x", "=", 1]])).and_then(|d| {
            Compiler {
                backend: DbBackend::Sqlite,
                registry: declarations_only(),
            }
            .compile(declarations_only().get("pos.config").unwrap(), &d)
        });
        assert!(
            matches!(err, Err(OdooError::ValueError(m)) if m.starts_with("Invalid field pos.config.name; DROP TABLE x in leaf"))
        );
    }

    #[test]
    fn dotted_paths_become_subqueries() {
        let s = sql(
            "pos.payment.method",
            json!([["journal_id.type", "=", "bank"]]),
        );
        assert!(
            s.contains(
                "\"journal_id\" IN (SELECT \"account_journal\".\"id\" FROM \"account_journal\""
            ),
            "{s}"
        );
    }
}
