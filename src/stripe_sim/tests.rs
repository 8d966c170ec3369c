//! Unit tests of the simulator, calling `Simulator::handle` directly.
//!
//! Every test goes through a [`Harness`] that records each `/v1` response; `finish()` checks all
//! of them against Stripe's OpenAPI schemas, so the whole suite doubles as a contract test.

use std::sync::Mutex;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde_json::{json, Value};

use super::api::mask_key;
use super::params::parse_form;
use super::{contract, FaultKind, SimConfig, SimReaderSeed, Simulator};

mod auth;
mod contract_checker;
mod faults;
mod form_properties;
mod idempotency;
mod limits;
mod not_found;
mod overcapture;
mod parameters;
mod payments;
mod refunds;
mod safety;
mod server;
mod shapes;
mod terminal;

const KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
const ODOO_VERSION: &str = "2019-05-16";
const SEED_SERIAL: &str = "WSC513105011295";

/// One response, parsed.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    fn error(&self) -> &Value {
        &self.body["error"]
    }

    #[track_caller]
    fn ok(self) -> Value {
        assert_eq!(
            self.status, 200,
            "expected 200, got {}: {}",
            self.status, self.body
        );
        self.body
    }

    /// Asserts an error status and code, returning the error object.
    #[track_caller]
    fn expect_error(&self, status: u16, code: Option<&str>) -> &Value {
        assert_eq!(self.status, status, "unexpected status: {}", self.body);
        assert_eq!(
            self.error()["code"].as_str(),
            code,
            "unexpected code: {}",
            self.body
        );
        self.error()
    }
}

/// A simulator plus the key and version a client would send, recording every API response.
struct Harness {
    simulator: Simulator,
    key: String,
    version: Option<&'static str>,
    recorded: Mutex<Vec<(Method, String, u16, Value)>>,
}

impl Harness {
    fn new() -> Harness {
        Harness::with_config(SimConfig::default())
    }

    fn with_config(config: SimConfig) -> Harness {
        Harness {
            simulator: Simulator::new(config),
            key: KEY.to_string(),
            version: None,
            recorded: Mutex::new(Vec::new()),
        }
    }

    /// Pins `Stripe-Version` the way Odoo does.
    fn odoo() -> Harness {
        Harness {
            version: Some(ODOO_VERSION),
            ..Harness::new()
        }
    }

    /// Sends a request. `extra` headers are added after the defaults; an empty value removes
    /// the header instead.
    async fn send(
        &self,
        method: Method,
        target: &str,
        body: &str,
        extra: &[(&str, &str)],
    ) -> Reply {
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {}", self.key)).unwrap(),
        );
        if let Some(version) = self.version {
            headers.insert("stripe-version", HeaderValue::from_static(version));
        }
        for (name, value) in extra {
            let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
            if value.is_empty() {
                headers.remove(&name);
            } else {
                headers.insert(name, HeaderValue::from_str(value).unwrap());
            }
        }
        let response = self
            .simulator
            .handle(
                &method,
                path,
                query,
                &headers,
                Bytes::from(body.to_string()),
            )
            .await;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body: Value = serde_json::from_str(response.body()).expect("responses are JSON");
        if path.starts_with("/v1/") {
            self.recorded
                .lock()
                .unwrap()
                .push((method, path.to_string(), status, body.clone()));
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn post(&self, path: &str, body: &str) -> Reply {
        self.send(Method::POST, path, body, &[]).await
    }

    async fn post_with(&self, path: &str, body: &str, headers: &[(&str, &str)]) -> Reply {
        self.send(Method::POST, path, body, headers).await
    }

    async fn get(&self, target: &str) -> Reply {
        self.send(Method::GET, target, "", &[]).await
    }

    async fn seeded_reader(&self) -> String {
        let list = self
            .get(&format!("/v1/terminal/readers?serial_number={SEED_SERIAL}"))
            .await
            .ok();
        list["data"][0]["id"].as_str().unwrap().to_string()
    }

    async fn create_intent(&self, body: &str) -> Value {
        self.post("/v1/payment_intents", body).await.ok()
    }

    /// Creates an intent, has the seeded reader process it and presents a card: the reader.
    async fn pay(&self, create: &str, present: &str) -> (String, Value) {
        let pi = self.create_intent(create).await;
        let pi_id = pi["id"].as_str().unwrap().to_string();
        let reader = self.seeded_reader().await;
        self.post(
            &format!("/v1/terminal/readers/{reader}/process_payment_intent"),
            &format!("payment_intent={pi_id}"),
        )
        .await
        .ok();
        let reader = self
            .post(
                &format!("/v1/test_helpers/terminal/readers/{reader}/present_payment_method"),
                present,
            )
            .await
            .ok();
        (pi_id, reader)
    }

    async fn intent(&self, id: &str) -> Value {
        self.get(&format!("/v1/payment_intents/{id}")).await.ok()
    }

    /// Checks every recorded response against the OpenAPI schemas. Errors from URLs the API does
    /// not have are checked against `error`, and `GET /v1/account` (absent from the subset's
    /// paths) against `account`. One deviation is tolerated: the S700 is newer than the
    /// 2023-08-16 schema's `device_type` enum.
    fn finish(&self) {
        let contract = contract::shared();
        for (method, path, status, body) in self.recorded.lock().unwrap().iter() {
            let result = match contract.response_schema(method.as_str(), path, *status) {
                Some(_) => contract.validate_response(method.as_str(), path, *status, body),
                None if *status >= 400 => contract.validate("error", body),
                None if path == "/v1/account" => contract.validate("account", body),
                None => Err(vec![format!("no schema for {method} {path}")]),
            };
            let errors: Vec<String> = result
                .err()
                .unwrap_or_default()
                .into_iter()
                .filter(|error| !error.contains("device_type: \"stripe_s700\" is not one of"))
                .collect();
            if !errors.is_empty() {
                panic!(
                    "{method} {path} ({status}) breaks the contract:\n{}\n{body:#}",
                    errors.join("\n")
                );
            }
        }
    }
}

const ODOO_CREATE: &str =
    "currency=USD&amount=1250&payment_method_types[]=card_present&capture_method=manual";

impl Harness {
    async fn get_log(&self) -> Vec<Value> {
        let reply = self.send(Method::GET, "/_sim/requests", "", &[]).await;
        reply.body["data"].as_array().unwrap().clone()
    }
}

async fn raw_http(address: std::net::SocketAddr, request: &str) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}
