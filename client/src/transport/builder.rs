//! Configuring a client: credentials, base URL, TLS, timeouts, retries, pacing and limits.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use secrecy::SecretString;

use super::{
    Credential, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, Inner, Pace,
    RetryPolicy, Transport, pace,
};
use crate::api::{ApiInfo, AuthInfo};
use crate::drift::{Drift, OnDrift};
use crate::error::Error;
use crate::tls;

/// Builds a generated client. Get one from the generated `Client::builder()`.
#[must_use]
pub struct ClientBuilder<C> {
    api: &'static ApiInfo,
    /// Another base URL for every API (such as the sandbox's, which serves them all).
    base_url: Option<String>,
    /// Another base URL for one API, by name; it wins over `base_url`.
    api_base_urls: Vec<(String, String)>,
    allow_http: bool,
    credentials: Vec<(String, SecretString)>,
    without_credentials: bool,
    problems: Vec<String>,
    http: Option<reqwest::Client>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    pace: Pace,
    max_response_bytes: usize,
    on_drift: Option<OnDrift>,
    make: fn(Transport) -> C,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api", &self.api.name)
            .field("base_url", &self.base_url)
            .field("api_base_urls", &self.api_base_urls)
            .field(
                "credentials",
                &self.credentials.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("pace", &self.pace)
            .field("on_drift", &self.on_drift.is_some())
            .finish_non_exhaustive()
    }
}

impl<C> ClientBuilder<C> {
    #[doc(hidden)]
    pub fn new(api: &'static ApiInfo, make: fn(Transport) -> C) -> Self {
        ClientBuilder {
            api,
            base_url: None,
            api_base_urls: Vec::new(),
            allow_http: false,
            credentials: Vec::new(),
            without_credentials: false,
            problems: Vec::new(),
            http: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            pace: Pace::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            on_drift: None,
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

    /// Builds a client with no credentials, for the APIs that need none: the extraction API
    /// knows its callers by their address, which must be on the account's whitelist. A call
    /// of an API that needs credentials is then refused before anything is sent
    /// ([`Error::Config`]). Credentials given as well are still checked and sent.
    pub fn without_credentials(mut self) -> Self {
        self.without_credentials = true;
        self
    }

    /// Reads every credential from its environment variable (`IPIDEA_UID`, `IPIDEA_APPKEY`).
    pub fn credentials_from_env(mut self) -> Self {
        for auth in credentials_of(self.api) {
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

    /// Calls another server for every API of the spec, such as the sandbox, which serves them
    /// all at one address. [`api_base_url`](Self::api_base_url) sets one API's. A URL must be
    /// `https`, except on a loopback address or for an API that sends no credentials, unless
    /// [`allow_insecure_http`](Self::allow_insecure_http) is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Calls another server for the API called `api` in the spec (`ipidea`, `extraction`).
    /// It wins over [`base_url`](Self::base_url). An unknown name is refused by
    /// [`build`](Self::build).
    pub fn api_base_url(mut self, api: &str, url: impl Into<String>) -> Self {
        self.api_base_urls.retain(|(name, _)| name != api);
        self.api_base_urls.push((api.to_owned(), url.into()));
        self
    }

    /// Reads each API's base URL from the environment variable the spec names for it
    /// (`IPIDEA_BASE_URL`, `IPIDEA_EXTRACTION_URL`), where it is set and not empty. An API
    /// whose variable is unset keeps its production URL.
    pub fn base_urls_from_env(mut self) -> Self {
        for service in self.api.apis {
            let Some(env) = service.base_url_env else {
                continue;
            };
            let url = std::env::var(env).unwrap_or_default();
            if !url.trim().is_empty() {
                self = self.api_base_url(service.name, url.trim());
            }
        }
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

    /// How requests are spaced out: at most so many in flight, and their starts at least so
    /// far apart (default [`Pace::one_at_a_time`], since IPIDEA documents no rate limit; see
    /// [`Pace`]). [`Pace::unlimited`] turns pacing off. Every attempt is paced, retries and
    /// pages of a stream included, and the wait for the pace is not part of the
    /// [`timeout`](Self::timeout). A pace with a cap of 0 requests in flight is refused by
    /// [`build`](Self::build).
    pub fn pace(mut self, pace: Pace) -> Self {
        self.pace = pace;
        self
    }

    /// Cap on a response body (default 8 MiB); a larger one is an error, not a crash.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Calls `on_drift` with each finding of drift: whenever a decoded response needed
    /// anything beyond the spec (a field kept in `extra`, an enum value decoded as
    /// `Unknown(..)`, a value accepted in a form the spec does not document). A [`Drift`] names
    /// the endpoint, the JSON path and the kind, never a value. The client's clones share the
    /// callback; it is called on the task that made the call, once per distinct path and kind
    /// in a response, so it should be quick (count, or send to a channel).
    ///
    /// Off by default. The same findings are `tracing` events at WARN of the target
    /// [`DRIFT_TARGET`](crate::DRIFT_TARGET) whenever a subscriber listens, with or without a
    /// callback; see the crate docs, "Drift".
    pub fn on_drift(mut self, on_drift: impl Fn(&Drift) + Send + Sync + 'static) -> Self {
        self.on_drift = Some(Arc::new(on_drift));
        self
    }

    /// Builds the client, checking the credentials, the base URL and the pace.
    pub fn build(self) -> Result<C, Error> {
        let mut problems = self.problems;
        let auths: Vec<&AuthInfo> = credentials_of(self.api).collect();
        for (name, _) in &self.credentials {
            if !auths.iter().any(|a| a.name == name) {
                let known: Vec<&str> = auths.iter().map(|a| a.name).collect();
                problems.push(format!(
                    "`{name}` is not a credential of this API (it takes {})",
                    known.join(", ")
                ));
            }
        }
        let mut credentials = Vec::new();
        for auth in auths {
            match self.credentials.iter().find(|(n, _)| n == auth.name) {
                Some((_, value)) => credentials.push(Credential {
                    name: auth.name,
                    value: value.clone(),
                    secret: auth.secret,
                }),
                None if problems.iter().any(|p| p.contains(auth.env)) => {}
                None if self.without_credentials => {}
                None => problems.push(format!(
                    "the credential `{}` is not set (set `{}`)",
                    auth.name, auth.env
                )),
            }
        }
        for (name, _) in &self.api_base_urls {
            if !self.api.apis.iter().any(|s| s.name == name) {
                let known: Vec<&str> = self.api.apis.iter().map(|s| s.name).collect();
                problems.push(format!(
                    "`{name}` is not an API of this spec (it has {})",
                    known.join(", ")
                ));
            }
        }
        let mut base_urls = Vec::new();
        for service in self.api.apis {
            let own = self.api_base_urls.iter().find(|(n, _)| n == service.name);
            let raw_url = own
                .map(|(_, url)| url.as_str())
                .or(self.base_url.as_deref())
                .unwrap_or(service.base_url);
            let clear_ok = self.allow_http || service.auth.is_empty();
            match check_base_url(raw_url, clear_ok) {
                Ok(url) => base_urls.push(url),
                Err(problem) => problems.push(problem),
            }
        }
        problems.extend(self.pace.problem());
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
            base_urls,
            credentials,
            http,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
            gate: pace::Gate::new(&self.pace),
            pace: self.pace,
            on_drift: self.on_drift,
        };
        Ok((self.make)(Transport {
            inner: Arc::new(inner),
            timeout: self.timeout,
        }))
    }
}

/// Every credential of the spec's APIs, each name once, in the order the APIs list them.
fn credentials_of(api: &'static ApiInfo) -> impl Iterator<Item = &'static AuthInfo> {
    api.apis.iter().enumerate().flat_map(move |(i, service)| {
        service.auth.iter().filter(move |auth| {
            !api.apis[..i]
                .iter()
                .any(|earlier| earlier.auth.iter().any(|a| a.name == auth.name))
        })
    })
}

/// The base URL `raw`, checked: a URL, with no query, fragment or user info, and `https`
/// unless it is on a loopback address or `clear_ok` (no credentials would cross, or the
/// caller allowed plain http).
fn check_base_url(raw: &str, clear_ok: bool) -> Result<String, String> {
    let url = Url::parse(raw).map_err(|e| format!("the base URL `{raw}` is not a URL: {e}"))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback || clear_ok => {}
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
