//! A Stripe test-mode simulator for the Terminal flow the POS uses.
//!
//! It answers the endpoints of `spec/stripe-terminal.md` §2 the way Stripe's sandbox does:
//! PaymentIntents with their card-present life cycle, simulated readers driven by the
//! `present_payment_method` test helper, refunds, locations, connection tokens and the account.
//! Responses are shaped like Stripe's fixtures and validate against the 2023-08-16 OpenAPI
//! schemas; requests are authenticated, parameter-checked and idempotent like Stripe's.
//!
//! The server mounts [`Simulator::handle`] under a prefix; `odoo-pos-stripe stripe-sim` runs it
//! alone with [`Simulator::serve`]. Tests steer it through control endpoints that need no key:
//!
//! - `POST /_sim/faults` with `{"kind": "status500" | "status429" | "latency" | "drop" |
//!   "drop_after", "count": N, "latency_ms": M}` queues a fault for the next N API requests;
//!   `GET /_sim/faults` lists what is queued.
//! - `GET /_sim/state` counts objects and received requests; `GET /_sim/requests` is the log of
//!   API requests (never the API key itself).
//! - `POST /_sim/reset` clears queued faults (and the request log with `{"requests": true}`).
//!
//! All state sits behind one `std::sync::Mutex`: every request runs start to finish under it
//! without awaiting, so two requests with the same idempotency key can never both execute.

mod api;
mod authorization;
mod control;
mod endpoints;
mod error;
mod params;
mod request;
mod server;
mod state;

#[cfg(test)]
pub(crate) mod contract;
#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use state::State;

/// The Stripe test-mode simulator. Cloning gives another handle on the same state.
#[derive(Clone)]
pub struct Simulator {
    state: Arc<Mutex<State>>,
}

/// What the simulator starts with.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// API keys that authenticate; empty accepts any well-formed `sk_test_`/`rk_test_` key.
    pub accepted_keys: Vec<String>,
    /// Simulated readers registered from the start, at the default location "Demo store".
    pub readers: Vec<SimReaderSeed>,
    /// The account's display name, as `GET /v1/account` reports it.
    pub account_name: String,
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

    /// Handle one request. `path` is the path after any mount prefix, e.g. `/v1/payment_intents`;
    /// the query string comes separately.
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
        self.process(method, path, query, headers, body)
            .await
            .response
    }

    /// Like [`Simulator::handle`], for transports: `None` means "close the connection without
    /// answering", for both `drop` faults (request not processed) and `drop_after` faults
    /// (request processed, response lost).
    pub async fn handle_or_drop(
        &self,
        method: &http::Method,
        path: &str,
        query: Option<&str>,
        headers: &http::HeaderMap,
        body: bytes::Bytes,
    ) -> Option<http::Response<String>> {
        if !is_control_path(path) && self.take_drop_fault() {
            return None;
        }
        let outcome = self.process(method, path, query, headers, body).await;
        (!outcome.drop_connection).then_some(outcome.response)
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
        method: &http::Method,
        path: &str,
        query: Option<&str>,
        headers: &http::HeaderMap,
        body: bytes::Bytes,
    ) -> Outcome {
        if is_control_path(path) {
            return Outcome {
                response: control::handle(self, method, path, &body),
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
        Outcome {
            response,
            drop_connection,
        }
    }
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Simulator").finish_non_exhaustive()
    }
}

fn is_control_path(path: &str) -> bool {
    path == "/_sim" || path.starts_with("/_sim/")
}
