//! The HTTP transport. Connections are served by jsonrpsee's HTTP handling; this tower
//! service answers every route itself, JSON-RPC included, because Odoo's envelope differs
//! from plain JSON-RPC 2.0 (the URL chooses the handler, errors come with HTTP 200, a
//! handler returning nothing has no `result`). Only this module knows those envelopes:
//! it decodes a request into an `rpc::Call`, hands it to `rpc::handle`, and encodes the
//! answer.

pub mod assets;
pub mod envelope;
pub mod pages;
pub mod websocket;
mod xml_tree;
pub mod xmlrpc;

use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::future::BoxFuture;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use http_body_util::BodyExt;
use jsonrpsee::server::{HttpBody, HttpRequest, HttpResponse};
use serde_json::{Map, Value};

use crate::rpc::{self, Call, CallNames};
use crate::services::Services;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The client's socket address, set on every request by the server's accept loop
/// (`startup`): read it with `parts.extensions.get::<PeerAddr>()`. jsonrpsee's own server does
/// not hand it to HTTP middleware, hence our loop. Absent only when a request did not come
/// through that loop; treat it then as an unknown, remote client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerAddr(pub std::net::SocketAddr);

/// Odoo's routes: the service every HTTP request of the server goes to (`startup`).
#[derive(Clone)]
pub struct OdooService {
    services: Arc<Services>,
}

impl OdooService {
    pub fn new(services: Arc<Services>) -> OdooService {
        OdooService { services }
    }
}

impl tower::Service<HttpRequest> for OdooService {
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<HttpResponse, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: HttpRequest) -> Self::Future {
        Box::pin(handle(self.services.clone(), req))
    }
}

/// A response on its way out: status, headers, body.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(status: StatusCode, text: &str) -> Reply {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        Reply {
            status,
            headers,
            body: text.as_bytes().to_vec(),
        }
    }

    pub fn json(value: &Value) -> Reply {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Reply {
            status: StatusCode::OK,
            headers,
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    pub(crate) fn into_response(self) -> HttpResponse {
        let mut resp = HttpResponse::new(HttpBody::from(self.body));
        *resp.status_mut() = self.status;
        *resp.headers_mut() = self.headers;
        resp
    }
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

/// The client's address, when the server's accept loop put it in the request.
fn peer_of(parts: &http::request::Parts) -> Option<std::net::SocketAddr> {
    parts.extensions.get::<PeerAddr>().map(|peer| peer.0)
}

/// Bodies beyond this many bytes are not even drained: the connection is closed.
const DRAIN_CAP: usize = 256 * 1024 * 1024;

/// Reads a body up to `limit` bytes. A larger body is refused with 413 and never
/// parsed; it is read to the end (and dropped) so the client receives the answer.
async fn read_body(body: HttpBody, headers: &HeaderMap, limit: usize) -> Result<Bytes, Reply> {
    let too_big = || {
        Reply::text(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                "Request Entity Too Large: the request body exceeds the limit of {limit} bytes."
            ),
        )
    };
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut body = body;
    let mut buf = bytes::BytesMut::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(Reply::text(StatusCode::BAD_REQUEST, "Bad Request"));
        };
        if let Ok(data) = frame.into_data() {
            seen += data.len();
            if seen > DRAIN_CAP {
                break;
            }
            if seen <= limit && declared.map(|d| d <= limit).unwrap_or(true) {
                buf.extend_from_slice(&data);
            }
        }
    }
    if seen > limit || declared.map(|d| d > limit).unwrap_or(false) {
        return Err(too_big());
    }
    Ok(buf.freeze())
}

/// How deep a JSON body may nest: serde_json's own recursion limit, which this
/// transport relies on (every layer below walks values recursively, within the
/// server's stack budget, see `startup::WORKER_STACK_BYTES`). Odoo accepts what
/// CPython's recursion limit lets through (about 900 levels); no client nests
/// beyond a few dozen.
pub const MAX_JSON_DEPTH: usize = 128;

const JSON_ROUTES: &[&str] = &[
    "/jsonrpc",
    "/web/session/authenticate",
    "/web/session/get_session_info",
    "/web/session/destroy",
    "/web/session/check",
    "/web/dataset/call_kw",
    "/web/dataset/call_button",
    "/web/webclient/version_info",
    "/web/database/list",
];

fn json_route(path: &str) -> Option<&'static str> {
    if path.starts_with("/web/dataset/call_kw/") {
        return Some("/web/dataset/call_kw");
    }
    JSON_ROUTES.iter().find(|r| **r == path).copied()
}

async fn handle(services: Arc<Services>, req: HttpRequest) -> Result<HttpResponse, BoxError> {
    if req.uri().path() == "/websocket" && req.method() == Method::GET {
        return Ok(websocket::upgrade(services, req));
    }
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    if let Some(rest) = path.strip_prefix("/stripe-sim") {
        if let Some(sim) = &services.simulator {
            let limit = sim.max_body_bytes().min(services.settings.max_body_bytes);
            let body = match read_body(body, &parts.headers, limit).await {
                Ok(b) => b,
                Err(reply) if reply.status == StatusCode::PAYLOAD_TOO_LARGE => {
                    let (p, b) = sim.body_too_large().into_parts();
                    return Ok(HttpResponse::from_parts(p, HttpBody::from(b)));
                }
                Err(reply) => return Ok(reply.into_response()),
            };
            let sim_path = if rest.is_empty() { "/" } else { rest };
            // The control endpoints answer loopback clients (or the control token) only.
            let peer = parts.extensions.get::<PeerAddr>().map(|peer| peer.0);
            return match sim
                .handle_or_drop(
                    peer,
                    &parts.method,
                    sim_path,
                    parts.uri.query(),
                    &parts.headers,
                    body,
                )
                .await
            {
                Some(resp) => {
                    let (p, b) = resp.into_parts();
                    Ok(HttpResponse::from_parts(p, HttpBody::from(b)))
                }
                // Fault injection: close the connection without an answer.
                None => Err("simulated dropped connection".into()),
            };
        }
    }
    // The pulled POS assets (bundle, fonts, images, the bus worker).
    if (parts.method == Method::GET || parts.method == Method::HEAD)
        && assets::is_asset(&services, &path)
    {
        if let Some(reply) = assets::serve_asset(&services, &path, &parts.headers).await {
            return Ok(reply.into_response());
        }
    }
    // The login form, `/odoo`, `/pos/ui`, translations, images.
    let body = match pages::handle(&services, &parts, body).await {
        Ok(reply) => return Ok(reply.into_response()),
        Err(body) => body,
    };
    if let Some(service) = xmlrpc::service_of(&path) {
        return Ok(handle_xmlrpc(&services, parts, body, service)
            .await
            .into_response());
    }
    let Some(route) = json_route(&path) else {
        return Ok(Reply::text(StatusCode::NOT_FOUND, "404: Not Found").into_response());
    };
    if parts.method != Method::POST {
        return Ok(
            Reply::text(StatusCode::METHOD_NOT_ALLOWED, "405: Method Not Allowed").into_response(),
        );
    }
    let content_type = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_lowercase();
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    if mime != "application/json" && mime != "application/json-rpc" {
        return Ok(Reply::text(
            StatusCode::BAD_REQUEST,
            &format!("Bad Request: {path} is a JSON route and expects Content-Type application/json, not '{mime}'."),
        )
        .into_response());
    }
    let bytes = match read_body(body, &parts.headers, services.settings.max_body_bytes).await {
        Ok(b) => b,
        Err(reply) => return Ok(reply.into_response()),
    };
    let parsed: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        // serde_json stops at 128 levels of nesting (MAX_JSON_DEPTH), the bound every
        // layer below relies on. Odoo meets too deep a body with CPython's
        // RecursionError, as a JSON-RPC error without an id rather than a 400.
        Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
            let err = crate::errors::OdooError::RecursionError(
                "maximum recursion depth exceeded while decoding a JSON array from a unicode string"
                    .into(),
            );
            let generic = services.settings.generic_error_code();
            return Ok(
                Reply::json(&envelope::error(&Value::Null, &err, generic, &Map::new()))
                    .into_response(),
            );
        }
        Err(_) => {
            return Ok(Reply::text(StatusCode::BAD_REQUEST, "Invalid JSON data").into_response())
        }
    };
    let Value::Object(mut envelope) = parsed else {
        return Ok(Reply::text(StatusCode::BAD_REQUEST, "Invalid JSON-RPC data").into_response());
    };
    let id = envelope.remove("id").unwrap_or(Value::Null);
    let params = match envelope.remove("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Ok(
                Reply::text(StatusCode::BAD_REQUEST, "Invalid JSON-RPC data").into_response(),
            )
        }
    };
    let mut names = CallNames::default();
    let call = Call::from_route(services.registry, route, params, &mut names);
    let request = rpc::Request {
        call,
        names,
        session_id: cookie(&parts.headers, "session_id"),
        route: route.to_string(),
        peer: peer_of(&parts),
    };
    let generic = services.settings.generic_error_code();
    let (value, set_cookie) = match rpc::handle(&services, request).await {
        Ok(reply) => (envelope::success(&id, reply.result), reply.set_cookie),
        Err(err) => (envelope::error(&id, &err, generic, &Map::new()), None),
    };
    let mut reply = Reply::json(&value);
    if let Some(c) = set_cookie {
        if let Ok(v) = HeaderValue::from_str(&c) {
            reply.headers.insert(http::header::SET_COOKIE, v);
        }
    }
    Ok(reply.into_response())
}

/// One XML-RPC call: decoded into a call, run, encoded back.
async fn handle_xmlrpc(
    services: &Arc<Services>,
    parts: http::request::Parts,
    body: HttpBody,
    service: &str,
) -> Reply {
    if parts.method != Method::POST {
        return Reply::text(StatusCode::METHOD_NOT_ALLOWED, "405: Method Not Allowed");
    }
    let bytes = match read_body(body, &parts.headers, services.settings.max_body_bytes).await {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    let xml = match xmlrpc::parse_call(&bytes) {
        Err(problem) => xmlrpc::parse_fault(&problem),
        Ok((method, args)) => {
            let mut names = CallNames::default();
            let call = Call::from_service(services.registry, service, &method, args, &mut names);
            let request = rpc::Request {
                call,
                names,
                session_id: None,
                route: format!("/xmlrpc/2/{service}"),
                peer: peer_of(&parts),
            };
            match rpc::handle(services, request).await {
                Ok(reply) => xmlrpc::response(reply.result.as_ref()),
                Err(err) => xmlrpc::error_fault(&err),
            }
        }
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    Reply {
        status: StatusCode::OK,
        headers,
        body: xml.into_bytes(),
    }
}
