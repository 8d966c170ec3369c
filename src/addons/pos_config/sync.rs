//! `pos.config.read_config_open_orders(domain, record_ids)`, a running POS's call: the
//! orders a device should hold, and which of the records it holds are gone.
//! (`notify_synchronisation` is the bus engine's, in `pos_bus`.)

use serde_json::{json, Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Args, Outcome};
use crate::orm::domain::{Domain, Op};
use crate::orm::values::python_type_name;
use crate::orm::Env;

const MODEL: &str = "pos.config";

/// `{model: [ids]}` as a device sends it; anything else is Python's error for it.
fn records_arg(v: Option<&Value>) -> OdooResult<Vec<(String, Vec<i64>)>> {
    let Some(v) = v else { return Ok(Vec::new()) };
    let Value::Object(map) = v else {
        return Err(OdooError::AttributeError(format!(
            "'{}' object has no attribute 'items'",
            python_type_name(v)
        )));
    };
    let mut out = Vec::new();
    for (model, ids) in map {
        let ids = match ids {
            Value::Array(a) => a
                .iter()
                .map(|i| {
                    i.as_i64().ok_or_else(|| {
                        OdooError::TypeError(format!(
                            "'<' not supported between instances of '{}' and 'int'",
                            python_type_name(i)
                        ))
                    })
                })
                .collect::<OdooResult<Vec<i64>>>()?,
            other => {
                return Err(OdooError::TypeError(format!(
                    "'{}' object is not iterable",
                    python_type_name(other)
                )))
            }
        };
        out.push((model.clone(), ids));
    }
    Ok(out)
}

/// The model a device names, or Odoo's `KeyError` for an unknown one.
fn known_model(env: &Env<'_>, model: &str) -> OdooResult<()> {
    env.model(model)
        .map(|_| ())
        .map_err(|_| OdooError::KeyError(format!("'{model}'")))
}

/// `read_config_open_orders(domain, record_ids)`: the orders of `domain` as
/// `read_pos_data` gives them, and per model the ids sent that no longer exist.
pub(super) async fn read_config_open_orders(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let id = super::super::single_id(MODEL, &args.ids)?;
    let domain = Domain::parse(args.value(0).unwrap_or(&json!([])))?;
    let records = records_arg(args.value(1))?;
    let held: Vec<i64> = records
        .iter()
        .find(|(m, _)| m == "pos.order")
        .map(|(_, ids)| ids.clone())
        .unwrap_or_default();
    let held =
        Domain::leaf("id", Op::In, json!(held)).and(Domain::leaf("config_id", Op::Eq, json!(id)));
    let all = match &domain {
        Domain::True => Domain::True,
        d => Domain::Or(vec![d.clone(), held]),
    };
    let all = env.search("pos.order", all, 0, None, None).await?;
    let mut deleted = Map::new();
    for (model, ids) in &records {
        known_model(env, model)?;
        let m = env.model(model)?;
        let existing = env.sudo().existing(m, ids).await?;
        let gone: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|i| !existing.contains(i))
            .collect();
        deleted.insert(model.clone(), json!(gone));
    }
    let shown = env
        .search(
            "pos.order",
            domain.and(Domain::leaf("id", Op::In, json!(all))),
            0,
            None,
            None,
        )
        .await?;
    let dynamic = crate::addons::pos_session::read_pos_data(env, &shown).await?;
    Ok(json!({"dynamic_records": dynamic, "deleted_record_ids": deleted}).into())
}
