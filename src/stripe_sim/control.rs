//! The simulator's own control endpoints under `/_sim`, for tests and demos.
//!
//! They need no API key, take and return JSON, are never faulted and never appear in the request
//! log: they steer the simulator, they are not part of the Stripe API it imitates. Who may call
//! them is decided before they run (see `Simulator::may_control`); [`forbidden`] answers the rest.

use serde_json::{json, Value};

use super::api::{is_well_formed_test_key, mask_key};
use super::request::new_request_id;
use super::{FaultKind, Simulator};

/// Most keys `POST /_sim/keys` accepts at once, and the longest key.
const MAX_ACCEPTED_KEYS: usize = 100;
const MAX_KEY_CHARS: usize = 255;

/// The 403 for a control request from a client that is neither loopback nor holds the token.
pub(crate) fn forbidden() -> http::Response<String> {
    respond(
        403,
        json!({ "error": { "message": "The simulator's control endpoints answer only loopback clients, or clients that send the control token (OPS_STRIPE_SIM_CONTROL_TOKEN) as Authorization: Bearer <token>." } }),
    )
}

/// Most requests one queued fault may cover; a bound against typos like `count: 1e9`.
const MAX_FAULT_COUNT: u64 = 10_000;

pub(crate) fn handle(
    simulator: &Simulator,
    method: &http::Method,
    path: &str,
    body: &[u8],
) -> http::Response<String> {
    let result = match (method.as_str(), path) {
        ("POST", "/_sim/faults") => queue_fault(simulator, body),
        ("GET", "/_sim/faults") => Ok(pending_faults(simulator)),
        ("GET", "/_sim/state") => Ok(counts(simulator)),
        ("GET", "/_sim/requests") => {
            let state = simulator.lock();
            Ok(json!({ "object": "list", "data": state.requests.to_json() }))
        }
        ("POST", "/_sim/reset") => reset(simulator, body),
        ("POST", "/_sim/keys") => set_accepted_keys(simulator, body),
        ("GET", "/_sim/keys") => Ok(accepted_keys(simulator)),
        _ => Err((
            404,
            format!("Unknown simulator control endpoint ({method}: {path})."),
        )),
    };
    match result {
        Ok(value) => respond(200, value),
        Err((status, message)) => respond(status, json!({ "error": { "message": message } })),
    }
}

fn respond(status: u16, body: Value) -> http::Response<String> {
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header("Request-Id", new_request_id())
        .body(body.to_string())
        .expect("status and headers are valid by construction")
}

/// `{"kind": "...", "count": N, "latency_ms": M}` → the fault queued.
fn queue_fault(simulator: &Simulator, body: &[u8]) -> Result<Value, (u16, String)> {
    let request: Value = serde_json::from_slice(body)
        .map_err(|error| (400, format!("The body must be a JSON object: {error}")))?;
    let count = match request.get("count") {
        None | Some(Value::Null) => 1,
        Some(value) => value
            .as_u64()
            .filter(|count| (1..=MAX_FAULT_COUNT).contains(count))
            .ok_or_else(|| {
                (
                    400,
                    format!("count must be an integer from 1 to {MAX_FAULT_COUNT}."),
                )
            })?,
    };
    let latency_ms = request.get("latency_ms").and_then(Value::as_u64);
    let kind = match request.get("kind").and_then(Value::as_str) {
        Some("status500") => FaultKind::Status500,
        Some("status429") => FaultKind::Status429,
        Some("drop") => FaultKind::Drop,
        Some("drop_after") => FaultKind::DropAfter,
        Some("latency") => FaultKind::Latency {
            ms: latency_ms.ok_or_else(|| {
                (
                    400,
                    "A latency fault needs latency_ms, a non-negative integer.".to_string(),
                )
            })?,
        },
        _ => {
            return Err((
                400,
                "kind must be one of status500, status429, latency, drop or drop_after.".into(),
            ))
        }
    };
    simulator.inject_fault(kind, count as u32);
    Ok(json!({ "queued": describe(kind, count), "pending": pending_faults(simulator)["data"] }))
}

fn describe(kind: FaultKind, count: u64) -> Value {
    let mut fault = json!({ "kind": kind.name(), "count": count });
    if let FaultKind::Latency { ms } = kind {
        fault["latency_ms"] = json!(ms);
    }
    fault
}

fn pending_faults(simulator: &Simulator) -> Value {
    let state = simulator.lock();
    let data: Vec<Value> = state
        .faults
        .iter()
        .map(|fault| describe(fault.kind, u64::from(fault.remaining)))
        .collect();
    json!({ "object": "list", "data": data })
}

fn counts(simulator: &Simulator) -> Value {
    let state = simulator.lock();
    let limits = state.config.limits;
    json!({
        "payment_intents": state.payment_intents_created,
        "payment_intents_stored": state.payment_intents.len(),
        "charges": state.charges.len(),
        "refunds": state.refunds.len(),
        "payment_methods": state.payment_methods.len(),
        "readers": state.readers.len(),
        "locations": state.locations.len(),
        "idempotent_results": state.idempotent_result_count(),
        "requests": state.requests.len(),
        "request_log_bytes": state.requests.bytes(),
        "retained_bytes": state.retained_bytes(),
        "pending_faults": state.faults.len(),
        "limits": {
            "max_objects": limits.max_objects,
            "request_log_bytes": limits.request_log_bytes,
            "max_body_bytes": limits.max_body_bytes,
        },
    })
}

/// Clears queued faults; `{"requests": true}` also empties the request log.
fn reset(simulator: &Simulator, body: &[u8]) -> Result<Value, (u16, String)> {
    let options: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|error| {
            (
                400,
                format!("The body must be empty or a JSON object: {error}"),
            )
        })?
    };
    let mut state = simulator.lock();
    let faults_cleared = state.faults.len();
    state.faults.clear();
    let clear_requests = options.get("requests").and_then(Value::as_bool) == Some(true);
    if clear_requests {
        state.requests.clear();
    }
    Ok(json!({ "faults_cleared": faults_cleared, "requests_cleared": clear_requests }))
}

/// `{"accepted": ["sk_test_...", ...]}`: the API keys that authenticate from now on. An empty
/// list accepts any well-formed test key again. Keys that could never authenticate (not a
/// well-formed `sk_test_`/`rk_test_` key) are refused, so a typo is seen at once.
fn set_accepted_keys(simulator: &Simulator, body: &[u8]) -> Result<Value, (u16, String)> {
    let request: Value = serde_json::from_slice(body)
        .map_err(|error| (400, format!("The body must be a JSON object: {error}")))?;
    let Some(Value::Array(items)) = request.get("accepted") else {
        return Err((
            400,
            "accepted must be a list of API keys (an empty list accepts any test key).".into(),
        ));
    };
    if items.len() > MAX_ACCEPTED_KEYS {
        return Err((
            400,
            format!("accepted may hold at most {MAX_ACCEPTED_KEYS} keys."),
        ));
    }
    let mut keys = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let key = item.as_str().unwrap_or_default();
        if key.chars().count() > MAX_KEY_CHARS || !is_well_formed_test_key(key) {
            // Never echo what may be a secret: its position and masked form say enough.
            return Err((
                400,
                format!(
                    "accepted[{index}] ({}) is not a test-mode secret or restricted key (sk_test_... or rk_test_..., letters and digits).",
                    mask_key(key)
                ),
            ));
        }
        keys.push(key.to_string());
    }
    simulator.lock().config.accepted_keys = keys;
    Ok(accepted_keys(simulator))
}

/// The accepted keys, masked as Stripe masks keys in its messages.
fn accepted_keys(simulator: &Simulator) -> Value {
    let state = simulator.lock();
    let keys: Vec<String> = state
        .config
        .accepted_keys
        .iter()
        .map(|key| mask_key(key))
        .collect();
    json!({ "accepted": keys, "any_test_key": keys.is_empty() })
}
