//! Working proxies on loopback, as the sandbox hands them out: HTTP (absolute-form requests and
//! `CONNECT` tunnels) and SOCKS5 (`CONNECT`, no authentication).
//!
//! Each proxy listens on `127.0.0.1` and connects out from a loopback address of its own
//! (`127.0.0.2`, `127.0.0.3`, ...), so that a target sees a different source address for each
//! proxy, as it would through the real service. Linux routes all of `127.0.0.0/8` to loopback;
//! where a platform does not, [`Proxy::start`] fails with the address it could not bind.
//!
//! **A proxy forwards to loopback addresses only** (`127.0.0.0/8`, `::1`): [`destination`]
//! decides before any connection is made, a name is resolved and every address it resolves to
//! must be loopback, and anything else is refused (HTTP `403`, SOCKS5 reply `2`, "connection not
//! allowed by ruleset"). A test tool must never become an open proxy.

use std::convert::Infallible;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper::header::{HOST, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinHandle;

use crate::loopback;

/// What a proxy speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProxyProtocol {
    /// HTTP: absolute-form `http://` requests, and `CONNECT` tunnels.
    Http,
    /// SOCKS5 with no authentication, `CONNECT` only.
    Socks5,
}

impl ProxyProtocol {
    /// The scheme of its URLs: `http` or `socks5`.
    pub fn scheme(self) -> &'static str {
        match self {
            ProxyProtocol::Http => "http",
            ProxyProtocol::Socks5 => "socks5",
        }
    }
}

/// Why a proxy does not connect to a destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// It is not a loopback address (or a name resolves to one that is not): the sandbox's
    /// proxies never forward off this machine.
    NotLoopback(IpAddr),
    /// The name resolves to no address.
    Unresolved(String),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::NotLoopback(ip) => write!(
                f,
                "the sandbox's proxies forward to loopback addresses only, and {ip} is not one"
            ),
            Refused::Unresolved(host) => write!(f, "`{host}` resolves to no address"),
        }
    }
}

/// Where a proxy may connect for `host:port`: the address, if `host` is a loopback address or
/// a name whose every address is loopback. The decision is made before any connection.
///
/// ```
/// # tokio_test_block(async {
/// use ipidea_sandbox::proxy::{Refused, destination};
///
/// assert!(destination("127.0.0.9", 80).await.is_ok());
/// assert!(destination("::1", 80).await.is_ok());
/// assert_eq!(
///     destination("10.0.0.1", 80).await,
///     Err(Refused::NotLoopback("10.0.0.1".parse().unwrap()))
/// );
/// # });
/// # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
/// # }
/// ```
pub async fn destination(host: &str, port: u16) -> Result<SocketAddr, Refused> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return if ip.is_loopback() {
            Ok(SocketAddr::new(ip, port))
        } else {
            Err(Refused::NotLoopback(ip))
        };
    }
    let resolved: Vec<SocketAddr> = match tokio::net::lookup_host((host, port)).await {
        Ok(addresses) => addresses.collect(),
        Err(_) => Vec::new(),
    };
    if let Some(off) = resolved.iter().find(|a| !a.ip().is_loopback()) {
        return Err(Refused::NotLoopback(off.ip()));
    }
    resolved
        .into_iter()
        .next()
        .ok_or_else(|| Refused::Unresolved(host.to_owned()))
}

/// Where a proxy's requests leave from: its source address, and the connections it keeps open
/// to the destinations of its plain `http://` requests (reused as a real forward proxy reuses
/// them; each leaves from the source address). Cheap to clone: clones share the connections.
#[derive(Clone)]
pub(crate) struct Upstream {
    source: IpAddr,
    client: Client<HttpConnector, Incoming>,
}

impl Upstream {
    /// Connections from `source` (to IPv6 destinations, from `::1` when `source` is IPv4).
    pub(crate) fn new(source: IpAddr) -> Upstream {
        let mut connector = HttpConnector::new();
        match source {
            IpAddr::V4(v4) => connector.set_local_addresses(v4, Ipv6Addr::LOCALHOST),
            IpAddr::V6(_) => connector.set_local_address(Some(source)),
        }
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(std::time::Duration::from_secs(10))
            .build(connector);
        Upstream { source, client }
    }
}

/// Connects to `to` (a loopback address) from `source`, where the two are of one family.
async fn connect_from(source: IpAddr, to: SocketAddr) -> io::Result<TcpStream> {
    let socket = if to.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    if source.is_ipv4() == to.is_ipv4() {
        socket.bind(SocketAddr::new(source, 0))?;
    }
    socket.connect(to).await
}

/// A fault a proxy plays, for testing what its users do about a bad proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProxyFault {
    /// The proxy is gone: its port refuses connections from now on.
    Dead,
    /// Every request (or tunnel) waits this long before it is forwarded.
    Slow(std::time::Duration),
    /// An HTTP request is forwarded, then its answer is cut off halfway; a tunnel or SOCKS5
    /// connection is closed once the client has sent its first bytes.
    DropMidRequest,
}

/// The fault a proxy plays now, shared with its connections.
type FaultCell = Arc<Mutex<Option<ProxyFault>>>;

fn fault_of(cell: &FaultCell) -> Option<ProxyFault> {
    *cell.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running proxy. It stops when dropped, with every connection it holds.
#[derive(Debug)]
pub struct Proxy {
    addr: SocketAddr,
    source: IpAddr,
    protocol: ProxyProtocol,
    fault: FaultCell,
    task: JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    /// Starts a proxy of `protocol` on `127.0.0.1`, connecting out from `source`, a loopback
    /// address. An address that is not loopback is refused; one this machine cannot bind (a
    /// platform that routes only `127.0.0.1`) fails with the error of the bind.
    pub async fn start(protocol: ProxyProtocol, source: IpAddr) -> io::Result<Proxy> {
        if !source.is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a proxy connects out from a loopback address, and {source} is not one"),
            ));
        }
        // The source can be bound here, or nothing will work.
        let probe = TcpSocket::new_v4()?;
        probe.bind(SocketAddr::new(source, 0)).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot connect out from {source}: {e}"))
        })?;
        drop(probe);
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let fault = FaultCell::default();
        let task = match protocol {
            ProxyProtocol::Http => tokio::spawn(serve_http(listener, source, Arc::clone(&fault))),
            ProxyProtocol::Socks5 => {
                tokio::spawn(serve_socks5(listener, source, Arc::clone(&fault)))
            }
        };
        Ok(Proxy {
            addr,
            source,
            protocol,
            fault,
            task,
        })
    }

    /// Plays `fault` from now on (`None`: none). [`ProxyFault::Dead`] stops the proxy for
    /// good: its port refuses connections.
    pub fn set_fault(&self, fault: Option<ProxyFault>) {
        *self.fault.lock().unwrap_or_else(|e| e.into_inner()) = fault;
        if fault == Some(ProxyFault::Dead) {
            self.task.abort();
        }
    }

    /// Where it listens: `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address it connects out from, which a target sees.
    pub fn source(&self) -> IpAddr {
        self.source
    }

    /// What it speaks.
    pub fn protocol(&self) -> ProxyProtocol {
        self.protocol
    }

    /// Its URL: `http://127.0.0.1:PORT` or `socks5://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("{}://{}", self.protocol.scheme(), self.addr)
    }
}

/// The body of a proxy's own answers and of the answers it forwards.
pub(crate) type ProxyBody = BoxBody<Bytes, hyper::Error>;

/// A plain-text answer of the proxy itself.
pub(crate) fn text(status: StatusCode, message: impl Into<String>) -> Response<ProxyBody> {
    let body = Full::new(Bytes::from(message.into() + "\n"))
        .map_err(|never: Infallible| match never {})
        .boxed();
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
}

async fn serve_http(listener: TcpListener, source: IpAddr, fault: FaultCell) {
    let connections = AtomicUsize::new(0);
    let upstream = Upstream::new(source);
    loopback::serve(listener, &connections, move |_peer, request| {
        let fault = fault_of(&fault);
        let upstream = upstream.clone();
        async move { forward(request, &upstream, fault).await }
    })
    .await;
}

/// Forwards `request` out through `upstream`, playing `fault`: a slow proxy waits first, one
/// that drops mid-request cuts the answer off (or ends a tunnel's connection), and a dead one
/// closes the connection without forwarding anything.
pub(crate) async fn forward(
    request: Request<Incoming>,
    upstream: &Upstream,
    fault: Option<ProxyFault>,
) -> Result<Response<ProxyBody>, DroppedMidRequest> {
    match fault {
        Some(ProxyFault::Slow(delay)) => tokio::time::sleep(delay).await,
        Some(ProxyFault::Dead) => return Err(DroppedMidRequest),
        _ => {}
    }
    let connect = request.method() == Method::CONNECT;
    let response = proxy_http(request, upstream).await?;
    if fault != Some(ProxyFault::DropMidRequest) {
        return Ok(response);
    }
    if connect {
        // The tunnel is set up by then; this proxy ends the connection instead.
        return Err(DroppedMidRequest);
    }
    Ok(cut_in_half(response).await)
}

/// The error that makes a faulty proxy close a connection without an answer.
#[derive(Debug)]
pub(crate) struct DroppedMidRequest;

impl fmt::Display for DroppedMidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("proxy fault: dropped mid-request")
    }
}

impl std::error::Error for DroppedMidRequest {}

impl From<Infallible> for DroppedMidRequest {
    fn from(never: Infallible) -> Self {
        match never {}
    }
}

/// `response` with the length of its whole body but only the first half of it sent, so that
/// the connection is cut mid-answer.
async fn cut_in_half(response: Response<ProxyBody>) -> Response<ProxyBody> {
    let (mut parts, body) = response.into_parts();
    let whole = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let half = whole.slice(..whole.len() / 2);
    parts.headers.insert(
        hyper::header::CONTENT_LENGTH,
        HeaderValue::from(whole.len().max(1)),
    );
    parts.headers.remove(hyper::header::TRANSFER_ENCODING);
    let frames = loopback::cut_short::<hyper::Error>(half);
    Response::from_parts(parts, http_body_util::StreamBody::new(frames).boxed())
}

/// One HTTP proxy request: a `CONNECT` tunnel, or an absolute-form `http://` request forwarded
/// as origin-form.
pub(crate) async fn proxy_http(
    mut request: Request<Incoming>,
    upstream: &Upstream,
) -> Result<Response<ProxyBody>, Infallible> {
    let Some(authority) = request.uri().authority().cloned() else {
        return Ok(text(
            StatusCode::BAD_REQUEST,
            "a proxy request names its destination: `CONNECT host:port` or `GET http://host/...`",
        ));
    };
    let connect = request.method() == Method::CONNECT;
    if !connect && request.uri().scheme_str() != Some("http") {
        return Ok(text(
            StatusCode::BAD_REQUEST,
            "only `http://` requests are forwarded; use CONNECT for anything else",
        ));
    }
    let port = authority.port_u16().unwrap_or(80);
    let to = match destination(authority.host(), port).await {
        Ok(to) => to,
        Err(refused @ Refused::NotLoopback(_)) => {
            return Ok(text(StatusCode::FORBIDDEN, refused.to_string()));
        }
        Err(refused) => return Ok(text(StatusCode::BAD_GATEWAY, refused.to_string())),
    };
    if connect {
        let tunnel = match connect_from(upstream.source, to).await {
            Ok(tunnel) => tunnel,
            Err(error) => {
                return Ok(text(
                    StatusCode::BAD_GATEWAY,
                    format!("cannot connect to {to}: {error}"),
                ));
            }
        };
        tokio::spawn(async move {
            if let Ok(upgraded) = hyper::upgrade::on(request).await {
                let mut client = TokioIo::new(upgraded);
                let mut tunnel = tunnel;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut tunnel).await;
            }
        });
        let body = Empty::new().map_err(|never| match never {}).boxed();
        return Ok(Response::new(body));
    }
    // To the address checked above, never to what the name might resolve to next.
    let path = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    match format!("http://{to}{path}").parse() {
        Ok(uri) => *request.uri_mut() = uri,
        Err(error) => return Ok(text(StatusCode::BAD_REQUEST, error.to_string())),
    }
    let headers = request.headers_mut();
    headers.remove("proxy-connection");
    headers.remove("proxy-authorization");
    if !headers.contains_key(HOST) {
        if let Ok(host) = HeaderValue::from_str(authority.as_str()) {
            headers.insert(HOST, host);
        }
    }
    match upstream.client.request(request).await {
        Ok(response) => Ok(response.map(BodyExt::boxed)),
        Err(error) => Ok(text(
            StatusCode::BAD_GATEWAY,
            format!("cannot forward to {to}: {error}"),
        )),
    }
}

/// Serves the address echo on `listener`: any request answers `{"ip": "<the caller's
/// address>"}`, as the vendor's `ipinfo.ipidea.io` does.
pub(crate) async fn echo(listener: TcpListener) {
    let connections = AtomicUsize::new(0);
    loopback::serve(
        listener,
        &connections,
        |peer: SocketAddr, _request| async move {
            let body = serde_json::json!({ "ip": peer.ip().to_string() }).to_string();
            let mut response = Response::new(Full::new(Bytes::from(body)));
            response.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Ok::<_, Infallible>(response)
        },
    )
    .await;
}

async fn serve_socks5(listener: TcpListener, source: IpAddr, fault: FaultCell) {
    let connections = AtomicUsize::new(0);
    loopback::accept(listener, &connections, move |stream, _peer| {
        let fault = fault_of(&fault);
        async move {
            if let Some(ProxyFault::Slow(delay)) = fault {
                tokio::time::sleep(delay).await;
            }
            let _ = socks5(stream, source, fault == Some(ProxyFault::DropMidRequest)).await;
        }
    })
    .await;
}

/// SOCKS5 replies (RFC 1928, section 6).
mod reply {
    pub const SUCCEEDED: u8 = 0;
    pub const NOT_ALLOWED: u8 = 2;
    pub const HOST_UNREACHABLE: u8 = 4;
    pub const REFUSED: u8 = 5;
    pub const COMMAND_NOT_SUPPORTED: u8 = 7;
    pub const ADDRESS_NOT_SUPPORTED: u8 = 8;
}

/// One SOCKS5 connection: the greeting (no authentication), one `CONNECT`, then the tunnel;
/// with `drop_mid_request`, the connection closes once the client has sent its first bytes
/// through the tunnel.
async fn socks5(mut client: TcpStream, source: IpAddr, drop_mid_request: bool) -> io::Result<()> {
    let mut head = [0u8; 2];
    client.read_exact(&mut head).await?;
    if head[0] != 5 {
        return Ok(());
    }
    let mut methods = vec![0u8; usize::from(head[1])];
    client.read_exact(&mut methods).await?;
    if !methods.contains(&0) {
        return client.write_all(&[5, 0xFF]).await;
    }
    client.write_all(&[5, 0]).await?;
    let mut request = [0u8; 4];
    client.read_exact(&mut request).await?;
    let [version, command, _, kind] = request;
    if version != 5 {
        return Ok(());
    }
    let host = match kind {
        1 => {
            let mut ip = [0u8; 4];
            client.read_exact(&mut ip).await?;
            IpAddr::from(ip).to_string()
        }
        3 => {
            let len = client.read_u8().await?;
            let mut name = vec![0u8; usize::from(len)];
            client.read_exact(&mut name).await?;
            String::from_utf8_lossy(&name).into_owned()
        }
        4 => {
            let mut ip = [0u8; 16];
            client.read_exact(&mut ip).await?;
            IpAddr::from(ip).to_string()
        }
        _ => return answer(&mut client, reply::ADDRESS_NOT_SUPPORTED, None).await,
    };
    let port = client.read_u16().await?;
    if command != 1 {
        return answer(&mut client, reply::COMMAND_NOT_SUPPORTED, None).await;
    }
    let to = match destination(&host, port).await {
        Ok(to) => to,
        Err(Refused::NotLoopback(_)) => {
            return answer(&mut client, reply::NOT_ALLOWED, None).await;
        }
        Err(Refused::Unresolved(_)) => {
            return answer(&mut client, reply::HOST_UNREACHABLE, None).await;
        }
    };
    let mut upstream = match connect_from(source, to).await {
        Ok(upstream) => upstream,
        Err(_) => return answer(&mut client, reply::REFUSED, None).await,
    };
    answer(&mut client, reply::SUCCEEDED, upstream.local_addr().ok()).await?;
    if drop_mid_request {
        let mut first = [0u8; 1];
        let _ = client.read(&mut first).await;
        return Ok(());
    }
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}

/// A SOCKS5 reply with the bound address (or `0.0.0.0:0`).
async fn answer(client: &mut TcpStream, code: u8, bound: Option<SocketAddr>) -> io::Result<()> {
    let mut out = vec![5, code, 0];
    match bound {
        Some(SocketAddr::V6(addr)) => {
            out.push(4);
            out.extend_from_slice(&addr.ip().octets());
            out.extend_from_slice(&addr.port().to_be_bytes());
        }
        Some(SocketAddr::V4(addr)) => {
            out.push(1);
            out.extend_from_slice(&addr.ip().octets());
            out.extend_from_slice(&addr.port().to_be_bytes());
        }
        None => out.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0]),
    }
    client.write_all(&out).await
}
