//! Stripe readers and locations of a payment method, for the administrator setting up
//! a terminal (beyond Odoo, which leaves this to Stripe's dashboard): list and create
//! locations, register a reader (its serial is written onto the method), list readers
//! and check that the method's reader is known and online. Each uses the Stripe key of
//! the method's company.

use std::fmt;

use async_trait::async_trait;
use serde_json::{json, Map, Value};

use super::stripe::{method_info, require_group};
use crate::addons::single_id;
use crate::addons::stripe_call::{provider_key, stripe_error, StripeCall};
use crate::errors::OdooResult;
use crate::orm::behaviour::{
    AfterCommit, Args, FollowUp, Method, MethodKind, Outcome, Param, ParamKind, Settled,
};
use crate::orm::{Env, Operation};
use crate::stripe::{SecretKey, StripeClient, StripeError, StripeRequest};

const MODEL: &str = "pos.payment.method";
const NO_READER_ACCESS: &str = "Do not have access to manage Stripe readers and locations";

pub(super) fn methods() -> Vec<Method> {
    vec![
        Method {
            name: "stripe_list_locations",
            kind: MethodKind::Record,
            params: vec![],
            readonly: true,
            run: |env, args| Box::pin(list_locations(env, args)),
        },
        Method {
            name: "stripe_create_location",
            kind: MethodKind::Record,
            params: vec![
                Param::required("display_name", ParamKind::Str),
                Param::optional("address", ParamKind::Object),
            ],
            readonly: true,
            run: |env, args| Box::pin(create_location(env, args)),
        },
        Method {
            name: "stripe_register_reader",
            kind: MethodKind::Record,
            params: vec![
                Param::required("registration_code", ParamKind::Str),
                Param::optional("label", ParamKind::Str),
                Param::optional("location_id", ParamKind::Str),
            ],
            readonly: true,
            run: |env, args| Box::pin(register_reader(env, args)),
        },
        Method {
            name: "stripe_list_readers",
            kind: MethodKind::Record,
            params: vec![Param::optional("status", ParamKind::Str)],
            readonly: true,
            run: |env, args| Box::pin(list_readers(env, args)),
        },
        Method {
            name: "stripe_check_reader",
            kind: MethodKind::Record,
            params: vec![],
            readonly: true,
            run: |env, args| Box::pin(check_reader(env, args)),
        },
    ]
}

/// The method's id and its company's Stripe key, once the caller's rights are checked
/// (`manager`: the Point of Sale administrators' group is needed).
async fn method_key(env: &Env<'_>, args: &Args, manager: bool) -> OdooResult<(i64, SecretKey)> {
    let group = if manager {
        "point_of_sale.group_pos_manager"
    } else {
        "point_of_sale.group_pos_user"
    };
    require_group(env, group, NO_READER_ACCESS)?;
    let id = single_id(MODEL, &args.ids)?;
    // The settings and the key go by one reading of the cache signal.
    let env = &env.with_cache_signal(crate::auth::cache::signal(env).await?);
    let info = method_info(env, id).await?;
    Ok((id, provider_key(env, info.company_id).await?))
}

async fn list_locations(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let (_, key) = method_key(env, &args, true).await?;
    Ok(StripeCall::new(env, key, StripeRequest::ListLocations)?.into_outcome())
}

async fn create_location(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let (_, key) = method_key(env, &args, true).await?;
    let address: Vec<(String, String)> = args
        .object(1)
        .map(|a| {
            a.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let request = StripeRequest::CreateLocation {
        display_name: args.string(0),
        address,
    };
    Ok(StripeCall::new(env, key, request)?.into_outcome())
}

/// Registers the reader with Stripe, then writes its serial onto the method. Stripe is
/// called after the checks' transaction has committed, with no transaction open; the
/// serial is written afterwards in a second short transaction, with the caller's rights
/// (so the serial's rules apply), skipped when the method already has it.
async fn register_reader(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let (id, key) = method_key(env, &args, true).await?;
    // Refused now rather than after Stripe registered the reader.
    env.check_access(env.model(MODEL)?, Operation::Write)?;
    let request = StripeRequest::RegisterReader {
        registration_code: args.string(0),
        label: args.str(1).map(str::to_string),
        location: args.str(2).map(str::to_string),
    };
    Ok(Outcome::AfterCommit(Box::new(Registration {
        client: crate::addons::services(env)?.stripe.clone(),
        key,
        request,
        method: id,
    })))
}

/// A reader registration waiting for the commit.
struct Registration {
    client: StripeClient,
    key: SecretKey,
    request: StripeRequest,
    method: i64,
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("key", &self.key)
            .field("request", &self.request)
            .field("method", &self.method)
            .finish()
    }
}

#[async_trait]
impl AfterCommit for Registration {
    async fn run(self: Box<Self>) -> OdooResult<Settled> {
        let reader = self
            .client
            .send(&self.key, &self.request)
            .await
            .map_err(stripe_error)?;
        if reader
            .get("serial_number")
            .and_then(Value::as_str)
            .is_none()
        {
            return Ok(Settled::Value(reader));
        }
        Ok(Settled::InTransaction(Box::new(WriteSerial {
            method: self.method,
            reader,
        })))
    }
}

/// Writes a registered reader's serial onto its payment method; answers the reader.
#[derive(Debug)]
struct WriteSerial {
    method: i64,
    reader: Value,
}

#[async_trait]
impl FollowUp for WriteSerial {
    async fn run(&self, env: &Env<'_>) -> OdooResult<Value> {
        let serial = self
            .reader
            .get("serial_number")
            .cloned()
            .unwrap_or_default();
        let current = env
            .sudo()
            .value_of(MODEL, self.method, "stripe_serial_number")
            .await?;
        if current != serial {
            let mut vals = Map::new();
            vals.insert("stripe_serial_number".into(), serial);
            env.write(MODEL, &[self.method], vals).await?;
        }
        Ok(self.reader.clone())
    }
}

async fn list_readers(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let (_, key) = method_key(env, &args, true).await?;
    let query = args
        .str(0)
        .map(|status| vec![("status".to_string(), status.to_string())])
        .unwrap_or_default();
    Ok(StripeCall::new(env, key, StripeRequest::ListReaders { query })?.into_outcome())
}

/// `{serial_number, found, online, reader, message}` for the method's reader.
async fn check_reader(env: &Env<'_>, args: Args) -> OdooResult<Outcome> {
    let (id, key) = method_key(env, &args, false).await?;
    let serial = env
        .sudo()
        .value_of(MODEL, id, "stripe_serial_number")
        .await?;
    let Some(serial) = serial.as_str().map(str::to_string) else {
        return Ok(
            json!({"serial_number": false, "found": false, "online": false, "reader": false,
            "message": "The payment method has no Stripe Serial Number."})
            .into(),
        );
    };
    let request = StripeRequest::ListReaders {
        query: vec![("serial_number".into(), serial.clone())],
    };
    let answer = Box::new(move |result: Result<Value, StripeError>| {
        Ok(reader_check(serial, result.map_err(stripe_error)?))
    });
    Ok(StripeCall::with_answer(env, key, request, answer)?.into_outcome())
}

/// What `stripe_check_reader` answers, from Stripe's reader list for the serial.
fn reader_check(serial: String, list: Value) -> Value {
    let reader = list
        .get("data")
        .and_then(Value::as_array)
        .and_then(|d| d.first())
        .cloned();
    let online = reader
        .as_ref()
        .and_then(|r| r.get("status"))
        .and_then(Value::as_str)
        == Some("online");
    let message = match (&reader, online) {
        (None, _) => json!(format!(
            "Stripe readers {serial} not listed in your account"
        )),
        (Some(_), false) => json!(format!("Stripe reader {serial} is offline")),
        (Some(_), true) => Value::Bool(false),
    };
    json!({"serial_number": serial, "found": reader.is_some(), "online": online, "reader": reader.unwrap_or(Value::Bool(false)), "message": message})
}
