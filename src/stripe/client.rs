//! HTTP transport to Stripe: auth, version pinning, idempotency keys, retries,
//! error mapping and logging. Typed endpoint helpers live in `api.rs`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::Method;

use super::direct::{DirectHttp, Failure};
use super::retry::{jittered_backoff, parse_should_retry, should_retry_status};
use super::secret::SecretKey;

/// Settings for [`StripeClient`].
#[derive(Clone, Debug)]
pub struct StripeClientConfig {
    /// Base URL, possibly with a path prefix (`http://127.0.0.1:8069/stripe-sim`).
    pub base_url: String,
    /// Sent as `Stripe-Version` on every request.
    pub api_version: String,
    pub connect_timeout: Duration,
    /// Total time allowed for one attempt (connect, send, read the whole body).
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// An `http://` base URL is called on the calling task ([`super::direct`]) rather
    /// than through reqwest's connection tasks. `https://` always goes through reqwest.
    pub inline_plain_http: bool,
}

/// Stripe's production API.
pub const DEFAULT_BASE_URL: &str = "https://api.stripe.com";
/// The API version Odoo pins (PaymentIntents embed `charges`).
pub const DEFAULT_API_VERSION: &str = "2019-05-16";

impl Default for StripeClientConfig {
    fn default() -> Self {
        StripeClientConfig {
            base_url: DEFAULT_BASE_URL.to_string(),
            api_version: DEFAULT_API_VERSION.to_string(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(5),
            inline_plain_http: true,
        }
    }
}

/// A successful (2xx) Stripe response.
#[derive(Clone, Debug, PartialEq)]
pub struct StripeResponse {
    pub status: u16,
    pub body: serde_json::Value,
    /// Stripe's `Request-Id` response header (`req_...`).
    pub request_id: Option<String>,
}

/// A failed Stripe call. Never contains the secret key: error bodies and
/// transport messages are scrubbed of it.
#[derive(Debug, thiserror::Error)]
pub enum StripeError {
    /// Stripe could not be reached (connection refused, DNS, TLS...), after all
    /// retries: no attempt's request left.
    #[error("could not reach Stripe: {0}")]
    Transport(String),
    /// A request left but no answer came back (connection lost, timeout), after all
    /// retries: Stripe may have performed it.
    #[error("no answer from Stripe: {0}")]
    NoAnswer(String),
    /// Stripe answered with a non-2xx status and a JSON body (normally
    /// `{"error": {...}}`), after all retries.
    #[error("{}", describe_api_error(*.status, .body, .request_id.as_deref()))]
    Api {
        status: u16,
        body: serde_json::Value,
        request_id: Option<String>,
    },
    /// The response body was not JSON (or a 2xx was unusable).
    #[error("invalid response from Stripe: {0}")]
    InvalidResponse(String),
}

fn describe_api_error(status: u16, body: &serde_json::Value, request_id: Option<&str>) -> String {
    let err = &body["error"];
    let mut s = format!("Stripe API error (HTTP {status}");
    for field in ["type", "code", "decline_code"] {
        if let Some(v) = err[field].as_str() {
            s.push_str(", ");
            s.push_str(v);
        }
    }
    s.push(')');
    if let Some(msg) = err["message"].as_str() {
        s.push_str(": ");
        s.push_str(msg);
    }
    if let Some(id) = request_id {
        s.push_str(" [");
        s.push_str(id);
        s.push(']');
    }
    s
}

impl StripeError {
    /// `error.message` of a Stripe error body.
    pub fn stripe_message(&self) -> Option<String> {
        self.error_field("message").map(str::to_string)
    }

    /// `error.type` (`card_error`, `invalid_request_error`, ...).
    pub fn error_type(&self) -> Option<&str> {
        self.error_field("type")
    }

    /// `error.code` (`resource_missing`, `card_declined`, ...).
    pub fn error_code(&self) -> Option<&str> {
        self.error_field("code")
    }

    /// `error.decline_code` (`insufficient_funds`, ...).
    pub fn decline_code(&self) -> Option<&str> {
        self.error_field("decline_code")
    }

    /// The `error` object of a Stripe error body, as is.
    pub fn error_object(&self) -> Option<&serde_json::Value> {
        match self {
            StripeError::Api { body, .. } => body.get("error"),
            _ => None,
        }
    }

    /// HTTP status of an [`StripeError::Api`] error.
    pub fn status(&self) -> Option<u16> {
        match self {
            StripeError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            StripeError::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// No answer: Stripe was unreachable, or went silent once a request had left.
    pub fn is_transport(&self) -> bool {
        matches!(self, StripeError::Transport(_) | StripeError::NoAnswer(_))
    }

    /// Whether Stripe may have performed the request without the answer arriving.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, StripeError::NoAnswer(_))
    }

    fn error_field(&self, field: &str) -> Option<&str> {
        self.error_object()?.get(field)?.as_str()
    }
}

/// Percent-encodes one path segment (an object id): everything except the
/// RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~` is encoded, `/` included.
pub fn quote_path_segment(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0x0f)] as char);
        }
    }
    out
}

/// Encodes ordered form pairs as `application/x-www-form-urlencoded`.
pub fn encode_form(params: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

/// Joins base URL and path with exactly one slash, then appends the query.
pub(crate) fn build_url(base: &str, path: &str, query: &[(String, String)]) -> String {
    let mut url = format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    if !query.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&encode_form(query));
    }
    url
}

/// Replaces any occurrence of the raw key by its masked form.
fn scrub(text: &str, key: &SecretKey) -> String {
    let raw = key.expose();
    if raw.len() >= 8 && text.contains(raw) {
        text.replace(raw, &key.masked())
    } else {
        text.to_string()
    }
}

fn describe_transport(e: &reqwest::Error, key: &SecretKey) -> String {
    let mut msg = if e.is_timeout() {
        format!("timed out: {e}")
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        let text = inner.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        source = inner.source();
    }
    scrub(&msg, key)
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// One request, as either transport sends it.
struct Outgoing<'a> {
    method: &'a Method,
    key: &'a SecretKey,
    url: &'a str,
    /// Form-encoded; `None` for a request without a body (GET).
    body: Option<&'a str>,
    idempotency_key: Option<&'a str>,
}

/// What came back from one HTTP exchange, before it is judged.
struct Raw {
    status: u16,
    request_id: Option<String>,
    should_retry: Option<bool>,
    body: Bytes,
}

impl Raw {
    /// The answer's status and the headers Stripe's client reads (`Request-Id`,
    /// `Stripe-Should-Retry`), with `body`.
    fn new(status: u16, headers: &HeaderMap, body: Bytes) -> Raw {
        Raw {
            status,
            request_id: header_str(headers, "request-id").map(str::to_string),
            should_retry: parse_should_retry(header_str(headers, "stripe-should-retry")),
            body,
        }
    }
}

/// The outcome of one HTTP attempt.
struct Attempt {
    result: Result<StripeResponse, StripeError>,
    retryable: bool,
    status: Option<u16>,
    request_id: Option<String>,
}

/// Client for Stripe's REST API. Cheap to clone (shares the connection pool).
#[derive(Clone)]
pub struct StripeClient {
    http: reqwest::Client,
    /// Set when the base URL is `http://` and [`StripeClientConfig::inline_plain_http`].
    direct: Option<Arc<DirectHttp>>,
    config: StripeClientConfig,
}

impl std::fmt::Debug for StripeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl StripeClient {
    pub fn new(config: StripeClientConfig) -> Result<Self, StripeError> {
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| StripeError::Transport(format!("could not build HTTP client: {e}")))?;
        let direct = config
            .inline_plain_http
            .then(|| DirectHttp::for_base_url(&config.base_url, config.connect_timeout))
            .flatten()
            .map(Arc::new);
        Ok(StripeClient {
            http,
            direct,
            config,
        })
    }

    pub fn config(&self) -> &StripeClientConfig {
        &self.config
    }

    /// POSTs form params (ordered; keys already bracketed, e.g.
    /// `payment_method_types[]`) with a fresh UUID v4 `Idempotency-Key`, kept
    /// across retries.
    pub async fn post(
        &self,
        key: &SecretKey,
        path: &str,
        params: &[(String, String)],
    ) -> Result<StripeResponse, StripeError> {
        let idempotency_key = uuid::Uuid::new_v4().to_string();
        self.post_with_idempotency_key(key, path, params, &idempotency_key)
            .await
    }

    /// Like [`StripeClient::post`] with a caller-chosen `Idempotency-Key`.
    pub async fn post_with_idempotency_key(
        &self,
        key: &SecretKey,
        path: &str,
        params: &[(String, String)],
        idempotency_key: &str,
    ) -> Result<StripeResponse, StripeError> {
        let body = encode_form(params);
        self.execute(
            Method::POST,
            key,
            path,
            &[],
            Some(body),
            Some(idempotency_key),
        )
        .await
    }

    /// GETs `path` with the given query pairs.
    pub async fn get(
        &self,
        key: &SecretKey,
        path: &str,
        query: &[(String, String)],
    ) -> Result<StripeResponse, StripeError> {
        self.execute(Method::GET, key, path, query, None, None)
            .await
    }

    async fn execute(
        &self,
        method: Method,
        key: &SecretKey,
        path: &str,
        query: &[(String, String)],
        body: Option<String>,
        idempotency_key: Option<&str>,
    ) -> Result<StripeResponse, StripeError> {
        let url = build_url(&self.config.base_url, path, query);
        let started = Instant::now();
        let mut retries: u32 = 0;
        // Once one attempt's request may have reached Stripe, a later failure to
        // connect does not make the outcome known again.
        let mut maybe_performed = false;
        loop {
            let mut attempt = self
                .attempt(Outgoing {
                    method: &method,
                    key,
                    url: &url,
                    body: body.as_deref(),
                    idempotency_key,
                })
                .await;
            maybe_performed |= matches!(attempt.result, Err(StripeError::NoAnswer(_)));
            if let (true, Err(StripeError::Transport(error))) = (maybe_performed, &attempt.result) {
                attempt.result = Err(StripeError::NoAnswer(error.clone()));
            }
            if attempt.retryable && retries < self.config.max_retries {
                let delay = jittered_backoff(
                    self.config.initial_backoff,
                    self.config.max_backoff,
                    retries,
                );
                tracing::debug!(
                    method = %method,
                    path,
                    status = attempt.status,
                    request_id = attempt.request_id.as_deref(),
                    attempt = retries + 1,
                    delay_ms = delay.as_millis() as u64,
                    "stripe request will be retried"
                );
                retries += 1;
                tokio::time::sleep(delay).await;
                continue;
            }
            let duration_ms = started.elapsed().as_millis() as u64;
            let attempts = retries + 1;
            match &attempt.result {
                Err(StripeError::Transport(error) | StripeError::NoAnswer(error)) => {
                    tracing::info!(
                        method = %method,
                        path,
                        attempts,
                        duration_ms,
                        error = error.as_str(),
                        "stripe request failed"
                    )
                }
                _ => tracing::info!(
                    method = %method,
                    path,
                    status = attempt.status,
                    attempts,
                    request_id = attempt.request_id.as_deref(),
                    duration_ms,
                    "stripe request"
                ),
            }
            return attempt.result;
        }
    }

    async fn attempt(&self, out: Outgoing<'_>) -> Attempt {
        let key = out.key;
        let raw = match &self.direct {
            Some(direct) => self.exchange_direct(direct, out).await,
            None => self.exchange_reqwest(out).await,
        };
        let Raw {
            status,
            request_id,
            should_retry,
            body: bytes,
        } = match raw {
            Ok(raw) => raw,
            Err(failed) => return failed,
        };
        let success = (200..300).contains(&status);
        let result = if success {
            match serde_json::from_slice(&bytes) {
                Ok(body) => Ok(StripeResponse {
                    status,
                    body,
                    request_id: request_id.clone(),
                }),
                Err(e) => Err(StripeError::InvalidResponse(format!(
                    "HTTP {status} with a body that is not JSON ({e}): {}",
                    snippet(&bytes, key)
                ))),
            }
        } else {
            let text = scrub(&String::from_utf8_lossy(&bytes), key);
            match serde_json::from_str(&text) {
                Ok(body) => Err(StripeError::Api {
                    status,
                    body,
                    request_id: request_id.clone(),
                }),
                Err(_) => Err(StripeError::InvalidResponse(format!(
                    "HTTP {status} with a body that is not JSON: {}",
                    snippet(&bytes, key)
                ))),
            }
        };
        Attempt {
            result,
            retryable: should_retry_status(status, should_retry),
            status: Some(status),
            request_id,
        }
    }

    async fn exchange_reqwest(&self, out: Outgoing<'_>) -> Result<Raw, Attempt> {
        let Outgoing {
            method,
            key,
            url,
            body,
            idempotency_key,
        } = out;
        let mut req = self
            .http
            .request(method.clone(), url)
            .bearer_auth(key.expose())
            .header("Stripe-Version", &self.config.api_version);
        if let Some(body) = body {
            req = req.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
            if body.is_empty() {
                // hyper omits the length of an empty body; some servers and
                // proxies want it on a POST (411 Length Required otherwise).
                req = req.header(CONTENT_LENGTH, "0");
            }
            req = req.body(body.to_string());
        }
        if let Some(k) = idempotency_key {
            req = req.header("Idempotency-Key", k);
        }
        // A failure to connect sent nothing; any other failure (lost connection,
        // timeout, a body cut short) came after the request left.
        let transport_failure = |e: reqwest::Error, status, request_id| Attempt {
            retryable: !e.is_builder(),
            result: Err(if e.is_connect() {
                StripeError::Transport(describe_transport(&e, key))
            } else {
                StripeError::NoAnswer(describe_transport(&e, key))
            }),
            status,
            request_id,
        };

        let resp = match req.send().await {
            Ok(resp) => resp,
            Err(e) => return Err(transport_failure(e, None, None)),
        };
        let mut raw = Raw::new(resp.status().as_u16(), resp.headers(), Bytes::new());
        match resp.bytes().await {
            Ok(body) => {
                raw.body = body;
                Ok(raw)
            }
            Err(e) => Err(transport_failure(e, Some(raw.status), raw.request_id)),
        }
    }

    /// The same exchange as [`StripeClient::exchange_reqwest`], with the same
    /// headers, on a connection polled by this task.
    async fn exchange_direct(
        &self,
        direct: &DirectHttp,
        out: Outgoing<'_>,
    ) -> Result<Raw, Attempt> {
        let key = out.key;
        let failed = |error: StripeError| Attempt {
            retryable: true,
            result: Err(error),
            status: None,
            request_id: None,
        };
        let request = match self.direct_request(out) {
            Ok(request) => request,
            Err(e) => {
                return Err(Attempt {
                    retryable: false,
                    ..failed(StripeError::Transport(scrub(&e, key)))
                })
            }
        };
        match direct.send(request, self.config.timeout).await {
            Ok(answer) => Ok(Raw::new(answer.status, &answer.headers, answer.body)),
            Err(Failure::Connect(e)) => Err(failed(StripeError::Transport(scrub(&e, key)))),
            Err(Failure::Lost(e)) => Err(failed(StripeError::NoAnswer(scrub(&e, key)))),
        }
    }

    fn direct_request(
        &self,
        out: Outgoing<'_>,
    ) -> Result<http::Request<http_body_util::Full<Bytes>>, String> {
        let Outgoing {
            method,
            key,
            url,
            body,
            idempotency_key,
        } = out;
        let uri: http::Uri = url.parse().map_err(|e| format!("invalid URL: {e}"))?;
        let host = uri.authority().ok_or("URL without a host")?.as_str();
        let target = uri.path_and_query().map_or("/", |p| p.as_str());
        let value = |v: &str| {
            HeaderValue::from_str(v).map_err(|_| "a header value is not valid".to_string())
        };
        let mut authorization = value(&format!("Bearer {}", key.expose()))?;
        authorization.set_sensitive(true);
        let mut request = http::Request::builder()
            .method(method.clone())
            .uri(target)
            .header(http::header::HOST, value(host)?)
            .header(http::header::USER_AGENT, USER_AGENT)
            .header(http::header::ACCEPT, "*/*")
            .header(http::header::AUTHORIZATION, authorization)
            .header("Stripe-Version", value(&self.config.api_version)?);
        if body.is_some() {
            request = request
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(CONTENT_LENGTH, body.map_or(0, str::len));
        }
        if let Some(k) = idempotency_key {
            request = request.header("Idempotency-Key", value(k)?);
        }
        let body = Bytes::copy_from_slice(body.unwrap_or_default().as_bytes());
        request
            .body(http_body_util::Full::new(body))
            .map_err(|e| format!("invalid request: {e}"))
    }
}

/// Sent on every request, by either transport.
const USER_AGENT: &str = concat!("odoo-pos-stripe/", env!("CARGO_PKG_VERSION"));

/// The start of a response body, for error messages.
fn snippet(bytes: &[u8], key: &SecretKey) -> String {
    const MAX: usize = 200;
    let text = scrub(&String::from_utf8_lossy(bytes), key);
    let mut out: String = text.chars().take(MAX).collect();
    if text.chars().count() > MAX {
        out.push('…');
    }
    if out.trim().is_empty() {
        out = "<empty>".to_string();
    }
    out
}

#[cfg(test)]
mod unit_tests {
    use super::*;
    use serde_json::json;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults() {
        let c = StripeClientConfig::default();
        assert_eq!(c.base_url, "https://api.stripe.com");
        assert_eq!(c.api_version, "2019-05-16");
        assert_eq!(c.connect_timeout, Duration::from_secs(10));
        assert_eq!(c.timeout, Duration::from_secs(60));
        assert_eq!(c.max_retries, 2);
        assert_eq!(c.initial_backoff, Duration::from_millis(500));
        assert_eq!(c.max_backoff, Duration::from_secs(5));
        assert!(StripeClient::new(c).is_ok());
    }

    #[test]
    fn quoting() {
        assert_eq!(
            quote_path_segment("pi_3MtwBw2eZvKYlo2C"),
            "pi_3MtwBw2eZvKYlo2C"
        );
        assert_eq!(quote_path_segment("a-b.c_d~e"), "a-b.c_d~e");
        assert_eq!(quote_path_segment("pi_1/../x"), "pi_1%2F..%2Fx");
        assert_eq!(
            quote_path_segment("a b?c#d&e=f%"),
            "a%20b%3Fc%23d%26e%3Df%25"
        );
        assert_eq!(quote_path_segment("é"), "%C3%A9");
        assert_eq!(quote_path_segment(""), "");
    }

    #[test]
    fn urls() {
        let q = p(&[("limit", "3"), ("expand[]", "x")]);
        assert_eq!(
            build_url("https://api.stripe.com", "/v1/account", &[]),
            "https://api.stripe.com/v1/account"
        );
        assert_eq!(
            build_url("http://h:1/stripe-sim/", "/v1/account", &[]),
            "http://h:1/stripe-sim/v1/account"
        );
        assert_eq!(
            build_url("http://h:1/stripe-sim", "v1/account", &[]),
            "http://h:1/stripe-sim/v1/account"
        );
        assert_eq!(
            build_url("http://h", "/v1/terminal/readers", &q),
            "http://h/v1/terminal/readers?limit=3&expand%5B%5D=x"
        );
        assert_eq!(
            build_url("http://h", "/v1/x?a=1", &q[..1]),
            "http://h/v1/x?a=1&limit=3"
        );
    }

    #[test]
    fn form_encoding_keeps_order() {
        let params = p(&[
            ("currency", "usd"),
            ("amount", "1250"),
            ("payment_method_types[]", "card_present"),
            ("payment_method_types[]", "interac_present"),
            ("metadata[note]", "a b&c=d"),
        ]);
        let body = encode_form(&params);
        assert_eq!(
            body,
            "currency=usd&amount=1250&payment_method_types%5B%5D=card_present\
             &payment_method_types%5B%5D=interac_present&metadata%5Bnote%5D=a+b%26c%3Dd"
        );
        let decoded: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(decoded, params);
        assert_eq!(encode_form(&[]), "");
    }

    #[test]
    fn error_accessors_and_display() {
        let err = StripeError::Api {
            status: 402,
            body: json!({"error": {"type": "card_error", "code": "card_declined",
                "decline_code": "insufficient_funds", "message": "Your card has insufficient funds."}}),
            request_id: Some("req_123".into()),
        };
        assert_eq!(
            err.stripe_message().as_deref(),
            Some("Your card has insufficient funds.")
        );
        assert_eq!(err.error_type(), Some("card_error"));
        assert_eq!(err.error_code(), Some("card_declined"));
        assert_eq!(err.decline_code(), Some("insufficient_funds"));
        assert_eq!(err.status(), Some(402));
        assert_eq!(err.request_id(), Some("req_123"));
        assert!(!err.is_transport());
        assert_eq!(
            err.to_string(),
            "Stripe API error (HTTP 402, card_error, card_declined, insufficient_funds): \
             Your card has insufficient funds. [req_123]"
        );

        let bare = StripeError::Api {
            status: 500,
            body: json!({"unexpected": true}),
            request_id: None,
        };
        assert_eq!(bare.stripe_message(), None);
        assert_eq!(bare.to_string(), "Stripe API error (HTTP 500)");

        let t = StripeError::Transport("connection refused".into());
        assert!(t.is_transport());
        assert_eq!(t.stripe_message(), None);
        assert_eq!(t.status(), None);
        assert_eq!(t.to_string(), "could not reach Stripe: connection refused");
        assert_eq!(
            StripeError::InvalidResponse("x".into()).stripe_message(),
            None
        );
    }

    #[test]
    fn scrubbing() {
        let key = SecretKey::new("sk_test_abcdefgh12345678");
        assert_eq!(
            scrub("bad key sk_test_abcdefgh12345678!", &key),
            "bad key sk_test_****5678!"
        );
        assert_eq!(scrub("nothing here", &key), "nothing here");
        let short = SecretKey::new("abc");
        assert_eq!(scrub("abc abc", &short), "abc abc");
        assert_eq!(snippet(b"", &key), "<empty>");
        assert_eq!(
            snippet("x".repeat(300).as_bytes(), &key).chars().count(),
            201
        );
    }
}
