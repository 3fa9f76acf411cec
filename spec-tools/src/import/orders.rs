//! Inferring `orders_in`, where the orders of a money-spending call show up, from the names
//! of the endpoints of the page and of the known spec.

use serde_json::{Map, Value};

use ipidea_spec::locate::child;
use ipidea_spec::model::{Changes, Scalar, Spec, TypeRef};

use super::infer::{ImportedEndpoint, Infer};

/// A list endpoint that a money-spending call's orders may show up in: its name, and its
/// optional `date` request fields.
struct OrderList {
    name: String,
    dates: Vec<String>,
}

/// The paging `..._list` endpoints of the import and of the known spec.
fn order_lists(endpoints: &[ImportedEndpoint], known: Option<&Spec>) -> Vec<OrderList> {
    let mut lists: Vec<OrderList> = endpoints
        .iter()
        .filter(|e| e.name.ends_with("_list") && e.entry.get("paging").is_some())
        .map(|e| OrderList {
            name: e.name.clone(),
            dates: e.entry["request"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, field)| {
                    field["type"] == "date" && field["required"] != Value::Bool(true)
                })
                .map(|(name, _)| name.clone())
                .collect(),
        })
        .collect();
    for endpoint in known.map(|s| s.endpoints.as_slice()).unwrap_or_default() {
        if endpoint.name.ends_with("_list")
            && endpoint.paging.is_some()
            && !lists.iter().any(|l| l.name == endpoint.name)
        {
            lists.push(OrderList {
                name: endpoint.name.clone(),
                dates: endpoint
                    .request
                    .iter()
                    .filter(|f| !f.required && f.ty == TypeRef::Scalar(Scalar::Date))
                    .map(|f| f.name.clone())
                    .collect(),
            });
        }
    }
    lists
}

impl Infer<'_> {
    /// `orders_in` for the calls that spend money, where the names make it plain: the
    /// one paging `..._list` endpoint whose name starts with the same word (`isp_ip_open` and
    /// `isp_order_list`), and its one optional `date` field, or the one whose name says it
    /// starts a range. Each inference, and each call left without one, is a decision to check.
    pub(super) fn infer_orders_in(&mut self, endpoints: &mut [ImportedEndpoint]) {
        let lists = order_lists(endpoints, self.known);
        for endpoint in endpoints.iter_mut() {
            // Only a call that spends money (or whose name does not say) creates orders.
            if endpoint.entry["changes"] != Value::String(Changes::Money.name().to_owned()) {
                continue;
            }
            let name = &endpoint.name;
            let path = child("endpoints", name);
            let word = name.split('_').next().unwrap_or_default();
            let Some((list, since)) = orders_list(&lists, word) else {
                self.decide(
                    path,
                    format!(
                        "reconciling: if `{name}` spends money, add `orders_in` naming the list endpoint where its orders show up"
                    ),
                );
                continue;
            };
            self.decide(
                child(&path, "orders_in"),
                format!(
                    "reconciling: `{name}` is taken to spend money and to create orders that `{list}` lists from its `{since}` date (the names start with the same word, `{word}`); check it, or remove `orders_in` if it spends none"
                ),
            );
            if let Value::Object(entry) = &mut endpoint.entry {
                insert_orders_in(entry, &list, &since);
            }
        }
    }
}

/// The list endpoint and its `date` field for a call whose name starts with `word`: the one
/// list whose name starts with the same word, and its one optional `date` field or the one
/// whose name says it starts a range.
fn orders_list(lists: &[OrderList], word: &str) -> Option<(String, String)> {
    let candidates: Vec<&OrderList> = lists
        .iter()
        .filter(|l| l.name.split('_').next() == Some(word))
        .collect();
    match candidates.as_slice() {
        [list] => {
            let since = match list.dates.as_slice() {
                [date] => Some(date),
                dates => {
                    let mut starts = dates.iter().filter(|d| d.contains("start"));
                    starts.next().filter(|_| starts.next().is_none())
                }
            };
            since.map(|since| (list.name.clone(), since.clone()))
        }
        _ => None,
    }
}

/// Adds `orders_in` to an endpoint's entry, after `idempotent`, where the spec's own endpoints
/// have it.
fn insert_orders_in(entry: &mut Map<String, Value>, list: &str, since: &str) {
    let mut ordered = Map::new();
    for (key, value) in std::mem::take(entry) {
        let after = key == "idempotent";
        ordered.insert(key, value);
        if after {
            ordered.insert(
                "orders_in".to_owned(),
                serde_json::json!({ "endpoint": list, "since": since }),
            );
        }
    }
    *entry = ordered;
}
