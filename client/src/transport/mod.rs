//! The HTTP side of every generated client: configuration ([`builder`]), retries
//! ([`retry`]), pacing ([`pace`]), sending with the envelope and outcome-unknown ([`send`]),
//! and page streams ([`paging`]).

mod builder;
mod pace;
mod paging;
mod retry;
mod send;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::api::ApiInfo;
use crate::drift::OnDrift;

pub use builder::ClientBuilder;
pub use pace::Pace;
pub use paging::{PageStream, next_page};
pub use retry::RetryPolicy;

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole call, from sending to the last byte of the response.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default cap on a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

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

struct Inner {
    api: &'static ApiInfo,
    /// The base URL of each API, in the order of [`ApiInfo::apis`].
    base_urls: Vec<String>,
    credentials: Vec<Credential>,
    http: reqwest::Client,
    retry: RetryPolicy,
    max_response_bytes: usize,
    pace: Pace,
    /// The runtime side of `pace`, shared by every clone.
    gate: pace::Gate,
    /// Called with each finding of drift in a decoded response, if set.
    on_drift: Option<OnDrift>,
}

/// The shared HTTP side of a generated client. Cheap to clone: clones share one connection
/// pool and one [`Pace`].
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
    timeout: Duration,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("api", &self.inner.api.name)
            .field("base_urls", &self.inner.base_urls)
            .field("credentials", &self.inner.credentials)
            .field("timeout", &self.timeout)
            .field("retry", &self.inner.retry)
            .field("pace", &self.inner.pace)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .field("on_drift", &self.inner.on_drift.is_some())
            .finish()
    }
}

impl Transport {
    /// The base URL calls of the main API go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_urls[0]
    }

    /// The base URL calls of the API called `api` in the spec go to.
    pub fn api_base_url(&self, api: &str) -> Option<&str> {
        let position = self.inner.api.apis.iter().position(|s| s.name == api)?;
        self.inner.base_urls.get(position).map(String::as_str)
    }

    /// How requests are spaced out (see [`Pace`]); clones of this transport share it.
    pub fn pace(&self) -> &Pace {
        &self.inner.pace
    }

    /// The same transport with another total timeout, for one call or a group of calls.
    pub fn with_timeout(&self, timeout: Duration) -> Transport {
        Transport {
            inner: Arc::clone(&self.inner),
            timeout,
        }
    }

    /// A builder of a bare transport for `api`, for tools that call endpoints by description
    /// rather than through a generated client.
    pub fn builder(api: &'static ApiInfo) -> ClientBuilder<Transport> {
        ClientBuilder::new(api, std::convert::identity)
    }
}
