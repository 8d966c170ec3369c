//! `web_read` and `web_search_read` (Odoo 17+): reads shaped by a specification.

use std::collections::HashMap;

use models::FieldType;
use serde_json::{json, Map, Value};

use super::bind::Bound;
use crate::errors::{OdooError, OdooResult};
use crate::orm::domain::{Domain, Op};
use crate::orm::x2many::MAX_RELATION_DEPTH;
use crate::orm::{Env, ModelDef, Registry};

/// `web_read(ids, specification)`, parsed.
#[derive(Clone, Debug)]
pub struct WebRead {
    ids: Vec<i64>,
    spec: Map<String, Value>,
}

impl WebRead {
    pub fn parse(args: &[Value], kwargs: &Map<String, Value>) -> OdooResult<WebRead> {
        let b = Bound::bind("web_read", &["ids", "specification"], args, kwargs)?;
        Ok(WebRead {
            ids: b.ids(0)?,
            spec: spec_of(b.get(1))?,
        })
    }
}

/// `web_search_read(domain, specification, offset, limit, order, count_limit)`, parsed.
#[derive(Clone, Debug)]
pub struct WebSearchRead {
    domain: Domain,
    spec: Map<String, Value>,
    offset: u64,
    limit: Option<u64>,
    order: Option<String>,
    count_limit: Option<u64>,
}

impl WebSearchRead {
    pub fn parse(
        registry: &'static Registry,
        model: &'static ModelDef,
        args: &[Value],
        kwargs: &Map<String, Value>,
    ) -> OdooResult<WebSearchRead> {
        let b = Bound::bind(
            "web_search_read",
            &[
                "domain",
                "specification",
                "offset",
                "limit",
                "order",
                "count_limit",
            ],
            args,
            kwargs,
        )?;
        Ok(WebSearchRead {
            domain: Domain::parse_for(b.get(0).unwrap_or(&Value::Null), model, registry)?,
            spec: spec_of(b.get(1))?,
            offset: b.u64(2)?.unwrap_or(0),
            limit: b.u64(3)?,
            order: b.string(4)?,
            count_limit: b.u64(5)?,
        })
    }
}

/// `[('id', 'in', ids)]`.
fn ids_domain(ids: &[i64]) -> Domain {
    Domain::leaf("id", Op::In, json!(ids))
}

/// A specification, refused when it follows relations deeper than
/// `MAX_RELATION_DEPTH` (each level is a nested read).
fn spec_of(v: Option<&Value>) -> OdooResult<Map<String, Value>> {
    let spec = match v {
        Some(Value::Object(m)) => m.clone(),
        None | Some(Value::Null) => Map::new(),
        Some(_) => return Err(OdooError::TypeError("specification must be a dict".into())),
    };
    let mut stack: Vec<(&Map<String, Value>, usize)> = vec![(&spec, 0)];
    while let Some((level, depth)) = stack.pop() {
        for sub in level.values() {
            if let Some(fields) = sub.get("fields").and_then(Value::as_object) {
                if depth + 1 > MAX_RELATION_DEPTH {
                    return Err(OdooError::too_deep());
                }
                stack.push((fields, depth + 1));
            }
        }
    }
    Ok(spec)
}

/// Reads `ids` of `model` as `spec` asks, recursing into relational fields.
pub fn read_spec<'b>(
    env: &'b Env<'_>,
    model: &'static ModelDef,
    ids: Vec<i64>,
    spec: Map<String, Value>,
) -> futures::future::BoxFuture<'b, OdooResult<Vec<Value>>> {
    Box::pin(async move {
        let names: Vec<String> = spec.keys().cloned().collect();
        let records = env
            .read(
                model.name,
                &ids,
                Some(&names).filter(|n| !n.is_empty()).map(|v| v.as_slice()),
                false,
            )
            .await?;
        let records = if names.is_empty() {
            records
                .into_iter()
                .map(|r| json!({"id": r.get("id").cloned().unwrap_or(Value::Null)}))
                .collect::<Vec<_>>()
        } else {
            records.into_iter().map(Value::Object).collect()
        };
        let mut out = Vec::with_capacity(records.len());
        let mut sub_cache: HashMap<(String, i64), Value> = HashMap::new();
        for rec in records {
            let Value::Object(mut rec) = rec else {
                continue;
            };
            for (name, sub) in &spec {
                let Some(field) = model.get_field(name) else {
                    continue;
                };
                let sub_fields = sub.get("fields").and_then(Value::as_object).cloned();
                match (&field.ty, sub_fields) {
                    (FieldType::Many2one { comodel, .. }, Some(fields)) => {
                        let v = rec.get(name).cloned().unwrap_or(Value::Bool(false));
                        if let Some(id) = v.as_i64() {
                            let key = (name.clone(), id);
                            let value = match sub_cache.get(&key) {
                                Some(v) => v.clone(),
                                None => {
                                    let v = read_many2one(env, comodel, id, fields).await?;
                                    sub_cache.insert(key, v.clone());
                                    v
                                }
                            };
                            rec.insert(name.clone(), value);
                        }
                    }
                    (
                        FieldType::One2many { comodel, .. } | FieldType::Many2many { comodel, .. },
                        Some(fields),
                    ) => {
                        let mut ids: Vec<i64> = rec
                            .get(name)
                            .and_then(Value::as_array)
                            .map(|a| a.iter().filter_map(Value::as_i64).collect())
                            .unwrap_or_default();
                        let co = env.model(comodel)?;
                        // Odoo's web_read: `order` re-sorts the related ids, `limit` reads
                        // only the first ones and lists the others as bare `{id}`.
                        if let Some(order) = sub
                            .get("order")
                            .and_then(Value::as_str)
                            .filter(|o| !o.trim().is_empty())
                        {
                            ids = env
                                .with_context("active_test", json!(false))
                                .search(co.name, ids_domain(&ids), 0, None, Some(order))
                                .await?;
                        }
                        let limit = sub
                            .get("limit")
                            .and_then(Value::as_u64)
                            .map(|l| l as usize)
                            .unwrap_or(usize::MAX);
                        let read: Vec<i64> = ids.iter().copied().take(limit).collect();
                        let mut rows: HashMap<i64, Value> = read_spec(env, co, read, fields)
                            .await?
                            .into_iter()
                            .filter_map(|r| r.get("id").and_then(Value::as_i64).map(|id| (id, r)))
                            .collect();
                        let rows: Vec<Value> = ids
                            .iter()
                            .map(|id| rows.remove(id).unwrap_or_else(|| json!({"id": id})))
                            .collect();
                        rec.insert(name.clone(), json!(rows));
                    }
                    _ => {}
                }
            }
            out.push(Value::Object(rec));
        }
        Ok(out)
    })
}

/// The record a many2one points to, as Odoo 18's `web_read` reads it: its fields with
/// the caller's rights (a record the rules hide is the caller's AccessError), but
/// its `display_name` as the superuser, as every many2one's name is shown; asked
/// for no field at all, only its id.
async fn read_many2one(
    env: &Env<'_>,
    comodel: &str,
    id: i64,
    mut fields: Map<String, Value>,
) -> OdooResult<Value> {
    let co = env.model(comodel)?;
    let display_name = fields.remove("display_name").is_some();
    let mut value = if fields.is_empty() {
        json!({"id": id})
    } else {
        read_spec(env, co, vec![id], fields)
            .await?
            .pop()
            .unwrap_or(json!({"id": id}))
    };
    if display_name {
        let names = env.sudo().display_names(co, &[id]).await?;
        if let (Some(name), Some(map)) = (names.get(&id), value.as_object_mut()) {
            map.insert("display_name".into(), json!(name));
        }
    }
    Ok(value)
}

pub async fn web_read(env: &Env<'_>, model: &'static ModelDef, call: WebRead) -> OdooResult<Value> {
    Ok(json!(read_spec(env, model, call.ids, call.spec).await?))
}

pub async fn web_search_read(
    env: &Env<'_>,
    model: &'static ModelDef,
    call: WebSearchRead,
) -> OdooResult<Value> {
    let WebSearchRead {
        domain,
        spec,
        offset,
        limit,
        order,
        count_limit,
    } = call;
    let ids = env
        .search(model.name, domain.clone(), offset, limit, order.as_deref())
        .await?;
    let length = match limit {
        Some(l) if ids.len() as u64 == l => {
            env.search_count(model.name, domain, count_limit).await?
        }
        _ => (ids.len() as i64).saturating_add(offset as i64),
    };
    let records = read_spec(env, model, ids, spec).await?;
    Ok(json!({"length": length, "records": records}))
}
