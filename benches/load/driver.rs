//! The load: N tasks, each with its own keep-alive HTTP connection, each running one
//! scenario in a loop for a fixed time; every iteration's latency is recorded.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
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
    /// The same four requests straight to the simulator, intent and capture with the
    /// parameters and headers our server sends: what the payment path costs without it.
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
    target: Arc<Target>,
    worker: usize,
    /// The keep-alive connection to the target, and the one to the simulator.
    server: Http1,
    simulator: Http1,
    /// `Bearer` and the simulator's key.
    sim_authorization: String,
}

#[derive(Debug)]
pub struct Failed(pub String);

/// One keep-alive HTTP/1.1 connection (hyper's client connection, no pool): the load
/// generator shares the cores with the server, so it spends as little as it can per
/// request, as wrk does. Reconnects after an error.
struct Http1 {
    /// `http://host:port`.
    base: String,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Http1 {
    fn new(base: &str) -> Http1 {
        Http1 {
            base: base.to_string(),
            sender: None,
        }
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, Failed> {
        let authority = self.base.trim_start_matches("http://");
        let stream = tokio::net::TcpStream::connect(authority)
            .await
            .map_err(|e| Failed(format!("connect {authority}: {e}")))?;
        stream
            .set_nodelay(true)
            .map_err(|e| Failed(e.to_string()))?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .map_err(|e| Failed(e.to_string()))?;
        tokio::spawn(connection);
        Ok(sender)
    }

    /// POSTs `body` to `path`; the answer's body when the status is 200.
    async fn post(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<Bytes, Failed> {
        let mut sender = match self.sender.take() {
            Some(s) if !s.is_closed() => s,
            _ => self.connect().await?,
        };
        sender.ready().await.map_err(|e| Failed(e.to_string()))?;
        let mut request = http::Request::post(path)
            .header(http::header::HOST, self.base.trim_start_matches("http://"));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(Full::new(body))
            .map_err(|e| Failed(e.to_string()))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| Failed(e.to_string()))?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| Failed(e.to_string()))?
            .to_bytes();
        self.sender = Some(sender);
        if status != http::StatusCode::OK {
            let text = String::from_utf8_lossy(&body);
            let text: String = text.chars().take(300).collect();
            return Err(Failed(format!("{path}: HTTP {status}: {text}")));
        }
        Ok(body)
    }
}

/// An answer as it came: checked for an `error` member without building it, parsed
/// only where the scenario needs a value from it.
pub struct Answer {
    body: Bytes,
    /// A JSON-RPC answer (its value is `result`), or the simulator's (the whole body).
    rpc: bool,
}

/// Only whether the answer carries an `error` member (values skipped, not built).
#[derive(serde::Deserialize)]
struct ErrorMember {
    error: Option<serde::de::IgnoredAny>,
}

impl Answer {
    fn checked(body: Bytes, rpc: bool, what: &str) -> Result<Answer, Failed> {
        let check: ErrorMember =
            serde_json::from_slice(&body).map_err(|e| Failed(format!("{what}: not JSON ({e})")))?;
        let answer = Answer { body, rpc };
        match check.error {
            Some(_) => Err(Failed(format!("{what}: {}", answer.whole()["error"]))),
            None => Ok(answer),
        }
    }

    fn whole(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The result (JSON-RPC) or the body (simulator).
    pub fn value(&self) -> Value {
        let mut v = self.whole();
        if self.rpc {
            v["result"].take()
        } else {
            v
        }
    }
}

impl Conn {
    pub fn new(target: Arc<Target>, worker: usize) -> Conn {
        Conn {
            server: Http1::new(&target.base),
            simulator: Http1::new(&target.sim_base),
            sim_authorization: format!("Bearer {SIM_KEY}"),
            target,
            worker,
        }
    }

    async fn rpc(&mut self, path: &str, cookie: &str, params: Value) -> Result<Answer, Failed> {
        let body = json!({"jsonrpc": "2.0", "method": "call", "params": params, "id": 1});
        let body = Bytes::from(serde_json::to_vec(&body).map_err(|e| Failed(e.to_string()))?);
        let cookie = format!("session_id={cookie}");
        let headers = [
            ("content-type", "application/json"),
            ("cookie", cookie.as_str()),
        ];
        let answer = self.server.post(path, &headers, body).await?;
        Answer::checked(answer, true, path)
    }

    async fn call_kw(
        &mut self,
        cookie: &str,
        model: &str,
        method: &str,
        args: Value,
        kwargs: Value,
    ) -> Result<Answer, Failed> {
        self.rpc(
            "/web/dataset/call_kw",
            cookie,
            json!({"model": model, "method": method, "args": args, "kwargs": kwargs}),
        )
        .await
    }

    async fn sim(&mut self, path: &str, form: &[(&str, &str)]) -> Result<Answer, Failed> {
        self.sim_request(path, form, false).await
    }

    /// A simulator request as our server sends it: with its `Stripe-Version` (Odoo 18's,
    /// under which a PaymentIntent carries its charges) and a fresh `Idempotency-Key`
    /// (which Stripe stores with the answer).
    async fn sim_as_server(&mut self, path: &str, form: &[(&str, &str)]) -> Result<Answer, Failed> {
        self.sim_request(path, form, true).await
    }

    async fn sim_request(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        as_server: bool,
    ) -> Result<Answer, Failed> {
        if self.target.baseline {
            return self.rpc("/", "", json!({"path": path})).await;
        }
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let idempotency_key = as_server.then(|| uuid::Uuid::new_v4().to_string());
        let mut headers = vec![
            ("content-type", "application/x-www-form-urlencoded"),
            ("authorization", self.sim_authorization.as_str()),
        ];
        if let Some(key) = &idempotency_key {
            headers.push((
                "stripe-version",
                odoo_pos_stripe::stripe::client::DEFAULT_API_VERSION,
            ));
            headers.push(("idempotency-key", key.as_str()));
        }
        let path = format!("/v1{path}");
        let answer = self
            .simulator
            .post(&path, &headers, Bytes::from(body))
            .await?;
        Answer::checked(answer, false, &path)
    }

    /// The card tapped on this connection's simulated reader: the intent handed to the
    /// reader, then a card presented (two simulator calls).
    async fn tap(&mut self, intent: &str) -> Result<(), Failed> {
        let reader = self
            .target
            .readers
            .get(self.worker)
            .cloned()
            .unwrap_or_default();
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
    pub async fn run(&mut self, scenario: Scenario, i: u64) -> Result<Answer, Failed> {
        let t = self.target.clone();
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
                let created = self
                    .call_kw(
                        &t.admin,
                        "res.partner",
                        "create",
                        json!([{"name": format!("Load {} {i}", self.worker)}]),
                        json!({}),
                    )
                    .await?;
                let id = if t.baseline { json!(1) } else { created.value() };
                self.call_kw(&t.admin, "res.partner", "write", json!([[id], {"city": "Brussels"}]), json!({}))
                    .await?;
                Ok(created)
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
                let id = pi.value()["id"].as_str().unwrap_or("pi_baseline").to_string();
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
                if !t.baseline && done.value()["status"] != json!("succeeded") {
                    return Err(Failed(format!("capture: {}", done.value())));
                }
                Ok(done)
            }
            Scenario::CardPaymentDirect => {
                let pi = self
                    .sim_as_server(
                        "/payment_intents",
                        &[
                            ("currency", "usd"),
                            ("amount", "1250"),
                            ("payment_method_types[]", "card_present"),
                            ("capture_method", "manual"),
                        ],
                    )
                    .await?;
                let id = pi.value()["id"].as_str().unwrap_or("pi_baseline").to_string();
                self.tap(&id).await?;
                let done = self
                    .sim_as_server(
                        &format!("/payment_intents/{id}/capture"),
                        &[("amount_to_capture", "1250")],
                    )
                    .await?;
                if !t.baseline && done.value()["status"] != json!("succeeded") {
                    return Err(Failed(format!("capture: {}", done.value())));
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
    let mut points = load_mix(target, &[scenario], connections, warmup, duration).await;
    points.remove(0)
}

/// Runs `scenarios` in turn on each of `connections` connections (one iteration of the
/// first, one of the second, ...): a warm-up, then `duration` measured, one point per
/// scenario. Taken side by side this way, two scenarios meet the same state of the
/// machine, which on a shared virtual machine moves by more than what they differ by
/// when they run one after the other.
pub async fn load_mix(
    target: &Arc<Target>,
    scenarios: &[Scenario],
    connections: usize,
    warmup: Duration,
    duration: Duration,
) -> Vec<Point> {
    let start = Instant::now();
    let measure_from = start + warmup;
    let end = measure_from + duration;
    let kinds = scenarios.len();
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let mut conn = Conn::new(target.clone(), worker);
        let scenarios = scenarios.to_vec();
        tasks.push(tokio::spawn(async move {
            let mut samples = vec![Vec::new(); kinds];
            let mut errors = vec![0u64; kinds];
            let mut first_error = vec![None; kinds];
            let mut i = worker as u64 * 1_000_000;
            loop {
                let k = i as usize % kinds;
                let t = Instant::now();
                if t >= end {
                    break;
                }
                let outcome = conn.run(scenarios[k], i).await;
                i += 1;
                if t >= measure_from {
                    match outcome {
                        Ok(_) => samples[k].push(t.elapsed()),
                        Err(e) => {
                            errors[k] += 1;
                            first_error[k].get_or_insert(e.0);
                        }
                    }
                }
            }
            (samples, errors, first_error)
        }));
    }
    let mut all = vec![Vec::new(); kinds];
    let mut errors = vec![0; kinds];
    let mut first_error: Vec<Option<String>> = vec![None; kinds];
    for task in tasks {
        let (samples, e, first) = task.await.expect("load task");
        for (k, ((samples, e), first)) in samples.into_iter().zip(e).zip(first).enumerate() {
            all[k].extend(samples);
            errors[k] += e;
            if first_error[k].is_none() {
                first_error[k] = first;
            }
        }
    }
    all.into_iter()
        .zip(errors)
        .zip(first_error)
        .map(|((mut all, errors), first_error)| {
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
        })
        .collect()
}
