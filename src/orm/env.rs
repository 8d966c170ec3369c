//! `Env`: the calling user, their context and the call's transaction. Every ORM method
//! is a method of `Env`, implemented by concern in the sibling modules (access,
//! search, read, write, x2many, unlink and copy, schema).

use std::any::Any;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};
use serde_json::{Map, Value};

use super::registry::{ModelDef, Registry};
use crate::errors::{OdooError, OdooResult};
use crate::orm::Ident;

/// `base.user_root`: the superuser, who acts for the system (Odoo's `SUPERUSER_ID`).
pub const SUPERUSER_ID: i64 = 1;

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

    /// The superuser acting for the system itself (authentication, fixtures).
    pub fn system() -> UserInfo {
        UserInfo {
            uid: SUPERUSER_ID,
            login: "__system__".into(),
            name: "OdooBot".into(),
            partner_id: 0,
            company_id: 1,
            company_ids: vec![1],
            groups: HashSet::new(),
            lang: "en_US".into(),
            tz: None,
        }
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

    /// The word Odoo's messages use.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Read => "read",
            Operation::Write => "write",
            Operation::Create => "create",
            Operation::Unlink => "unlink",
        }
    }
}

/// What the layers above the ORM give the models' behaviour (the server's services).
/// The engine never looks inside; a behaviour downcasts it with [`Env::host`].
pub type Host = dyn Any + Send + Sync;

/// The environment of one RPC call.
#[derive(Clone)]
pub struct Env<'a> {
    pub tx: &'a DatabaseTransaction,
    pub backend: DbBackend,
    pub registry: &'static Registry,
    pub user: Arc<UserInfo>,
    /// Superuser mode: access rights and record rules are not checked.
    pub su: bool,
    /// The call's context, shared by every environment derived from this one until one
    /// of them changes it ([`Env::with_context`]).
    pub context: Context,
    host: &'a Host,
    /// The cache signal this call has already read, when its later reads go by it: a
    /// read-only call reads it once, at its session check; business code that keeps
    /// several values in the memo reads it once for all of them.
    cache_signal: Option<i64>,
    /// A value the call wants read with its first search rather than on its own.
    rider: Option<Arc<Rider>>,
}

/// One integer cell (`column` of row `id` of `table`) that a call reads with the first
/// search it runs, as one more column of that search's statement: a call whose check
/// can wait until its end (a read-only call going by a cache signal it assumed; see
/// `rpc`) then costs no round trip of its own. The cell's value as that statement saw it
/// is kept once; a search finding no row leaves it unread.
#[derive(Debug)]
pub struct Rider {
    table: &'static str,
    column: &'static str,
    id: i64,
    seen: OnceLock<i64>,
}

/// The result column a rider is read into (fields never start with `__`).
pub(crate) const RIDER_COLUMN: &str = "__rider";

impl Rider {
    pub fn new(table: &'static str, column: &'static str, id: i64) -> Rider {
        Rider {
            table,
            column,
            id,
            seen: OnceLock::new(),
        }
    }

    /// The value read with a search, if one ran and found a row.
    pub fn seen(&self) -> Option<i64> {
        self.seen.get().copied()
    }

    /// The cell as a scalar subquery to select beside a search's columns.
    /// The cell it reads: (table, column, row id).
    pub(crate) fn cell(&self) -> (&'static str, &'static str, i64) {
        (self.table, self.column, self.id)
    }

    pub(crate) fn subquery(&self) -> sea_orm::sea_query::SimpleExpr {
        let q = Query::select()
            .column(Ident::new(self.column))
            .from(Ident::new(self.table))
            .and_where(Expr::col(Ident::new("id")).eq(self.id))
            .to_owned();
        sea_orm::sea_query::SimpleExpr::SubQuery(None, Box::new(q.into_sub_query_statement()))
    }

    pub(crate) fn saw(&self, value: i64) {
        let _ = self.seen.set(value);
    }
}

/// A call's context: shared, since every environment a call derives (`sudo`, a rider,
/// a cache signal) carries it unchanged.
pub type Context = Arc<Map<String, Value>>;

/// The empty context, made once.
pub fn empty_context() -> Context {
    static EMPTY: std::sync::OnceLock<Context> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Arc::new(Map::new())).clone()
}

/// The superuser every call's system environment runs as, made once.
fn system_user() -> Arc<UserInfo> {
    static SYSTEM: std::sync::OnceLock<Arc<UserInfo>> = std::sync::OnceLock::new();
    SYSTEM.get_or_init(|| Arc::new(UserInfo::system())).clone()
}

impl<'a> Env<'a> {
    /// The superuser's environment on `tx`.
    pub fn system(
        tx: &'a DatabaseTransaction,
        registry: &'static Registry,
        host: &'a Host,
    ) -> Env<'a> {
        Env {
            tx,
            backend: tx.get_database_backend(),
            registry,
            user: system_user(),
            su: true,
            context: empty_context(),
            host,
            cache_signal: None,
            rider: None,
        }
    }

    /// The environment of `user` on the same transaction, once the context's
    /// `allowed_company_ids` are checked against the user's companies.
    pub fn for_user(&self, user: Arc<UserInfo>, context: Context) -> OdooResult<Env<'a>> {
        let env = Env {
            user,
            su: false,
            context,
            ..self.clone()
        };
        env.allowed_company_ids()?;
        Ok(env)
    }

    /// The services of the layer that built this environment, as type `T`.
    pub fn host<T: Any>(&self) -> OdooResult<&'a T> {
        self.host
            .downcast_ref::<T>()
            .ok_or_else(|| OdooError::internal("the environment carries other services"))
    }

    pub fn sudo(&self) -> Env<'a> {
        let mut e = self.clone();
        e.su = true;
        e
    }

    /// This environment (and those derived from it) answering `cache_signal` with
    /// `value`, a signal the call read: later statements can only see it as new or
    /// newer, so that everything cached at `value` is as fresh as it was when it was
    /// read.
    pub fn with_cache_signal(&self, value: i64) -> Env<'a> {
        let mut e = self.clone();
        e.cache_signal = Some(value);
        e
    }

    /// The cache signal the call already read, if it read one.
    pub fn cache_signal(&self) -> Option<i64> {
        self.cache_signal
    }

    /// This environment (and those derived from it) reading `rider` with the first
    /// search that finds a row.
    pub fn with_rider(&self, rider: Arc<Rider>) -> Env<'a> {
        let mut e = self.clone();
        e.rider = Some(rider);
        e
    }

    /// The rider still to read, if any.
    pub(crate) fn pending_rider(&self) -> Option<&Rider> {
        self.rider.as_deref().filter(|r| r.seen().is_none())
    }

    pub fn with_context(&self, key: &str, value: Value) -> Env<'a> {
        let mut e = self.clone();
        Arc::make_mut(&mut e.context).insert(key.to_string(), value);
        e
    }

    pub fn uid(&self) -> i64 {
        self.user.uid
    }

    /// A model by name, or Odoo's error for an unknown one.
    pub fn model(&self, name: &str) -> OdooResult<&'static ModelDef> {
        self.registry.model(name)
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

    pub(super) fn active_test(&self) -> bool {
        !matches!(self.context.get("active_test"), Some(Value::Bool(false)))
    }

    // ------------------------------------------------------------------ SQL helpers

    pub(super) async fn query_all(&self, stmt: Statement) -> OdooResult<Vec<sea_orm::QueryResult>> {
        Ok(self.tx.query_all(stmt).await?)
    }

    pub async fn execute(&self, stmt: Statement) -> OdooResult<u64> {
        Ok(self.tx.execute(stmt).await?.rows_affected())
    }

    /// The domain compiler for this backend and registry.
    pub fn compiler(&self) -> super::domain::Compiler {
        super::domain::Compiler {
            backend: self.backend,
            models: self.registry,
        }
    }

    /// `column IN ids`, however many ids: a long list is bound as one parameter (see
    /// `domain::in_list`), so 100,000 ids fit in a statement on both backends.
    pub fn id_in(&self, column: &'static str, ids: &[i64]) -> sea_orm::sea_query::SimpleExpr {
        super::domain::in_list(
            self.backend,
            Expr::col(Ident::new(column)).into(),
            ids.iter().map(|i| sea_orm::Value::from(*i)).collect(),
            false,
        )
    }

    pub(super) fn build<S: sea_orm::StatementBuilder>(&self, q: &S) -> Statement {
        self.backend.build(q)
    }

    // ------------------------------------------------------------------ external ids

    pub async fn xmlid_to_res_id(&self, xmlid: &str) -> OdooResult<Option<i64>> {
        Ok(self.xmlid_lookup(xmlid).await?.map(|(_, id)| id))
    }

    /// `(model, res_id)` of an external id `module.name`.
    pub async fn xmlid_lookup(&self, xmlid: &str) -> OdooResult<Option<(String, i64)>> {
        let (module, name) = xmlid.split_once('.').unwrap_or(("", xmlid));
        let q = Query::select()
            .columns([Ident::new("model"), Ident::new("res_id")])
            .from(Ident::new("ir_model_data"))
            .and_where(Expr::col(Ident::new("module")).eq(module))
            .and_where(Expr::col(Ident::new("name")).eq(name))
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
}

pub(super) fn invalid_field(model: &models::Model, name: &str) -> OdooError {
    OdooError::ValueError(format!(
        "Invalid field '{}' on model '{}'",
        name, model.name
    ))
}

/// Ids in a JSON value: a list of ints or a single int.
pub(super) fn ids_of(v: &Value) -> Vec<i64> {
    match v {
        Value::Array(items) => items.iter().filter_map(|i| i.as_i64()).collect(),
        Value::Number(n) => n.as_i64().into_iter().collect(),
        _ => vec![],
    }
}

/// An integer column of a row, whatever width the backend returns.
///
/// Rows of the read-only sessions (`db::pg_pipeline`, `db::sqlite_reads`) hold their
/// values as read: the width is looked at, not tried. Trying `i64` first on
/// PostgreSQL's `int4` ids failed with a formatted error for every row, about 1% of a
/// `search_read`'s instructions (BENCHMARKS.md, twelfth round).
pub fn row_id(row: &sea_orm::QueryResult, col: &str) -> OdooResult<i64> {
    if let Some(proxy) = row.try_as_proxy_row() {
        match proxy.values.get(col) {
            Some(sea_orm::Value::BigInt(Some(v))) => return Ok(*v),
            Some(sea_orm::Value::Int(Some(v))) => return Ok(i64::from(*v)),
            Some(sea_orm::Value::SmallInt(Some(v))) => return Ok(i64::from(*v)),
            _ => {}
        }
    }
    if let Ok(v) = row.try_get_by::<i64, _>(col) {
        return Ok(v);
    }
    row.try_get_by::<i32, _>(col)
        .map(i64::from)
        .map_err(|e| OdooError::internal(format!("reading {col}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::row_id;
    use sea_orm::{ProxyRow, QueryResult, Value};

    fn row(value: Value) -> QueryResult {
        ProxyRow::new([("id".to_string(), value)].into_iter().collect()).into()
    }

    #[test]
    fn row_id_reads_every_integer_width_of_a_proxy_row() {
        assert_eq!(row_id(&row(Value::Int(Some(7))), "id").unwrap(), 7);
        assert_eq!(
            row_id(&row(Value::BigInt(Some(1 << 40))), "id").unwrap(),
            1 << 40
        );
        assert_eq!(row_id(&row(Value::SmallInt(Some(-3))), "id").unwrap(), -3);
    }

    #[test]
    fn row_id_refuses_what_is_no_integer() {
        for value in [
            Value::Int(None),
            Value::BigInt(None),
            Value::String(Some(Box::new("7".into()))),
        ] {
            let err = row_id(&row(value.clone()), "id").unwrap_err();
            assert!(err.to_string().contains("reading id"), "{value:?}: {err}");
        }
        let err = row_id(&row(Value::Int(Some(1))), "missing").unwrap_err();
        assert!(err.to_string().contains("reading missing"), "{err}");
    }
}
