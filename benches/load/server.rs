//! Our server as a separate process (the release binary, as `cargo run --release` runs
//! it): started on a database, logged into, measured (start to first answer, resident
//! memory), and filled with partners for the scale runs.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{json, Value};

use crate::driver::SIM_KEY;

pub struct Server {
    child: Child,
    /// The Stripe simulator, a process of its own as Stripe is elsewhere in production:
    /// the server's footprint is then the server's, not the test objects' the
    /// simulator keeps (up to `stripe_sim_max_objects` of each kind).
    simulator: Child,
    pub base: String,
    /// The simulator's URL (its API under `/v1`).
    pub sim_base: String,
    pub database_url: String,
    /// From spawning the process to its first answer.
    pub startup: Duration,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Server {
    pub async fn start(database_url: &str) -> Server {
        let sim_port = free_port();
        let simulator = Command::new(env!("CARGO_BIN_EXE_odoo-pos-stripe"))
            .args(["stripe-sim", "--listen", &format!("127.0.0.1:{sim_port}")])
            .env("OPS_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting the simulator");
        let sim_base = format!("http://127.0.0.1:{sim_port}");
        let port = free_port();
        let started = Instant::now();
        let child = Command::new(env!("CARGO_BIN_EXE_odoo-pos-stripe"))
            .env("OPS_LISTEN", format!("127.0.0.1:{port}"))
            .env("OPS_STRIPE_BASE_URL", &sim_base)
            .env("OPS_STRIPE_SIMULATOR", "false")
            .env("OPS_DATABASE_URL", database_url)
            .env("OPS_DEMO", "true")
            .env("OPS_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting the server");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        loop {
            let answered = http
                .post(format!("{base}/web/webclient/version_info"))
                .json(&json!({"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}))
                .send()
                .await
                .is_ok();
            if answered {
                break;
            }
            if started.elapsed() > Duration::from_secs(300) {
                panic!("the server did not answer within 300 s");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        Server {
            child,
            simulator,
            sim_base,
            base,
            database_url: database_url.to_string(),
            startup: started.elapsed(),
        }
    }

    /// Resident memory now and at its peak, in MiB (Linux's /proc).
    pub fn rss_mib(&self) -> (f64, f64) {
        rss_mib(self.child.id())
    }

    /// The simulator's resident memory now, in MiB.
    pub fn simulator_rss_mib(&self) -> f64 {
        rss_mib(self.simulator.id()).0
    }

    pub async fn login(&self, login: &str) -> String {
        let resp = reqwest::Client::new()
            .post(format!("{}/web/session/authenticate", self.base))
            .json(&json!({"jsonrpc": "2.0", "method": "call", "params": {"db": "odoo", "login": login, "password": login}, "id": 1}))
            .send()
            .await
            .expect("login");
        let cookie = resp.headers()["set-cookie"]
            .to_str()
            .expect("cookie")
            .to_string();
        cookie
            .split(';')
            .next()
            .unwrap_or_default()
            .trim_start_matches("session_id=")
            .to_string()
    }

    async fn sim(&self, method: reqwest::Method, path: &str, form: &[(&str, &str)]) -> Value {
        reqwest::Client::new()
            .request(method, format!("{}/v1{}", self.sim_base, path))
            .form(form)
            .bearer_auth(SIM_KEY)
            .send()
            .await
            .expect("simulator")
            .json()
            .await
            .expect("simulator JSON")
    }

    /// `n` simulated readers in the demo reader's location, one per connection.
    pub async fn readers(&self, n: usize) -> Vec<String> {
        let demo = self
            .sim(
                reqwest::Method::GET,
                "/terminal/readers?serial_number=WSC513105011295",
                &[],
            )
            .await;
        let location = demo["data"][0]["location"]
            .as_str()
            .expect("demo reader location")
            .to_string();
        let mut out = Vec::new();
        for _ in 0..n {
            let r = self
                .sim(
                    reqwest::Method::POST,
                    "/terminal/readers",
                    &[
                        ("registration_code", "simulated-wpe"),
                        ("location", &location),
                    ],
                )
                .await;
            out.push(r["id"].as_str().expect("reader id").to_string());
        }
        out
    }

    /// Stops the process (SIGKILL: the bench measures, it does not test shutdown).
    pub fn stop(mut self) {
        for child in [&mut self.child, &mut self.simulator] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.simulator.kill();
    }
}

fn rss_mib(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Adds partners `from..to` (vat `BE{n:010}`) straight into the database, as a data
/// import would, in one statement per backend.
pub async fn add_partners(database_url: &str, from: i64, to: i64) {
    let db: DatabaseConnection = Database::connect(database_url)
        .await
        .expect("bench connection");
    let sql = if database_url.starts_with("sqlite") {
        format!(
            "WITH RECURSIVE n(i) AS (SELECT {from} UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {to}) \
             INSERT INTO res_partner (name, vat, active, is_company, city, create_uid, write_uid, create_date, write_date) \
             SELECT 'Partner ' || printf('%07d', i), 'BE' || printf('%010d', i), 1, 0, 'Ghent', 1, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM n"
        )
    } else {
        format!(
            "INSERT INTO res_partner (name, vat, active, is_company, city, create_uid, write_uid, create_date, write_date) \
             SELECT 'Partner ' || lpad(i::text, 7, '0'), 'BE' || lpad(i::text, 10, '0'), true, false, 'Ghent', 1, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00' \
             FROM generate_series({from}, {to} - 1) AS i"
        )
    };
    db.execute_unprepared(&sql).await.expect("adding partners");
    let analyze = if database_url.starts_with("sqlite") {
        "ANALYZE"
    } else {
        "ANALYZE res_partner"
    };
    db.execute_unprepared(analyze).await.expect("ANALYZE");
    db.close().await.ok();
}
