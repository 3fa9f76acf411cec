//! The hand-written order semantics: accounts' orders, IP pools, order ids, lists and seeds.
//!
//! Everything here runs under the sandbox's state mutex and never awaits, so an order that is
//! created is in the state before the reply that confirms it is written.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
#[cfg(test)]
use ipidea_spec::Changes;
use ipidea_spec::days::Date;
use ipidea_spec::{Endpoint, PageCount, Spec};
use serde_json::{Map, Value, json};

/// A product line of the API. Each has its own orders and its own list endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Product {
    /// Static residential (ISP) IPs: opened with `isp_ip_open`, renewed with `isp_ip_renew`,
    /// listed with `isp_order_list`.
    Isp,
    /// Datacenter IPs: opened with `static_ip_open`, renewed with `static_ip_renew`, listed with
    /// `datacenter_order_list`.
    Datacenter,
    /// Dynamic residential traffic, bought on the vendor's website: seed data only, listed with
    /// `flow_order_list`.
    Flow,
    /// Dynamic mobile traffic, bought on the vendor's website: seed data only, listed with
    /// `mobile_flow_order_list`.
    MobileFlow,
}

impl Product {
    /// Every product line.
    pub const ALL: [Product; 4] = [
        Product::Isp,
        Product::Datacenter,
        Product::Flow,
        Product::MobileFlow,
    ];

    /// The endpoint that lists this product line's orders, such as `isp_order_list`.
    pub fn list_endpoint(self) -> &'static str {
        match self {
            Product::Isp => "isp_order_list",
            Product::Datacenter => "datacenter_order_list",
            Product::Flow => "flow_order_list",
            Product::MobileFlow => "mobile_flow_order_list",
        }
    }

    /// The key of this product line in a seed file (`flow`, `mobile_flow`), for the lines that
    /// come from seed data.
    pub fn seed_key(self) -> Option<&'static str> {
        match self {
            Product::Flow => Some("flow"),
            Product::MobileFlow => Some("mobile_flow"),
            Product::Isp | Product::Datacenter => None,
        }
    }

    /// A human name, for messages.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Product::Isp => "ISP",
            Product::Datacenter => "datacenter",
            Product::Flow => "flow",
            Product::MobileFlow => "mobile flow",
        }
    }
}

/// What a hand-written endpoint does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Open(Product),
    Renew(Product),
    List(Product),
}

#[cfg(test)]
impl Action {
    /// What this behaviour changes in the sandbox's books: opening and renewing spend the
    /// account's money. A test checks it against each endpoint's `changes` in the spec.
    pub(crate) fn changes(self) -> Changes {
        match self {
            Action::Open(_) | Action::Renew(_) => Changes::Money,
            Action::List(_) => Changes::Nothing,
        }
    }
}

/// The hand-written behaviour of `endpoint`, if it has one.
pub(crate) fn action(endpoint: &str) -> Option<Action> {
    Some(match endpoint {
        "isp_ip_open" => Action::Open(Product::Isp),
        "static_ip_open" => Action::Open(Product::Datacenter),
        "isp_ip_renew" => Action::Renew(Product::Isp),
        "static_ip_renew" => Action::Renew(Product::Datacenter),
        _ => {
            return Product::ALL
                .into_iter()
                .find(|p| p.list_endpoint() == endpoint)
                .map(Action::List);
        }
    })
}

/// The most IPs one open call may ask for in the sandbox.
pub const MAX_IPS_PER_ORDER: u32 = 1000;

/// How many IPs each pool holds: `156.237.0.0/16` and `38.0.0.0/8`, skipping `.0` and `.255`.
const ISP_POOL: u32 = 256 * 254;
const DATACENTER_POOL: u32 = 256 * 256 * 254;

/// The `index`-th IP of a product line's pool.
fn pool_ip(product: Product, index: u32) -> Ipv4Addr {
    // Each /24 gives 254 hosts, `.1` to `.254`; the /24s count up in the octets before.
    let host = (index % 254) as u8 + 1;
    let [_, _, high, low] = (index / 254).to_be_bytes();
    match product {
        Product::Datacenter => Ipv4Addr::new(38, high, low, host),
        _ => Ipv4Addr::new(156, 237, low, host),
    }
}

/// An open call's fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct OpenRequest {
    pub region: String,
    pub duration: String,
    pub num: u32,
    pub remark: Option<String>,
    pub pool_tag: Option<String>,
}

/// A renew call's fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct RenewRequest {
    pub ips: Vec<IpAddr>,
    pub duration: String,
    pub remark: Option<String>,
}

/// The filters and page of a list call.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListQuery {
    pub order_id: Option<String>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub pay_status: Option<String>,
    pub page: u64,
    pub limit: u64,
}

/// One account's orders, per product line, oldest first.
#[derive(Debug, Default)]
struct Account {
    orders: HashMap<Product, Vec<Value>>,
    /// The IPs the account opened, per product line, with their region.
    owned: HashMap<Product, HashMap<IpAddr, String>>,
}

/// Every account's orders, and what keeps ids and IPs unique.
#[derive(Debug)]
pub(crate) struct State {
    accounts: HashMap<String, Account>,
    order_ids: HashSet<String>,
    /// The second of the last order id, and how many ids it gave from which offset.
    clock: i64,
    used: u16,
    offset: u16,
    next_ip: HashMap<Product, u32>,
}

impl State {
    pub(crate) fn new() -> State {
        State {
            accounts: HashMap::new(),
            order_ids: HashSet::new(),
            clock: i64::MIN,
            used: 0,
            offset: 0,
            next_ip: HashMap::new(),
        }
    }

    /// A fresh vendor-like order id: `yymmddHHMMSS` (Beijing time, as the vendor's ids are)
    /// and four digits, unique in this sandbox. The clock never goes back, and a second that
    /// ran out of its ten thousand ids borrows the next one.
    fn new_order_id(&mut self, now: DateTime<Utc>) -> String {
        loop {
            let secs = now.timestamp().max(self.clock);
            if secs > self.clock {
                self.clock = secs;
                self.used = 0;
                self.offset = fastrand::u16(..10_000);
            }
            if self.used >= 10_000 {
                self.clock = self.clock.saturating_add(1);
                self.used = 0;
                continue;
            }
            let suffix = (u32::from(self.offset) + u32::from(self.used)) % 10_000;
            self.used += 1;
            let stamp =
                DateTime::<Utc>::from_timestamp(self.clock, 0).unwrap_or(now) + TimeDelta::hours(8);
            let id = format!("{}{suffix:04}", stamp.format("%y%m%d%H%M%S"));
            if self.order_ids.insert(id.clone()) {
                return id;
            }
        }
    }

    /// Whether an open of `num` IPs of `product` would be served: at most
    /// [`MAX_IPS_PER_ORDER`], and the pool has them. Changes nothing.
    pub(crate) fn check_open(&self, product: Product, num: u32) -> Result<(), String> {
        if num > MAX_IPS_PER_ORDER {
            return Err(format!(
                "`num` {num} is more than the sandbox opens in one order (at most {MAX_IPS_PER_ORDER})"
            ));
        }
        let capacity = match product {
            Product::Datacenter => DATACENTER_POOL,
            _ => ISP_POOL,
        };
        let next = self.next_ip.get(&product).copied().unwrap_or(0);
        if next.saturating_add(num) > capacity {
            return Err(format!(
                "the sandbox's pool of {} IPs is exhausted ({} left, {num} asked)",
                product.label(),
                capacity - next.min(capacity),
            ));
        }
        Ok(())
    }

    /// Opens `request.num` fresh IPs for `uid` and records the order; returns its id.
    pub(crate) fn open(
        &mut self,
        uid: &str,
        product: Product,
        request: OpenRequest,
        now: DateTime<Utc>,
    ) -> Result<String, String> {
        self.check_open(product, request.num)?;
        let next = self.next_ip.get(&product).copied().unwrap_or(0);
        let end = next.saturating_add(request.num);
        self.next_ip.insert(product, end);
        let ips: Vec<IpAddr> = (next..end)
            .map(|i| IpAddr::V4(pool_ip(product, i)))
            .collect();
        let order_id = self.new_order_id(now);
        let account = self.accounts.entry(uid.to_owned()).or_default();
        let owned = account.owned.entry(product).or_default();
        for ip in &ips {
            owned.insert(*ip, request.region.clone());
        }
        let order = order_item(OrderItem {
            order_id: &order_id,
            kind: "open",
            now,
            region: &request.region,
            duration: &request.duration,
            ips: &ips,
            remark: request.remark,
            pool_tag: request.pool_tag,
        });
        account.orders.entry(product).or_default().push(order);
        Ok(order_id)
    }

    /// The distinct IPs of a renew of `ips` by `uid` in `product`, if it would be served:
    /// every IP is one that `uid` owns in `product`, and there is at least one. Changes nothing.
    pub(crate) fn check_renew(
        &self,
        uid: &str,
        product: Product,
        ips: &[IpAddr],
    ) -> Result<Vec<IpAddr>, String> {
        self.renewal(uid, product, ips).map(|(ips, _)| ips)
    }

    /// The distinct IPs of a renew and the regions they were opened in.
    fn renewal(
        &self,
        uid: &str,
        product: Product,
        requested: &[IpAddr],
    ) -> Result<(Vec<IpAddr>, Vec<String>), String> {
        let mut ips: Vec<IpAddr> = Vec::new();
        for ip in requested {
            if !ips.contains(ip) {
                ips.push(*ip);
            }
        }
        let owned = self
            .accounts
            .get(uid)
            .and_then(|account| account.owned.get(&product));
        let mut regions: Vec<String> = Vec::new();
        for ip in &ips {
            match owned.and_then(|owned| owned.get(ip)) {
                Some(region) => {
                    if !regions.contains(region) {
                        regions.push(region.clone());
                    }
                }
                None => {
                    return Err(format!(
                        "cannot renew `{ip}`: it is not an IP of this account's {} orders",
                        product.label()
                    ));
                }
            }
        }
        if ips.is_empty() {
            return Err("`renew_ip_list` names no IP".to_owned());
        }
        Ok((ips, regions))
    }

    /// Records a renew order of IPs that `uid` owns in `product`; refuses any other IP.
    pub(crate) fn renew(
        &mut self,
        uid: &str,
        product: Product,
        request: RenewRequest,
        now: DateTime<Utc>,
    ) -> Result<String, String> {
        let (ips, regions) = self.renewal(uid, product, &request.ips)?;
        let order_id = self.new_order_id(now);
        let order = order_item(OrderItem {
            order_id: &order_id,
            kind: "renew",
            now,
            region: &regions.join(","),
            duration: &request.duration,
            ips: &ips,
            remark: request.remark,
            pool_tag: None,
        });
        self.accounts
            .entry(uid.to_owned())
            .or_default()
            .orders
            .entry(product)
            .or_default()
            .push(order);
        Ok(order_id)
    }

    /// Adds seed records (already checked) to `uid`'s orders of `product`.
    pub(crate) fn seed(&mut self, uid: &str, product: Product, records: Vec<Value>) {
        for record in &records {
            if let Some(id) = record.get("order_id").and_then(text) {
                self.order_ids.insert(id);
            }
        }
        self.accounts
            .entry(uid.to_owned())
            .or_default()
            .orders
            .entry(product)
            .or_default()
            .extend(records);
    }

    /// `uid`'s orders of `product`, oldest first.
    pub(crate) fn orders(&self, uid: &str, product: Product) -> Vec<Value> {
        self.accounts
            .get(uid)
            .and_then(|account| account.orders.get(&product))
            .cloned()
            .unwrap_or_default()
    }

    /// One page of `uid`'s orders of `product` that pass the filters, newest first, and how
    /// many pass in all.
    pub(crate) fn list(&self, uid: &str, product: Product, query: &ListQuery) -> (u64, Vec<Value>) {
        let empty = Vec::new();
        let orders = self
            .accounts
            .get(uid)
            .and_then(|account| account.orders.get(&product))
            .unwrap_or(&empty);
        let mut hits: Vec<(usize, &Value)> = orders
            .iter()
            .enumerate()
            .filter(|(_, order)| passes(order, query))
            .collect();
        // Newest first; ties (the same second) in reverse order of creation.
        hits.sort_by(|(ia, a), (ib, b)| {
            let ka = (created_at(a).unwrap_or(i64::MIN), *ia);
            let kb = (created_at(b).unwrap_or(i64::MIN), *ib);
            kb.cmp(&ka)
        });
        let total = hits.len() as u64;
        let limit = query.limit.max(1);
        let skip = query.page.max(1).saturating_sub(1).saturating_mul(limit);
        let page = hits
            .into_iter()
            .skip(usize::try_from(skip).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|(_, order)| order.clone())
            .collect();
        (total, page)
    }
}

/// The parts of an ISP or datacenter order item.
struct OrderItem<'a> {
    order_id: &'a str,
    kind: &'a str,
    now: DateTime<Utc>,
    region: &'a str,
    duration: &'a str,
    ips: &'a [IpAddr],
    remark: Option<String>,
    pool_tag: Option<String>,
}

/// The sandbox's shape of an ISP or datacenter order (the vendor publishes none).
fn order_item(item: OrderItem<'_>) -> Value {
    json!({
        "order_id": item.order_id,
        "kind": item.kind,
        "created_at": item.now.timestamp().to_string(),
        "pay_status": 1,
        "region": item.region,
        "duration": item.duration,
        "num": item.ips.len(),
        "ips": item.ips.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "remark": item.remark,
        "pool_tag": item.pool_tag,
    })
}

/// A scalar JSON value as text: a string as is, a number or bool in JSON.
pub(crate) fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An order's `created_at`, unix seconds sent as a number or a string.
fn created_at(order: &Value) -> Option<i64> {
    match order.get("created_at")? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn passes(order: &Value, query: &ListQuery) -> bool {
    if let Some(id) = &query.order_id {
        if order.get("order_id").and_then(text).as_deref() != Some(id.trim()) {
            return false;
        }
    }
    if let Some(status) = &query.pay_status {
        if order
            .get("pay_status")
            .and_then(text)
            .as_deref()
            .map(str::trim)
            != Some(status.trim())
        {
            return false;
        }
    }
    if query.start.is_some() || query.end.is_some() {
        let Some(date) = created_at(order)
            .and_then(|secs| DateTime::<Utc>::from_timestamp(secs, 0))
            .map(|t| t.date_naive())
        else {
            return false;
        };
        if query.start.is_some_and(|start| date < start) || query.end.is_some_and(|end| date > end)
        {
            return false;
        }
    }
    true
}

/// Checks seed data (`{"<uid>": {"flow": [..], "mobile_flow": [..]}}`) and splits it into
/// `(uid, product, records)`. `check` checks one record against the spec.
pub(crate) fn parse_seed(
    seed: &Value,
    check: &dyn Fn(Product, &Value) -> Result<(), String>,
) -> Result<Vec<(String, Product, Vec<Value>)>, String> {
    let Value::Object(accounts) = seed else {
        return Err(
            "the seed must be an object keyed by uid: {\"10001\": {\"flow\": [..], \"mobile_flow\": [..]}}"
                .to_owned(),
        );
    };
    let mut out = Vec::new();
    for (uid, lines) in accounts {
        let Value::Object(lines) = lines else {
            return Err(format!(
                "seed `{uid}`: expected an object with `flow` and `mobile_flow` lists"
            ));
        };
        for (key, records) in lines {
            let product = Product::ALL
                .into_iter()
                .find(|p| p.seed_key() == Some(key.as_str()))
                .ok_or_else(|| {
                    format!("seed `{uid}.{key}`: unknown key; expected `flow` or `mobile_flow`")
                })?;
            let Value::Array(records) = records else {
                return Err(format!("seed `{uid}.{key}`: expected a list of orders"));
            };
            for (i, record) in records.iter().enumerate() {
                check(product, record).map_err(|e| format!("seed `{uid}.{key}[{i}]`: {e}"))?;
            }
            out.push((uid.clone(), product, records.clone()));
        }
    }
    Ok(out)
}

/// The answer of a list endpoint of `product` for account `uid`: the page that the request
/// fields `given` ask for (filters, page and size; `page_size` when the request gives none), in
/// the spec's page layout.
pub(crate) fn list_page(
    orders: &State,
    uid: &str,
    product: Product,
    given: &Map<String, Value>,
    spec: &Spec,
    endpoint: &Endpoint,
    page_size: u32,
) -> Value {
    let get = |name: &str| given.get(name).and_then(text);
    let number = |name: Option<&String>| {
        let value = Value::String(get(name?)?);
        u64::try_from(ipidea_spec::wire::integer(&value)?).ok()
    };
    let date = |name: &str| {
        let date = Date::parse(&get(name)?, &spec.api.date_format)?;
        NaiveDate::try_from(date).ok()
    };
    let paging = endpoint.paging.as_ref();
    let query = ListQuery {
        order_id: get("order_id"),
        start: date("start_time"),
        end: date("end_time"),
        pay_status: get("pay_status"),
        page: number(paging.map(|p| &p.page)).unwrap_or(1).max(1),
        limit: number(paging.map(|p| &p.limit))
            .unwrap_or(u64::from(page_size))
            .max(1),
    };
    let (total, items) = orders.list(uid, product, &query);
    page_object(&spec.api.page, total, &query, items)
}

/// Builds a page object with the spec's page field names.
pub(crate) fn page_object(
    layout: &ipidea_spec::PageLayout,
    total: u64,
    query: &ListQuery,
    items: Vec<Value>,
) -> Value {
    let limit = query.limit.max(1);
    let mut page = Map::new();
    for (count, key) in layout.counts() {
        // The vendor sends the page size as a string and the page numbers as numbers.
        let value = match count {
            PageCount::Total => json!(total),
            PageCount::PerPage => json!(limit.to_string()),
            PageCount::CurrentPage => json!(query.page.max(1)),
            PageCount::LastPage => json!(total.div_ceil(limit)),
        };
        page.insert(key.to_owned(), value);
    }
    page.insert(layout.items.clone(), Value::Array(items));
    Value::Object(page)
}

#[cfg(test)]
mod tests {
    /// The sandbox's behaviours are written from the vendor's pages, not from the spec; what
    /// each changes must still be what the spec says, for every endpoint that has one.
    #[test]
    fn each_behaviour_changes_what_the_spec_says() {
        let spec = ipidea_spec::bundled();
        let mut behaved = 0;
        for endpoint in &spec.endpoints {
            let changes = match (
                action(&endpoint.name),
                crate::account::action(&endpoint.name),
            ) {
                (Some(action), None) => action.changes(),
                (None, Some(action)) => action.changes(),
                // Handing out proxies may spend (nothing documents that it does not).
                (None, None) if crate::extract::is_extraction(&endpoint.name) => Changes::Money,
                (None, None) => continue,
                (Some(_), Some(_)) => panic!("`{}` has two behaviours", endpoint.name),
            };
            assert_eq!(changes, endpoint.changes, "{}", endpoint.name);
            behaved += 1;
        }
        assert_eq!(
            behaved,
            spec.endpoints.len(),
            "every bundled endpoint has a behaviour"
        );
    }

    use super::*;

    #[test]
    fn pools_give_distinct_addresses_in_their_ranges() {
        assert_eq!(pool_ip(Product::Isp, 0), Ipv4Addr::new(156, 237, 0, 1));
        assert_eq!(pool_ip(Product::Isp, 254), Ipv4Addr::new(156, 237, 1, 1));
        assert_eq!(
            pool_ip(Product::Isp, ISP_POOL - 1),
            Ipv4Addr::new(156, 237, 255, 254)
        );
        assert_eq!(pool_ip(Product::Datacenter, 0), Ipv4Addr::new(38, 0, 0, 1));
        assert_eq!(
            pool_ip(Product::Datacenter, DATACENTER_POOL - 1),
            Ipv4Addr::new(38, 255, 255, 254)
        );
    }

    #[test]
    fn order_ids_are_vendor_like_and_unique() {
        let mut state = State::new();
        let now = DateTime::<Utc>::from_timestamp(1_695_195_894, 0).unwrap();
        let ids: HashSet<String> = (0..20_005).map(|_| state.new_order_id(now)).collect();
        assert_eq!(ids.len(), 20_005);
        // 2023-09-20 07:44:54 UTC is 15:44:54 in Beijing.
        assert!(ids.iter().any(|id| id.starts_with("230920154454")));
        assert!(ids.iter().any(|id| id.starts_with("230920154456")));
        assert!(
            ids.iter()
                .all(|id| id.len() == 16 && id.bytes().all(|b| b.is_ascii_digit()))
        );
    }

    #[test]
    fn endpoints_map_to_actions() {
        assert_eq!(action("isp_ip_open"), Some(Action::Open(Product::Isp)));
        assert_eq!(
            action("static_ip_renew"),
            Some(Action::Renew(Product::Datacenter))
        );
        assert_eq!(
            action("mobile_flow_order_list"),
            Some(Action::List(Product::MobileFlow))
        );
        assert_eq!(action("white_list"), None);
    }

    #[test]
    fn pool_ips_count_through_each_pool_without_repeats() {
        let ip = |product, index| pool_ip(product, index).to_string();
        assert_eq!(ip(Product::Datacenter, 0), "38.0.0.1");
        assert_eq!(ip(Product::Datacenter, 253), "38.0.0.254");
        assert_eq!(ip(Product::Datacenter, 254), "38.0.1.1");
        assert_eq!(ip(Product::Datacenter, 254 * 256), "38.1.0.1");
        assert_eq!(
            ip(Product::Datacenter, DATACENTER_POOL - 1),
            "38.255.255.254"
        );
        assert_eq!(ip(Product::Isp, 0), "156.237.0.1");
        assert_eq!(ip(Product::Isp, ISP_POOL - 1), "156.237.255.254");
        let sample: std::collections::HashSet<_> = (0..DATACENTER_POOL)
            .step_by(97)
            .map(|i| pool_ip(Product::Datacenter, i))
            .collect();
        assert_eq!(sample.len(), (DATACENTER_POOL as usize).div_ceil(97));
    }

    #[test]
    fn an_open_takes_at_most_1000_ips_and_what_its_pool_has_left() {
        let mut state = State::new();
        assert!(state.check_open(Product::Isp, MAX_IPS_PER_ORDER).is_ok());
        let over = state.check_open(Product::Isp, MAX_IPS_PER_ORDER + 1);
        assert!(over.unwrap_err().contains("at most 1000"));
        // Each product line counts through its own pool: the datacenter pool is the larger.
        state.next_ip.insert(Product::Isp, ISP_POOL - 1);
        state.next_ip.insert(Product::Datacenter, ISP_POOL - 1);
        assert!(state.check_open(Product::Isp, 1).is_ok());
        let exhausted = state.check_open(Product::Isp, 2).unwrap_err();
        assert_eq!(
            exhausted,
            "the sandbox's pool of ISP IPs is exhausted (1 left, 2 asked)"
        );
        assert!(state.check_open(Product::Datacenter, 2).is_ok());
        state.next_ip.insert(Product::Datacenter, DATACENTER_POOL);
        assert!(state.check_open(Product::Datacenter, 1).is_err());
    }

    #[test]
    fn scalars_read_as_text_and_other_values_do_not() {
        use serde_json::json;
        assert_eq!(text(&json!("a b")).as_deref(), Some("a b"));
        assert_eq!(text(&json!(15)).as_deref(), Some("15"));
        assert_eq!(text(&json!(1.5)).as_deref(), Some("1.5"));
        assert_eq!(text(&json!(true)).as_deref(), Some("true"));
        assert_eq!(text(&json!(null)), None);
        assert_eq!(text(&json!([1])), None);
    }
}
