//! `ir.model.data`: external ids, their complete names and the lookup methods
//! clients call (`check_object_reference`, `xmlid_to_res_id`, ...).

use std::collections::HashMap;

use async_trait::async_trait;
use serde_json::{json, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{
    Args, Behaviour, Compute, Method, MethodKind, NamesFn, Outcome, Param, ParamKind,
};
use crate::orm::Env;

pub struct IrModelData;

#[async_trait]
impl Behaviour for IrModelData {
    fn model(&self) -> &'static str {
        "ir.model.data"
    }

    fn computes(&self) -> Vec<Compute> {
        vec![Compute {
            field: "complete_name",
            run: |env, ids| Box::pin(complete_names(env, ids)),
        }]
    }

    fn methods(&self) -> Vec<Method> {
        let xmlid = vec![
            Param::required("xmlid", ParamKind::Str),
            Param::optional("raise_if_not_found", ParamKind::Any),
        ];
        vec![
            Method {
                name: "check_object_reference",
                kind: MethodKind::Model { accepts_ids: false },
                params: vec![
                    Param::required("module", ParamKind::Str),
                    Param::required("xml_id", ParamKind::Str),
                    Param::optional("raise_on_access_error", ParamKind::Any),
                ],
                readonly: true,
                run: |env, args| Box::pin(check_object_reference(env, args)),
            },
            Method {
                name: "xmlid_to_res_id",
                kind: MethodKind::Model { accepts_ids: false },
                params: xmlid.clone(),
                readonly: true,
                run: |env, args| Box::pin(xmlid_to_res_id(env, args, false)),
            },
            Method {
                name: "xmlid_to_res_model_res_id",
                kind: MethodKind::Model { accepts_ids: false },
                params: xmlid.clone(),
                readonly: true,
                run: |env, args| Box::pin(xmlid_to_res_id(env, args, true)),
            },
        ]
    }

    fn display_names(&self) -> Option<NamesFn> {
        Some(|env, ids| Box::pin(display_names(env, ids)))
    }
}

/// `module.name`, or `name` alone without a module.
async fn complete_names(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, Value>> {
    let rows = env
        .sudo()
        .values_of("ir.model.data", ids, &["module", "name"])
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, r)| {
            let module = r.get("module").and_then(Value::as_str).unwrap_or_default();
            let name = r.get("name").and_then(Value::as_str).unwrap_or_default();
            (
                id,
                json!(if module.is_empty() {
                    name.to_string()
                } else {
                    format!("{module}.{name}")
                }),
            )
        })
        .collect())
}

fn not_found(xmlid: &str) -> OdooError {
    OdooError::ValueError(format!("External ID not found in the system: {xmlid}"))
}

/// `check_object_reference(module, xml_id)` → `[model, res_id]`.
async fn check_object_reference(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let xmlid = format!("{}.{}", args.string(0), args.string(1));
    match env.sudo().xmlid_lookup(&xmlid).await? {
        Some((model, id)) => Ok(json!([model, id]).into()),
        None => Err(not_found(&xmlid)),
    }
}

/// `xmlid_to_res_id(xmlid, raise_if_not_found=False)`, or with `with_model` the
/// `[model, res_id]` pair of `xmlid_to_res_model_res_id`.
async fn xmlid_to_res_id(env: &Env<'_>, args: Args, with_model: bool) -> OdooResult<Outcome> {
    let xmlid = args.string(0);
    let raise = args.value(1).map(truthy).unwrap_or(false);
    let found = env.sudo().xmlid_lookup(&xmlid).await?;
    Ok(match (found, with_model) {
        (Some((model, id)), true) => json!([model, id]),
        (Some((_, id)), false) => json!(id),
        (None, _) if raise => return Err(not_found(&xmlid)),
        (None, true) => json!([false, false]),
        (None, false) => Value::Bool(false),
    }
    .into())
}

/// Python's truth value of a JSON value.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => false,
        Value::Bool(true) => true,
        Value::Number(n) => n.as_f64().map(|f| f != 0.0).unwrap_or(true),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// The model's display names (see [`Behaviour::display_names`]).
async fn display_names(env: &Env<'_>, ids: &[i64]) -> OdooResult<HashMap<i64, String>> {
    Ok(complete_names(env, ids)
        .await?
        .into_iter()
        .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
        .collect())
}
