//! A Stripe test-mode simulator for the Terminal flow the POS uses.
//!
//! It answers the endpoints of `spec/stripe-terminal.md` §2 the way Stripe's sandbox does:
//! PaymentIntents with their card-present life cycle, simulated readers driven by the
//! `present_payment_method` test helper, refunds, locations, connection tokens and the account.
//! Responses are shaped like Stripe's fixtures and validate against the 2023-08-16 OpenAPI
//! schemas; requests are authenticated, parameter-checked and idempotent like Stripe's.
//!
//! The server mounts [`Simulator::handle_or_drop`] under a prefix; `odoo-pos-stripe stripe-sim`
//! runs it alone with [`Simulator::serve`]. Tests steer it through control endpoints that need no
//! API key:
//!
//! - `POST /_sim/faults` with `{"kind": "status500" | "status429" | "latency" | "drop" |
//!   "drop_after", "count": N, "latency_ms": M}` queues a fault for the next N API requests;
//!   `GET /_sim/faults` lists what is queued.
//! - `GET /_sim/state` counts objects and received requests; `GET /_sim/requests` is the log of
//!   API requests (never the API key itself).
//! - `POST /_sim/reset` clears queued faults (and the request log with `{"requests": true}`).
//! - `POST /_sim/keys` with `{"accepted": ["sk_test_...", ...]}` sets the API keys that
//!   authenticate (an empty list: any well-formed test key); `GET /_sim/keys` shows them masked.
//!
//! It is safe to leave on. The control endpoints answer only loopback clients (not through a
//! proxy that says `Forwarded`/`X-Forwarded-For`) and clients that send the configured control
//! token as `Authorization: Bearer <token>`; others get a 403. Stripe's own limits apply to
//! metadata, every kind of stored object is bounded ([`SimLimits`]: the oldest test objects are
//! evicted first, seeded readers and locations never), the request log is bounded in bytes and
//! request bodies in size.
//!
//! All state sits behind one `std::sync::Mutex`: every request runs start to finish under it
//! without awaiting, so two requests with the same idempotency key can never both execute.

mod api;
mod authorization;
mod control;
mod endpoints;
mod error;
mod params;
mod render;
mod request;
mod server;
mod state;
mod store;
mod terminal_sdk;

pub use terminal_sdk::{AutoPresent, TestCard, SDK_PATH, STRIPE_SDK_URL, TEST_CARDS};

#[cfg(test)]
pub(crate) mod contract;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use sha2::{Digest as _, Sha256};

use state::State;

/// The Stripe test-mode simulator. Cloning gives another handle on the same state.
#[derive(Clone)]
pub struct Simulator {
    state: Arc<Mutex<State>>,
}

/// What the simulator starts with.
#[derive(Clone)]
pub struct SimConfig {
    /// API keys that authenticate; empty accepts any well-formed `sk_test_`/`rk_test_` key.
    pub accepted_keys: Vec<String>,
    /// Simulated readers registered from the start, at the default location "Demo store".
    pub readers: Vec<SimReaderSeed>,
    /// The account's display name, as `GET /v1/account` reports it.
    pub account_name: String,
    /// Lets clients other than loopback ones use the control endpoints, when they send it as
    /// `Authorization: Bearer <token>`. `None`: loopback clients only.
    pub control_token: Option<String>,
    pub limits: SimLimits,
    /// Presents a test card by itself after a delay whenever a reader starts waiting for one
    /// (unattended demos); `None`: cards are presented by the panel or the test helper.
    pub auto_present: Option<AutoPresent>,
}

/// Bounds on what the simulator holds, so that no client can make it grow without end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SimLimits {
    /// Most objects of each kind (PaymentIntents, charges, refunds, PaymentMethods, readers and
    /// locations created by requests, stored idempotent results); the oldest is evicted first.
    pub max_objects: usize,
    /// Most bytes of serialized JSON the request log keeps; the oldest entries go first.
    pub request_log_bytes: usize,
    /// Largest request body; a larger one is a 413 and is not processed.
    pub max_body_bytes: usize,
}

impl Default for SimLimits {
    fn default() -> SimLimits {
        SimLimits {
            max_objects: 10_000,
            request_log_bytes: 8 * 1024 * 1024,
            max_body_bytes: 1024 * 1024,
        }
    }
}

impl std::fmt::Debug for SimConfig {
    /// Keys and the token are secrets: only their count or presence is shown.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SimConfig")
            .field(
                "accepted_keys",
                &format_args!("[{} keys]", self.accepted_keys.len()),
            )
            .field("readers", &self.readers)
            .field("account_name", &self.account_name)
            .field(
                "control_token",
                &self.control_token.as_ref().map(|_| "****"),
            )
            .field("limits", &self.limits)
            .field("auto_present", &self.auto_present)
            .finish()
    }
}

/// A reader registered when the simulator starts.
#[derive(Clone, Debug)]
pub struct SimReaderSeed {
    pub serial_number: String,
    pub label: String,
    /// For example `simulated_wisepos_e`.
    pub device_type: String,
}

impl Default for SimConfig {
    fn default() -> SimConfig {
        SimConfig {
            accepted_keys: Vec::new(),
            readers: vec![SimReaderSeed {
                serial_number: "WSC513105011295".into(),
                label: "Demo reader".into(),
                device_type: "simulated_wisepos_e".into(),
            }],
            account_name: "Demo Account".into(),
            control_token: None,
            limits: SimLimits::default(),
            auto_present: None,
        }
    }
}

/// A fault the simulator can inject into the next API requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer 500 `api_error` without processing the request.
    Status500,
    /// Answer 429 `rate_limit` without processing the request.
    Status429,
    /// Wait this long, then process the request normally.
    Latency { ms: u64 },
    /// Close the connection before processing the request (see [`Simulator::take_drop_fault`]).
    Drop,
    /// Process the request, then close the connection instead of answering: the client cannot
    /// tell whether it happened, which is what idempotency keys are for.
    DropAfter,
}

impl FaultKind {
    /// The name used by `POST /_sim/faults` and the request log.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Status500 => "status500",
            FaultKind::Status429 => "status429",
            FaultKind::Latency { .. } => "latency",
            FaultKind::Drop => "drop",
            FaultKind::DropAfter => "drop_after",
        }
    }
}

/// Who sent a request, for the rule on the control endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    /// Code in this process (tests, an embedding program): trusted as the process itself.
    InProcess,
    /// A network client at this address; `None` when the transport could not tell, which is
    /// treated like any remote client.
    Network(Option<SocketAddr>),
}

/// A response, and whether the transport must drop it and close the connection instead.
struct Outcome {
    response: http::Response<String>,
    drop_connection: bool,
}

impl Simulator {
    pub fn new(config: SimConfig) -> Simulator {
        Simulator {
            state: Arc::new(Mutex::new(State::new(config))),
        }
    }

    /// Handle one request from code in this process (tests, an embedding program), which may
    /// use the control endpoints. `path` is the path after any mount prefix, e.g.
    /// `/v1/payment_intents`; the query string comes separately. Transports serving network
    /// clients use [`Simulator::handle_or_drop`], which applies the control endpoints' rule.
    ///
    /// A `drop` fault cannot be honoured here, since a response must be returned: transports
    /// call [`Simulator::take_drop_fault`] first (or use [`Simulator::handle_or_drop`]). If one
    /// still reaches this point it is consumed and answered with a 500 naming the problem. A
    /// `drop_after` fault is processed normally and its response returned.
    pub async fn handle(
        &self,
        method: &http::Method,
        path: &str,
        query: Option<&str>,
        headers: &http::HeaderMap,
        body: bytes::Bytes,
    ) -> http::Response<String> {
        self.process(Caller::InProcess, method, path, query, headers, body)
            .await
            .response
    }

    /// Like [`Simulator::handle`], for transports serving network clients: `peer` is the
    /// client's socket address (`None` if unknown, then it counts as remote), which decides with
    /// the control token whether the control endpoints answer. `None` means "close the
    /// connection without answering", for both `drop` faults (request not processed) and
    /// `drop_after` faults (request processed, response lost).
    pub async fn handle_or_drop(
        &self,
        peer: Option<SocketAddr>,
        method: &http::Method,
        path: &str,
        query: Option<&str>,
        headers: &http::HeaderMap,
        body: bytes::Bytes,
    ) -> Option<http::Response<String>> {
        if !is_control_path(path) && !is_browser_path(method, path) && self.take_drop_fault() {
            return None;
        }
        let outcome = self
            .process(Caller::Network(peer), method, path, query, headers, body)
            .await;
        (!outcome.drop_connection).then_some(outcome.response)
    }

    /// Largest request body the simulator processes (see [`SimLimits::max_body_bytes`]);
    /// transports read at most this much.
    pub fn max_body_bytes(&self) -> usize {
        self.lock().config.limits.max_body_bytes
    }

    /// The answer to a request whose body is larger than [`Simulator::max_body_bytes`]: a 413
    /// with a Stripe-shaped error, for transports that stop reading such a body.
    pub fn body_too_large(&self) -> http::Response<String> {
        let limit = self.max_body_bytes();
        json_response(
            413,
            &serde_json::json!({ "error": {
                "message": format!("The request body is larger than the simulator accepts ({limit} bytes)."),
                "type": "invalid_request_error",
            }}),
        )
    }

    /// Standalone HTTP/1.1 server on `listener`, until the future is dropped (which also closes
    /// the connections it opened). Honours `drop` and `drop_after` faults by closing the
    /// connection without a response.
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        server::serve(self, listener).await
    }

    /// Count of PaymentIntents created.
    pub fn payment_intent_count(&self) -> usize {
        self.lock().payment_intents_created
    }

    /// True, consuming one use of it, when the next queued fault is a `drop`. An HTTP layer that
    /// calls [`Simulator::handle`] calls this first for every API request (not for `/_sim/...`
    /// control requests) and, when it returns true, closes the connection without a response.
    /// [`Simulator::handle_or_drop`] does both, and also honours `drop_after`.
    pub fn take_drop_fault(&self) -> bool {
        let mut state = self.lock();
        if matches!(state.faults.front(), Some(fault) if fault.kind == FaultKind::Drop) {
            state.next_fault();
            true
        } else {
            false
        }
    }

    /// Queues `kind` for the next `count` API requests, as `POST /_sim/faults` does.
    pub fn inject_fault(&self, kind: FaultKind, count: u32) {
        if count > 0 {
            self.lock().faults.push_back(state::QueuedFault {
                kind,
                remaining: count,
            });
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent-enough test state; keep serving.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn process(
        &self,
        caller: Caller,
        method: &http::Method,
        path: &str,
        query: Option<&str>,
        headers: &http::HeaderMap,
        body: bytes::Bytes,
    ) -> Outcome {
        if body.len() > self.max_body_bytes() {
            return Outcome {
                response: self.body_too_large(),
                drop_connection: false,
            };
        }
        if is_browser_path(method, path) {
            return Outcome {
                response: browser_response(method, path),
                drop_connection: false,
            };
        }
        if is_control_path(path) {
            let response = if self.may_control(caller, headers) {
                control::handle(self, method, path, &body)
            } else {
                control::forbidden()
            };
            return Outcome {
                response,
                drop_connection: false,
            };
        }
        let request = request::ApiRequest::parse(method, path, query, headers, &body);
        let fault = self.lock().next_fault();
        let mut drop_connection = false;
        match fault {
            Some(FaultKind::Latency { ms }) => tokio::time::sleep(Duration::from_millis(ms)).await,
            Some(FaultKind::DropAfter) => drop_connection = true,
            Some(kind @ (FaultKind::Status500 | FaultKind::Status429 | FaultKind::Drop)) => {
                return Outcome {
                    response: api::fault_response(&mut self.lock(), &request, kind),
                    drop_connection: false,
                };
            }
            None => {}
        }
        let response = api::execute(&mut self.lock(), &request);
        if let Some(reader) = terminal_sdk::started_waiting(method, path, response.status()) {
            self.schedule_auto_present(reader);
        }
        Outcome {
            response,
            drop_connection,
        }
    }
}

impl Simulator {
    /// The control endpoints' rule: code in this process, a loopback client that did not come
    /// through a proxy, or anyone with the control token.
    fn may_control(&self, caller: Caller, headers: &http::HeaderMap) -> bool {
        match caller {
            Caller::InProcess => true,
            Caller::Network(peer) => {
                let loopback = peer.is_some_and(|peer| peer.ip().to_canonical().is_loopback());
                // A local reverse proxy makes every client look like loopback; proxies say so.
                let proxied = ["forwarded", "x-forwarded-for", "x-real-ip"]
                    .iter()
                    .any(|name| headers.contains_key(*name));
                (loopback && !proxied) || self.has_control_token(headers)
            }
        }
    }

    /// True when `Authorization: Bearer <token>` carries the configured control token. Both are
    /// hashed first so the comparison takes the same time wherever they differ.
    fn has_control_token(&self, headers: &http::HeaderMap) -> bool {
        let Some(expected) = self.lock().config.control_token.clone() else {
            return false;
        };
        let Some(sent) = headers
            .get(http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                let (scheme, token) = value.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
        else {
            return false;
        };
        let (sent, expected) = (Sha256::digest(sent), Sha256::digest(expected));
        sent.iter()
            .zip(expected.iter())
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
    }
}

/// A JSON response with the simulator's usual headers.
fn json_response(status: u16, body: &serde_json::Value) -> http::Response<String> {
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header("Request-Id", request::new_request_id())
        .body(body.to_string())
        .expect("status and headers are valid by construction")
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Simulator").finish_non_exhaustive()
    }
}

/// What a browser asks that is not an API call: the simulated Terminal SDK's script, and CORS
/// preflights of the API (the SDK may run on another origin than a standalone simulator).
fn is_browser_path(method: &http::Method, path: &str) -> bool {
    (*method == http::Method::GET && path == SDK_PATH)
        || (*method == http::Method::OPTIONS && path.starts_with("/v1/"))
}

fn browser_response(method: &http::Method, path: &str) -> http::Response<String> {
    if *method == http::Method::GET && path == SDK_PATH {
        return terminal_sdk::sdk_response();
    }
    // A CORS preflight, answered as Stripe's API answers it: any origin, no cookies.
    http::Response::builder()
        .status(204)
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Allow-Methods", "GET, POST, DELETE")
        .header(
            "Access-Control-Allow-Headers",
            "Authorization, Content-Type, Stripe-Version, Idempotency-Key",
        )
        .header("Access-Control-Max-Age", "300")
        .body(String::new())
        .expect("status and headers are valid by construction")
}

fn is_control_path(path: &str) -> bool {
    path == "/_sim" || path.starts_with("/_sim/")
}
