//! The extraction API's behaviour: a caller whose address is on an account's whitelist gets
//! working proxies on loopback, each connecting out from a loopback address of its own.
//!
//! The sandbox is written from what public customer code shows of the real service (no vendor
//! page documents it): no credentials, the caller known by its address, a refusal whose
//! message begins with the spec's "not whitelisted" text and names the caller's address, and
//! data of `{"ip", "port"}` items.

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use ipidea_spec::{RefusalKind, Service};
use serde_json::{Map, Value, json};

use crate::envelope::{Refusal, ret};
use crate::proxy::{Proxy, ProxyFault, ProxyProtocol};

/// How many extracted proxies run at once; the oldest stops when another starts past it, as
/// the real service's proxies expire.
pub const MAX_LIVE_PROXIES: usize = 1024;

/// The envelope status of a "not whitelisted" refusal: the code an older IPIDEA extraction
/// host used for it (one public source; the current host's code is not known).
pub(crate) const NOT_WHITELISTED: i64 = 113;

/// Whether the endpoint called `name` is an extraction, which the sandbox answers with
/// proxies.
pub(crate) fn is_extraction(name: &str) -> bool {
    matches!(name, "get_proxy_ip" | "get_balance_proxy_ip")
}

/// The proxies handed out, and where the next one connects out from.
#[derive(Debug, Default)]
pub(crate) struct Extracted {
    live: VecDeque<Proxy>,
    handed_out: u32,
    /// Set once a source address could not be bound, and every proxy since uses 127.0.0.1.
    single_source: bool,
}

impl Extracted {
    /// The source addresses of the next `count` proxies (and gateway sessions): `127.0.0.2`, `127.0.0.3`, ..., up
    /// to `127.255.255.254`, then again from the start.
    pub(crate) fn next_sources(&mut self, count: usize) -> Vec<IpAddr> {
        (0..count)
            .map(|_| {
                // 127.0.0.0 is the network, .1 the sandbox's own, .255.255.255 the broadcast.
                const SOURCES: u32 = (1 << 24) - 3;
                let host = self.handed_out % SOURCES + 2;
                self.handed_out = (self.handed_out + 1) % SOURCES;
                IpAddr::V4(Ipv4Addr::new(
                    127,
                    (host >> 16) as u8,
                    (host >> 8) as u8,
                    host as u8,
                ))
            })
            .collect()
    }

    /// Makes the running proxy at `addr` play `fault`; false where none runs there.
    pub(crate) fn set_fault(&self, addr: SocketAddr, fault: Option<ProxyFault>) -> bool {
        match self.live.iter().find(|p| p.addr() == addr) {
            Some(proxy) => {
                proxy.set_fault(fault);
                true
            }
            None => false,
        }
    }

    /// The running proxies' addresses and their sources, oldest first.
    pub(crate) fn proxies(&self) -> Vec<(SocketAddr, IpAddr)> {
        self.live.iter().map(|p| (p.addr(), p.source())).collect()
    }
}

/// The refusal of a caller whose address `peer` is on no account's whitelist: the spec's
/// "not whitelisted" text followed by the address, as sibling vendors write it.
pub(crate) fn not_whitelisted(api: &Service, peer: IpAddr) -> Refusal {
    match refusal_text(api, RefusalKind::NotWhitelisted) {
        Some(text) => Refusal::api(NOT_WHITELISTED, format!("{text} {peer}")),
        None => Refusal::api(
            ret::AUTH,
            format!("the caller's address {peer} is not on the account's whitelist"),
        ),
    }
}

/// The text the spec's `refusals` give a kind, for the API `api`.
pub(crate) fn refusal_text(api: &Service, kind: RefusalKind) -> Option<&str> {
    api.refusals
        .iter()
        .find(|rule| rule.kind == kind)
        .map(|rule| rule.message.as_str())
}

/// What an extraction asks for.
pub(crate) struct Wanted {
    count: usize,
    protocol: ProxyProtocol,
}

impl Wanted {
    /// Reads the checked request fields: `num` (the spec bounds it) and `protocol`.
    pub(crate) fn of(given: &Map<String, Value>) -> Wanted {
        let count = given
            .get("num")
            .and_then(ipidea_spec::wire::integer)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(1);
        let protocol = match given.get("protocol").and_then(Value::as_str) {
            Some("socks5") => ProxyProtocol::Socks5,
            _ => ProxyProtocol::Http,
        };
        Wanted { count, protocol }
    }
}

/// Starts the proxies `wanted` asks for and returns the data items, `{"ip", "port"}` each.
/// The lock on `extracted` is taken only between the starts, never across them.
pub(crate) async fn hand_out(
    extracted: &std::sync::Mutex<Extracted>,
    wanted: Wanted,
) -> Result<Value, Refusal> {
    let lock = || extracted.lock().unwrap_or_else(|e| e.into_inner());
    let (sources, single) = {
        let mut state = lock();
        (state.next_sources(wanted.count), state.single_source)
    };
    let mut started = Vec::with_capacity(sources.len());
    let mut fell_back = false;
    for source in sources {
        let source = if single || fell_back {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            source
        };
        let proxy = match Proxy::start(wanted.protocol, source).await {
            Ok(proxy) => proxy,
            Err(error) if !source.is_loopback() || source == IpAddr::V4(Ipv4Addr::LOCALHOST) => {
                return Err(start_failed(error));
            }
            Err(error) => {
                // A platform that routes only 127.0.0.1 to loopback: every proxy shares it.
                tracing::warn!(
                    %source, %error,
                    "this platform cannot connect out from loopback addresses beyond 127.0.0.1; every proxy connects out from 127.0.0.1, so targets see one source address"
                );
                fell_back = true;
                Proxy::start(wanted.protocol, IpAddr::V4(Ipv4Addr::LOCALHOST))
                    .await
                    .map_err(start_failed)?
            }
        };
        started.push(proxy);
    }
    let items: Vec<Value> = started
        .iter()
        .map(|p| json!({"ip": p.addr().ip().to_string(), "port": p.addr().port()}))
        .collect();
    let mut state = lock();
    state.single_source |= fell_back;
    state.live.extend(started);
    while state.live.len() > MAX_LIVE_PROXIES {
        state.live.pop_front();
    }
    Ok(Value::Array(items))
}

fn start_failed(error: std::io::Error) -> Refusal {
    Refusal::http(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        500,
        format!("the sandbox could not start a proxy: {error}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_start_at_127_0_0_2_and_stay_in_loopback() {
        let mut extracted = Extracted::default();
        let first = extracted.next_sources(3);
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(first, [ip("127.0.0.2"), ip("127.0.0.3"), ip("127.0.0.4")]);
        extracted.handed_out = 254;
        assert_eq!(extracted.next_sources(1), [ip("127.0.1.0")]);
        extracted.handed_out = (1 << 24) - 4;
        let wrapped = extracted.next_sources(2);
        assert_eq!(wrapped, [ip("127.255.255.254"), ip("127.0.0.2")]);
        assert!(wrapped.iter().all(IpAddr::is_loopback));
    }
}
