//! Inputs built from the spec: synthetic specs of any size, and `flow_order_list` records,
//! pages and seeds made from the vendor's example record.

use serde_json::{Map, Value, json};

/// The endpoint whose responses the decode, round-trip and paging benchmarks use.
pub const FLOW_ORDER_LIST: &str = "flow_order_list";

/// A spec with `endpoints` endpoints, as JSON text: the real spec's endpoints first, then
/// clones of them in turn, each with a new name (`flow_order_list_x12`) and path.
///
/// The clones keep their request fields, response type, examples, paging and `orders_in`
/// (which names an endpoint of the real spec, so it stays valid). The types are the real
/// spec's, so the size grows in endpoints only. Fewer endpoints than the real spec has keeps
/// the first ones and drops the `orders_in` that would dangle.
pub fn synthetic_spec(endpoints: usize) -> String {
    let mut spec: Value = match serde_json::from_str(ipidea_spec::BUNDLED) {
        Ok(spec) => spec,
        Err(error) => panic!("the bundled spec is JSON: {error}"),
    };
    let originals: Vec<(String, Value)> = spec["endpoints"]
        .as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    assert!(!originals.is_empty(), "the bundled spec has endpoints");
    let mut out = Map::new();
    for i in 0..endpoints {
        let (name, endpoint) = &originals[i % originals.len()];
        let mut endpoint = endpoint.clone();
        let name = if i < originals.len() {
            name.clone()
        } else {
            let clone = format!("{name}_x{i}");
            endpoint["path"] = Value::from(format!("/api/open/{clone}"));
            clone
        };
        out.insert(name, endpoint);
    }
    let names: Vec<String> = out.keys().cloned().collect();
    for endpoint in out.values_mut() {
        let dangling = endpoint
            .get("orders_in")
            .and_then(|o| o.get("endpoint"))
            .and_then(Value::as_str)
            .is_some_and(|list| !names.iter().any(|n| n == list));
        if dangling && let Some(object) = endpoint.as_object_mut() {
            object.remove("orders_in");
        }
    }
    spec["endpoints"] = Value::Object(out);
    match serde_json::to_string_pretty(&spec) {
        Ok(text) => text,
        Err(error) => panic!("a spec serializes: {error}"),
    }
}

/// The vendor's example record of `flow_order_list`, from the spec's first example response.
pub fn example_flow_record() -> Map<String, Value> {
    let spec = ipidea_spec::bundled();
    let endpoint = spec
        .endpoint(FLOW_ORDER_LIST)
        .expect("the bundled spec has flow_order_list");
    let example = endpoint
        .examples
        .first()
        .expect("flow_order_list has an example");
    let data = &example.response["ret_data"]["data"][0];
    data.as_object()
        .cloned()
        .expect("the example page has a record")
}

/// `count` records shaped like the vendor's example (same fields, same JSON types: strings
/// where it sends strings, numbers where it sends numbers, nulls where it sends null), each
/// with its own id, order id and times, newest last.
pub fn flow_records(count: usize) -> Vec<Value> {
    let example = example_flow_record();
    (0..count)
        .map(|i| {
            let mut record = example.clone();
            let i = i as u64;
            let created = 1_653_101_538 + i * 37;
            record.insert("recharge_id".into(), json!(4055 + i));
            record.insert(
                "order_id".into(),
                json!(format!("{}", 2_205_211_052_180_000u64 + i)),
            );
            record.insert("created_at".into(), json!(created.to_string()));
            record.insert("updated_at".into(), json!((created + 627).to_string()));
            record.insert("pay_time".into(), json!(created + 627));
            record.insert("coin".into(), json!(30_000 + (i % 7) * 1000));
            record.insert("money".into(), json!(format!("{}.{:02}", i % 500, i % 100)));
            Value::Object(record)
        })
        .collect()
}

/// A whole `flow_order_list` response body, envelope included, with one page of `count`
/// records, shaped like the vendor's example (`per_page` as a string, the other counts as
/// numbers).
pub fn flow_page_body(count: usize) -> Vec<u8> {
    let body = json!({
        "ret": 0,
        "code": "1",
        "msg": "success",
        "ret_data": {
            "total": count,
            "per_page": count.to_string(),
            "current_page": 1,
            "last_page": 1,
            "data": flow_records(count),
        },
        "timestamp": 1_653_375_000,
    });
    match serde_json::to_vec(&body) {
        Ok(bytes) => bytes,
        Err(error) => panic!("a page serializes: {error}"),
    }
}

/// Sandbox seed data: `count` flow orders of the sandbox's default account.
pub fn flow_seed(count: usize) -> Value {
    json!({ ipidea_sandbox::DEFAULT_UID: { "flow": flow_records(count), "mobile_flow": [] } })
}
