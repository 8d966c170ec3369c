//! Dispatch of model calls (`execute_kw`, `call_kw`): a call is parsed once into a
//! closed `OrmCall`, its arguments bound to the method's parameters like Python would
//! bind them, then run against the ORM engine or a model's business method.

pub mod after_commit;
pub mod web;

use serde_json::{json, Map, Value};

use crate::addons;
use crate::errors::{OdooError, OdooResult};
use crate::orm::domain::{Domain, Op};
use crate::orm::engine::model_of;
use crate::orm::Env;

/// One model method call as clients send it.
#[derive(Debug, Clone)]
pub struct OrmCall {
    pub model: String,
    pub method: String,
    pub args: Vec<Value>,
    pub kwargs: Map<String, Value>,
}

impl OrmCall {
    /// Parses `args` and `kwargs` values; anything but a list and an object is refused.
    pub fn new(
        model: &Value,
        method: &Value,
        args: Option<&Value>,
        kwargs: Option<&Value>,
    ) -> OdooResult<OrmCall> {
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
            Some(Value::Array(a)) => a.clone(),
            Some(_) => return Err(OdooError::TypeError("args must be a list".into())),
        };
        let kwargs = match kwargs {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err(OdooError::TypeError("kwargs must be a dict".into())),
        };
        Ok(OrmCall {
            model,
            method,
            args,
            kwargs,
        })
    }
}

/// Binds positional and keyword arguments to named parameters, as Python does.
pub struct Bound {
    values: Vec<Option<Value>>,
}

impl Bound {
    pub fn bind(
        method: &str,
        params: &[&str],
        args: &[Value],
        kwargs: &Map<String, Value>,
    ) -> OdooResult<Bound> {
        if args.len() > params.len() {
            return Err(OdooError::TypeError(format!(
                "{method}() takes from 1 to {} positional arguments but {} were given",
                params.len() + 1,
                args.len() + 1
            )));
        }
        let mut values: Vec<Option<Value>> = params
            .iter()
            .enumerate()
            .map(|(i, _)| args.get(i).cloned())
            .collect();
        for (k, v) in kwargs {
            if k == "context" {
                continue;
            }
            match params.iter().position(|p| p == k) {
                Some(i) if values[i].is_some() && i < args.len() => {
                    return Err(OdooError::TypeError(format!(
                        "{method}() got multiple values for argument '{k}'"
                    )))
                }
                Some(i) => values[i] = Some(v.clone()),
                None => {
                    return Err(OdooError::TypeError(format!(
                        "{method}() got an unexpected keyword argument '{k}'"
                    )))
                }
            }
        }
        Ok(Bound { values })
    }

    pub fn get(&self, i: usize) -> Option<&Value> {
        self.values
            .get(i)
            .and_then(|v| v.as_ref())
            .filter(|v| !v.is_null())
    }

    pub fn required(&self, i: usize, method: &str, name: &str) -> OdooResult<&Value> {
        self.values.get(i).and_then(|v| v.as_ref()).ok_or_else(|| {
            OdooError::TypeError(format!(
                "{method}() missing 1 required positional argument: '{name}'"
            ))
        })
    }

    pub fn u64(&self, i: usize, name: &str) -> OdooResult<Option<u64>> {
        match self.get(i) {
            None | Some(Value::Bool(false)) => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                OdooError::TypeError(format!("{name} must be a non-negative integer"))
            }),
        }
    }

    pub fn string(&self, i: usize, name: &str) -> OdooResult<Option<String>> {
        match self.get(i) {
            None | Some(Value::Bool(false)) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(OdooError::TypeError(format!("{name} must be a string"))),
        }
    }

    pub fn strings(&self, i: usize, name: &str) -> OdooResult<Option<Vec<String>>> {
        match self.get(i) {
            None | Some(Value::Bool(false)) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str().map(str::to_string).ok_or_else(|| {
                        OdooError::TypeError(format!("{name} must be a list of strings"))
                    })
                })
                .collect::<OdooResult<Vec<_>>>()
                .map(Some),
            Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
            Some(_) => Err(OdooError::TypeError(format!(
                "{name} must be a list of strings"
            ))),
        }
    }
}

/// Record ids from the first argument: a list of ints or a single int.
pub fn parse_ids(v: Option<&Value>) -> OdooResult<Vec<i64>> {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(vec![]),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(|i| vec![i])
            .ok_or_else(|| OdooError::TypeError("ids must be integers".into())),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_i64().ok_or_else(|| {
                    OdooError::TypeError(format!(
                        "ids must be integers, not {}",
                        crate::orm::values::python_repr(i)
                    ))
                })
            })
            .collect(),
        Some(other) => Err(OdooError::TypeError(format!(
            "ids must be a list of integers, not {}",
            crate::orm::values::python_repr(other)
        ))),
    }
}

fn as_object(v: &Value, what: &str) -> OdooResult<Map<String, Value>> {
    match v {
        Value::Object(m) => Ok(m.clone()),
        Value::Null | Value::Bool(false) => Ok(Map::new()),
        other => Err(OdooError::TypeError(format!(
            "{what} must be a dict, not {}",
            crate::orm::values::python_repr(other)
        ))),
    }
}

/// Runs one model call in `env` (whose context already is the call's context).
pub async fn execute(env: &Env<'_>, call: OrmCall) -> OdooResult<Value> {
    let OrmCall {
        model,
        method,
        args,
        kwargs,
    } = call;
    if method.starts_with('_') {
        return Err(OdooError::AccessError(format!(
            "Private methods (such as {method}) cannot be called remotely."
        )));
    }
    let m = model_of(&model)?;
    let unknown = || {
        OdooError::AttributeError(format!(
            "The method '{method}' does not exist on the model '{model}'"
        ))
    };
    let a = &args;
    let k = &kwargs;
    match method.as_str() {
        "create" => {
            let b = Bound::bind("create", &["vals_list"], a, k)?;
            let v = b.required(0, "create", "vals_list")?;
            match v {
                Value::Array(items) => {
                    let list = items
                        .iter()
                        .map(|i| as_object(i, "vals"))
                        .collect::<OdooResult<Vec<_>>>()?;
                    Ok(json!(env.create(&model, list).await?))
                }
                other => Ok(json!(
                    env.create(&model, vec![as_object(other, "vals")?]).await?[0]
                )),
            }
        }
        "write" => {
            let b = Bound::bind("write", &["ids", "vals"], a, k)?;
            let ids = parse_ids(b.get(0))?;
            let vals = as_object(b.required(1, "write", "vals")?, "vals")?;
            env.write(&model, &ids, vals).await?;
            Ok(json!(true))
        }
        "unlink" => {
            let b = Bound::bind("unlink", &["ids"], a, k)?;
            env.unlink(&model, &parse_ids(b.get(0))?).await?;
            Ok(json!(true))
        }
        "read" => {
            let b = Bound::bind("read", &["ids", "fields", "load"], a, k)?;
            let ids = parse_ids(b.get(0))?;
            let fields = b.strings(1, "fields")?;
            let load = classic_read(b.values.get(2));
            Ok(json!(
                env.read(&model, &ids, fields.as_deref(), load).await?
            ))
        }
        "search" => {
            let b = Bound::bind(
                "search",
                &["domain", "offset", "limit", "order", "count"],
                a,
                k,
            )?;
            let domain = Domain::parse(b.get(0).unwrap_or(&Value::Null))?;
            if b.get(4).and_then(Value::as_bool) == Some(true) {
                return Ok(json!(
                    env.search_count(&model, domain, b.u64(2, "limit")?).await?
                ));
            }
            let order = b.string(3, "order")?;
            Ok(json!(
                env.search(
                    &model,
                    domain,
                    b.u64(1, "offset")?.unwrap_or(0),
                    b.u64(2, "limit")?,
                    order.as_deref()
                )
                .await?
            ))
        }
        "search_count" => {
            let b = Bound::bind("search_count", &["domain", "limit"], a, k)?;
            let domain = Domain::parse(b.get(0).unwrap_or(&Value::Null))?;
            Ok(json!(
                env.search_count(&model, domain, b.u64(1, "limit")?).await?
            ))
        }
        "search_read" => {
            let b = Bound::bind(
                "search_read",
                &["domain", "fields", "offset", "limit", "order", "load"],
                a,
                k,
            )?;
            let domain = Domain::parse(b.get(0).unwrap_or(&Value::Null))?;
            let fields = b.strings(1, "fields")?;
            env.resolve_fields(m, fields.as_deref())?;
            let order = b.string(4, "order")?;
            let ids = env
                .search(
                    &model,
                    domain,
                    b.u64(2, "offset")?.unwrap_or(0),
                    b.u64(3, "limit")?,
                    order.as_deref(),
                )
                .await?;
            let load = classic_read(b.values.get(5));
            Ok(json!(
                env.read(&model, &ids, fields.as_deref(), load).await?
            ))
        }
        "copy" => {
            let b = Bound::bind("copy", &["ids", "default"], a, k)?;
            let ids = parse_ids(b.get(0))?;
            let default = as_object(b.get(1).unwrap_or(&Value::Null), "default")?;
            if ids.len() != 1 {
                return Err(OdooError::ValueError(format!(
                    "Expected singleton: {}({})",
                    model,
                    ids.iter().map(|i| format!("{i},")).collect::<String>()
                )));
            }
            Ok(json!(
                env.copy(&model, ids[0], addons::copy_defaults(m, default))
                    .await?
            ))
        }
        "default_get" => {
            let b = Bound::bind("default_get", &["fields_list"], a, k)?;
            let fields = b.strings(0, "fields_list")?.unwrap_or_default();
            for f in &fields {
                if !m.has_field(f) {
                    return Err(OdooError::ValueError(format!(
                        "Invalid field '{f}' on model '{model}'"
                    )));
                }
            }
            env.check_access(m, crate::orm::engine::Operation::Read)?;
            Ok(Value::Object(env.default_get(m, Some(&fields)).await?))
        }
        "fields_get" => {
            // Like Odoo's `fields_get`, no model access check: fields restricted to
            // groups are left out, the schema itself is not secret.
            let b = Bound::bind("fields_get", &["allfields", "attributes"], a, k)?;
            let all = b.strings(0, "allfields")?;
            let attrs = b.strings(1, "attributes")?;
            Ok(Value::Object(
                env.fields_get(m, all.as_deref(), attrs.as_deref()).await?,
            ))
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
            let name = b.string(0, "name")?.unwrap_or_default();
            let domain = Domain::parse(b.get(1).unwrap_or(&Value::Null))?;
            let op = b.string(2, "operator")?.unwrap_or_else(|| "ilike".into());
            let limit = b
                .u64(3, "limit")?
                .or(if b.get(3).is_none() { Some(100) } else { None });
            Ok(json!(
                env.name_search(&model, &name, domain, &op, limit).await?
            ))
        }
        "name_create" => {
            let b = Bound::bind("name_create", &["name"], a, k)?;
            let name = b.required(0, "name_create", "name")?.clone();
            let mut vals = Map::new();
            vals.insert(m.rec_name.to_string(), name);
            let id = env.create(&model, vec![vals]).await?[0];
            let names = env.display_names(m, &[id]).await?;
            Ok(json!([id, names.get(&id).cloned().unwrap_or_default()]))
        }
        "exists" => {
            let b = Bound::bind("exists", &["ids"], a, k)?;
            env.check_access(m, crate::orm::engine::Operation::Read)?;
            Ok(json!(env.existing(m, &parse_ids(b.get(0))?).await?))
        }
        "check_access_rights" => {
            let b = Bound::bind(
                "check_access_rights",
                &["operation", "raise_exception"],
                a,
                k,
            )?;
            let op = b.string(0, "operation")?.unwrap_or_else(|| "read".into());
            let op = crate::orm::engine::Operation::parse(&op)
                .ok_or_else(|| OdooError::ValueError(format!("Invalid access mode: {op}")))?;
            if b.get(1).and_then(Value::as_bool) == Some(false) {
                Ok(json!(env.has_access(m, op)))
            } else {
                env.check_access(m, op)?;
                Ok(json!(true))
            }
        }
        "web_search_read" => web::web_search_read(env, m, a, k).await,
        "web_read" => web::web_read(env, m, a, k).await,
        "name_get" => {
            let b = Bound::bind("name_get", &["ids"], a, k)?;
            env.check_access(m, crate::orm::engine::Operation::Read)?;
            let ids = env.existing(m, &parse_ids(b.get(0))?).await?;
            let names = env.display_names(m, &ids).await?;
            Ok(json!(ids
                .iter()
                .map(|i| json!([i, names.get(i).cloned().unwrap_or_default()]))
                .collect::<Vec<_>>()))
        }
        _ => {
            let declared = m.get_method(&method).ok_or_else(unknown)?;
            let (ids, rest) = match declared.kind {
                models::MethodKind::Record => (
                    parse_ids(a.first())?,
                    a.get(1..).map(<[Value]>::to_vec).unwrap_or_default(),
                ),
                models::MethodKind::Model => (vec![], a.clone()),
            };
            let mut kwargs = kwargs.clone();
            kwargs.remove("context");
            addons::call(env, m, &method, ids, rest, kwargs)
                .await
                .unwrap_or_else(|| Err(unknown()))
        }
    }
}

/// `load='_classic_read'` (the default) shows many2one as `[id, name]`; any other
/// value (`None`, `'_classic_write'`) as the bare id.
fn classic_read(load: Option<&Option<Value>>) -> bool {
    match load {
        None | Some(None) => true,
        Some(Some(Value::String(s))) => s == "_classic_read",
        Some(Some(_)) => false,
    }
}

/// Whether `ids` given to a record method are all ints (used by callers that accept
/// both record-style and model-style conventions).
pub fn looks_like_ids(v: &Value) -> bool {
    matches!(v, Value::Array(items) if items.iter().all(Value::is_i64))
}

/// `[('id', 'in', ids)]`.
pub fn ids_domain(ids: &[i64]) -> Domain {
    Domain::leaf("id", Op::In, json!(ids))
}
