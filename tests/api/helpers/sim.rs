//! The Stripe simulator of a test server, steered through its `/_sim` control endpoints:
//! queue faults, read its request log and counters, reset it.

use serde_json::{json, Value};

/// The simulator behind `<server>/stripe-sim`.
#[derive(Clone, Debug)]
pub struct Sim {
    http: reqwest::Client,
    /// `http://<server>/stripe-sim`: the simulated Stripe API is under `/v1`.
    pub base: String,
}

impl Sim {
    pub(super) fn new(http: reqwest::Client, base: String) -> Sim {
        Sim { http, base }
    }

    /// Makes the next `count` Stripe API requests fail with `kind`: `status500`,
    /// `status429`, `drop` (the connection closes unanswered) or `drop_after` (closed
    /// after the work is done).
    pub async fn fault(&self, kind: &str, count: u32) {
        self.queue(json!({"kind": kind, "count": count})).await;
    }

    /// Makes the next `count` Stripe API requests wait `ms` milliseconds first.
    pub async fn latency(&self, ms: u64, count: u32) {
        self.queue(json!({"kind": "latency", "count": count, "latency_ms": ms}))
            .await;
    }

    /// Clears the queued faults (the request log stays).
    pub async fn reset(&self) {
        let resp = self
            .http
            .post(format!("{}/_sim/reset", self.base))
            .send()
            .await
            .expect("the simulator answers");
        assert!(resp.status().is_success(), "faults not cleared");
    }

    /// The request log: one entry per Stripe API request the simulator received
    /// (`method`, `path`, `params`, `stripe_version`, `idempotency_key`, ...).
    pub async fn log(&self) -> Vec<Value> {
        let log = self.get("/_sim/requests").await;
        log["data"]
            .as_array()
            .unwrap_or_else(|| panic!("not a request log: {log}"))
            .clone()
    }

    /// `(method, path)` of every Stripe API request the simulator received.
    pub async fn requests(&self) -> Vec<(String, String)> {
        self.log()
            .await
            .iter()
            .map(|e| {
                (
                    e["method"].as_str().unwrap_or_default().to_string(),
                    e["path"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    /// The simulator's counters (`payment_intents` created, `refunds`, `requests`, ...).
    pub async fn state(&self) -> Value {
        self.get("/_sim/state").await
    }

    async fn queue(&self, fault: Value) {
        let resp = self
            .http
            .post(format!("{}/_sim/faults", self.base))
            .json(&fault)
            .send()
            .await
            .expect("the simulator answers");
        assert!(resp.status().is_success(), "fault {fault} not queued");
    }

    async fn get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("the simulator answers")
            .json()
            .await
            .expect("the simulator answers JSON")
    }
}
