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

mod form_properties;
mod limits;
mod overcapture;
mod safety;

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

// ---------------------------------------------------------------------------------------------
// Authentication, headers, versions.

#[tokio::test]
async fn requests_without_a_key_get_401() {
    let harness = Harness::new();
    let reply = harness
        .send(
            Method::GET,
            "/v1/payment_intents/pi_x",
            "",
            &[("authorization", "")],
        )
        .await;
    let error = reply.expect_error(401, None);
    assert_eq!(error["type"], "invalid_request_error");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("You did not provide an API key."));
    harness.finish();
}

#[tokio::test]
async fn bad_live_and_unaccepted_keys_get_401_with_a_masked_key() {
    let config = SimConfig {
        accepted_keys: vec![KEY.to_string()],
        ..SimConfig::default()
    };
    let harness = Harness::with_config(config);
    for (header, shown) in [
        ("Bearer sk_live_51Habcdefghijklmnwxyz", "sk_live_****wxyz"),
        (
            "Bearer sk_test_otherkeythatisnotaccepted",
            "sk_test_****pted",
        ),
        ("Bearer pk_test_publishablekey1234", "pk_test_****1234"),
    ] {
        let reply = harness
            .send(Method::GET, "/v1/account", "", &[("authorization", header)])
            .await;
        let error = reply.expect_error(401, None);
        assert_eq!(
            error["message"],
            format!("Invalid API Key provided: {shown}"),
            "for {header}"
        );
    }
    harness.get("/v1/account").await.ok();
    harness.finish();
}

#[tokio::test]
async fn bearer_and_basic_auth_both_work() {
    use base64::Engine as _;
    let harness = Harness::new();
    harness.get("/v1/account").await.ok();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{KEY}:"))
    );
    let reply = harness
        .send(Method::GET, "/v1/account", "", &[("authorization", &basic)])
        .await;
    let account = reply.ok();
    assert_eq!(account["object"], "account");
    assert_eq!(
        account["settings"]["dashboard"]["display_name"],
        "Demo Account"
    );
    assert_eq!(account["business_profile"]["name"], "Demo Account");
    assert!(account["id"].as_str().unwrap().starts_with("acct_"));
    let log = harness.get_log().await;
    let schemes: Vec<&str> = log
        .iter()
        .map(|entry| entry["authorization"].as_str().unwrap())
        .collect();
    assert_eq!(schemes, ["bearer", "basic"]);
    assert!(
        !Value::Array(log).to_string().contains(KEY),
        "the log must never hold the key"
    );
    harness.finish();
}

impl Harness {
    async fn get_log(&self) -> Vec<Value> {
        let reply = self.send(Method::GET, "/_sim/requests", "", &[]).await;
        reply.body["data"].as_array().unwrap().clone()
    }
}

#[tokio::test]
async fn every_response_has_a_request_id_and_json_content_type() {
    let harness = Harness::new();
    for reply in [
        harness.get("/v1/account").await,
        harness.get("/v1/nothing_here").await,
        harness
            .send(Method::GET, "/v1/account", "", &[("authorization", "")])
            .await,
    ] {
        let id = reply.header("request-id").unwrap();
        assert!(id.starts_with("req_") && id.len() == 18, "{id}");
        assert!(id[4..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(reply.header("content-type"), Some("application/json"));
    }
    harness.finish();
}

#[tokio::test]
async fn a_malformed_stripe_version_is_refused() {
    let harness = Harness::new();
    let reply = harness
        .send(
            Method::GET,
            "/v1/account",
            "",
            &[("stripe-version", "latest")],
        )
        .await;
    reply.expect_error(400, None);
    let reply = harness
        .send(
            Method::GET,
            "/v1/account",
            "",
            &[("stripe-version", "2024-09-30.acacia")],
        )
        .await;
    assert_eq!(reply.header("stripe-version"), Some("2024-09-30.acacia"));
    reply.ok();
    harness.finish();
}

// ---------------------------------------------------------------------------------------------
// Parameters.

#[test]
fn bracketed_forms_parse_into_nested_values() {
    let parsed = parse_form(
        b"a[]=x&a[]=y&b[c][d]=v&metadata[order]=42&expand[]=latest_charge&plain=hello+world&pct=%2Fx",
    )
    .unwrap();
    assert_eq!(
        Value::Object(parsed),
        json!({
            "a": ["x", "y"],
            "b": { "c": { "d": "v" } },
            "metadata": { "order": "42" },
            "expand": ["latest_charge"],
            "plain": "hello world",
            "pct": "/x",
        })
    );
    let parsed = parse_form(b"items[][name]=a&items[][size]=1&items[][name]=b").unwrap();
    assert_eq!(
        Value::Object(parsed),
        json!({ "items": [{ "name": "a", "size": "1" }, { "name": "b" }] })
    );
    let error = parse_form(b"amount=1&amount[x]=2").unwrap_err();
    assert_eq!(error.status, 400);
    assert_eq!(error.param.as_deref(), Some("amount[x]"));
    // An unclosed bracket keeps the whole key, to be reported as unknown.
    let parsed = parse_form(b"a[b=1").unwrap();
    assert!(parsed.contains_key("a[b"));
}

#[test]
fn keys_are_masked_to_their_prefix_and_last_four() {
    assert_eq!(
        mask_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
        "sk_test_****p7dc"
    );
    assert_eq!(mask_key("short"), "****");
}

#[tokio::test]
async fn unknown_wrongly_typed_and_missing_parameters_are_400s() {
    let harness = Harness::new();
    let reply = harness
        .post("/v1/payment_intents", "amount=100&currency=usd&colour=blue")
        .await;
    let error = reply.expect_error(400, Some("parameter_unknown"));
    assert_eq!(error["param"], "colour");
    assert_eq!(error["message"], "Received unknown parameter: colour");

    let reply = harness
        .post(
            "/v1/payment_intents",
            "amount=100&currency=usd&payment_method_types[]=card_present&payment_method_options[card_present][tip]=1",
        )
        .await;
    let error = reply.expect_error(400, Some("parameter_unknown"));
    assert_eq!(error["param"], "payment_method_options[card_present][tip]");

    let reply = harness
        .post("/v1/payment_intents", "amount=12.5&currency=usd")
        .await;
    let error = reply.expect_error(400, Some("parameter_invalid_integer"));
    assert_eq!(error["param"], "amount");

    let reply = harness
        .post("/v1/payment_intents", "amount=-5&currency=usd")
        .await;
    reply.expect_error(400, Some("parameter_invalid_integer"));

    let reply = harness.post("/v1/payment_intents", "amount=100").await;
    let error = reply.expect_error(400, Some("parameter_missing"));
    assert_eq!(error["param"], "currency");

    let reply = harness
        .post("/v1/payment_intents", "currency=usd&amount=")
        .await;
    let error = reply.expect_error(400, Some("parameter_missing"));
    assert_eq!(error["param"], "amount");

    let reply = harness
        .post(
            "/v1/payment_intents",
            "amount=100&currency=usd&capture_method=later",
        )
        .await;
    let error = reply.expect_error(400, None);
    assert_eq!(error["param"], "capture_method");

    let reply = harness
        .post(
            "/v1/payment_intents",
            "amount=100&currency=usd&payment_method_types[]=bitcoin",
        )
        .await;
    assert_eq!(
        reply.expect_error(400, None)["param"],
        "payment_method_types"
    );

    let reply = harness
        .post(
            "/v1/payment_intents",
            "amount=100&currency=usd&expand[]=customer",
        )
        .await;
    assert_eq!(reply.expect_error(400, None)["param"], "expand");

    let reply = harness.get("/v1/terminal/readers?limit=1000").await;
    reply.expect_error(400, Some("parameter_invalid_integer"));

    assert_eq!(harness.simulator.payment_intent_count(), 0);
    harness.finish();
}

// ---------------------------------------------------------------------------------------------
// The card-present life cycle.

#[tokio::test]
async fn odoo_manual_capture_flow_embeds_charges_under_2019_05_16() {
    let harness = Harness::odoo();
    let pi = harness.create_intent(ODOO_CREATE).await;
    assert_eq!(pi["status"], "requires_payment_method");
    assert_eq!(pi["currency"], "usd");
    assert_eq!(pi["amount"], 1250);
    assert_eq!(pi["capture_method"], "manual");
    assert_eq!(pi["payment_method_types"], json!(["card_present"]));
    assert_eq!(
        pi["payment_method_options"]["card_present"],
        json!({ "request_extended_authorization": false, "request_incremental_authorization_support": false })
    );
    let id = pi["id"].as_str().unwrap().to_string();
    assert!(pi["client_secret"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{id}_secret_")));
    assert_eq!(pi["charges"]["data"], json!([]));
    assert_eq!(
        pi["charges"]["url"],
        format!("/v1/charges?payment_intent={id}")
    );
    assert_eq!(pi["latest_charge"], Value::Null);

    let reader = harness.seeded_reader().await;
    let processing = harness
        .post(
            &format!("/v1/terminal/readers/{reader}/process_payment_intent"),
            &format!("payment_intent={id}"),
        )
        .await
        .ok();
    assert_eq!(processing["action"]["type"], "process_payment_intent");
    assert_eq!(processing["action"]["status"], "in_progress");
    assert_eq!(
        processing["action"]["process_payment_intent"]["payment_intent"],
        id.as_str()
    );
    // Stripe leaves the intent alone until a card is presented.
    assert_eq!(
        harness.intent(&id).await["status"],
        "requires_payment_method"
    );

    let presented = harness
        .post(
            &format!("/v1/test_helpers/terminal/readers/{reader}/present_payment_method"),
            "",
        )
        .await
        .ok();
    assert_eq!(presented["action"]["status"], "succeeded");

    let authorized = harness.intent(&id).await;
    assert_eq!(authorized["status"], "requires_capture");
    assert_eq!(authorized["amount_capturable"], 1250);
    assert!(authorized["payment_method"]
        .as_str()
        .unwrap()
        .starts_with("pm_"));
    let charge = &authorized["charges"]["data"][0];
    assert_eq!(authorized["charges"]["total_count"], 1);
    assert_eq!(authorized["latest_charge"], charge["id"]);
    assert_eq!(charge["captured"], false);
    assert_eq!(charge["paid"], true);
    assert_eq!(charge["status"], "succeeded");
    let details = &charge["payment_method_details"];
    assert_eq!(details["type"], "card_present");
    assert_eq!(details["card_present"]["brand"], "visa");
    assert_eq!(details["card_present"]["last4"], "4242");
    assert_eq!(details["card_present"]["read_method"], "contact_emv");

    let captured = harness
        .post(&format!("/v1/payment_intents/{id}/capture"), "")
        .await
        .ok();
    assert_eq!(captured["status"], "succeeded");
    assert_eq!(captured["amount_received"], 1250);
    assert_eq!(captured["amount_capturable"], 0);
    let charge = &captured["charges"]["data"][0];
    assert_eq!(charge["captured"], true);
    assert_eq!(charge["amount_captured"], 1250);
    assert_eq!(
        charge["payment_method_details"]["card_present"]["brand"],
        "visa"
    );
    assert_eq!(harness.simulator.payment_intent_count(), 1);
    harness.finish();
}

#[tokio::test]
async fn charges_are_absent_from_2023_08_16_and_latest_charge_expands() {
    let harness = Harness::new();
    let (id, _) = harness.pay(ODOO_CREATE, "").await;
    let pi = harness.intent(&id).await;
    assert!(pi.get("charges").is_none());
    let charge_id = pi["latest_charge"].as_str().unwrap().to_string();
    assert!(charge_id.starts_with("ch_"));

    let expanded = harness
        .get(&format!(
            "/v1/payment_intents/{id}?expand[]=latest_charge&expand[]=payment_method"
        ))
        .await
        .ok();
    assert_eq!(expanded["latest_charge"]["id"], charge_id.as_str());
    assert_eq!(expanded["latest_charge"]["payment_intent"], id.as_str());
    assert_eq!(expanded["payment_method"]["type"], "card_present");

    let charge = harness
        .get(&format!("/v1/charges/{charge_id}?expand[]=payment_intent"))
        .await
        .ok();
    assert_eq!(charge["payment_intent"]["id"], id.as_str());
    harness.finish();
}

#[tokio::test]
async fn automatic_capture_succeeds_on_presentment_with_the_card_brand() {
    let harness = Harness::new();
    let (id, _) = harness
        .pay(
            "amount=2000&currency=eur&payment_method_types[]=card_present",
            "card_present[number]=5555555555554444",
        )
        .await;
    let pi = harness
        .get(&format!("/v1/payment_intents/{id}?expand[]=latest_charge"))
        .await
        .ok();
    assert_eq!(pi["status"], "succeeded");
    assert_eq!(pi["amount_received"], 2000);
    let card = &pi["latest_charge"]["payment_method_details"]["card_present"];
    assert_eq!(card["brand"], "mastercard");
    assert_eq!(card["last4"], "4444");
    assert_eq!(pi["latest_charge"]["captured"], true);
    for (number, brand) in [
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
    ] {
        let (id, _) = harness
            .pay(
                "amount=2000&currency=usd&payment_method_types[]=card_present",
                &format!("card_present[number]={number}"),
            )
            .await;
        let pi = harness
            .get(&format!("/v1/payment_intents/{id}?expand[]=latest_charge"))
            .await
            .ok();
        assert_eq!(
            pi["latest_charge"]["payment_method_details"]["card_present"]["brand"],
            brand
        );
    }
    harness.finish();
}

#[tokio::test]
async fn a_declined_card_fails_the_action_and_the_intent_can_be_retried() {
    let harness = Harness::odoo();
    let (id, reader) = harness
        .pay(ODOO_CREATE, "card_present[number]=4000000000000002")
        .await;
    assert_eq!(reader["action"]["status"], "failed");
    assert_eq!(reader["action"]["failure_code"], "card_declined");
    assert_eq!(
        reader["action"]["failure_message"],
        "Your card was declined."
    );

    let pi = harness.intent(&id).await;
    assert_eq!(pi["status"], "requires_payment_method");
    assert_eq!(pi["payment_method"], Value::Null);
    let error = &pi["last_payment_error"];
    assert_eq!(error["type"], "card_error");
    assert_eq!(error["code"], "card_declined");
    assert_eq!(error["decline_code"], "generic_decline");
    assert_eq!(error["charge"], pi["latest_charge"]);
    assert_eq!(error["payment_method"]["object"], "payment_method");
    assert_eq!(pi["charges"]["data"][0]["status"], "failed");
    assert_eq!(pi["charges"]["data"][0]["paid"], false);

    // The same intent goes through on a second attempt.
    let reader_id = reader["id"].as_str().unwrap();
    harness
        .post(
            &format!("/v1/terminal/readers/{reader_id}/process_payment_intent"),
            &format!("payment_intent={id}"),
        )
        .await
        .ok();
    harness
        .post(
            &format!("/v1/test_helpers/terminal/readers/{reader_id}/present_payment_method"),
            "",
        )
        .await
        .ok();
    let pi = harness.intent(&id).await;
    assert_eq!(pi["status"], "requires_capture");
    assert_eq!(pi["last_payment_error"], Value::Null);
    assert_eq!(pi["charges"]["data"].as_array().unwrap().len(), 1);
    assert_eq!(pi["charges"]["data"][0]["status"], "succeeded");

    let (id, _) = harness
        .pay(ODOO_CREATE, "card_present[number]=4000000000009995")
        .await;
    assert_eq!(
        harness.intent(&id).await["last_payment_error"]["decline_code"],
        "insufficient_funds"
    );
    harness.finish();
}

#[tokio::test]
async fn test_amounts_choose_the_decline() {
    let harness = Harness::new();
    for (amount, decline_code) in [
        (1001, "call_issuer"),
        (1005, "generic_decline"),
        (1055, "incorrect_pin"),
        (1065, "withdrawal_count_limit_exceeded"),
        (1075, "pin_try_exceeded"),
    ] {
        let (id, reader) = harness
            .pay(
                &format!("amount={amount}&currency=usd&payment_method_types[]=card_present&capture_method=manual"),
                "",
            )
            .await;
        assert_eq!(reader["action"]["status"], "failed", "amount {amount}");
        let pi = harness.intent(&id).await;
        assert_eq!(pi["status"], "requires_payment_method");
        assert_eq!(
            pi["last_payment_error"]["decline_code"], decline_code,
            "amount {amount}"
        );
    }
    harness.finish();
}

#[tokio::test]
async fn interac_is_single_message_and_cannot_be_captured() {
    let harness = Harness::odoo();
    let (id, reader) = harness
        .pay(
            "currency=CAD&amount=1250&payment_method_types[]=card_present&payment_method_types[]=interac_present&capture_method=manual",
            "type=interac_present",
        )
        .await;
    assert_eq!(reader["action"]["status"], "succeeded");
    let pi = harness.intent(&id).await;
    assert_eq!(pi["status"], "succeeded");
    assert_eq!(pi["amount_received"], 1250);
    assert_eq!(pi["amount_capturable"], 0);
    let charge = &pi["charges"]["data"][0];
    assert_eq!(charge["captured"], true);
    assert_eq!(charge["payment_method_details"]["type"], "interac_present");
    assert_eq!(
        charge["payment_method_details"]["interac_present"]["brand"],
        "interac"
    );
    assert_eq!(
        charge["payment_method_details"]["interac_present"]["last4"],
        "1933"
    );

    let reply = harness
        .post(&format!("/v1/payment_intents/{id}/capture"), "")
        .await;
    reply.expect_error(400, Some("payment_intent_unexpected_state"));

    // Interac needs interac_present among the intent's payment method types.
    let pi = harness
        .create_intent("currency=usd&amount=1250&payment_method_types[]=card_present")
        .await;
    let reader = harness.seeded_reader().await;
    harness
        .post(
            &format!("/v1/terminal/readers/{reader}/process_payment_intent"),
            &format!("payment_intent={}", pi["id"].as_str().unwrap()),
        )
        .await
        .ok();
    let reply = harness
        .post(
            &format!("/v1/test_helpers/terminal/readers/{reader}/present_payment_method"),
            "type=interac_present",
        )
        .await;
    assert_eq!(reply.expect_error(400, None)["param"], "type");
    harness.finish();
}

#[tokio::test]
async fn capturing_in_the_wrong_state_is_payment_intent_unexpected_state() {
    let harness = Harness::new();
    let pi = harness.create_intent(ODOO_CREATE).await;
    let id = pi["id"].as_str().unwrap();
    let reply = harness
        .post(&format!("/v1/payment_intents/{id}/capture"), "")
        .await;
    let error = reply.expect_error(400, Some("payment_intent_unexpected_state"));
    assert_eq!(
        error["message"],
        "This PaymentIntent could not be captured because it has a status of requires_payment_method. Only a PaymentIntent with one of the following statuses may be captured: requires_capture."
    );
    assert_eq!(error["payment_intent"]["id"], id);
    assert_eq!(error["type"], "invalid_request_error");
    harness.finish();
}

#[tokio::test]
async fn capture_amounts_are_bounded_by_the_capturable_amount_and_tips_raise_it() {
    let harness = Harness::new();
    let (id, _) = harness.pay(ODOO_CREATE, "").await;
    // A Visa in USD may be over-captured for a tip up to 1250 + 50 USD (issue 8 item 22):
    // one cent beyond that is refused.
    let reply = harness
        .post(
            &format!("/v1/payment_intents/{id}/capture"),
            "amount_to_capture=6251",
        )
        .await;
    let error = reply.expect_error(400, Some("amount_too_large"));
    assert_eq!(error["param"], "amount_to_capture");
    assert_eq!(harness.intent(&id).await["status"], "requires_capture");

    let partial = harness
        .post(
            &format!("/v1/payment_intents/{id}/capture"),
            "amount_to_capture=1000",
        )
        .await
        .ok();
    assert_eq!(partial["status"], "succeeded");
    assert_eq!(partial["amount_received"], 1000);

    // A tip added on the reader raises the authorized amount.
    let (id, _) = harness.pay(ODOO_CREATE, "amount_tip=200").await;
    let pi = harness.intent(&id).await;
    assert_eq!(pi["amount"], 1450);
    assert_eq!(pi["amount_capturable"], 1450);
    assert_eq!(pi["amount_details"]["tip"]["amount"], 200);
    let captured = harness
        .post(
            &format!("/v1/payment_intents/{id}/capture"),
            "amount_to_capture=1450",
        )
        .await
        .ok();
    assert_eq!(captured["amount_received"], 1450);
    harness.finish();
}

#[tokio::test]
async fn cancel_follows_the_status_rules() {
    let harness = Harness::odoo();
    let pi = harness.create_intent(ODOO_CREATE).await;
    let id = pi["id"].as_str().unwrap();
    let reply = harness
        .post(
            &format!("/v1/payment_intents/{id}/cancel"),
            "cancellation_reason=bored",
        )
        .await;
    assert_eq!(
        reply.expect_error(400, None)["param"],
        "cancellation_reason"
    );

    let canceled = harness
        .post(
            &format!("/v1/payment_intents/{id}/cancel"),
            "cancellation_reason=requested_by_customer",
        )
        .await
        .ok();
    assert_eq!(canceled["status"], "canceled");
    assert_eq!(canceled["cancellation_reason"], "requested_by_customer");
    assert!(canceled["canceled_at"].as_i64().unwrap() > 0);
    let reply = harness
        .post(&format!("/v1/payment_intents/{id}/cancel"), "")
        .await;
    let error = reply.expect_error(400, Some("payment_intent_unexpected_state"));
    assert_eq!(error["payment_intent"]["status"], "canceled");

    // Canceling an authorization releases the hold on its charge.
    let (id, _) = harness.pay(ODOO_CREATE, "").await;
    let canceled = harness
        .post(&format!("/v1/payment_intents/{id}/cancel"), "")
        .await
        .ok();
    assert_eq!(canceled["status"], "canceled");
    assert_eq!(canceled["amount_capturable"], 0);
    assert_eq!(canceled["cancellation_reason"], Value::Null);
    assert_eq!(canceled["charges"]["data"][0]["refunded"], true);

    let (id, _) = harness
        .pay(
            "amount=500&currency=usd&payment_method_types[]=card_present",
            "",
        )
        .await;
    let reply = harness
        .post(&format!("/v1/payment_intents/{id}/cancel"), "")
        .await;
    let error = reply.expect_error(400, Some("payment_intent_unexpected_state"));
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("status of succeeded"));
    harness.finish();
}

#[tokio::test]
async fn payment_intents_update_while_they_wait_for_a_payment_method() {
    let harness = Harness::new();
    let pi = harness.create_intent(ODOO_CREATE).await;
    let id = pi["id"].as_str().unwrap();
    let updated = harness
        .post(
            &format!("/v1/payment_intents/{id}"),
            "amount=1500&description=Order%2042&metadata[pos_order]=42",
        )
        .await
        .ok();
    assert_eq!(updated["amount"], 1500);
    assert_eq!(updated["description"], "Order 42");
    assert_eq!(updated["metadata"], json!({ "pos_order": "42" }));
    let updated = harness
        .post(
            &format!("/v1/payment_intents/{id}"),
            "metadata[pos_order]=&description=",
        )
        .await
        .ok();
    assert_eq!(updated["metadata"], json!({}));
    assert_eq!(updated["description"], Value::Null);

    let (id, _) = harness.pay(ODOO_CREATE, "").await;
    let reply = harness
        .post(&format!("/v1/payment_intents/{id}"), "amount=1")
        .await;
    reply.expect_error(400, Some("payment_intent_unexpected_state"));
    let updated = harness
        .post(&format!("/v1/payment_intents/{id}"), "metadata[note]=late")
        .await
        .ok();
    assert_eq!(updated["metadata"]["note"], "late");
    harness.finish();
}

// ---------------------------------------------------------------------------------------------
// Refunds.

#[tokio::test]
async fn refunds_full_partial_and_too_large() {
    let harness = Harness::new();
    let (id, _) = harness
        .pay(
            "amount=3000&currency=usd&payment_method_types[]=card_present",
            "",
        )
        .await;
    let partial = harness
        .post(
            "/v1/refunds",
            &format!("payment_intent={id}&amount=1000&reason=requested_by_customer"),
        )
        .await
        .ok();
    assert_eq!(partial["object"], "refund");
    assert_eq!(partial["amount"], 1000);
    assert_eq!(partial["status"], "succeeded");
    assert_eq!(partial["payment_intent"], id.as_str());
    let charge_id = partial["charge"].as_str().unwrap().to_string();

    let reply = harness
        .post("/v1/refunds", &format!("charge={charge_id}&amount=2500"))
        .await;
    let error = reply.expect_error(400, Some("amount_too_large"));
    assert_eq!(error["param"], "amount");

    let rest = harness
        .post(
            "/v1/refunds",
            &format!("charge={charge_id}&expand[]=charge"),
        )
        .await
        .ok();
    assert_eq!(rest["amount"], 2000);
    assert_eq!(rest["charge"]["amount_refunded"], 3000);
    assert_eq!(rest["charge"]["refunded"], true);
    assert_eq!(rest["charge"]["refunds"]["total_count"], 2);

    let reply = harness
        .post("/v1/refunds", &format!("payment_intent={id}"))
        .await;
    reply.expect_error(400, Some("charge_already_refunded"));

    let fetched = harness
        .get(&format!("/v1/refunds/{}", rest["id"].as_str().unwrap()))
        .await
        .ok();
    assert_eq!(fetched["amount"], 2000);

    // A full refund by default, of a freshly captured intent.
    let (id, _) = harness.pay(ODOO_CREATE, "").await;
    let reply = harness
        .post("/v1/refunds", &format!("payment_intent={id}"))
        .await;
    reply.expect_error(400, Some("charge_not_refundable"));
    harness
        .post(&format!("/v1/payment_intents/{id}/capture"), "")
        .await
        .ok();
    let full = harness
        .post("/v1/refunds", &format!("payment_intent={id}"))
        .await
        .ok();
    assert_eq!(full["amount"], 1250);

    let reply = harness.post("/v1/refunds", "amount=5").await;
    reply.expect_error(400, Some("parameter_missing"));
    let reply = harness
        .post("/v1/refunds", "payment_intent=pi_missing")
        .await;
    let error = reply.expect_error(404, Some("resource_missing"));
    assert_eq!(error["param"], "payment_intent");
    harness.finish();
}

// ---------------------------------------------------------------------------------------------
// Idempotency.

#[tokio::test]
async fn idempotent_requests_replay_and_mismatches_are_refused() {
    let harness = Harness::new();
    let key = [("idempotency-key", "3f1c9e52-9d4c-4a6e-9a57-2d1f0c5e7b10")];
    let first = harness
        .post_with("/v1/payment_intents", ODOO_CREATE, &key)
        .await;
    let second = harness
        .post_with("/v1/payment_intents", ODOO_CREATE, &key)
        .await;
    assert_eq!(first.status, 200);
    assert_eq!(second.status, 200);
    assert_eq!(first.body, second.body);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.header("idempotent-replayed"), None);
    assert_eq!(first.header("request-id"), second.header("request-id"));
    assert_eq!(harness.simulator.payment_intent_count(), 1);

    let other_params = harness
        .post_with("/v1/payment_intents", "currency=usd&amount=999", &key)
        .await;
    let error = other_params.expect_error(400, None);
    assert_eq!(error["type"], "idempotency_error");
    assert_eq!(
        error["message"],
        "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '3f1c9e52-9d4c-4a6e-9a57-2d1f0c5e7b10' if you meant to execute a different request."
    );
    let other_endpoint = harness
        .post_with("/v1/terminal/connection_tokens", "", &key)
        .await;
    assert_eq!(
        other_endpoint.expect_error(400, None)["type"],
        "idempotency_error"
    );

    // Stored errors replay too, but parameter errors are not stored.
    let error_key = [("idempotency-key", "key-for-errors")];
    let invalid = harness
        .post_with("/v1/payment_intents", "currency=usd", &error_key)
        .await;
    invalid.expect_error(400, Some("parameter_missing"));
    harness
        .post_with("/v1/payment_intents", "currency=usd&amount=100", &error_key)
        .await
        .ok();
    assert_eq!(harness.simulator.payment_intent_count(), 2);

    let long_key = "k".repeat(256);
    let reply = harness
        .post_with(
            "/v1/payment_intents",
            ODOO_CREATE,
            &[("idempotency-key", &long_key)],
        )
        .await;
    reply.expect_error(400, None);
    assert_eq!(harness.simulator.payment_intent_count(), 2);
    harness.finish();
}

// ---------------------------------------------------------------------------------------------
// Readers, locations, connection tokens.

#[tokio::test]
async fn seeded_readers_are_online_at_the_demo_store() {
    let harness = Harness::new();
    let list = harness.get("/v1/terminal/readers").await.ok();
    assert_eq!(list["object"], "list");
    assert_eq!(list["url"], "/v1/terminal/readers");
    assert_eq!(list["has_more"], false);
    let reader = &list["data"][0];
    assert_eq!(reader["serial_number"], SEED_SERIAL);
    assert_eq!(reader["label"], "Demo reader");
    assert_eq!(reader["device_type"], "simulated_wisepos_e");
    assert_eq!(reader["status"], "online");
    assert_eq!(reader["action"], Value::Null);
    let location = reader["location"].as_str().unwrap();
    let location = harness
        .get(&format!("/v1/terminal/locations/{location}"))
        .await
        .ok();
    assert_eq!(location["display_name"], "Demo store");

    let expanded = harness
        .get("/v1/terminal/readers?expand[]=data.location")
        .await
        .ok();
    assert_eq!(
        expanded["data"][0]["location"]["object"],
        "terminal.location"
    );
    harness.finish();
}

#[tokio::test]
async fn readers_register_with_simulated_codes_and_list_with_filters() {
    let harness = Harness::new();
    let location = harness
        .post(
            "/v1/terminal/locations",
            "display_name=Back+office&address[country]=us&address[line1]=2+Main+St&address[city]=Austin&address[state]=TX&address[postal_code]=73301",
        )
        .await
        .ok();
    let location_id = location["id"].as_str().unwrap();
    assert_eq!(location["address"]["country"], "US");

    let wpe = harness
        .post(
            "/v1/terminal/readers",
            &format!("registration_code=simulated-wpe&label=Till+2&location={location_id}&metadata[till]=2"),
        )
        .await
        .ok();
    assert!(wpe["id"].as_str().unwrap().starts_with("tmr_"));
    assert_eq!(wpe["device_type"], "simulated_wisepos_e");
    assert!(wpe["serial_number"]
        .as_str()
        .unwrap()
        .starts_with("simulated-wpe-"));
    assert_eq!(wpe["label"], "Till 2");
    assert_eq!(wpe["location"], location_id);
    assert_eq!(wpe["metadata"], json!({ "till": "2" }));

    let s700 = harness
        .post(
            "/v1/terminal/readers",
            &format!("registration_code=simulated-s700&location={location_id}"),
        )
        .await;
    let s700 = s700.ok();
    // stripe_s700 postdates the 2023-08-16 schema's device_type enum: that is its only deviation.
    let errors = contract::shared()
        .validate("terminal.reader", &s700)
        .unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("/device_type:"), "{errors:?}");
    assert_eq!(s700["device_type"], "stripe_s700");

    let reply = harness
        .post(
            "/v1/terminal/readers",
            &format!("registration_code=purple-cow-lamp&location={location_id}"),
        )
        .await;
    let error = reply.expect_error(400, None);
    assert_eq!(error["param"], "registration_code");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("The registration code provided is invalid"));
    let reply = harness
        .post("/v1/terminal/readers", "registration_code=simulated-wpe")
        .await;
    assert_eq!(
        reply.expect_error(400, Some("parameter_missing"))["param"],
        "location"
    );
    let reply = harness
        .post(
            "/v1/terminal/readers",
            "registration_code=simulated-wpe&location=tml_nope",
        )
        .await;
    assert_eq!(
        reply.expect_error(404, Some("resource_missing"))["param"],
        "location"
    );

    let all = harness.get("/v1/terminal/readers").await.ok();
    assert_eq!(all["data"].as_array().unwrap().len(), 3);
    // Newest first.
    assert_eq!(all["data"][0]["id"], s700["id"]);

    let by_serial = harness
        .get(&format!("/v1/terminal/readers?serial_number={SEED_SERIAL}"))
        .await
        .ok();
    assert_eq!(by_serial["data"].as_array().unwrap().len(), 1);
    let by_type = harness
        .get("/v1/terminal/readers?device_type=simulated_wisepos_e")
        .await
        .ok();
    assert_eq!(by_type["data"].as_array().unwrap().len(), 2);
    let by_location = harness
        .get(&format!("/v1/terminal/readers?location={location_id}"))
        .await
        .ok();
    assert_eq!(by_location["data"].as_array().unwrap().len(), 2);
    let offline = harness
        .get("/v1/terminal/readers?status=offline")
        .await
        .ok();
    assert_eq!(offline["data"], json!([]));

    let page = harness.get("/v1/terminal/readers?limit=1").await.ok();
    assert_eq!(page["has_more"], true);
    let first = page["data"][0]["id"].as_str().unwrap();
    let next = harness
        .get(&format!(
            "/v1/terminal/readers?limit=2&starting_after={first}"
        ))
        .await
        .ok();
    assert_eq!(next["data"].as_array().unwrap().len(), 2);
    assert_eq!(next["has_more"], false);
    assert_eq!(next["data"][0]["id"], wpe["id"]);

    let fetched = harness
        .get(&format!(
            "/v1/terminal/readers/{}",
            wpe["id"].as_str().unwrap()
        ))
        .await
        .ok();
    assert_eq!(fetched["serial_number"], wpe["serial_number"]);
    harness.finish();
}

#[tokio::test]
async fn reader_actions_busy_cancel_and_preconditions() {
    let harness = Harness::new();
    let reader = harness.seeded_reader().await;
    let reply = harness
        .post(
            &format!("/v1/test_helpers/terminal/readers/{reader}/present_payment_method"),
            "",
        )
        .await;
    reply.expect_error(400, None);
    let reply = harness
        .post(&format!("/v1/terminal/readers/{reader}/cancel_action"), "")
        .await;
    reply.expect_error(400, None);

    let first = harness.create_intent(ODOO_CREATE).await;
    let second = harness.create_intent(ODOO_CREATE).await;
    let process = |pi: &Value| format!("payment_intent={}", pi["id"].as_str().unwrap());
    let path = format!("/v1/terminal/readers/{reader}/process_payment_intent");
    harness.post(&path, &process(&first)).await.ok();
    let reply = harness.post(&path, &process(&second)).await;
    reply.expect_error(400, Some("terminal_reader_busy"));

    let canceled = harness
        .post(&format!("/v1/terminal/readers/{reader}/cancel_action"), "")
        .await
        .ok();
    assert_eq!(canceled["action"], Value::Null);
    assert_eq!(
        harness.intent(first["id"].as_str().unwrap()).await["status"],
        "requires_payment_method"
    );
    harness.post(&path, &process(&second)).await.ok();

    let reply = harness.post(&path, "").await;
    assert_eq!(
        reply.expect_error(400, Some("parameter_missing"))["param"],
        "payment_intent"
    );
    let card_only = harness.create_intent("amount=100&currency=usd").await;
    harness
        .post(&format!("/v1/terminal/readers/{reader}/cancel_action"), "")
        .await
        .ok();
    let reply = harness.post(&path, &process(&card_only)).await;
    assert_eq!(reply.expect_error(400, None)["param"], "payment_intent");
    let reply = harness.post(&path, "payment_intent=pi_unknown").await;
    reply.expect_error(404, Some("resource_missing"));
    let reply = harness
        .post(
            "/v1/terminal/readers/tmr_unknown/process_payment_intent",
            &process(&first),
        )
        .await;
    reply.expect_error(404, Some("resource_missing"));
    harness.finish();
}

#[tokio::test]
async fn locations_create_list_and_retrieve() {
    let harness = Harness::new();
    let reply = harness
        .post("/v1/terminal/locations", "address[country]=FR")
        .await;
    assert_eq!(
        reply.expect_error(400, Some("parameter_missing"))["param"],
        "display_name"
    );
    let reply = harness
        .post(
            "/v1/terminal/locations",
            "display_name=Paris&address[city]=Paris",
        )
        .await;
    assert_eq!(
        reply.expect_error(400, Some("parameter_missing"))["param"],
        "address[country]"
    );
    let created = harness
        .post(
            "/v1/terminal/locations",
            "display_name=Paris&address[country]=FR&address[city]=Paris&metadata[zone]=eu",
        )
        .await
        .ok();
    assert_eq!(created["object"], "terminal.location");
    assert_eq!(created["address"]["line1"], Value::Null);
    let id = created["id"].as_str().unwrap();
    let list = harness.get("/v1/terminal/locations").await.ok();
    assert_eq!(list["url"], "/v1/terminal/locations");
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
    assert_eq!(list["data"][0]["id"], id);
    let fetched = harness
        .get(&format!("/v1/terminal/locations/{id}"))
        .await
        .ok();
    assert_eq!(fetched, created);
    let reply = harness.get("/v1/terminal/locations/tml_missing").await;
    reply.expect_error(404, Some("resource_missing"));
    harness.finish();
}

#[tokio::test]
async fn connection_tokens_carry_a_test_secret() {
    let harness = Harness::new();
    let token = harness
        .post("/v1/terminal/connection_tokens", "")
        .await
        .ok();
    assert_eq!(token["object"], "terminal.connection_token");
    assert!(token["secret"].as_str().unwrap().starts_with("pst_test_"));
    assert!(token.get("location").is_none());
    let locations = harness.get("/v1/terminal/locations").await.ok();
    let location = locations["data"][0]["id"].as_str().unwrap();
    let token = harness
        .post(
            "/v1/terminal/connection_tokens",
            &format!("location={location}"),
        )
        .await
        .ok();
    assert_eq!(token["location"], location);
    let reply = harness
        .post("/v1/terminal/connection_tokens", "location=tml_nowhere")
        .await;
    reply.expect_error(404, Some("resource_missing"));
    harness.finish();
}

// ---------------------------------------------------------------------------------------------
// Faults and the control endpoints.

#[tokio::test]
async fn injected_500s_change_nothing_and_the_retry_succeeds() {
    let harness = Harness::new();
    let queued = harness
        .send(
            Method::POST,
            "/_sim/faults",
            r#"{"kind":"status500","count":2}"#,
            &[],
        )
        .await;
    assert_eq!(queued.status, 200, "{}", queued.body);
    let key = [("idempotency-key", "retry-me")];
    for _ in 0..2 {
        let reply = harness
            .post_with("/v1/payment_intents", ODOO_CREATE, &key)
            .await;
        let error = reply.expect_error(500, None);
        assert_eq!(error["type"], "api_error");
        assert_eq!(harness.simulator.payment_intent_count(), 0);
    }
    let reply = harness
        .post_with("/v1/payment_intents", ODOO_CREATE, &key)
        .await;
    assert_eq!(reply.header("idempotent-replayed"), None);
    reply.ok();
    assert_eq!(harness.simulator.payment_intent_count(), 1);

    let state = harness.send(Method::GET, "/_sim/state", "", &[]).await.body;
    assert_eq!(state["payment_intents"], 1);
    assert_eq!(state["requests"], 3);
    assert_eq!(state["readers"], 1);
    assert_eq!(state["locations"], 1);
    assert_eq!(state["refunds"], 0);
    let log = harness.get_log().await;
    assert_eq!(log[0]["fault"], "status500");
    assert_eq!(log[0]["status"], 500);
    assert_eq!(log[0]["idempotency_key"], "retry-me");
    assert_eq!(log[0]["params"]["amount"], "1250");
    assert_eq!(log[2]["fault"], Value::Null);
    harness.finish();
}

#[tokio::test]
async fn injected_429s_are_rate_limit_errors() {
    let harness = Harness::new();
    let queued = harness
        .send(Method::POST, "/_sim/faults", r#"{"kind":"status429"}"#, &[])
        .await;
    assert_eq!(
        queued.body["queued"],
        json!({ "kind": "status429", "count": 1 })
    );
    let reply = harness.get("/v1/account").await;
    let error = reply.expect_error(429, Some("rate_limit"));
    assert_eq!(error["type"], "invalid_request_error");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("Too many requests"));
    harness.get("/v1/account").await.ok();
    harness.finish();
}

#[tokio::test]
async fn latency_drop_and_reset_faults() {
    let harness = Harness::new();
    harness
        .send(
            Method::POST,
            "/_sim/faults",
            r#"{"kind":"latency","latency_ms":30}"#,
            &[],
        )
        .await;
    let started = std::time::Instant::now();
    harness.get("/v1/account").await.ok();
    assert!(started.elapsed() >= std::time::Duration::from_millis(30));

    let simulator = &harness.simulator;
    simulator.inject_fault(FaultKind::Drop, 1);
    let headers = {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {KEY}")).unwrap(),
        );
        headers
    };
    let dropped = simulator
        .handle_or_drop(
            None,
            &Method::POST,
            "/v1/payment_intents",
            None,
            &headers,
            Bytes::from(ODOO_CREATE),
        )
        .await;
    assert!(dropped.is_none());
    assert_eq!(simulator.payment_intent_count(), 0);

    // A drop after processing loses the response: the retry with the same key replays it.
    simulator.inject_fault(FaultKind::DropAfter, 1);
    let mut keyed = headers.clone();
    keyed.insert("idempotency-key", HeaderValue::from_static("lost-response"));
    let dropped = simulator
        .handle_or_drop(
            None,
            &Method::POST,
            "/v1/payment_intents",
            None,
            &keyed,
            Bytes::from(ODOO_CREATE),
        )
        .await;
    assert!(dropped.is_none());
    assert_eq!(simulator.payment_intent_count(), 1);
    let retried = simulator
        .handle_or_drop(
            None,
            &Method::POST,
            "/v1/payment_intents",
            None,
            &keyed,
            Bytes::from(ODOO_CREATE),
        )
        .await
        .unwrap();
    assert_eq!(retried.status(), 200);
    assert_eq!(retried.headers()["idempotent-replayed"], "true");
    assert_eq!(simulator.payment_intent_count(), 1);

    assert!(!simulator.take_drop_fault());
    simulator.inject_fault(FaultKind::Status500, 5);
    let pending = harness
        .send(Method::GET, "/_sim/faults", "", &[])
        .await
        .body;
    assert_eq!(pending["data"][0]["count"], 5);
    let reset = harness
        .send(Method::POST, "/_sim/reset", r#"{"requests":true}"#, &[])
        .await;
    assert_eq!(reset.body["faults_cleared"], 1);
    harness.get("/v1/account").await.ok();
    assert_eq!(harness.get_log().await.len(), 1);

    let bad = harness
        .send(Method::POST, "/_sim/faults", r#"{"kind":"gremlins"}"#, &[])
        .await;
    assert_eq!(bad.status, 400);
    let bad = harness
        .send(Method::POST, "/_sim/faults", r#"{"kind":"latency"}"#, &[])
        .await;
    assert_eq!(bad.status, 400);
    harness.finish();
}

// ---------------------------------------------------------------------------------------------
// 404s.

#[tokio::test]
async fn unknown_urls_and_missing_objects_are_404s() {
    let harness = Harness::new();
    let reply = harness.get("/v1/foo").await;
    let error = reply.expect_error(404, None);
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("Unrecognized request URL (GET: /v1/foo)."));
    let reply = harness
        .send(Method::DELETE, "/v1/payment_intents", "", &[])
        .await;
    reply.expect_error(404, None);

    let reply = harness.get("/v1/payment_intents/pi_x").await;
    let error = reply.expect_error(404, Some("resource_missing"));
    assert_eq!(error["message"], "No such payment_intent: 'pi_x'");
    assert_eq!(error["param"], "intent");
    let reply = harness.get("/v1/charges/ch_x").await;
    let error = reply.expect_error(404, Some("resource_missing"));
    assert_eq!(error["message"], "No such charge: 'ch_x'");
    assert_eq!(error["param"], "id");
    harness
        .get("/v1/refunds/re_x")
        .await
        .expect_error(404, Some("resource_missing"));
    harness
        .get("/v1/terminal/readers/tmr_x")
        .await
        .expect_error(404, Some("resource_missing"));
    harness
        .post("/v1/payment_intents/pi_x/capture", "")
        .await
        .expect_error(404, Some("resource_missing"));
    // Ids arrive URL-quoted from Odoo.
    let pi = harness.create_intent(ODOO_CREATE).await;
    let quoted = pi["id"].as_str().unwrap().replace('_', "%5F");
    harness
        .get(&format!("/v1/payment_intents/{quoted}"))
        .await
        .ok();

    let reply = harness.send(Method::GET, "/_sim/nothing", "", &[]).await;
    assert_eq!(reply.status, 404);
    harness.finish();
}

// ---------------------------------------------------------------------------------------------
// Shapes.

/// Every object the simulator renders has at least the keys of Stripe's example object.
#[tokio::test]
async fn objects_have_every_key_of_stripes_fixtures() {
    let path = contract::default_openapi_path().with_file_name("fixtures-terminal.json");
    let fixtures: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let harness = Harness::odoo();
    let (id, reader) = harness.pay(ODOO_CREATE, "").await;
    harness
        .post(&format!("/v1/payment_intents/{id}/capture"), "")
        .await
        .ok();
    let pi = harness.intent(&id).await;
    let charge = pi["charges"]["data"][0].clone();
    let refund = harness
        .post("/v1/refunds", &format!("payment_intent={id}&amount=100"))
        .await
        .ok();
    let token = harness
        .post("/v1/terminal/connection_tokens", "")
        .await
        .ok();
    let location = harness.get("/v1/terminal/locations").await.ok()["data"][0].clone();
    for (name, object) in [
        ("payment_intent", &pi),
        ("charge", &charge),
        ("refund", &refund),
        ("terminal.connection_token", &token),
        ("terminal.location", &location),
        ("terminal.reader", &reader),
    ] {
        let expected = fixtures["resources"][name].as_object().unwrap();
        let actual = object.as_object().unwrap();
        let missing: Vec<&String> = expected
            .keys()
            .filter(|key| !actual.contains_key(*key))
            .collect();
        assert!(missing.is_empty(), "{name} lacks {missing:?}");
    }
    let action = reader["action"].as_object().unwrap();
    for key in fixtures["resources"]["terminal.reader"]["action"]
        .as_object()
        .unwrap()
        .keys()
    {
        if key != "refund_payment" {
            assert!(action.contains_key(key), "reader action lacks {key}");
        }
    }
    harness.finish();
}

/// One pass over every endpoint, in both API versions, errors included; `finish` validates each
/// response against its path's schema.
#[tokio::test]
async fn every_endpoint_matches_the_openapi_contract() {
    for harness in [Harness::new(), Harness::odoo()] {
        let reader = harness.seeded_reader().await;
        harness
            .get(&format!("/v1/terminal/readers/{reader}?expand[]=location"))
            .await
            .ok();
        harness.get("/v1/account").await.ok();
        harness
            .post("/v1/terminal/connection_tokens", "")
            .await
            .ok();
        let (id, _) = harness
            .pay(
                &format!("{ODOO_CREATE}&metadata[order]=7&description=Table+4"),
                "amount_tip=50",
            )
            .await;
        harness
            .get(&format!(
                "/v1/payment_intents/{id}?expand[]=latest_charge&expand[]=payment_method"
            ))
            .await
            .ok();
        harness
            .post(
                &format!("/v1/payment_intents/{id}/capture"),
                "amount_to_capture=1300",
            )
            .await
            .ok();
        let refund = harness
            .post(
                "/v1/refunds",
                &format!("payment_intent={id}&expand[]=charge&expand[]=payment_intent"),
            )
            .await
            .ok();
        harness
            .get(&format!("/v1/refunds/{}", refund["id"].as_str().unwrap()))
            .await
            .ok();
        harness
            .get(&format!(
                "/v1/charges/{}",
                refund["charge"]["id"].as_str().unwrap()
            ))
            .await
            .ok();
        let (declined, _) = harness
            .pay(ODOO_CREATE, "card_present[number]=4000000000000002")
            .await;
        harness
            .get(&format!(
                "/v1/payment_intents/{declined}?expand[]=latest_charge"
            ))
            .await
            .ok();
        harness
            .post(
                &format!("/v1/payment_intents/{declined}/cancel"),
                "cancellation_reason=abandoned",
            )
            .await
            .ok();
        harness
            .post(&format!("/v1/payment_intents/{declined}/capture"), "")
            .await;
        harness
            .post("/v1/payment_intents", "amount=abc&currency=usd")
            .await;
        harness
            .post("/v1/refunds", &format!("payment_intent={id}"))
            .await;
        harness.get("/v1/terminal/readers/tmr_missing").await;
        harness.get("/v1/terminal/locations?limit=1").await.ok();
        harness
            .send(Method::POST, "/_sim/faults", r#"{"kind":"status429"}"#, &[])
            .await;
        harness.get("/v1/terminal/readers").await;
        harness.finish();
    }
}

// ---------------------------------------------------------------------------------------------
// The standalone server.

async fn raw_http(address: std::net::SocketAddr, request: &str) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test]
async fn serve_answers_http_and_drops_connections_on_drop_faults() {
    let config = SimConfig {
        readers: vec![SimReaderSeed {
            serial_number: "SIM-1".into(),
            label: "Counter".into(),
            device_type: "simulated_wisepos_e".into(),
        }],
        ..SimConfig::default()
    };
    let simulator = Simulator::new(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(simulator.clone().serve(listener));

    let body = "amount=1250&currency=usd";
    let request = format!(
        "POST /v1/payment_intents HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer {KEY}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let response = raw_http(address, &request).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.to_ascii_lowercase().contains("request-id: req_"));
    assert!(response.contains("\"object\":\"payment_intent\""));
    assert_eq!(simulator.payment_intent_count(), 1);

    let list = raw_http(
        address,
        &format!("GET /v1/terminal/readers?serial_number=SIM-1 HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer {KEY}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(list.contains("\"label\":\"Counter\""), "{list}");

    simulator.inject_fault(FaultKind::Drop, 1);
    let response = raw_http(address, &request).await;
    assert_eq!(
        response, "",
        "a drop fault closes the connection without a response"
    );
    assert_eq!(simulator.payment_intent_count(), 1);
    server.abort();
}

// ---------------------------------------------------------------------------------------------
// The contract checker itself.

#[tokio::test]
async fn the_contract_accepts_nulls_where_nullable_and_rejects_broken_objects() {
    let harness = Harness::new();
    let pi = harness.create_intent(ODOO_CREATE).await;
    let contract = contract::shared();
    let check = |value: &Value| contract.validate("payment_intent", value);
    check(&pi).unwrap();
    assert_eq!(
        pi["latest_charge"],
        Value::Null,
        "nullable fields accept null"
    );

    let mut wrong_type = pi.clone();
    wrong_type["amount"] = json!("1250");
    let errors = check(&wrong_type).unwrap_err();
    assert!(
        errors.iter().any(|error| error.starts_with("/amount:")),
        "{errors:?}"
    );

    let mut bad_enum = pi.clone();
    bad_enum["status"] = json!("pending");
    assert!(check(&bad_enum).is_err());

    let mut not_nullable = pi.clone();
    not_nullable["capture_method"] = Value::Null;
    assert!(check(&not_nullable).is_err());

    let mut missing = pi.clone();
    missing.as_object_mut().unwrap().remove("object");
    assert!(check(&missing).is_err());

    // Operation targets, with template or concrete paths and query strings.
    let id = pi["id"].as_str().unwrap();
    contract
        .validate("POST /v1/payment_intents/{intent}/cancel 200", &pi)
        .unwrap();
    contract
        .validate_response(
            "GET",
            &format!("/v1/payment_intents/{id}?expand[]=latest_charge"),
            200,
            &pi,
        )
        .unwrap();
    assert!(contract
        .validate(&format!("GET /v1/payment_intents/{id} 404"), &pi)
        .is_err());
    assert!(contract.validate("no_such_schema", &pi).is_err());
    harness.finish();
}
