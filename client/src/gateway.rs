//! The account-and-password gateway: proxies by user name rather than by extraction.
//!
//! A customer who does not extract proxies sends traffic through IPIDEA's gateway, a proxy
//! host that authenticates the account's proxy user and password (no whitelist). The user name
//! says what the request wants: the product zone, a region, and a sticky session that keeps
//! one exit address for its lifetime:
//!
//! ```text
//! USER-zone-custom[-region-us][-session-a1b2c3d4][-sessTime-30]
//! ```
//!
//! **Unverified.** No vendor page documents the gateway; what this module writes is what public
//! customer code agrees on (see `ipidea_spec::gateway`, which the sandbox's gateway reads with
//! too). Host and port are settings: [`DEFAULT_GATEWAY_HOST`] and [`DEFAULT_GATEWAY_PORT`] by
//! default, with the other ports customers use in [`GATEWAY_PORTS`].
//!
//! ```
//! use ipidea::gateway::Gateway;
//! use ipidea::Country;
//!
//! let gateway = Gateway::new("alice", "s3cret")?;
//! let route = gateway.route().region(Country::new("us")?).sticky().minutes(30).build()?;
//! assert!(route.user_name().starts_with("alice-zone-custom-region-us-session-"));
//! let proxy: ipidea::reqwest::Proxy = route.proxy()?; // for reqwest::ClientBuilder::proxy
//! assert!(!route.url().to_string().contains("s3cret")); // the password is masked
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use ipidea_spec::gateway::{self as grammar, UserName};
use secrecy::{ExposeSecret, SecretString};

use crate::resend::{self, Failed};
use crate::values::Country;

/// The gateway host most customers use (10+ public projects). Regional hosts (`as.`, `eu.`,
/// `na.ipidea.io`) and per-customer hosts exist too: set yours with [`Gateway::host`].
pub const DEFAULT_GATEWAY_HOST: &str = "proxy.ipidea.io";

/// The port most customers use (2333, 10+ public projects).
pub const DEFAULT_GATEWAY_PORT: u16 = 2333;

/// The ports customers use: 2333 (10+ projects), 2334 (4) and 2336 (5). Sources disagree
/// which is current; the account's console says which is yours.
pub const GATEWAY_PORTS: [u16; 3] = [2333, 2334, 2336];

/// A value the gateway's user-name grammar does not take, refused before anything is built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("gateway: {0}")]
pub struct GatewayError(String);

/// The product a route draws its exit addresses from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Zone {
    /// `custom`: rotating residential addresses (the zone most customers use).
    Custom,
    /// `static`: static residential addresses (3 public projects).
    Static,
}

impl Zone {
    /// The zone's name in the user name.
    pub fn as_str(self) -> &'static str {
        match self {
            Zone::Custom => "custom",
            Zone::Static => "static",
        }
    }
}

/// The gateway of one account: host, port, proxy user and password. Cheap to clone.
///
/// The password is a secret: it never shows in `Debug`, in errors or in a route's printed
/// URL; [`ProxyUrl::expose`] shows it when asked.
#[derive(Clone)]
pub struct Gateway {
    host: String,
    port: u16,
    user: String,
    password: SecretString,
}

impl fmt::Debug for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gateway")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &"[redacted]")
            .finish()
    }
}

impl Gateway {
    /// The gateway of the proxy user `user` (the account's, from its console) with its
    /// password, at [`DEFAULT_GATEWAY_HOST`]:[`DEFAULT_GATEWAY_PORT`].
    pub fn new(
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> Result<Gateway, GatewayError> {
        let user = user.into();
        grammar::check_account(&user).map_err(GatewayError)?;
        Ok(Gateway {
            host: DEFAULT_GATEWAY_HOST.to_owned(),
            port: DEFAULT_GATEWAY_PORT,
            user,
            password: SecretString::from(password.into()),
        })
    }

    /// Another host, such as a regional one, a per-customer one, or the sandbox's `127.0.0.1`.
    pub fn host(mut self, host: impl Into<String>) -> Gateway {
        self.host = host.into();
        self
    }

    /// Another port (see [`GATEWAY_PORTS`]).
    pub fn port(mut self, port: u16) -> Gateway {
        self.port = port;
        self
    }

    /// The host and port, `host:port`.
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// A route through this gateway, zone `custom`, any region, no session: every request may
    /// leave from another address. Its setters choose; [`RouteBuilder::build`] checks.
    pub fn route(&self) -> RouteBuilder {
        RouteBuilder {
            gateway: self.clone(),
            zone: Zone::Custom,
            region: None,
            session: None,
            minutes: None,
        }
    }
}

/// What a route asks the gateway for; [`build`](RouteBuilder::build) checks it.
#[derive(Debug, Clone)]
#[must_use]
pub struct RouteBuilder {
    gateway: Gateway,
    zone: Zone,
    region: Option<Country>,
    session: Option<String>,
    minutes: Option<u32>,
}

impl RouteBuilder {
    /// The product zone (default [`Zone::Custom`]).
    pub fn zone(mut self, zone: Zone) -> Self {
        self.zone = zone;
        self
    }

    /// Exit addresses in `country` (default: any).
    pub fn region(mut self, country: Country) -> Self {
        self.region = Some(country);
        self
    }

    /// A sticky session with the id `id`: requests with the same id keep one exit address for
    /// the session's lifetime. 6 to 15 letters or digits.
    pub fn session(mut self, id: impl Into<String>) -> Self {
        self.session = Some(id.into());
        self
    }

    /// A sticky session with a fresh random id (12 letters and digits).
    pub fn sticky(mut self) -> Self {
        self.session = Some(new_session_id());
        self
    }

    /// The sticky session's lifetime, 1 to 120 minutes (without it, the gateway's default).
    pub fn minutes(mut self, minutes: u32) -> Self {
        self.minutes = Some(minutes);
        self
    }

    /// Sticky sessions by key with this route's zone, region and lifetime: each key (an
    /// account, a browser profile) keeps one session, and so one exit address, until it is
    /// rotated. The route's own session, if any, is not used.
    pub fn sessions(self) -> StickySessions {
        // Each key's route is this one with a fresh `sticky()` session, which replaces any
        // session set here.
        StickySessions {
            template: self,
            routes: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// The route, or what the grammar refuses: a session id that is not 6 to 15 letters or
    /// digits (a `-` would end it early), a lifetime outside 1 to 120 minutes, or a lifetime
    /// without a session.
    pub fn build(self) -> Result<Route, GatewayError> {
        if let Some(id) = &self.session {
            grammar::check_session(id).map_err(GatewayError)?;
        }
        if let Some(minutes) = self.minutes {
            grammar::check_minutes(minutes).map_err(GatewayError)?;
            if self.session.is_none() {
                return Err(GatewayError(
                    "a lifetime is a sticky session's: set `session` or `sticky` too".to_owned(),
                ));
            }
        }
        let user_name = UserName {
            account: &self.gateway.user,
            zone: self.zone.as_str(),
            region: self.region.as_ref().map(Country::as_str),
            session: self.session.as_deref(),
            minutes: self.minutes,
        }
        .to_string();
        Ok(Route {
            gateway: self.gateway,
            user_name,
            session: self.session,
        })
    }
}

/// Sticky sessions by key, through one gateway; see [`RouteBuilder::sessions`]. Each key
/// keeps its route and a `reqwest::Client` through it (so a session's connections to the
/// gateway are reused), until a failure rotates it. Cheap to clone: clones share the sessions.
///
/// ```
/// use ipidea::gateway::Gateway;
///
/// let sessions = Gateway::new("alice", "pw")?.route().minutes(30).sessions();
/// let first = sessions.route("profile-1")?;
/// assert_eq!(sessions.route("profile-1")?.session(), first.session()); // kept
/// let rotated = sessions.rotate("profile-1")?; // after a failure: a new exit address
/// assert_ne!(rotated.session(), first.session());
/// # Ok::<(), ipidea::gateway::GatewayError>(())
/// ```
#[derive(Debug, Clone)]
pub struct StickySessions {
    template: RouteBuilder,
    routes: Arc<Mutex<HashMap<String, Session>>>,
}

/// A key's session: its route and a client through it.
#[derive(Debug, Clone)]
struct Session {
    route: Route,
    http: reqwest::Client,
}

/// The session's id, for the traces of its retries.
impl fmt::Display for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "session {}", self.route.session().unwrap_or("-"))
    }
}

impl StickySessions {
    fn routes(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.routes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The session of `key`. Callers that find none at once each make one, and the first
    /// stored is the one they all get: one key, one session, one exit address.
    fn session(&self, key: &str) -> Result<Session, GatewayError> {
        if let Some(session) = self.routes().get(key) {
            return Ok(session.clone());
        }
        let made = self.make()?;
        Ok(self.routes().entry(key.to_owned()).or_insert(made).clone())
    }

    /// A new session from the template, stored nowhere yet.
    fn make(&self) -> Result<Session, GatewayError> {
        let route = self.template.clone().sticky().build()?;
        let http = reqwest::Client::builder()
            .proxy(route.proxy()?)
            .build()
            .map_err(|e| GatewayError(format!("cannot build a client through the gateway: {e}")))?;
        Ok(Session { route, http })
    }

    /// Replaces the session of `key` after `failed` failed, unless it was replaced already: a
    /// late failure of an old session does not throw away its successor.
    fn rotate_after(&self, key: &str, failed: &Session) -> Result<(), GatewayError> {
        let made = self.make()?;
        let mut routes = self.routes();
        let replaced = routes
            .get(key)
            .is_some_and(|current| current.route.session != failed.route.session);
        if !replaced {
            routes.insert(key.to_owned(), made);
        }
        Ok(())
    }

    /// The route of `key`: its session so far, or a new one.
    pub fn route(&self, key: &str) -> Result<Route, GatewayError> {
        self.session(key).map(|s| s.route)
    }

    /// A `reqwest::Client` through the session of `key`, made once per session and shared.
    pub fn client(&self, key: &str) -> Result<reqwest::Client, GatewayError> {
        self.session(key).map(|s| s.http)
    }

    /// A new session for `key`, replacing its old one: after a failure, or to change address.
    pub fn rotate(&self, key: &str) -> Result<Route, GatewayError> {
        let session = self.make()?;
        self.routes().insert(key.to_owned(), session.clone());
        Ok(session.route)
    }

    /// Sends `request` through the session of `key` and reads its answer whole. A failure, or
    /// an answer with a "blocked" status (403 or 429), rotates the key's session, so its next
    /// request leaves from a new exit address. Where it is safe, the request is then sent once
    /// more through the new session: an idempotent method (GET, HEAD, OPTIONS, TRACE, PUT,
    /// DELETE) after any failure or blocked answer, any other method only when the gateway
    /// could not be reached, so the request never left. It is the proxy pool's rule, and each
    /// repeat is traced as the pool's are (target `ipidea::pool`).
    pub async fn execute(
        &self,
        key: &str,
        request: reqwest::Request,
    ) -> Result<reqwest::Response, SessionError> {
        let next = || {
            let session = self.session(key);
            async move { session.map(|s| (s.http.clone(), s)) }
        };
        let rotate = |failed: &Session| self.rotate_after(key, failed);
        match resend::send(request, SESSION_RETRIES, &resend::BLOCKED, next, rotate).await {
            Ok(response) => Ok(response),
            Err(Failed::Route(error)) => Err(SessionError::Route(error)),
            Err(Failed::Request {
                via,
                attempts,
                source,
            }) => Err(SessionError::Request {
                session: via.route.session.unwrap_or_default(),
                attempts,
                source,
            }),
        }
    }

    /// Forgets the session of `key`.
    pub fn forget(&self, key: &str) {
        self.routes().remove(key);
    }

    /// How many keys hold a session.
    pub fn len(&self) -> usize {
        self.routes().len()
    }

    /// Whether no key holds a session.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How many more times [`StickySessions::execute`] sends a request, through a new session,
/// after a failure it is safe to repeat.
const SESSION_RETRIES: u32 = 1;

/// Why [`StickySessions::execute`] has no answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// A route cannot be built (see [`RouteBuilder::build`]).
    #[error(transparent)]
    Route(#[from] GatewayError),
    /// The request failed through the gateway, on the last attempt it was safe to make. The
    /// key's session has been rotated.
    #[error(
        "the request failed through the gateway in session {session} (attempt {attempts}): {source}"
    )]
    Request {
        /// The session of the last attempt.
        session: String,
        /// The attempts made, each through its own session.
        attempts: u32,
        /// The last attempt's failure.
        source: reqwest::Error,
    },
}

/// A checked route through the gateway: the user name, as a `reqwest::Proxy` or a proxy URL.
#[derive(Clone)]
pub struct Route {
    gateway: Gateway,
    user_name: String,
    session: Option<String>,
}

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route")
            .field("gateway", &self.gateway.address())
            .field("user_name", &self.user_name)
            .finish_non_exhaustive()
    }
}

impl Route {
    /// The user name the gateway reads.
    pub fn user_name(&self) -> &str {
        &self.user_name
    }

    /// The sticky session's id, where the route has one.
    pub fn session(&self) -> Option<&str> {
        self.session.as_deref()
    }

    /// An HTTP proxy for `reqwest::ClientBuilder::proxy`, for every scheme (`https` through
    /// `CONNECT`), with the user name and password as its basic proxy authentication.
    pub fn proxy(&self) -> Result<reqwest::Proxy, GatewayError> {
        let url = format!("http://{}", self.gateway.address());
        reqwest::Proxy::all(&url)
            .map(|proxy| proxy.basic_auth(&self.user_name, self.gateway.password.expose_secret()))
            .map_err(|e| GatewayError(format!("`{url}` is not a proxy URL: {e}")))
    }

    /// The route as a proxy URL, `http://USER:PASSWORD@host:port`, for tools that take one.
    /// It prints with the password masked; [`ProxyUrl::expose`] gives the whole URL.
    pub fn url(&self) -> ProxyUrl<'_> {
        ProxyUrl(self)
    }
}

/// A route's proxy URL. `Display` and `Debug` mask the password as `****`.
pub struct ProxyUrl<'r>(&'r Route);

impl ProxyUrl<'_> {
    /// The URL with the password, for a program that hands it on. Keep it out of logs.
    pub fn expose(&self) -> String {
        self.with_password(&encode(self.0.gateway.password.expose_secret()))
    }

    fn with_password(&self, password: &str) -> String {
        let route = self.0;
        format!(
            "http://{}:{password}@{}",
            encode(&route.user_name),
            route.gateway.address()
        )
    }
}

impl fmt::Display for ProxyUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.with_password("****"))
    }
}

impl fmt::Debug for ProxyUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Percent-encodes what a URL's user info cannot hold as is.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A fresh session id: 12 random letters and digits.
fn new_session_id() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..12)
        .map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_are_refused_before_anything_is_built() {
        let gateway = Gateway::new("alice", "pw").unwrap();
        for (route, says) in [
            (gateway.route().session("a1-b2c3"), "is not a session id"),
            (gateway.route().session("abc"), "is not a session id"),
            (gateway.route().sticky().minutes(0), "not 0"),
            (gateway.route().sticky().minutes(121), "not 121"),
            (
                gateway.route().minutes(10),
                "a lifetime is a sticky session's",
            ),
        ] {
            let error = route.build().unwrap_err().to_string();
            assert!(error.contains(says), "{error}");
        }
        assert!(Gateway::new("a-zone-b", "pw").is_err());
        assert!(Gateway::new("", "pw").is_err());
    }

    #[test]
    fn the_password_shows_only_when_exposed() {
        let gateway = Gateway::new("alice", "p@ss:w0rd")
            .unwrap()
            .host("127.0.0.1")
            .port(9);
        let route = gateway
            .route()
            .zone(Zone::Static)
            .session("abcdef12")
            .build()
            .unwrap();
        assert_eq!(route.user_name(), "alice-zone-static-session-abcdef12");
        let shown = format!(
            "{} {:?} {:?} {:?}",
            route.url(),
            route.url(),
            route,
            gateway
        );
        assert!(!shown.contains("p@ss"), "{shown}");
        assert_eq!(
            route.url().to_string(),
            "http://alice-zone-static-session-abcdef12:****@127.0.0.1:9"
        );
        assert_eq!(
            route.url().expose(),
            "http://alice-zone-static-session-abcdef12:p%40ss%3Aw0rd@127.0.0.1:9"
        );
    }

    #[test]
    fn sessions_are_kept_per_key_until_rotated_or_forgotten() {
        let sessions = Gateway::new("alice", "pw")
            .unwrap()
            .route()
            .session("ignored1")
            .sessions();
        assert!(sessions.is_empty());
        let first = sessions.route("a").unwrap();
        assert_ne!(
            first.session(),
            Some("ignored1"),
            "each key has its own session"
        );
        assert_eq!(sessions.route("a").unwrap().session(), first.session());
        sessions.route("b").unwrap();
        assert_eq!((sessions.len(), sessions.is_empty()), (2, false));
        let rotated = sessions.rotate("a").unwrap();
        assert_ne!(rotated.session(), first.session());
        sessions.forget("a");
        assert_eq!(sessions.len(), 1);
        assert_ne!(sessions.route("a").unwrap().session(), rotated.session());
    }

    #[test]
    fn debug_shows_where_and_who_but_never_the_password() {
        let gateway = Gateway::new("alice", "hunter2").unwrap().port(2334);
        let route = gateway.route().session("abcdef12").build().unwrap();
        let shown = format!("{gateway:?} {route:?} {:?}", route.url());
        for expected in [
            "proxy.ipidea.io",
            "2334",
            "alice",
            "[redacted]",
            "alice-zone-custom-session-abcdef12",
            "****",
        ] {
            assert!(shown.contains(expected), "{expected}: {shown}");
        }
        assert!(!shown.contains("hunter2"), "{shown}");
        // Sessions by key, with a live session and its client, show it neither.
        let sessions = gateway.route().sessions();
        sessions.client("profile-1").unwrap();
        let sessions_shown = format!("{sessions:?}");
        assert!(sessions_shown.contains("profile-1"), "{sessions_shown}");
        assert!(!sessions_shown.contains("hunter2"), "{sessions_shown}");
        let route_shown = format!("{route:?}");
        assert!(
            route_shown.contains("proxy.ipidea.io:2334")
                && route_shown.contains("session-abcdef12"),
            "{route_shown}"
        );
    }

    #[test]
    fn sticky_ids_are_fresh_and_fit_the_grammar() {
        let gateway = Gateway::new("alice", "pw").unwrap();
        let a = gateway.route().sticky().build().unwrap();
        let b = gateway.route().sticky().build().unwrap();
        assert_ne!(a.session(), b.session());
        for route in [a, b] {
            let name = UserName::parse(route.user_name()).unwrap();
            assert_eq!(name.session, route.session());
        }
    }
}
