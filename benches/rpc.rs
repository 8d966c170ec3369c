//! Latency of the calls a POS makes, over real HTTP on loopback, against the server
//! started in-process exactly as `serve` starts it (release build, demo data, the
//! built-in Stripe simulator).
//!
//! `cargo bench --bench rpc` (SQLite); with `OPS_BENCH_POSTGRES_URL=postgres://...`
//! also on PostgreSQL (a temporary database is created and dropped). `OPS_BENCH_ITERATIONS`
//! sets the samples per operation (default 300).
//!
//! Each operation reports its median and 90th percentile, and its ratio to the baseline
//! measured in the same run: `version_info`, a JSON-RPC round trip that touches no
//! database, i.e. the floor set by HTTP and the envelope.

use std::time::{Duration, Instant};

use odoo_pos_stripe::settings::Settings;
use odoo_pos_stripe::startup::Application;
use serde_json::{json, Value};

struct Client {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl Client {
    async fn post(&self, path: &str, params: Value) -> Value {
        let body = json!({"jsonrpc": "2.0", "method": "call", "params": params, "id": 1});
        let resp = self
            .http
            .post(format!("{}{}", self.base, path))
            .header("Cookie", format!("session_id={}", self.cookie))
            .json(&body)
            .send()
            .await
            .expect("request");
        let v: Value = resp.json().await.expect("JSON");
        assert!(v.get("error").is_none(), "{path}: {v}");
        v["result"].clone()
    }

    async fn call_kw(&self, model: &str, method: &str, args: Value, kwargs: Value) -> Value {
        self.post(
            "/web/dataset/call_kw",
            json!({"model": model, "method": method, "args": args, "kwargs": kwargs}),
        )
        .await
    }

    async fn sim(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let rb = if form.is_empty() && path.contains('?') {
            self.http
                .get(format!("{}/stripe-sim/v1{}", self.base, path))
        } else {
            self.http
                .post(format!("{}/stripe-sim/v1{}", self.base, path))
                .form(form)
        };
        rb.bearer_auth("sk_test_demo0000000000000000odooposstripe")
            .send()
            .await
            .expect("simulator")
            .json()
            .await
            .expect("JSON")
    }
}

async fn login(http: &reqwest::Client, base: &str, login: &str) -> String {
    let resp = http
        .post(format!("{base}/web/session/authenticate"))
        .json(
            &json!({"jsonrpc": "2.0", "params": {"db": "odoo", "login": login, "password": login}}),
        )
        .send()
        .await
        .unwrap();
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("session_id=")
        .to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn measure<F, Fut>(iterations: usize, mut op: F) -> (Duration, Duration)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for i in 0..iterations / 10 + 1 {
        op(i).await; // warm-up
    }
    let mut samples = Vec::with_capacity(iterations);
    for i in 0..iterations {
        let t = Instant::now();
        op(i).await;
        samples.push(t.elapsed());
    }
    samples.sort();
    (percentile(&samples, 0.5), percentile(&samples, 0.9))
}

async fn run(label: &str, database_url: String, iterations: usize) {
    let settings = Settings {
        listen: "127.0.0.1:0".into(),
        database_url,
        demo: true,
        password_rounds: 1000,
        log: "error".into(),
        ..Settings::default()
    };
    let app = Application::build(settings).await.expect("server");
    let base = format!("http://{}", app.addr);
    let http = reqwest::Client::new();
    let admin = Client {
        cookie: login(&http, &base, "admin").await,
        http: http.clone(),
        base: base.clone(),
    };
    let cashier = Client {
        cookie: login(&http, &base, "cashier").await,
        http: http.clone(),
        base: base.clone(),
    };
    let stripe_method = cashier
        .call_kw(
            "pos.payment.method",
            "search",
            json!([[["use_payment_terminal", "=", "stripe"]]]),
            json!({}),
        )
        .await[0]
        .as_i64()
        .unwrap();
    let reader = cashier
        .sim("/terminal/readers?serial_number=WSC513105011295", &[])
        .await["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let mut rows: Vec<(&str, (Duration, Duration))> = Vec::new();
    rows.push((
        "baseline: version_info",
        measure(iterations, |_| async {
            admin.post("/web/webclient/version_info", json!({})).await;
        })
        .await,
    ));
    rows.push((
        "search_read pos.payment.method",
        measure(iterations, |_| async {
            cashier
                .call_kw(
                    "pos.payment.method",
                    "search_read",
                    json!([[]]),
                    json!({"fields": ["name", "journal_id", "use_payment_terminal"]}),
                )
                .await;
        })
        .await,
    ));
    rows.push((
        "execute_kw read (password auth)",
        measure(iterations, |_| async {
            admin
                .post(
                    "/jsonrpc",
                    json!({"service": "object", "method": "execute_kw",
                           "args": ["odoo", 2, "admin", "pos.config", "read", [[1]], {"fields": ["name", "payment_method_ids"]}]}),
                )
                .await;
        })
        .await,
    ));
    rows.push((
        "create + unlink res.partner",
        measure(iterations, |i| {
            let admin = &admin;
            async move {
                let id = admin
                    .call_kw(
                        "res.partner",
                        "create",
                        json!([{"name": format!("Bench {i}")}]),
                        json!({}),
                    )
                    .await;
                admin
                    .call_kw("res.partner", "unlink", json!([[id]]), json!({}))
                    .await;
            }
        })
        .await,
    ));
    rows.push((
        "stripe_payment_intent (to simulator)",
        measure(iterations, |_| async {
            cashier
                .call_kw(
                    "pos.payment.method",
                    "stripe_payment_intent",
                    json!([[stripe_method], 12.5]),
                    json!({}),
                )
                .await;
        })
        .await,
    ));
    rows.push((
        "card payment: intent, tap, capture",
        measure(iterations / 3 + 1, |_| {
            let (cashier, reader) = (&cashier, &reader);
            async move {
                let pi = cashier
                    .call_kw(
                        "pos.payment.method",
                        "stripe_payment_intent",
                        json!([[stripe_method], 12.5]),
                        json!({}),
                    )
                    .await;
                let id = pi["id"].as_str().unwrap();
                cashier
                    .sim(
                        &format!("/terminal/readers/{reader}/process_payment_intent"),
                        &[("payment_intent", id)],
                    )
                    .await;
                cashier
                    .sim(
                        &format!("/test_helpers/terminal/readers/{reader}/present_payment_method"),
                        &[("type", "card_present")],
                    )
                    .await;
                let done = cashier
                    .call_kw(
                        "pos.payment.method",
                        "stripe_capture_payment",
                        json!([id]),
                        json!({"amount": 12.5, "context": {"stripe_currency_rounding": 0.01}}),
                    )
                    .await;
                assert_eq!(done["status"], json!("succeeded"));
            }
        })
        .await,
    ));

    let baseline = rows[0].1 .0.as_secs_f64();
    println!("\n{label} ({iterations} samples per operation)");
    println!(
        "{:<40} {:>12} {:>12} {:>10}",
        "operation", "median µs", "p90 µs", "× baseline"
    );
    for (name, (median, p90)) in &rows {
        println!(
            "{:<40} {:>12.0} {:>12.0} {:>10.1}",
            name,
            median.as_secs_f64() * 1e6,
            p90.as_secs_f64() * 1e6,
            median.as_secs_f64() / baseline
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let iterations: usize = std::env::var("OPS_BENCH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let dir = std::env::temp_dir().join(format!("ops-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    run(
        "SQLite",
        format!("sqlite://{}/bench.sqlite", dir.display()),
        iterations,
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);

    if let Ok(admin_url) = std::env::var("OPS_BENCH_POSTGRES_URL") {
        use sea_orm::ConnectionTrait;
        let name = format!("ops_bench_{}", std::process::id());
        let admin = sea_orm::Database::connect(&admin_url)
            .await
            .expect("PostgreSQL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap();
        let (prefix, _) = admin_url.rsplit_once('/').unwrap();
        run("PostgreSQL", format!("{prefix}/{name}"), iterations).await;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await
            .unwrap();
    }
}
