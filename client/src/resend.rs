//! Sending a request through one of several routes (the pool's proxies, the gateway's sticky
//! sessions) and sending it again through another where that is safe. The one home of the
//! rule: which requests may go twice, after which failures, and which answers mean "blocked".

use std::fmt::Display;
use std::future::Future;

/// The target of the pool's and the sessions' `tracing` events, public as
/// `ipidea::pool::POOL_TARGET`.
pub(crate) const TARGET: &str = "ipidea::pool";

/// The answer statuses that mean "this route is blocked" unless configured otherwise: 403 and
/// 429, as customers' code and `reqwest-proxy-pool` classify them.
pub(crate) const BLOCKED: [u16; 2] = [403, 429];

/// Whether repeating a request of `method` has the same effect as sending it once (RFC 9110,
/// section 9.2.2).
pub(crate) fn is_idempotent(method: &reqwest::Method) -> bool {
    use reqwest::Method;
    [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::TRACE,
        Method::PUT,
        Method::DELETE,
    ]
    .contains(method)
}

/// Whether `status` is one of the `blocked` statuses.
pub(crate) fn is_blocked(blocked: &[u16], status: reqwest::StatusCode) -> bool {
    blocked.contains(&status.as_u16())
}

/// `response` with its body read: an answer cut off midway is an error here, not later. The
/// status, version, headers, URL and extensions (such as the remote address) are kept.
pub(crate) async fn read_whole(
    mut response: reqwest::Response,
) -> Result<reqwest::Response, reqwest::Error> {
    use reqwest::ResponseBuilderExt;

    let status = response.status();
    let version = response.version();
    let url = response.url().clone();
    let headers = std::mem::take(response.headers_mut());
    let extensions = std::mem::take(response.extensions_mut());
    let body = response.bytes().await?;
    // A builder given only a URL cannot fail; without it the answer would still be whole.
    let mut whole = http::Response::builder()
        .url(url)
        .body(body.clone())
        .unwrap_or_else(|_| http::Response::new(body));
    *whole.status_mut() = status;
    *whole.version_mut() = version;
    *whole.headers_mut() = headers;
    whole.extensions_mut().extend(extensions);
    Ok(reqwest::Response::from(whole))
}

/// Why [`send`] has no answer.
pub(crate) enum Failed<V, E> {
    /// No route to send through.
    Route(E),
    /// The request failed through `via`, on the last attempt it was safe to make.
    Request {
        via: V,
        attempts: u32,
        source: reqwest::Error,
    },
}

/// Sends `request` through the route `next` gives (a client, and what `failed` is told about),
/// and reads the answer whole. A failure or a `blocked` answer is reported to `failed`; then,
/// up to `retries` times, the request goes again through the next route where that is safe:
/// - an idempotent request after any failure, including an answer cut off midway, and after a
///   blocked answer;
/// - any other request only when the route could not be reached (so it never left); once it
///   may have arrived, its failure, or its blocked answer, is returned.
///
/// A request whose body cannot be copied goes once. The last attempt's answer comes back as it
/// came, blocked or not.
pub(crate) async fn send<V, E, Fut>(
    request: reqwest::Request,
    retries: u32,
    blocked: &[u16],
    mut next: impl FnMut() -> Fut,
    mut failed: impl FnMut(&V) -> Result<(), E>,
) -> Result<reqwest::Response, Failed<V, E>>
where
    Fut: Future<Output = Result<(reqwest::Client, V), E>>,
    V: Display,
{
    let idempotent = is_idempotent(request.method());
    let mut request = request;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (http, via) = next().await.map_err(Failed::Route)?;
        // A copy goes out and the request stays for another attempt; on the last attempt, or
        // with a body that cannot be copied, the request itself goes out.
        let copy = if attempt > retries {
            None
        } else {
            request.try_clone()
        };
        let (sending, kept) = match copy {
            Some(copy) => (copy, Some(request)),
            None => (request, None),
        };
        let failure = match http.execute(sending).await {
            Ok(response) if is_blocked(blocked, response.status()) => {
                failed(&via).map_err(Failed::Route)?;
                match kept {
                    Some(again) if idempotent => {
                        tracing::info!(target: TARGET, %via, status = %response.status(), attempt, "blocked; sending again through another route");
                        request = again;
                        continue;
                    }
                    _ => return Ok(response),
                }
            }
            Ok(response) => match read_whole(response).await {
                Ok(response) => return Ok(response),
                Err(error) => error,
            },
            Err(error) => error,
        };
        failed(&via).map_err(Failed::Route)?;
        // Not sent at all (the route could not be reached) is safe to repeat for any method.
        match kept {
            Some(again) if idempotent || failure.is_connect() => {
                tracing::info!(target: TARGET, %via, error = %failure, attempt, "request failed; sending again through another route");
                request = again;
            }
            _ => {
                return Err(Failed::Request {
                    via,
                    attempts: attempt,
                    source: failure,
                });
            }
        }
    }
}
