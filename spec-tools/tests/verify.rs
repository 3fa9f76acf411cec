//! `verify`: which endpoints it calls and with what, how responses compare with the spec, when
//! it stops, and the patch of what it learned.

use chrono::NaiveDate;
use ipidea_spec::{Changes, DriftKind, Spec, TypeRef};
use ipidea_spec_tools::diff::{ChangeKind, Class};
use ipidea_spec_tools::verify::{
    self, FieldOverride, Flow, Outcome, PatchOptions, Planned, Report, Status, Verdict, compare,
    compare_type,
};
use serde_json::{Value, json};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 30).unwrap()
}

/// The bundled spec with what every endpoint changes flipped: the lookups spend money and
/// the orders, renewals, whitelist changes and settings become lookups.
fn flipped(spec: &Spec) -> Spec {
    let mut spec = spec.clone();
    for endpoint in &mut spec.endpoints {
        endpoint.changes = if endpoint.changes == Changes::Nothing {
            Changes::Money
        } else {
            Changes::Nothing
        };
        endpoint.idempotent = !endpoint.idempotent;
    }
    spec
}

fn calls<'a>(planned: &[Planned<'a>]) -> Vec<(&'a str, Vec<(&'a str, String)>)> {
    planned
        .iter()
        .filter_map(|p| match p {
            Planned::Call {
                endpoint, fields, ..
            } => Some((endpoint.name.as_str(), fields.clone())),
            Planned::Skip { .. } => None,
        })
        .collect()
}

fn field<'a>(fields: &'a [(&str, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn the_plan_never_picks_an_endpoint_that_changes_anything() {
    let bundled = ipidea_spec::bundled();
    let planned = verify::plan(&bundled, &[], today()).unwrap();
    for extraction in ["get_proxy_ip", "get_balance_proxy_ip"] {
        assert!(bundled.endpoint(extraction).is_some());
        assert!(
            planned.iter().all(|p| p.endpoint().name != extraction),
            "an extraction may spend: never called"
        );
    }
    for spec in [bundled.clone(), flipped(&bundled)] {
        let planned = verify::plan(&spec, &[], today()).unwrap();
        assert!(!planned.is_empty());
        for step in &planned {
            assert!(
                step.endpoint().changes == Changes::Nothing,
                "`{}` changes the account but was planned",
                step.endpoint().name
            );
        }
        // Every idempotent endpoint is planned (called or skipped with a reason), once.
        let safe: Vec<&str> = verify::safe_endpoints(&spec)
            .map(|e| e.name.as_str())
            .collect();
        let planned_names: Vec<&str> = planned.iter().map(|p| p.endpoint().name.as_str()).collect();
        assert_eq!(planned_names, safe);
        // Overrides cannot smuggle one in either.
        for endpoint in spec
            .endpoints
            .iter()
            .filter(|e| e.changes != Changes::Nothing)
        {
            let Some(first) = endpoint.request.first() else {
                continue;
            };
            let given = FieldOverride {
                endpoint: endpoint.name.clone(),
                field: first.name.clone(),
                value: "1".to_owned(),
            };
            let error = verify::plan(&spec, &[given], today()).unwrap_err();
            assert!(error.contains("so verify never calls it"), "{error}");
        }
    }
    // The flipped spec plans exactly what the bundled one never calls.
    let never: Vec<&str> = bundled
        .endpoints
        .iter()
        .filter(|e| e.changes != Changes::Nothing)
        .map(|e| e.name.as_str())
        .collect();
    assert!(never.contains(&"isp_ip_open") && never.contains(&"white_add"));
    let flipped = flipped(&bundled);
    let planned = verify::plan(&flipped, &[], today()).unwrap();
    let names: Vec<&str> = planned.iter().map(|p| p.endpoint().name.as_str()).collect();
    assert_eq!(names, never);
}

#[test]
fn the_plan_sends_as_little_as_each_call_needs() {
    let spec = ipidea_spec::bundled();
    let planned = verify::plan(&spec, &[], today()).unwrap();
    let calls = calls(&planned);
    let call = |name: &str| {
        calls
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{name} is called"))
            .1
            .clone()
    };
    // A list: one small page, the optional filters left out.
    let list = call("flow_order_list");
    assert_eq!(field(&list, "page"), Some("1"));
    assert_eq!(
        field(&list, "limit"),
        Some(verify::PAGE_SIZE.to_string().as_str())
    );
    assert_eq!(list.len(), 2, "{list:?}");
    assert!(call("white_list").is_empty());
    // A required range of unix seconds: the last 7 days, as the vendor's days (UTC+8).
    let records = call("balance_use_record");
    let day_start = |y, m, d| {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp()
            - 8 * 3600
    };
    assert_eq!(
        field(&records, "start_time"),
        Some(day_start(2024, 6, 24).to_string().as_str())
    );
    assert_eq!(
        field(&records, "end_time"),
        Some(day_start(2024, 6, 30).to_string().as_str())
    );
    // 2022-06-30 in UTC+8 is the vendor's own example.
    assert_eq!(day_start(2022, 6, 30), 1_656_518_400);
    // A required id with an example: the example, with a note to pass one's own.
    let (_, notes) = planned
        .iter()
        .find_map(|p| match p {
            Planned::Call {
                endpoint,
                fields,
                notes,
            } if endpoint.name == "balance_proxy_account_use_record" => Some((fields, notes)),
            _ => None,
        })
        .unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n
                .contains("pass `--field balance_proxy_account_use_record.id=…` for one of yours")),
        "{notes:?}"
    );
    // A required id with no example: skipped, naming the flag.
    let skipped = planned
        .iter()
        .find_map(|p| match p {
            Planned::Skip { endpoint, reason } => Some((endpoint.name.as_str(), reason.as_str())),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        skipped,
        (
            "flow_proxy_account_use_record",
            "needs `sub_id`: pass `--field flow_proxy_account_use_record.sub_id=…`"
        )
    );
}

#[test]
fn overrides_fill_and_replace_values_and_are_checked() {
    let spec = ipidea_spec::bundled();
    let given = |text: &str| text.parse::<FieldOverride>().unwrap();
    let planned = verify::plan(
        &spec,
        &[
            given("flow_proxy_account_use_record.sub_id=28670"),
            given("flow_order_list.pay_status=1"),
            given("flow_order_list.limit=2"),
        ],
        today(),
    )
    .unwrap();
    let calls = calls(&planned);
    let sub = &calls
        .iter()
        .find(|(n, _)| *n == "flow_proxy_account_use_record")
        .unwrap()
        .1;
    assert_eq!(field(sub, "sub_id"), Some("28670"));
    assert!(field(sub, "start_time").is_some());
    let list = &calls
        .iter()
        .find(|(n, _)| *n == "flow_order_list")
        .unwrap()
        .1;
    assert_eq!(field(list, "pay_status"), Some("1"));
    assert_eq!(field(list, "limit"), Some("2"));

    assert!("flow_order_list".parse::<FieldOverride>().is_err());
    assert!("flow_order_list=1".parse::<FieldOverride>().is_err());
    assert_eq!(
        given("a.b= c ").value,
        "c",
        "values are trimmed, as flags are"
    );
    let refused = |text: &str| verify::plan(&spec, &[given(text)], today()).unwrap_err();
    assert!(refused("nope.page=1").contains("no endpoint `nope`"));
    assert!(refused("flow_order_list.pages=1").contains("no request field `pages`"));
    assert!(
        refused("isp_ip_open.num=1")
            .contains("`isp_ip_open` spends money, so verify never calls it")
    );
    let bad = refused("flow_order_list.pay_status=secret-ish-9");
    assert!(bad.contains("does not fit `PayStatus`"), "{bad}");
    assert!(
        !bad.contains("secret-ish-9"),
        "values are not repeated: {bad}"
    );
    assert!(refused("flow_order_list.limit=0").contains("does not fit"));
    assert!(
        refused("balance_use_record.start_time=4102444800").contains("end before"),
        "a start after the planned end is refused"
    );
}

fn kinds(comparison: &verify::Comparison) -> Vec<(&str, &'static str)> {
    comparison
        .findings
        .iter()
        .map(|f| (f.path.as_str(), f.kind().as_str()))
        .collect()
}

fn flow_page(items: Vec<Value>) -> Value {
    json!({"total": items.len(), "per_page": "15", "current_page": 1, "last_page": 1, "data": items})
}

fn flow_order() -> Value {
    let spec: Value = serde_json::from_str(ipidea_spec::BUNDLED).unwrap();
    spec["endpoints"]["flow_order_list"]["examples"][0]["response"]["ret_data"]["data"][0].clone()
}

#[test]
fn a_response_as_the_spec_says_is_matched_with_the_wire_leniency() {
    let spec = ipidea_spec::bundled();
    // Every example response of the spec matches its endpoint.
    for endpoint in &spec.endpoints {
        for example in &endpoint.examples {
            if example.response["ret"] != 0 {
                continue;
            }
            let comparison = compare(&spec, endpoint, &example.response["ret_data"]);
            assert!(
                comparison.matched(),
                "{}: {:?}",
                endpoint.name,
                comparison.findings
            );
        }
    }
    // Numbers as strings and strings as numbers, as the client reads them, are no drift.
    let mut order = flow_order();
    order["recharge_id"] = json!("4055");
    order["uid"] = json!(" 3716 ");
    order["money"] = json!(0.01);
    order["pay_status"] = json!("1");
    order["created_at"] = json!(1653101538);
    order["pay_time"] = json!("1653102165");
    order["order_id"] = json!(2205211052185894_u64);
    order["mark"] = Value::Null;
    order.as_object_mut().unwrap().remove("six_id");
    let page = json!({"total": "1", "per_page": 15, "current_page": "1", "last_page": "1", "data": [order]});
    let endpoint = spec.endpoint("flow_order_list").unwrap();
    let comparison = compare(&spec, endpoint, &page);
    assert!(comparison.matched(), "{:?}", comparison.findings);
    assert!(comparison.checked);
    let u32_ty = TypeRef::parse("u32").unwrap();
    assert!(compare_type(&spec, &u32_ty, &json!("15")).matched());
    assert!(compare_type(&spec, &u32_ty, &json!(15)).matched());
    // PHP's `[]` for an empty object reads as a record with no fields.
    let flow_left = spec.endpoint("flow_left").unwrap();
    assert!(compare(&spec, flow_left, &json!([])).matched());
}

#[test]
fn each_kind_of_drift_is_found_with_its_path() {
    let spec = ipidea_spec::bundled();
    let endpoint = spec.endpoint("flow_order_list").unwrap();
    let mut first = flow_order();
    first["gift_flow"] = json!("1024");
    first["pay_status"] = json!(2);
    first["money"] = json!("a lot");
    first["uid"] = Value::Null;
    first.as_object_mut().unwrap().remove("order_id");
    let mut second = flow_order();
    second["gift_flow"] = json!(2048);
    second["pay_status"] = json!("3");
    let comparison = compare(&spec, endpoint, &flow_page(vec![first, second]));
    assert_eq!(
        kinds(&comparison),
        [
            ("ret_data.data[0].uid", "null"),
            ("ret_data.data[0].order_id", "null"),
            ("ret_data.data[0].money", "bad-type"),
            ("ret_data.data[0].pay_status", "unknown-enum"),
            ("ret_data.data[0].gift_flow", "unknown-field"),
            ("ret_data.data[1].pay_status", "unknown-enum"),
        ]
    );
    let by_path = |path: &str, kind: DriftKind| {
        comparison
            .findings
            .iter()
            .find(|f| f.path == path && f.kind() == kind)
            .unwrap()
    };
    // One finding for the same field of every item, counted.
    let unknown = by_path("ret_data.data[0].gift_flow", DriftKind::UnknownField);
    assert_eq!(unknown.count, 2);
    assert_eq!(
        unknown.describe(),
        "`gift_flow` is not a field of `FlowOrder`; its values look like `string` (in 2 places)"
    );
    let money = by_path("ret_data.data[0].money", DriftKind::BadType);
    assert_eq!(money.describe(), "expected `decimal`, found a string");
    let missing = by_path("ret_data.data[0].order_id", DriftKind::Null);
    assert_eq!(
        missing.describe(),
        "missing, but the spec says `string`, not nullable"
    );
    let null = by_path("ret_data.data[0].uid", DriftKind::Null);
    assert!(null.describe().starts_with("`null`"), "{}", null.describe());
    let status = by_path("ret_data.data[0].pay_status", DriftKind::UnknownEnum);
    assert_eq!(status.describe(), "`2` is not a value of `PayStatus`");
    // No value but the enum code ever shows.
    let text = serde_json::to_string(
        &comparison
            .findings
            .iter()
            .map(verify::Finding::to_json)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    assert!(!text.contains("a lot") && !text.contains("1024"), "{text}");
}

#[test]
fn lists_records_and_pages_are_walked_with_their_own_paths() {
    let spec = ipidea_spec::bundled();
    let white_list = spec.endpoint("white_list").unwrap();
    let data = json!({
        "lists": [
            {"mark_ip": "203.0.113.7", "updated_at": "1648029184"},
            {"mark_ip": "not an ip", "updated_at": "1648029184", "remark": "office"}
        ],
        "white": "2"
    });
    let comparison = compare(&spec, white_list, &data);
    assert_eq!(
        kinds(&comparison),
        [
            ("ret_data.lists[1].mark_ip", "bad-type"),
            ("ret_data.lists[1].remark", "unknown-field"),
        ]
    );
    // A list where a record is expected, a string where a list is.
    let comparison = compare(&spec, white_list, &json!({"lists": "none", "white": 0}));
    assert_eq!(kinds(&comparison), [("ret_data.lists", "bad-type")]);
    let comparison = compare(&spec, white_list, &json!(["x"]));
    assert_eq!(kinds(&comparison), [("ret_data", "bad-type")]);
    // A page without its counts, and a page with the framework's other keys (a note).
    let flow = spec.endpoint("flow_order_list").unwrap();
    let comparison = compare(&spec, flow, &json!({"data": [], "from": null, "to": null}));
    assert_eq!(
        kinds(&comparison),
        [
            ("ret_data.total", "null"),
            ("ret_data.per_page", "null"),
            ("ret_data.current_page", "null"),
            ("ret_data.last_page", "null"),
        ]
    );
    let mut page = flow_page(vec![]);
    page["next_page_url"] = Value::Null;
    let comparison = compare(&spec, flow, &page);
    assert!(comparison.matched());
    assert!(
        comparison.notes[0].contains("`next_page_url`"),
        "{:?}",
        comparison.notes
    );
    // Nullable fields may be null or missing; others may not.
    let flow_left = spec.endpoint("flow_left").unwrap();
    assert!(compare(&spec, flow_left, &json!({"flow_left": null})).matched());
    assert!(compare(&spec, flow_left, &json!({})).matched());
    let balance = spec.endpoint("balance_left").unwrap();
    assert_eq!(
        kinds(&compare(&spec, balance, &json!({}))),
        [("ret_data.balance_left", "null")]
    );
    // A list of records in the response.
    let records = spec.endpoint("balance_use_record").unwrap();
    let comparison = compare(
        &spec,
        records,
        &json!([{"balance": "1", "day": 1, "isp_flow_use": 0, "isp_use": "0", "residential_flow_use": 0,
                 "residential_use": "0", "static_flow_use": 0, "static_use": "0",
                 "total_use_balance": "0", "total_use_flow": "-1"}]),
    );
    assert_eq!(
        kinds(&comparison),
        [("ret_data[0].total_use_flow", "bad-type")]
    );
}

#[test]
fn records_where_the_spec_says_json_are_a_shape_with_guessed_types() {
    let spec = ipidea_spec::bundled();
    let isp = spec.endpoint("isp_order_list").unwrap();
    let items = vec![
        json!({"order_id": "2205211052185894", "ip": "156.237.6.97", "expire_time": 1656518400, "money": "35.00", "remark": null}),
        json!({"order_id": "2205211052185895", "ip": "156.237.6.98", "expire_time": "1656518401", "money": 35}),
    ];
    let comparison = compare(&spec, isp, &flow_page(items));
    assert_eq!(kinds(&comparison), [("ret_data.data[0]", "untyped-shape")]);
    let finding = &comparison.findings[0];
    assert_eq!(finding.count, 2);
    assert_eq!(
        finding.describe(),
        "the spec says `json`; seen a record with `order_id` (string), `ip` (ip), \
         `expire_time` (timestamp), `money` (decimal), `remark` (json, sometimes absent) \
         (in 2 places)"
    );
    let text = finding.to_json().to_string();
    assert!(
        !text.contains("156.237") && !text.contains("2205211052185894"),
        "{text}"
    );
    // An empty page of `json` items, and an empty list where the response is `json`, show
    // nothing and confirm nothing.
    let empty = compare(&spec, isp, &flow_page(vec![]));
    assert!(empty.matched());
    let flow_use = spec.endpoint("flow_use_record").unwrap();
    let empty = compare(&spec, flow_use, &json!([]));
    assert!(empty.matched() && !empty.checked);
    let seen = compare(&spec, flow_use, &json!([{"day": 1656518400, "flow": 1024}]));
    assert_eq!(kinds(&seen), [("ret_data[0]", "untyped-shape")]);
    let one = compare(&spec, flow_use, &json!({"day": 1656518400}));
    assert_eq!(kinds(&one), [("ret_data", "untyped-shape")]);
}

fn report_of(spec: &Spec, answers: &[(&str, Outcome)]) -> (Report, Vec<Flow>) {
    let mut report = Report::new(spec, today());
    let flows = answers
        .iter()
        .map(|(name, outcome)| {
            report.record(
                spec,
                spec.endpoint(name).unwrap(),
                Vec::new(),
                outcome.clone(),
            )
        })
        .collect();
    (report, flows)
}

#[test]
fn a_refusal_of_the_first_call_stops_and_later_ones_do_not() {
    let spec = ipidea_spec::bundled();
    let refused = Outcome::Refused {
        ret: 401,
        msg: "appkey error".to_owned(),
    };
    let (report, flows) = report_of(&spec, &[("isp_order_list", refused.clone())]);
    assert_eq!(flows, [Flow::Stop]);
    assert_eq!(report.verdict(), Verdict::Refused);
    assert!(report.render().contains("appkey error"));
    let ok = Outcome::Answered(json!({"balance_left": "1"}));
    let (report, flows) = report_of(
        &spec,
        &[("balance_left", ok.clone()), ("white_list", refused)],
    );
    assert_eq!(flows, [Flow::Continue, Flow::Continue]);
    assert_eq!(report.verdict(), Verdict::SomeRefused);
    // A server that is not the API stops at once; failures on the way do not, unless nothing
    // was ever answered.
    let (report, flows) = report_of(
        &spec,
        &[("balance_left", Outcome::NotTheApi("no `ret`".to_owned()))],
    );
    assert_eq!(flows, [Flow::Stop]);
    assert_eq!(report.verdict(), Verdict::Unreachable);
    assert!(
        report
            .stopped
            .as_ref()
            .unwrap()
            .describe()
            .contains("this server does not answer like the IPIDEA API: no `ret`")
    );
    let failed = Outcome::Failed("HTTP 503".to_owned());
    let (report, flows) = report_of(
        &spec,
        &[
            ("balance_left", ok.clone()),
            ("white_list", failed.clone()),
            ("isp_order_list", failed.clone()),
            ("flow_left", failed.clone()),
            ("datacenter_order_list", failed.clone()),
        ],
    );
    assert!(flows.iter().all(|f| *f == Flow::Continue));
    assert_eq!(report.verdict(), Verdict::SomeFailed);
    let (_, flows) = report_of(
        &spec,
        &[
            ("balance_left", failed.clone()),
            ("white_list", failed.clone()),
            ("isp_order_list", failed),
        ],
    );
    assert_eq!(flows, [Flow::Continue, Flow::Continue, Flow::Stop]);
    // Drift outranks a failure.
    let (report, _) = report_of(
        &spec,
        &[
            (
                "balance_left",
                Outcome::Answered(json!({"balance_left": "1", "x": 1})),
            ),
            ("white_list", Outcome::Failed("HTTP 503".to_owned())),
        ],
    );
    assert_eq!(report.verdict(), Verdict::Drift);
    assert!(
        report
            .render()
            .contains("not called (they spend money or change the account")
    );
}

#[test]
fn an_unverified_endpoint_that_matched_is_confirmed() {
    let spec = ipidea_spec::bundled();
    assert!(spec.endpoint("flow_left").unwrap().unverified.is_some());
    let (report, _) = report_of(
        &spec,
        &[
            (
                "flow_left",
                Outcome::Answered(json!({"flow_left": "1024.5"})),
            ),
            ("flow_use_record", Outcome::Answered(json!([]))),
            (
                "balance_left",
                Outcome::Answered(json!({"balance_left": "1"})),
            ),
        ],
    );
    let entry = |name: &str| {
        report
            .endpoints
            .iter()
            .find(|e| e.endpoint == name)
            .unwrap()
    };
    assert!(entry("flow_left").confirmed);
    assert_eq!(entry("flow_left").status, Status::Ok);
    // `[]` where the response is `json` confirms nothing.
    assert!(!entry("flow_use_record").confirmed);
    assert!(entry("flow_use_record").notes[0].contains("not confirmed"));
    assert!(!entry("balance_left").confirmed, "it was never unverified");
    assert_eq!(report.verdict(), Verdict::Clean);
    let text = report.render();
    assert!(
        text.lines().any(|l| l.starts_with("flow_left ")
            && l.ends_with(
                "ok, confirmed: the live response matched the spec of this unverified endpoint"
            )),
        "{text}"
    );
    assert_eq!(report.to_json()["summary"]["confirmed"], 1);
}

/// Responses that drift in every way a patch can learn, and some it cannot.
fn drifted(spec: &Spec) -> Report {
    let mut order = flow_order();
    order["gift_flow"] = json!("1024");
    order["pay_status"] = json!(2);
    let mut second = flow_order();
    second["gift_flow"] = json!(2048);
    second["2fa"] = json!(true);
    let isp_items =
        vec![json!({"order_id": "1", "ip": "156.237.6.97", "expire_time": 1656518400, "extra": 1})];
    let (report, _) = report_of(
        spec,
        &[
            ("isp_order_list", Outcome::Answered(flow_page(isp_items))),
            (
                "flow_order_list",
                Outcome::Answered(flow_page(vec![order.clone(), second])),
            ),
            (
                "mobile_flow_order_list",
                Outcome::Answered(flow_page(vec![order])),
            ),
            (
                "balance_left",
                Outcome::Answered(json!({"balance_left": "lots"})),
            ),
            ("flow_left", Outcome::Answered(json!({"flow_left": "1"}))),
            (
                "flow_use_record",
                Outcome::Answered(
                    json!([{"day": 1656518400, "flow": 1024, "proxy_type": "residential"}]),
                ),
            ),
        ],
    );
    report
}

#[test]
fn a_patch_learns_the_drift_additively_and_a_second_look_finds_none() {
    let spec = ipidea_spec::bundled();
    let report = drifted(&spec);
    assert_eq!(report.verdict(), Verdict::Drift);
    let patch = verify::patch::build(
        &spec,
        ipidea_spec::BUNDLED,
        &report,
        PatchOptions {
            mark_verified: true,
        },
    )
    .unwrap();
    // It loads (the `spec check` loader) and says where it came from.
    let reloaded = ipidea_spec::parse("patched.json", &patch.text).unwrap();
    assert_eq!(reloaded.types, patch.spec.types);
    assert_eq!(reloaded.endpoints, patch.spec.endpoints);
    let gift = &patch.json["types"]["FlowOrder"]["fields"]["gift_flow"];
    assert_eq!(gift["nullable"], true);
    assert_eq!(
        gift["type"], "string",
        "a `string` reads `\"1024\"` and `2048` alike"
    );
    assert_eq!(
        gift["doc"]["en"],
        "Seen in the live response of `flow_order_list`, `mobile_flow_order_list` on 2024-06-30; \
         not on the vendor's pages (added by `ipidea spec verify`)."
    );
    assert_eq!(
        patch.json["types"]["PayStatus"]["values"]["2"]["name"],
        "Value2"
    );
    assert_eq!(patch.json["types"]["IspOrderPage"]["item"], "IspOrder");
    assert_eq!(
        patch.json["types"]["IspOrder"]["fields"]["expire_time"]["type"],
        "timestamp"
    );
    assert_eq!(
        patch.json["endpoints"]["flow_use_record"]["response"],
        "list<FlowUseRecord>"
    );
    // Key order is kept: the new field comes last, the spec's own keys stay in place.
    let fields: Vec<&String> = patch.json["types"]["FlowOrder"]["fields"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(fields.last().unwrap().as_str(), "gift_flow");
    assert_eq!(fields.first().unwrap().as_str(), "recharge_id");
    // flow_left matched: with --mark-verified it is no longer unverified.
    assert!(
        patch.json["endpoints"]["flow_left"]
            .get("unverified")
            .is_none()
    );
    assert!(
        patch.json["endpoints"]["flow_use_record"]
            .get("unverified")
            .is_some()
    );
    // What it cannot learn is listed, not guessed.
    let left_out = patch.left_out.join("\n");
    assert!(left_out.contains("`2fa`"), "{left_out}");
    assert!(left_out.contains("key `extra`"), "{left_out}");
    assert!(
        left_out.contains("`ret_data.balance_left` of `balance_left`"),
        "{left_out}"
    );

    // The spec diff: new fields and values are additive, typed shapes breaking, the mark docs.
    let class_of = |path: &str| {
        patch
            .diff
            .changes
            .iter()
            .find(|c| c.path == path)
            .map(|c| (c.kind, c.class))
    };
    assert_eq!(
        class_of("types.FlowOrder.fields.gift_flow"),
        Some((ChangeKind::Added, Class::Additive))
    );
    assert_eq!(
        class_of("types.PayStatus.values.2"),
        Some((ChangeKind::Added, Class::Additive))
    );
    assert_eq!(
        class_of("types.IspOrderPage.item"),
        Some((ChangeKind::Changed, Class::Breaking))
    );
    assert_eq!(
        class_of("endpoints.flow_use_record.response"),
        Some((ChangeKind::Changed, Class::Breaking))
    );
    assert!(
        patch
            .diff
            .changes
            .iter()
            .any(|c| c.path.starts_with("endpoints.flow_left") && c.class == Class::Docs),
        "{:?}",
        patch.diff.changes
    );

    // The same responses against the patched spec: nothing left to learn.
    let again = drifted(&patch.spec);
    let learnable: Vec<_> = again
        .findings()
        .filter(|(_, f)| {
            matches!(
                f.kind(),
                DriftKind::UnknownField | DriftKind::UnknownEnum | DriftKind::UntypedShape
            )
        })
        .map(|(e, f)| format!("{e} {} {}", f.path, f.describe()))
        .collect();
    // `2fa` and `extra` cannot be field names; they stay unknown.
    assert_eq!(
        learnable,
        [
            "isp_order_list ret_data.data[0].extra `extra` is not a field of `IspOrder`; its values look like `i64`",
            "flow_order_list ret_data.data[1].2fa `2fa` is not a field of `FlowOrder`; its values look like `bool`",
        ]
    );
    let confirmed: Vec<&str> = again
        .endpoints
        .iter()
        .filter(|e| e.confirmed)
        .map(|e| e.endpoint.as_str())
        .collect();
    assert_eq!(
        confirmed,
        ["flow_use_record"],
        "flow_left is no longer unverified"
    );
}

#[test]
fn a_patch_of_nothing_is_the_spec_and_only_additive_fields_are_additive() {
    let spec = ipidea_spec::bundled();
    let (report, _) = report_of(
        &spec,
        &[(
            "balance_left",
            Outcome::Answered(json!({"balance_left": "1"})),
        )],
    );
    let patch = verify::patch::build(
        &spec,
        ipidea_spec::BUNDLED,
        &report,
        PatchOptions::default(),
    )
    .unwrap();
    assert!(patch.diff.is_empty(), "{:?}", patch.diff.changes);
    assert!(patch.learned.is_empty());
    let (report, _) = report_of(
        &spec,
        &[(
            "balance_left",
            Outcome::Answered(json!({"balance_left": "1", "frozen": "0.50", "currency": "CNY"})),
        )],
    );
    let patch = verify::patch::build(
        &spec,
        ipidea_spec::BUNDLED,
        &report,
        PatchOptions::default(),
    )
    .unwrap();
    assert!(!patch.diff.is_breaking());
    assert_eq!(patch.diff.bump(), ipidea_spec_tools::diff::Bump::Minor);
    assert_eq!(
        patch.json["types"]["BalanceLeft"]["fields"]["frozen"]["type"],
        "string"
    );
    assert_eq!(
        patch.learned,
        [
            "`BalanceLeft` gains the nullable field `frozen` (`string`)",
            "`BalanceLeft` gains the nullable field `currency` (`string`)"
        ]
    );
}
