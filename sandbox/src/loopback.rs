//! Serving HTTP/1.1 on a loopback listener: the accept loop and the cut-short body that the
//! sandbox and the repository's recording test server share, for test servers of one's own.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use hyper::body::{Body, Frame, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// How long a [`cut_short`] body stays open after its bytes were handed to hyper, so that they
/// reach the socket before the connection is cut.
pub const CUT_SHORT_GRACE: Duration = Duration::from_millis(50);

/// Accepts connections on `listener` until the future is dropped or aborted, serving each with
/// `handle`, given the peer's address and the request (keep-alive on, upgrades such as
/// `CONNECT` tunnels allowed), and counting it in `connections`. The connection tasks live in a
/// `JoinSet` owned by this future, so they end with it. An error of `handle` makes hyper close
/// the connection without a response; a failure to accept (out of file descriptors, say)
/// backs off rather than spinning.
pub async fn serve<F, Fut, B, E>(listener: TcpListener, connections: &AtomicUsize, handle: F)
where
    F: Fn(SocketAddr, Request<Incoming>) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<Response<B>, E>> + Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    accept(listener, connections, move |stream, peer| {
        let handle = handle.clone();
        async move {
            let service = hyper::service::service_fn(move |request| handle(peer, request));
            // Errors (a dropped connection, a client going away) just end the connection.
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades()
                .await;
        }
    })
    .await;
}

/// Accepts connections on `listener` until the future is dropped or aborted, handing each
/// stream and its peer's address to `handle` in a task of its own and counting it in
/// `connections`. The tasks live in a `JoinSet` owned by this future, so they end with it; a
/// failure to accept (out of file descriptors, say) backs off rather than spinning. [`serve`]
/// is this with HTTP/1.1 on each connection.
pub async fn accept<F, Fut>(listener: TcpListener, connections: &AtomicUsize, handle: F)
where
    F: Fn(TcpStream, SocketAddr) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut tasks = JoinSet::new();
    loop {
        while tasks.try_join_next().is_some() {}
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        connections.fetch_add(1, Ordering::SeqCst);
        tasks.spawn(handle(stream, peer));
    }
}

/// The frames of a body that sends `sent` and then ends early, after [`CUT_SHORT_GRACE`]: with
/// a `Content-Length` above `sent`'s length, hyper cuts the connection because the declared
/// length was not reached. The stream gives no exact size hint, which hyper would insist on
/// matching the header.
pub fn cut_short<E>(sent: Bytes) -> impl Stream<Item = Result<Frame<Bytes>, E>> + Send {
    futures_util::stream::unfold(Some(sent), |data| async move {
        match data {
            Some(data) => Some((Ok(Frame::data(data)), None)),
            None => {
                tokio::time::sleep(CUT_SHORT_GRACE).await;
                None
            }
        }
    })
}
