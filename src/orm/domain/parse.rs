//! Reading a domain the way Odoo 18 reads it, and in the same order, so that a
//! malformed domain gets Odoo's own exception and text:
//!
//! 1. `normalize_domain`: the arity of `!`, `&`, `|` (implicit `&` between terms) →
//!    `ValueError` "Domain … is syntactically not correct.", also inside `any`;
//! 2. `is_false`: `token[1]`, `token[2]` of each term → `IndexError`/`TypeError`; a
//!    domain that is plainly false (`('id', 'in', [])`) is answered as such, unchecked;
//! 3. `_anyfy_leaves`, leaf by leaf: `left, operator, right = leaf` → "not enough
//!    values to unpack" / "too many values to unpack", then the field of the path
//!    ("Invalid field m.f in leaf …") when the model is known;
//! 4. the tree (`_tree_from_domain`): the operator ("Invalid leaf …"), `!` pushed
//!    down, `&`/`|` flattened into n-ary nodes.
//!
//! Every step is iterative over the tokens: a chain of 10,000 `!` or `&` costs no
//! stack. Recursion remains only through nesting that survives normalisation
//! (alternating `&`/`|`, `any` sub-domains), bounded by [`MAX_DEPTH`].

use models::Model;
use serde_json::Value;

use super::{leaf_repr, syntax_error, Declarations, Domain, Op};
use crate::errors::{OdooError, OdooResult};
use crate::orm::values::python_type_name;

/// The deepest domain tree accepted, counting the levels left after normalisation
/// (`&` inside `|` inside `&`…, one level per `any` sub-domain). Odoo has no limit of
/// its own but CPython's recursion limit, which stops such domains a few hundred
/// levels down; real clients stay under ten. Deeper domains get Odoo's answer,
/// `RecursionError`, never a stack overflow.
pub const MAX_DEPTH: usize = 128;

/// How many models deep a domain may reach: nested `any` sub-domains and the fields
/// of a relational path (`a.b.c`) each read one more model, in a nested subquery.
/// SQLite refuses the statement beyond about 20 levels ("Expression tree is too
/// large"), each level carrying the comodel's rules; clients use two or three.
pub const MAX_SUBDOMAIN_DEPTH: usize = 16;

/// The most conditions (leaves, `any` sub-domains included) one domain may hold.
/// SQLite's planner, when it answers an `OR` with several indexes (the multi-company
/// rule), rebuilds the other conditions of the query as one left-deep `AND`, and
/// refuses it beyond 1,000 levels ("Expression tree is too large"); each leaf also
/// binds parameters, of which SQLite takes at most 32,766 per statement (an `in`
/// list of any length counts as one leaf: it is bound as one parameter). Odoo has no
/// such limit: the refusal is ours, far above what clients send.
pub const MAX_LEAVES: usize = 500;

/// A token of a normalized domain.
enum Token<'v> {
    Not,
    And,
    Or,
    /// A term: a leaf, or any other value Odoo counts as one (`"foo"`, `42`). Terms
    /// `[f, 'any'|'not any', sub]` carry their normalized sub-domain.
    Term(&'v Value, Option<Box<Normalized<'v>>>),
    /// The `[TRUE_LEAF]` an empty domain normalizes to.
    Empty,
}

struct Normalized<'v> {
    /// The domain as the client wrote it, for messages.
    whole: &'v Value,
    tokens: Vec<Token<'v>>,
}

/// Where a domain's fields are looked up; without one, fields are the compiler's to
/// check.
#[derive(Clone, Copy)]
pub struct Scope<'m> {
    pub model: &'m Model,
    pub models: &'m dyn Declarations,
}

impl<'m> Scope<'m> {
    fn comodel_of(&self, field: &str) -> Option<Scope<'m>> {
        let f = self.model.get_field(field)?;
        let model = self.models.declaration(f.ty.comodel()?)?;
        Some(Scope {
            model,
            models: self.models,
        })
    }
}

/// Counts leaves across the whole domain, sub-domains included.
struct Budget {
    leaves: usize,
}

impl Budget {
    fn leaf(&mut self) -> OdooResult<()> {
        self.leaves += 1;
        if self.leaves > MAX_LEAVES {
            return Err(OdooError::ValueError(format!(
                "This domain holds more than {MAX_LEAVES} conditions, the most one search accepts."
            )));
        }
        Ok(())
    }
}

/// Parses `value` (a domain as sent), checking fields against `scope` when given.
pub(super) fn parse(value: &Value, scope: Option<Scope<'_>>) -> OdooResult<Domain> {
    let items_value = match value {
        Value::Null | Value::Bool(false) => return Ok(Domain::True),
        Value::Array(_) => value,
        _ => return Err(syntax_error(value)),
    };
    let mut budget = Budget { leaves: 0 };
    let normalized = normalize(items_value, &mut budget, 0)?;
    if is_false(&normalized)? {
        return Ok(Domain::False);
    }
    check_leaves(&normalized, scope)?;
    let (domain, _) = build(&normalized, scope, 1)?;
    Ok(domain)
}

/// Step 1: the arity check, with Odoo's implicit `&` between consecutive terms.
fn normalize<'v>(
    whole: &'v Value,
    budget: &mut Budget,
    level: usize,
) -> OdooResult<Normalized<'v>> {
    let Value::Array(items) = whole else {
        return Err(syntax_error(whole));
    };
    if items.is_empty() {
        return Ok(Normalized {
            whole,
            tokens: vec![Token::Empty],
        });
    }
    let mut tokens = Vec::with_capacity(items.len());
    let mut implicit_ands = 0usize;
    let mut expected: usize = 1;
    for item in items {
        if expected == 0 {
            implicit_ands += 1;
            expected = 1;
        }
        match item {
            Value::Array(leaf) => {
                expected -= 1;
                budget.leaf()?;
                // The models this leaf reaches: one per field of its path.
                let reach = leaf
                    .first()
                    .and_then(Value::as_str)
                    .map_or(1, |path| path.split('.').count());
                if level + reach > MAX_SUBDOMAIN_DEPTH + 1 {
                    return Err(OdooError::too_deep());
                }
                let sub = match (leaf.len(), leaf.get(1).and_then(Value::as_str)) {
                    (3, Some("any" | "not any")) => Some(Box::new(match &leaf[2] {
                        Value::Null | Value::Bool(false) => Normalized {
                            whole: &leaf[2],
                            tokens: vec![Token::Empty],
                        },
                        sub => normalize(sub, budget, level + reach)?,
                    })),
                    _ => None,
                };
                tokens.push(Token::Term(item, sub));
            }
            Value::String(s) if s == "!" => tokens.push(Token::Not),
            Value::String(s) if s == "&" || s == "|" => {
                expected += 1;
                tokens.push(if s == "&" { Token::And } else { Token::Or });
            }
            Value::Object(_) => {
                return Err(OdooError::TypeError("unhashable type: 'dict'".into()));
            }
            // Any other value counts as one term (Odoo's `op_arity.get(token, 0)`).
            other => {
                expected -= 1;
                budget.leaf()?;
                tokens.push(Token::Term(other, None));
            }
        }
    }
    if expected != 0 {
        return Err(syntax_error(whole));
    }
    let mut all = Vec::with_capacity(implicit_ands + tokens.len());
    all.extend((0..implicit_ands).map(|_| Token::And));
    all.extend(tokens);
    Ok(Normalized { whole, tokens: all })
}

fn is_true_leaf(v: &Value) -> bool {
    matches!(v, Value::Array(l) if l.len() == 3 && l[0] == 1 && l[1] == "=" && l[2] == 1)
}

fn is_false_leaf(v: &Value) -> bool {
    matches!(v, Value::Array(l) if l.len() == 3 && l[0] == 0 && l[1] == "=" && l[2] == 1)
}

/// Python's truth value of a JSON value.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => false,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Bool(true) => true,
    }
}

fn not_subscriptable(v: &Value) -> OdooError {
    OdooError::TypeError(format!(
        "'{}' object is not subscriptable",
        python_type_name(v)
    ))
}

/// Step 2: Odoo's `is_false`, three-valued, over the top-level tokens in reverse. It
/// reads `token[1]` (and `token[2]` for `in`/`not in`) of every term, which is where
/// a short leaf fails first.
fn is_false(n: &Normalized<'_>) -> OdooResult<bool> {
    let mut stack: Vec<i8> = Vec::new();
    let pop = |stack: &mut Vec<i8>| stack.pop().unwrap_or(0);
    for token in n.tokens.iter().rev() {
        let value = match token {
            Token::And => {
                let (a, b) = (pop(&mut stack), pop(&mut stack));
                a.min(b)
            }
            Token::Or => {
                let (a, b) = (pop(&mut stack), pop(&mut stack));
                a.max(b)
            }
            Token::Not => -pop(&mut stack),
            Token::Empty => 1,
            Token::Term(v, _) if is_true_leaf(v) => 1,
            Token::Term(v, _) if is_false_leaf(v) => -1,
            Token::Term(Value::Array(leaf), _) => {
                let index_error = || OdooError::IndexError("tuple index out of range".into());
                let op = leaf.get(1).ok_or_else(index_error)?;
                if op == "in" || op == "not in" {
                    let right = leaf.get(2).ok_or_else(index_error)?;
                    match (op == "in", truthy(right)) {
                        (true, false) => -1,
                        (false, false) => 1,
                        _ => 0,
                    }
                } else {
                    0
                }
            }
            Token::Term(Value::String(s), _) => {
                if s.chars().count() < 2 {
                    return Err(OdooError::IndexError("string index out of range".into()));
                }
                0
            }
            Token::Term(other, _) => return Err(not_subscriptable(other)),
        };
        stack.push(value);
    }
    Ok(stack.pop() == Some(-1))
}

/// The elements of a term as Python unpacks it: a list's items, a string's characters.
fn elements(term: &Value) -> Vec<Value> {
    match term {
        Value::Array(items) => items.clone(),
        Value::String(s) => s.chars().map(|c| Value::String(c.to_string())).collect(),
        _ => vec![],
    }
}

fn unpack_error(len: usize) -> OdooError {
    OdooError::ValueError(if len < 3 {
        format!("not enough values to unpack (expected 3, got {len})")
    } else {
        "too many values to unpack (expected 3)".to_string()
    })
}

/// Step 3: Odoo's `_anyfy_leaves`, leaf by leaf in order: unpacking, then (when the
/// model is known) the first field of the path, following relational paths and `any`
/// sub-domains into their comodel.
fn check_leaves(n: &Normalized<'_>, scope: Option<Scope<'_>>) -> OdooResult<()> {
    for token in &n.tokens {
        let Token::Term(term, sub) = token else {
            continue;
        };
        let leaf = elements(term);
        if leaf.len() != 3 {
            return Err(unpack_error(leaf.len()));
        }
        check_leaf(&leaf, sub.as_deref(), scope)?;
    }
    Ok(())
}

fn check_leaf(
    leaf: &[Value],
    sub: Option<&Normalized<'_>>,
    scope: Option<Scope<'_>>,
) -> OdooResult<()> {
    let tuple = Value::Array(leaf.to_vec());
    if is_true_leaf(&tuple) || is_false_leaf(&tuple) {
        return Ok(());
    }
    let Value::String(left) = &leaf[0] else {
        return Err(OdooError::AttributeError(format!(
            "'{}' object has no attribute 'split'",
            python_type_name(&leaf[0])
        )));
    };
    let Some(scope) = scope else {
        return Ok(());
    };
    let (first, rest) = match left.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (left.as_str(), None),
    };
    if scope.model.get_field(first).is_none() && first != "display_name" {
        return Err(OdooError::ValueError(format!(
            "Invalid field {}.{} in leaf {}",
            scope.model.name,
            first,
            leaf_repr(&tuple)
        )));
    }
    let Some(comodel) = scope.comodel_of(first) else {
        return Ok(());
    };
    match (rest, sub) {
        (Some(rest), _) => {
            let inner = [
                Value::String(rest.to_string()),
                leaf[1].clone(),
                leaf[2].clone(),
            ];
            check_leaf(&inner, sub, Some(comodel))
        }
        (None, Some(sub)) => check_leaves(sub, Some(comodel)),
        (None, None) => Ok(()),
    }
}

/// A tree under construction, with its depth.
type Built = (Domain, usize);

fn too_deep(depth: usize) -> OdooResult<()> {
    if depth > MAX_DEPTH {
        return Err(OdooError::too_deep());
    }
    Ok(())
}

/// Step 4: the tree, built from the tokens in reverse with a stack, as Odoo's
/// `_tree_from_domain`; `depth` is the level of this (sub-)domain.
fn build(n: &Normalized<'_>, scope: Option<Scope<'_>>, depth: usize) -> OdooResult<Built> {
    too_deep(depth)?;
    let mut stack: Vec<Built> = Vec::new();
    let missing = || syntax_error(n.whole);
    for token in n.tokens.iter().rev() {
        let built = match token {
            Token::Empty => (Domain::True, 1),
            Token::Not => {
                let (d, depth) = stack.pop().ok_or_else(missing)?;
                not(d, depth)
            }
            Token::And | Token::Or => {
                let a = stack.pop().ok_or_else(missing)?;
                let b = stack.pop().ok_or_else(missing)?;
                combine(matches!(token, Token::And), vec![a, b])
            }
            Token::Term(term, sub) => leaf(term, sub.as_deref(), scope, depth)?,
        };
        too_deep(depth + built.1 - 1)?;
        stack.push(built);
    }
    let mut all: Vec<Built> = stack.into_iter().rev().collect();
    Ok(match all.len() {
        1 => all.pop().unwrap_or((Domain::True, 1)),
        _ => combine(true, all),
    })
}

/// `&` or `|` of `items`: nested nodes of the same kind are merged, `TRUE`/`FALSE`
/// absorbed, as Odoo's `_tree_and`/`_tree_or`.
fn combine(and: bool, items: Vec<Built>) -> Built {
    let mut children: Vec<Domain> = Vec::new();
    let mut depth = 0;
    for (d, dd) in items {
        match (and, d) {
            (true, Domain::True) | (false, Domain::False) => {}
            (true, Domain::False) => return (Domain::False, 1),
            (false, Domain::True) => return (Domain::True, 1),
            (true, Domain::And(inner)) | (false, Domain::Or(inner)) => {
                depth = depth.max(dd - 1);
                children.extend(inner);
            }
            (_, other) => {
                depth = depth.max(dd);
                children.push(other);
            }
        }
    }
    match children.len() {
        0 => (if and { Domain::True } else { Domain::False }, 1),
        1 => (children.pop().unwrap_or(Domain::True), depth),
        _ => (
            if and {
                Domain::And(children)
            } else {
                Domain::Or(children)
            },
            depth + 1,
        ),
    }
}

/// `!d`, pushed down as Odoo's `_tree_not`: De Morgan on `&`/`|`, double negation
/// dropped, a leaf's operator swapped for its negation; a leaf without one (or on a
/// path through another model) keeps its `!`. Recursion is bounded by the depth of
/// `d`, itself within [`MAX_DEPTH`].
fn not(d: Domain, depth: usize) -> Built {
    match d {
        Domain::True => (Domain::False, 1),
        Domain::False => (Domain::True, 1),
        Domain::Not(inner) => {
            let depth = depth.saturating_sub(1).max(1);
            (*inner, depth)
        }
        // Combined as parsed ones are, so that a branch negated into TRUE or FALSE is
        // absorbed (`!(a & f =? False)` is `!a`, as parsing it again would give).
        Domain::And(items) => (combine(false, negate_all(items)).0, depth),
        Domain::Or(items) => (combine(true, negate_all(items)).0, depth),
        Domain::Leaf {
            path,
            op: Op::EqOpt,
            value,
            raw,
        } if path.len() == 1 => {
            if truthy(&value) {
                not(
                    Domain::Leaf {
                        path,
                        op: Op::Eq,
                        value,
                        raw,
                    },
                    depth,
                )
            } else {
                (Domain::False, 1)
            }
        }
        leaf @ Domain::Leaf { .. } => match leaf.negate() {
            Some(negated) => (negated, depth),
            None => (Domain::Not(Box::new(leaf)), depth + 1),
        },
    }
}

fn negate_all(items: Vec<Domain>) -> Vec<Built> {
    items.into_iter().map(|d| not(d, 1)).collect()
}

/// One leaf of the tree: its operator checked, its `any` sub-domain built, and a path
/// through a relational field rewritten as `any` (Odoo's `_anyfy_leaves`) when the
/// model is known.
fn leaf(
    term: &Value,
    sub: Option<&Normalized<'_>>,
    scope: Option<Scope<'_>>,
    depth: usize,
) -> OdooResult<Built> {
    if is_true_leaf(term) {
        return Ok((Domain::True, 1));
    }
    if is_false_leaf(term) {
        return Ok((Domain::False, 1));
    }
    let items = elements(term);
    let raw = Value::Array(items.clone());
    let invalid = || OdooError::ValueError(format!("Invalid leaf {}", leaf_repr(&raw)));
    let (Some(Value::String(path)), Some(Value::String(op))) = (items.first(), items.get(1)) else {
        return Err(invalid());
    };
    let op = Op::parse(&op.to_lowercase()).ok_or_else(invalid)?;
    if path.is_empty() || path.split('.').any(str::is_empty) {
        return Err(invalid());
    }
    let value = items.get(2).cloned().unwrap_or(Value::Null);
    let segments: Vec<String> = path.split('.').map(str::to_string).collect();
    if let Some(scope) = scope {
        let comodel = scope.comodel_of(&segments[0]);
        if let (Some((first, rest)), Some(co)) = (path.split_once('.'), comodel) {
            // `a.b op v` is `a any [(b op v)]`.
            let inner = Value::Array(vec![Value::Array(vec![
                Value::String(rest.to_string()),
                items[1].clone(),
                value,
            ])]);
            let mut budget = Budget { leaves: 0 };
            let normalized = normalize(&inner, &mut budget, 0)?;
            let (sub, sub_depth) = build(&normalized, Some(co), depth + 1)?;
            return Ok((
                Domain::Leaf {
                    path: vec![first.to_string()],
                    op: Op::Any,
                    value: sub.to_json(),
                    raw,
                },
                sub_depth + 1,
            ));
        }
    }
    if let (Op::Any | Op::NotAny, Some(sub)) = (op, sub) {
        let co = scope.and_then(|s| s.comodel_of(&segments[0]).filter(|_| segments.len() == 1));
        let (sub, sub_depth) = build(sub, co, depth + 1)?;
        return Ok((
            Domain::Leaf {
                path: segments,
                op,
                value: sub.to_json(),
                raw,
            },
            sub_depth + 1,
        ));
    }
    Ok((
        Domain::Leaf {
            path: segments,
            op,
            value,
            raw,
        },
        1,
    ))
}
