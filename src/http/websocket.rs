//! The bus websocket (`/websocket`), as Odoo 18's bus worker uses it: the client
//! subscribes to channels (`{"event_name": "subscribe", "data": {"channels": [...],
//! "last": id}}`) and receives, as text frames, lists of notifications
//! `[{"id", "message": {"type", "payload"}}]` sent on those channels. Framing, pings
//! and close handshakes are tokio-tungstenite's; the upgrade is hyper's.

use std::collections::HashSet;
use std::sync::Arc;

use futures::{SinkExt, StreamExt};
use http::{HeaderValue, StatusCode};
use jsonrpsee::server::{HttpRequest, HttpResponse};
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::Reply;
use crate::services::bus::{Bus, Notification};
use crate::services::Services;

/// Largest frame a client may send (subscriptions are small).
const MAX_MESSAGE: usize = 64 * 1024;
/// Most channels one connection may listen to.
const MAX_CHANNELS: usize = 256;
/// Longest channel name.
const MAX_CHANNEL_LEN: usize = 256;
/// Most websockets open at once on this process (a POS device holds one).
pub const MAX_CONNECTIONS: usize = 2048;

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Upgrades `GET /websocket` and serves the connection in a task of its own.
pub fn upgrade(services: Arc<Services>, mut req: HttpRequest) -> HttpResponse {
    let wants_websocket = header(&req, "upgrade")
        .is_some_and(|u| u.eq_ignore_ascii_case("websocket"))
        && header(&req, "connection").is_some_and(|c| {
            c.split(',')
                .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
        });
    let key = header(&req, "sec-websocket-key").map(str::to_string);
    let (true, Some(key)) = (wants_websocket, key) else {
        return Reply::text(
            StatusCode::BAD_REQUEST,
            "Bad Request: /websocket expects a websocket upgrade.",
        )
        .into_response();
    };
    let Some(listener) = services.bus.join(MAX_CONNECTIONS) else {
        return Reply::text(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service Unavailable: too many websockets are open.",
        )
        .into_response();
    };
    let on_upgrade = hyper::upgrade::on(&mut req);
    let bus = services.bus.clone();
    tokio::spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                let mut config = WebSocketConfig::default();
                config.max_message_size = Some(MAX_MESSAGE);
                config.max_frame_size = Some(MAX_MESSAGE);
                let io = hyper_util::rt::TokioIo::new(upgraded);
                let ws = WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await;
                serve(ws, bus).await;
                drop(listener);
            }
            Err(error) => tracing::debug!(%error, "websocket upgrade failed"),
        }
    });
    let mut resp = HttpResponse::new(jsonrpsee::server::HttpBody::empty());
    *resp.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = resp.headers_mut();
    h.insert(http::header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(
        http::header::CONNECTION,
        HeaderValue::from_static("Upgrade"),
    );
    if let Ok(v) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
        h.insert(http::header::SEC_WEBSOCKET_ACCEPT, v);
    }
    resp
}

/// A subscription frame's channels and `last` id; `None` for any other frame.
fn subscription(frame: &str) -> Option<(HashSet<String>, u64)> {
    let v: Value = serde_json::from_str(frame).ok()?;
    if v.get("event_name")?.as_str()? != "subscribe" {
        return None;
    }
    let data = v.get("data")?;
    let channels = data
        .get("channels")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .filter(|c| c.len() <= MAX_CHANNEL_LEN)
        .take(MAX_CHANNELS)
        .map(str::to_string)
        .collect();
    let last = data.get("last").and_then(Value::as_u64).unwrap_or(0);
    Some((channels, last))
}

fn frame(notifications: &[Arc<Notification>]) -> Message {
    let list: Vec<Value> = notifications.iter().map(|n| n.to_json()).collect();
    Message::text(Value::Array(list).to_string())
}

async fn serve<S>(ws: WebSocketStream<S>, bus: Bus)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut sink, mut stream) = ws.split();
    let mut receiver = bus.subscribe();
    let mut channels: HashSet<String> = HashSet::new();
    loop {
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if let Some((subscribed, last)) = subscription(text.as_str()) {
                        channels = subscribed;
                        let missed = bus.since(&channels, last);
                        if !missed.is_empty() && sink.send(frame(&missed)).await.is_err() {
                            break;
                        }
                    }
                    // Other events (`update_presence`, ...) need no answer here.
                }
                Some(Ok(Message::Ping(data))) => {
                    if sink.send(Message::Pong(data)).await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            sent = receiver.recv() => match sent {
                Ok(n) if channels.contains(&n.channel) => {
                    if sink.send(frame(&[n])).await.is_err() {
                        break;
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            },
        }
    }
    let _ = sink.close().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscriptions_are_read_bounded() {
        let (channels, last) = subscription(
            r#"{"event_name":"subscribe","data":{"channels":["589b8e1cef274463"],"last":0}}"#,
        )
        .unwrap();
        assert!(channels.contains("589b8e1cef274463"));
        assert_eq!(last, 0);
        assert!(subscription(r#"{"event_name":"update_presence","data":{}}"#).is_none());
        let many: Vec<String> = (0..1000).map(|i| format!("c{i}")).collect();
        let frame =
            serde_json::json!({"event_name": "subscribe", "data": {"channels": many, "last": 5}});
        let (channels, last) = subscription(&frame.to_string()).unwrap();
        assert_eq!(channels.len(), MAX_CHANNELS);
        assert_eq!(last, 5);
    }
}
