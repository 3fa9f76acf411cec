//! The sandbox's gateway: one port that takes the gateway's user-name grammar
//! (`ipidea_spec::gateway`) with basic proxy authentication, as IPIDEA's account-and-password
//! gateway does, and forwards like an extracted proxy: HTTP absolute-form requests and
//! `CONNECT` tunnels, to loopback addresses only.
//!
//! The proxy user is an account's uid and the password the sandbox's gateway password. A
//! sticky session keeps one source address for its lifetime (its `sessTime`, else
//! [`DEFAULT_SESSION_MINUTES`]); a request without a session, or of a new session, leaves from
//! the next loopback address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, PROXY_AUTHENTICATE, PROXY_AUTHORIZATION};
use hyper::{Request, Response, StatusCode};
use ipidea_spec::gateway::UserName;
use tokio::net::TcpListener;

use crate::extract::Extracted;
use crate::loopback;
use crate::proxy::{self, DroppedMidRequest, ProxyBody, ProxyFault, Upstream};

/// How long a sticky session keeps its address when the user name gives no `sessTime`.
pub const DEFAULT_SESSION_MINUTES: u32 = 10;

/// The password of the sandbox's gateway unless the builder sets another.
pub const DEFAULT_GATEWAY_PASSWORD: &str = "sandbox-gateway";

/// What the gateway knows: who may use it, the sessions it keeps, and where addresses come
/// from (shared with the extraction API, so no two proxies share a source address).
pub(crate) struct GatewayState {
    /// Proxy users (the accounts' uids) and the gateway password.
    pub users: Vec<String>,
    pub password: String,
    pub sessions: Mutex<HashMap<String, (IpAddr, Instant)>>,
    pub sources: Arc<Mutex<Extracted>>,
    /// The connections out from each source address, kept for the next request from it.
    pub upstreams: Mutex<HashMap<IpAddr, Upstream>>,
    /// Faults played for the tests: for one sticky session (by id), or for every request
    /// (`None`).
    pub faults: Mutex<HashMap<Option<String>, ProxyFault>>,
}

impl GatewayState {
    /// The source address of a request of `name`: its session's, while the session lasts,
    /// else the next one.
    fn source(&self, name: &UserName<'_>) -> IpAddr {
        let next = || {
            let mut sources = self.sources.lock().unwrap_or_else(|e| e.into_inner());
            sources.next_sources(1)[0]
        };
        let Some(session) = name.session else {
            return next();
        };
        let now = Instant::now();
        let minutes = name.minutes.unwrap_or(DEFAULT_SESSION_MINUTES);
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.retain(|_, (_, until)| *until > now);
        let key = format!("{}-{}", name.account, session);
        let (source, _) = *sessions
            .entry(key)
            .or_insert_with(|| (next(), now + Duration::from_secs(u64::from(minutes) * 60)));
        source
    }

    /// The fault to play for a request of `name`: its session's, else the gateway's.
    fn fault(&self, name: &UserName<'_>) -> Option<ProxyFault> {
        let faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        name.session
            .and_then(|id| faults.get(&Some(id.to_owned())))
            .or_else(|| faults.get(&None))
            .copied()
    }

    /// Plays `fault` (`None`: none) for the sticky session `session`, or for every request.
    pub(crate) fn set_fault(&self, session: Option<&str>, fault: Option<ProxyFault>) {
        let mut faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        let key = session.map(str::to_owned);
        match fault {
            Some(fault) => faults.insert(key, fault),
            None => faults.remove(&key),
        };
    }

    /// The connections out from `source`.
    fn upstream(&self, source: IpAddr) -> Upstream {
        let mut upstreams = self.upstreams.lock().unwrap_or_else(|e| e.into_inner());
        // Sources come from a bounded range, but a long run may cycle through many: keep at
        // most as many as a sandbox runs proxies.
        if upstreams.len() >= crate::extract::MAX_LIVE_PROXIES && !upstreams.contains_key(&source) {
            upstreams.clear();
        }
        upstreams
            .entry(source)
            .or_insert_with(|| Upstream::new(source))
            .clone()
    }

    /// The user name of a request whose `Proxy-Authorization` names a proxy user of the
    /// sandbox with the gateway password; else why not.
    fn authenticate<'r>(
        &self,
        header: Option<&'r HeaderValue>,
        decoded: &'r mut String,
    ) -> Result<UserName<'r>, String> {
        let header = header.ok_or("no proxy credentials: send `Proxy-Authorization: Basic ...`")?;
        let encoded = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Basic "))
            .ok_or("the proxy credentials are not `Basic`")?;
        let bytes = STANDARD
            .decode(encoded.trim())
            .map_err(|_| "the proxy credentials are not base64")?;
        *decoded = String::from_utf8(bytes).map_err(|_| "the proxy credentials are not UTF-8")?;
        let (user, password) = decoded
            .split_once(':')
            .ok_or("the proxy credentials have no password")?;
        let name = UserName::parse(user)?;
        if !self.users.iter().any(|u| u == name.account) || password != self.password {
            return Err(format!(
                "wrong proxy user or password for `{}`",
                name.account
            ));
        }
        Ok(name)
    }
}

/// Serves the gateway on `listener` until the future is dropped.
pub(crate) async fn serve(listener: TcpListener, state: Arc<GatewayState>) {
    let connections = AtomicUsize::new(0);
    loopback::serve(listener, &connections, move |_peer, request| {
        handle(Arc::clone(&state), request)
    })
    .await;
}

async fn handle(
    state: Arc<GatewayState>,
    request: Request<Incoming>,
) -> Result<Response<ProxyBody>, DroppedMidRequest> {
    let mut decoded = String::new();
    let header = request.headers().get(PROXY_AUTHORIZATION).cloned();
    let (source, fault) = match state.authenticate(header.as_ref(), &mut decoded) {
        Ok(name) => (state.source(&name), state.fault(&name)),
        Err(reason) => {
            let mut response = proxy::text(StatusCode::PROXY_AUTHENTICATION_REQUIRED, reason);
            response.headers_mut().insert(
                PROXY_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"ipidea-sandbox\""),
            );
            return Ok(response);
        }
    };
    proxy::forward(request, &state.upstream(source), fault).await
}
