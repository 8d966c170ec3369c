//! One `/v1` request, parsed once: method, path, form parameters, credentials and Stripe headers.
//!
//! Both the pipeline (`api`) and the handlers (`endpoints`) read an [`ApiRequest`]; keeping it here
//! rather than in either of them means neither module imports the other both ways.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::error::ApiError;
use super::params;
use super::state::random_alnum;

/// The version used when a request sends no `Stripe-Version`: the one our schemas describe.
pub(crate) const DEFAULT_API_VERSION: &str = "2023-08-16";

/// How the client authenticated, as the `Authorization` header says.
#[derive(Debug, Clone)]
pub(crate) enum Credentials {
    Missing,
    Bearer(String),
    Basic(String),
    /// A scheme other than Bearer or Basic, or a Basic value that does not decode.
    Unsupported,
}

impl Credentials {
    fn from_headers(headers: &http::HeaderMap) -> Credentials {
        let Some(value) = headers
            .get(http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
        else {
            return Credentials::Missing;
        };
        let value = value.trim();
        let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
        let rest = rest.trim();
        if scheme.eq_ignore_ascii_case("bearer") {
            Credentials::Bearer(rest.to_string())
        } else if scheme.eq_ignore_ascii_case("basic") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(rest)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            match decoded {
                // The key is the user name; the password is empty (and ignored).
                Some(text) => Credentials::Basic(
                    text.split_once(':')
                        .map(|(user, _)| user)
                        .unwrap_or(&text)
                        .to_string(),
                ),
                None => Credentials::Unsupported,
            }
        } else {
            Credentials::Unsupported
        }
    }

    /// The scheme, for the request log (which never records the key).
    pub fn scheme(&self) -> &'static str {
        match self {
            Credentials::Missing => "none",
            Credentials::Bearer(_) => "bearer",
            Credentials::Basic(_) => "basic",
            Credentials::Unsupported => "unsupported",
        }
    }

    pub fn key(&self) -> Option<&str> {
        match self {
            Credentials::Bearer(key) | Credentials::Basic(key) if !key.is_empty() => Some(key),
            _ => None,
        }
    }
}

/// One `/v1` request, parsed once before any fault or lock.
#[derive(Debug)]
pub(crate) struct ApiRequest {
    pub method: http::Method,
    pub path: String,
    pub query: Option<String>,
    pub params: Result<Map<String, Value>, ApiError>,
    pub credentials: Credentials,
    pub stripe_version: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_id: String,
}

impl ApiRequest {
    pub fn parse(
        method: &http::Method,
        path: &str,
        query: Option<&str>,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> ApiRequest {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(|value| value.trim().to_string())
                .filter(|value| !value.is_empty())
        };
        // GET parameters travel in the query string; POST bodies may add to it.
        let mut raw = query.unwrap_or_default().as_bytes().to_vec();
        if *method != http::Method::GET && *method != http::Method::DELETE && !body.is_empty() {
            if !raw.is_empty() {
                raw.push(b'&');
            }
            raw.extend_from_slice(body);
        }
        ApiRequest {
            method: method.clone(),
            path: path.to_string(),
            query: query.map(str::to_string),
            params: params::parse_form(&raw),
            credentials: Credentials::from_headers(headers),
            stripe_version: header("stripe-version"),
            idempotency_key: header("idempotency-key"),
            request_id: new_request_id(),
        }
    }

    pub fn version(&self) -> &str {
        self.stripe_version
            .as_deref()
            .unwrap_or(DEFAULT_API_VERSION)
    }

    pub fn is_post(&self) -> bool {
        self.method == http::Method::POST
    }
}

/// `req_` and 14 letters and digits.
pub(crate) fn new_request_id() -> String {
    format!("req_{}", random_alnum(14))
}
