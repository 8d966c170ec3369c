//! What a model may hook into: the contract between the generic engine and the
//! behaviour of each model (computes, constraint checks, defaults, create/write/unlink
//! overrides, business methods), as Odoo's model classes override `create` or declare
//! `@api.depends` / `@api.constrains` methods.
//!
//! The engine depends on this contract only; the behaviours live above the ORM (in
//! `crate::addons`) and are handed to [`Registry::build`](super::registry::Registry::build).
//! Field-level hooks are typed tables: a [`Compute`] names its field and points at its
//! function, so a hook that does not exist cannot compile, and a table entry naming a
//! field the model does not declare fails the registry's build (and its unit test).

use std::collections::HashMap;
use std::fmt;

use async_trait::async_trait;
use futures::future::BoxFuture;
use models::Field;
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::env::Env;
use crate::errors::OdooResult;

/// The future a hook function returns, borrowing the call's environment.
pub type HookFuture<'a, T> = BoxFuture<'a, OdooResult<T>>;

/// Computes a field's value for each of the ids.
pub type ComputeFn = for<'a> fn(&'a Env<'a>, &'a [i64]) -> HookFuture<'a, HashMap<i64, Value>>;
/// Display names of records, when they are not simply the `_rec_name` field.
pub type NamesFn = for<'a> fn(&'a Env<'a>, &'a [i64]) -> HookFuture<'a, HashMap<i64, String>>;
/// Checks a rule over records just created or written (Odoo's `@api.constrains`).
pub type CheckFn = for<'a> fn(&'a Env<'a>, &'a [i64]) -> HookFuture<'a, ()>;
/// Computes a field's default value for a new record.
pub type DefaultFn = for<'a> fn(&'a Env<'a>) -> HookFuture<'a, Value>;
/// Runs a business method with its bound arguments.
pub type MethodFn = for<'a> fn(&'a Env<'a>, Args) -> HookFuture<'a, Outcome>;

/// A computed field and the function computing it.
pub struct Compute {
    pub field: &'static str,
    pub run: ComputeFn,
}

/// A constraint checked after every create and after writes of one of `fields`.
pub struct Check {
    pub fields: &'static [&'static str],
    pub run: CheckFn,
}

/// A default computed by the model (Odoo's `default=lambda self: ...`).
pub struct DefaultHook {
    pub field: &'static str,
    pub run: DefaultFn,
}

/// Whether a business method is called on records (`args[0]` are ids) or on the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodKind {
    /// `args[0]` is the record ids (a list, or a single id).
    Record,
    /// No ids. `accepts_ids`: a leading list of ids is accepted and kept (POS clients
    /// call some model methods on a record: `[[id], intent_id]`).
    Model { accepts_ids: bool },
}

/// What a parameter accepts; the RPC layer checks it before any transaction begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// Any JSON value.
    Any,
    /// A string.
    Str,
    /// A number, read exactly as a decimal amount.
    Amount,
    /// A dict.
    Object,
}

/// One Python parameter of a business method (after `self`).
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub kind: ParamKind,
    pub required: bool,
}

impl Param {
    pub const fn required(name: &'static str, kind: ParamKind) -> Param {
        Param {
            name,
            kind,
            required: true,
        }
    }
    pub const fn optional(name: &'static str, kind: ParamKind) -> Param {
        Param {
            name,
            kind,
            required: false,
        }
    }
}

/// A business method callable over RPC.
pub struct Method {
    pub name: &'static str,
    pub kind: MethodKind,
    pub params: Vec<Param>,
    /// Reads only (Odoo 18's `@api.readonly`): may run in a read-only transaction.
    pub readonly: bool,
    pub run: MethodFn,
}

impl fmt::Debug for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Method")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("readonly", &self.readonly)
            .finish()
    }
}

/// A bound argument, already checked against its [`ParamKind`].
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Missing,
    Value(Value),
    Str(String),
    Amount(Decimal),
    Object(Map<String, Value>),
}

/// The arguments of a business method call, bound to its parameters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Args {
    /// The record ids (record methods, and model methods called on a record).
    pub ids: Vec<i64>,
    /// One per declared parameter, in declaration order.
    pub values: Vec<Arg>,
}

impl Args {
    fn arg(&self, i: usize) -> &Arg {
        self.values.get(i).unwrap_or(&Arg::Missing)
    }

    /// A parameter declared [`ParamKind::Any`], when given and not null.
    pub fn value(&self, i: usize) -> Option<&Value> {
        match self.arg(i) {
            Arg::Value(v) => Some(v),
            _ => None,
        }
    }

    /// A parameter declared [`ParamKind::Str`].
    pub fn str(&self, i: usize) -> Option<&str> {
        match self.arg(i) {
            Arg::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A required [`ParamKind::Str`] parameter (the binder made sure it is there).
    pub fn string(&self, i: usize) -> String {
        self.str(i).unwrap_or_default().to_string()
    }

    /// A parameter declared [`ParamKind::Amount`].
    pub fn amount(&self, i: usize) -> Option<Decimal> {
        match self.arg(i) {
            Arg::Amount(d) => Some(*d),
            _ => None,
        }
    }

    /// A parameter declared [`ParamKind::Object`].
    pub fn object(&self, i: usize) -> Option<&Map<String, Value>> {
        match self.arg(i) {
            Arg::Object(m) => Some(m),
            _ => None,
        }
    }
}

/// Work a business method leaves for after its transaction has committed (a request
/// to Stripe): no transaction, database connection or lock is held while it runs.
#[async_trait]
pub trait AfterCommit: Send + fmt::Debug {
    async fn run(self: Box<Self>) -> OdooResult<Settled>;
}

/// What after-commit work yields: the call's result, or a short follow-up that records
/// what it learnt (a reader's serial) in a new transaction, as the caller.
#[derive(Debug)]
pub enum Settled {
    Value(Value),
    InTransaction(Box<dyn FollowUp>),
}

/// The database part of a call that comes after its after-commit work. It runs in a
/// transaction of its own with the caller's rights, and may run again when that
/// transaction fails to serialize: it must be idempotent.
#[async_trait]
pub trait FollowUp: Send + Sync + fmt::Debug {
    async fn run(&self, env: &Env<'_>) -> OdooResult<Value>;
}

/// What a business method returns: its result, or the work that will produce it once
/// the transaction has committed.
#[derive(Debug)]
pub enum Outcome {
    Value(Value),
    AfterCommit(Box<dyn AfterCommit>),
}

impl From<Value> for Outcome {
    fn from(v: Value) -> Outcome {
        Outcome::Value(v)
    }
}

/// A model's behaviour beyond its declaration. Every hook has a default that does
/// nothing, so a behaviour implements only what its Odoo class overrides.
#[async_trait]
pub trait Behaviour: Send + Sync + 'static {
    /// The model this behaviour belongs to (`_name`).
    fn model(&self) -> &'static str;

    /// Computed fields of the model, one function each.
    fn computes(&self) -> Vec<Compute> {
        Vec::new()
    }

    /// Defaults that need the database or the context.
    fn defaults(&self) -> Vec<DefaultHook> {
        Vec::new()
    }

    /// `@api.constrains` rules.
    fn checks(&self) -> Vec<Check> {
        Vec::new()
    }

    /// Business methods callable over RPC.
    fn methods(&self) -> Vec<Method> {
        Vec::new()
    }

    /// Adjusts the values a client sent for a new record, before defaults apply: what
    /// an Odoo `create` override does before calling `super().create(vals_list)`.
    async fn prepare_create(
        &self,
        _env: &Env<'_>,
        _vals: &mut Map<String, Value>,
    ) -> OdooResult<()> {
        Ok(())
    }

    /// Adjusts the values of a record about to be created (defaults already applied).
    async fn before_create(
        &self,
        _env: &Env<'_>,
        _vals: &mut Map<String, Value>,
    ) -> OdooResult<()> {
        Ok(())
    }

    /// Runs once the record exists and its constraints hold.
    async fn after_create(&self, _env: &Env<'_>, _id: i64) -> OdooResult<()> {
        Ok(())
    }

    /// Adjusts or refuses a write before it reaches the table.
    async fn before_write(
        &self,
        _env: &Env<'_>,
        _ids: &[i64],
        _vals: &mut Map<String, Value>,
    ) -> OdooResult<()> {
        Ok(())
    }

    /// Runs once the write is done and its constraints hold.
    async fn after_write(
        &self,
        _env: &Env<'_>,
        _ids: &[i64],
        _vals: &Map<String, Value>,
    ) -> OdooResult<()> {
        Ok(())
    }

    /// Refuses an unlink (Odoo's `@api.ondelete`).
    async fn before_unlink(&self, _env: &Env<'_>, _ids: &[i64]) -> OdooResult<()> {
        Ok(())
    }

    /// Display names, when they are not simply the `_rec_name` field: the model's own
    /// function. Without one (the default), a read may take a many2one's display name
    /// from the `_rec_name` column in the same query as the record.
    fn display_names(&self) -> Option<NamesFn> {
        None
    }

    /// The values a selection field offers now (they may depend on settings).
    async fn selection(
        &self,
        _env: &Env<'_>,
        _field: &Field,
        declared: &[(&'static str, &'static str)],
    ) -> OdooResult<Vec<(&'static str, &'static str)>> {
        Ok(declared.to_vec())
    }

    /// Adjusts the values the copies of `ids` are created with (Odoo's `copy_data`):
    /// one map per id, in order, the caller's `default` already applied.
    async fn copy_data(
        &self,
        _env: &Env<'_>,
        _ids: &[i64],
        _default: &Map<String, Value>,
        _vals_list: &mut [Map<String, Value>],
    ) -> OdooResult<()> {
        Ok(())
    }
}

/// `"<name> (copy)"` for each copy, unless the caller's `default` names it: the
/// `copy_data` of the Odoo models that rename their copies (`res.partner`,
/// `account.journal`, ...).
pub fn name_copies(default: &Map<String, Value>, vals_list: &mut [Map<String, Value>]) {
    if default
        .get("name")
        .is_some_and(|n| !matches!(n, Value::Null | Value::Bool(false)))
    {
        return;
    }
    for vals in vals_list.iter_mut() {
        if let Some(Value::String(name)) = vals.get("name") {
            let renamed = format!("{name} (copy)");
            vals.insert("name".into(), Value::String(renamed));
        }
    }
}

/// The behaviour of a model that declares none.
pub struct Plain;

impl Behaviour for Plain {
    fn model(&self) -> &'static str {
        ""
    }
}
