//! The `/v1` endpoints: routing, each endpoint's parameters, and the handlers.
//!
//! Each handler first validates its parameters against its [`Field`] list and its `expand[]`
//! paths, then reads or changes the [`State`] and renders the object it returns. Handlers run
//! under the simulator's lock, after authentication and idempotency checks (see `api`).
//!
//! This file routes and holds what every handler shares (the [`Call`], lookups, pagination);
//! `fields` declares each endpoint's parameters; one file per resource holds its handlers.

use serde_json::{json, Map, Value};
use sha2::{Digest as _, Sha256};

use super::authorization;
use super::error::ApiError;
use super::params::{self, Field, Params, Ty, EXPAND, METADATA};
use super::render::{render_location, RenderOptions};
use super::request::ApiRequest;
use super::state::{
    new_id, now, random_alnum, ActionStatus, Address, Charge, Decline, Location, PaymentIntent,
    PaymentMethod, PiStatus, PresentedCard, Reader, ReaderAction, Refund, State,
};

mod account;
mod fields;
mod locations;
mod payment_intents;
mod readers;
mod refunds;

pub(crate) use readers::present_card;

/// From this version on, PaymentIntents no longer embed their `charges` list.
const CHARGES_REMOVED_IN: &str = "2022-11-15";
/// Stripe's largest amount, in minor units.
const MAX_AMOUNT: i64 = 99_999_999;
/// Card-present authorizations lapse after about two days.
const CARD_PRESENT_HOLD_SECONDS: i64 = 2 * 24 * 3600;

/// Decodes `%xx` escapes in a path segment; malformed escapes are kept as they are.
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let hex_value = |byte: u8| (byte as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            if let (Some(high), Some(low)) =
                (hex_value(bytes[index + 1]), hex_value(bytes[index + 2]))
            {
                out.push((high * 16 + low) as u8);
                index += 3;
                continue;
            }
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A request's validated parameters and how to render its response.
struct Call<'a> {
    request: &'a ApiRequest,
    params: Params,
}

impl Call<'_> {
    /// Checks the parameters against `fields`.
    fn validate(&self, fields: &[Field]) -> Result<(), ApiError> {
        params::validate(self.params.map(), fields)
    }

    /// Before API version 2022-11-15 a PaymentIntent embeds its `charges` list.
    fn legacy_charges(&self) -> bool {
        self.request.version() < CHARGES_REMOVED_IN
    }

    /// Render options, after checking `expand[]` against what this object can expand.
    fn options(&self, expandable: &[&str]) -> Result<RenderOptions, ApiError> {
        let expand = self.params.list(&["expand"]);
        check_expand(&expand, expandable)?;
        Ok(RenderOptions {
            legacy_charges: self.legacy_charges(),
            expand,
        })
    }

    /// Render options for the items of a list, whose expansions are written `data.<field>`.
    fn list_options(&self, expandable: &[&str]) -> Result<RenderOptions, ApiError> {
        let expand = self.params.list(&["expand"]);
        let item_paths: Vec<String> = expand
            .iter()
            .map(|path| path.strip_prefix("data.").unwrap_or("").to_string())
            .collect();
        for (path, item_path) in expand.iter().zip(&item_paths) {
            if !expandable.contains(&item_path.as_str()) {
                return Err(cannot_expand(path));
            }
        }
        Ok(RenderOptions {
            legacy_charges: self.legacy_charges(),
            expand: item_paths,
        })
    }
}

fn check_expand(expand: &[String], expandable: &[&str]) -> Result<(), ApiError> {
    match expand
        .iter()
        .find(|path| !expandable.contains(&path.as_str()))
    {
        Some(path) => Err(cannot_expand(path)),
        None => Ok(()),
    }
}

fn cannot_expand(path: &str) -> ApiError {
    ApiError::invalid_param(
        None,
        "expand",
        format!("This property cannot be expanded ({path})."),
    )
}

pub(crate) fn route(
    state: &mut State,
    request: &ApiRequest,
    params: Params,
) -> Result<Value, ApiError> {
    let unrecognized = || {
        ApiError::invalid(format!(
            "Unrecognized request URL ({}: {}). Check the method and path against the Stripe API reference.",
            request.method, request.path
        ))
        .with_status(404)
    };
    let Some(rest) = request.path.strip_prefix("/v1/") else {
        return Err(unrecognized());
    };
    let segments: Vec<String> = rest.split('/').map(percent_decode).collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let call = Call { request, params };
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["account"]) => account::retrieve_account(state, &call),
        ("POST", ["terminal", "connection_tokens"]) => {
            account::create_connection_token(state, &call)
        }
        ("POST", ["payment_intents"]) => payment_intents::create_payment_intent(state, &call),
        ("GET", ["payment_intents", id]) => {
            payment_intents::retrieve_payment_intent(state, &call, id)
        }
        ("POST", ["payment_intents", id]) => {
            payment_intents::update_payment_intent(state, &call, id)
        }
        ("POST", ["payment_intents", id, "capture"]) => {
            payment_intents::capture_payment_intent(state, &call, id)
        }
        ("POST", ["payment_intents", id, "cancel"]) => {
            payment_intents::cancel_payment_intent(state, &call, id)
        }
        ("POST", ["refunds"]) => refunds::create_refund(state, &call),
        ("GET", ["refunds", id]) => refunds::retrieve_refund(state, &call, id),
        ("GET", ["charges", id]) => refunds::retrieve_charge(state, &call, id),
        ("GET", ["terminal", "readers"]) => readers::list_readers(state, &call),
        ("POST", ["terminal", "readers"]) => readers::create_reader(state, &call),
        ("GET", ["terminal", "readers", id]) => readers::retrieve_reader(state, &call, id),
        ("POST", ["terminal", "readers", id, "process_payment_intent"]) => {
            readers::process_payment_intent(state, &call, id)
        }
        ("POST", ["terminal", "readers", id, "cancel_action"]) => {
            readers::cancel_action(state, &call, id)
        }
        ("POST", ["test_helpers", "terminal", "readers", id, "present_payment_method"]) => {
            readers::present_payment_method(state, &call, id)
        }
        ("GET", ["terminal", "locations"]) => locations::list_locations(state, &call),
        ("POST", ["terminal", "locations"]) => locations::create_location(state, &call),
        ("GET", ["terminal", "locations", id]) => locations::retrieve_location(state, &call, id),
        _ => Err(unrecognized()),
    }
}

// ---------------------------------------------------------------------------------------------
// Lookups.

fn payment_intent<'s>(
    state: &'s State,
    id: &str,
    param: &str,
) -> Result<&'s PaymentIntent, ApiError> {
    state
        .payment_intents
        .get(id)
        .ok_or_else(|| ApiError::resource_missing("payment_intent", id, param))
}

fn payment_intent_mut<'s>(
    state: &'s mut State,
    id: &str,
) -> Result<&'s mut PaymentIntent, ApiError> {
    state
        .payment_intents
        .get_mut(id)
        .ok_or_else(|| ApiError::resource_missing("payment_intent", id, "intent"))
}

fn reader_index(state: &State, id: &str) -> Result<usize, ApiError> {
    state
        .reader_index(id)
        .ok_or_else(|| ApiError::resource_missing("terminal.reader", id, "id"))
}

fn existing_location(state: &State, id: &str, param: &str) -> Result<(), ApiError> {
    match state.location(id) {
        Some(_) => Ok(()),
        None => Err(ApiError::resource_missing("terminal.location", id, param)),
    }
}

/// The 400 for an operation the PaymentIntent's status does not allow; it carries the intent.
fn unexpected_state(state: &State, pi: &PaymentIntent, message: String) -> ApiError {
    ApiError::invalid(message)
        .with_code("payment_intent_unexpected_state")
        .with_payment_intent(state.render_payment_intent(pi, &RenderOptions::default()))
}

fn status_list(statuses: &[PiStatus]) -> String {
    statuses
        .iter()
        .map(|status| status.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A list object: `{object: "list", data, has_more, url}`, paginated newest first.
fn paginate(
    call: &Call<'_>,
    items: Vec<(String, Value)>,
    url: &str,
    kind: &str,
) -> Result<Value, ApiError> {
    let limit = call.params.int(&["limit"]).unwrap_or(10) as usize;
    let position = |param: &str, id: &str| {
        items
            .iter()
            .position(|(item_id, _)| item_id == id)
            .ok_or_else(|| ApiError::resource_missing(kind, id, param))
    };
    let (start, end, has_more) = if let Some(after) = call.params.str(&["starting_after"]) {
        let start = position("starting_after", after)? + 1;
        let end = (start + limit).min(items.len());
        (start, end, end < items.len())
    } else if let Some(before) = call.params.str(&["ending_before"]) {
        let end = position("ending_before", before)?;
        let start = end.saturating_sub(limit);
        (start, end, start > 0)
    } else {
        let end = limit.min(items.len());
        (0, end, end < items.len())
    };
    let data: Vec<Value> = items[start..end]
        .iter()
        .map(|(_, item)| item.clone())
        .collect();
    Ok(json!({ "object": "list", "data": data, "has_more": has_more, "url": url }))
}
