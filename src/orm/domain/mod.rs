//! Odoo domains: parsed once from JSON into a typed tree ([`Domain`]), then compiled
//! into parameterised sea-query expressions ([`compile`]). Values never reach SQL text.

mod compile;
mod parse;
#[cfg(test)]
mod tests;

use models::Model;
use serde_json::Value;

use super::values::python_repr;
use crate::errors::{OdooError, OdooResult};

pub use compile::{in_list, resolve_m2m, Compiler, Declarations, INLINE_LIST_MAX};
pub use parse::{MAX_DEPTH, MAX_LEAVES, MAX_SUBDOMAIN_DEPTH};

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
    pub(super) fn is_negative(self) -> bool {
        matches!(
            self,
            Op::Ne | Op::NotLike | Op::NotILike | Op::NotIn | Op::NotAny
        )
    }

    /// The operator Odoo swaps in when it pushes a `!` down onto a leaf
    /// (`TERM_OPERATORS_NEGATION`); `None` keeps the `!` as SQL `NOT`.
    pub(super) fn negation(self) -> Option<Op> {
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

    pub(super) fn positive(self) -> Op {
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

pub(super) fn syntax_error(domain: &Value) -> OdooError {
    OdooError::ValueError(format!(
        "Domain {} is syntactically not correct.",
        python_repr(domain)
    ))
}

pub(super) fn leaf_repr(raw: &Value) -> String {
    match raw {
        Value::Array(items) => format!(
            "({})",
            items.iter().map(python_repr).collect::<Vec<_>>().join(", ")
        ),
        other => python_repr(other),
    }
}

impl Domain {
    /// Parses Odoo's prefix notation; `null`/`false` mean the empty domain. Fields are
    /// left for the compiler to check.
    pub fn parse(v: &Value) -> OdooResult<Domain> {
        parse::parse(v, None)
    }

    /// Parses a domain on `model`, reporting unknown fields in Odoo's order (leaf by
    /// leaf, with the unpacking errors) and rewriting relational paths as `any`.
    pub fn parse_for(v: &Value, model: &Model, models: &dyn Declarations) -> OdooResult<Domain> {
        parse::parse(v, Some(parse::Scope { model, models }))
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
    /// matches NULL exactly like `f != v`. `None` when the `!` must stay a SQL `NOT`,
    /// or become `not any` (a leaf on a path through another model).
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
            } if path.len() == 1 => Domain::Leaf {
                path: path.clone(),
                op: op.negation()?,
                value: value.clone(),
                raw: raw.clone(),
            },
            Domain::Leaf { .. } => return None,
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
