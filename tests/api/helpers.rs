//! The test harness: `spawn_app(backend)` starts the real server on port 0 against a
//! fresh database (a temporary SQLite file, or a uniquely named PostgreSQL database
//! when `OPS_TEST_POSTGRES_URL` is set), with the demo data and the Stripe simulator,
//! and typed helpers that speak Odoo's JSON-RPC over real HTTP.

use std::path::PathBuf;
use std::sync::Arc;

use odoo_pos_stripe::services::Services;
use odoo_pos_stripe::settings::Settings;
use odoo_pos_stripe::startup::Application;
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the PostgreSQL tests create their databases; unset means SQLite only.
pub fn postgres_url() -> Option<String> {
    std::env::var("OPS_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// Runs a test body with `$backend` bound to SQLite, and again to PostgreSQL when it is
/// configured (for tests that start the database or the binary themselves).
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$backend:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $backend = $crate::helpers::Backend::Sqlite;
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::helpers::postgres_url().is_none() {
                    eprintln!("OPS_TEST_POSTGRES_URL is not set: this PostgreSQL run has nothing to run against");
                    return;
                }
                let $backend = $crate::helpers::Backend::Postgres;
                $body
            }
        }
    };
}

/// Runs a test body against a fresh server on SQLite, and on PostgreSQL when it is
/// configured.
#[macro_export]
macro_rules! both {
    ($name:ident, |$app:ident| $body:block) => {
        $crate::both_backends!($name, |backend| {
            let $app = $crate::helpers::spawn_app(backend).await;
            $body
        });
    };
}

enum Store {
    SqliteFile(PathBuf),
    Postgres { admin_url: String, name: String },
}

/// A fresh, empty database for one test: a temporary SQLite file, or a uniquely named
/// PostgreSQL database. Dropped (file removed, database dropped) with the value.
pub struct TempDb {
    pub url: String,
    store: Store,
}

impl TempDb {
    pub async fn new(backend: Backend) -> TempDb {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("ops-test-{unique}.sqlite"));
                TempDb {
                    url: format!("sqlite://{}", path.display()),
                    store: Store::SqliteFile(path),
                }
            }
            Backend::Postgres => {
                let admin_url = postgres_url().expect("OPS_TEST_POSTGRES_URL");
                let name = format!("ops_test_{unique}");
                {
                    use sea_orm::ConnectionTrait;
                    let db = sea_orm::Database::connect(&admin_url)
                        .await
                        .expect("connecting to PostgreSQL");
                    db.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                        .await
                        .expect("creating the test database");
                }
                let (prefix, _) = admin_url
                    .rsplit_once('/')
                    .expect("a database URL with a database name");
                TempDb {
                    url: format!("{prefix}/{name}"),
                    store: Store::Postgres { admin_url, name },
                }
            }
        }
    }
}

pub struct TestApp {
    pub addr: std::net::SocketAddr,
    pub backend: Backend,
    pub base: String,
    pub http: reqwest::Client,
    pub services: Arc<Services>,
    _app: Application,
    // Last: the server lets go of the database before it is dropped.
    _db: Option<TempDb>,
}

impl Drop for TempDb {
    fn drop(&mut self) {
        match &self.store {
            Store::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{}", path.display(), suffix));
                }
            }
            Store::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async move {
                        use sea_orm::ConnectionTrait;
                        if let Ok(db) = sea_orm::Database::connect(&admin_url).await {
                            let _ = db
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                                ))
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Settings every test starts from: port 0, demo data, simulator, cheap password hashes.
pub fn test_settings() -> Settings {
    Settings {
        listen: "127.0.0.1:0".into(),
        demo: true,
        password_rounds: 1000,
        stripe_initial_backoff_ms: 5,
        stripe_timeout: 10,
        log: "warn".into(),
        ..Settings::default()
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(backend: Backend, tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let db = TempDb::new(backend).await;
    let mut app = spawn_app_on(&db.url, tweak).await;
    app._db = Some(db);
    app
}

/// Another server process on an existing database (`url`), as a second worker of the
/// same deployment would be.
pub async fn spawn_app_on(url: &str, tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = test_settings();
    settings.database_url = url.to_string();
    tweak(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("starting the server");
    TestApp {
        addr: app.addr,
        backend: if url.starts_with("sqlite") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        },
        base: format!("http://{}", app.addr),
        http: reqwest::Client::builder().build().unwrap(),
        services: app.services.clone(),
        _app: app,
        _db: None,
    }
}

/// A raw HTTP answer.
pub struct Raw {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Raw {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

/// A logged-in web session (cookie `session_id`).
#[derive(Clone, Debug)]
pub struct WebSession {
    pub session_id: String,
    pub uid: i64,
}

impl TestApp {
    /// POSTs `body` as is to `path`.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
        cookie: Option<&str>,
    ) -> Raw {
        let mut rb = self
            .http
            .post(format!("{}{}", self.base, path))
            .header("Content-Type", content_type)
            .body(body);
        if let Some(c) = cookie {
            rb = rb.header("Cookie", format!("session_id={c}"));
        }
        let resp = rb.send().await.expect("HTTP request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        Raw {
            status,
            headers,
            text,
        }
    }

    /// A JSON-RPC call: returns the whole envelope.
    pub async fn rpc(&self, path: &str, params: Value, session: Option<&WebSession>) -> Value {
        let body = json!({"jsonrpc": "2.0", "method": "call", "params": params, "id": 7});
        let raw = self
            .post_raw(
                path,
                "application/json",
                body.to_string(),
                session.map(|s| s.session_id.as_str()),
            )
            .await;
        assert_eq!(raw.status, 200, "{path}: {}", raw.text);
        raw.json()
    }

    pub async fn jsonrpc(&self, service: &str, method: &str, args: Value) -> Value {
        self.rpc(
            "/jsonrpc",
            json!({"service": service, "method": method, "args": args}),
            None,
        )
        .await
    }

    /// `object.execute_kw` with a password; `Ok(result)` or `Err(error object)`.
    pub async fn execute_kw(
        &self,
        uid: i64,
        password: &str,
        model: &str,
        method: &str,
        args: Value,
        kwargs: Value,
    ) -> Result<Value, Value> {
        let env = self
            .jsonrpc(
                "object",
                "execute_kw",
                json!(["odoo", uid, password, model, method, args, kwargs]),
            )
            .await;
        split(env)
    }

    /// `/web/session/authenticate`; panics on failure.
    pub async fn login(&self, login: &str, password: &str) -> WebSession {
        let body = json!({"jsonrpc": "2.0", "method": "call", "params": {"db": "odoo", "login": login, "password": password}, "id": 1});
        let raw = self
            .post_raw(
                "/web/session/authenticate",
                "application/json",
                body.to_string(),
                None,
            )
            .await;
        let env = raw.json();
        let uid = env["result"]["uid"]
            .as_i64()
            .unwrap_or_else(|| panic!("login {login} failed: {env}"));
        let cookie = raw
            .headers
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .expect("a session cookie")
            .to_string();
        let session_id = cookie
            .split(';')
            .next()
            .and_then(|kv| kv.strip_prefix("session_id="))
            .expect("session_id=")
            .to_string();
        WebSession { session_id, uid }
    }

    /// `/web/dataset/call_kw` in a session; `Ok(result)` or `Err(error object)`.
    pub async fn call_kw(
        &self,
        session: &WebSession,
        model: &str,
        method: &str,
        args: Value,
        kwargs: Value,
    ) -> Result<Value, Value> {
        let env = self
            .rpc(
                &format!("/web/dataset/call_kw/{model}/{method}"),
                json!({"model": model, "method": method, "args": args, "kwargs": kwargs}),
                Some(session),
            )
            .await;
        split(env)
    }

    /// The database id of an external id.
    pub async fn xmlid(&self, xmlid: &str) -> i64 {
        let (module, name) = xmlid.split_once('.').unwrap();
        let admin = self.login("admin", "admin").await;
        let r = self
            .call_kw(
                &admin,
                "ir.model.data",
                "check_object_reference",
                json!([module, name]),
                json!({}),
            )
            .await
            .expect("xmlid");
        r[1].as_i64().unwrap()
    }

    /// The Stripe simulator's state counters.
    pub async fn sim_state(&self) -> Value {
        self.http
            .get(format!("{}/stripe-sim/_sim/state", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// Splits an envelope into its result or its error.
pub fn split(envelope: Value) -> Result<Value, Value> {
    if let Some(e) = envelope.get("error") {
        return Err(e.clone());
    }
    Ok(envelope.get("result").cloned().unwrap_or(Value::Null))
}

/// Asserts an error object names `exception` and its message contains `needle`.
#[track_caller]
pub fn assert_error(err: &Value, exception: &str, needle: &str) {
    assert_eq!(
        err["data"]["name"],
        json!(exception),
        "wrong exception: {err}"
    );
    let msg = err["data"]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains(needle),
        "message {msg:?} does not contain {needle:?}"
    );
}
