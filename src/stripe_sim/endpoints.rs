//! The `/v1` endpoints: routing, each endpoint's parameters, and the handlers.
//!
//! Each handler first validates its parameters against its [`Field`] list and its `expand[]`
//! paths, then reads or changes the [`State`] and renders the object it returns. Handlers run
//! under the simulator's lock, after authentication and idempotency checks (see `api`).

use serde_json::{json, Map, Value};
use sha2::{Digest as _, Sha256};

use super::authorization;
use super::error::ApiError;
use super::params::{self, Field, Params, Ty, EXPAND, METADATA};
use super::request::ApiRequest;
use super::state::{
    new_id, now, random_alnum, render_location, ActionStatus, Address, Charge, Decline, Location,
    PaymentIntent, PaymentMethod, PiStatus, PresentedCard, Reader, ReaderAction, Refund,
    RenderOptions, State,
};

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
        ("GET", ["account"]) => retrieve_account(state, &call),
        ("POST", ["terminal", "connection_tokens"]) => create_connection_token(state, &call),
        ("POST", ["payment_intents"]) => create_payment_intent(state, &call),
        ("GET", ["payment_intents", id]) => retrieve_payment_intent(state, &call, id),
        ("POST", ["payment_intents", id]) => update_payment_intent(state, &call, id),
        ("POST", ["payment_intents", id, "capture"]) => capture_payment_intent(state, &call, id),
        ("POST", ["payment_intents", id, "cancel"]) => cancel_payment_intent(state, &call, id),
        ("POST", ["refunds"]) => create_refund(state, &call),
        ("GET", ["refunds", id]) => retrieve_refund(state, &call, id),
        ("GET", ["charges", id]) => retrieve_charge(state, &call, id),
        ("GET", ["terminal", "readers"]) => list_readers(state, &call),
        ("POST", ["terminal", "readers"]) => create_reader(state, &call),
        ("GET", ["terminal", "readers", id]) => retrieve_reader(state, &call, id),
        ("POST", ["terminal", "readers", id, "process_payment_intent"]) => {
            process_payment_intent(state, &call, id)
        }
        ("POST", ["terminal", "readers", id, "cancel_action"]) => cancel_action(state, &call, id),
        ("POST", ["test_helpers", "terminal", "readers", id, "present_payment_method"]) => {
            present_payment_method(state, &call, id)
        }
        ("GET", ["terminal", "locations"]) => list_locations(state, &call),
        ("POST", ["terminal", "locations"]) => create_location(state, &call),
        ("GET", ["terminal", "locations", id]) => retrieve_location(state, &call, id),
        _ => Err(unrecognized()),
    }
}

// ---------------------------------------------------------------------------------------------
// Parameter declarations, per endpoint (spec/stripe-terminal.md §2).

const CAPTURE_METHODS: &[&str] = &["automatic", "automatic_async", "manual"];
const PAYMENT_METHOD_TYPES: &[&str] = &["card", "card_present", "interac_present"];
const CANCELLATION_REASONS: &[&str] = &[
    "abandoned",
    "duplicate",
    "fraudulent",
    "requested_by_customer",
];
const REFUND_REASONS: &[&str] = &["duplicate", "fraudulent", "requested_by_customer"];
/// Statuses from which a PaymentIntent can be canceled.
const CANCELABLE: &[PiStatus] = &[
    PiStatus::RequiresPaymentMethod,
    PiStatus::RequiresCapture,
    PiStatus::RequiresConfirmation,
    PiStatus::RequiresAction,
    PiStatus::Processing,
];
/// Statuses in which amount, currency and payment method settings can still change.
const UPDATABLE: &[PiStatus] = &[
    PiStatus::RequiresPaymentMethod,
    PiStatus::RequiresConfirmation,
    PiStatus::RequiresAction,
];

const AMOUNT: Ty = Ty::at_least(1);
const LIMIT: Field = Field::opt("limit", Ty::Int { min: 1, max: 100 });
const STARTING_AFTER: Field = Field::opt("starting_after", Ty::Str);
const ENDING_BEFORE: Field = Field::opt("ending_before", Ty::Str);

const CARD_PRESENT_OPTIONS: &[Field] = &[
    Field::opt("capture_method", Ty::Enum(&["manual", "manual_preferred"])),
    Field::opt("request_extended_authorization", Ty::Bool),
    Field::opt("request_incremental_authorization_support", Ty::Bool),
];
const PAYMENT_METHOD_OPTIONS: &[Field] = &[
    Field::opt("card_present", Ty::Hash(CARD_PRESENT_OPTIONS)),
    Field::opt("interac_present", Ty::Hash(&[])),
];
const CREATE_PAYMENT_INTENT: &[Field] = &[
    Field::req("amount", AMOUNT),
    Field::req("currency", Ty::Str),
    Field::opt("payment_method_types", Ty::StrList),
    Field::opt("capture_method", Ty::Enum(CAPTURE_METHODS)),
    Field::opt("payment_method_options", Ty::Hash(PAYMENT_METHOD_OPTIONS)),
    Field::opt("description", Ty::Str),
    Field::opt("receipt_email", Ty::Str),
    METADATA,
    EXPAND,
];
const UPDATE_PAYMENT_INTENT: &[Field] = &[
    Field::opt("amount", AMOUNT),
    Field::opt("currency", Ty::Str),
    Field::opt("payment_method_types", Ty::StrList),
    Field::opt("capture_method", Ty::Enum(CAPTURE_METHODS)),
    Field::opt("payment_method_options", Ty::Hash(PAYMENT_METHOD_OPTIONS)),
    Field::opt("description", Ty::Str),
    Field::opt("receipt_email", Ty::Str),
    METADATA,
    EXPAND,
];
const RETRIEVE_PAYMENT_INTENT: &[Field] = &[Field::opt("client_secret", Ty::Str), EXPAND];
const CAPTURE_PAYMENT_INTENT: &[Field] = &[
    Field::opt("amount_to_capture", AMOUNT),
    Field::opt("final_capture", Ty::Bool),
    METADATA,
    EXPAND,
];
const CANCEL_PAYMENT_INTENT: &[Field] = &[
    Field::opt("cancellation_reason", Ty::Enum(CANCELLATION_REASONS)),
    EXPAND,
];
const CREATE_REFUND: &[Field] = &[
    Field::opt("payment_intent", Ty::Str),
    Field::opt("charge", Ty::Str),
    Field::opt("amount", AMOUNT),
    Field::opt("reason", Ty::Enum(REFUND_REASONS)),
    METADATA,
    EXPAND,
];
const ONLY_EXPAND: &[Field] = &[EXPAND];
const CREATE_CONNECTION_TOKEN: &[Field] = &[Field::opt("location", Ty::Str), EXPAND];
const LIST_READERS: &[Field] = &[
    Field::opt("device_type", Ty::Str),
    Field::opt("location", Ty::Str),
    Field::opt("serial_number", Ty::Str),
    Field::opt("status", Ty::Enum(&["offline", "online"])),
    LIMIT,
    STARTING_AFTER,
    ENDING_BEFORE,
    EXPAND,
];
const CREATE_READER: &[Field] = &[
    Field::req("registration_code", Ty::Str),
    Field::opt("label", Ty::Str),
    // Stripe requires a reader to be registered to a location.
    Field::req("location", Ty::Str),
    METADATA,
    EXPAND,
];
const TIPPING_CONFIG: &[Field] = &[Field::opt("amount_eligible", Ty::at_least(0))];
const PROCESS_CONFIG: &[Field] = &[
    Field::opt("skip_tipping", Ty::Bool),
    Field::opt("tipping", Ty::Hash(TIPPING_CONFIG)),
    Field::opt("enable_customer_cancellation", Ty::Bool),
];
const PROCESS_PAYMENT_INTENT: &[Field] = &[
    Field::req("payment_intent", Ty::Str),
    Field::opt("process_config", Ty::Hash(PROCESS_CONFIG)),
    EXPAND,
];
const CARD_NUMBER: &[Field] = &[Field::opt("number", Ty::Str)];
const PRESENT_PAYMENT_METHOD: &[Field] = &[
    Field::opt("type", Ty::Enum(&["card_present", "interac_present"])),
    Field::opt("card_present", Ty::Hash(CARD_NUMBER)),
    Field::opt("interac_present", Ty::Hash(CARD_NUMBER)),
    Field::opt("amount_tip", Ty::at_least(0)),
    EXPAND,
];
const ADDRESS: &[Field] = &[
    Field::opt("line1", Ty::Str),
    Field::opt("line2", Ty::Str),
    Field::opt("city", Ty::Str),
    Field::opt("state", Ty::Str),
    Field::opt("postal_code", Ty::Str),
    Field::req("country", Ty::Str),
];
const CREATE_LOCATION: &[Field] = &[
    Field::req("display_name", Ty::Str),
    Field::req("address", Ty::Hash(ADDRESS)),
    Field::opt("configuration_overrides", Ty::Str),
    METADATA,
    EXPAND,
];
const LIST_LOCATIONS: &[Field] = &[LIMIT, STARTING_AFTER, ENDING_BEFORE, EXPAND];

/// Expandable fields of each object.
const PAYMENT_INTENT_EXPANDABLE: &[&str] = &["latest_charge", "payment_method"];
const CHARGE_EXPANDABLE: &[&str] = &["payment_intent"];
const REFUND_EXPANDABLE: &[&str] = &["charge", "payment_intent"];
const READER_EXPANDABLE: &[&str] = &["location"];

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

// ---------------------------------------------------------------------------------------------
// Account and connection tokens.

fn retrieve_account(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(ONLY_EXPAND)?;
    call.options(&[])?;
    Ok(state.render_account())
}

fn create_connection_token(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(CREATE_CONNECTION_TOKEN)?;
    call.options(&[])?;
    let mut token = json!({
        "object": "terminal.connection_token",
        "secret": format!("pst_test_{}", random_alnum(40)),
    });
    if let Some(location) = call.params.str(&["location"]) {
        existing_location(state, location, "location")?;
        token["location"] = json!(location);
    }
    Ok(token)
}

// ---------------------------------------------------------------------------------------------
// PaymentIntents.

/// A currency code, lowercased; anything but three letters is refused.
fn currency(code: &str) -> Result<String, ApiError> {
    if code.len() == 3 && code.bytes().all(|byte| byte.is_ascii_alphabetic()) {
        Ok(code.to_ascii_lowercase())
    } else {
        Err(ApiError::invalid_param(
            None,
            "currency",
            format!("Invalid currency: {code}. Send a three-letter ISO currency code such as usd."),
        ))
    }
}

fn checked_amount(amount: i64, param: &str) -> Result<i64, ApiError> {
    if amount > MAX_AMOUNT {
        Err(ApiError::invalid_param(
            Some("amount_too_large"),
            param,
            format!("Amount must be no more than {MAX_AMOUNT} (in the currency's smallest unit)."),
        ))
    } else {
        Ok(amount)
    }
}

fn payment_method_types(call: &Call<'_>) -> Result<Option<Vec<String>>, ApiError> {
    let types = call.params.list(&["payment_method_types"]);
    if types.is_empty() {
        return Ok(None);
    }
    if let Some(unknown) = types
        .iter()
        .find(|kind| !PAYMENT_METHOD_TYPES.contains(&kind.as_str()))
    {
        return Err(ApiError::invalid_param(
            None,
            "payment_method_types",
            format!(
                "The payment method type \"{unknown}\" is invalid. This simulator supports {}.",
                params::one_of(PAYMENT_METHOD_TYPES)
            ),
        ));
    }
    Ok(Some(types))
}

/// Applies `payment_method_options[card_present][...]` and checks every options hash names one of
/// the intent's payment method types.
fn apply_payment_method_options(call: &Call<'_>, pi: &mut PaymentIntent) -> Result<(), ApiError> {
    let Some(Value::Object(options)) = call.params.get(&["payment_method_options"]) else {
        return Ok(());
    };
    for method_type in options.keys() {
        if !pi
            .payment_method_types
            .iter()
            .any(|kind| kind == method_type)
        {
            return Err(ApiError::invalid_param(
                None,
                format!("payment_method_options[{method_type}]"),
                format!(
                    "payment_method_options[{method_type}] was sent, but {method_type} is not one \
                     of this PaymentIntent's payment_method_types."
                ),
            ));
        }
    }
    if call
        .params
        .contains(&["payment_method_options", "card_present"])
    {
        let option = |name: &'static str| ["payment_method_options", "card_present", name];
        pi.card_present_capture_method = call
            .params
            .str(&option("capture_method"))
            .map(str::to_string);
        pi.request_extended_authorization =
            call.params.bool(&option("request_extended_authorization"));
        pi.request_incremental_authorization_support = call
            .params
            .bool(&option("request_incremental_authorization_support"));
    }
    Ok(())
}

fn create_payment_intent(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(CREATE_PAYMENT_INTENT)?;
    let options = call.options(PAYMENT_INTENT_EXPANDABLE)?;
    let amount = checked_amount(call.params.int(&["amount"]).unwrap_or_default(), "amount")?;
    let currency = currency(call.params.str(&["currency"]).unwrap_or_default())?;
    let id = new_id("pi");
    let mut pi = PaymentIntent {
        client_secret: format!("{id}_secret_{}", random_alnum(25)),
        id,
        created: now(),
        amount,
        amount_capturable: 0,
        amount_received: 0,
        tip: None,
        currency,
        status: PiStatus::RequiresPaymentMethod,
        capture_method: call
            .params
            .str(&["capture_method"])
            .unwrap_or("automatic")
            .to_string(),
        payment_method_types: payment_method_types(call)?.unwrap_or_else(|| vec!["card".into()]),
        card_present_capture_method: None,
        request_extended_authorization: None,
        request_incremental_authorization_support: None,
        description: call.params.str(&["description"]).map(str::to_string),
        receipt_email: call.params.str(&["receipt_email"]).map(str::to_string),
        metadata: Map::new(),
        payment_method: None,
        charges: Vec::new(),
        last_payment_error: None,
        canceled_at: None,
        cancellation_reason: None,
    };
    apply_payment_method_options(call, &mut pi)?;
    if let Some(update) = call.params.metadata() {
        update.apply(&mut pi.metadata)?;
    }
    let rendered = state.render_payment_intent(&pi, &options);
    state.payment_intents.insert(pi.id.clone(), pi);
    state.payment_intents_created += 1;
    Ok(rendered)
}

fn retrieve_payment_intent(
    state: &mut State,
    call: &Call<'_>,
    id: &str,
) -> Result<Value, ApiError> {
    call.validate(RETRIEVE_PAYMENT_INTENT)?;
    let options = call.options(PAYMENT_INTENT_EXPANDABLE)?;
    let pi = payment_intent(state, id, "intent")?;
    if let Some(secret) = call.params.str(&["client_secret"]) {
        if secret != pi.client_secret {
            return Err(ApiError::invalid_param(
                None,
                "client_secret",
                "The client_secret provided does not match the client_secret of this PaymentIntent.",
            ));
        }
    }
    Ok(state.render_payment_intent(pi, &options))
}

fn update_payment_intent(state: &mut State, call: &Call<'_>, id: &str) -> Result<Value, ApiError> {
    call.validate(UPDATE_PAYMENT_INTENT)?;
    let options = call.options(PAYMENT_INTENT_EXPANDABLE)?;
    let current = payment_intent(state, id, "intent")?;
    let restricted = [
        "amount",
        "currency",
        "payment_method_types",
        "capture_method",
        "payment_method_options",
    ];
    if let Some(field) = restricted
        .iter()
        .find(|field| call.params.contains(&[field]))
    {
        if !UPDATABLE.contains(&current.status) {
            let message = format!(
                "This PaymentIntent's {field} could not be updated because it has a status of {}. The {field} can only be updated while the status is one of: {}.",
                current.status.as_str(),
                status_list(UPDATABLE)
            );
            return Err(unexpected_state(state, current, message));
        }
    }
    let mut pi = current.clone();
    if let Some(amount) = call.params.int(&["amount"]) {
        pi.amount = checked_amount(amount, "amount")?;
    }
    if let Some(code) = call.params.str(&["currency"]) {
        pi.currency = currency(code)?;
    }
    if let Some(capture_method) = call.params.str(&["capture_method"]) {
        pi.capture_method = capture_method.to_string();
    }
    if let Some(types) = payment_method_types(call)? {
        pi.payment_method_types = types;
    }
    apply_payment_method_options(call, &mut pi)?;
    if call.params.contains(&["description"]) {
        pi.description = call.params.str(&["description"]).map(str::to_string);
    }
    if call.params.contains(&["receipt_email"]) {
        pi.receipt_email = call.params.str(&["receipt_email"]).map(str::to_string);
    }
    if let Some(update) = call.params.metadata() {
        update.apply(&mut pi.metadata)?;
    }
    let rendered = state.render_payment_intent(&pi, &options);
    state.payment_intents.insert(pi.id.clone(), pi);
    Ok(rendered)
}

fn capture_payment_intent(state: &mut State, call: &Call<'_>, id: &str) -> Result<Value, ApiError> {
    call.validate(CAPTURE_PAYMENT_INTENT)?;
    let options = call.options(PAYMENT_INTENT_EXPANDABLE)?;
    let pi = payment_intent(state, id, "intent")?;
    if pi.status != PiStatus::RequiresCapture {
        let message = format!(
            "This PaymentIntent could not be captured because it has a status of {}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.",
            pi.status.as_str()
        );
        return Err(unexpected_state(state, pi, message));
    }
    let capturable = pi.amount_capturable;
    let amount = call
        .params
        .int(&["amount_to_capture"])
        .unwrap_or(capturable);
    let charge_id = pi.latest_charge().map(str::to_string);
    let overcapture_supported = charge_id
        .as_deref()
        .and_then(|id| state.charges.get(id))
        .is_some_and(|charge| charge.overcapture_supported);
    let limit = if overcapture_supported {
        authorization::overcapture_limit(capturable)
    } else {
        capturable
    };
    if amount > limit {
        // Stripe's answer, with the PaymentIntent as it stands (still requires_capture).
        return Err(ApiError::invalid(
            "The payment could not be captured because the requested capture amount is greater than the amount you can capture for this charge. Contact us via https://support.stripe.com/contact/ for help.",
        )
        .with_code("amount_too_large")
        .with_param("amount_to_capture")
        .with_payment_intent(state.render_payment_intent(pi, &RenderOptions::default())));
    }
    // Checked before anything changes, so a refused metadata update captures nothing.
    let mut metadata = pi.metadata.clone();
    if let Some(update) = call.params.metadata() {
        update.apply(&mut metadata)?;
    }
    if let Some(charge) = charge_id.and_then(|id| state.charges.get_mut(&id)) {
        charge.captured = true;
        charge.amount_captured = amount;
        // An over-capture raises what the charge is for; amount_authorized keeps the original.
        charge.amount = charge.amount.max(amount);
        charge.capture_before = None;
        charge.balance_transaction = Some(new_id("txn"));
    }
    let pi = payment_intent_mut(state, id)?;
    // "Over-capturing updates the PaymentIntent amount to reflect the new total" (Stripe).
    pi.amount = pi.amount.max(amount);
    pi.status = PiStatus::Succeeded;
    pi.amount_received = amount;
    pi.amount_capturable = 0;
    pi.metadata = metadata;
    let pi = payment_intent(state, id, "intent")?;
    Ok(state.render_payment_intent(pi, &options))
}

fn cancel_payment_intent(state: &mut State, call: &Call<'_>, id: &str) -> Result<Value, ApiError> {
    call.validate(CANCEL_PAYMENT_INTENT)?;
    let options = call.options(PAYMENT_INTENT_EXPANDABLE)?;
    let pi = payment_intent(state, id, "intent")?;
    if !CANCELABLE.contains(&pi.status) {
        let message = format!(
            "You cannot cancel this PaymentIntent because it has a status of {}. Only a PaymentIntent with one of the following statuses may be canceled: {}.",
            pi.status.as_str(),
            status_list(CANCELABLE)
        );
        return Err(unexpected_state(state, pi, message));
    }
    // Canceling an authorized intent releases the hold on its uncaptured charge.
    if pi.status == PiStatus::RequiresCapture {
        let charge_id = pi.latest_charge().map(str::to_string);
        if let Some(charge) = charge_id.and_then(|id| state.charges.get_mut(&id)) {
            charge.amount_refunded = charge.amount;
        }
    }
    let pi = payment_intent_mut(state, id)?;
    pi.status = PiStatus::Canceled;
    pi.canceled_at = Some(now());
    pi.cancellation_reason = call
        .params
        .str(&["cancellation_reason"])
        .map(str::to_string);
    pi.amount_capturable = 0;
    let pi = payment_intent(state, id, "intent")?;
    Ok(state.render_payment_intent(pi, &options))
}

// ---------------------------------------------------------------------------------------------
// Refunds and charges.

fn create_refund(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(CREATE_REFUND)?;
    let options = call.options(REFUND_EXPANDABLE)?;
    let pi_id = call.params.str(&["payment_intent"]);
    let charge_param = call.params.str(&["charge"]);
    let not_refundable =
        |message: String| ApiError::invalid(message).with_code("charge_not_refundable");
    let charge_id = match (pi_id, charge_param) {
        (None, None) => {
            return Err(ApiError::invalid_param(
                Some("parameter_missing"),
                "payment_intent",
                "One of the following params should be provided for this request: payment_intent or charge.",
            ))
        }
        (Some(pi_id), _) => {
            let pi = payment_intent(state, pi_id, "payment_intent")?;
            if pi.status != PiStatus::Succeeded {
                let message = if pi.status == PiStatus::RequiresCapture {
                    format!(
                        "PaymentIntent {pi_id} has not been captured, so there is nothing to \
                         refund. Cancel it to release the authorization instead."
                    )
                } else {
                    format!(
                        "PaymentIntent {pi_id} does not have a successful charge to refund \
                         (its status is {}).",
                        pi.status.as_str()
                    )
                };
                return Err(not_refundable(message).with_param("payment_intent"));
            }
            let latest = pi.latest_charge().unwrap_or_default().to_string();
            if let Some(charge_id) = charge_param {
                if charge_id != latest {
                    return Err(ApiError::invalid_param(
                        None,
                        "charge",
                        format!("Charge {charge_id} does not belong to PaymentIntent {pi_id}."),
                    ));
                }
            }
            latest
        }
        (None, Some(charge_id)) => charge_id.to_string(),
    };
    let charge = state
        .charges
        .get(&charge_id)
        .ok_or_else(|| ApiError::resource_missing("charge", &charge_id, "charge"))?;
    if charge.decline.is_some() || !charge.captured {
        return Err(not_refundable(format!(
            "Charge {charge_id} cannot be refunded because it has not been captured."
        ))
        .with_param("charge"));
    }
    let refundable = charge.refundable();
    if refundable == 0 {
        return Err(
            ApiError::invalid(format!("Charge {charge_id} has already been refunded."))
                .with_code("charge_already_refunded"),
        );
    }
    let amount = call.params.int(&["amount"]).unwrap_or(refundable);
    if amount > refundable {
        return Err(ApiError::invalid(format!(
            "Refund amount ({amount}) is greater than the unrefunded amount on the charge ({refundable})."
        ))
        .with_code("amount_too_large")
        .with_param("amount"));
    }
    let mut refund = Refund {
        id: new_id("re"),
        created: now(),
        amount,
        currency: charge.currency.clone(),
        charge: charge_id.clone(),
        payment_intent: charge.payment_intent.clone(),
        reason: call.params.str(&["reason"]).map(str::to_string),
        metadata: Map::new(),
        balance_transaction: new_id("txn"),
    };
    if let Some(update) = call.params.metadata() {
        update.apply(&mut refund.metadata)?;
    }
    let charge = state.charges.get_mut(&charge_id).expect("looked up above");
    charge.amount_refunded += amount;
    charge.refunds.insert(0, refund.id.clone());
    let rendered = state.render_refund(&refund, &options);
    state.refunds.insert(refund.id.clone(), refund);
    Ok(rendered)
}

fn retrieve_refund(state: &mut State, call: &Call<'_>, id: &str) -> Result<Value, ApiError> {
    call.validate(ONLY_EXPAND)?;
    let options = call.options(REFUND_EXPANDABLE)?;
    let refund = state
        .refunds
        .get(id)
        .ok_or_else(|| ApiError::resource_missing("refund", id, "id"))?;
    Ok(state.render_refund(refund, &options))
}

fn retrieve_charge(state: &mut State, call: &Call<'_>, id: &str) -> Result<Value, ApiError> {
    call.validate(ONLY_EXPAND)?;
    let options = call.options(CHARGE_EXPANDABLE)?;
    let charge = state
        .charges
        .get(id)
        .ok_or_else(|| ApiError::resource_missing("charge", id, "id"))?;
    Ok(state.render_charge(charge, &options))
}

// ---------------------------------------------------------------------------------------------
// Readers.

fn list_readers(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(LIST_READERS)?;
    let options = call.list_options(READER_EXPANDABLE)?;
    let filter = |name: &str| call.params.str(&[name]);
    let items = state
        .readers
        .iter()
        .rev()
        .filter(|reader| {
            filter("serial_number").is_none_or(|serial| reader.serial_number == serial)
        })
        .filter(|reader| filter("device_type").is_none_or(|kind| reader.device_type == kind))
        .filter(|reader| filter("location").is_none_or(|id| reader.location.as_deref() == Some(id)))
        // Simulated readers are always online.
        .filter(|_| filter("status").is_none_or(|status| status == "online"))
        .map(|reader| (reader.id.clone(), state.render_reader(reader, &options)))
        .collect();
    paginate(call, items, "/v1/terminal/readers", "terminal.reader")
}

/// The simulated device a test-mode registration code stands for, and its serial prefix.
fn simulated_device(registration_code: &str) -> Option<&'static str> {
    match registration_code {
        "simulated-wpe" => Some("simulated_wisepos_e"),
        "simulated-s700" => Some("stripe_s700"),
        "simulated-s710" => Some("stripe_s710"),
        _ => None,
    }
}

fn create_reader(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(CREATE_READER)?;
    let options = call.options(READER_EXPANDABLE)?;
    let code = call.params.str(&["registration_code"]).unwrap_or_default();
    let Some(device_type) = simulated_device(code) else {
        return Err(ApiError::invalid(
            "The registration code provided is invalid. In test mode, register a simulated reader with simulated-wpe or simulated-s700.",
        )
        .with_param("registration_code"));
    };
    let location = call.params.str(&["location"]).unwrap_or_default();
    existing_location(state, location, "location")?;
    let mut reader = Reader {
        id: new_id("tmr"),
        serial_number: format!("{code}-{}", uuid::Uuid::new_v4()),
        label: call.params.str(&["label"]).unwrap_or(code).to_string(),
        device_type: device_type.to_string(),
        location: Some(location.to_string()),
        ip_address: "0.0.0.0".to_string(),
        metadata: Map::new(),
        action: None,
        last_seen_at_ms: now() * 1000,
        seeded: false,
    };
    if let Some(update) = call.params.metadata() {
        update.apply(&mut reader.metadata)?;
    }
    let rendered = state.render_reader(&reader, &options);
    state.add_reader(reader);
    Ok(rendered)
}

fn retrieve_reader(state: &mut State, call: &Call<'_>, id: &str) -> Result<Value, ApiError> {
    call.validate(ONLY_EXPAND)?;
    let options = call.options(READER_EXPANDABLE)?;
    let index = reader_index(state, id)?;
    Ok(state.render_reader(&state.readers[index], &options))
}

fn process_payment_intent(
    state: &mut State,
    call: &Call<'_>,
    reader_id: &str,
) -> Result<Value, ApiError> {
    call.validate(PROCESS_PAYMENT_INTENT)?;
    let options = call.options(READER_EXPANDABLE)?;
    let index = reader_index(state, reader_id)?;
    let pi_id = call.params.str(&["payment_intent"]).unwrap_or_default();
    let pi = payment_intent(state, pi_id, "payment_intent")?;
    if state.readers[index].action_in_progress().is_some() {
        return Err(ApiError::invalid(
            "The reader is busy with another action. Wait for it to finish or cancel it with cancel_action.",
        )
        .with_code("terminal_reader_busy"));
    }
    if pi.status != PiStatus::RequiresPaymentMethod {
        let message = format!(
            "This PaymentIntent cannot be processed because it has a status of {}. A reader can only process a PaymentIntent whose status is requires_payment_method.",
            pi.status.as_str()
        );
        return Err(unexpected_state(state, pi, message));
    }
    let in_person = ["card_present", "interac_present"];
    if !pi
        .payment_method_types
        .iter()
        .any(|kind| in_person.contains(&kind.as_str()))
    {
        return Err(ApiError::invalid(format!(
            "PaymentIntent {pi_id} cannot be processed on a reader: its payment_method_types must include card_present."
        ))
        .with_param("payment_intent"));
    }
    let process_config = call
        .params
        .get(&["process_config"])
        .cloned()
        .filter(Value::is_object);
    let reader = &mut state.readers[index];
    reader.action = Some(ReaderAction {
        status: ActionStatus::InProgress,
        payment_intent: pi_id.to_string(),
        process_config,
        failure_code: None,
        failure_message: None,
    });
    reader.last_seen_at_ms = now() * 1000;
    Ok(state.render_reader(&state.readers[index], &options))
}

fn cancel_action(state: &mut State, call: &Call<'_>, reader_id: &str) -> Result<Value, ApiError> {
    call.validate(ONLY_EXPAND)?;
    let options = call.options(READER_EXPANDABLE)?;
    let index = reader_index(state, reader_id)?;
    let reader = &mut state.readers[index];
    if reader.action_in_progress().is_none() {
        return Err(ApiError::invalid(
            "This reader has no action in progress to cancel.",
        ));
    }
    // The intent was never touched while the reader waited, so it stays requires_payment_method.
    reader.action = None;
    Ok(state.render_reader(&state.readers[index], &options))
}

/// A decline chosen by a test card number or by the amount's last two digits.
fn decline_for(number: &str, amount: i64) -> Option<(&'static str, &'static str)> {
    match number {
        "4000000000000002" => return Some(("generic_decline", "Your card was declined.")),
        "4000000000009995" => {
            return Some(("insufficient_funds", "Your card has insufficient funds."))
        }
        _ => {}
    }
    match amount % 100 {
        1 => Some((
            "call_issuer",
            "The card was declined; the cardholder should call the card issuer.",
        )),
        5 => Some(("generic_decline", "Your card was declined.")),
        55 => Some(("incorrect_pin", "The PIN entered is incorrect.")),
        65 => Some((
            "withdrawal_count_limit_exceeded",
            "The card has reached its limit of transactions.",
        )),
        75 => Some((
            "pin_try_exceeded",
            "The PIN was entered wrongly too many times.",
        )),
        _ => None,
    }
}

/// The card a test number stands for.
fn presented_card(method_type: &'static str, number: &str) -> PresentedCard {
    let interac = method_type == "interac_present";
    let brand = if interac {
        "interac"
    } else if number.starts_with('4') {
        "visa"
    } else if number.starts_with("34") || number.starts_with("37") {
        "amex"
    } else if number.starts_with("6011") || number.starts_with("65") {
        "discover"
    } else if number.starts_with('5') || number.starts_with('2') {
        "mastercard"
    } else {
        "unknown"
    };
    let digest = Sha256::digest(number.as_bytes());
    PresentedCard {
        method_type,
        brand,
        last4: number[number.len() - 4..].to_string(),
        exp_month: 12,
        exp_year: i64::from(chrono::Datelike::year(&chrono::Utc::now())) + 3,
        funding: if interac { "debit" } else { "credit" },
        country: if interac { "CA" } else { "US" },
        fingerprint: hex::encode(&digest[..8]),
    }
}

fn present_payment_method(
    state: &mut State,
    call: &Call<'_>,
    reader_id: &str,
) -> Result<Value, ApiError> {
    call.validate(PRESENT_PAYMENT_METHOD)?;
    let options = call.options(READER_EXPANDABLE)?;
    let index = reader_index(state, reader_id)?;
    let method_type: &'static str = match call.params.str(&["type"]) {
        Some("interac_present") => "interac_present",
        _ => "card_present",
    };
    let default_number = if method_type == "interac_present" {
        "4506445006931933"
    } else {
        "4242424242424242"
    };
    let number = call
        .params
        .str(&[method_type, "number"])
        .unwrap_or(default_number)
        .replace([' ', '-'], "");
    if !(12..=19).contains(&number.len()) || !number.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(ApiError::invalid_param(
            None,
            format!("{method_type}[number]"),
            "Invalid card number: send the 12 to 19 digits of a test card.",
        ));
    }
    let tip = call.params.int(&["amount_tip"]);
    let Some(pi_id) = state.readers[index]
        .action_in_progress()
        .map(str::to_string)
    else {
        return Err(ApiError::invalid(
            "This reader has no payment in progress. Call process_payment_intent on it first.",
        ));
    };
    let pi = payment_intent(state, &pi_id, "payment_intent")?;
    if pi.status != PiStatus::RequiresPaymentMethod {
        let message = format!(
            "The PaymentIntent on this reader has a status of {} and can no longer take a payment method.",
            pi.status.as_str()
        );
        return Err(unexpected_state(state, pi, message));
    }
    if !pi
        .payment_method_types
        .iter()
        .any(|kind| kind == method_type)
    {
        return Err(ApiError::invalid_param(
            None,
            "type",
            format!("PaymentIntent {pi_id} does not accept {method_type}: it is not one of its payment_method_types."),
        ));
    }
    let card = presented_card(method_type, &number);
    let created = now();
    let method = PaymentMethod {
        id: new_id("pm"),
        created,
        card: card.clone(),
    };
    let decline = decline_for(&number, pi.amount);
    // Interac is single-message: the authorization is the capture.
    let manual = method_type == "card_present" && pi.captures_card_present_manually();
    let total = pi.amount
        + if decline.is_none() {
            tip.unwrap_or(0)
        } else {
            0
        };
    let captured = decline.is_none() && !manual;
    let approved_manual = decline.is_none() && manual;
    let overcapture_supported =
        approved_manual && authorization::overcapture_supported(&card, manual, &pi.currency);
    let incremental_authorization_supported = approved_manual
        && authorization::incremental_authorization_supported(
            &card,
            manual,
            pi.request_incremental_authorization_support == Some(true),
        );
    let charge = Charge {
        id: new_id("ch"),
        created,
        amount: total,
        amount_authorized: total,
        overcapture_supported,
        incremental_authorization_supported,
        amount_captured: if captured { total } else { 0 },
        amount_refunded: 0,
        captured,
        paid: decline.is_none(),
        currency: pi.currency.clone(),
        description: pi.description.clone(),
        receipt_email: pi.receipt_email.clone(),
        metadata: pi.metadata.clone(),
        payment_intent: pi_id.clone(),
        payment_method: method.id.clone(),
        card,
        decline,
        balance_transaction: captured.then(|| new_id("txn")),
        capture_before: (decline.is_none() && manual)
            .then_some(created + CARD_PRESENT_HOLD_SECONDS),
        refunds: Vec::new(),
    };
    let pi = payment_intent_mut(state, &pi_id)?;
    pi.charges.insert(0, charge.id.clone());
    let reader_action = match decline {
        Some((decline_code, message)) => {
            pi.last_payment_error = Some(Decline {
                decline_code,
                message,
                charge: charge.id.clone(),
                payment_method: method.id.clone(),
            });
            pi.payment_method = None;
            (ActionStatus::Failed, Some("card_declined"), Some(message))
        }
        None => {
            pi.last_payment_error = None;
            pi.payment_method = Some(method.id.clone());
            pi.amount = total;
            if tip.is_some() {
                pi.tip = tip;
            }
            if manual {
                pi.status = PiStatus::RequiresCapture;
                pi.amount_capturable = total;
            } else {
                pi.status = PiStatus::Succeeded;
                pi.amount_received = total;
            }
            (ActionStatus::Succeeded, None, None)
        }
    };
    state.charges.insert(charge.id.clone(), charge);
    state.payment_methods.insert(method.id.clone(), method);
    let reader = &mut state.readers[index];
    if let Some(action) = &mut reader.action {
        (action.status, action.failure_code, action.failure_message) = reader_action;
    }
    reader.last_seen_at_ms = now() * 1000;
    Ok(state.render_reader(&state.readers[index], &options))
}

// ---------------------------------------------------------------------------------------------
// Locations.

fn list_locations(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(LIST_LOCATIONS)?;
    call.list_options(&[])?;
    let items = state
        .locations
        .iter()
        .rev()
        .map(|location| (location.id.clone(), render_location(location)))
        .collect();
    paginate(call, items, "/v1/terminal/locations", "terminal.location")
}

fn create_location(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(CREATE_LOCATION)?;
    call.options(&[])?;
    let address_field = |name: &str| call.params.str(&["address", name]).map(str::to_string);
    let country = address_field("country").unwrap_or_default();
    if country.len() != 2 || !country.bytes().all(|byte| byte.is_ascii_alphabetic()) {
        return Err(ApiError::invalid_param(
            None,
            "address[country]",
            format!("Invalid country: {country}. Send a two-letter ISO country code such as US."),
        ));
    }
    let mut location = Location {
        id: new_id("tml"),
        display_name: call
            .params
            .str(&["display_name"])
            .unwrap_or_default()
            .to_string(),
        address: Address {
            city: address_field("city"),
            country: country.to_ascii_uppercase(),
            line1: address_field("line1"),
            line2: address_field("line2"),
            postal_code: address_field("postal_code"),
            state: address_field("state"),
        },
        configuration_overrides: call
            .params
            .str(&["configuration_overrides"])
            .map(str::to_string),
        metadata: Map::new(),
        seeded: false,
    };
    if let Some(update) = call.params.metadata() {
        update.apply(&mut location.metadata)?;
    }
    let rendered = render_location(&location);
    state.add_location(location);
    Ok(rendered)
}

fn retrieve_location(state: &mut State, call: &Call<'_>, id: &str) -> Result<Value, ApiError> {
    call.validate(ONLY_EXPAND)?;
    call.options(&[])?;
    state
        .location(id)
        .map(render_location)
        .ok_or_else(|| ApiError::resource_missing("terminal.location", id, "id"))
}
