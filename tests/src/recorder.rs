//! The recording HTTP/1.1 test server.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Request, Response, StatusCode};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The body of the default reply, served when no scripted reply is queued
/// (unless replaced with [`RecordingServer::set_default`]).
pub const DEFAULT_REPLY_BODY: &str =
    r#"{"ret":0,"code":"1","msg":"success","ret_data":[],"timestamp":1695195894}"#;

/// The body of [`Reply::html_500`].
const HTML_500_BODY: &str = "<html><body><h1>500 Internal Server Error</h1></body></html>";

/// A scripted answer to one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A response with `content-type: application/json`.
    Json {
        /// The HTTP status code (an invalid code is served as 500).
        status: u16,
        /// The response body.
        body: String,
    },
    /// A response with any content type.
    Raw {
        /// The HTTP status code (an invalid code is served as 500).
        status: u16,
        /// The `content-type` header value (omitted if not a valid header value).
        content_type: String,
        /// The response body.
        body: String,
    },
    /// A `200` JSON response whose `content-length` claims `body.len() + 100`
    /// bytes: the server writes `body` and then closes the connection, so
    /// the client sees an incomplete message, never a clean response.
    Truncated {
        /// The bytes actually sent.
        body: String,
    },
    /// Reads the whole request, then closes the connection without writing
    /// any response byte.
    Drop,
    /// A JSON response without a `content-length`: the body goes out in chunks of `chunk`
    /// bytes (HTTP/1.1 chunked transfer encoding), so the client learns its size only by
    /// reading it.
    Chunked {
        /// The HTTP status code (an invalid code is served as 500).
        status: u16,
        /// The response body.
        body: String,
        /// The size of each chunk (at least 1).
        chunk: usize,
    },
    /// `then`, with one more response header.
    WithHeader {
        /// The header's name.
        name: String,
        /// The header's value (the header is omitted if either is not valid).
        value: String,
        /// The reply the header is added to.
        then: Box<Reply>,
    },
    /// Waits (with `tokio::time::sleep`) before serving `then`.
    Delay {
        /// How long to wait after the request was read.
        delay: Duration,
        /// The reply served after the wait.
        then: Box<Reply>,
    },
}

impl Reply {
    /// A `200` response with `content-type: application/json` and this body.
    pub fn json(body: impl Into<String>) -> Reply {
        Reply::Json {
            status: 200,
            body: body.into(),
        }
    }

    /// A `500` response with `content-type: text/html` and the body
    /// `<html><body><h1>500 Internal Server Error</h1></body></html>`.
    pub fn html_500() -> Reply {
        Reply::Raw {
            status: 500,
            content_type: "text/html".to_owned(),
            body: HTML_500_BODY.to_owned(),
        }
    }

    /// A response with this status, `content-type: application/json` and
    /// this body.
    pub fn status(status: u16, body: impl Into<String>) -> Reply {
        Reply::Json {
            status,
            body: body.into(),
        }
    }

    /// A response with this status, content type and body.
    pub fn raw(status: u16, content_type: impl Into<String>, body: impl Into<String>) -> Reply {
        Reply::Raw {
            status,
            content_type: content_type.into(),
            body: body.into(),
        }
    }

    /// A [`Reply::Truncated`] with this body.
    pub fn truncated(body: impl Into<String>) -> Reply {
        Reply::Truncated { body: body.into() }
    }

    /// A `200` [`Reply::Chunked`] with this body, in chunks of `chunk` bytes.
    pub fn chunked(body: impl Into<String>, chunk: usize) -> Reply {
        Reply::Chunked {
            status: 200,
            body: body.into(),
            chunk,
        }
    }

    /// This reply with one more response header, such as `Retry-After`.
    pub fn with_header(self, name: impl Into<String>, value: impl Into<String>) -> Reply {
        Reply::WithHeader {
            name: name.into(),
            value: value.into(),
            then: Box::new(self),
        }
    }

    /// This reply, served after waiting `delay`.
    pub fn delayed(self, delay: Duration) -> Reply {
        Reply::Delay {
            delay,
            then: Box::new(self),
        }
    }
}

/// One request, exactly as it arrived on the wire.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The method, e.g. `"GET"`.
    pub method: String,
    /// The path of the request target, e.g. `"/api/open/balance"`.
    pub path: String,
    /// The query string (without `?`), if the target had one.
    pub query: Option<String>,
    /// Every header in arrival order (repeated names grouped together),
    /// names in lowercase; values are read as UTF-8 (lossily).
    pub headers: Vec<(String, String)>,
    /// The whole request body.
    pub body: Bytes,
    /// When the server began handling the request (its head had been read), for tests of
    /// timing such as a client's pacing.
    pub arrived: Instant,
}

impl Recorded {
    /// The value of the first header with this name (compared
    /// case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `content-type` header.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }

    /// The fields of the query string, decoded as
    /// `application/x-www-form-urlencoded`, in order, duplicates kept.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .as_deref()
            .map(|q| crate::fields::urlencoded(q.as_bytes()))
            .unwrap_or_default()
    }

    /// The fields of the body, decoded by content type: `multipart/form-data`
    /// (via multer; each part's name and value, the value read as UTF-8,
    /// lossily), `application/x-www-form-urlencoded`, or a JSON object
    /// (`application/json` or `*+json`; string values as the string itself,
    /// other values as their JSON text). In order, duplicates kept.
    ///
    /// An empty body without a content type has no fields; any other body
    /// that cannot be decoded is an error describing why.
    pub async fn fields(&self) -> Result<Vec<(String, String)>, String> {
        crate::fields::decode(self.content_type(), &self.body).await
    }

    /// The first value of the body field `name` (see [`Recorded::fields`]);
    /// `None` if there is no such field or the body cannot be decoded.
    pub async fn field(&self, name: &str) -> Option<String> {
        self.fields()
            .await
            .ok()?
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// State shared between the server handle and its connection tasks.
struct Shared {
    state: Mutex<State>,
    connections: AtomicUsize,
    /// Requests being handled now.
    handling: AtomicUsize,
    /// The most requests ever handled at once.
    peak_handling: AtomicUsize,
}

struct State {
    queue: VecDeque<Reply>,
    default: Reply,
    requests: Vec<Recorded>,
}

impl Shared {
    /// Locks the state; a poisoned lock is still usable (the state is
    /// always consistent between statements).
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A real HTTP/1.1 server on `127.0.0.1` that records every request and
/// answers with scripted [`Reply`]s.
///
/// Keep-alive is on, so connection reuse by a client is observable through
/// [`RecordingServer::connections`]. Dropping the server stops it: the
/// accept loop and every open connection are aborted.
pub struct RecordingServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

impl fmt::Debug for RecordingServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordingServer")
            .field("addr", &self.addr)
            .field("connections", &self.connections())
            .finish_non_exhaustive()
    }
}

impl RecordingServer {
    /// Binds `127.0.0.1:0` and starts serving on the current tokio runtime.
    ///
    /// # Panics
    ///
    /// If the loopback socket cannot be bound.
    pub async fn start() -> RecordingServer {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind a loopback port for the recording server");
        let addr = listener
            .local_addr()
            .expect("local address of the recording server");
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                default: Reply::json(DEFAULT_REPLY_BODY),
                requests: Vec::new(),
            }),
            connections: AtomicUsize::new(0),
            handling: AtomicUsize::new(0),
            peak_handling: AtomicUsize::new(0),
        });
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        RecordingServer {
            addr,
            shared,
            accept,
        }
    }

    /// The base URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues a reply: each request takes the oldest queued reply; when the
    /// queue is empty, the default reply is served.
    pub fn reply(&self, reply: Reply) {
        self.shared.lock().queue.push_back(reply);
    }

    /// Replaces the reply served when the queue is empty (initially
    /// `Reply::json(DEFAULT_REPLY_BODY)`).
    pub fn set_default(&self, reply: Reply) {
        self.shared.lock().default = reply;
    }

    /// Every request received so far, in arrival order. A request is
    /// recorded once fully read and before its reply is served, so requests
    /// answered with a fault ([`Reply::Drop`], [`Reply::Truncated`]) are
    /// included.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    /// The number of TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// The most requests the server was handling at once so far. A request is handled from
    /// the arrival of its head until its reply is handed to hyper, so a [`Reply::Delay`]
    /// keeps it handled for the delay: that makes a client's concurrency observable.
    pub fn peak_concurrent(&self) -> usize {
        self.shared.peak_handling.load(Ordering::SeqCst)
    }
}

/// One request being handled, counted in [`Shared::handling`] until dropped (whichever way the
/// handler ends, the connection aborted included).
struct Handling<'a>(&'a Shared);

impl<'a> Handling<'a> {
    fn start(shared: &'a Shared) -> Self {
        let now = shared.handling.fetch_add(1, Ordering::SeqCst) + 1;
        shared.peak_handling.fetch_max(now, Ordering::SeqCst);
        Handling(shared)
    }
}

impl Drop for Handling<'_> {
    fn drop(&mut self) {
        self.0.handling.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Drop for RecordingServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Serves the scripted replies on `listener` (the sandbox's `loopback::serve`, which counts
/// the connections) until aborted.
async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let counted = Arc::clone(&shared);
    let handle = move |_peer, request: Request<Incoming>| {
        let shared = Arc::clone(&shared);
        async move { handle(request, &shared).await }
    };
    ipidea_sandbox::loopback::serve(listener, &counted.connections, handle).await;
}

/// The error a service returns to make hyper close the connection without
/// writing a response.
#[derive(Debug)]
struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("scripted reply: drop the connection")
    }
}

impl std::error::Error for DropConnection {}

type ReplyBody = BoxBody<Bytes, Infallible>;

async fn handle(
    request: Request<Incoming>,
    shared: &Shared,
) -> Result<Response<ReplyBody>, DropConnection> {
    let arrived = Instant::now();
    let _handling = Handling::start(shared);
    let (parts, body) = request.into_parts();
    // A body that cannot be read (the client went away, bad framing) leaves
    // nothing to record or answer.
    let body = body.collect().await.map_err(|_| DropConnection)?.to_bytes();
    let recorded = Recorded {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        arrived,
    };
    let mut reply = {
        let mut state = shared.lock();
        state.requests.push(recorded);
        let next = state.queue.pop_front();
        next.unwrap_or_else(|| state.default.clone())
    };
    let mut headers = Vec::new();
    let mut response = loop {
        match reply {
            Reply::Delay { delay, then } => {
                tokio::time::sleep(delay).await;
                reply = *then;
            }
            Reply::WithHeader { name, value, then } => {
                headers.push((name, value));
                reply = *then;
            }
            Reply::Drop => return Err(DropConnection),
            Reply::Json { status, body } => break full(status, Some("application/json"), body),
            Reply::Raw {
                status,
                content_type,
                body,
            } => break full(status, Some(&content_type), body),
            Reply::Chunked {
                status,
                body,
                chunk,
            } => break chunked(status, body, chunk),
            Reply::Truncated { body } => break truncated(body),
        }
    };
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    Ok(response)
}

/// A response of unknown length: hyper sends a body without an exact size hint chunked.
fn chunked(status: u16, body: String, chunk: usize) -> Response<ReplyBody> {
    let body = Bytes::from(body);
    let chunk = chunk.max(1);
    let frames = (0..body.len())
        .step_by(chunk)
        .map(|start| {
            let end = (start + chunk).min(body.len());
            Ok::<_, Infallible>(Frame::data(body.slice(start..end)))
        })
        .collect::<Vec<_>>();
    let body = StreamBody::new(futures_util::stream::iter(frames)).boxed();
    respond(status, Some("application/json"), body)
}

fn full(status: u16, content_type: Option<&str>, body: String) -> Response<ReplyBody> {
    respond(status, content_type, Full::new(Bytes::from(body)).boxed())
}

/// A response with this status (an invalid code is served as 500), content type (omitted if
/// not a valid header value) and body.
fn respond(status: u16, content_type: Option<&str>, body: ReplyBody) -> Response<ReplyBody> {
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(value) = content_type.and_then(|ct| HeaderValue::from_str(ct).ok()) {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response
}

/// A response whose `content-length` exceeds the bytes sent: the body sends them all and
/// ends early (the sandbox's `loopback::cut_short`), and hyper aborts the connection because the
/// declared length was not reached.
fn truncated(body: String) -> Response<ReplyBody> {
    let claimed = body.len() + 100;
    let frames = ipidea_sandbox::loopback::cut_short::<Infallible>(Bytes::from(body));
    let mut response = respond(
        200,
        Some("application/json"),
        StreamBody::new(frames).boxed(),
    );
    response
        .headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(claimed));
    response
}
