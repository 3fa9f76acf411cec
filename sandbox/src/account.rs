//! The hand-written account model: each account's IP whitelist, its balance (which opening and
//! renewing IPs spend, at the sandbox's own prices), its use of the balance per day, its
//! traffic left and its warning settings.
//!
//! Like the orders, everything here runs under the sandbox's state mutex and never awaits: a
//! purchase checks the balance, creates its order and spends in one step, and a whitelist
//! change is in the state before the reply that confirms it is written.
//!
//! The refusal codes and messages are the sandbox's own: the vendor documents no error
//! response. The messages are in the vendor's style (Chinese, as its `msg`s are), the codes
//! follow the sandbox's scheme (see [`ret`]).

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
#[cfg(test)]
use ipidea_spec::Changes;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use crate::envelope::{Refusal, ret};
use crate::orders::{self, Product, text};

/// The balance of an account that the builder gives none: 1000 (yuan, as the vendor's prices).
pub const DEFAULT_BALANCE: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);

/// The vendor's offset from UTC, in seconds: its days start at midnight UTC+8 (China Standard
/// Time). Its example `1656518400` is 2022-06-30 00:00 +08:00. The sandbox stands in for the
/// vendor, so it keeps its own copy, written from the vendor's pages; a test checks it against
/// the spec's `api.utc_offset`.
const VENDOR_OFFSET_SECONDS: i64 = 8 * 3600;

/// The range of unix seconds the sandbox reads as days: 0001-01-01 to 9999-12-31.
const EARLIEST: i64 = -62_135_596_800;
const LATEST: i64 = 253_402_300_799;

/// `cents` hundredths of a yuan.
const fn yuan(cents: u32) -> Decimal {
    Decimal::from_parts(cents, 0, 0, false, 2)
}

/// The sandbox's prices per IP and duration, in yuan. The vendor publishes no prices: these are
/// the sandbox's own, round and small, so that tests can count.
const PRICES: [(Product, &str, Decimal); 6] = [
    (Product::Isp, "weekly", yuan(10_00)),
    (Product::Isp, "monthly", yuan(35_00)),
    (Product::Isp, "quarterly", yuan(90_00)),
    (Product::Datacenter, "week", yuan(4_50)),
    (Product::Datacenter, "month", yuan(15_00)),
    (Product::Datacenter, "season", yuan(40_00)),
];

/// The sandbox's price of one IP of `product` for `duration` (the wire value, such as
/// `weekly` or `week`), in yuan: the price of opening it and of renewing it.
///
/// | product | duration | price |
/// |---|---|---|
/// | [`Product::Isp`] | `weekly` / `monthly` / `quarterly` | 10 / 35 / 90 |
/// | [`Product::Datacenter`] | `week` / `month` / `season` | 4.50 / 15 / 40 |
///
/// These are the sandbox's own prices, not the vendor's (it publishes none). `None` for any
/// other product or duration: such a purchase costs nothing in the sandbox.
///
/// ```
/// use ipidea_sandbox::{Decimal, Product, price};
///
/// assert_eq!(price(Product::Isp, "weekly"), Some(Decimal::from(10)));
/// assert_eq!(price(Product::Datacenter, "week"), Some(Decimal::new(450, 2)));
/// assert_eq!(price(Product::Flow, "weekly"), None);
/// ```
pub fn price(product: Product, duration: &str) -> Option<Decimal> {
    let duration = duration.trim();
    PRICES
        .iter()
        .find(|(p, d, _)| *p == product && *d == duration)
        .map(|(_, _, price)| *price)
}

/// What `num` IPs of `product` for `duration` cost; zero when the table has no price, and more
/// than any balance if the product overflows.
pub(crate) fn cost(product: Product, duration: &str, num: usize) -> Decimal {
    let Some(price) = price(product, duration) else {
        return Decimal::ZERO;
    };
    u64::try_from(num)
        .ok()
        .and_then(|num| price.checked_mul(Decimal::from(num)))
        .unwrap_or(Decimal::MAX)
}

/// An account endpoint with hand-written behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    WhiteList,
    WhiteAdd,
    WhiteDel,
    BalanceLeft,
    BalanceWarningSet,
    BalanceUseRecord,
    BalanceProxyAccountUseRecord,
    FlowLeft,
    FlowWarningSet,
    FlowUseRecord,
    FlowProxyAccountUseRecord,
}

#[cfg(test)]
impl Action {
    /// What this behaviour changes in the sandbox's books, written from the vendor's pages.
    /// A test checks it against each endpoint's `changes` in the spec.
    pub(crate) fn changes(self) -> Changes {
        match self {
            Action::WhiteAdd | Action::WhiteDel => Changes::Whitelist,
            Action::BalanceWarningSet | Action::FlowWarningSet => Changes::Settings,
            Action::WhiteList
            | Action::BalanceLeft
            | Action::BalanceUseRecord
            | Action::BalanceProxyAccountUseRecord
            | Action::FlowLeft
            | Action::FlowUseRecord
            | Action::FlowProxyAccountUseRecord => Changes::Nothing,
        }
    }
}

impl Action {
    /// Whether the sandbox keeps the records this call lists. The traffic use records it does
    /// not keep: where the spec types them (a vendor page showed their shape) and has an
    /// example, the server answers the example; else an empty list.
    pub(crate) fn records_of_its_own(self) -> bool {
        !matches!(
            self,
            Action::FlowUseRecord | Action::FlowProxyAccountUseRecord
        )
    }
}

/// The hand-written behaviour of account endpoint `endpoint`, if it has one.
pub(crate) fn action(endpoint: &str) -> Option<Action> {
    Some(match endpoint {
        "white_list" => Action::WhiteList,
        "white_add" => Action::WhiteAdd,
        "white_del" => Action::WhiteDel,
        "balance_left" => Action::BalanceLeft,
        "balance_warning_set" => Action::BalanceWarningSet,
        "balance_use_record" => Action::BalanceUseRecord,
        "balance_proxy_account_use_record" => Action::BalanceProxyAccountUseRecord,
        "flow_left" => Action::FlowLeft,
        "flow_warning_set" => Action::FlowWarningSet,
        "flow_use_record" => Action::FlowUseRecord,
        "flow_proxy_account_use_record" => Action::FlowProxyAccountUseRecord,
        _ => return None,
    })
}

/// One use of the balance: when, on which product line, how much.
#[derive(Debug, Clone, Copy)]
struct Spend {
    at: i64,
    product: Product,
    money: Decimal,
}

/// One account's whitelist, balance, spending and settings.
#[derive(Debug, Clone)]
struct Book {
    /// The whitelisted IPs, in the order added, with the unix second they were added.
    whitelist: Vec<(IpAddr, i64)>,
    balance: Decimal,
    /// Oldest first (seeded history first, then the calls in the order they were served).
    spends: Vec<Spend>,
    /// Traffic left in MB, when the builder set it.
    flow_left: Option<Decimal>,
    balance_warning: Option<Map<String, Value>>,
    flow_warning: Option<Map<String, Value>>,
}

impl Default for Book {
    fn default() -> Book {
        Book {
            whitelist: Vec::new(),
            balance: DEFAULT_BALANCE,
            spends: Vec::new(),
            flow_left: None,
            balance_warning: None,
            flow_warning: None,
        }
    }
}

/// Which warning setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Warning {
    Balance,
    Flow,
}

/// Every account's book.
#[derive(Debug, Default)]
pub(crate) struct Accounts {
    books: HashMap<String, Book>,
}

impl Accounts {
    pub(crate) fn new() -> Accounts {
        Accounts::default()
    }

    fn book(&mut self, uid: &str) -> &mut Book {
        self.books.entry(uid.to_owned()).or_default()
    }

    /// Opens `uid`'s book with the defaults (an empty whitelist, [`DEFAULT_BALANCE`]).
    pub(crate) fn open_book(&mut self, uid: &str) {
        self.book(uid);
    }

    pub(crate) fn set_balance(&mut self, uid: &str, balance: Decimal) {
        self.book(uid).balance = balance;
    }

    pub(crate) fn set_flow_left(&mut self, uid: &str, megabytes: Decimal) {
        self.book(uid).flow_left = Some(megabytes);
    }

    /// Adds seeded whitelist entries; refuses an IP listed twice.
    pub(crate) fn seed_whitelist(
        &mut self,
        uid: &str,
        ips: &[IpAddr],
        now: i64,
    ) -> Result<(), String> {
        let book = self.book(uid);
        for ip in ips {
            if book.whitelist.iter().any(|(listed, _)| listed == ip) {
                return Err(format!("the whitelist of `{uid}` has {ip} twice"));
            }
            book.whitelist.push((*ip, now));
        }
        Ok(())
    }

    /// Adds a past use of the balance to `uid`'s history; the balance now stays as it is.
    pub(crate) fn seed_spend(&mut self, uid: &str, at: i64, product: Product, money: Decimal) {
        let book = self.book(uid);
        book.spends.push(Spend { at, product, money });
        book.spends.sort_by_key(|spend| spend.at);
    }

    pub(crate) fn whitelist(&self, uid: &str) -> Vec<IpAddr> {
        self.books
            .get(uid)
            .map(|book| book.whitelist.iter().map(|(ip, _)| *ip).collect())
            .unwrap_or_default()
    }

    pub(crate) fn balance(&self, uid: &str) -> Option<Decimal> {
        self.books.get(uid).map(|book| book.balance)
    }

    pub(crate) fn warning(&self, uid: &str, which: Warning) -> Option<Value> {
        let book = self.books.get(uid)?;
        let setting = match which {
            Warning::Balance => &book.balance_warning,
            Warning::Flow => &book.flow_warning,
        };
        setting.clone().map(Value::Object)
    }

    /// Refuses (`余额不足`) a purchase of `cost` that `uid`'s balance cannot cover.
    pub(crate) fn afford(&self, uid: &str, cost: Decimal) -> Result<(), Refusal> {
        let balance = self
            .books
            .get(uid)
            .map_or(DEFAULT_BALANCE, |book| book.balance);
        if cost > balance {
            return Err(Refusal::api(ret::BALANCE, "余额不足"));
        }
        Ok(())
    }

    /// Spends `cost` of `uid`'s balance on `product`, at unix second `at`. Call
    /// [`Accounts::afford`] first.
    pub(crate) fn spend(&mut self, uid: &str, product: Product, cost: Decimal, at: i64) {
        if cost <= Decimal::ZERO {
            return;
        }
        let book = self.book(uid);
        book.balance = book.balance.saturating_sub(cost);
        book.spends.push(Spend {
            at,
            product,
            money: cost,
        });
    }

    /// `white_list`: the entries in the order added, and their count.
    fn white_list(&self, uid: &str) -> Value {
        let whitelist = self
            .books
            .get(uid)
            .map(|book| book.whitelist.as_slice())
            .unwrap_or_default();
        let lists: Vec<Value> = whitelist
            .iter()
            .map(|(ip, at)| json!({ "mark_ip": ip.to_string(), "updated_at": at.to_string() }))
            .collect();
        json!({ "lists": lists, "white": whitelist.len() })
    }

    /// `white_add`: every IP is new, or nothing changes.
    fn white_add(&mut self, uid: &str, list: &str, now: i64) -> Result<(), Refusal> {
        let ips = parse_ips(list)?;
        let book = self.book(uid);
        if let Some(ip) = ips
            .iter()
            .find(|ip| book.whitelist.iter().any(|(listed, _)| listed == *ip))
        {
            return Err(Refusal::api(ret::CONFLICT, format!("IP已存在: {ip}")));
        }
        book.whitelist.extend(ips.into_iter().map(|ip| (ip, now)));
        Ok(())
    }

    /// `white_del`: every IP is listed, or nothing changes.
    fn white_del(&mut self, uid: &str, list: &str) -> Result<(), Refusal> {
        let ips = parse_ips(list)?;
        let book = self.book(uid);
        if let Some(ip) = ips
            .iter()
            .find(|ip| !book.whitelist.iter().any(|(listed, _)| listed == *ip))
        {
            return Err(Refusal::api(ret::NOT_OWNED, format!("IP不存在: {ip}")));
        }
        book.whitelist.retain(|(listed, _)| !ips.contains(listed));
        Ok(())
    }

    /// `balance_use_record`: one record per vendor day from the day of `start` to the day of
    /// `end`, both included, on which `uid` spent anything; oldest first. A record's `day` is
    /// the unix second the day starts (midnight UTC+8): the sandbox's choice, since the
    /// vendor's one example (`1653998400`, 20:00 +08:00) shows no rule.
    fn use_records(&self, uid: &str, start: i64, end: i64) -> Vec<Value> {
        let Some(book) = self.books.get(uid) else {
            return Vec::new();
        };
        let (first, last) = (vendor_day(start), vendor_day(end));
        let mut days: BTreeMap<NaiveDate, DayUse> = BTreeMap::new();
        for spend in &book.spends {
            let day = vendor_day(spend.at);
            if day < first || day > last {
                continue;
            }
            // Sums saturate at `Decimal::MAX` rather than panic: the builder takes any balance
            // and any past amounts, however large.
            let used = days.entry(day).or_default();
            used.total = used.total.saturating_add(spend.money);
            let line = match spend.product {
                Product::Isp => &mut used.isp,
                Product::Datacenter => &mut used.datacenter,
                Product::Flow => &mut used.residential,
                Product::MobileFlow => continue,
            };
            *line = line.saturating_add(spend.money);
        }
        days.into_iter()
            .map(|(day, used)| {
                // The balance at the end of the day: now, plus what was spent since.
                let next = day_start(day.succ_opt().unwrap_or(day));
                let since = book
                    .spends
                    .iter()
                    .filter(|spend| spend.at >= next)
                    .fold(Decimal::ZERO, |sum, spend| sum.saturating_add(spend.money));
                // ISP money is in `isp_use` only, so that the product fields add up to
                // `total_use_balance`; `static_house_orderUse` (the page's 静态住宅数据中心)
                // names no product the sandbox sells apart from ISP, and stays 0.
                json!({
                    "balance": money(book.balance.saturating_add(since)),
                    "day": day_start(day),
                    "isp_flow_use": 0,
                    "isp_use": money(used.isp),
                    "residential_flow_use": 0,
                    "residential_use": money(used.residential),
                    "static_flow_use": 0,
                    "static_use": 0,
                    "total_use_balance": money(used.total),
                    "total_use_flow": 0,
                    "static_order_user": money(used.datacenter),
                    "static_house_orderUse": 0,
                })
            })
            .collect()
    }

    /// `flow_left`: the builder's value, else the `coin` (MB) of the paid dynamic residential
    /// traffic orders.
    fn flow_left(&self, uid: &str, orders: &orders::State) -> Decimal {
        if let Some(left) = self.books.get(uid).and_then(|book| book.flow_left) {
            return left;
        }
        orders
            .orders(uid, Product::Flow)
            .iter()
            .filter(|order| {
                order
                    .get("pay_status")
                    .and_then(text)
                    .is_some_and(|s| s.trim() == "1")
            })
            .filter_map(|order| order.get("coin").and_then(text))
            .filter_map(|coin| coin.trim().parse::<Decimal>().ok())
            .sum()
    }

    fn set_warning(&mut self, uid: &str, which: Warning, given: &Map<String, Value>) {
        let book = self.book(uid);
        let setting = match which {
            Warning::Balance => &mut book.balance_warning,
            Warning::Flow => &mut book.flow_warning,
        };
        // A field left out keeps its last value.
        let setting = setting.get_or_insert_with(Map::new);
        for (name, value) in given {
            setting.insert(name.clone(), value.clone());
        }
    }
}

/// What one day's spending went to.
#[derive(Debug, Default)]
struct DayUse {
    isp: Decimal,
    datacenter: Decimal,
    residential: Decimal,
    total: Decimal,
}

/// Performs account endpoint `action` for `uid` with the request's checked fields; the data of
/// the success envelope.
pub(crate) fn perform(
    accounts: &mut Accounts,
    orders: &orders::State,
    uid: &str,
    action: Action,
    given: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<Value, Refusal> {
    let get = |name: &str| given.get(name).and_then(text);
    let seconds = |name: &str| {
        get(name)
            .and_then(|s| s.trim().parse::<i64>().ok())
            .unwrap_or(0)
    };
    Ok(match action {
        Action::WhiteList => accounts.white_list(uid),
        Action::WhiteAdd => {
            let list = get("white_ips").unwrap_or_default();
            accounts.white_add(uid, &list, now.timestamp())?;
            json!([])
        }
        Action::WhiteDel => {
            let list = get("white_ips").unwrap_or_default();
            accounts.white_del(uid, &list)?;
            json!([])
        }
        Action::BalanceLeft => {
            let balance = accounts.balance(uid).unwrap_or(DEFAULT_BALANCE);
            json!({ "balance_left": money(balance) })
        }
        Action::BalanceWarningSet => {
            accounts.set_warning(uid, Warning::Balance, given);
            json!([])
        }
        Action::FlowWarningSet => {
            accounts.set_warning(uid, Warning::Flow, given);
            json!([])
        }
        Action::BalanceUseRecord => {
            Value::Array(accounts.use_records(uid, seconds("start_time"), seconds("end_time")))
        }
        // The sandbox has no proxy (authentication) accounts, so no proxy account has records;
        // and it keeps no traffic use, so it has no traffic records of its own (the server
        // answers the spec's example where the spec types them: `records_of_its_own`).
        Action::BalanceProxyAccountUseRecord
        | Action::FlowUseRecord
        | Action::FlowProxyAccountUseRecord => json!([]),
        Action::FlowLeft => json!({ "flow_left": money(accounts.flow_left(uid, orders)) }),
    })
}

/// The IPs of a `white_ips` list: `,`-joined, spaces trimmed, each once.
fn parse_ips(list: &str) -> Result<Vec<IpAddr>, Refusal> {
    let mut ips: Vec<IpAddr> = Vec::new();
    for part in ipidea_spec::wire::split_csv(list) {
        let ip: IpAddr = part
            .parse()
            .map_err(|_| Refusal::api(ret::INVALID, format!("IP格式错误: {part}")))?;
        if !ips.contains(&ip) {
            ips.push(ip);
        }
    }
    if ips.is_empty() {
        return Err(Refusal::api(ret::INVALID, "IP不能为空"));
    }
    Ok(ips)
}

/// The vendor's day (from midnight UTC+8) that unix second `at` falls on.
pub(crate) fn vendor_day(at: i64) -> NaiveDate {
    let local = at.clamp(EARLIEST, LATEST) + VENDOR_OFFSET_SECONDS;
    DateTime::<Utc>::from_timestamp(local, 0)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// The unix second at which vendor day `day` starts: its midnight UTC+8.
pub(crate) fn day_start(day: NaiveDate) -> i64 {
    let midnight = day.and_time(NaiveTime::MIN).and_utc();
    (midnight - TimeDelta::seconds(VENDOR_OFFSET_SECONDS)).timestamp()
}

/// An amount as a JSON number, as the vendor sends money in these records: `1000`, `990.5`.
pub(crate) fn money(amount: Decimal) -> Value {
    let text = amount.normalize().to_string();
    serde_json::from_str::<serde_json::Number>(&text)
        .map(Value::Number)
        .unwrap_or(Value::String(text))
}

#[cfg(test)]
mod tests {
    /// The sandbox's day is the spec's: its copy of the offset is only an oracle.
    #[test]
    fn the_sandboxs_day_is_the_specs() {
        let offset = ipidea_spec::bundled().api.utc_offset;
        assert_eq!(VENDOR_OFFSET_SECONDS, i64::from(offset.seconds()));
        for at in [0, 1_656_518_399, 1_656_518_400, 1_700_000_000, -86_401] {
            let (y, m, d) = ipidea_spec::days::civil(offset.day_of(at));
            let expected = NaiveDate::from_ymd_opt(y as i32, m, d).unwrap();
            assert_eq!(vendor_day(at), expected, "{at}");
            assert_eq!(day_start(expected), offset.day_start(offset.day_of(at)));
        }
    }

    use super::*;

    #[test]
    fn days_start_at_midnight_utc_plus_8() {
        // The vendor's example: 1656518400 is 2022-06-30 00:00 +08:00.
        let june_30 = NaiveDate::from_ymd_opt(2022, 6, 30).unwrap();
        assert_eq!(day_start(june_30), 1_656_518_400);
        assert_eq!(vendor_day(1_656_518_400), june_30);
        assert_eq!(vendor_day(1_656_518_399), june_30.pred_opt().unwrap());
        assert_eq!(vendor_day(1_656_518_400 + 86_399), june_30);
        // Far-off seconds do not panic.
        vendor_day(i64::MAX);
        vendor_day(i64::MIN);
    }

    #[test]
    fn money_is_a_json_number() {
        assert_eq!(money(Decimal::from(1000)), json!(1000));
        assert_eq!(money(yuan(99_050)), json!(990.5));
        assert_eq!(money(yuan(10_00)).to_string(), "10");
        assert_eq!(money(Decimal::ZERO), json!(0));
    }

    #[test]
    fn costs_follow_the_table() {
        assert_eq!(cost(Product::Isp, "weekly", 3), Decimal::from(30));
        assert_eq!(cost(Product::Datacenter, "week", 2), Decimal::from(9));
        assert_eq!(cost(Product::Isp, "week", 3), Decimal::ZERO);
        assert_eq!(cost(Product::Datacenter, "season", 0), Decimal::ZERO);
    }

    #[test]
    fn records_split_spending_by_vendor_day_and_line() {
        let mut accounts = Accounts::new();
        let june_30 = 1_656_518_400;
        // 23:59:59 on June 29 (+08:00), then two on June 30.
        accounts.seed_spend("1", june_30 - 1, Product::Isp, Decimal::from(10));
        accounts.seed_spend("1", june_30 + 60, Product::Datacenter, yuan(4_50));
        accounts.seed_spend("1", june_30 + 120, Product::Isp, Decimal::from(35));
        accounts.set_balance("1", Decimal::from(500));
        let records = accounts.use_records("1", june_30 - 86_400, june_30);
        assert_eq!(records.len(), 2);
        assert_eq!(records[0]["day"], june_30 - 86_400);
        assert_eq!(records[0]["isp_use"], 10);
        assert_eq!(records[0]["balance"], json!(539.5));
        assert_eq!(records[1]["day"], june_30);
        assert_eq!(records[1]["static_order_user"], json!(4.5));
        assert_eq!(records[1]["isp_use"], 35);
        // ISP money counts once: the product fields add up to the total.
        assert_eq!(records[1]["static_house_orderUse"], 0);
        assert_eq!(records[1]["total_use_balance"], json!(39.5));
        assert_eq!(records[1]["balance"], 500);
        // One day: start and end on the same midnight.
        assert_eq!(accounts.use_records("1", june_30, june_30).len(), 1);
        assert!(accounts.use_records("1", june_30, june_30 - 1).is_empty());
        assert!(accounts.use_records("2", june_30, june_30).is_empty());
    }

    #[test]
    fn huge_balances_and_amounts_saturate_rather_than_panic() {
        let mut accounts = Accounts::new();
        let june_30 = 1_656_518_400;
        accounts.set_balance("1", Decimal::MAX);
        accounts.seed_spend("1", june_30 - 1, Product::Isp, Decimal::MAX);
        accounts.seed_spend("1", june_30, Product::Isp, Decimal::MAX);
        accounts.seed_spend("1", june_30 + 1, Product::Isp, Decimal::MAX);
        accounts.seed_spend("1", june_30 + 2, Product::Datacenter, Decimal::MAX);
        let records = accounts.use_records("1", june_30 - 86_400, june_30);
        assert_eq!(records.len(), 2);
        let max = money(Decimal::MAX);
        // The balance at the end of June 29: the balance now plus June 30's spending.
        assert_eq!(records[0]["balance"], max);
        assert_eq!(records[1]["isp_use"], max);
        assert_eq!(records[1]["total_use_balance"], max);
        // A purchase of a huge balance spends without panicking either.
        accounts.spend("1", Product::Isp, Decimal::MAX, june_30 + 3);
        assert_eq!(accounts.balance("1"), Some(Decimal::ZERO));
    }

    #[test]
    fn whitelist_changes_are_all_or_nothing() {
        let mut accounts = Accounts::new();
        accounts.white_add("1", "1.2.3.4, 5.6.7.8", 7).unwrap();
        let refused = accounts.white_add("1", "9.9.9.9,5.6.7.8", 8).unwrap_err();
        assert_eq!(refused.msg, "IP已存在: 5.6.7.8");
        let refused = accounts.white_del("1", "1.2.3.4,9.9.9.9").unwrap_err();
        assert_eq!(refused.msg, "IP不存在: 9.9.9.9");
        let refused = accounts.white_add("1", "1.2.3", 8).unwrap_err();
        assert_eq!(refused.msg, "IP格式错误: 1.2.3");
        assert_eq!(
            accounts.white_add("1", " , ", 8).unwrap_err().msg,
            "IP不能为空"
        );
        assert_eq!(
            accounts.whitelist("1"),
            [
                "1.2.3.4".parse::<IpAddr>().unwrap(),
                "5.6.7.8".parse().unwrap()
            ]
        );
        accounts.white_del("1", "5.6.7.8").unwrap();
        assert_eq!(
            accounts.white_list("1"),
            json!({"lists": [{"mark_ip": "1.2.3.4", "updated_at": "7"}], "white": 1})
        );
    }

    #[test]
    fn endpoints_map_to_actions() {
        assert_eq!(action("white_add"), Some(Action::WhiteAdd));
        assert_eq!(
            action("flow_proxy_account_use_record"),
            Some(Action::FlowProxyAccountUseRecord)
        );
        assert_eq!(action("isp_ip_open"), None);
    }
}
