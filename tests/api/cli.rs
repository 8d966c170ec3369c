//! The `odoo-pos-stripe` binary itself: `migrate`, `load-fixtures`, `user add`, `serve`
//! (its per-call log lines, which must never hold a secret) and `stripe-sim` alone.

use std::process::Stdio;
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::both_backends;
use crate::helpers::*;

const BIN: &str = env!("CARGO_BIN_EXE_odoo-pos-stripe");

/// Runs the binary to completion; returns (success, stderr).
async fn run(args: &[&str]) -> (bool, String) {
    let out = Command::new(BIN)
        .args(args)
        .env("OPS_PASSWORD_ROUNDS", "1000")
        .env("OPS_LOG", "info")
        .env_remove("OPS_CONFIG")
        .output()
        .await
        .expect("running the binary");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Starts a long-running subcommand and waits for the line announcing `marker` + address.
async fn start(args: &[&str], marker: &str) -> (Child, String, tokio::task::JoinHandle<String>) {
    let mut child = Command::new(BIN)
        .args(args)
        .env("OPS_PASSWORD_ROUNDS", "1000")
        .env("OPS_LOG", "info")
        .env_remove("OPS_CONFIG")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawning the binary");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = String::new();
    let addr = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            seen.push_str(&line);
            seen.push('\n');
            if let Some(rest) = line.split(marker).nth(1) {
                return rest.trim().to_string();
            }
        }
        panic!("the binary exited before announcing itself:\n{seen}");
    })
    .await
    .expect("the binary announced its address");
    // Keep draining stderr so the child never blocks; hand the text back at the end.
    let rest = tokio::spawn(async move {
        let mut all = seen;
        while let Ok(Some(line)) = lines.next_line().await {
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    (child, addr, rest)
}

/// How many records of `model` `who` can see, archived ones included.
async fn count(who: &Client, model: &str) -> i64 {
    who.with_context(json!({"active_test": false}))
        .search_count(model, json!([]))
        .await
}

both_backends!(migrate_load_fixtures_and_add_users, |backend| {
    let db = TempDb::new(backend).await;
    let (ok, log) = run(&["--database", &db.url, "migrate"]).await;
    assert!(ok, "migrate failed:\n{log}");
    assert!(log.contains("migrations applied"), "{log}");
    // Migrations are idempotent.
    assert!(run(&["--database", &db.url, "migrate"]).await.0);

    // Loading the demo twice updates and never duplicates.
    for _ in 0..2 {
        let (ok, log) = run(&["--database", &db.url, "load-fixtures", "fixtures/demo"]).await;
        assert!(ok, "load-fixtures failed:\n{log}");
        assert!(log.contains("fixtures loaded"), "{log}");
    }
    let (ok, log) = run(&[
        "--database",
        &db.url,
        "user",
        "add",
        "--login",
        "ann",
        "--password",
        "Ann-Pa55-word",
        "--groups",
        "base.group_user,point_of_sale.group_pos_user",
    ])
    .await;
    assert!(ok, "user add failed:\n{log}");
    assert!(!log.contains("Ann-Pa55-word"), "the password was logged");

    let app = spawn_app_on(&db.url, |s| s.demo = false).await;
    let admin = app.as_user("admin").await;
    assert_eq!(count(&admin, "pos.payment.method").await, 3);
    assert_eq!(
        count(&admin, "res.users").await,
        5,
        "root, admin, cashier, employee, ann"
    );
    assert_eq!(count(&admin, "res.currency").await, 5);
    let ann = app.login("ann", "Ann-Pa55-word").await;
    // A POS user reads payment methods.
    assert_eq!(count(&ann, "pos.payment.method").await, 3);

    // `user add` on an existing login changes its password; unknown groups are refused.
    let (ok, _) = run(&[
        "--database",
        &db.url,
        "user",
        "add",
        "--login",
        "ann",
        "--password",
        "Another-1",
        "--groups",
        "base.group_user",
    ])
    .await;
    assert!(ok);
    app.login("ann", "Another-1").await;
    let (ok, log) = run(&[
        "--database",
        &db.url,
        "user",
        "add",
        "--login",
        "bob",
        "--password",
        "x",
        "--groups",
        "base.group_nonexistent",
    ])
    .await;
    assert!(!ok);
    assert!(
        log.contains("unknown group base.group_nonexistent"),
        "{log}"
    );
    assert_eq!(count(&admin, "res.users").await, 5);
});

both_backends!(serve_logs_one_line_per_call_and_no_secret, |backend| {
    let db = TempDb::new(backend).await;
    let (mut child, addr, rest) = start(
        &[
            "--database",
            &db.url,
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--db-name",
            "shop",
        ],
        "listening on http://",
    )
    .await;
    let http = reqwest::Client::new();
    let base = format!("http://{addr}");
    let rpc = |path: &str, params: serde_json::Value, cookie: Option<String>| {
        let mut rb = http
            .post(format!("{base}{path}"))
            .json(&json!({"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}));
        if let Some(c) = cookie {
            rb = rb.header("Cookie", format!("session_id={c}"));
        }
        rb.send()
    };
    // The demo loads after the listener opens: wait for a login to work.
    let mut cookie = None;
    for _ in 0..300 {
        let resp = rpc(
            "/web/session/authenticate",
            json!({"db": "shop", "login": "admin", "password": "admin"}),
            None,
        )
        .await
        .unwrap();
        let set = resp
            .headers()
            .get("set-cookie")
            .map(|v| v.to_str().unwrap().to_string());
        let body: serde_json::Value = resp.json().await.unwrap();
        if body["result"]["uid"] == json!(2) {
            cookie = set.as_deref().map(session_id_of);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cookie = cookie.expect("admin logged in");
    let ok: serde_json::Value = rpc(
        "/web/dataset/call_kw/pos.payment.method/search_read",
        json!({"model": "pos.payment.method", "method": "search_read", "args": [[]], "kwargs": {"fields": ["name"]}}),
        Some(cookie.clone()),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(ok["result"].as_array().unwrap().len(), 3);
    let provider: serde_json::Value = rpc(
        "/web/dataset/call_kw",
        json!({"model": "payment.provider", "method": "search_read", "args": [[]], "kwargs": {"fields": ["stripe_secret_key"]}}),
        Some(cookie.clone()),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let key = provider["result"][0]["stripe_secret_key"]
        .as_str()
        .unwrap()
        .to_string();
    let bad: serde_json::Value = rpc(
        "/jsonrpc",
        json!({"service": "object", "method": "execute_kw", "args": ["shop", 2, "Wr0ng-Secret-Pw", "pos.config", "read", [[1]], {}]}),
        None,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        bad["error"]["data"]["name"],
        json!("odoo.exceptions.AccessDenied")
    );
    let token: serde_json::Value = rpc(
        "/web/dataset/call_kw",
        json!({"model": "pos.payment.method", "method": "stripe_connection_token", "args": [], "kwargs": {}}),
        Some(cookie.clone()),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert!(token["result"]["secret"].is_string(), "{token}");

    child.start_kill().unwrap();
    let _ = child.wait().await;
    let log = rest.await.unwrap();
    let calls: Vec<&str> = log.lines().filter(|l| l.contains(" rpc ")).collect();
    let line = calls
        .iter()
        .find(|l| {
            l.contains("method=\"search_read\"") && l.contains("model=\"pos.payment.method\"")
        })
        .unwrap_or_else(|| panic!("no line for the search_read:\n{log}"));
    for part in ["request_id=", "uid=2", "duration_ms=", "outcome=\"ok\""] {
        assert!(line.contains(part), "{part} missing from {line}");
    }
    assert!(
        calls
            .iter()
            .any(|l| l.contains("model=\"pos.config\"") && l.contains("outcome=\"AccessDenied\"")),
        "the refused call is logged with its outcome:\n{log}"
    );
    // Stripe's Request-Id is logged with the Stripe call.
    assert!(
        log.lines()
            .any(|l| l.contains("req_") && l.contains("/v1/terminal/connection_tokens")),
        "no Stripe call line:\n{log}"
    );
    for secret in ["Wr0ng-Secret-Pw", cookie.as_str(), key.as_str()] {
        assert!(
            !log.contains(secret),
            "a secret reached the log: {secret}\n{log}"
        );
    }
    assert!(log.contains("Odoo database name: shop"));
});

#[tokio::test]
async fn stripe_sim_runs_alone() {
    let (_child, addr, _rest) = start(
        &["stripe-sim", "--listen", "127.0.0.1:0"],
        "Stripe simulator listening on http://",
    )
    .await;
    let http = reqwest::Client::new();
    let ok = http
        .get(format!("http://{addr}/v1/account"))
        .bearer_auth("sk_test_4eC39HqLyjWDarjtT1zdp7dc")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok.headers().get("request-id").is_some());
    let body: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(body["object"], json!("account"));
    let refused = http
        .get(format!("http://{addr}/v1/account"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
}
