//! A pool of extracted proxies for programs that send many requests: it refills itself from
//! the extraction API, hands proxies out round-robin or at random, checks their health, learns
//! from the outcomes callers report, and drops the proxies that fail or grow old.
//!
//! ```no_run
//! use ipidea::pool::{ProxyPool, Selection};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = ipidea::Client::builder().without_credentials().build()?;
//! let pool = ProxyPool::builder(client).batch(20).selection(Selection::RoundRobin).build()?;
//! for _ in 0..100 {
//!     let proxy = pool.get().await?; // never waits while the pool holds proxies
//!     match proxy.http().get("https://example.com/").send().await {
//!         Ok(response) => proxy.report_status(response.status()), // 403/429 count against it
//!         Err(_) => proxy.report_failure(),
//!     }
//! }
//! println!("{:?}", pool.stats());
//! # Ok(()) }
//! ```
//!
//! **Refilling.** Below its low-water mark the pool extracts a batch in the background, with
//! at most one extraction in flight and extractions at least
//! [`min_extraction_interval`](PoolBuilder::min_extraction_interval) apart. A caller waits only
//! when the pool is empty. A "not whitelisted" refusal stops the refilling: every `get` on an
//! empty pool then returns that refusal at once ([`PoolError::Refused`]), never a loop of
//! retries; another failed extraction is returned to the callers waiting for it
//! ([`PoolError::Extraction`]), and the next `get` tries again, paced.
//!
//! **Health.** With [`health_check`](PoolBuilder::health_check), each new proxy fetches a URL
//! (an IP echo such as the vendor's `https://ipinfo.ipidea.io`) before it is handed out, and
//! joins the pool only if that succeeds. Callers report outcomes; a proxy with
//! [`max_failures`](PoolBuilder::max_failures) failures (a failed request, or an answer whose
//! status means "blocked", 403 and 429 by default) is dropped, and so is one older than
//! [`max_age`](PoolBuilder::max_age). A dropped proxy is never handed out again.
//!
//! **Sending.** [`ProxyPool::execute`] sends a `reqwest::Request` through the next proxy,
//! reports the outcome itself, and repeats a failed request through the next proxy where that
//! is safe: an idempotent method (`GET`, `PUT`, `DELETE`, ...) after any failure, any method
//! when the proxy could not be reached (so nothing was sent). A `POST` that may have reached
//! the server is never sent again. With the `middleware` feature, `ProxyPool::middleware`
//! plugs the same into a `reqwest-middleware` client.
//!
//! For the account-and-password gateway, the sibling of this pool is
//! [`StickySessions`](crate::gateway::StickySessions): a sticky session per key, rotated on a
//! failure or a blocked answer.
//!
//! Extraction may spend (see `Client::get_proxy_ip`): the pool extracts only when it runs low.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use ipidea_spec::RefusalKind;
use tokio::sync::Notify;

use crate::error::Error;
use crate::generated::{Client, ExtractedProxy, GetProxyIpRequest, ProxyProtocol};
use crate::resend::{self, Failed};
use crate::values::Country;

/// The target of the pool's `tracing` events.
pub const POOL_TARGET: &str = resend::TARGET;

/// How the pool chooses the proxy it hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Selection {
    /// Each in turn.
    #[default]
    RoundRobin,
    /// Any, at random.
    Random,
}

/// Why the pool has no proxy to hand out.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum PoolError {
    /// The extraction API refused this machine: it is not on the whitelist. Refilling has
    /// stopped; the error says what to do.
    #[error("the proxy pool stopped refilling: {0}")]
    Refused(Arc<Error>),
    /// The pool is empty and the extraction made for the callers waiting failed; the next
    /// `get` tries again.
    #[error("the proxy pool is empty and the last extraction failed: {0}")]
    Extraction(Arc<Error>),
    /// The last extraction returned no proxies.
    #[error("the proxy pool is empty: the last extraction returned no proxies")]
    NoProxies,
    /// Every proxy of the last extraction failed the health check.
    #[error(
        "the proxy pool is empty: all {0} proxies of the last extraction failed the health check"
    )]
    Unhealthy(usize),
    /// The pool's settings cannot work.
    #[error("the proxy pool is misconfigured: {0}")]
    Config(String),
}

impl PoolError {
    /// The refusal's kind, where the extraction API refused (see [`Error::refusal`]).
    pub fn refusal(&self) -> Option<RefusalKind> {
        match self {
            PoolError::Refused(error) | PoolError::Extraction(error) => error.refusal(),
            _ => None,
        }
    }
}

/// Why [`ProxyPool::execute`] has no answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The pool had no proxy to send it through.
    #[error(transparent)]
    Pool(PoolError),
    /// The request failed through `proxy`, on the last attempt it was safe to make.
    #[error("the request failed through the proxy {proxy} (attempt {attempts}): {source}")]
    Request {
        /// The proxy of the last attempt.
        proxy: String,
        /// The attempts made, through as many proxies.
        attempts: u32,
        /// The last attempt's failure.
        source: reqwest::Error,
    },
}

/// A health check: a `GET` of `url` through the proxy, within `timeout`, that must succeed.
#[derive(Debug, Clone)]
pub struct HealthCheck {
    /// The URL to fetch, such as an IP echo (`https://ipinfo.ipidea.io`, the vendor's).
    pub url: String,
    /// How long the check may take (default 5 s, as customers check).
    pub timeout: Duration,
}

impl HealthCheck {
    /// A check of `url` within 5 seconds.
    pub fn new(url: impl Into<String>) -> HealthCheck {
        HealthCheck {
            url: url.into(),
            timeout: Duration::from_secs(5),
        }
    }
}

/// What the pool has done, as read by [`ProxyPool::stats`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolStats {
    /// Proxies in the pool now.
    pub size: usize,
    /// Proxies handed out by `get`, in all.
    pub handed_out: u64,
    /// Proxies dropped: failed too often, too old, or unhealthy.
    pub dropped: u64,
    /// Extractions made.
    pub extractions: u64,
    /// Proxies the extractions returned.
    pub extracted: u64,
    /// Whether an extraction is in flight.
    pub refilling: bool,
    /// The last extraction's failure, where it failed.
    pub last_error: Option<String>,
    /// Whether refilling stopped at a "not whitelisted" refusal.
    pub stopped: bool,
}

/// Configures a [`ProxyPool`]. Get one from [`ProxyPool::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct PoolBuilder {
    client: Client,
    batch: u32,
    low_water: Option<usize>,
    protocol: ProxyProtocol,
    region: Option<Country>,
    interval: Duration,
    max_failures: u32,
    max_age: Option<Duration>,
    blocked: Vec<u16>,
    selection: Selection,
    health: Option<HealthCheck>,
    retries: u32,
}

impl PoolBuilder {
    /// Proxies per extraction, 1 to 500 (default 10).
    pub fn batch(mut self, batch: u32) -> Self {
        self.batch = batch;
        self
    }

    /// Refill when fewer than this many proxies are left (default half a batch, at least 1).
    pub fn low_water(mut self, low_water: usize) -> Self {
        self.low_water = Some(low_water);
        self
    }

    /// What the proxies speak (default HTTP). SOCKS5 needs this crate's `socks` feature.
    pub fn protocol(mut self, protocol: ProxyProtocol) -> Self {
        self.protocol = protocol;
        self
    }

    /// Proxies in `country` (default: any).
    pub fn region(mut self, country: Country) -> Self {
        self.region = Some(country);
        self
    }

    /// The least time between two extractions (default 1 s; customers wait 0.5 to 5 s).
    pub fn min_extraction_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Reported failures after which a proxy is dropped (default 3, at least 1).
    pub fn max_failures(mut self, failures: u32) -> Self {
        self.max_failures = failures;
        self
    }

    /// The age after which a proxy is dropped (default: none).
    pub fn max_age(mut self, age: Duration) -> Self {
        self.max_age = Some(age);
        self
    }

    /// The answer statuses that mean "this proxy is blocked" and count as a failure (default
    /// 403 and 429).
    pub fn blocked_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.blocked = statuses.into_iter().collect();
        self
    }

    /// How proxies are chosen (default round-robin).
    pub fn selection(mut self, selection: Selection) -> Self {
        self.selection = selection;
        self
    }

    /// How many more proxies [`ProxyPool::execute`] tries after the first fails, for a request
    /// that is safe to repeat (default 2; 0 never retries). Each try takes the next proxy, and
    /// a pool that runs low extracts more, which may spend: keep it small.
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// Checks each new proxy before it is handed out (default: no check).
    pub fn health_check(mut self, check: HealthCheck) -> Self {
        self.health = Some(check);
        self
    }

    /// The pool, empty: the first `get` fills it. Refuses a batch outside 1 to 500, no
    /// failures allowed, or SOCKS5 without the `socks` feature.
    pub fn build(self) -> Result<ProxyPool, PoolError> {
        if !(1..=500).contains(&self.batch) {
            return Err(PoolError::Config(format!(
                "a batch is 1 to 500 proxies, not {}",
                self.batch
            )));
        }
        if self.max_failures == 0 {
            return Err(PoolError::Config("max_failures is at least 1".to_owned()));
        }
        if let ProxyProtocol::Unknown(other) = &self.protocol {
            return Err(PoolError::Config(format!(
                "`{other}` is not a proxy protocol this client knows"
            )));
        }
        if self.protocol == ProxyProtocol::Socks5 && !cfg!(feature = "socks") {
            return Err(PoolError::Config(
                "SOCKS5 proxies need the `socks` feature of `ipidea`".to_owned(),
            ));
        }
        let low_water = self.low_water.unwrap_or((self.batch as usize / 2).max(1));
        Ok(ProxyPool {
            inner: Arc::new(Inner {
                low_water,
                options: self,
                state: Mutex::new(State::default()),
                changed: Notify::new(),
                next_id: AtomicU64::new(0),
            }),
        })
    }
}

/// A pool of extracted proxies; see the [module docs](self). Cheap to clone: clones share the
/// pool.
#[derive(Clone)]
pub struct ProxyPool {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for ProxyPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyPool")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct Inner {
    options: PoolBuilder,
    low_water: usize,
    state: Mutex<State>,
    /// Woken when proxies arrive or an extraction ends.
    changed: Notify,
    next_id: AtomicU64,
}

#[derive(Debug, Default)]
struct State {
    entries: Vec<Entry>,
    cursor: usize,
    refilling: bool,
    last_extraction: Option<Instant>,
    /// The failure of the last extraction, for the callers that waited for it.
    failed: Option<PoolError>,
    /// Set by a "not whitelisted" refusal: refilling stops.
    stopped: Option<Arc<Error>>,
    handed_out: u64,
    dropped: u64,
    extractions: u64,
    extracted: u64,
}

#[derive(Debug)]
struct Entry {
    id: u64,
    url: Arc<str>,
    added: Instant,
    failures: u32,
    http: reqwest::Client,
}

impl ProxyPool {
    /// A builder of a pool that extracts through `client` (which may be built
    /// [`without_credentials`](crate::ClientBuilder::without_credentials)).
    pub fn builder(client: Client) -> PoolBuilder {
        PoolBuilder {
            client,
            batch: 10,
            low_water: None,
            protocol: ProxyProtocol::Http,
            region: None,
            interval: Duration::from_secs(1),
            max_failures: 3,
            max_age: None,
            blocked: resend::BLOCKED.to_vec(),
            selection: Selection::RoundRobin,
            health: None,
            retries: 2,
        }
    }

    /// A proxy. Returns at once while the pool holds proxies (starting a refill in the
    /// background below the low-water mark); waits for an extraction only when it is empty.
    /// Needs a tokio runtime.
    pub async fn get(&self) -> Result<PooledProxy, PoolError> {
        // While the pool holds proxies, no waiting is set up.
        if let Some(proxy) = self.take(&mut self.inner.lock()) {
            return Ok(proxy);
        }
        // The extractions ended when this call began waiting: one more ended means the
        // extraction it waited for is over.
        let mut waiting_since: Option<u64> = None;
        loop {
            let changed = self.inner.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            {
                let mut state = self.inner.lock();
                if let Some(proxy) = self.take(&mut state) {
                    return Ok(proxy);
                }
                if let Some(refusal) = &state.stopped {
                    return Err(PoolError::Refused(Arc::clone(refusal)));
                }
                // The failure of the extraction this call waited for goes to it, before a new
                // extraction clears it.
                if let (Some(since), Some(failed)) = (waiting_since, &state.failed) {
                    if state.extractions > since {
                        return Err(failed.clone());
                    }
                }
                self.inner.start_refill(&mut state, self);
                waiting_since.get_or_insert(state.extractions);
            }
            changed.await;
        }
    }

    /// Sends `request` through a proxy of the pool and reads its answer whole, learning from
    /// the outcome: a failure or a "blocked" status counts against the proxy.
    ///
    /// Where it is safe, a failed attempt is repeated through the next proxy the pool hands
    /// out, up to [`retries`](PoolBuilder::retries) times:
    /// - a request whose method is idempotent (`GET`, `HEAD`, `OPTIONS`, `TRACE`, `PUT`,
    ///   `DELETE`; RFC 9110, section 9.2.2) is repeated after any failure, including an answer
    ///   cut off midway, and after a "blocked" status;
    /// - any other request (`POST`, `PATCH`) is repeated only when the proxy could not be
    ///   reached, so it was never sent; once it may have reached the server, its failure is
    ///   returned, never sent again.
    ///
    /// A request whose body cannot be copied (a stream) is sent once. The last attempt's answer
    /// is returned as it came, "blocked" status included. The answer is read whole so that an
    /// answer cut off midway counts as a failure: for large downloads take a proxy with
    /// [`get`](ProxyPool::get) and stream through [`PooledProxy::http`].
    ///
    /// ```no_run
    /// # async fn run(pool: ipidea::pool::ProxyPool) -> Result<(), Box<dyn std::error::Error>> {
    /// let request = reqwest::Request::new(reqwest::Method::GET, "https://example.com/".parse()?);
    /// let page = pool.execute(request).await?.text().await?;
    /// # Ok(()) }
    /// ```
    pub async fn execute(&self, request: reqwest::Request) -> Result<reqwest::Response, SendError> {
        let next = || async move {
            let proxy = self.get().await?;
            Ok((proxy.http.clone(), proxy))
        };
        let failed = |proxy: &PooledProxy| {
            self.inner.failed(proxy.id);
            Ok(())
        };
        let options = &self.inner.options;
        match resend::send(request, options.retries, &options.blocked, next, failed).await {
            Ok(response) => Ok(response),
            Err(Failed::Route(error)) => Err(SendError::Pool(error)),
            Err(Failed::Request {
                via,
                attempts,
                source,
            }) => Err(SendError::Request {
                proxy: via.url.to_string(),
                attempts,
                source,
            }),
        }
    }

    /// The pool as `reqwest-middleware` middleware (feature `middleware`): see
    /// [`PoolMiddleware`].
    #[cfg(feature = "middleware")]
    pub fn middleware(&self) -> PoolMiddleware {
        PoolMiddleware { pool: self.clone() }
    }

    /// A proxy, if the pool holds one, starting a refill below the low-water mark.
    fn take(&self, state: &mut State) -> Option<PooledProxy> {
        self.inner.drop_old(state);
        let proxy = self.inner.pick(state)?;
        if state.entries.len() < self.inner.low_water {
            self.inner.start_refill(state, self);
        }
        Some(proxy)
    }

    /// What the pool holds and has done.
    pub fn stats(&self) -> PoolStats {
        let state = self.inner.lock();
        PoolStats {
            size: state.entries.len(),
            handed_out: state.handed_out,
            dropped: state.dropped,
            extractions: state.extractions,
            extracted: state.extracted,
            refilling: state.refilling,
            last_error: state.failed.as_ref().map(ToString::to_string),
            stopped: state.stopped.is_some(),
        }
    }

    /// The URLs of the proxies in the pool now, in order.
    pub fn proxies(&self) -> Vec<String> {
        self.inner
            .lock()
            .entries
            .iter()
            .map(|e| e.url.to_string())
            .collect()
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn drop_old(&self, state: &mut State) {
        let Some(age) = self.options.max_age else {
            return;
        };
        let before = state.entries.len();
        state.entries.retain(|e| e.added.elapsed() < age);
        let old = before - state.entries.len();
        if old > 0 {
            state.dropped += old as u64;
            tracing::info!(target: POOL_TARGET, old, "dropped proxies past their maximum age");
        }
    }

    fn pick(self: &Arc<Self>, state: &mut State) -> Option<PooledProxy> {
        if state.entries.is_empty() {
            return None;
        }
        let index = match self.options.selection {
            Selection::RoundRobin => state.cursor % state.entries.len(),
            Selection::Random => fastrand::usize(..state.entries.len()),
        };
        state.cursor = index + 1;
        state.handed_out += 1;
        let entry = &state.entries[index];
        Some(PooledProxy {
            pool: Arc::clone(self),
            id: entry.id,
            url: Arc::clone(&entry.url),
            http: entry.http.clone(),
        })
    }

    /// Starts an extraction in the background, unless one is in flight or refilling stopped.
    fn start_refill(&self, state: &mut State, pool: &ProxyPool) {
        if state.refilling || state.stopped.is_some() {
            return;
        }
        state.refilling = true;
        state.failed = None;
        let wait = state
            .last_extraction
            .map(|at| self.options.interval.saturating_sub(at.elapsed()))
            .unwrap_or_default();
        let inner = Arc::clone(&pool.inner);
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            inner.refill().await;
        });
    }

    /// One extraction, its health checks, and the proxies it adds.
    async fn refill(&self) {
        let options = &self.options;
        let mut request = GetProxyIpRequest::new(options.batch).protocol(options.protocol.clone());
        if let Some(region) = options.region {
            request = request.regions(region);
        }
        self.lock().last_extraction = Some(Instant::now());
        let result = options.client.get_proxy_ip(request).await;
        let mut added = Vec::new();
        let mut failed = None;
        let mut stopped = None;
        let mut got = 0;
        match result {
            Ok(response) => {
                let proxies = response.into_data();
                got = proxies.len();
                let checks = proxies.iter().map(|proxy| self.admit(proxy));
                added = join_all(checks).await.into_iter().flatten().collect();
                if got == 0 {
                    failed = Some(PoolError::NoProxies);
                } else if added.is_empty() {
                    failed = Some(PoolError::Unhealthy(got));
                }
            }
            Err(error) if error.refusal() == Some(RefusalKind::NotWhitelisted) => {
                tracing::error!(target: POOL_TARGET, %error, "extraction refused: refilling stops");
                stopped = Some(Arc::new(error));
            }
            Err(error) => {
                tracing::warn!(target: POOL_TARGET, %error, "extraction failed");
                failed = Some(PoolError::Extraction(Arc::new(error)));
            }
        }
        let mut state = self.lock();
        state.extractions += 1;
        state.extracted += got as u64;
        state.dropped += (got - added.len().min(got)) as u64;
        tracing::info!(target: POOL_TARGET, got, added = added.len(), "extraction done");
        state.entries.extend(added);
        state.failed = failed;
        if stopped.is_some() {
            state.stopped = stopped;
        }
        state.refilling = false;
        drop(state);
        self.changed.notify_waiters();
    }

    /// A new proxy's entry, if its client builds and it passes the health check.
    async fn admit(&self, proxy: &ExtractedProxy) -> Option<Entry> {
        u16::try_from(proxy.port).ok()?;
        let url = proxy_url(&self.options.protocol, proxy);
        let http = reqwest::Client::builder()
            .proxy(reqwest::Proxy::all(&url).ok()?)
            .build()
            .ok()?;
        if let Some(check) = &self.options.health {
            let probe = http.get(&check.url).timeout(check.timeout).send().await;
            let healthy = probe.is_ok_and(|r| r.status().is_success());
            if !healthy {
                tracing::info!(target: POOL_TARGET, %url, "a new proxy failed its health check");
                return None;
            }
        }
        Some(Entry {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            url: url.into(),
            added: Instant::now(),
            failures: 0,
            http,
        })
    }

    /// Counts a failure against the proxy `id`, dropping it at the limit.
    fn failed(&self, id: u64) {
        let mut state = self.lock();
        let Some(index) = state.entries.iter().position(|e| e.id == id) else {
            return;
        };
        state.entries[index].failures += 1;
        if state.entries[index].failures >= self.options.max_failures {
            let entry = state.entries.remove(index);
            state.dropped += 1;
            tracing::info!(target: POOL_TARGET, url = %entry.url, "dropped a proxy that failed too often");
        }
    }
}

/// Where an extracted proxy listens: `ip:port`, an IPv6 address in brackets. A port out of
/// range is shown as the API sent it.
pub fn proxy_address(proxy: &ExtractedProxy) -> String {
    match u16::try_from(proxy.port) {
        Ok(port) => std::net::SocketAddr::new(proxy.ip, port).to_string(),
        Err(_) => format!("{}:{}", proxy.ip, proxy.port),
    }
}

/// An extracted proxy's URL, `scheme://ip:port`: the wire values of the protocols (`http`,
/// `socks5`) are the schemes of their URLs. The pool hands its proxies out by these URLs.
///
/// ```
/// use ipidea::pool::proxy_url;
/// use ipidea::{ExtractedProxy, ProxyProtocol};
///
/// let proxy: ExtractedProxy = ipidea::serde_json::from_str(r#"{"ip": "::1", "port": 1080}"#)?;
/// assert_eq!(proxy_url(&ProxyProtocol::Socks5, &proxy), "socks5://[::1]:1080");
/// # Ok::<(), ipidea::serde_json::Error>(())
/// ```
pub fn proxy_url(protocol: &ProxyProtocol, proxy: &ExtractedProxy) -> String {
    format!("{}://{}", protocol.as_str(), proxy_address(proxy))
}

/// A proxy handed out by a [`ProxyPool`]: its URL and a ready `reqwest::Client` through it.
/// Report how requests through it went, so that the pool learns its health.
#[derive(Clone)]
pub struct PooledProxy {
    pool: Arc<Inner>,
    id: u64,
    url: Arc<str>,
    http: reqwest::Client,
}

impl std::fmt::Debug for PooledProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PooledProxy")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// The proxy's URL.
impl std::fmt::Display for PooledProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.url)
    }
}

impl PooledProxy {
    /// The proxy's URL, `http://ip:port` or `socks5://ip:port`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A `reqwest::Client` that sends through this proxy, made once per proxy and shared.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// A request through it failed (a connection or timeout error): counts against it.
    pub fn report_failure(&self) {
        self.pool.failed(self.id);
    }

    /// A request through it was answered with `status`: one of the pool's "blocked" statuses
    /// (403 and 429 by default) counts against it.
    pub fn report_status(&self, status: reqwest::StatusCode) {
        if resend::is_blocked(&self.pool.options.blocked, status) {
            self.pool.failed(self.id);
        }
    }
}

/// The pool as `reqwest-middleware` middleware (feature `middleware`), from
/// [`ProxyPool::middleware`]: each request goes through a proxy of the pool, with
/// [`ProxyPool::execute`]'s health learning and safe retries.
///
/// It sends the request itself, through the proxy's own client: attach it **last**, since the
/// middleware after it and the client it wraps are not used. Retry middleware before it (such
/// as `reqwest-retry`) sees a failure as `reqwest_middleware::Error::Reqwest` when sending the
/// request again is safe: an idempotent method, or a request that never left. A failure of any
/// other request that may have reached the server comes back as `Error::Middleware` holding
/// the [`SendError`], which `reqwest-retry`'s default rule treats as fatal, so the stack does
/// not send it twice either. A pool with no proxy to give comes back as `Error::Middleware`
/// holding [`SendError::Pool`].
///
/// ```no_run
/// use ipidea::reqwest_middleware::ClientBuilder;
///
/// # async fn run(pool: ipidea::pool::ProxyPool) -> Result<(), Box<dyn std::error::Error>> {
/// let http = ClientBuilder::new(ipidea::reqwest::Client::new()).with(pool.middleware()).build();
/// let page = http.get("https://example.com/").send().await?.text().await?;
/// # Ok(()) }
/// ```
#[cfg(feature = "middleware")]
#[derive(Debug, Clone)]
pub struct PoolMiddleware {
    pool: ProxyPool,
}

#[cfg(feature = "middleware")]
#[async_trait::async_trait]
impl reqwest_middleware::Middleware for PoolMiddleware {
    async fn handle(
        &self,
        request: reqwest::Request,
        _extensions: &mut http::Extensions,
        _next: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let repeatable = resend::is_idempotent(request.method());
        match self.pool.execute(request).await {
            Ok(response) => Ok(response),
            Err(SendError::Request { source, .. }) if repeatable || source.is_connect() => {
                Err(reqwest_middleware::Error::Reqwest(source))
            }
            Err(error) => Err(reqwest_middleware::Error::middleware(error)),
        }
    }
}
