//! Plain-HTTP transport for a Stripe base URL that is `http://` (the simulator, ours
//! or another on the network): HTTP/1.1 keep-alive connections driven on the calling
//! task.
//!
//! reqwest runs each connection on a task of its own: a request goes to that task
//! through a channel, and the answer and its body come back through two more, so
//! every Stripe call wakes another task, often on the other worker thread. On a
//! loopback simulator that hand-off is a good share of what a payment call costs.
//! Here the caller polls the connection itself while it waits for the answer, and
//! puts it back in a small idle list when the answer is read. `https://` (Stripe
//! itself) keeps reqwest: TLS, proxies and DNS are its job.

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, Connection, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Idle connections kept for reuse, at most.
const MAX_IDLE: usize = 64;
/// An idle connection older than this is closed rather than reused (reqwest keeps
/// them 90 s; servers commonly drop them after 60 s or more).
const IDLE_FOR: Duration = Duration::from_secs(50);

type Conn = Connection<TokioIo<TcpStream>, Full<Bytes>>;

struct Idle {
    send: SendRequest<Full<Bytes>>,
    conn: Conn,
    since: Instant,
    /// Opened for this request (not taken from the idle list).
    new: bool,
}

impl Idle {
    /// Whether the connection can take a request now: polled once, so that a close
    /// the server sent while it sat idle is read before it is chosen.
    fn usable(&mut self) -> bool {
        if self.since.elapsed() > IDLE_FOR {
            return false;
        }
        let mut cx = Context::from_waker(futures::task::noop_waker_ref());
        if Pin::new(&mut self.conn)
            .poll_without_shutdown(&mut cx)
            .is_ready()
        {
            return false;
        }
        matches!(self.send.poll_ready(&mut cx), Poll::Ready(Ok(())))
    }
}

/// A response read to its end.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Why an exchange failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Nothing was sent: the connection could not be made (or timed out being made).
    Connect(String),
    /// The request may have left: the connection broke, or the answer was late.
    Lost(String),
}

/// The connections to one `http://` host.
pub(crate) struct DirectHttp {
    /// `host:port`, as connected to.
    address: String,
    connect_timeout: Duration,
    idle: Mutex<Vec<Idle>>,
}

impl DirectHttp {
    /// For a base URL whose scheme is `http` (case-insensitively); `None` otherwise.
    pub(crate) fn for_base_url(base_url: &str, connect_timeout: Duration) -> Option<DirectHttp> {
        let uri: Uri = base_url.parse().ok()?;
        if !uri.scheme_str()?.eq_ignore_ascii_case("http") {
            return None;
        }
        let authority = uri.authority()?;
        let address = format!(
            "{}:{}",
            authority.host(),
            authority.port_u16().unwrap_or(80)
        );
        Some(DirectHttp {
            address,
            connect_timeout,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Sends `request` (its URI in origin form: path and query) and reads the answer,
    /// all within `timeout`.
    pub(crate) async fn send(
        &self,
        request: Request<Full<Bytes>>,
        timeout: Duration,
    ) -> Result<Answer, Failure> {
        let deadline = tokio::time::Instant::now() + timeout;
        let late = |what: &str| {
            format!(
                "timed out after {} ms {what} {}",
                timeout.as_millis(),
                self.address
            )
        };
        let mut request = request;
        let mut fresh = false;
        loop {
            let idle = match tokio::time::timeout_at(deadline, self.checkout(fresh)).await {
                Ok(idle) => idle?,
                Err(_) => return Err(Failure::Connect(late("connecting to"))),
            };
            let reused = !idle.new;
            let (result, back) =
                match tokio::time::timeout_at(deadline, exchange(idle, request)).await {
                    Ok(done) => done,
                    Err(_) => return Err(Failure::Lost(late("waiting for"))),
                };
            if let Some(back) = back {
                let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
                if idle.len() < MAX_IDLE {
                    idle.push(back);
                }
            }
            match result {
                Ok(answer) => return Ok(answer),
                // A kept connection the server closed as the request went: nothing of it
                // was written, so it goes again at once on a new connection (as reqwest's
                // pool does), without spending one of the caller's retries.
                Err(Exchange::Unsent(again, _)) if reused => {
                    request = *again;
                    fresh = true;
                }
                Err(Exchange::Unsent(_, error)) => return Err(Failure::Connect(error)),
                Err(Exchange::Failed(failure)) => return Err(failure),
            }
        }
    }

    fn idle_connection(&self) -> Option<Idle> {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop()
    }

    /// The most recently used idle connection that is still open (unless `fresh`),
    /// else a new one.
    async fn checkout(&self, fresh: bool) -> Result<Idle, Failure> {
        if !fresh {
            while let Some(mut idle) = self.idle_connection() {
                if idle.usable() {
                    return Ok(idle);
                }
            }
        }
        let connect = TcpStream::connect(self.address.as_str());
        let stream = match tokio::time::timeout(self.connect_timeout, connect).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => {
                return Err(Failure::Connect(format!(
                    "tcp connect error to {}: {e}",
                    self.address
                )))
            }
            Err(_) => {
                return Err(Failure::Connect(format!(
                    "timed out connecting to {}",
                    self.address
                )))
            }
        };
        let _ = stream.set_nodelay(true);
        let (send, conn) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| Failure::Connect(format!("HTTP handshake with {}: {e}", self.address)))?;
        Ok(Idle {
            send,
            conn,
            since: Instant::now(),
            new: true,
        })
    }
}

/// How an exchange failed.
enum Exchange {
    /// The connection was closed before any of the request was written: hyper gave it
    /// back.
    Unsent(Box<Request<Full<Bytes>>>, String),
    Failed(Failure),
}

/// Sends one request on `idle`, polling its connection while the answer is awaited
/// and read; gives the connection back when it can carry another request.
async fn exchange(
    idle: Idle,
    request: Request<Full<Bytes>>,
) -> (Result<Answer, Exchange>, Option<Idle>) {
    let Idle {
        mut send, mut conn, ..
    } = idle;
    let mut closed = false;
    let result = {
        let mut answer = pin!(async {
            let response = send.try_send_request(request).await.map_err(|mut e| {
                // hyper hands the request back when none of it was written.
                let error = describe(e.error());
                match e.take_message() {
                    Some(request) => Exchange::Unsent(
                        Box::new(request),
                        format!("connection closed before sending: {error}"),
                    ),
                    None => Exchange::Failed(Failure::Lost(error)),
                }
            })?;
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| Exchange::Failed(Failure::Lost(describe(&e))))?
                .to_bytes();
            Ok(Answer {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body,
            })
        });
        // The connection and the answer wake each other while this task polls them:
        // `PollAgain` polls again instead of rescheduling the task (crate::wake).
        crate::wake::PollAgain::new(std::future::poll_fn(|cx| {
            if !closed && Pin::new(&mut conn).poll_without_shutdown(cx).is_ready() {
                // Closed or broken: whatever is waiting hears it from hyper.
                closed = true;
            }
            answer.as_mut().poll(cx)
        }))
        .await
    };
    let back = (!closed && result.is_ok()).then(|| Idle {
        send,
        conn,
        since: Instant::now(),
        new: false,
    });
    (result, back)
}

fn describe(e: &hyper::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}
