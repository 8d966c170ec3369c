//! The `/v1` request pipeline: authentication, versioning, idempotency, logging and responses.
//!
//! [`execute`] runs one request against the state under the simulator's lock: it checks the API
//! key, the `Stripe-Version` header and the parameters, replays or stores idempotent results,
//! hands the request to [`endpoints::route`], logs it and builds the HTTP response. The request
//! itself is parsed in `request`, which the endpoints read too.

use serde_json::{json, Value};

use super::endpoints;
use super::error::ApiError;
use super::params::Params;
use super::request::{ApiRequest, DEFAULT_API_VERSION};
use super::state::{now, State, StoredResponse};
use super::FaultKind;

/// Longest `Idempotency-Key` Stripe accepts.
const MAX_IDEMPOTENCY_KEY_CHARS: usize = 255;

/// The answer to one request before it becomes an HTTP response.
struct Reply {
    status: u16,
    body: String,
    request_id: String,
    replayed: bool,
}

impl Reply {
    fn error(request: &ApiRequest, error: &ApiError) -> Reply {
        Reply {
            status: error.status,
            body: error.body().to_string(),
            request_id: request.request_id.clone(),
            replayed: false,
        }
    }
}

/// Runs one API request against the state.
pub(crate) fn execute(state: &mut State, request: &ApiRequest) -> http::Response<String> {
    let reply = respond(state, request);
    log_request(state, request, reply.status, None, reply.replayed);
    build_response(request, reply)
}

/// Answers a request with an injected fault, leaving every object untouched.
pub(crate) fn fault_response(
    state: &mut State,
    request: &ApiRequest,
    kind: FaultKind,
) -> http::Response<String> {
    let error = match kind {
        FaultKind::Status429 => ApiError::invalid(
            "Too many requests in too short a time (simulated rate limit). Retry later, backing off exponentially.",
        )
        .with_status(429)
        .with_code("rate_limit"),
        FaultKind::Drop => ApiError::invalid(
            "Simulated dropped connection: the transport should have called take_drop_fault() and closed the connection. The request was not processed.",
        )
        .with_status(500)
        .with_type("api_error"),
        _ => ApiError::invalid(
            "An error occurred on our side while handling the request (simulated fault). It was not processed; retrying is safe.",
        )
        .with_status(500)
        .with_type("api_error"),
    };
    let reply = Reply::error(request, &error);
    log_request(state, request, reply.status, Some(kind), false);
    build_response(request, reply)
}

fn build_response(request: &ApiRequest, reply: Reply) -> http::Response<String> {
    let mut builder = http::Response::builder()
        .status(reply.status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header("Request-Id", &reply.request_id)
        .header("Stripe-Version", request.version())
        // As Stripe's API: callable from any origin (the simulated Terminal SDK in a page).
        .header("Access-Control-Allow-Origin", "*");
    if request.is_post() {
        if let Some(key) = &request.idempotency_key {
            if let Ok(value) = http::HeaderValue::from_str(key) {
                builder = builder.header("Idempotency-Key", value);
            }
        }
    }
    if reply.replayed {
        builder = builder.header("Idempotent-Replayed", "true");
    }
    if reply.status == 401 {
        // Stripe names its scheme on every 401, as HTTP asks.
        builder = builder.header(http::header::WWW_AUTHENTICATE, "Basic realm=\"Stripe\"");
    }
    builder
        .body(reply.body)
        .expect("status and headers are valid by construction")
}

fn log_request(
    state: &mut State,
    request: &ApiRequest,
    status: u16,
    fault: Option<FaultKind>,
    replayed: bool,
) {
    let entry = json!({
        "request_id": request.request_id,
        "method": request.method.as_str(),
        "path": request.path,
        "query": request.query,
        "params": request.params.as_ref().ok().cloned().map(Value::Object),
        "idempotency_key": request.idempotency_key,
        "stripe_version": request.stripe_version,
        "authorization": request.credentials.scheme(),
        "status": status,
        "fault": fault.map(FaultKind::name),
        "idempotent_replayed": replayed,
    });
    state.log_request(entry);
}

fn respond(state: &mut State, request: &ApiRequest) -> Reply {
    let api_key = match authenticate(state, request) {
        Ok(key) => key,
        Err(error) => return Reply::error(request, &error),
    };
    if let Err(error) = check_version(request) {
        return Reply::error(request, &error);
    }
    let params = match &request.params {
        Ok(params) => params.clone(),
        Err(error) => return Reply::error(request, error),
    };
    let idempotency_key = request
        .idempotency_key
        .as_deref()
        .filter(|_| request.is_post());
    if let Some(key) = idempotency_key {
        if key.chars().count() > MAX_IDEMPOTENCY_KEY_CHARS {
            let error = ApiError::invalid(format!(
                "Invalid Idempotency-Key: it can be at most {MAX_IDEMPOTENCY_KEY_CHARS} characters long."
            ));
            return Reply::error(request, &error);
        }
        if let Some(stored) = state.idempotent_result(&api_key, key) {
            let same_request = stored.method == request.method.as_str()
                && stored.path == request.path
                && stored.params == Value::Object(params.clone());
            if !same_request {
                let error = ApiError::invalid(format!(
                    "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
                ))
                .with_type("idempotency_error");
                return Reply::error(request, &error);
            }
            return Reply {
                status: stored.status,
                body: stored.body.clone(),
                request_id: stored.request_id.clone(),
                replayed: true,
            };
        }
    }
    let (status, body, storable) =
        match endpoints::route(state, request, Params::new(params.clone())) {
            Ok(object) => (200, object.to_string(), true),
            Err(error) => (error.status, error.body().to_string(), !error.is_validation),
        };
    if let (Some(key), true) = (idempotency_key, storable) {
        let stored = StoredResponse {
            method: request.method.as_str().to_string(),
            path: request.path.clone(),
            params: Value::Object(params),
            status,
            body: body.clone(),
            request_id: request.request_id.clone(),
            stored_at: now(),
        };
        state.store_idempotent_result(&api_key, key, stored);
    }
    Reply {
        status,
        body,
        request_id: request.request_id.clone(),
        replayed: false,
    }
}

/// The API key, if it is a test-mode key this simulator accepts, or a connection token it
/// issued, for the endpoints the simulated Terminal SDK calls.
fn authenticate(state: &State, request: &ApiRequest) -> Result<String, ApiError> {
    let credentials = &request.credentials;
    if let Some(token) = credentials
        .key()
        .filter(|key| key.starts_with(CONNECTION_TOKEN_PREFIX))
    {
        return authenticate_connection_token(state, request, token);
    }
    let Some(key) = credentials.key() else {
        return Err(ApiError::invalid(
            "You did not provide an API key. Send your secret key in the Authorization header, as a Bearer token (Authorization: Bearer sk_test_...) or as the user name of HTTP Basic auth.",
        )
        .with_status(401));
    };
    let well_formed = is_well_formed_test_key(key);
    let accepted = state.config.accepted_keys.is_empty()
        || state
            .config
            .accepted_keys
            .iter()
            .any(|accepted| accepted == key);
    if well_formed && accepted {
        Ok(key.to_string())
    } else {
        Err(
            ApiError::invalid(format!("Invalid API Key provided: {}", mask_key(key)))
                .with_status(401),
        )
    }
}

/// The secrets of the connection tokens the simulator issues.
const CONNECTION_TOKEN_PREFIX: &str = "pst_test_";

/// A connection token stands in for the Terminal SDK's own channel to Stripe: it reaches the
/// readers (list, retrieve, `process_payment_intent`, `cancel_action`, the test helper that
/// presents a card) and retrieves a PaymentIntent given its `client_secret`, nothing else.
fn authenticate_connection_token(
    state: &State,
    request: &ApiRequest,
    token: &str,
) -> Result<String, ApiError> {
    if !state.connection_token_valid(token) {
        return Err(ApiError::invalid(format!(
            "Invalid or expired connection token provided: {}. Connection tokens are short-lived: fetch a new one from your server.",
            mask_key(token)
        ))
        .with_status(401)
        .with_code("connection_token_expired"));
    }
    let segments: Vec<&str> = request.path.split('/').collect();
    let allowed = match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["", "v1", "terminal", "readers"] | ["", "v1", "terminal", "readers", _]) => true,
        (
            "POST",
            ["", "v1", "terminal", "readers", _, "process_payment_intent" | "cancel_action"],
        ) => true,
        (
            "POST",
            ["", "v1", "test_helpers", "terminal", "readers", _, "present_payment_method"],
        ) => true,
        // As with a publishable key, a PaymentIntent is readable only with its client secret.
        ("GET", ["", "v1", "payment_intents", _]) => request
            .params
            .as_ref()
            .is_ok_and(|params| params.contains_key("client_secret")),
        _ => false,
    };
    if allowed {
        Ok(token.to_string())
    } else {
        Err(ApiError::invalid(format!(
            "This API call cannot be made with a connection token ({}: {}). A connection token only lets the Terminal SDK use its readers; use a secret key.",
            request.method, request.path
        ))
        .with_status(403))
    }
}

/// A test-mode secret or restricted key: `sk_test_` or `rk_test_`, then letters and digits.
pub(crate) fn is_well_formed_test_key(key: &str) -> bool {
    ["sk_test_", "rk_test_"].iter().any(|prefix| {
        key.strip_prefix(prefix).is_some_and(|rest| {
            !rest.is_empty() && rest.bytes().all(|byte| byte.is_ascii_alphanumeric())
        })
    })
}

/// `sk_test_****abcd`: the first eight characters and the last four, never more.
pub(crate) fn mask_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 12 {
        return "****".to_string();
    }
    let head: String = chars[..8].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// `Stripe-Version` must look like `2019-05-16` (optionally with a release name suffix).
fn check_version(request: &ApiRequest) -> Result<(), ApiError> {
    let Some(version) = &request.stripe_version else {
        return Ok(());
    };
    let date = version.split('.').next().unwrap_or_default();
    let shape_ok = date.len() == 10
        && date.bytes().enumerate().all(|(index, byte)| match index {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    if shape_ok {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "Invalid Stripe API version: {version}. Send a version date such as {DEFAULT_API_VERSION}."
        )))
    }
}
