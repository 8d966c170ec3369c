//! The test harness: `spawn_app(backend)` starts the real server on port 0 against a
//! fresh database (a temporary SQLite file, or a uniquely named PostgreSQL database on
//! the server `OPS_TEST_POSTGRES_URL` names), with the demo data and the Stripe
//! simulator. Typed helpers keep each test a short story:
//!
//! ```ignore
//! both!(a_cashier_reads_the_shop, |app| {
//!     let cashier = app.as_user("cashier").await;              // arrange
//!     let shops = cashier.search_read("pos.config", json!([]), &["name"]).await; // act
//!     assert_eq!(shops[0]["name"], json!("Shop"));              // assert
//! });
//! ```
//!
//! - [`both!`], [`both_with!`] and [`both_backends!`] declare a test twice: `sqlite` and
//!   `postgres`. The PostgreSQL variant is `#[ignore]`d, so that a run without a server
//!   reports it as ignored rather than as a pass; run it with
//!   `OPS_TEST_POSTGRES_URL=... cargo test -- --include-ignored`.
//! - [`Client`] (from [`TestApp::as_user`] or [`TestApp::login`]) is one web session:
//!   `create`, `read`, `search`, `write`, `unlink`, `call`, `expect_error`, ...
//! - [`Sim`] (from [`TestApp::sim`]) steers the Stripe simulator: faults, its request
//!   log, reset.
//! - [`assert_error`] and [`assert_exception`] check an Odoo error object.

pub mod browser;
mod client;
mod sim;

pub use client::{ids_of, Client};
pub use sim::Sim;

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

/// The variable naming the PostgreSQL server the `postgres` variants run against.
pub const POSTGRES_URL_VARIABLE: &str = "OPS_TEST_POSTGRES_URL";

/// The PostgreSQL server the `postgres` variants create their databases on. Those
/// variants are `#[ignore]`d; one run anyway (`--include-ignored`) without the variable
/// fails here, loudly, instead of passing without having run.
pub fn postgres_url() -> String {
    std::env::var(POSTGRES_URL_VARIABLE)
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| {
            panic!(
                "{POSTGRES_URL_VARIABLE} is not set: this PostgreSQL test has no server to run \
                 against. Set it (e.g. {POSTGRES_URL_VARIABLE}=postgres://postgres@127.0.0.1:5432/postgres) \
                 or leave the ignored PostgreSQL tests out (no --include-ignored)."
            )
        })
}

/// Runs a test body with `$backend` bound to SQLite (test `sqlite`) and to PostgreSQL
/// (test `postgres`, ignored unless asked for: it needs `OPS_TEST_POSTGRES_URL`), for
/// tests that start the database or the binary themselves.
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
            #[ignore = "needs OPS_TEST_POSTGRES_URL"]
            async fn postgres() {
                // Fails at once, with the reason, when the server is not configured.
                $crate::helpers::postgres_url();
                let $backend = $crate::helpers::Backend::Postgres;
                $body
            }
        }
    };
}

/// Runs a test body against a fresh server on SQLite and on PostgreSQL (see
/// [`both_backends!`]).
#[macro_export]
macro_rules! both {
    ($name:ident, |$app:ident| $body:block) => {
        $crate::both_backends!($name, |backend| {
            let $app = $crate::helpers::spawn_app(backend).await;
            $body
        });
    };
}

/// [`both!`] with settings tweaked before the server starts.
#[macro_export]
macro_rules! both_with {
    ($name:ident, $tweak:expr, |$app:ident| $body:block) => {
        $crate::both_backends!($name, |backend| {
            let $app = $crate::helpers::spawn_app_with(backend, $tweak).await;
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
                let admin_url = postgres_url();
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
    crate::secrets::capture_logs();
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

    /// The `session_id` the answer's `Set-Cookie` header sets.
    pub fn session_cookie(&self) -> String {
        let header = self
            .headers
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .expect("a Set-Cookie header");
        session_id_of(header)
    }
}

/// The value of `session_id` in a `Set-Cookie` header (`session_id=...; Path=/; ...`).
/// The session id is registered with the secrets scan: it must never reach a log.
pub fn session_id_of(set_cookie: &str) -> String {
    let session_id = set_cookie
        .split(';')
        .next()
        .and_then(|kv| kv.strip_prefix("session_id="))
        .unwrap_or_else(|| panic!("no session_id= in {set_cookie:?}"))
        .to_string();
    crate::secrets::register(&session_id);
    session_id
}

/// A JSON-RPC 2.0 request body around `params`, as Odoo's clients send it.
pub fn jsonrpc_body(params: Value) -> String {
    json!({"jsonrpc": "2.0", "method": "call", "params": params, "id": 7}).to_string()
}

impl TestApp {
    /// POSTs `body` as is to `path`, with `session_id=cookie` when given.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
        cookie: Option<&str>,
    ) -> Raw {
        post_raw(&self.http, &self.base, path, content_type, body, cookie).await
    }

    /// A JSON-RPC call to `path`, in `session`'s web session if any: the whole envelope.
    pub async fn rpc(&self, path: &str, params: Value, session: Option<&Client>) -> Value {
        rpc(
            &self.http,
            &self.base,
            path,
            params,
            session.map(|s| s.session_id.as_str()),
        )
        .await
    }

    /// A service call on `/jsonrpc` (`common.login`, `db.list`, ...): the whole envelope.
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

    /// The raw answer of `/web/session/authenticate` for `login`/`password` on database
    /// `odoo`, presenting `cookie` as the current session when given.
    pub async fn authenticate(&self, login: &str, password: &str, cookie: Option<&str>) -> Raw {
        let body = json!({"jsonrpc": "2.0", "method": "call", "params": {"db": "odoo", "login": login, "password": password}, "id": 1});
        self.post_raw(
            "/web/session/authenticate",
            "application/json",
            body.to_string(),
            cookie,
        )
        .await
    }

    /// Logs `login` in through `/web/session/authenticate`; panics on failure.
    pub async fn login(&self, login: &str, password: &str) -> Client {
        let raw = self.authenticate(login, password, None).await;
        let env = raw.json();
        let uid = env["result"]["uid"]
            .as_i64()
            .unwrap_or_else(|| panic!("login {login} failed: {env}"));
        self.with_cookie(&raw.session_cookie(), uid)
    }

    /// Logs a demo user in: `admin`, `cashier` and `employee` have their login as their
    /// password (as `manager` made by a test may too).
    pub async fn as_user(&self, login: &str) -> Client {
        self.login(login, login).await
    }

    /// A POS manager who is not a system administrator (login and password `manager`):
    /// the person Odoo's POS guide is written for.
    pub async fn pos_manager(&self) -> Client {
        let admin = self.as_user("admin").await;
        let internal = self.xmlid("base.group_user").await;
        let manager = self.xmlid("point_of_sale.group_pos_manager").await;
        admin
            .create(
                "res.users",
                json!({
                    "name": "Manon Manager",
                    "login": "manager",
                    "password": "manager",
                    "groups_id": [[6, 0, [internal, manager]]],
                }),
            )
            .await;
        self.as_user("manager").await
    }

    /// A client presenting `session_id` as its cookie, whether the server knows that
    /// session or not (a forged, destroyed or expired one).
    pub fn with_cookie(&self, session_id: &str, uid: i64) -> Client {
        Client::new(self.http.clone(), self.base.clone(), session_id, uid)
    }

    /// The database id of an external id (`module.name`).
    pub async fn xmlid(&self, xmlid: &str) -> i64 {
        let (module, name) = xmlid.split_once('.').unwrap();
        let admin = self.as_user("admin").await;
        let r = admin
            .call(
                "ir.model.data",
                "check_object_reference",
                json!([module, name]),
                json!({}),
            )
            .await
            .unwrap_or_else(|e| panic!("no external id {xmlid}: {e}"));
        r[1].as_i64().unwrap()
    }

    /// The Stripe simulator of this server.
    pub fn sim(&self) -> Sim {
        Sim::new(self.http.clone(), format!("{}/stripe-sim", self.base))
    }

    /// The SQL dialect of the database behind this server, for the few tests that look at
    /// stored columns directly.
    pub fn db_backend(&self) -> sea_orm::DbBackend {
        match self.backend {
            Backend::Sqlite => sea_orm::DbBackend::Sqlite,
            Backend::Postgres => sea_orm::DbBackend::Postgres,
        }
    }
}

async fn post_raw(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
    cookie: Option<&str>,
) -> Raw {
    let mut request = http
        .post(format!("{base}{path}"))
        .header("Content-Type", content_type)
        .body(body);
    if let Some(cookie) = cookie {
        request = request.header("Cookie", format!("session_id={cookie}"));
    }
    let resp = request.send().await.expect("HTTP request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap_or_default();
    Raw {
        status,
        headers,
        text,
    }
}

/// A JSON-RPC call over HTTP: asserts HTTP 200 and returns the envelope.
async fn rpc(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    params: Value,
    cookie: Option<&str>,
) -> Value {
    let raw = post_raw(
        http,
        base,
        path,
        "application/json",
        jsonrpc_body(params),
        cookie,
    )
    .await;
    assert_eq!(raw.status, 200, "{path}: {}", raw.text);
    raw.json()
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
    assert_exception(err, exception);
    let msg = err["data"]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains(needle),
        "message {msg:?} does not contain {needle:?}"
    );
}

/// Asserts a JSON-RPC envelope is Odoo's "session expired" error (code 100), what a
/// session route answers without a valid session.
#[track_caller]
pub fn assert_session_expired(envelope: &Value) {
    let err = &envelope["error"];
    assert_eq!(err["code"], json!(100), "{envelope}");
    assert_eq!(err["message"], json!("Odoo Session Expired"), "{envelope}");
    assert_eq!(
        err["data"]["name"],
        json!("odoo.http.SessionExpiredException"),
        "{envelope}"
    );
    assert_eq!(
        err["data"]["message"],
        json!("Session expired"),
        "{envelope}"
    );
}

/// Asserts an error object names `exception` (`odoo.exceptions.AccessError`, ...).
#[track_caller]
pub fn assert_exception(err: &Value, exception: &str) {
    assert_eq!(
        err["data"]["name"],
        json!(exception),
        "wrong exception: {err}"
    );
}
