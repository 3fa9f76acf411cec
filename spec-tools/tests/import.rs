//! `ipidea_spec_tools::import`: reading vendor documentation pages into spec entries, and merging
//! them into a spec.
//!
//! The vendor's order page is a copy of `shared/vendor-docs/orders.txt` in `tests/data`, so the
//! tests do not depend on a folder outside the repository.

use ipidea_spec::{BUNDLED, Endpoint, TypeRef, bundled};
use ipidea_spec_tools::import::{
    Import, ImportError, Merge, NodeValue, import, import_into, parse_page, parse_value,
};
use std::sync::LazyLock;

use proptest::prelude::*;
use serde_json::{Value, json};

/// The vendor's order page.
const ORDERS: &str = include_str!("data/orders.txt");

fn bundled_json() -> Value {
    serde_json::from_str(BUNDLED).expect("the bundled spec is JSON")
}

fn orders() -> Import {
    import(ORDERS, None).expect("the order page imports")
}

fn merged(page: &str) -> Merge {
    import_into(page, &bundled(), &bundled_json()).expect("the page imports")
}

/// A page of one endpoint: a title, the request line and headers, then the bodies.
fn page_of(name: &str, bodies: &str) -> String {
    format!(
        "Whitelist\nPOST /api/open/{name} HTTP/1.1\nHost: api.ipidea.net\nContent-Type: multipart/form-data\n{bodies}"
    )
}

fn error(page: &str) -> ImportError {
    import(page, None).expect_err("the page is refused")
}

fn messages(notes: &[ipidea_spec_tools::import::Note]) -> String {
    notes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

// --- the vendor's order page ------------------------------------------------------------------

#[test]
fn the_copies_of_the_vendor_pages_are_current() {
    // The originals live outside the repository; compare only where they are present.
    for (name, copy) in [
        ("orders.txt", ORDERS),
        ("whitelist.txt", WHITELIST),
        ("balance.txt", BALANCE),
    ] {
        let original = format!(
            "{}/../../shared/vendor-docs/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        if let Ok(text) = std::fs::read_to_string(&original) {
            assert_eq!(
                text, copy,
                "copy {original} to spec-tools/tests/data/{name}"
            );
        }
    }
}

/// The vendor's three pages imported, as one set of entries.
fn vendor_entries() -> Value {
    let mut all = json!({ "types": {}, "endpoints": {} });
    for page in [ORDERS, WHITELIST, BALANCE] {
        let entries = import(page, None).expect("the page imports").entries();
        for key in ["types", "endpoints"] {
            for (name, entry) in entries[key].as_object().unwrap() {
                all[key][name] = entry.clone();
            }
        }
    }
    all
}

#[test]
fn the_vendor_pages_yield_the_endpoints_paths_and_fields_of_the_bundled_spec() {
    let spec = bundled();
    let entries = vendor_entries();
    let mut imported: Vec<&str> = entries["endpoints"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    // Every endpoint of the spec but those no vendor page documents.
    let documented: Vec<&Endpoint> = spec
        .endpoints
        .iter()
        .filter(|e| e.unverified.is_none())
        .collect();
    let mut expected: Vec<&str> = documented.iter().map(|e| e.name.as_str()).collect();
    imported.sort_unstable();
    expected.sort_unstable();
    assert_eq!(imported, expected);
    assert_eq!(imported.len(), 15);
    assert_eq!(orders().endpoints.len(), 8);
    for endpoint in documented {
        let entry = &entries["endpoints"][&endpoint.name];
        assert_eq!(entry["method"], endpoint.method.name(), "{}", endpoint.name);
        assert_eq!(
            entry["path"],
            endpoint.url_path.as_str(),
            "{}",
            endpoint.name
        );
        let fields: Vec<&String> = entry["request"].as_object().unwrap().keys().collect();
        let expected: Vec<&String> = endpoint.request.iter().map(|f| &f.name).collect();
        assert_eq!(fields, expected, "request fields of {}", endpoint.name);
    }
}

#[test]
fn the_vendor_page_examples_are_the_vendors_with_comments_stripped() {
    let spec = bundled();
    let entries = vendor_entries();
    for endpoint in spec.endpoints.iter().filter(|e| e.unverified.is_none()) {
        let example = &entries["endpoints"][&endpoint.name]["examples"][0];
        let bundled = &endpoint.examples[0];
        assert_eq!(
            example["request"],
            Value::Object(bundled.request.clone()),
            "{}",
            endpoint.name
        );
        assert_eq!(example["response"], bundled.response, "{}", endpoint.name);
    }
}

#[test]
fn the_imported_entries_are_a_valid_spec() {
    let problems = orders().check(&bundled_json());
    assert!(problems.is_empty(), "{}", messages(&problems));
}

#[test]
fn types_are_inferred_from_the_examples() {
    let entries = orders().entries();
    let endpoints = &entries["endpoints"];
    let types = &entries["types"];
    let list = &endpoints["flow_order_list"];
    assert_eq!(list["changes"], "nothing");
    assert_eq!(list["idempotent"], true);
    assert_eq!(list["paging"], json!({"page": "page", "limit": "limit"}));
    assert_eq!(list["request"]["start_time"]["type"], "date");
    assert_eq!(list["request"]["page"]["type"], "u32");
    assert_eq!(list["request"]["limit"]["type"], "u32");
    assert_eq!(list["request"]["order_id"]["required"], false);
    assert_eq!(list["response"], "FlowOrderListPage");
    assert_eq!(types["FlowOrderListPage"]["kind"], "page");
    assert_eq!(types["FlowOrderListPage"]["item"], "FlowOrderListItem");
    let item = &types["FlowOrderListItem"]["fields"];
    assert_eq!(
        item["created_at"]["type"], "timestamp",
        "a string of unix seconds"
    );
    assert_eq!(
        item["pay_time"]["type"], "timestamp",
        "a number of unix seconds"
    );
    assert_eq!(item["back_expire_time"]["type"], "i64", "0 is not a time");
    assert_eq!(item["money"]["type"], "decimal");
    assert_eq!(item["coupon_money"]["type"], "decimal");
    assert_eq!(item["exec_data"]["type"], "json_string");
    assert_eq!(
        item["mark"],
        json!({"type": "json", "nullable": true, "doc": {"en": "`mark` (imported; describe it)", "zh": "备注"}})
    );
    assert_eq!(
        item["uid"]["doc"]["zh"], "用户id",
        "the vendor's comment documents the field"
    );
    assert_eq!(item["pay_status"]["doc"]["zh"], "支付状态,0:未支付,1已支付");
    assert_eq!(
        item["pay_type"]["type"], "string",
        "a numeric string stays a string"
    );
    // The list with unknown items and the calls that spend money.
    assert_eq!(types["IspOrderListPage"]["item"], "json");
    assert_eq!(
        endpoints["isp_ip_renew"]["request"]["renew_ip_list"]["type"],
        "csv<ip>"
    );
    assert_eq!(endpoints["isp_ip_open"]["changes"], "money");
    assert_eq!(endpoints["isp_ip_open"]["idempotent"], false);
    assert_eq!(endpoints["isp_ip_open"]["response"], "IspIpOpenData");
    assert_eq!(
        types["IspIpOpenData"]["fields"]["order_id"]["type"],
        "string"
    );
    // Endpoints with the same shape share a type; the mobile list shares the page.
    assert_eq!(endpoints["static_ip_open"]["response"], "IspIpOpenData");
    assert_eq!(
        endpoints["mobile_flow_order_list"]["response"],
        "FlowOrderListPage"
    );
}

#[test]
fn docs_come_from_the_page_never_a_todo() {
    let entries = orders().entries();
    let text = entries.to_string();
    assert!(!text.to_lowercase().contains("todo"));
    let doc = entries["endpoints"]["isp_ip_open"]["doc"]["en"]
        .as_str()
        .unwrap();
    assert!(
        doc.contains("`isp_ip_open`") && doc.contains("订单接口"),
        "{doc}"
    );
}

#[test]
fn what_a_person_must_decide_is_listed() {
    let import = orders();
    let text = messages(&import.decisions);
    for expected in [
        "endpoints.isp_ip_open.request: requiredness: the page does not say which fields `isp_ip_open` needs, so all are imported as optional: `region`, `duration`, `num`, `remark`, `pool_tag`",
        "endpoints.isp_ip_open.request: enums: strings that may be enums or free text, imported as `string`: `region` (`hk`), `duration` (`weekly`), `remark` (`测试`), `pool_tag` (`渠道一`)",
        "endpoints.isp_ip_open.request: ids or numbers: numeric-looking strings, imported as `string`: `num` (`1`)",
        "endpoints.flow_order_list.request: ids or numbers: numeric-looking strings, imported as `string`: `pay_status` (`1`)",
        "types.FlowOrderListItem: ids or numbers: numeric-looking strings, imported as `string`: `order_id` (`2205211052185894`), `pay_type` (`13`), `check_status` (`0`), `worn` (`0`)",
        "types.FlowOrderListItem: types unknown: `null` in every example, so imported as nullable `json`: `mark`",
        "endpoints.isp_order_list: page items: the example page of `isp_order_list` has no items",
        "endpoints.static_ip_open: shared type: `static_ip_open` returns the same shape as `IspIpOpenData`",
        "endpoints.isp_ip_open: docs: describe `isp_ip_open` and its request fields `region`, `duration`, `num`, `remark`, `pool_tag` in English",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    for name in ["isp_ip_open", "isp_order_list", "mobile_flow_order_list"] {
        assert!(
            text.contains(&format!("which fields `{name}` needs")),
            "{name}"
        );
    }
}

#[test]
fn orders_in_is_inferred_where_the_names_make_it_plain() {
    let import = orders();
    let entries = import.entries();
    for name in ["isp_ip_open", "isp_ip_renew"] {
        let entry = &entries["endpoints"][name];
        assert_eq!(
            entry["orders_in"],
            json!({"endpoint": "isp_order_list", "since": "start_time"}),
            "{name}"
        );
        let keys: Vec<&String> = entry.as_object().unwrap().keys().collect();
        let at = keys.iter().position(|k| *k == "orders_in").unwrap();
        assert_eq!(
            keys[at - 1],
            "idempotent",
            "where the spec keeps it: {keys:?}"
        );
    }
    // `static_ip_*` and `datacenter_order_list` share no leading word: left to a person.
    for name in ["static_ip_open", "static_ip_renew"] {
        assert!(
            entries["endpoints"][name].get("orders_in").is_none(),
            "{name}"
        );
    }
    for name in ["isp_order_list", "flow_order_list"] {
        assert!(
            entries["endpoints"][name].get("orders_in").is_none(),
            "{name}"
        );
    }
    let text = messages(&import.decisions);
    for expected in [
        "endpoints.isp_ip_open.orders_in: reconciling: `isp_ip_open` is taken to spend money and to create orders that `isp_order_list` lists from its `start_time` date (the names start with the same word, `isp`); check it, or remove `orders_in` if it spends none",
        "endpoints.static_ip_open: reconciling: if `static_ip_open` spends money, add `orders_in` naming the list endpoint where its orders show up",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    // The entries, with the inferred `orders_in`, still pass the spec's own rules.
    let mut spec = bundled_json();
    spec["endpoints"] = entries["endpoints"].clone();
    spec["types"] = entries["types"].clone();
    let text = serde_json::to_string_pretty(&spec).unwrap();
    let loaded = ipidea_spec::parse("imported.json", &text).expect("the imported entries load");
    let open = loaded
        .endpoints
        .iter()
        .find(|e| e.name == "isp_ip_open")
        .unwrap();
    assert_eq!(
        open.orders_in
            .as_ref()
            .map(|o| (o.endpoint.as_str(), o.since.as_str())),
        Some(("isp_order_list", "start_time"))
    );
}

#[test]
fn orders_in_can_name_a_list_of_the_known_spec() {
    let page = page_of(
        "isp_ip_upgrade",
        r#"{"ip": "156.237.6.97", "num": "1"}{"ret": 0, "code": "1", "msg": "success", "ret_data": {"order_id": "2205211052185894"}, "timestamp": 1653375000}"#,
    );
    let merge = merged(&page);
    assert_eq!(merge.added_endpoints, ["isp_ip_upgrade"]);
    assert_eq!(
        merge.spec["endpoints"]["isp_ip_upgrade"]["orders_in"],
        json!({"endpoint": "isp_order_list", "since": "start_time"})
    );
    let text = serde_json::to_string_pretty(&merge.spec).unwrap();
    ipidea_spec::parse("merged.json", &text).expect("the merged spec loads");
}

#[test]
fn no_orders_in_is_guessed_when_two_lists_could_hold_the_orders() {
    let list = |name: &str| {
        page_of(
            name,
            r#"{"page": "1", "limit": "10", "start_time": "2022-5-1"}{"ret": 0, "code": "1", "msg": "success", "ret_data": {"total": 0, "per_page": "10", "current_page": 1, "last_page": 1, "data": []}, "timestamp": 1653375000}"#,
        )
    };
    let open = page_of(
        "vps_ip_open",
        r#"{"num": "1"}{"ret": 0, "code": "1", "msg": "success", "ret_data": {"order_id": "1"}, "timestamp": 1653375000}"#,
    );
    // With one list, its orders are taken to show up there.
    let page = format!("{}\n{}", list("vps_order_list"), open);
    let one = import(&page, None).expect("the page imports");
    assert_eq!(
        one.entries()["endpoints"]["vps_ip_open"]["orders_in"],
        json!({"endpoint": "vps_order_list", "since": "start_time"})
    );
    // With two, it is left to a person.
    let page = format!(
        "{}\n{}\n{}",
        list("vps_order_list"),
        list("vps_renew_list"),
        open
    );
    let import = import(&page, None).expect("the page imports");
    let entries = import.entries();
    assert!(
        entries["endpoints"]["vps_ip_open"]
            .get("orders_in")
            .is_none()
    );
    assert!(
        messages(&import.decisions).contains(
            "endpoints.vps_ip_open: reconciling: if `vps_ip_open` spends money, add `orders_in`"
        ),
        "{}",
        messages(&import.decisions)
    );
}

// --- merging ------------------------------------------------------------------------------------

#[test]
fn merging_the_order_page_into_the_bundled_spec_reports_no_conflicts() {
    let merge = merged(ORDERS);
    assert!(merge.conflicts.is_empty(), "{}", messages(&merge.conflicts));
    assert!(
        merge.differences.is_empty(),
        "{}",
        messages(&merge.differences)
    );
    assert!(merge.added_endpoints.is_empty() && merge.added_types.is_empty());
    assert!(
        merge.decisions.is_empty(),
        "the spec has decided its own endpoints"
    );
    assert_eq!(merge.existing.len(), 8);
    assert_eq!(merge.spec, bundled_json(), "nothing is overwritten");
}

#[test]
fn with_a_known_spec_the_import_reuses_its_enums_types_and_docs() {
    let import = import(ORDERS, Some(&bundled())).unwrap();
    let entries = import.entries();
    let open = &entries["endpoints"]["isp_ip_open"];
    assert_eq!(
        open["request"]["duration"]["type"], "IspDuration",
        "`weekly` fits `IspDuration`"
    );
    assert_eq!(
        entries["endpoints"]["static_ip_open"]["request"]["duration"]["type"],
        "DatacenterDuration"
    );
    assert_eq!(
        open["request"]["num"]["type"], "u32",
        "`1` fits the spec's `u32`"
    );
    assert_eq!(open["request"]["pool_tag"]["type"], "PoolTag");
    assert_eq!(open["request"]["num"]["doc"]["en"], "How many IPs to open.");
    assert_eq!(open["response"], "OrderCreated");
    assert_eq!(
        entries["endpoints"]["flow_order_list"]["request"]["pay_status"]["type"],
        "PayStatus"
    );
    assert_eq!(
        entries["endpoints"]["flow_order_list"]["response"],
        "FlowOrderPage"
    );
    assert!(
        !entries["types"]
            .as_object()
            .unwrap()
            .contains_key("FlowOrderListItem")
    );
}

const BLACK_LIST: &str = r#"黑名单列表
最后更新于
POST /api/open/black_list HTTP/1.1
Host: api.ipidea.net
Content-Type: multipart/form-data
{
  "page": "1",
  "limit": "10",
}{
  "ret": 0,
  "code": "1",
  "msg": "success",
  "ret_data": [
    {
      "ip": "156.237.6.97", // 黑名单IP
      "mark": "office",
      "created_at": "1653101538", // 添加时间
    },
  ],
  "timestamp": 1653375000
}"#;

#[test]
fn merging_a_new_endpoint_adds_it_with_its_types() {
    let merge = merged(BLACK_LIST);
    assert!(merge.conflicts.is_empty(), "{}", messages(&merge.conflicts));
    assert_eq!(merge.added_endpoints, ["black_list"]);
    assert_eq!(merge.added_types, ["BlackListItem"]);
    let entry = &merge.spec["endpoints"]["black_list"];
    assert_eq!(
        entry["doc"]["zh"], "黑名单列表",
        "the title of a one-endpoint page"
    );
    assert_eq!(
        entry["response"], "list<BlackListItem>",
        "`ret_data` as a list"
    );
    assert!(entry.get("paging").is_none(), "a list, not a page");
    assert_eq!(
        entry["request"]["page"]["type"], "u32",
        "the spec's `page` fits"
    );
    let item = &merge.spec["types"]["BlackListItem"]["fields"];
    assert_eq!(item["ip"]["type"], "ip");
    assert_eq!(item["ip"]["doc"]["zh"], "黑名单IP");
    assert_eq!(item["created_at"]["type"], "timestamp");
    assert_eq!(
        item["created_at"]["doc"]["zh"], "添加时间",
        "a comment on the last field"
    );
    // The spec still loads, and the decisions are about the new endpoint only.
    let text = serde_json::to_string_pretty(&merge.spec).unwrap();
    let spec = ipidea_spec::parse("merged.json", &text).unwrap();
    assert_eq!(spec.endpoints.len(), bundled().endpoints.len() + 1);
    assert!(
        merge
            .decisions
            .iter()
            .all(|d| d.path.starts_with("endpoints.black_list")
                || d.path.starts_with("types.BlackListItem"))
    );
    let decisions = messages(&merge.decisions);
    assert!(!decisions.contains("changes:"), "`_list` changes nothing");
    // The spec's `created_at` and `mark` are an order's: their types fit, but their docs
    // would say "order", so the page's own comments are used.
    assert!(!decisions.contains("docs taken from fields"), "{decisions}");
    assert!(
        !item["created_at"]["doc"]["en"]
            .as_str()
            .unwrap()
            .contains("order"),
        "{item}"
    );
}

#[test]
fn an_orders_in_the_spec_lacks_is_a_difference() {
    let mut spec = bundled_json();
    spec["endpoints"]["isp_ip_renew"]
        .as_object_mut()
        .unwrap()
        .remove("orders_in");
    let text = serde_json::to_string_pretty(&spec).unwrap();
    let known = ipidea_spec::parse("no-orders-in.json", &text).unwrap();
    let merge = import_into(ORDERS, &known, &spec).unwrap();
    assert!(merge.conflicts.is_empty(), "{}", messages(&merge.conflicts));
    assert_eq!(
        messages(&merge.differences),
        "endpoints.isp_ip_renew.orders_in: the import guesses that `isp_ip_renew` creates orders listed by `isp_order_list` from `start_time`; the spec has no `orders_in`"
    );
    assert_eq!(merge.spec, spec, "nothing is overwritten");
}

#[test]
fn a_different_path_is_a_conflict() {
    let page = ORDERS.replace(
        "POST /api/open/isp_ip_open HTTP/1.1",
        "POST /api/v2/isp_ip_open HTTP/1.1",
    );
    let merge = merged(&page);
    assert_eq!(
        messages(&merge.conflicts),
        "endpoints.isp_ip_open.path: the page (line 4) has the path `/api/v2/isp_ip_open` for `isp_ip_open`, the spec has `/api/open/isp_ip_open`"
    );
}

#[test]
fn compatibility_is_the_spec_s_lenient_check() {
    // `weekly` fits the enum `IspDuration`, `"1"` fits `u32`, `""` leaves out an optional field.
    assert!(merged(ORDERS).conflicts.is_empty());
    let page = ORDERS.replacen("\"duration\": \"weekly\"", "\"duration\": \"daily\"", 1);
    let text = messages(&merged(&page).conflicts);
    assert!(
        text.starts_with("endpoints.isp_ip_open.request.duration.type: the page's example `daily` of `duration` (line 11) does not fit the spec's `IspDuration`: `daily` is not a value of `IspDuration`"),
        "{text}"
    );
    let page = ORDERS.replacen("\"num\": \"1\",", "\"num\": \"one\",", 1);
    let text = messages(&merged(&page).conflicts);
    assert!(
        text.contains("`one` of `num` (line 12) does not fit the spec's `u32`"),
        "{text}"
    );
    let page = ORDERS.replacen("\"money\": \"0.01\"", "\"money\": \"free\"", 1);
    let text = messages(&merged(&page).conflicts);
    assert!(
        text.starts_with("types.FlowOrder.fields.money: the page's example `free`"),
        "{text}"
    );
}

#[test]
fn fields_on_one_side_only_are_differences_or_conflicts() {
    // A new request field and a new response field are differences; nothing is overwritten.
    let page = ORDERS
        .replacen(
            "\"pool_tag\": \"渠道一\"\n}",
            "\"pool_tag\": \"渠道一\",\n\"auto_renew\": \"1\"\n}",
            1,
        )
        .replacen(
            "\"pool_type\": 0\n",
            "\"pool_type\": 0,\n\"region\": \"hk\"\n",
            1,
        );
    let merge = merged(&page);
    assert!(merge.conflicts.is_empty(), "{}", messages(&merge.conflicts));
    let text = messages(&merge.differences);
    assert!(text.contains("endpoints.isp_ip_open.request: the page sends `auto_renew` (`1`) to `isp_ip_open`, which the spec does not have; not added"), "{text}");
    assert!(
        text.contains(
            "types.FlowOrder: the page's `region` (line 168) is not a field of `FlowOrder`"
        ),
        "{text}"
    );
    assert_eq!(merge.spec, bundled_json());
    // A field the spec requires but the page does not send, or a record field that is not
    // nullable and missing, is a conflict.
    let page = ORDERS.replacen("\"num\": \"1\",\n", "", 1).replacen(
        "\"money\": \"0.01\", // 金额\n",
        "",
        1,
    );
    let text = messages(&merged(&page).conflicts);
    assert!(text.contains("endpoints.isp_ip_open.request.num: the spec requires `num` of `isp_ip_open`, but the page's example does not send it"), "{text}");
    assert!(text.contains("types.FlowOrder.fields.money: the spec requires the field `money` of `FlowOrder` (it is not nullable)"), "{text}");
}

#[test]
fn a_new_endpoint_on_a_taken_path_is_a_conflict() {
    // A spec that calls `POST /api/open/isp_ip_open` by another name.
    let mut json = bundled_json();
    let endpoints = json["endpoints"].as_object_mut().unwrap();
    let entry = endpoints.shift_remove("isp_ip_open").unwrap();
    endpoints.insert("buy_isp_ips".to_owned(), entry);
    let spec = ipidea_spec::parse(
        "renamed.json",
        &serde_json::to_string_pretty(&json).unwrap(),
    )
    .unwrap();
    let merge = import_into(ORDERS, &spec, &json).unwrap();
    assert_eq!(
        messages(&merge.conflicts),
        "endpoints.buy_isp_ips.path: `POST /api/open/isp_ip_open` of `isp_ip_open` (line 4 of the page) is already the path of `buy_isp_ips`; not added"
    );
    assert!(merge.added_endpoints.is_empty());
}

#[test]
fn a_response_of_another_shape_is_a_conflict() {
    let page = "POST /api/open/isp_ip_open HTTP/1.1\n{\"ret\": 0, \"ret_data\": []}";
    let merge = merged(page);
    assert_eq!(
        messages(&merge.conflicts),
        "endpoints.isp_ip_open.response: the page's example `[]` (line 2) does not fit the spec's `OrderCreated`: expected a `OrderCreated` object, found `[]`"
    );
    assert_eq!(
        messages(&merge.differences),
        "endpoints.isp_ip_open.request: the page shows no request body for `isp_ip_open`, so its fields are not compared"
    );
}

// --- the pieces of a page -------------------------------------------------------------------

#[test]
fn a_page_with_no_request_body() {
    let page = page_of(
        "balance",
        r#"{"ret": 0, "code": "1", "msg": "success", "ret_data": {"balance": "12.50", "updated_at": 1653375000}, "timestamp": 1653375000}"#,
    );
    let import = import(&page, None).unwrap();
    let endpoint = &import.endpoints[0];
    assert!(!endpoint.has_request);
    let entry = &endpoint.entry;
    assert_eq!(entry["request"], json!({}));
    assert_eq!(entry["response"], "BalanceData");
    assert_eq!(entry["examples"][0]["request"], json!({}));
    let fields = &import.types["BalanceData"]["fields"];
    assert_eq!(fields["balance"]["type"], "decimal");
    assert_eq!(fields["updated_at"]["type"], "timestamp");
    assert!(messages(&import.decisions).contains("changes: what does `balance` change?"));
    assert!(
        import.check(&bundled_json()).is_empty(),
        "{}",
        messages(&import.check(&bundled_json()))
    );
}

#[test]
fn ret_data_as_a_list() {
    let empty = import(
        &page_of(
            "white_add",
            "{\"ip\": \"1.2.3.4\"}{\"ret\": 0, \"ret_data\": []}",
        ),
        None,
    )
    .unwrap();
    assert_eq!(empty.endpoints[0].entry["response"], "empty");
    assert_eq!(empty.endpoints[0].entry["request"]["ip"]["type"], "ip");
    let records = import(&page_of("white_list", "{\"ret\": 0, \"ret_data\": [{\"ip\": \"1.2.3.4\"}, {\"ip\": \"1.2.3.5\", \"note\": null}]}"), None).unwrap();
    assert_eq!(
        records.endpoints[0].entry["response"],
        "list<WhiteListItem>"
    );
    assert_eq!(
        records.types["WhiteListItem"]["fields"]["note"]["nullable"],
        true
    );
    let scalars = import(
        &page_of(
            "ip_list",
            "{\"ret\": 0, \"ret_data\": [\"1.2.3.4\", \"1.2.3.5\"]}",
        ),
        None,
    )
    .unwrap();
    assert_eq!(scalars.endpoints[0].entry["response"], "list<ip>");
    for import in [&empty, &records, &scalars] {
        assert!(
            import.check(&bundled_json()).is_empty(),
            "{}",
            messages(&import.check(&bundled_json()))
        );
    }
}

#[test]
fn string_unix_timestamps() {
    let page = page_of(
        "flow_use",
        r#"{"ret": 0, "ret_data": {"start_time": "1653101538", "end_at": 1653101538, "flow_time": "15", "created": "1653101538"}}"#,
    );
    let import = import(&page, None).unwrap();
    let fields = &import.types["FlowUseData"]["fields"];
    assert_eq!(fields["start_time"]["type"], "timestamp");
    assert_eq!(fields["end_at"]["type"], "timestamp");
    assert_eq!(fields["flow_time"]["type"], "string", "not ten digits");
    assert_eq!(fields["created"]["type"], "string", "not named like a time");
}

#[test]
fn comments_document_the_field_they_follow() {
    let node = parse_value(
        "{ // the data\n\"a\": 1, // 第一\n// 第二\n\"b\": [1, 2], \"c\": {\"d\": true // 最后\n}, // 对象\n\"e\": null // 最后一个\n}",
    )
    .unwrap();
    assert_eq!(node.comment.as_deref(), Some("the data"));
    let comment = |key: &str| node.get(key).and_then(|n| n.comment.clone());
    assert_eq!(comment("a").as_deref(), Some("第一"));
    assert_eq!(
        comment("b").as_deref(),
        Some("第二"),
        "a comment on the line before"
    );
    assert_eq!(comment("c").as_deref(), Some("对象"));
    assert_eq!(
        node.get("c").unwrap().get("d").unwrap().comment.as_deref(),
        Some("最后")
    );
    assert_eq!(
        comment("e").as_deref(),
        Some("最后一个"),
        "the last field, before the `}}`"
    );
    assert_eq!(node.get("a").unwrap().line, 2);
    assert_eq!(
        node.to_json(),
        json!({"a": 1, "b": [1, 2], "c": {"d": true}, "e": null})
    );
}

#[test]
fn trailing_commas_bare_keys_and_single_quotes() {
    let node = parse_value("{'a': [1, 2,], b: \"x\\u00e9\\n\", 'c': -1.5e2,}").unwrap();
    assert_eq!(
        node.to_json(),
        json!({"a": [1, 2], "b": "xé\n", "c": -150.0})
    );
    assert!(matches!(node.value, NodeValue::Object(_)));
}

#[test]
fn windows_line_endings_read_the_same() {
    let crlf = ORDERS.replace('\n', "\r\n");
    let lf = orders();
    let imported = import(&crlf, None).unwrap();
    assert_eq!(imported.entries(), lf.entries());
    assert_eq!(imported.decisions, lf.decisions);
    assert_eq!(imported.endpoints[1].line, lf.endpoints[1].line);
    let error = import("T\r\nPOST /api/open/x HTTP/1.1\r\n{\r\n\"a\" 1\r\n}", None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 4: expected `:` after the key `a`, found `1`"
    );
}

#[test]
fn leading_headings_and_blocks_with_no_separator() {
    let page = parse_page(ORDERS).unwrap();
    assert_eq!(page.title.as_deref(), Some("订单接口"));
    assert_eq!(page.blocks.len(), 8);
    let first = &page.blocks[0];
    assert_eq!(
        (first.line, first.method.as_str(), first.path.as_str()),
        (4, "POST", "/api/open/isp_ip_open")
    );
    assert_eq!(first.header("content-type"), Some("multipart/form-data"));
    assert_eq!(first.heading, None, "`最后更新于` is boilerplate");
    assert_eq!(
        first.bodies.len(),
        2,
        "`}}{{` separates the request and the response"
    );
    assert_eq!(page.blocks[1].line, 23, "`}}POST` starts the next block");
    // A heading between blocks documents the next endpoint.
    let page = "Title\nPOST /api/open/a_list HTTP/1.1\n{\"ret\": 0, \"ret_data\": []}\n开通静态住宅IP\nPOST /api/open/b_open\n{\"ret\": 0, \"ret_data\": []}";
    let import = import(page, None).unwrap();
    assert_eq!(import.endpoints[1].entry["doc"]["zh"], "开通静态住宅IP");
    assert_eq!(
        import.endpoints[1].entry["doc"]["en"],
        "`b_open` (imported; describe it)"
    );
    assert_eq!(
        import.endpoints[0].entry["doc"]["en"],
        "`a_list` (imported from the vendor page “Title”; describe it)"
    );
}

#[test]
fn credentials_and_queries() {
    let page = "GET https://api.ipidea.net/api/open/white_list?uid=1&appkey=k&page=2 HTTP/1.1\n{\"ret\": 0, \"ret_data\": []}";
    let import = import(page, None).unwrap();
    let entry = &import.endpoints[0].entry;
    assert_eq!(entry["method"], "GET");
    assert_eq!(entry["path"], "/api/open/white_list");
    assert_eq!(
        entry["request"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["page"]
    );
    let text = messages(&import.decisions);
    assert!(text.contains("credentials: left out of the request, since the client sends them with every call: `uid`, `appkey`"), "{text}");
    assert!(
        text.contains("`white_list` is documented as `GET`"),
        "{text}"
    );
}

// --- bad input ---------------------------------------------------------------------------------

#[test]
fn bad_input_names_the_line() {
    let cases = [
        (
            "Title\n{\"a\": 1}",
            "line 2: expected a request line such as `POST /api/open/<name> HTTP/1.1` before the first body",
        ),
        (
            "just text\nmore text",
            "line 1: found no request line such as `POST /api/open/<name> HTTP/1.1` in the page",
        ),
        (
            "POST /api/open/x HTTP/1.1\n{\n\"a\": 1\n\"b\": 2\n}",
            "line 4: expected `,` or `}` after the field `a`, found `\"b\"`",
        ),
        (
            "POST /api/open/x HTTP/1.1\n{\n\"a\": 1,\n",
            "line 4: expected `}` to close the object opened on line 2, found the end of the page",
        ),
        (
            "POST /api/open/x HTTP/1.1\n{\"a\": \"open\n}",
            "line 2: expected `\"` to close the string before the end of the line",
        ),
        (
            "POST /api/open/x HTTP/1.1\n{\"a\": 1, \"a\": 2}",
            "line 2: duplicate key `a`; it is first defined on line 2",
        ),
        (
            "POST /api/open/x HTTP/1.1\n{\"a\": 1-2}",
            "line 2: `1-2` is not a number",
        ),
        (
            "POST /api/open/x HTTP/1.1\n{\"a\": nope}",
            "line 2: expected a value, found `nope`",
        ),
        (
            "POST /api/open/x HTTP/1.1\n[1, 2]",
            "line 2: expected the request body of `x` to be an object of fields, found a list",
        ),
        (
            "POST /api/open/x HTTP/1.1\n{}{\"msg\": 1}",
            "line 2: expected the response of `x` to be an envelope object with `ret` and `ret_data`, found an object",
        ),
        (
            "PUT /api/open/x HTTP/1.1\n{}",
            "line 1: unsupported method `PUT` of `x`; expected `GET` or `POST`",
        ),
        (
            "T\nPOST / HTTP/1.1\n{}",
            "line 2: the path `/` names no endpoint; expected a path such as `/api/open/<name>`",
        ),
        (
            "POST /api/open/x HTTP/1.1\n{\"a\": 1}}",
            "line 2: unexpected `}` after the body that starts on line 2",
        ),
        (
            "POST /api/open/x HTTP/1.1\n{\"a\": 1 /* open",
            "line 2: expected `*/` to close the comment opened on line 2, found the end of the page",
        ),
        (
            "POST /a/x HTTP/1.1\n{}\nPOST /b/x HTTP/1.1\n{}",
            "line 3: a second endpoint named `x`, with `POST /b/x`; the first, on line 1, has `POST /a/x`",
        ),
    ];
    for (page, expected) in cases {
        assert_eq!(error(page).to_string(), expected, "{page:?}");
    }
    let deep = format!("POST /api/open/x HTTP/1.1\n{}", "[".repeat(500));
    assert_eq!(
        error(&deep).to_string(),
        "line 2: values nest more than 64 deep"
    );
}

// --- no panics ---------------------------------------------------------------------------------

/// Pieces of a vendor page, so that random pages reach past the first line.
fn page_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("POST /api/open/x_list HTTP/1.1\n".to_owned()),
        Just("GET /api/open/y?uid=1&page=2\n".to_owned()),
        Just("Host: api.ipidea.net\n".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just(",".to_owned()),
        Just(":".to_owned()),
        Just("\"ret\": 0,".to_owned()),
        Just("\"ret_data\": ".to_owned()),
        Just("\"page\": \"1\", \"limit\": \"15\",".to_owned()),
        Just(
            "\"total\": 1, \"per_page\": 1, \"current_page\": 1, \"last_page\": 1, \"data\": "
                .to_owned()
        ),
        Just("\"created_at\": \"1653101538\",".to_owned()),
        Just("\"ip\": \"1.2.3.4,5.6.7.8\",".to_owned()),
        Just("null".to_owned()),
        Just("-1.5e3".to_owned()),
        Just("// 注释\n".to_owned()),
        Just("/* c */".to_owned()),
        Just("\r\n".to_owned()),
        Just("订单接口\n".to_owned()),
        "[ -~]{0,12}",
        "\\PC{0,6}",
    ]
}

fn run_everything(page: &str) {
    static SPEC: LazyLock<(ipidea_spec::Spec, Value)> =
        LazyLock::new(|| (bundled(), bundled_json()));
    let (spec, json) = (&SPEC.0, &SPEC.1);
    let _ = parse_value(page);
    match import(page, None) {
        Ok(import) => {
            let _ = import.check(json);
            let _ = import.entries();
        }
        Err(error) => {
            // The line is one of the page's, and the message follows the house style.
            let lines = page.split(['\n', '\r']).count();
            assert!(
                (1..=lines.max(1)).contains(&error.line),
                "{error} of {lines} lines"
            );
            assert!(!error.message.ends_with('.'), "{error}");
            assert!(!error.message.starts_with(char::is_uppercase), "{error}");
        }
    }
    if let Ok(import) = import(page, Some(spec)) {
        let _ = ipidea_spec_tools::import::merge(&import, spec, json);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(page in "\\PC*") {
        run_everything(&page);
    }

    #[test]
    fn arbitrary_pages_never_panic(pieces in prop::collection::vec(page_piece(), 0..40)) {
        run_everything(&pieces.concat());
    }

    #[test]
    fn the_order_page_with_a_piece_swapped_never_panics(at in 0usize..6000, len in 0usize..6, piece in page_piece()) {
        let chars: Vec<char> = ORDERS.chars().collect();
        let at = at.min(chars.len());
        let end = (at + len).min(chars.len());
        let page: String = chars[..at].iter().chain(piece.chars().collect::<Vec<_>>().iter()).chain(chars[end..].iter()).collect();
        run_everything(&page);
    }

    #[test]
    fn the_order_page_cut_anywhere_never_panics(cut in 0usize..6000, junk in "\\PC{0,4}") {
        let chars: Vec<char> = ORDERS.chars().collect();
        let cut = cut.min(chars.len());
        let page: String = chars[..cut].iter().collect::<String>() + &junk;
        run_everything(&page);
    }
}

// --- what the account pages taught the importer ------------------------------------------------

/// The vendor's whitelist page.
const WHITELIST: &str = include_str!("data/whitelist.txt");
/// The vendor's balance page.
const BALANCE: &str = include_str!("data/balance.txt");

#[test]
fn lookups_change_nothing_by_their_last_word_and_setting_calls_ask_about_no_orders() {
    let page = import(BALANCE, None).unwrap();
    let entry = |name: &str| {
        let entry = &page
            .endpoints
            .iter()
            .find(|e| e.name == name)
            .unwrap()
            .entry;
        (entry["changes"].clone(), entry["idempotent"].clone())
    };
    for name in [
        "balance_left",
        "balance_use_record",
        "balance_proxy_account_use_record",
    ] {
        assert_eq!(entry(name), (json!("nothing"), json!(true)), "{name}");
    }
    assert_eq!(
        entry("balance_warning_set"),
        (json!("settings"), json!(false)),
        "changes a setting"
    );
    let decisions = messages(&page.decisions);
    assert!(!decisions.contains("changes:"), "{decisions}");
    assert!(
        !decisions.contains("reconciling"),
        "a setting spends no money, so there is no order to find: {decisions}"
    );
    // A name that says nothing is still a question, imported as the careful `money`.
    let unknown = import(
        &page_of(
            "white_sync",
            "{\"ip\": \"1.2.3.4\"}{\"ret\": 0, \"ret_data\": []}",
        ),
        None,
    )
    .unwrap();
    let decisions = messages(&unknown.decisions);
    assert!(
        decisions.contains("changes: what does `white_sync` change? it is imported as `money`"),
        "{decisions}"
    );
    assert_eq!(unknown.endpoints[0].entry["changes"], "money");
    assert_eq!(unknown.endpoints[0].entry["idempotent"], false);
    assert!(decisions.contains("reconciling"), "{decisions}");
}

#[test]
fn a_plural_ip_field_is_a_comma_joined_list() {
    let page = import(WHITELIST, None).unwrap();
    for name in ["white_add", "white_del"] {
        let endpoint = page.endpoints.iter().find(|e| e.name == name).unwrap();
        assert_eq!(endpoint.entry["request"]["white_ips"]["type"], "csv<ip>");
        assert_eq!(endpoint.entry["changes"], "whitelist");
        assert_eq!(endpoint.entry["idempotent"], false);
    }
    let single = import(
        &page_of(
            "white_add",
            "{\"ip\": \"1.2.3.4\"}{\"ret\": 0, \"ret_data\": []}",
        ),
        None,
    )
    .unwrap();
    assert_eq!(single.endpoints[0].entry["request"]["ip"]["type"], "ip");
}

#[test]
fn records_are_named_after_what_the_lookup_returns_and_entries_after_their_owner() {
    let page = import(WHITELIST, None).unwrap();
    let list = page
        .endpoints
        .iter()
        .find(|e| e.name == "white_list")
        .unwrap();
    assert_eq!(list.entry["response"], "WhiteList");
    let fields = &page.types["WhiteList"]["fields"];
    assert_eq!(fields["lists"]["type"], "list<WhiteListEntry>");
    let entry = &page.types["WhiteListEntry"];
    assert_eq!(entry["fields"]["mark_ip"]["type"], "ip");
    assert_eq!(entry["fields"]["updated_at"]["type"], "timestamp");
    let doc = entry["doc"]["en"].as_str().unwrap();
    assert_eq!(
        doc,
        "An entry of `lists` in `WhiteList` (imported; describe it)"
    );
    assert!(
        !page.types.contains_key("WhiteListDataListsItem"),
        "{:?}",
        page.types.keys().collect::<Vec<_>>()
    );
    // A call that is not a lookup keeps `...Data`, and a list field with a telling name keeps
    // its name.
    let other = import(
        &page_of(
            "ip_open",
            r#"{"ret": 0, "ret_data": {"order_id": "1", "ips": [{"ip": "1.2.3.4"}]}}"#,
        ),
        None,
    )
    .unwrap();
    assert_eq!(other.endpoints[0].entry["response"], "IpOpenData");
    assert_eq!(
        other.types["IpOpenData"]["fields"]["ips"]["type"],
        "list<IpOpenDataIpsItem>"
    );
}

#[test]
fn days_in_unix_seconds_are_timestamps_and_money_numbers_are_decimals() {
    let page = import(BALANCE, None).unwrap();
    let record = &page.types["BalanceUseRecordItem"]["fields"];
    assert_eq!(record["day"]["type"], "timestamp");
    assert_eq!(record["balance"]["type"], "decimal");
    assert_eq!(record["total_use_balance"]["type"], "decimal");
    assert_eq!(record["isp_flow_use"]["type"], "i64", "bytes, not money");
    assert_eq!(
        page.types["BalanceLeft"]["fields"]["balance_left"]["type"], "decimal",
        "`31950` is money"
    );
    let use_record = page
        .endpoints
        .iter()
        .find(|e| e.name == "balance_use_record")
        .unwrap();
    assert_eq!(
        use_record.entry["request"]["start_time"]["type"],
        "timestamp"
    );
}

#[test]
fn a_known_field_of_another_family_lends_its_type_but_not_its_doc() {
    // The spec's `status` and `updated_at` belong to orders; the whitelist's and the balance
    // warning's are not an order's.
    let merge = merged(WHITELIST);
    let entry = &merge.spec["types"]["WhiteListEntry"]["fields"]["updated_at"];
    assert_eq!(entry["type"], "timestamp");
    assert_ne!(entry["doc"]["en"], "When the order was last updated.");
    assert_eq!(entry["doc"]["zh"], "更新时间");
    let merge = merged(BALANCE);
    let status = &merge.spec["endpoints"]["balance_warning_set"]["request"]["status"];
    let doc = status["doc"]["en"].as_str().unwrap();
    assert!(!doc.contains("Order"), "{doc}");
    let decisions = messages(&merge.decisions);
    assert!(!decisions.contains("docs taken from fields"), "{decisions}");
    // Within a family the doc is still borrowed: the order page re-imported into the spec.
    let merge = merged(ORDERS);
    let open = &merge.spec["endpoints"]["isp_ip_open"]["request"]["region"];
    assert!(
        open["doc"]["en"].as_str().unwrap().contains("Region"),
        "{open}"
    );
}

// A page that documents what the spec only guessed.

/// A page written for the tests, in the vendor's format, that documents the four traffic
/// endpoints the bundled spec marks unverified.
const FLOW: &str = include_str!("data/flow.txt");

#[test]
fn a_page_replaces_the_guesses_of_unverified_endpoints() {
    let spec = bundled();
    let merge = import_into(FLOW, &spec, &bundled_json()).unwrap();
    assert!(merge.conflicts.is_empty(), "{:#?}", merge.conflicts);
    assert!(merge.added_endpoints.is_empty());
    let replaced = messages(&merge.replaced);
    for name in [
        "flow_left",
        "flow_warning_set",
        "flow_use_record",
        "flow_proxy_account_use_record",
    ] {
        assert!(
            replaced.contains(&format!("`{name}`"))
                && replaced.contains("no longer marked unverified"),
            "{name}: {replaced}"
        );
    }
    assert!(
        replaced.contains("its response `json` becomes"),
        "{replaced}"
    );
    // The merged spec loads, with typed records where the spec had `json`.
    let text = serde_json::to_string_pretty(&merge.spec).unwrap();
    let merged = ipidea_spec::parse("merged.json", &text).unwrap();
    for name in [
        "flow_left",
        "flow_warning_set",
        "flow_use_record",
        "flow_proxy_account_use_record",
    ] {
        let endpoint = merged.endpoint(name).unwrap();
        assert_eq!(endpoint.unverified, None, "{name}");
        assert!(!endpoint.examples.is_empty(), "{name}: the page's example");
        // What the spec says and the page does not is kept.
        let was = spec.endpoint(name).unwrap();
        assert_eq!(
            (endpoint.changes, endpoint.idempotent),
            (was.changes, was.idempotent)
        );
    }
    let records = merged.endpoint("flow_use_record").unwrap();
    let TypeRef::List(item) = &records.response else {
        panic!("a list of records: {}", records.response)
    };
    let TypeRef::Named(item) = &**item else {
        panic!("{item}")
    };
    let Some(ipidea_spec::TypeKind::Record { fields }) = merged.type_def(item).map(|t| &t.kind)
    else {
        panic!("`{item}` is a record")
    };
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["day", "use_flow"]);
    let account = merged.endpoint("flow_proxy_account_use_record").unwrap();
    assert!(
        account
            .request
            .iter()
            .any(|f| f.name == "sub_id" && f.required)
    );
    // A second merge of the same page finds nothing left to replace.
    let again = import_into(FLOW, &merged, &merge.spec).unwrap();
    assert!(again.replaced.is_empty(), "{:#?}", again.replaced);
}

#[test]
fn a_page_without_a_response_leaves_the_response_and_the_mark() {
    let spec = bundled();
    let page = page_of(
        "flow_use_record",
        "{\"start_time\": \"1656518400\", \"end_time\": \"1656604800\"}",
    );
    let merge = import_into(&page, &spec, &bundled_json()).unwrap();
    let replaced = messages(&merge.replaced);
    assert!(
        replaced.contains("its request fields are the page's"),
        "{replaced}"
    );
    assert!(
        replaced.contains("it stays marked unverified: the page shows no successful response"),
        "{replaced}"
    );
    let endpoint = &merge.spec["endpoints"]["flow_use_record"];
    assert!(endpoint.get("unverified").is_some());
    assert_eq!(endpoint["response"], "json");
}

// A page that changes verified endpoints, and `--apply`.

/// A page written for the tests, in the vendor's format, that changes the whitelist calls: a
/// request field the spec lacks, a count that is no longer a number, fields the records gain,
/// and a required field the page no longer sends.
const WHITELIST_CHANGED: &str = include_str!("data/whitelist-changed.txt");

#[test]
fn the_comparison_covers_types_and_fields_and_apply_takes_the_pages_side() {
    let spec = bundled();
    let mut merge = import_into(WHITELIST_CHANGED, &spec, &bundled_json()).unwrap();
    let differences = messages(&merge.differences);
    let conflicts = messages(&merge.conflicts);
    // Without --apply: reported, the spec kept, and the conflicts stand.
    assert!(
        differences.contains("the page sends `mark`"),
        "{differences}"
    );
    assert!(differences.contains("the page's `quota`"), "{differences}");
    assert!(differences.contains("the page's `remark`"), "{differences}");
    assert!(
        conflicts.contains("`\"unlimited\"`") && conflicts.contains("`u32`"),
        "{conflicts}"
    );
    assert!(
        conflicts.contains("the spec requires `white_ips` of `white_add`"),
        "{conflicts}"
    );
    assert_eq!(merge.spec, bundled_json(), "nothing is applied by itself");
    assert!(merge.applied.is_empty());

    merge.apply();
    let applied = messages(&merge.applied);
    for expected in [
        "`white_list` gains the optional request field `mark` (`string`)",
        "`WhiteList` gains the nullable field `quota` (`i64`)",
        "`WhiteListEntry` gains the nullable field `remark` (`string`)",
        "`white` of `WhiteList` becomes `string`",
        "`white_ips` of `white_add` becomes optional: the page does not send it",
        "`white_add` gains the optional request field `ips`",
    ] {
        assert!(applied.contains(expected), "{expected}:\n{applied}");
    }
    assert!(merge.conflicts.is_empty(), "{:#?}", merge.conflicts);
    // The applied spec loads, and spec diff classes each change.
    let text = serde_json::to_string_pretty(&merge.spec).unwrap();
    let applied = ipidea_spec::parse("applied.json", &text).unwrap();
    let diff = ipidea_spec_tools::diff::diff(&spec, &applied);
    let class_of = |path: &str| {
        diff.changes
            .iter()
            .find(|c| c.path == path)
            .map(|c| c.class)
            .unwrap_or_else(|| panic!("no change at {path}: {:#?}", diff.changes))
    };
    use ipidea_spec_tools::diff::Class;
    assert_eq!(class_of("types.WhiteList.fields.quota"), Class::Additive);
    assert_eq!(
        class_of("types.WhiteList.fields.white.type"),
        Class::Breaking
    );
    assert_eq!(
        class_of("endpoints.white_list.request.mark"),
        Class::Additive
    );
}

#[test]
fn records_where_a_verified_spec_says_json_are_noticed_and_typed_by_apply() {
    // `flow_use_record` as if verified but still untyped.
    let mut json = bundled_json();
    json["endpoints"]["flow_use_record"]
        .as_object_mut()
        .unwrap()
        .shift_remove("unverified");
    let spec = ipidea_spec::parse("test.json", &json.to_string()).unwrap();
    let mut merge = import_into(FLOW, &spec, &json).unwrap();
    let differences = messages(&merge.differences);
    assert!(
        differences.contains(
            "the page shows records (line 33) where the spec says `json` for `flow_use_record`: the import types them `list<FlowUseRecordItem>`"
        ),
        "{differences}"
    );
    merge.apply();
    assert!(
        messages(&merge.applied)
            .contains("the response of `flow_use_record` becomes `list<FlowUseRecordItem>`"),
        "{}",
        messages(&merge.applied)
    );
    assert!(merge.conflicts.is_empty(), "{:#?}", merge.conflicts);
    let text = serde_json::to_string_pretty(&merge.spec).unwrap();
    let applied = ipidea_spec::parse("applied.json", &text).unwrap();
    assert_eq!(
        applied
            .endpoint("flow_use_record")
            .unwrap()
            .response
            .to_string(),
        "list<FlowUseRecordItem>"
    );
    assert!(applied.type_def("FlowUseRecordItem").is_some());
}

// --- a second host ---------------------------------------------------------------------------

#[test]
fn a_page_of_another_api_is_imported_into_that_api_and_an_unknown_host_is_refused() {
    let page = "Regions\nGET http://api.proxy.ipidea.io/region_list?num=1 HTTP/1.1\n\
        {\"code\": 0, \"success\": true, \"msg\": \"0\", \"data\": [{\"code\": \"us\"}]}\n";
    let merge = merged(page);
    assert_eq!(merge.added_endpoints, ["region_list"]);
    let entry = &merge.spec["endpoints"]["region_list"];
    assert_eq!(entry["api"], "extraction", "{entry:#}");
    assert_eq!(entry["method"], "GET");
    assert!(
        entry["request"].get("return_type").is_none() && entry["request"].get("uid").is_none(),
        "{entry:#}"
    );

    let elsewhere = page.replace("api.proxy.ipidea.io", "api.example.com");
    let error = import_into(&elsewhere, &bundled(), &bundled_json()).expect_err("refused");
    assert!(
        error.to_string().contains(
            "`region_list` calls the host `api.example.com`, which is no API of the spec (ipidea (api.ipidea.net), extraction (api.proxy.ipidea.io))"
        ),
        "{error}"
    );
}
