//! Buying and renewing: the order endpoints that spend money. Each is checked against the order
//! book, priced from the account's price list, paid for from the account's balance and entered
//! in the book under one lock of the world, so that a refused purchase spends nothing. Opening
//! and renewing differ only in what they check and create; `Bought::pay` is the rest, once.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::account::{self, Accounts};
use crate::envelope::{Refusal, ret};
use crate::orders::{self, OpenRequest, Product, RenewRequest, text};

/// A purchase of one product line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purchase {
    /// New IPs (`isp_ip_open`, `static_ip_open`).
    Open(Product),
    /// More time for IPs the account has (`isp_ip_renew`, `static_ip_renew`).
    Renew(Product),
}

/// Performs `purchase` for account `uid` with the request fields `given`; the data of the
/// answer (`{"order_id": ...}`) or the refusal.
pub(crate) fn perform(
    orders: &mut orders::State,
    accounts: &mut Accounts,
    uid: &str,
    purchase: Purchase,
    given: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<Value, Refusal> {
    let get = |name: &str| given.get(name).and_then(text);
    let product = match purchase {
        Purchase::Open(product) | Purchase::Renew(product) => product,
    };
    let bought = Bought {
        uid,
        product,
        duration: get("duration").unwrap_or_default(),
        now,
    };
    let order_id = match purchase {
        Purchase::Open(_) => {
            let num = given.get("num").and_then(ipidea_spec::wire::integer);
            let request = OpenRequest {
                region: get("region").unwrap_or_default(),
                duration: bought.duration.clone(),
                num: num.and_then(|n| u32::try_from(n).ok()).unwrap_or(1),
                remark: get("remark"),
                pool_tag: get("pool_tag"),
            };
            let count = orders
                .check_open(product, request.num)
                .map(|()| request.num as usize)
                .map_err(|msg| Refusal::api(ret::INVALID, msg))?;
            bought.pay(orders, accounts, count, ret::INVALID, |orders| {
                orders.open(uid, product, request, now)
            })?
        }
        Purchase::Renew(_) => {
            let request = RenewRequest {
                ips: ips(&get("renew_ip_list").unwrap_or_default())?,
                duration: bought.duration.clone(),
                remark: get("remark"),
            };
            let count = orders
                .check_renew(uid, product, &request.ips)
                .map(|renewed| renewed.len())
                .map_err(|msg| Refusal::api(ret::NOT_OWNED, msg))?;
            bought.pay(orders, accounts, count, ret::NOT_OWNED, |orders| {
                orders.renew(uid, product, request, now)
            })?
        }
    };
    Ok(json!({ "order_id": order_id }))
}

/// What is being bought: by whom, of which line, for how long, when.
struct Bought<'a> {
    uid: &'a str,
    product: Product,
    duration: String,
    now: DateTime<Utc>,
}

impl Bought<'_> {
    /// Prices `count` IPs, checks that the balance affords them, creates the order (`create`,
    /// whose refusal takes `refused`) and spends the price; the order's id.
    fn pay(
        &self,
        orders: &mut orders::State,
        accounts: &mut Accounts,
        count: usize,
        refused: i64,
        create: impl FnOnce(&mut orders::State) -> Result<String, String>,
    ) -> Result<String, Refusal> {
        let cost = account::cost(self.product, &self.duration, count);
        accounts.afford(self.uid, cost)?;
        let order_id = create(orders).map_err(|msg| Refusal::api(refused, msg))?;
        accounts.spend(self.uid, self.product, cost, self.now.timestamp());
        Ok(order_id)
    }
}

/// The IPs of a `renew_ip_list`.
fn ips(list: &str) -> Result<Vec<IpAddr>, Refusal> {
    ipidea_spec::wire::split_csv(list)
        .map(|part| {
            part.parse().map_err(|_| {
                Refusal::api(
                    ret::INVALID,
                    format!("`renew_ip_list`: `{part}` is not an IP address"),
                )
            })
        })
        .collect()
}
