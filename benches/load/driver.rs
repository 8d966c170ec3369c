//! The load: N tasks, each with its own keep-alive HTTP connection, each running one
//! scenario in a loop for a fixed time; every iteration's latency is recorded.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{json, Value};

pub const SIM_KEY: &str = "sk_test_demo0000000000000000odooposstripe";

/// What one iteration does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// A cashier's session: `call_kw pos.payment.method search_read`, 2 records, 5 fields.
    SearchRead,
    /// `execute_kw` with the password: `pos.config read`.
    Read,
    /// `res.partner create`, then `write` on it (two calls).
    CreateWrite,
    /// `stripe_payment_intent` (our server calls the simulator).
    PaymentIntent,
    /// Intent, tap on the simulated reader (two simulator calls), capture: four requests.
    CardPayment,
    /// The same four requests straight to the simulator (intent and capture with the
    /// parameters our server sends): what the payment path costs without our server.
    CardPaymentDirect,
    /// `res.partner search_read` on an indexed column, one row out of all.
    SelectiveSearch,
    /// `res.partner search_read` of the first 80 in the default order.
    Limit80,
}

impl Scenario {
    pub fn label(self) -> &'static str {
        match self {
            Scenario::SearchRead => "search_read (session)",
            Scenario::Read => "read (execute_kw)",
            Scenario::CreateWrite => "create+write",
            Scenario::PaymentIntent => "stripe_payment_intent",
            Scenario::CardPayment => "card payment",
            Scenario::CardPaymentDirect => "card payment, simulator directly",
            Scenario::SelectiveSearch => "selective search",
            Scenario::Limit80 => "limit=80 search",
        }
    }
}

/// Where the load goes and what it logs in with.
#[derive(Clone)]
pub struct Target {
    pub base: String,
    /// The Stripe simulator (its API under `/v1`).
    pub sim_base: String,
    /// The bare baseline: simulator calls become JSON-RPC calls, no cookies matter.
    pub baseline: bool,
    pub cashier: String,
    pub admin: String,
    pub stripe_method: i64,
    /// One simulated reader per connection (a reader takes one payment at a time).
    pub readers: Vec<String>,
    /// How many partners the scale scenarios search.
    pub partner_rows: i64,
}

pub struct Conn {
    http: reqwest::Client,
    target: Arc<Target>,
    worker: usize,
}

#[derive(Debug)]
pub struct Failed(pub String);

impl Conn {
    pub fn new(target: Arc<Target>, worker: usize) -> Conn {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .tcp_nodelay(true)
            .http1_only()
            .build()
            .expect("HTTP client");
        Conn {
            http,
            target,
            worker,
        }
    }

    async fn rpc(&self, path: &str, cookie: &str, params: Value) -> Result<Value, Failed> {
        let body = json!({"jsonrpc": "2.0", "method": "call", "params": params, "id": 1});
        let resp = self
            .http
            .post(format!("{}{}", self.target.base, path))
            .header("Cookie", format!("session_id={cookie}"))
            .json(&body)
            .send()
            .await
            .map_err(|e| Failed(e.to_string()))?;
        let v: Value = resp.json().await.map_err(|e| Failed(e.to_string()))?;
        match v.get("error") {
            Some(e) => Err(Failed(format!("{path}: {e}"))),
            None => Ok(v["result"].clone()),
        }
    }

    async fn call_kw(
        &self,
        cookie: &str,
        model: &str,
        method: &str,
        args: Value,
        kwargs: Value,
    ) -> Result<Value, Failed> {
        self.rpc(
            "/web/dataset/call_kw",
            cookie,
            json!({"model": model, "method": method, "args": args, "kwargs": kwargs}),
        )
        .await
    }

    async fn sim(&self, path: &str, form: &[(&str, &str)]) -> Result<Value, Failed> {
        if self.target.baseline {
            return self.rpc("/", "", json!({"path": path})).await;
        }
        let resp = self
            .http
            .post(format!("{}/v1{}", self.target.sim_base, path))
            .form(form)
            .bearer_auth(SIM_KEY)
            .send()
            .await
            .map_err(|e| Failed(e.to_string()))?;
        let v: Value = resp.json().await.map_err(|e| Failed(e.to_string()))?;
        match v.get("error") {
            Some(e) => Err(Failed(format!("simulator {path}: {e}"))),
            None => Ok(v),
        }
    }

    /// The card tapped on this connection's simulated reader: the intent handed to the
    /// reader, then a card presented (two simulator calls).
    async fn tap(&self, intent: &str) -> Result<(), Failed> {
        let t = &*self.target;
        let reader = t.readers.get(self.worker).cloned().unwrap_or_default();
        self.sim(
            &format!("/terminal/readers/{reader}/process_payment_intent"),
            &[("payment_intent", intent)],
        )
        .await?;
        self.sim(
            &format!("/test_helpers/terminal/readers/{reader}/present_payment_method"),
            &[("type", "card_present")],
        )
        .await?;
        Ok(())
    }

    /// One iteration; returns the results of the calls it made (the bench answers the
    /// baseline's calls with the first of them).
    pub async fn run(&self, scenario: Scenario, i: u64) -> Result<Value, Failed> {
        let t = &*self.target;
        match scenario {
            Scenario::SearchRead => {
                self.call_kw(
                    &t.cashier,
                    "pos.payment.method",
                    "search_read",
                    json!([[["use_payment_terminal", "!=", false]]]),
                    json!({"fields": ["name", "journal_id", "use_payment_terminal", "stripe_serial_number", "active"]}),
                )
                .await
            }
            Scenario::Read => {
                self.rpc(
                    "/jsonrpc",
                    "",
                    json!({"service": "object", "method": "execute_kw",
                           "args": ["odoo", 2, "admin", "pos.config", "read", [[1]], {"fields": ["name", "payment_method_ids"]}]}),
                )
                .await
            }
            Scenario::CreateWrite => {
                let id = self
                    .call_kw(
                        &t.admin,
                        "res.partner",
                        "create",
                        json!([{"name": format!("Load {} {i}", self.worker)}]),
                        json!({}),
                    )
                    .await?;
                let id = if t.baseline { json!(1) } else { id };
                self.call_kw(&t.admin, "res.partner", "write", json!([[id], {"city": "Brussels"}]), json!({}))
                    .await?;
                Ok(id)
            }
            Scenario::PaymentIntent => {
                self.call_kw(
                    &t.cashier,
                    "pos.payment.method",
                    "stripe_payment_intent",
                    json!([[t.stripe_method], 12.5]),
                    json!({}),
                )
                .await
            }
            Scenario::CardPayment => {
                let pi = self
                    .call_kw(
                        &t.cashier,
                        "pos.payment.method",
                        "stripe_payment_intent",
                        json!([[t.stripe_method], 12.5]),
                        json!({}),
                    )
                    .await?;
                let id = pi["id"].as_str().unwrap_or("pi_baseline").to_string();
                self.tap(&id).await?;
                let done = self
                    .call_kw(
                        &t.cashier,
                        "pos.payment.method",
                        "stripe_capture_payment",
                        json!([id]),
                        json!({"amount": 12.5, "context": {"stripe_currency_rounding": 0.01}}),
                    )
                    .await?;
                if !t.baseline && done["status"] != json!("succeeded") {
                    return Err(Failed(format!("capture: {done}")));
                }
                Ok(done)
            }
            Scenario::CardPaymentDirect => {
                let pi = self
                    .sim(
                        "/payment_intents",
                        &[
                            ("currency", "usd"),
                            ("amount", "1250"),
                            ("payment_method_types[]", "card_present"),
                            ("capture_method", "manual"),
                        ],
                    )
                    .await?;
                let id = pi["id"].as_str().unwrap_or("pi_baseline").to_string();
                self.tap(&id).await?;
                let done = self
                    .sim(
                        &format!("/payment_intents/{id}/capture"),
                        &[("amount_to_capture", "1250")],
                    )
                    .await?;
                if !t.baseline && done["status"] != json!("succeeded") {
                    return Err(Failed(format!("capture: {done}")));
                }
                Ok(done)
            }
            Scenario::SelectiveSearch => {
                let n = (i as i64 * 7919) % t.partner_rows.max(1);
                self.call_kw(
                    &t.admin,
                    "res.partner",
                    "search_read",
                    json!([[["vat", "=", format!("BE{n:010}")]]]),
                    json!({"fields": ["name", "vat", "country_id"]}),
                )
                .await
            }
            Scenario::Limit80 => {
                self.call_kw(
                    &t.admin,
                    "res.partner",
                    "search_read",
                    json!([[]]),
                    json!({"fields": ["name", "vat", "country_id"], "limit": 80}),
                )
                .await
            }
        }
    }
}

/// What one load point measured.
#[derive(Clone, Debug, Serialize)]
pub struct Point {
    pub connections: usize,
    pub iterations: u64,
    pub errors: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub first_error: Option<String>,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

/// Runs `scenario` on `connections` connections: a warm-up, then `duration` measured.
pub async fn load(
    target: &Arc<Target>,
    scenario: Scenario,
    connections: usize,
    warmup: Duration,
    duration: Duration,
) -> Point {
    let start = Instant::now();
    let measure_from = start + warmup;
    let end = measure_from + duration;
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let conn = Conn::new(target.clone(), worker);
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut errors = 0u64;
            let mut first_error = None;
            let mut i = worker as u64 * 1_000_000;
            loop {
                let t = Instant::now();
                if t >= end {
                    break;
                }
                let outcome = conn.run(scenario, i).await;
                i += 1;
                if t >= measure_from {
                    match outcome {
                        Ok(_) => samples.push(t.elapsed()),
                        Err(e) => {
                            errors += 1;
                            first_error.get_or_insert(e.0);
                        }
                    }
                }
            }
            (samples, errors, first_error)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    for task in tasks {
        let (samples, e, first) = task.await.expect("load task");
        all.extend(samples);
        errors += e;
        if first_error.is_none() {
            first_error = first;
        }
    }
    all.sort();
    Point {
        connections,
        iterations: all.len() as u64,
        errors,
        per_second: all.len() as f64 / duration.as_secs_f64(),
        p50_ms: percentile(&all, 0.5),
        p99_ms: percentile(&all, 0.99),
        first_error,
    }
}
