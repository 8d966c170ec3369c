//! The simulator as a standalone HTTP/1.1 server (`odoo-pos-stripe stripe-sim --listen ADDR`).
//!
//! hyper 1 speaks to connections through its own `rt::Read`/`rt::Write` traits; hyper-util's
//! `TokioIo` adapter is not a dependency, so [`TokioIo`] below is a small safe equivalent.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::Simulator;

/// Accepts connections until the returned future is dropped. Connections live in a `JoinSet`
/// owned by this future, so dropping it also closes every open (keep-alive) connection: a test
/// that stops one simulator never talks to it again through a pooled connection.
pub(crate) async fn serve(
    simulator: Simulator,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            // A client that gave up before being accepted is not the server's problem.
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::ConnectionAborted
                        | std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                continue
            }
            Err(error) => return Err(error),
        };
        let simulator = simulator.clone();
        connections.spawn(async move {
            // The peer's address goes with each request: the control endpoints answer only
            // loopback clients (or the control token).
            let service = hyper::service::service_fn(move |request| {
                let simulator = simulator.clone();
                async move { answer(&simulator, peer, request).await }
            });
            if let Err(error) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo(stream), service)
                .await
            {
                tracing::debug!(%peer, %error, "stripe simulator connection ended with an error");
            }
        });
    }
}

/// Why a request gets no response: the connection is to be dropped.
#[derive(Debug)]
struct DroppedConnection;

impl std::fmt::Display for DroppedConnection {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DroppedConnection {}

/// Answers one request; an error makes hyper close the connection without a response, which is
/// how `drop` and `drop_after` faults reach the client.
async fn answer(
    simulator: &Simulator,
    peer: std::net::SocketAddr,
    request: http::Request<hyper::body::Incoming>,
) -> Result<http::Response<Full<Bytes>>, DroppedConnection> {
    let (parts, body) = request.into_parts();
    let body = match http_body_util::Limited::new(body, simulator.max_body_bytes())
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => {
            return Ok(simulator
                .body_too_large()
                .map(|text| Full::new(Bytes::from(text))))
        }
        Err(_) => return Ok(plain_error(400, "The request body was cut off.")),
    };
    let response = simulator
        .handle_or_drop(
            Some(peer),
            &parts.method,
            parts.uri.path(),
            parts.uri.query(),
            &parts.headers,
            body,
        )
        .await
        .ok_or(DroppedConnection)?;
    Ok(response.map(|text| Full::new(Bytes::from(text))))
}

fn plain_error(status: u16, message: &str) -> http::Response<Full<Bytes>> {
    let body =
        serde_json::json!({ "error": { "type": "invalid_request_error", "message": message } });
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("status and headers are valid by construction")
}

/// Adapts a tokio I/O object to hyper's I/O traits.
struct TokioIo<T>(T);

impl<T: AsyncRead + Unpin> hyper::rt::Read for TokioIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        // Read through a small stack buffer so no uninitialized memory is handled (no `unsafe`).
        let mut scratch = [0u8; 8192];
        let limit = buf.remaining().min(scratch.len());
        let mut read_buf = ReadBuf::new(&mut scratch[..limit]);
        match Pin::new(&mut self.0).poll_read(cx, &mut read_buf) {
            Poll::Ready(Ok(())) => {
                buf.put_slice(read_buf.filled());
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl<T: AsyncWrite + Unpin> hyper::rt::Write for TokioIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
