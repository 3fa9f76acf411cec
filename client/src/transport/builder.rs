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
use crate::api::ApiInfo;
use crate::drift::{Drift, OnDrift};
use crate::error::Error;
use crate::tls;

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
            allow_http: false,
            credentials: Vec::new(),
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
        let base_url = check_base_url(raw_url, self.allow_http);
        if let Err(problem) = &base_url {
            problems.push(problem.clone());
        }
        problems.extend(self.pace.problem());
        let base_url = match base_url {
            Ok(url) if problems.is_empty() => url,
            _ => return Err(Error::Config(problems.join("; "))),
        };
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
            base_url,
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
