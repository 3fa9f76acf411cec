//! The HTTP side of every generated client: configuration, credentials, sending, retries,
//! the envelope, and page streams.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::stream::{self, Stream};
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;

use crate::envelope;
use crate::error::{Error, SentRequest, excerpt};
use crate::tls;
use crate::types::{
    ApiInfo, ApiRequest, Encoding, EndpointInfo, Method, Page, PagedRequest, Response,
};
use crate::wire::{self, Form, FormContext};

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole call, from sending to the last byte of the response.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default cap on a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// When and how often idempotent calls are sent again after a transient failure.
///
/// Only endpoints the spec marks idempotent (the list calls) are ever retried, and only after
/// a transport error, a timeout, HTTP 5xx or HTTP 429. Calls that spend money are sent exactly
/// once, whatever this policy says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included. `1` turns retries off.
    pub max_attempts: u32,
    /// Backoff before the first retry; it doubles with each retry.
    pub initial_backoff: Duration,
    /// The longest backoff, `Retry-After` included.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// No retries.
    pub const fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
        }
    }

    /// The wait before retry `retry` (1 for the first): the server's `Retry-After` where it sent
    /// one, else exponential backoff with full jitter; never above `max_backoff`.
    pub fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.max_backoff);
        }
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        let ceiling = exp.min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

impl Default for RetryPolicy {
    /// Three attempts, 200 ms doubling, at most 5 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// A credential value; secret ones never show in `Debug`.
#[derive(Clone)]
struct Credential {
    name: &'static str,
    value: SecretString,
    secret: bool,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = if self.secret {
            "[redacted]"
        } else {
            self.value.expose_secret()
        };
        write!(f, "{}={shown}", self.name)
    }
}

/// Builds a generated client. Get one from the generated `Client::builder()`.
#[must_use]
pub struct ClientBuilder<C> {
    api: &'static ApiInfo,
    base_url: Option<String>,
    allow_http: bool,
    credentials: Vec<(String, SecretString)>,
    problems: Vec<String>,
    http: Option<reqwest::Client>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
    make: fn(Transport) -> C,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api", &self.api.name)
            .field("base_url", &self.base_url)
            .field(
                "credentials",
                &self.credentials.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<C> ClientBuilder<C> {
    #[doc(hidden)]
    pub fn new(api: &'static ApiInfo, make: fn(Transport) -> C) -> Self {
        ClientBuilder {
            api,
            base_url: None,
            allow_http: false,
            credentials: Vec::new(),
            problems: Vec::new(),
            http: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            make,
        }
    }

    /// Sets a credential by its wire name (`uid`, `appkey`).
    pub fn credential(mut self, name: &str, value: impl Into<String>) -> Self {
        self.credentials.retain(|(n, _)| n != name);
        self.credentials
            .push((name.to_owned(), SecretString::from(value.into())));
        self
    }

    /// Reads every credential from its environment variable (`IPIDEA_UID`, `IPIDEA_APPKEY`).
    pub fn credentials_from_env(mut self) -> Self {
        for auth in self.api.auth {
            match std::env::var(auth.env) {
                Ok(value) if !value.trim().is_empty() => {
                    self = self.credential(auth.name, value.trim())
                }
                _ => self.problems.push(format!(
                    "the environment variable `{}` is not set",
                    auth.env
                )),
            }
        }
        self
    }

    /// Calls another server, such as the sandbox. It must be `https`, except on a loopback
    /// address, unless [`allow_insecure_http`](Self::allow_insecure_http) is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Allows a plain-`http` base URL that is not on a loopback address. Credentials then cross
    /// the network in clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Uses the caller's `reqwest::Client` (its pool, proxy and TLS settings). The connect
    /// timeout is then the caller's to set on it.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for a whole call (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries of idempotent calls (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Cap on a response body (default 8 MiB); a larger one is an error, not a crash.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Builds the client, checking the credentials and the base URL.
    pub fn build(self) -> Result<C, Error> {
        let mut problems = self.problems;
        for (name, _) in &self.credentials {
            if !self.api.auth.iter().any(|a| a.name == name) {
                let known: Vec<&str> = self.api.auth.iter().map(|a| a.name).collect();
                problems.push(format!(
                    "`{name}` is not a credential of this API (it takes {})",
                    known.join(", ")
                ));
            }
        }
        let mut credentials = Vec::new();
        for auth in self.api.auth {
            match self.credentials.iter().find(|(n, _)| n == auth.name) {
                Some((_, value)) => credentials.push(Credential {
                    name: auth.name,
                    value: value.clone(),
                    secret: auth.secret,
                }),
                None if problems.iter().any(|p| p.contains(auth.env)) => {}
                None => problems.push(format!(
                    "the credential `{}` is not set (set `{}`)",
                    auth.name, auth.env
                )),
            }
        }
        let raw_url = self.base_url.as_deref().unwrap_or(self.api.base_url);
        let base_url = match check_base_url(raw_url, self.allow_http) {
            Ok(url) => Some(url),
            Err(problem) => {
                problems.push(problem);
                None
            }
        };
        if !problems.is_empty() {
            return Err(Error::Config(problems.join("; ")));
        }
        let http = match self.http {
            Some(http) => http,
            None => tls::configure(
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .user_agent(concat!("ipidea-rs/", env!("CARGO_PKG_VERSION"))),
            )?
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let inner = Inner {
            api: self.api,
            base_url: base_url.unwrap_or_else(|| unreachable_url(raw_url)),
            credentials,
            http,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
        };
        Ok((self.make)(Transport {
            inner: Arc::new(inner),
            timeout: self.timeout,
        }))
    }
}

/// Only reached when `check_base_url` succeeded, so the text parses.
fn unreachable_url(raw: &str) -> String {
    raw.trim_end_matches('/').to_owned()
}

fn check_base_url(raw: &str, allow_http: bool) -> Result<String, String> {
    let url = Url::parse(raw).map_err(|e| format!("the base URL `{raw}` is not a URL: {e}"))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback || allow_http => {}
        "http" => {
            return Err(format!(
                "the base URL `{raw}` is plain http on a non-loopback host, which would send the credentials in clear text; use https or allow it explicitly"
            ));
        }
        other => {
            return Err(format!(
                "the base URL `{raw}` has scheme `{other}`; expected https"
            ));
        }
    }
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(format!(
            "the base URL `{raw}` must not carry a query, fragment or user info"
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

struct Inner {
    api: &'static ApiInfo,
    base_url: String,
    credentials: Vec<Credential>,
    http: reqwest::Client,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

/// The shared HTTP side of a generated client. Cheap to clone: clones share one connection
/// pool.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
    timeout: Duration,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("api", &self.inner.api.name)
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("timeout", &self.timeout)
            .field("retry", &self.inner.retry)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .finish()
    }
}

/// How one attempt failed, and whether the request may have reached the server.
struct Failure {
    error: Error,
    maybe_sent: bool,
}

impl Transport {
    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The same transport with another total timeout, for one call or a group of calls.
    pub fn with_timeout(&self, timeout: Duration) -> Transport {
        Transport {
            inner: Arc::clone(&self.inner),
            timeout,
        }
    }

    /// The fields `request` would send, credentials left out, in wire order.
    pub fn encode<R: ApiRequest>(&self, request: &R) -> Vec<(&'static str, String)> {
        let mut form = Form::new(FormContext {
            date_format: self.inner.api.date_format,
        });
        request.encode(&mut form);
        form.fields().to_vec()
    }

    /// Sends `request` and decodes its data.
    ///
    /// Bounds are checked first; a refused value is [`Error::InvalidInput`] and nothing is sent.
    /// Idempotent endpoints are retried per the [`RetryPolicy`]. Other endpoints are sent exactly
    /// once; a failure after the request may have reached the server is
    /// [`Error::OutcomeUnknown`].
    pub async fn send<R: ApiRequest>(&self, request: &R) -> Result<Response<R::Data>, Error> {
        let endpoint = R::ENDPOINT;
        if let Err(invalid) = request.validate() {
            return Err(Error::InvalidInput {
                endpoint: endpoint.name,
                field: invalid.field,
                reason: invalid.reason,
            });
        }
        let fields = self.encode(request);
        self.send_fields(endpoint, &fields).await
    }

    /// Sends encoded fields inside one `ipidea.call` span.
    async fn send_fields<T: wire::Lenient>(
        &self,
        endpoint: &'static EndpointInfo,
        fields: &[(&'static str, String)],
    ) -> Result<Response<T>, Error> {
        let span = tracing::info_span!(
            "ipidea.call",
            api = self.inner.api.name,
            endpoint = endpoint.name,
            path = endpoint.path,
            idempotent = endpoint.idempotent,
        );
        self.send_with_retries(endpoint, fields)
            .instrument(span)
            .await
    }

    async fn send_with_retries<T: wire::Lenient>(
        &self,
        endpoint: &'static EndpointInfo,
        fields: &[(&'static str, String)],
    ) -> Result<Response<T>, Error> {
        let attempts = if endpoint.idempotent {
            self.inner.retry.max_attempts.max(1)
        } else {
            1
        };
        let mut attempt = 1;
        loop {
            let sent_at = Utc::now();
            let failure = match self.attempt(endpoint, fields).await {
                Ok(body) => {
                    match envelope::decode::<T>(endpoint.name, &self.inner.api.envelope, &body) {
                        Ok(response) => return Ok(response),
                        Err(error) => {
                            let maybe_sent = matches!(error, Error::Decode { .. });
                            Failure { error, maybe_sent }
                        }
                    }
                }
                Err(failure) => failure,
            };
            if endpoint.idempotent && attempt < attempts && failure.error.is_transient() {
                let retry_after = match &failure.error {
                    Error::Status { retry_after, .. } => *retry_after,
                    _ => None,
                };
                let wait = self.inner.retry.backoff(attempt, retry_after);
                tracing::warn!(attempt, ?wait, error = %failure.error, "retrying an idempotent call");
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            if !endpoint.idempotent && failure.maybe_sent {
                let fields = fields
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), v.clone()))
                    .collect();
                let request = SentRequest {
                    endpoint: endpoint.name,
                    fields,
                    sent_at,
                };
                tracing::error!(error = %failure.error, "a call that spends money failed after it was sent");
                return Err(Error::OutcomeUnknown {
                    request,
                    source: Box::new(failure.error),
                });
            }
            return Err(failure.error);
        }
    }

    /// One HTTP exchange; on success, the whole body (a 2xx, or a 4xx that may be an envelope).
    async fn attempt(
        &self,
        endpoint: &'static EndpointInfo,
        fields: &[(&'static str, String)],
    ) -> Result<Vec<u8>, Failure> {
        let inner = &self.inner;
        let url = format!("{}{}", inner.base_url, endpoint.path);
        let credentials = inner
            .credentials
            .iter()
            .map(|c| (c.name, c.value.expose_secret()));
        let all: Vec<(&str, &str)> = credentials
            .chain(fields.iter().map(|(n, v)| (*n, v.as_str())))
            .collect();
        let builder = match endpoint.method {
            Method::Get => inner.http.get(&url).query(&all),
            Method::Post => {
                let post = inner.http.post(&url);
                match endpoint.encoding {
                    Encoding::Multipart => {
                        let form = all
                            .iter()
                            .fold(reqwest::multipart::Form::new(), |form, (n, v)| {
                                form.text((*n).to_owned(), (*v).to_owned())
                            });
                        post.multipart(form)
                    }
                    Encoding::Form => post.form(&all),
                    Encoding::Json => {
                        let object: serde_json::Map<String, serde_json::Value> = all
                            .iter()
                            .map(|(n, v)| ((*n).to_owned(), serde_json::Value::from(*v)))
                            .collect();
                        post.json(&object)
                    }
                }
            }
        };
        let endpoint_name = endpoint.name;
        let timeout = self.timeout;
        let classify = |error: reqwest::Error| {
            if error.is_timeout() {
                Failure {
                    error: Error::Timeout {
                        endpoint: endpoint_name,
                        after: timeout,
                    },
                    maybe_sent: true,
                }
            } else {
                // A failed connect never reached the server; anything later may have.
                let maybe_sent = !error.is_connect();
                Failure {
                    error: Error::Transport {
                        endpoint: endpoint_name,
                        source: error,
                    },
                    maybe_sent,
                }
            }
        };
        let work = async {
            let mut response = builder.send().await.map_err(classify)?;
            let status = response.status();
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let limit = inner.max_response_bytes;
            let expected = response.content_length();
            if expected.is_some_and(|len| len > limit as u64) {
                let error = Error::ResponseTooLarge {
                    endpoint: endpoint_name,
                    limit,
                };
                return Err(Failure {
                    error,
                    maybe_sent: true,
                });
            }
            // A body of known length is read into one allocation of that size (within the
            // cap), rather than one that doubles as chunks arrive.
            let mut body = Vec::with_capacity(expected.map_or(0, |len| len as usize));
            while let Some(chunk) = response.chunk().await.map_err(classify)? {
                if body.len() + chunk.len() > limit {
                    let error = Error::ResponseTooLarge {
                        endpoint: endpoint_name,
                        limit,
                    };
                    return Err(Failure {
                        error,
                        maybe_sent: true,
                    });
                }
                body.extend_from_slice(&chunk);
            }
            if status.is_success()
                || (status.is_client_error() && envelope::is_refusal(&inner.api.envelope, &body))
            {
                return Ok(body);
            }
            // 5xx may have done the work; 429 and other 4xx refused it.
            let maybe_sent = status.is_server_error();
            let error = Error::Status {
                endpoint: endpoint_name,
                status,
                body_excerpt: excerpt(&body),
                retry_after,
            };
            Err(Failure { error, maybe_sent })
        };
        match tokio::time::timeout(timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(Failure {
                error: Error::Timeout {
                    endpoint: endpoint_name,
                    after: timeout,
                },
                maybe_sent: true,
            }),
        }
    }

    /// Sends already-encoded `fields` to `endpoint` and returns the data as untyped JSON, every
    /// field kept. For tools driven by a spec at run time, such as the command-line tool; the
    /// caller validates the fields. Retries and outcome-unknown follow `endpoint.idempotent`
    /// exactly as for [`send`](Self::send).
    pub async fn send_fields_untyped(
        &self,
        endpoint: &'static EndpointInfo,
        fields: &[(&'static str, String)],
    ) -> Result<Response<serde_json::Value>, Error> {
        self.send_fields(endpoint, fields).await
    }

    /// A builder of a bare transport for `api`, for tools that call endpoints by description
    /// rather than through a generated client.
    pub fn builder(api: &'static ApiInfo) -> ClientBuilder<Transport> {
        ClientBuilder::new(api, std::convert::identity)
    }

    /// Every item of every page, fetched one page at a time as the stream is read.
    ///
    /// It starts at the request's page (or 1) and stops after the last page the server reports,
    /// or at an empty page. Only one page is held in memory. A failed page ends the stream with
    /// its error, after the retries of the policy.
    pub fn stream<R>(&self, request: R) -> PageStream<<R::Data as Page>::Item>
    where
        R: PagedRequest,
        R::Data: Page,
    {
        struct State<R: PagedRequest>
        where
            R::Data: Page,
        {
            transport: Transport,
            request: R,
            next_page: Option<u64>,
            items: std::vec::IntoIter<<R::Data as Page>::Item>,
        }
        let first = request.page().unwrap_or(1).max(1);
        let state = State {
            transport: self.clone(),
            request,
            next_page: Some(first),
            items: Vec::new().into_iter(),
        };
        let stream = stream::try_unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.items.next() {
                    return Ok(Some((item, state)));
                }
                let Some(page) = state.next_page else {
                    return Ok(None);
                };
                // Free the spent page's buffer before the next page arrives, so that only one
                // page is ever held.
                state.items = Vec::new().into_iter();
                state.request.set_page(page);
                let data = state.transport.send(&state.request).await?.into_data();
                let last = data.last_page();
                let items = data.into_items();
                state.next_page = if items.is_empty() || page >= last {
                    None
                } else {
                    Some(page + 1)
                };
                state.items = items.into_iter();
            }
        });
        Box::pin(stream)
    }
}

/// A stream of the items of every page of a list, fetched lazily.
pub type PageStream<T> = std::pin::Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;
