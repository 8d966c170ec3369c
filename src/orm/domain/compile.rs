//! Compiling a [`Domain`] into a parameterised sea-query expression: Odoo's NULL
//! rules, `!` pushed down as Odoo does, dotted paths as subqueries, x2many leaves
//! through their relation tables.

use models::{Field, FieldType, Model};
use sea_orm::sea_query::{Expr, Func, Query, SelectStatement, SimpleExpr};
use sea_orm::DbBackend;
use serde_json::Value;

use super::{leaf_repr, Domain, Op};
use crate::errors::{OdooError, OdooResult};
use crate::orm::values::{self, python_repr};
use crate::orm::Ident;

/// Compiles domains for one backend. `active_test` applies Odoo's archived-record
/// filter to subqueries on related models.
#[derive(Clone, Copy)]
pub struct Compiler {
    pub backend: DbBackend,
    /// Where the comodels of relational paths are looked up.
    pub models: &'static dyn Declarations,
}

/// The model declarations a domain is compiled against (the registry's).
pub trait Declarations: Sync {
    fn declaration(&self, name: &str) -> Option<&Model>;
}

fn col(table: &str, name: &'static str) -> Expr {
    Expr::col((Ident::new(table.to_string()), Ident::new(name)))
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
        q.column((Ident::new(model.table.clone()), Ident::new("id")))
            .from(Ident::new(model.table.clone()));
        q.and_where(self.compile(model, domain)?);
        Ok(q)
    }

    pub fn compile(&self, model: &Model, domain: &Domain) -> OdooResult<SimpleExpr> {
        Ok(match domain {
            Domain::True => truth(true),
            Domain::False => truth(false),
            Domain::And(items) | Domain::Or(items) => {
                let and = matches!(domain, Domain::And(_));
                let exprs = items
                    .iter()
                    .map(|d| self.compile(model, d))
                    .collect::<OdooResult<Vec<_>>>()?;
                balanced(exprs, and)
            }
            Domain::Not(d) => match (d.negate(), &**d) {
                (Some(negated), _) => self.compile(model, &negated)?,
                // `!(a.b op v)` is `a not any [(b op v)]`: records without an `a`
                // match too, as in Odoo.
                (
                    None,
                    Domain::Leaf {
                        path,
                        op,
                        value,
                        raw,
                    },
                ) if path.len() > 1 => {
                    let sub = serde_json::json!([[path[1..].join("."), op.as_str(), value]]);
                    self.leaf(model, &path[..1], Op::NotAny, &sub, raw)?
                }
                (None, _) => self.compile(model, d)?.not(),
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
                .and_then(|c| self.models.declaration(c))
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
                    .models
                    .declaration(comodel)
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
                    .models
                    .declaration(comodel)
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
                q.column((Ident::new(comodel.table.clone()), Ident::new(*inverse)))
                    .from(Ident::new(comodel.table.clone()))
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
                q.column(Ident::new(column1))
                    .from(Ident::new(relation))
                    .and_where(Expr::col(Ident::new(column2)).in_subquery(inner));
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
                c().cast_as(Ident::new("REAL"))
            } else {
                c().into()
            }
        };
        let val = |v: &Value| self.value(field, v, raw);
        if let (
            Op::Like | Op::NotLike | Op::ILike | Op::NotILike | Op::EqLike | Op::EqILike,
            Value::String(s),
        ) = (op, value)
        {
            values::no_nul(s)?;
        }
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
                Expr::expr(c().cast_as(Ident::new("TEXT"))).like(like_pattern(op, value))
            }
            Op::ILike | Op::EqILike => Expr::expr(Func::lower(c().cast_as(Ident::new("TEXT"))))
                .like(like_pattern(op, value).to_lowercase()),
            Op::NotLike => Expr::expr(c().cast_as(Ident::new("TEXT")))
                .not_like(like_pattern(op, value))
                .or(c().is_null()),
            Op::NotILike => Expr::expr(Func::lower(c().cast_as(Ident::new("TEXT"))))
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
                let backend = self.backend;
                match (positive, vals.is_empty(), has_false) {
                    (true, true, false) => truth(false),
                    (true, true, true) => c().is_null(),
                    (true, false, false) => in_list(backend, cmp_col(), vals, false),
                    (true, false, true) => {
                        in_list(backend, cmp_col(), vals, false).or(c().is_null())
                    }
                    (false, true, false) => truth(true),
                    (false, true, true) => c().is_not_null(),
                    (false, false, false) => {
                        in_list(backend, cmp_col(), vals, true).or(c().is_null())
                    }
                    (false, false, true) => {
                        in_list(backend, cmp_col(), vals, true).and(c().is_not_null())
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
        if let Value::String(s) = v {
            values::no_nul(s)?;
        }
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

/// `a AND b AND …` (or `OR`) as a balanced tree: its depth, hence the recursion of
/// the SQL builder and of the database's own parser, grows with the logarithm of the
/// number of terms (SQLite refuses expression trees deeper than 1,000).
fn balanced(mut exprs: Vec<SimpleExpr>, and: bool) -> SimpleExpr {
    if exprs.is_empty() {
        return truth(and);
    }
    while exprs.len() > 1 {
        let mut next = Vec::with_capacity(exprs.len().div_ceil(2));
        let mut it = exprs.into_iter();
        while let Some(a) = it.next() {
            next.push(match it.next() {
                Some(b) if and => a.and(b),
                Some(b) => a.or(b),
                None => a,
            });
        }
        exprs = next;
    }
    exprs.pop().unwrap_or_else(|| truth(and))
}

/// Lists longer than this are bound as one JSON parameter rather than one parameter
/// per value: databases cap the parameters of a statement (SQLite at 32,766), and a
/// client may send `('id', 'in', <100,000 ids>)`, which Odoo answers.
pub const INLINE_LIST_MAX: usize = 16;

/// `expr IN values` (or `NOT IN`), however long the list: short lists inline, long
/// lists of integers or strings as one JSON array parameter, other long lists split
/// into balanced groups.
pub fn in_list(
    backend: DbBackend,
    expr: SimpleExpr,
    values: Vec<sea_orm::Value>,
    negate: bool,
) -> SimpleExpr {
    if values.len() <= INLINE_LIST_MAX {
        return if negate {
            Expr::expr(expr).is_not_in(values)
        } else {
            Expr::expr(expr).is_in(values)
        };
    }
    let ints: Option<Vec<i64>> = values
        .iter()
        .map(|v| match v {
            sea_orm::Value::BigInt(Some(i)) => Some(*i),
            sea_orm::Value::Int(Some(i)) => Some(i64::from(*i)),
            _ => None,
        })
        .collect();
    let strings: Option<Vec<String>> = values
        .iter()
        .map(|v| match v {
            sea_orm::Value::String(Some(s)) => Some(s.to_string()),
            _ => None,
        })
        .collect();
    let not = if negate { "NOT " } else { "" };
    let (json, element) = match (ints, strings) {
        (Some(ints), _) => (serde_json::to_string(&ints), "bigint"),
        (_, Some(strings)) => (serde_json::to_string(&strings), "text"),
        _ => {
            // Floats, dates, booleans: groups of inline values.
            let groups: Vec<SimpleExpr> = values
                .chunks(INLINE_LIST_MAX)
                .map(|chunk| in_list(backend, expr.clone(), chunk.to_vec(), negate))
                .collect();
            return balanced(groups, negate);
        }
    };
    let json = json.unwrap_or_else(|_| "[]".into());
    let template = match backend {
        DbBackend::Postgres => format!(
            "$1 {not}IN (SELECT CAST(jsonb_array_elements_text(CAST($2 AS jsonb)) AS {element}))"
        ),
        _ => format!("? {not}IN (SELECT value FROM json_each(?))"),
    };
    Expr::cust_with_exprs(template, [expr, Expr::val(json).into()])
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
