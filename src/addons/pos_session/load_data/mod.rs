//! `pos.session.load_data(models_to_load, only_data=False)`: everything the Odoo 18 POS
//! client boots with, as Odoo 18 answers it. One entry per model in Odoo's fixed order
//! (`_load_pos_data_models`), each `{data, fields, relations}`: the records read with
//! `load=False` (many2ones as bare ids), the fields asked (`[]`: all of them), and the
//! description of those fields (`_load_pos_data_relations`). A model the user may not
//! read answers `data: []` with its `error`. `only_data` leaves the relations out; a
//! non-empty `models_to_load` keeps only the models it names (the session always).
//!
//! Each model's loader (its domain, fields and the touches Odoo gives the records)
//! lives in the file of its area: [`pos`], [`product`], [`base`], [`account`].

mod account;
mod base;
mod pos;
mod product;

pub(in crate::addons) use pos::read_pos_data;
pub(in crate::addons) use product::pricelist_items_by_product;

use futures::future::BoxFuture;
use models::FieldType;
use serde_json::{json, Map, Value};

use super::MODEL;
use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Args, Outcome};
use crate::orm::domain::Domain;
use crate::orm::values::records_json;
use crate::orm::Env;

/// What the loaders before a model answered (Odoo's `data` argument), by model.
pub(super) struct Loaded {
    pub session: Map<String, Value>,
    pub config: Map<String, Value>,
    pub models: Map<String, Value>,
}

impl Loaded {
    /// The ids of the records a previous model answered (none when it was not loaded).
    pub fn ids(&self, model: &str) -> Vec<i64> {
        self.records(model)
            .iter()
            .filter_map(|r| r.get("id").and_then(Value::as_i64))
            .collect()
    }

    /// The records a previous model answered.
    pub fn records(&self, model: &str) -> Vec<Map<String, Value>> {
        self.models
            .get(model)
            .and_then(|m| m.get("data"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|r| r.as_object().cloned()).collect())
            .unwrap_or_default()
    }

    /// The ids a relational field holds across a previous model's records.
    pub fn linked(&self, model: &str, field: &str) -> Vec<i64> {
        let mut out: Vec<i64> = Vec::new();
        for r in self.records(model) {
            match r.get(field) {
                Some(Value::Array(ids)) => out.extend(ids.iter().filter_map(Value::as_i64)),
                Some(Value::Number(n)) => out.extend(n.as_i64()),
                _ => {}
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// A value of the session's POS (`pos.config`).
    pub fn config(&self, field: &str) -> Value {
        self.config
            .get(field)
            .cloned()
            .unwrap_or(Value::Bool(false))
    }

    /// The ids a relational field of the POS holds.
    pub fn config_ids(&self, field: &str) -> Vec<i64> {
        match self.config.get(field) {
            Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_i64).collect(),
            Some(Value::Number(n)) => n.as_i64().into_iter().collect(),
            _ => Vec::new(),
        }
    }
}

/// The records a loader answers, given what was loaded before it.
pub(super) type LoadFn = for<'a> fn(
    &'a Env<'a>,
    &'a Loaded,
    &'static str,
    &'static [&'static str],
) -> BoxFuture<'a, OdooResult<Vec<Map<String, Value>>>>;

/// One model of `load_data`: Odoo's `_load_pos_data_fields` and `_load_pos_data`.
pub(super) struct Loader {
    pub model: &'static str,
    /// The fields read; empty means all of them.
    pub fields: &'static [&'static str],
    pub load: LoadFn,
}

/// Odoo 18's `_load_pos_data_models`, in its order (the session comes first).
fn loaders() -> Vec<Loader> {
    let mut all = Vec::new();
    all.extend(pos::loaders_head());
    all.extend(account::loaders_taxes());
    all.extend(product::loaders());
    all.extend(base::loaders_people());
    all.extend(product::loaders_prices());
    all.extend(account::loaders_fiscal());
    all.extend(base::loaders_tail());
    all
}

/// The plain `_load_pos_data`: the records of `domain`, in the model's order, read
/// with the caller's rights and `load=False`.
pub(super) async fn search_read(
    env: &Env<'_>,
    model: &str,
    domain: Domain,
    fields: &[&str],
) -> OdooResult<Vec<Map<String, Value>>> {
    let ids = env.search(model, domain, 0, None, None).await?;
    read(env, model, &ids, fields).await
}

/// `read(ids, fields, load=False)`; no fields: all of them.
pub(super) async fn read(
    env: &Env<'_>,
    model: &str,
    ids: &[i64],
    fields: &[&str],
) -> OdooResult<Vec<Map<String, Value>>> {
    let mut names: Vec<String> = Vec::new();
    for f in fields {
        if !names.iter().any(|n| n == f) {
            names.push(f.to_string());
        }
    }
    let wanted = (!names.is_empty()).then_some(names.as_slice());
    // An empty read still checks the model's rights, as Odoo's `search_read` does.
    env.read(model, ids, wanted, false).await
}

/// `_load_pos_data_relations`: each field read (every field when `fields` is empty),
/// described as Odoo describes it to the POS client.
fn relations(env: &Env<'_>, model: &str, fields: &[&str]) -> OdooResult<Value> {
    let m = env.model(model)?;
    let mut out = Map::new();
    for f in m.fields.iter().filter(|f| !f.write_only) {
        if !fields.is_empty() && !fields.contains(&f.name) {
            continue;
        }
        let mut r = Map::new();
        r.insert("name".into(), json!(f.name));
        match f.ty.comodel() {
            Some(comodel) => {
                r.insert("model".into(), json!(model));
                r.insert("compute".into(), json!(f.reported_compute()));
                r.insert("related".into(), json!(f.reported_related()));
                r.insert("relation".into(), json!(comodel));
                r.insert("type".into(), json!(f.reported_type()));
                match &f.ty {
                    // A related one2many has no inverse of its own.
                    FieldType::One2many { inverse, .. } if f.related.is_none() => {
                        r.insert("inverse_name".into(), json!(inverse));
                    }
                    FieldType::Many2many { relation, .. } => {
                        let table = if relation.is_empty() {
                            Value::Null
                        } else {
                            json!(relation)
                        };
                        r.insert("relation_table".into(), table);
                    }
                    _ => {}
                }
            }
            None => {
                r.insert("type".into(), json!(f.reported_type()));
                r.insert("compute".into(), json!(f.reported_compute()));
                r.insert("related".into(), json!(f.reported_related()));
            }
        }
        out.insert(f.name.to_string(), Value::Object(r));
    }
    Ok(Value::Object(out))
}

/// `load_data(models_to_load, only_data=False)` on one session.
pub(in crate::addons) async fn load_data(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let id = super::super::single_id(MODEL, &args.ids)?;
    let wanted: Vec<String> = match args.value(0) {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Vec::new(),
        Some(Value::Array(names)) => names
            .iter()
            .map(|n| match n {
                Value::String(s) => Ok(s.clone()),
                other => Err(OdooError::TypeError(format!(
                    "'in <string>' requires string as left operand, not {}",
                    crate::orm::values::python_type_name(other)
                ))),
            })
            .collect::<OdooResult<_>>()?,
        Some(other) => {
            return Err(OdooError::TypeError(format!(
                "argument of type '{}' is not iterable",
                crate::orm::values::python_type_name(other)
            )))
        }
    };
    let only_data = match args.value(1) {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(Value::Bool(true)) => true,
    };
    let mut response = Map::new();
    let session = pos::load_session(env, id).await?;
    let config_id = session
        .get("config_id")
        .and_then(Value::as_i64)
        .unwrap_or_default();
    // The session's entry always has its relations, as in Odoo.
    let mut entry = Map::new();
    entry.insert("data".into(), json!([session.clone()]));
    entry.insert("fields".into(), json!(pos::SESSION_FIELDS));
    entry.insert(
        "relations".into(),
        relations(env, MODEL, pos::SESSION_FIELDS)?,
    );
    response.insert(MODEL.into(), Value::Object(entry));
    let config = env
        .sudo()
        .read("pos.config", &[config_id], None, false)
        .await?
        .into_iter()
        .next()
        .unwrap_or_default();
    let mut loaded = Loaded {
        session,
        config,
        models: Map::new(),
    };
    for loader in loaders() {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == loader.model) {
            continue;
        }
        let mut entry = Map::new();
        match (loader.load)(env, &loaded, loader.model, loader.fields).await {
            Ok(data) => {
                entry.insert("data".into(), records_json(data));
                entry.insert("fields".into(), json!(loader.fields));
            }
            Err(OdooError::AccessError(message)) => {
                entry.insert("data".into(), json!([]));
                entry.insert("fields".into(), json!(loader.fields));
                entry.insert("error".into(), json!(message));
            }
            Err(other) => return Err(other),
        }
        if !only_data {
            entry.insert(
                "relations".into(),
                relations(env, loader.model, loader.fields)?,
            );
        }
        if loader.model == "pos.config" {
            if let Some(first) = entry
                .get("data")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(Value::as_object)
            {
                loaded.config = first.clone();
            }
        }
        let value = Value::Object(entry);
        loaded.models.insert(loader.model.into(), value.clone());
        response.insert(loader.model.into(), value);
    }
    Ok(Value::Object(response).into())
}
