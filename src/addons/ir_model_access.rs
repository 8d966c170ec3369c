//! `ir.model.access`: `check(model, mode, raise_exception)` answers from the access
//! lines of the model declarations.

use serde_json::Value;

use super::ir_model_data::truthy;
use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Args, Behaviour, Method, MethodKind, Outcome, Param, ParamKind};
use crate::orm::{Env, Operation};

pub struct IrModelAccess;

impl Behaviour for IrModelAccess {
    fn model(&self) -> &'static str {
        "ir.model.access"
    }

    fn methods(&self) -> Vec<Method> {
        vec![Method {
            name: "check",
            kind: MethodKind::Model { accepts_ids: false },
            params: vec![
                Param::required("model", ParamKind::Str),
                Param::optional("mode", ParamKind::Str),
                Param::optional("raise_exception", ParamKind::Any),
            ],
            readonly: true,
            run: |env, args| Box::pin(check(env, args)),
        }]
    }
}

async fn check(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let mode = args.str(1).unwrap_or("read");
    let raise = args.value(2).map(truthy).unwrap_or(true);
    let op = Operation::parse(mode)
        .ok_or_else(|| OdooError::ValueError(format!("Invalid access mode: {mode}")))?;
    let m = env.model(args.str(0).unwrap_or_default())?;
    Ok(if raise {
        env.check_access(m, op)?;
        Value::Bool(true).into()
    } else {
        Value::Bool(env.has_access(m, op)).into()
    })
}
