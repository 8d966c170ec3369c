// HTTP behaviour of the Stripe client against a tiny throwaway HTTP/1.1 server,
// included by `tests.rs` once per transport (`INLINE`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::stripe::*;

const KEY: &str = "sk_test_51SuperSecretValueXYZ9876";

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn form(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.body.as_bytes())
            .into_owned()
            .collect()
    }
}

/// What the server does with one connection.
#[derive(Clone)]
enum Reply {
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Read the request, then never answer.
    Hang,
}

fn reply(status: u16, body: serde_json::Value) -> Reply {
    Reply::Respond {
        status,
        headers: vec![("Request-Id", format!("req_{status}"))],
        body: body.to_string(),
    }
}

fn reply_with(status: u16, headers: Vec<(&'static str, String)>, body: &str) -> Reply {
    Reply::Respond {
        status,
        headers,
        body: body.to_string(),
    }
}

fn stripe_error(kind: &str, message: &str) -> serde_json::Value {
    json!({"error": {"type": kind, "message": message}})
}

struct Server {
    base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Serves `replies` in order, one per connection; later connections get a 599.
async fn serve(replies: Vec<Reply>) -> Server {
    serve_with_prefix(replies, "").await
}

async fn serve_with_prefix(replies: Vec<Reply>, prefix: &str) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    tokio::spawn(async move {
        let mut replies = replies.into_iter();
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let r = replies.next().unwrap_or_else(|| {
                reply(
                    599,
                    json!({"error": {"message": "unexpected extra request"}}),
                )
            });
            let seen = seen2.clone();
            tokio::spawn(handle(stream, r, seen));
        }
    });
    Server {
        base_url: format!("http://{addr}{prefix}"),
        seen,
    }
}

async fn handle(mut stream: TcpStream, r: Reply, seen: Arc<Mutex<Vec<Seen>>>) {
    let Some(req) = read_request(&mut stream).await else {
        return;
    };
    seen.lock().unwrap().push(req);
    match r {
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let mut out = format!(
                "HTTP/1.1 {status} Canned\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str("\r\n");
            out.push_str(&body);
            let _ = stream.write_all(out.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut start = lines.next()?.split(' ');
    let method = start.next()?.to_string();
    let target = start.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
    Some(Seen {
        method,
        target,
        headers,
        body,
    })
}

fn config(base_url: &str) -> StripeClientConfig {
    StripeClientConfig {
        base_url: base_url.to_string(),
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(5),
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(4),
        inline_plain_http: INLINE,
        ..StripeClientConfig::default()
    }
}

fn client(server: &Server) -> StripeClient {
    StripeClient::new(config(&server.base_url)).unwrap()
}

fn key() -> SecretKey {
    SecretKey::new(KEY)
}

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn assert_no_key(err: &StripeError) {
    let dbg = format!("{err:?}");
    let disp = format!("{err}");
    assert!(!dbg.contains(KEY), "key leaked in Debug: {dbg}");
    assert!(!disp.contains(KEY), "key leaked in Display: {disp}");
    assert!(!dbg.contains("SuperSecret") && !disp.contains("SuperSecret"));
}

#[tokio::test]
async fn post_sends_headers_and_ordered_body() {
    let server = serve(vec![reply(
        200,
        json!({"id": "pi_1", "object": "payment_intent"}),
    )])
    .await;
    let c = client(&server);
    let req = CreatePaymentIntent {
        currency: "aud".into(),
        amount: 1250,
        payment_method_types: vec!["card_present".into()],
        capture_method: "manual".into(),
        card_present_capture_method: Some("manual_preferred".into()),
        metadata: vec![("pos_order".into(), "Order 0001".into())],
        description: Some("POS".into()),
    };
    let body = c.create_payment_intent(&key(), &req).await.unwrap();
    assert_eq!(body, json!({"id": "pi_1", "object": "payment_intent"}));

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let s = &seen[0];
    assert_eq!(s.method, "POST");
    assert_eq!(s.target, "/v1/payment_intents");
    assert_eq!(
        s.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(s.header("stripe-version"), Some("2019-05-16"));
    assert_eq!(
        s.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(s
        .header("user-agent")
        .is_some_and(|ua| ua.starts_with("odoo-pos-stripe/")));
    let idem = s.header("idempotency-key").expect("idempotency key");
    let uuid = uuid::Uuid::parse_str(idem).expect("uuid");
    assert_eq!(uuid.get_version_num(), 4);
    assert_eq!(
        s.body,
        "currency=aud&amount=1250&payment_method_types%5B%5D=card_present&capture_method=manual\
         &payment_method_options%5Bcard_present%5D%5Bcapture_method%5D=manual_preferred\
         &metadata%5Bpos_order%5D=Order+0001&description=POS"
    );
    assert_eq!(s.form(), req.to_params());
}

#[tokio::test]
async fn each_post_gets_a_fresh_idempotency_key() {
    let ok = reply(
        200,
        json!({"object": "terminal.connection_token", "secret": "pst_test_1"}),
    );
    let server = serve(vec![ok.clone(), ok]).await;
    let c = client(&server);
    let t = c.connection_token(&key()).await.unwrap();
    assert_eq!(t["secret"], "pst_test_1");
    c.connection_token(&key()).await.unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].target, "/v1/terminal/connection_tokens");
    assert_eq!(seen[0].body, "");
    let lengths: Vec<_> = seen[0]
        .headers
        .iter()
        .filter(|(k, _)| k == "content-length")
        .collect();
    assert_eq!(lengths.len(), 1, "{:?}", seen[0].headers);
    assert_eq!(seen[0].header("content-length"), Some("0"));
    assert_ne!(
        seen[0].header("idempotency-key"),
        seen[1].header("idempotency-key")
    );
}

#[tokio::test]
async fn explicit_idempotency_key_and_request_id() {
    let server = serve(vec![reply_with(
        200,
        vec![("Request-Id", "req_abc123".into())],
        r#"{"id":"tml_1"}"#,
    )])
    .await;
    let c = client(&server);
    let resp = c
        .post_with_idempotency_key(
            &key(),
            "/v1/terminal/locations",
            &params(&[("a", "b")]),
            "order-42-pay-1",
        )
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.request_id.as_deref(), Some("req_abc123"));
    assert_eq!(resp.body, json!({"id": "tml_1"}));
    assert_eq!(
        server.seen()[0].header("idempotency-key"),
        Some("order-42-pay-1")
    );
}

#[tokio::test]
async fn get_has_query_and_no_post_headers() {
    let server = serve(vec![reply(200, json!({"object": "list", "data": []}))]).await;
    let c = client(&server);
    let q = params(&[("serial_number", "WSC 513/1"), ("limit", "100")]);
    let list = c.list_readers(&key(), &q).await.unwrap();
    assert_eq!(list["object"], "list");
    let s = &server.seen()[0];
    assert_eq!(s.method, "GET");
    assert_eq!(
        s.target,
        "/v1/terminal/readers?serial_number=WSC+513%2F1&limit=100"
    );
    assert_eq!(s.header("idempotency-key"), None);
    assert_eq!(s.header("content-type"), None);
    assert_eq!(
        s.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(s.header("stripe-version"), Some("2019-05-16"));
}

#[tokio::test]
async fn base_url_path_prefix_and_id_quoting() {
    let ok = reply(200, json!({"id": "pi_1"}));
    let server = serve_with_prefix(vec![ok.clone(), ok.clone(), ok], "/stripe-sim/").await;
    let c = client(&server);
    c.retrieve_payment_intent(&key(), "pi_1/../x?y")
        .await
        .unwrap();
    c.retrieve_account(&key()).await.unwrap();
    c.cancel_payment_intent(&key(), "pi 2", Some("abandoned"))
        .await
        .unwrap();
    let seen = server.seen();
    assert_eq!(
        seen[0].target,
        "/stripe-sim/v1/payment_intents/pi_1%2F..%2Fx%3Fy"
    );
    assert_eq!(seen[1].target, "/stripe-sim/v1/account");
    assert_eq!(
        seen[2].target,
        "/stripe-sim/v1/payment_intents/pi%202/cancel"
    );
    assert_eq!(seen[2].body, "cancellation_reason=abandoned");
}

#[tokio::test]
async fn capture_body_only_with_amount() {
    let ok = reply(200, json!({"status": "succeeded"}));
    let server = serve(vec![ok.clone(), ok]).await;
    let c = client(&server);
    c.capture_payment_intent(&key(), "pi_1", None)
        .await
        .unwrap();
    c.capture_payment_intent(&key(), "pi_1", Some(1500))
        .await
        .unwrap();
    let seen = server.seen();
    assert_eq!(seen[0].target, "/v1/payment_intents/pi_1/capture");
    assert_eq!(seen[0].body, "");
    assert_eq!(seen[1].body, "amount_to_capture=1500");
}

#[tokio::test]
async fn other_helpers_send_expected_params() {
    let ok = reply(200, json!({}));
    let server = serve(vec![ok.clone(), ok.clone(), ok.clone(), ok]).await;
    let c = client(&server);
    c.create_refund(
        &key(),
        RefundTarget::PaymentIntent("pi_9".into()),
        Some(250),
    )
    .await
    .unwrap();
    c.register_reader(&key(), "simulated-wpe", Some("Front desk"), None)
        .await
        .unwrap();
    c.create_location(
        &key(),
        "Main shop",
        &params(&[("line1", "1 Rue X"), ("city", "Paris"), ("country", "FR")]),
    )
    .await
    .unwrap();
    c.list_locations(&key(), &[]).await.unwrap();
    let seen = server.seen();
    assert_eq!(seen[0].target, "/v1/refunds");
    assert_eq!(seen[0].body, "payment_intent=pi_9&amount=250");
    assert_eq!(seen[1].target, "/v1/terminal/readers");
    assert_eq!(
        seen[1].body,
        "registration_code=simulated-wpe&label=Front+desk"
    );
    assert_eq!(seen[2].target, "/v1/terminal/locations");
    assert_eq!(
        seen[2].form(),
        params(&[
            ("display_name", "Main shop"),
            ("address[line1]", "1 Rue X"),
            ("address[city]", "Paris"),
            ("address[country]", "FR"),
        ])
    );
    assert_eq!(seen[3].method, "GET");
    assert_eq!(seen[3].target, "/v1/terminal/locations");
}

#[tokio::test]
async fn retries_500_then_succeeds_with_same_idempotency_key() {
    let server = serve(vec![
        reply(500, stripe_error("api_error", "boom")),
        reply(200, json!({"id": "pi_1"})),
    ])
    .await;
    let c = client(&server);
    let resp = c
        .post(&key(), "/v1/payment_intents", &params(&[("amount", "1")]))
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.request_id.as_deref(), Some("req_200"));
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let k0 = seen[0].header("idempotency-key").unwrap();
    assert_eq!(seen[1].header("idempotency-key"), Some(k0));
    assert_eq!(seen[0].body, seen[1].body);
}

#[tokio::test]
async fn retries_429_and_409() {
    let server = serve(vec![
        reply(429, stripe_error("invalid_request_error", "rate limited")),
        reply(409, stripe_error("idempotency_error", "in use")),
        reply(200, json!({"ok": true})),
    ])
    .await;
    let c = client(&server);
    let resp = c.post(&key(), "/v1/refunds", &[]).await.unwrap();
    assert_eq!(resp.body, json!({"ok": true}));
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    let k0 = seen[0].header("idempotency-key");
    assert!(seen.iter().all(|s| s.header("idempotency-key") == k0));
}

#[tokio::test]
async fn get_is_retried_too() {
    let server = serve(vec![
        reply(503, stripe_error("api_error", "unavailable")),
        reply(200, json!({"id": "acct_1"})),
    ])
    .await;
    let c = client(&server);
    let acct = c.retrieve_account(&key()).await.unwrap();
    assert_eq!(acct["id"], "acct_1");
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn no_retry_on_400_and_402() {
    for (status, kind) in [
        (400, "invalid_request_error"),
        (402, "card_error"),
        (404, "invalid_request_error"),
    ] {
        let server = serve(vec![
            reply(status, stripe_error(kind, "nope")),
            reply(200, json!({})),
        ])
        .await;
        let c = client(&server);
        let err = c
            .post(&key(), "/v1/payment_intents", &[])
            .await
            .unwrap_err();
        match &err {
            StripeError::Api {
                status: s,
                body,
                request_id,
            } => {
                assert_eq!(*s, status);
                assert_eq!(body["error"]["type"], kind);
                assert_eq!(
                    request_id.as_deref(),
                    Some(format!("req_{status}").as_str())
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(err.stripe_message().as_deref(), Some("nope"));
        assert_eq!(server.seen().len(), 1, "status {status}");
        assert_no_key(&err);
    }
}

#[tokio::test]
async fn should_retry_false_stops_retry_on_500() {
    let server = serve(vec![
        reply_with(
            500,
            vec![("Stripe-Should-Retry", "false".into())],
            &stripe_error("api_error", "do not retry").to_string(),
        ),
        reply(200, json!({})),
    ])
    .await;
    let c = client(&server);
    let err = c.post(&key(), "/v1/refunds", &[]).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn should_retry_true_retries_400() {
    let server = serve(vec![
        reply_with(
            400,
            vec![("Stripe-Should-Retry", "true".into())],
            &stripe_error("invalid_request_error", "try again").to_string(),
        ),
        reply(200, json!({"ok": 1})),
    ])
    .await;
    let c = client(&server);
    let resp = c.post(&key(), "/v1/refunds", &[]).await.unwrap();
    assert_eq!(resp.body, json!({"ok": 1}));
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn exhausted_retries_return_last_api_error() {
    let server = serve(vec![
        reply(500, stripe_error("api_error", "first")),
        reply(502, stripe_error("api_error", "second")),
        reply(503, stripe_error("api_error", "third")),
        reply(200, json!({})),
    ])
    .await;
    let c = client(&server);
    let err = c.post(&key(), "/v1/refunds", &[]).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.stripe_message().as_deref(), Some("third"));
    assert_eq!(err.request_id(), Some("req_503"));
    assert_eq!(server.seen().len(), 3, "1 attempt + max_retries (2)");
}

#[tokio::test]
async fn max_retries_zero_means_one_attempt() {
    let server = serve(vec![
        reply(500, stripe_error("api_error", "x")),
        reply(200, json!({})),
    ])
    .await;
    let mut cfg = config(&server.base_url);
    cfg.max_retries = 0;
    let c = StripeClient::new(cfg).unwrap();
    assert!(c.post(&key(), "/v1/refunds", &[]).await.is_err());
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn non_json_bodies_are_invalid_responses() {
    let server = serve(vec![
        reply_with(200, vec![], "<html>hello</html>"),
        reply_with(502, vec![], "Bad Gateway"),
        reply_with(502, vec![], "Bad Gateway"),
        reply_with(502, vec![], "Bad Gateway"),
    ])
    .await;
    let c = client(&server);
    let err = c.retrieve_account(&key()).await.unwrap_err();
    assert!(matches!(err, StripeError::InvalidResponse(_)), "{err:?}");
    assert_eq!(server.seen().len(), 1, "a 2xx is never retried");

    let err = c.retrieve_account(&key()).await.unwrap_err();
    match &err {
        StripeError::InvalidResponse(msg) => {
            assert!(msg.contains("502") && msg.contains("Bad Gateway"), "{msg}")
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(server.seen().len(), 4, "5xx without JSON is still retried");
}

#[tokio::test]
async fn connection_refused_is_transport_after_retries() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = StripeClient::new(config(&format!("http://{addr}"))).unwrap();
    let started = std::time::Instant::now();
    let err = c
        .post(&key(), "/v1/payment_intents", &params(&[("amount", "1")]))
        .await
        .unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(err.stripe_message(), None);
    assert_no_key(&err);
}

#[tokio::test]
async fn timeout_is_transport_after_retries() {
    let server = serve(vec![Reply::Hang, Reply::Hang, Reply::Hang]).await;
    let mut cfg = config(&server.base_url);
    cfg.timeout = Duration::from_millis(200);
    cfg.max_retries = 1;
    let c = StripeClient::new(cfg).unwrap();
    let started = std::time::Instant::now();
    let err = c
        .capture_payment_intent(&key(), "pi_1", None)
        .await
        .unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert!(err.to_string().contains("timed out"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "1 attempt + 1 retry");
    assert_eq!(
        seen[0].header("idempotency-key"),
        seen[1].header("idempotency-key")
    );
    assert_no_key(&err);
}

#[tokio::test]
async fn key_echoed_by_server_is_scrubbed_from_errors() {
    let body = json!({"error": {
        "type": "invalid_request_error",
        "message": format!("Invalid API Key provided: {KEY}"),
    }});
    let server = serve(vec![reply(401, body)]).await;
    let c = client(&server);
    let err = c.retrieve_account(&key()).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        err.stripe_message().as_deref(),
        Some("Invalid API Key provided: sk_test_****9876")
    );
    assert_no_key(&err);
}

#[tokio::test]
async fn non_json_error_echoing_key_is_scrubbed() {
    let server = serve(vec![reply_with(
        403,
        vec![],
        &format!("forbidden for {KEY}"),
    )])
    .await;
    let c = client(&server);
    let err = c.retrieve_account(&key()).await.unwrap_err();
    assert!(matches!(err, StripeError::InvalidResponse(_)));
    assert!(err.to_string().contains("sk_test_****9876"), "{err}");
    assert_no_key(&err);
}

#[derive(Clone, Default)]
struct LogBuf(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogBuf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_one_info_line_per_call_without_key_or_body() {
    let logs = LogBuf::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // With a single registered dispatcher, tracing-core computes a callsite's
    // cached interest from the default of whichever thread registers it first;
    // a concurrent test thread (no subscriber) would cache `never`. A second
    // live dispatcher makes it consult every registered one instead.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = serve(vec![
        reply(500, stripe_error("api_error", "boom")),
        reply_with(200, vec![("Request-Id", "req_logged".into())], "{}"),
    ])
    .await;
    let c = client(&server);
    c.post(
        &key(),
        "/v1/payment_intents",
        &params(&[("description", "very-private-body")]),
    )
    .await
    .unwrap();

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let info: Vec<&str> = text.lines().filter(|l| l.contains(" INFO ")).collect();
    assert_eq!(info.len(), 1, "{text}");
    let line = info[0];
    for needle in [
        "method=POST",
        "path=\"/v1/payment_intents\"",
        "status=200",
        "attempts=2",
        "request_id=\"req_logged\"",
        "duration_ms=",
    ] {
        assert!(line.contains(needle), "{needle} missing in {line}");
    }
    assert!(
        !text.contains(KEY) && !text.contains("SuperSecret"),
        "{text}"
    );
    assert!(!text.contains("very-private-body"), "{text}");
}
