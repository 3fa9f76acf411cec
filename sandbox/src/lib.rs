//! A local, stateful fake of the IPIDEA open API, driven by the spec.
//!
//! IPIDEA has no test environment, and every order spends money. The sandbox is a real HTTP
//! server on loopback that serves the API that `spec/ipidea.json` describes, so that order
//! automation can run end to end without spending anything.
//!
//! - **Spec-driven.** The spec is loaded with [`ipidea_spec`], the same loader as the
//!   `generate!` macro. Every endpoint of the spec is served at its method and path; every
//!   request is checked against the endpoint's fields (credentials, unknown fields, required
//!   fields, types with the same leniency as the client, enum values, bounds); an endpoint with
//!   no hand-written behaviour answers with its first example response and a fresh timestamp.
//! - **Stateful.** The order and account semantics are hand-written, per account:
//!   `isp_ip_open` and `static_ip_open` create orders with fresh IPs, `isp_ip_renew` and
//!   `static_ip_renew` renew IPs the account owns, and the four list endpoints page through each
//!   account's orders with their filters; flow and mobile-flow orders come from seed data.
//!   Each account has a whitelist (`white_list`, `white_add`, `white_del`; empty unless
//!   seeded with [`SandboxBuilder::whitelist`]) and a balance ([`DEFAULT_BALANCE`], 1000 yuan,
//!   or [`SandboxBuilder::balance`]) that opening and renewing spend at the sandbox's own prices
//!   ([`price`]: ISP 10 / 35 / 90 per IP for a week / month / quarter, datacenter 4.50 / 15 / 40;
//!   the vendor publishes none). A purchase the balance cannot cover is refused with
//!   `余额不足` and creates nothing. `balance_left` shows the balance, `balance_use_record` one
//!   record per day of spending, days starting at midnight UTC+8 as the vendor's do; `flow_left`
//!   the paid traffic of the seed data (its response shape is unverified); the warning settings
//!   are stored. Refusal codes and messages are the sandbox's own: the vendor documents none.
//! - **Faulty on demand.** [`Fault`]s are injected per endpoint: latency, an HTTP status, an
//!   HTML error page, a truncated body, a dropped connection, an API refusal, and a call (an
//!   order and its spending, a whitelist change) that is committed although its reply is lost.
//! - **Drifting on demand.** [`DriftKind`] alters successful answers the ways a real API drifts
//!   from its spec, so that drift reporting and spec verification can be tested over HTTP: a
//!   field the spec does not know in every record (`unknown-field`), a value outside its enum
//!   (`unknown-enum`), `null` in a non-nullable field (`null`), a value outside its type beyond
//!   the wire leniency (`bad-type`), records where the spec says `json` (`untyped-shape`).
//!   Only the data field (`ret_data`) changes, only where the spec gives a place for the kind,
//!   the same way each time; [`Sandbox::drift_applied`] lists every JSON path altered. Turn it
//!   on with [`SandboxBuilder::drift`], [`Sandbox::set_drift`] (all endpoints or one), or for
//!   one call with [`Fault::Drift`] (`drift:null`).
//!
//! ```no_run
//! use ipidea_sandbox::{DriftKind, Fault, Product, Sandbox};
//!
//! # async fn run() -> std::io::Result<()> {
//! let sandbox = Sandbox::start().await?; // 127.0.0.1:<free port>, uid 10001
//! println!("{} as {} / {}", sandbox.url(), sandbox.uid(), sandbox.appkey());
//!
//! // The next `isp_ip_open` creates its order (and spends), then loses the reply.
//! sandbox.inject("isp_ip_open", Fault::CommitThenDrop);
//! // ... drive a client against sandbox.url() ...
//! let orders = sandbox.orders(sandbox.uid(), Product::Isp);
//! let balance = sandbox.balance(sandbox.uid());
//! let whitelist = sandbox.whitelist(sandbox.uid());
//!
//! // From now on, `flow_order_list` answers with values outside the spec's enums and `null`s.
//! sandbox.set_drift(Some("flow_order_list"), [DriftKind::UnknownEnum, DriftKind::Null]);
//! // ... call it ...
//! for applied in sandbox.drift_applied() {
//!     println!("{applied}"); // flow_order_list: ret_data.data[0].pay_status (unknown-enum)
//! }
//! # Ok(()) }
//! ```
//!
//! The binary `ipidea-sandbox` serves the same from the command line; see the crate's README.
#![deny(missing_docs)]

pub use extract::MAX_LIVE_PROXIES;
pub use gateway::{DEFAULT_GATEWAY_PASSWORD, DEFAULT_SESSION_MINUTES};

mod account;
mod drift;
mod envelope;
mod extract;
mod fault;
mod gateway;
pub mod loopback;
mod orders;
pub mod proxy;
mod purchase;
mod request;
mod server;
mod validate;

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use ipidea_spec::{Spec, TypeKind};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use account::{DEFAULT_BALANCE, price};
pub use drift::{DRIFT_FIELD, DriftApplied, DriftKind, DriftSet, ParseDriftError, parse_drift};
pub use fault::{Fault, ParseFaultError};
pub use orders::{MAX_IPS_PER_ORDER, Product};
pub use request::MAX_BODY_BYTES;
/// The decimal type of the balance and the prices (`rust_decimal::Decimal`).
pub use rust_decimal::Decimal;

use server::Shared;
use validate::Account;

/// The account id of the default account.
pub const DEFAULT_UID: &str = "10001";

/// The API key of the default account.
pub const DEFAULT_APPKEY: &str = "sandbox-appkey";

/// The page size of the list endpoints when a request does not set one.
pub const DEFAULT_PAGE_SIZE: u32 = 15;

/// A running sandbox server. It stops when dropped: the listener closes and every open
/// connection is cut.
///
/// Start it inside a tokio runtime: [`Sandbox::start`] for the defaults, or
/// [`Sandbox::builder`] to choose the port, spec, accounts, seed data and page size.
pub struct Sandbox {
    url: String,
    addr: SocketAddr,
    uid: String,
    appkey: String,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
    echo_url: String,
    echo: JoinHandle<()>,
    gateway_url: String,
    gateway_password: String,
    gateway: JoinHandle<()>,
    gateway_state: Arc<gateway::GatewayState>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.url)
            .field("uid", &self.uid)
            .field("connections", &self.connections())
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox on `127.0.0.1` at a free port, with the bundled spec and one account:
    /// uid [`DEFAULT_UID`] (`10001`), appkey [`DEFAULT_APPKEY`] (`sandbox-appkey`).
    pub async fn start() -> io::Result<Sandbox> {
        Sandbox::builder().start().await
    }

    /// A builder, to choose the port, spec, accounts, seed data and default page size.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The base URL, `http://127.0.0.1:PORT`, with no trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL of the sandbox's address echo, `http://127.0.0.1:PORT`: any `GET` answers
    /// `{"ip": "<the caller's address>"}`, as the vendor's `ipinfo.ipidea.io` answers a
    /// customer who checks the exit address of a proxy. Through one of the sandbox's proxies
    /// (`proxy::Proxy`) it shows the proxy's own source address.
    pub fn echo_url(&self) -> &str {
        &self.echo_url
    }

    /// The URL of the sandbox's gateway, `http://127.0.0.1:PORT`: an HTTP proxy that takes the
    /// gateway's user names (`UID-zone-custom[-region-us][-session-ID][-sessTime-MIN]`, the
    /// uid of an account of the sandbox) with [`Sandbox::gateway_password`], as IPIDEA's
    /// account-and-password gateway. A wrong user or password gets `407`. A sticky session
    /// keeps one source address for its lifetime; every other request leaves from a fresh
    /// loopback address. It forwards to loopback addresses only, like the extracted proxies.
    pub fn gateway_url(&self) -> &str {
        &self.gateway_url
    }

    /// The password of the sandbox's gateway ([`DEFAULT_GATEWAY_PASSWORD`] unless the builder
    /// set another).
    pub fn gateway_password(&self) -> &str {
        &self.gateway_password
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The account id of the first account.
    pub fn uid(&self) -> &str {
        &self.uid
    }

    /// The API key of the first account.
    pub fn appkey(&self) -> &str {
        &self.appkey
    }

    /// The spec the sandbox serves.
    pub fn spec(&self) -> &Spec {
        &self.shared.spec
    }

    /// Plays `fault` on the next request of `endpoint` (its name in the spec, such as
    /// `isp_ip_open`), once. Several calls queue several faults, played in order, one per
    /// request. One-shot faults play before a standing one of [`Sandbox::inject_always`].
    ///
    /// An endpoint the spec does not have receives no requests, so its faults never play.
    pub fn inject(&self, endpoint: &str, fault: Fault) {
        self.shared.inject(endpoint, fault);
    }

    /// Plays `fault` on every request of `endpoint` until [`Sandbox::clear_faults`]. A second
    /// call for the same endpoint replaces the first.
    pub fn inject_always(&self, endpoint: &str, fault: Fault) {
        self.shared.inject_always(endpoint, fault);
    }

    /// Removes every fault, queued and standing, of every endpoint.
    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }

    /// Makes successful answers drift from the spec with `kinds` (see [`DriftKind`]): those of
    /// `endpoint` (its name in the spec), or with `None` those of every endpoint, replacing
    /// every endpoint's own setting. An endpoint's own setting replaces the all-endpoints one
    /// for it, so an empty set turns drift off for one endpoint. Takes a [`DriftKind`], an array of
    /// them or a [`DriftSet`]; [`DriftSet::none()`] turns drift off.
    ///
    /// ```no_run
    /// # use ipidea_sandbox::{DriftKind, DriftSet, Sandbox};
    /// # async fn run(sandbox: Sandbox) {
    /// sandbox.set_drift(None, DriftSet::all());
    /// sandbox.set_drift(Some("isp_ip_open"), DriftSet::none());
    /// sandbox.set_drift(Some("white_list"), [DriftKind::Null, DriftKind::BadType]);
    /// # }
    /// ```
    pub fn set_drift(&self, endpoint: Option<&str>, kinds: impl Into<DriftSet>) {
        self.shared.set_drift(endpoint, kinds.into());
    }

    /// The standing drift of `endpoint`: its own setting, or that of every endpoint. A
    /// [`Fault::Drift`] adds to it for one call.
    pub fn drift(&self, endpoint: &str) -> DriftSet {
        self.shared.drift(endpoint)
    }

    /// Every alteration that drift has made to the answers sent so far, each once (the same
    /// alteration of a later answer is not listed again), in the order first made: the
    /// endpoint, the JSON path from the data field (`ret_data.data[0].pay_status`, as the
    /// client's decode errors name paths) and the kind. An answer whose connection was cut
    /// ([`Fault::CommitThenDrop`]) is not altered.
    pub fn drift_applied(&self) -> Vec<DriftApplied> {
        self.shared.drift_applied()
    }

    /// Forgets the alterations listed by [`Sandbox::drift_applied`].
    pub fn clear_drift_applied(&self) {
        self.shared.clear_drift_applied();
    }

    /// How many requests reached the handler of `endpoint` (matched its method and path),
    /// faults and refusals included.
    pub fn requests_seen(&self, endpoint: &str) -> usize {
        self.shared.requests_seen(endpoint)
    }

    /// The fault that refuses a call of `endpoint` as a refusal of `kind`, in the words the
    /// spec's `refusals` give it for the endpoint's API (a "not whitelisted" refusal names
    /// `127.0.0.1`); `None` where the spec gives that kind no words. Play it with
    /// [`Sandbox::inject`] or [`Sandbox::inject_always`].
    ///
    /// ```no_run
    /// # async fn run(sandbox: ipidea_sandbox::Sandbox) {
    /// use ipidea_spec::RefusalKind;
    ///
    /// if let Some(fault) = sandbox.refusal("get_proxy_ip", RefusalKind::TrafficExhausted) {
    ///     sandbox.inject("get_proxy_ip", fault);
    /// }
    /// # }
    /// ```
    pub fn refusal(&self, endpoint: &str, kind: ipidea_spec::RefusalKind) -> Option<Fault> {
        let spec = &self.shared.spec;
        let api = spec.service_of(spec.endpoint(endpoint)?);
        let refusal = match kind {
            ipidea_spec::RefusalKind::NotWhitelisted => {
                let local = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
                extract::refusal_text(api, kind)?;
                extract::not_whitelisted(api, local)
            }
            ipidea_spec::RefusalKind::TrafficExhausted => {
                envelope::Refusal::api(envelope::ret::BALANCE, extract::refusal_text(api, kind)?)
            }
        };
        Some(Fault::Refuse {
            ret: refusal.ret,
            msg: refusal.msg,
        })
    }

    /// Makes the extracted proxy listening at `addr` play `fault` from now on (`None`: none):
    /// a dead proxy refuses connections for good, a slow one waits before forwarding, and one
    /// that drops mid-request cuts its answers off. False where no extracted proxy runs there.
    pub fn break_proxy(&self, addr: SocketAddr, fault: Option<proxy::ProxyFault>) -> bool {
        self.shared
            .extracted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .set_fault(addr, fault)
    }

    /// Makes the gateway play `fault` (`None`: none) for the sticky session `session` (its
    /// id, as in the user name's `-session-ID`), or for every request (`session: None`): a
    /// slow gateway waits before forwarding, one that drops mid-request cuts its answers off,
    /// and a dead one closes each connection without forwarding anything (the sandbox's
    /// choice: how the vendor's gateway fails is not documented). A session's own fault wins
    /// over the gateway's.
    pub fn break_gateway(&self, session: Option<&str>, fault: Option<proxy::ProxyFault>) {
        self.gateway_state.set_fault(session, fault);
    }

    /// The proxies the extraction API has handed out that are still running, oldest first:
    /// where each listens, and the source address it connects out from. At most
    /// [`MAX_LIVE_PROXIES`] run; they stop with the sandbox.
    pub fn extracted_proxies(&self) -> Vec<(SocketAddr, IpAddr)> {
        self.shared
            .extracted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .proxies()
    }

    /// How many TCP connections the server has accepted.
    pub fn connections(&self) -> usize {
        self.shared.connections()
    }

    /// The orders of account `uid` in `product`, oldest first: for ISP and datacenter, the
    /// sandbox's order items (see the README); for flow and mobile flow, the seeded records.
    /// Empty for an unknown account.
    pub fn orders(&self, uid: &str, product: Product) -> Vec<Value> {
        self.shared.orders(uid, product)
    }

    /// The whitelist of account `uid`, in the order the IPs were added (as `white_list`
    /// answers). Empty for an unknown account.
    pub fn whitelist(&self, uid: &str) -> Vec<IpAddr> {
        self.shared.whitelist(uid)
    }

    /// The balance of account `uid` now, in yuan (as `balance_left` answers); `None` for an
    /// unknown account.
    pub fn balance(&self, uid: &str) -> Option<Decimal> {
        self.shared.balance(uid)
    }

    /// The low-balance warning that account `uid` set with `balance_warning_set`: an object of
    /// the fields sent, as sent (a later call overwrites the fields it sends and keeps the
    /// others). `None` before the first call.
    pub fn balance_warning(&self, uid: &str) -> Option<Value> {
        self.shared.warning(uid, account::Warning::Balance)
    }

    /// The low-traffic warning that account `uid` set with `flow_warning_set`, as
    /// [`Sandbox::balance_warning`].
    pub fn flow_warning(&self, uid: &str) -> Option<Value> {
        self.shared.warning(uid, account::Warning::Flow)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.accept.abort();
        self.echo.abort();
        self.gateway.abort();
    }
}

/// Configures and starts a [`Sandbox`].
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// let sandbox = ipidea_sandbox::Sandbox::builder()
///     .account("10001", "key-one")
///     .account("10002", "key-two")
///     .seed_file("tests/seed.json")?
///     .page_size_default(15)
///     .start()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    port: u16,
    spec: Option<Spec>,
    accounts: Vec<(String, String)>,
    seeds: Vec<Value>,
    page_size: u32,
    balances: Vec<(String, Decimal)>,
    whitelists: Vec<(String, Vec<IpAddr>)>,
    flow_left: Vec<(String, Decimal)>,
    spent: Vec<(String, i64, Product, Decimal)>,
    drift: DriftSet,
    gateway_password: String,
}

impl Default for SandboxBuilder {
    fn default() -> SandboxBuilder {
        SandboxBuilder {
            port: 0,
            spec: None,
            accounts: Vec::new(),
            seeds: Vec::new(),
            page_size: DEFAULT_PAGE_SIZE,
            balances: Vec::new(),
            whitelists: Vec::new(),
            flow_left: Vec::new(),
            spent: Vec::new(),
            drift: DriftSet::none(),
            gateway_password: DEFAULT_GATEWAY_PASSWORD.to_owned(),
        }
    }
}

impl SandboxBuilder {
    /// The password of the sandbox's gateway (default [`DEFAULT_GATEWAY_PASSWORD`]).
    pub fn gateway_password(mut self, password: impl Into<String>) -> SandboxBuilder {
        self.gateway_password = password.into();
        self
    }

    /// The port to listen on at `127.0.0.1`; `0` (the default) picks a free one.
    pub fn port(mut self, port: u16) -> SandboxBuilder {
        self.port = port;
        self
    }

    /// The spec to serve, loaded with [`ipidea_spec::load()`] or [`ipidea_spec::parse()`]; the
    /// bundled spec by default.
    pub fn spec(mut self, spec: Spec) -> SandboxBuilder {
        self.spec = Some(spec);
        self
    }

    /// Adds an account. Call it once per account; the first is the one [`Sandbox::uid`] and
    /// [`Sandbox::appkey`] return. Without any, the sandbox has the default account
    /// ([`DEFAULT_UID`], [`DEFAULT_APPKEY`]).
    pub fn account(mut self, uid: impl Into<String>, appkey: impl Into<String>) -> SandboxBuilder {
        self.accounts.push((uid.into(), appkey.into()));
        self
    }

    /// Adds seed data: flow and mobile-flow orders per account, in the vendor's record shape
    /// (the spec type `FlowOrder`):
    ///
    /// ```json
    /// { "10001": { "flow": [ { "order_id": "2205211052185894", ... } ], "mobile_flow": [] } }
    /// ```
    ///
    /// Each record is checked against the item type of the product line's list endpoint when
    /// the sandbox starts. Several calls add up.
    pub fn seed(mut self, seed: Value) -> SandboxBuilder {
        self.seeds.push(seed);
        self
    }

    /// Sets the balance of account `uid` (in yuan; [`DEFAULT_BALANCE`], 1000, by default).
    /// Opening and renewing IPs spend it at the sandbox's prices (see [`price`]); a purchase it
    /// cannot cover is refused with `余额不足`. The last call for an account wins.
    pub fn balance(mut self, uid: impl Into<String>, balance: Decimal) -> SandboxBuilder {
        self.balances.push((uid.into(), balance));
        self
    }

    /// Adds IPs to the whitelist of account `uid` (empty by default), as if added when the
    /// sandbox starts. Several calls add up; an IP listed twice is an error at start.
    pub fn whitelist(
        mut self,
        uid: impl Into<String>,
        ips: impl IntoIterator<Item = IpAddr>,
    ) -> SandboxBuilder {
        self.whitelists
            .push((uid.into(), ips.into_iter().collect()));
        self
    }

    /// Sets what `flow_left` answers for account `uid`, in MB. Without it, `flow_left` answers
    /// the sum of the `coin` (MB) of the account's paid dynamic residential traffic orders
    /// (the `flow` seed data). The last call for an account wins.
    pub fn flow_left(mut self, uid: impl Into<String>, megabytes: Decimal) -> SandboxBuilder {
        self.flow_left.push((uid.into(), megabytes));
        self
    }

    /// Adds a past use of the balance of account `uid`: `money` yuan spent on `product` at unix
    /// second `at`, for `balance_use_record` to show. The balance now (see
    /// [`SandboxBuilder::balance`]) is not changed; the records' `balance` on earlier days adds
    /// back what was spent since. ISP money shows as `isp_use` and `static_house_orderUse`,
    /// datacenter money as `static_order_user`, dynamic residential (`Product::Flow`) money as
    /// `residential_use`, and all of it in `total_use_balance`.
    pub fn spent(
        mut self,
        uid: impl Into<String>,
        at: i64,
        product: Product,
        money: Decimal,
    ) -> SandboxBuilder {
        self.spent.push((uid.into(), at, product, money));
        self
    }

    /// Adds demo data for the default account: three dynamic residential and two dynamic
    /// mobile traffic orders, made from the spec's example record with other order and
    /// recharge ids, dates, sizes and payment states, and two whitelisted IPs from the
    /// documentation ranges (`203.0.113.7`, `198.51.100.23`). For demos and the
    /// `ipidea --sandbox` tool.
    pub fn demo_seed(self) -> SandboxBuilder {
        let documentation_ips = [
            IpAddr::from([203, 0, 113, 7]),
            IpAddr::from([198, 51, 100, 23]),
        ];
        let this = self.whitelist(DEFAULT_UID, documentation_ips);
        let spec = ipidea_spec::bundled();
        let example = spec
            .endpoint("flow_order_list")
            .and_then(|e| e.examples.first())
            .and_then(|e| e.response.pointer("/ret_data/data/0").cloned());
        let Some(example) = example else { return this };
        let order = |recharge: u64, id: &str, created: i64, coin: i64, money: &str, paid: bool| {
            let mut order = example.clone();
            order["recharge_id"] = Value::from(recharge);
            order["order_id"] = Value::from(id);
            order["created_at"] = Value::from(created.to_string());
            order["updated_at"] = Value::from(created.to_string());
            order["coin"] = Value::from(coin);
            order["money"] = Value::from(money);
            order["pay_status"] = Value::from(u8::from(paid));
            order["pay_time"] = if paid {
                Value::from(created + 60)
            } else {
                Value::Null
            };
            order["description"] = Value::from(format!("HTTP traffic {coin}M"));
            order
        };
        this.seed(serde_json::json!({
            DEFAULT_UID: {
                "flow": [
                    order(4055, "2205211052185894", 1_653_101_538, 30_000, "0.01", true),
                    order(4187, "2206021130427761", 1_654_140_642, 100_000, "150.00", true),
                    order(4302, "2206151802119043", 1_655_287_331, 5_000, "9.90", false),
                ],
                "mobile_flow": [
                    order(4419, "2207010915334410", 1_656_638_133, 10_000, "45.00", true),
                    order(4533, "2207120741052298", 1_657_582_865, 2_000, "12.50", true),
                ],
            }
        }))
    }

    /// Adds seed data from a JSON file (see [`SandboxBuilder::seed`]). Fails if the file cannot
    /// be read or is not JSON.
    pub fn seed_file(self, path: impl AsRef<Path>) -> io::Result<SandboxBuilder> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot read the seed file {}: {e}", path.display()),
            )
        })?;
        let seed = serde_json::from_str(&text).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the seed file {} is not valid JSON: {e}", path.display()),
            )
        })?;
        Ok(self.seed(seed))
    }

    /// The page size of list calls that do not send one; [`DEFAULT_PAGE_SIZE`] (15) by
    /// default. `0` counts as 1.
    pub fn page_size_default(mut self, size: u32) -> SandboxBuilder {
        self.page_size = size;
        self
    }

    /// Makes the successful answers of every endpoint drift from the spec with `kinds` (a
    /// [`DriftKind`], an array of them or a [`DriftSet`]; see [`DriftKind`] for what each changes).
    /// Several calls add up. [`Sandbox::set_drift`] changes it while the sandbox runs.
    pub fn drift(mut self, kinds: impl Into<DriftSet>) -> SandboxBuilder {
        self.drift = self.drift.union(kinds.into());
        self
    }

    /// Binds the port and starts serving on the current tokio runtime.
    ///
    /// Fails if the port cannot be bound, an account is given twice, the seed data does not fit
    /// the spec, seed data, a balance, a whitelist or a past use names an account the sandbox
    /// does not have, a balance or traffic amount is negative, or a whitelist repeats an IP.
    pub async fn start(self) -> io::Result<Sandbox> {
        let invalid = |msg: String| io::Error::new(io::ErrorKind::InvalidInput, msg);
        let spec = match self.spec {
            Some(spec) => spec,
            None => ipidea_spec::parse(ipidea_spec::BUNDLED_NAME, ipidea_spec::BUNDLED)
                .map_err(|e| invalid(format!("the bundled spec is invalid:\n{e}")))?,
        };
        let mut accounts: Vec<Account> = Vec::new();
        for (uid, appkey) in self.accounts {
            if accounts.iter().any(|a| a.uid == uid) {
                return Err(invalid(format!("the account `{uid}` is given twice")));
            }
            accounts.push(Account { uid, appkey });
        }
        if accounts.is_empty() {
            accounts.push(Account {
                uid: DEFAULT_UID.to_owned(),
                appkey: DEFAULT_APPKEY.to_owned(),
            });
        }

        let mut state = orders::State::new();
        let check = |product: Product, record: &Value| check_seed_record(&spec, product, record);
        for seed in &self.seeds {
            for (uid, product, records) in orders::parse_seed(seed, &check).map_err(invalid)? {
                if !accounts.iter().any(|a| a.uid == uid) {
                    return Err(invalid(format!(
                        "the seed has orders of uid `{uid}`, which is not an account of the \
                         sandbox; add it as an account (`.account(uid, appkey)`, or `--uid`)"
                    )));
                }
                state.seed(&uid, product, records);
            }
        }

        let mut books = account::Accounts::new();
        let started = chrono::Utc::now().timestamp();
        let known = |uid: &str, what: &str| {
            if accounts.iter().any(|a| a.uid == uid) {
                Ok(())
            } else {
                Err(invalid(format!(
                    "{what} is for uid `{uid}`, which is not an account of the sandbox; add it as \
                     an account (`.account(uid, appkey)`, or `--uid`)"
                )))
            }
        };
        for account in &accounts {
            books.open_book(&account.uid);
        }
        for (uid, balance) in &self.balances {
            known(uid, "a balance")?;
            if balance.is_sign_negative() {
                return Err(invalid(format!(
                    "the balance of `{uid}` is negative: {balance}"
                )));
            }
            books.set_balance(uid, *balance);
        }
        for (uid, megabytes) in &self.flow_left {
            known(uid, "a traffic amount")?;
            if megabytes.is_sign_negative() {
                return Err(invalid(format!(
                    "the traffic left of `{uid}` is negative: {megabytes}"
                )));
            }
            books.set_flow_left(uid, *megabytes);
        }
        for (uid, ips) in &self.whitelists {
            known(uid, "a whitelist")?;
            books.seed_whitelist(uid, ips, started).map_err(invalid)?;
        }
        for (uid, at, product, money) in &self.spent {
            known(uid, "a past use of the balance")?;
            books.seed_spend(uid, *at, *product, *money);
        }
        let state = server::World {
            orders: state,
            accounts: books,
        };

        let listener = TcpListener::bind(("127.0.0.1", self.port)).await?;
        let addr = listener.local_addr()?;
        let (uid, appkey) = match accounts.first() {
            Some(first) => (first.uid.clone(), first.appkey.clone()),
            None => (String::new(), String::new()),
        };
        let users = accounts.iter().map(|a| a.uid.clone()).collect();
        let shared = Arc::new(Shared::new(spec, accounts, self.page_size, state));
        shared.set_drift(None, self.drift);
        let accept = tokio::spawn(server::accept_loop(listener, Arc::clone(&shared)));
        let echo_listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let echo_url = format!("http://{}", echo_listener.local_addr()?);
        let echo = tokio::spawn(proxy::echo(echo_listener));
        let gateway_listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let gateway_url = format!("http://{}", gateway_listener.local_addr()?);
        let gateway_state = gateway::GatewayState {
            users,
            password: self.gateway_password.clone(),
            sessions: std::sync::Mutex::new(std::collections::HashMap::new()),
            sources: Arc::clone(&shared.extracted),
            upstreams: std::sync::Mutex::new(std::collections::HashMap::new()),
            faults: std::sync::Mutex::new(std::collections::HashMap::new()),
        };
        let gateway_state = Arc::new(gateway_state);
        let gateway = tokio::spawn(gateway::serve(gateway_listener, Arc::clone(&gateway_state)));
        Ok(Sandbox {
            url: format!("http://{addr}"),
            addr,
            uid,
            appkey,
            shared,
            accept,
            echo_url,
            echo,
            gateway_url,
            gateway_password: self.gateway_password,
            gateway,
            gateway_state,
        })
    }

    /// The same as [`SandboxBuilder::start`].
    pub async fn build(self) -> io::Result<Sandbox> {
        self.start().await
    }
}

/// Compiles the README's Rust example as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// A seed record must be an object that fits the item type of the product line's list.
fn check_seed_record(spec: &Spec, product: Product, record: &Value) -> Result<(), String> {
    let endpoint = product.list_endpoint();
    let page = spec
        .endpoint(endpoint)
        .ok_or_else(|| format!("the spec has no `{endpoint}` endpoint to list these orders"))?;
    let item = page
        .response
        .named()
        .and_then(|name| spec.type_def(name))
        .and_then(|t| match &t.kind {
            TypeKind::Page { item } => Some(item),
            _ => None,
        })
        .ok_or_else(|| format!("`{endpoint}` does not return a page in the spec"))?;
    if !record.is_object() {
        return Err("expected an order object".to_owned());
    }
    spec.check_value(item, false, record)
        .map_err(|e| format!("does not fit `{item}`: {e}"))
}
