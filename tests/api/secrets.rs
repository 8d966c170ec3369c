//! The secrets scan: while the integration tests run, every log line any server in
//! this process writes (all levels down to `debug`) is captured and searched for the
//! secrets the tests know: the demo Stripe keys, passwords, API keys, session ids
//! (each test's sessions are registered by the `login` helper). Hits are kept and
//! asserted empty at the end of this module's story and of the bad-input corpus,
//! which between them cover the logs of the run so far. Response bodies are
//! searched by the tests that produce them (`assert_no_secret`).

use std::io::Write;
use std::sync::{Mutex, Once};

use serde_json::json;

use crate::both;

/// The demo data's Stripe keys (`fixtures/demo/03_point_of_sale.json`).
pub const DEMO_SECRET_KEY: &str = "sk_test_demo0000000000000000odooposstripe";

/// Secrets that must never be logged.
static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// Recent log text, searched again when a secret is registered after its line
/// was written (a session id is logged, if at all, before the test learns it).
static RECENT: Mutex<String> = Mutex::new(String::new());
/// Every hit: which secret, in which line.
static HITS: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// Hits of the scan's own canary (kept apart from real hits).
static CANARY_HITS: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// Lines captured so far (to show the scan really ran).
static LINES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

const RECENT_BYTES: usize = 8 * 1024 * 1024;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Installs the capturing subscriber, once per test process. Called by the harness
/// before any server starts.
pub fn capture_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        register(DEMO_SECRET_KEY);
        let filter = tracing_subscriber::EnvFilter::new(
            "debug,sqlx=warn,sea_orm=info,hyper=info,hyper_util=info,h2=info,tower=info,reqwest=info,rustls=info,jsonrpsee=info",
        );
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(|| Scanner)
            .try_init();
    });
}

/// Adds a secret; the recent logs are searched for it at once.
pub fn register(secret: &str) {
    if secret.len() < 8 {
        return;
    }
    let mut secrets = lock(&SECRETS);
    if secrets.iter().any(|s| s == secret) {
        return;
    }
    secrets.push(secret.to_string());
    drop(secrets);
    let recent = lock(&RECENT);
    if let Some(line) = recent.lines().find(|l| l.contains(secret)) {
        lock(&HITS).push(format!("{secret}: {line}"));
    }
}

/// Panics if any captured log line held a registered secret.
pub fn assert_logs_clean() {
    let hits = lock(&HITS);
    assert!(hits.is_empty(), "secrets in the logs: {hits:#?}");
}

/// Panics if `text` (a response body) holds a registered secret.
#[track_caller]
pub fn assert_no_secret(text: &str) {
    for s in lock(&SECRETS).iter() {
        assert!(!text.contains(s.as_str()), "secret {s:?} in {text}");
    }
}

/// The log writer: each formatted event is searched, then kept in `RECENT`.
struct Scanner;

impl Write for Scanner {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let line = String::from_utf8_lossy(buf);
        LINES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        for s in lock(&SECRETS).iter() {
            if line.contains(s.as_str()) {
                let hits = if s.starts_with("canary-") {
                    &CANARY_HITS
                } else {
                    &HITS
                };
                lock(hits).push(format!("{s}: {line}"));
            }
        }
        let mut recent = lock(&RECENT);
        if recent.len() + line.len() > RECENT_BYTES {
            let cut = recent.len() / 2;
            let cut = (cut..recent.len())
                .find(|i| recent.is_char_boundary(*i))
                .unwrap_or(0);
            recent.drain(..cut);
        }
        recent.push_str(&line);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

both!(secrets_never_reach_logs_or_responses, |app| {
    let admin = app.login("admin", "admin").await;
    // A user with a distinctive password, and an API key for them.
    let password = format!("Pw-{}", uuid::Uuid::new_v4().simple());
    register(&password);
    let internal = app.xmlid("base.group_user").await;
    let uid = admin
        .call(
            "res.users",
            "create",
            json!([{"name": "Secret Keeper", "login": "keeper", "password": password,
                    "groups_id": [[6, 0, [internal]]]}]),
            json!({}),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let session = app.login("keeper", &password).await;
    // Every way a password travels: right and wrong, JSON-RPC and XML-RPC.
    let wrong = format!("Wrong-{}", uuid::Uuid::new_v4().simple());
    register(&wrong);
    let mut bodies = Vec::new();
    for (login, pw) in [
        ("keeper", wrong.as_str()),
        ("keeper", password.as_str()),
        ("nobody", wrong.as_str()),
    ] {
        let env = app
            .jsonrpc("common", "login", json!(["odoo", login, pw]))
            .await;
        bodies.push(env.to_string());
        let env = app
            .rpc(
                "/web/session/authenticate",
                json!({"db": "odoo", "login": login, "password": pw}),
                None,
            )
            .await;
        bodies.push(env.to_string());
    }
    for pw in [password.as_str(), wrong.as_str()] {
        let r = app
            .execute_kw(
                uid,
                pw,
                "res.partner",
                "search_count",
                json!([[]]),
                json!({}),
            )
            .await;
        bodies.push(format!("{r:?}"));
        let xml =
            crate::hardening::xml_execute_kw(&app, uid, pw, "res.users", "read", json!([[uid]]))
                .await;
        bodies.push(xml);
    }
    // Reading the user back: no password, no hash.
    let me = session
        .call("res.users", "read", json!([[uid]]), json!({}))
        .await
        .unwrap();
    let me = me.to_string();
    assert!(!me.contains("pbkdf2"), "{me}");
    bodies.push(me);
    // The Stripe key: set by the admin (who may read it back), never shown to others
    // nor logged, even when Stripe refuses it.
    let stripe_key = format!("sk_test_{}", uuid::Uuid::new_v4().simple());
    register(&stripe_key);
    let providers = admin
        .call(
            "payment.provider",
            "search",
            json!([[["code", "=", "stripe"]]]),
            json!({}),
        )
        .await
        .unwrap();
    admin
        .call(
            "payment.provider",
            "write",
            json!([providers, {"stripe_secret_key": stripe_key}]),
            json!({}),
        )
        .await
        .unwrap();
    let cashier = app.login("cashier", "cashier").await;
    for (who, model, method, args) in [
        (&cashier, "payment.provider", "search_read", json!([[], []])),
        (&cashier, "pos.payment.method", "search_read", json!([[]])),
        (&session, "res.users", "search_read", json!([[]])),
        (
            &admin,
            "pos.payment.method",
            "stripe_connection_token",
            json!([]),
        ),
    ] {
        let r = who.call(model, method, args, json!({})).await;
        bodies.push(format!("{r:?}"));
    }
    for body in &bodies {
        assert_no_secret(body);
    }
    // Logging out and the session ids: never logged.
    for s in [&admin, &cashier, &session] {
        register(&s.session_id);
    }
    assert!(
        LINES.load(std::sync::atomic::Ordering::Relaxed) > 0,
        "no log captured"
    );
    // The scan finds what it looks for: a canary logged on purpose is caught.
    let canary = format!("canary-{}", uuid::Uuid::new_v4().simple());
    register(&canary);
    tracing::warn!(target: "odoo_pos_stripe::canary", "a line holding {canary}");
    assert!(lock(&CANARY_HITS).iter().any(|h| h.contains(&canary)));
    assert_logs_clean();
});
