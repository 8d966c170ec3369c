//! The simulator's own control endpoints under `/_sim`, for tests and demos.
//!
//! They need no API key, take and return JSON, are never faulted and never appear in the request
//! log: they steer the simulator, they are not part of the Stripe API it imitates.

use serde_json::{json, Value};

use super::request::new_request_id;
use super::{FaultKind, Simulator};

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
            Ok(json!({ "object": "list", "data": state.requests }))
        }
        ("POST", "/_sim/reset") => reset(simulator, body),
        _ => Err((
            404,
            format!("Unknown simulator control endpoint ({method}: {path})."),
        )),
    };
    let (status, body) = match result {
        Ok(value) => (200, value),
        Err((status, message)) => (status, json!({ "error": { "message": message } })),
    };
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
    json!({
        "payment_intents": state.payment_intents_created,
        "charges": state.charges.len(),
        "refunds": state.refunds.len(),
        "readers": state.readers.len(),
        "locations": state.locations.len(),
        "requests": state.requests.len(),
        "pending_faults": state.faults.len(),
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
