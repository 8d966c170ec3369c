//! A model method call (`execute_kw`, `call_kw`), parsed once into a closed
//! [`ModelCall`] before any transaction begins: the model resolved, the method known,
//! its arguments bound with Python's rules and typed (domains parsed, ids and limits
//! checked). Then [`ModelCall::run`] executes it against the ORM or the model's
//! business method.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::bind::{as_object, parse_ids, Bound};
use super::web::{self, WebRead, WebSearchRead};
use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Args, Method, MethodKind, Outcome};
use crate::orm::domain::{Domain, Op};
use crate::orm::values::records_json;
use crate::orm::x2many::check_nesting;
use crate::orm::{Context, Env, ModelDef, Operation, Registry};

/// A generic ORM method or a business method, with its bound arguments.
#[derive(Clone, Debug)]
pub enum MethodCall {
    Create {
        vals_list: Vec<Map<String, Value>>,
        /// Called with one dict rather than a list: answers one id.
        single: bool,
    },
    Write {
        ids: Vec<i64>,
        vals: Map<String, Value>,
    },
    Unlink {
        ids: Vec<i64>,
    },
    Read {
        ids: Vec<i64>,
        fields: Option<Vec<String>>,
        load: bool,
    },
    Search {
        domain: Domain,
        offset: u64,
        limit: Option<u64>,
        order: Option<String>,
    },
    SearchCount {
        domain: Domain,
        limit: Option<u64>,
    },
    SearchRead {
        domain: Domain,
        fields: Option<Vec<String>>,
        offset: u64,
        limit: Option<u64>,
        order: Option<String>,
        load: bool,
    },
    Copy {
        ids: Vec<i64>,
        default: Map<String, Value>,
    },
    DefaultGet {
        fields: Vec<String>,
    },
    FieldsGet {
        allfields: Option<Vec<String>>,
        attributes: Option<Vec<String>>,
    },
    NameSearch {
        name: String,
        domain: Domain,
        operator: String,
        limit: Option<u64>,
    },
    NameCreate {
        name: Value,
    },
    Exists {
        ids: Vec<i64>,
    },
    CheckAccessRights {
        operation: Operation,
        raise_exception: bool,
    },
    WebSearchRead(WebSearchRead),
    WebRead(WebRead),
    NameGet {
        ids: Vec<i64>,
    },
    Business {
        method: &'static Method,
        args: Args,
    },
}

/// One model method call, parsed.
pub struct ModelCall {
    pub model: &'static ModelDef,
    pub method: MethodCall,
    /// `kwargs.context`, when the client sent one (the POS client sends it with every
    /// call), shared with the environments the call runs in.
    pub context: Option<Context>,
}

/// What a client sent, before parsing: `model`, `method`, `args`, `kwargs`.
#[derive(Clone, Debug)]
pub struct RawCall {
    pub model: String,
    pub method: String,
    pub args: Vec<Value>,
    pub kwargs: Map<String, Value>,
}

impl RawCall {
    /// Refuses anything but a string model and method, a list of args and a dict of
    /// kwargs.
    pub fn new(
        model: &Value,
        method: &Value,
        args: Option<Value>,
        kwargs: Option<Value>,
    ) -> OdooResult<RawCall> {
        let model = model
            .as_str()
            .ok_or_else(|| OdooError::TypeError("model must be a string".into()))?
            .to_string();
        let method = method
            .as_str()
            .ok_or_else(|| OdooError::TypeError("method must be a string".into()))?
            .to_string();
        let args = match args {
            None | Some(Value::Null) => vec![],
            Some(Value::Array(a)) => a,
            Some(_) => return Err(OdooError::TypeError("args must be a list".into())),
        };
        let kwargs = match kwargs {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m,
            Some(_) => return Err(OdooError::TypeError("kwargs must be a dict".into())),
        };
        Ok(RawCall {
            model,
            method,
            args,
            kwargs,
        })
    }
}

/// How an unknown model is reported: `call_kw` answers werkzeug's NotFound (Odoo 18
/// looks the model up to choose a cursor), `execute_kw` Odoo's "doesn't exist".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnknownModel {
    NotFound,
    DoesNotExist,
}

/// `load='_classic_read'` (the default) shows many2one as `[id, name]`; any other
/// value (`None`, `'_classic_write'`) as the bare id.
fn classic_read(b: &Bound<'_>, i: usize) -> bool {
    match b.raw(i) {
        None => true,
        Some(Value::String(s)) => s == "_classic_read",
        Some(_) => false,
    }
}

/// The domain argument `i`, parsed on the call's model.
fn domain(
    r: &'static Registry,
    m: &'static ModelDef,
    b: &Bound<'_>,
    i: usize,
) -> OdooResult<Domain> {
    Domain::parse_for(b.get(i).unwrap_or(&Value::Null), m, r)
}

impl std::fmt::Debug for ModelCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelCall")
            .field("model", &self.model.name)
            .field("method", &self.method)
            .finish()
    }
}

impl ModelCall {
    /// Parses `raw` against the registry.
    pub fn parse(
        registry: &'static Registry,
        raw: RawCall,
        unknown: UnknownModel,
    ) -> OdooResult<ModelCall> {
        let RawCall {
            model,
            method,
            args,
            kwargs,
        } = raw;
        if unknown == UnknownModel::NotFound && registry.get(&model).is_none() {
            return Err(OdooError::NotFound);
        }
        if method.starts_with('_') {
            return Err(OdooError::AccessError(format!(
                "Private methods (such as {method}) cannot be called remotely."
            )));
        }
        let m = registry.model(&model)?;
        let context = match kwargs.get("context") {
            Some(Value::Object(c)) => Some(Arc::new(c.clone())),
            _ => None,
        };
        let method = parse_method(registry, m, &method, &args, &kwargs)?;
        Ok(ModelCall {
            model: m,
            method,
            context,
        })
    }

    /// Whether the call only reads (Odoo 18's `@api.readonly`).
    pub fn readonly(&self) -> bool {
        match &self.method {
            MethodCall::Read { .. }
            | MethodCall::Search { .. }
            | MethodCall::SearchCount { .. }
            | MethodCall::SearchRead { .. }
            | MethodCall::DefaultGet { .. }
            | MethodCall::FieldsGet { .. }
            | MethodCall::NameSearch { .. }
            | MethodCall::Exists { .. }
            | MethodCall::CheckAccessRights { .. }
            | MethodCall::WebSearchRead(_)
            | MethodCall::WebRead(_)
            | MethodCall::NameGet { .. } => true,
            MethodCall::Business { method, .. } => method.readonly,
            MethodCall::Create { .. }
            | MethodCall::Write { .. }
            | MethodCall::Unlink { .. }
            | MethodCall::Copy { .. }
            | MethodCall::NameCreate { .. } => false,
        }
    }

    /// Runs the call in `env` (whose context already is the call's). It may run
    /// more than once: a transaction that fails to serialize is retried.
    pub async fn run(&self, env: &Env<'_>) -> OdooResult<Outcome> {
        let m = self.model;
        let model = m.name;
        let value = match &self.method {
            MethodCall::Business { method, args } => return (method.run)(env, args.clone()).await,
            MethodCall::Create { vals_list, single } => {
                let ids = env.create(model, vals_list.clone()).await?;
                if *single {
                    json!(ids[0])
                } else {
                    json!(ids)
                }
            }
            MethodCall::Write { ids, vals } => {
                env.write(model, ids, vals.clone()).await?;
                json!(true)
            }
            MethodCall::Unlink { ids } => {
                env.unlink(model, ids).await?;
                json!(true)
            }
            MethodCall::Read { ids, fields, load } => {
                records_json(env.read(model, ids, fields.as_deref(), *load).await?)
            }
            MethodCall::Search {
                domain,
                offset,
                limit,
                order,
            } => json!(
                env.search(model, domain.clone(), *offset, *limit, order.as_deref())
                    .await?
            ),
            MethodCall::SearchCount { domain, limit } => {
                json!(env.search_count(model, domain.clone(), *limit).await?)
            }
            MethodCall::SearchRead {
                domain,
                fields,
                offset,
                limit,
                order,
                load,
            } => records_json(
                env.search_read(
                    model,
                    domain.clone(),
                    fields.as_deref(),
                    *offset,
                    *limit,
                    order.as_deref(),
                    *load,
                )
                .await?,
            ),
            // Odoo 18's `copy` is multi-record and answers the new ids.
            MethodCall::Copy { ids, default } => {
                json!(env.copy(model, ids, default.clone()).await?)
            }
            MethodCall::DefaultGet { fields } => {
                env.check_access(m, Operation::Read)?;
                Value::Object(env.default_get(m, Some(fields)).await?)
            }
            // Like Odoo's `fields_get`, no model access check: fields restricted to
            // groups are left out, the schema itself is not secret.
            MethodCall::FieldsGet {
                allfields,
                attributes,
            } => Value::Object(
                env.fields_get(m, allfields.as_deref(), attributes.as_deref())
                    .await?,
            ),
            MethodCall::NameSearch {
                name,
                domain,
                operator,
                limit,
            } => json!(
                env.name_search(model, name, domain.clone(), operator, *limit)
                    .await?
            ),
            MethodCall::NameCreate { name } => {
                let mut vals = Map::new();
                vals.insert(m.rec_name.to_string(), name.clone());
                let id = env.create(model, vec![vals]).await?[0];
                let names = env.display_names(m, &[id]).await?;
                json!([id, names.get(&id).cloned().unwrap_or_default()])
            }
            MethodCall::Exists { ids } => {
                env.check_access(m, Operation::Read)?;
                json!(env.existing(m, ids).await?)
            }
            MethodCall::CheckAccessRights {
                operation,
                raise_exception,
            } => {
                if *raise_exception {
                    env.check_access(m, *operation)?;
                    json!(true)
                } else {
                    json!(env.has_access(m, *operation))
                }
            }
            MethodCall::WebSearchRead(call) => web::web_search_read(env, m, call.clone()).await?,
            MethodCall::WebRead(call) => web::web_read(env, m, call.clone()).await?,
            MethodCall::NameGet { ids } => {
                env.check_access(m, Operation::Read)?;
                let ids = env.existing(m, ids).await?;
                let names = env.display_names(m, &ids).await?;
                json!(ids
                    .iter()
                    .map(|i| json!([i, names.get(i).cloned().unwrap_or_default()]))
                    .collect::<Vec<_>>())
            }
        };
        Ok(Outcome::Value(value))
    }
}

fn parse_method(
    r: &'static Registry,
    m: &'static ModelDef,
    method: &str,
    a: &[Value],
    k: &Map<String, Value>,
) -> OdooResult<MethodCall> {
    Ok(match method {
        "create" => {
            let b = Bound::bind("create", &["vals_list"], a, k)?;
            let call = match b.required(0)? {
                Value::Array(items) => MethodCall::Create {
                    vals_list: items
                        .iter()
                        .map(|i| as_object(i, "vals"))
                        .collect::<OdooResult<Vec<_>>>()?,
                    single: false,
                },
                other => MethodCall::Create {
                    vals_list: vec![as_object(other, "vals")?],
                    single: true,
                },
            };
            if let MethodCall::Create { vals_list, .. } = &call {
                for vals in vals_list {
                    check_nesting(r, m, vals)?;
                }
            }
            call
        }
        "write" => {
            let b = Bound::bind("write", &["ids", "vals"], a, k)?;
            let vals = as_object(b.required(1)?, "vals")?;
            check_nesting(r, m, &vals)?;
            MethodCall::Write {
                ids: b.ids(0)?,
                vals,
            }
        }
        "unlink" => {
            let b = Bound::bind("unlink", &["ids"], a, k)?;
            MethodCall::Unlink { ids: b.ids(0)? }
        }
        "read" => {
            let b = Bound::bind("read", &["ids", "fields", "load"], a, k)?;
            MethodCall::Read {
                ids: b.ids(0)?,
                fields: b.strings(1)?,
                load: classic_read(&b, 2),
            }
        }
        "search" => {
            let b = Bound::bind(
                "search",
                &["domain", "offset", "limit", "order", "count"],
                a,
                k,
            )?;
            let domain = domain(r, m, &b, 0)?;
            if b.get(4).and_then(Value::as_bool) == Some(true) {
                MethodCall::SearchCount {
                    domain,
                    limit: b.u64(2)?,
                }
            } else {
                MethodCall::Search {
                    domain,
                    order: b.string(3)?,
                    offset: b.u64(1)?.unwrap_or(0),
                    limit: b.u64(2)?,
                }
            }
        }
        "search_count" => {
            let b = Bound::bind("search_count", &["domain", "limit"], a, k)?;
            MethodCall::SearchCount {
                domain: domain(r, m, &b, 0)?,
                limit: b.u64(1)?,
            }
        }
        "search_read" => {
            let b = Bound::bind(
                "search_read",
                &["domain", "fields", "offset", "limit", "order", "load"],
                a,
                k,
            )?;
            MethodCall::SearchRead {
                domain: domain(r, m, &b, 0)?,
                fields: b.strings(1)?,
                order: b.string(4)?,
                offset: b.u64(2)?.unwrap_or(0),
                limit: b.u64(3)?,
                load: classic_read(&b, 5),
            }
        }
        "copy" => {
            let b = Bound::bind("copy", &["ids", "default"], a, k)?;
            MethodCall::Copy {
                ids: b.ids(0)?,
                default: b.object(1)?,
            }
        }
        "default_get" => {
            let b = Bound::bind("default_get", &["fields_list"], a, k)?;
            let fields = b.strings(0)?.unwrap_or_default();
            if let Some(f) = fields.iter().find(|f| !m.has_field(f)) {
                return Err(OdooError::ValueError(format!(
                    "Invalid field '{f}' on model '{}'",
                    m.name
                )));
            }
            MethodCall::DefaultGet { fields }
        }
        "fields_get" => {
            let b = Bound::bind("fields_get", &["allfields", "attributes"], a, k)?;
            MethodCall::FieldsGet {
                allfields: b.strings(0)?,
                attributes: b.strings(1)?,
            }
        }
        "name_search" => {
            // Odoo 18 calls the domain `domain`; clients written for 17 still send
            // `args`.
            let mut k2 = k.clone();
            if let Some(v) = k2.remove("args") {
                k2.insert("domain".into(), v);
            }
            let b = Bound::bind(
                "name_search",
                &["name", "domain", "operator", "limit"],
                a,
                &k2,
            )?;
            let operator = b.string(2)?.unwrap_or_else(|| "ilike".into());
            if Op::parse(&operator).is_none() {
                return Err(OdooError::ValueError(format!(
                    "Invalid operator {operator}"
                )));
            }
            MethodCall::NameSearch {
                name: b.string(0)?.unwrap_or_default(),
                domain: domain(r, m, &b, 1)?,
                operator,
                limit: b
                    .u64(3)?
                    .or(if b.get(3).is_none() { Some(100) } else { None }),
            }
        }
        "name_create" => {
            let b = Bound::bind("name_create", &["name"], a, k)?;
            MethodCall::NameCreate {
                name: b.required(0)?.clone(),
            }
        }
        "exists" => {
            let b = Bound::bind("exists", &["ids"], a, k)?;
            MethodCall::Exists { ids: b.ids(0)? }
        }
        "check_access_rights" => {
            let b = Bound::bind(
                "check_access_rights",
                &["operation", "raise_exception"],
                a,
                k,
            )?;
            let op = b.string(0)?.unwrap_or_else(|| "read".into());
            MethodCall::CheckAccessRights {
                operation: Operation::parse(&op)
                    .ok_or_else(|| OdooError::ValueError(format!("Invalid access mode: {op}")))?,
                raise_exception: b.get(1).and_then(Value::as_bool) != Some(false),
            }
        }
        "web_search_read" => MethodCall::WebSearchRead(WebSearchRead::parse(r, m, a, k)?),
        "web_read" => MethodCall::WebRead(WebRead::parse(a, k)?),
        "name_get" => {
            let b = Bound::bind("name_get", &["ids"], a, k)?;
            MethodCall::NameGet { ids: b.ids(0)? }
        }
        _ => {
            let declared = m.method(method).ok_or_else(|| {
                OdooError::AttributeError(format!(
                    "The method '{method}' does not exist on the model '{}'",
                    m.name
                ))
            })?;
            MethodCall::Business {
                method: declared,
                args: bind_business(declared, a, k)?,
            }
        }
    })
}

/// Binds a business method's arguments: the record ids first for record methods (and
/// for model methods that accept being called on a record), then its parameters.
fn bind_business(method: &Method, a: &[Value], k: &Map<String, Value>) -> OdooResult<Args> {
    let (ids, rest) = match method.kind {
        MethodKind::Record => (parse_ids(a.first())?, a.get(1..).unwrap_or_default()),
        MethodKind::Model { accepts_ids: true }
            if a.first().is_some_and(super::bind::looks_like_ids) =>
        {
            (parse_ids(a.first())?, &a[1..])
        }
        MethodKind::Model { .. } => (vec![], a),
    };
    let names: Vec<&str> = method.params.iter().map(|p| p.name).collect();
    let bound = Bound::bind(method.name, &names, rest, k)?;
    Ok(Args {
        ids,
        values: bound.typed(&method.params)?,
    })
}
