//! One test per classification rule of `ipidea_spec_tools::diff`. Each test edits the bundled spec as
//! JSON, re-parses it, and checks the change's path, kind, class and description.

use ipidea_spec_tools::diff::{Bump, Change, ChangeKind, Class, SpecDiff, ZERO_VERSION_NOTE, diff};
// The JSON-editing helpers of the spec crate's rule tests.
#[path = "../../spec/tests/common/mod.rs"]
mod common;

use common::{node, remove, set, spec as json_spec};
use ipidea_spec::{Spec, parse};
use serde_json::{Value, json};

/// Parses an edited spec, which must stay valid.
#[track_caller]
fn load(spec: &Value) -> Spec {
    let text = serde_json::to_string_pretty(spec).expect("a JSON value serialises");
    parse("new.json", &text)
        .unwrap_or_else(|errors| panic!("the edited spec is invalid:\n{errors}"))
}

/// The diff from the bundled spec to the bundled spec after `edit`.
#[track_caller]
/// Each change as (path, class, description), in the diff's order.
fn described(diff: &SpecDiff) -> Vec<(&str, Class, &str)> {
    diff.changes
        .iter()
        .map(|c| (c.path.as_str(), c.class, c.description.as_str()))
        .collect()
}

fn diff_after(edit: impl FnOnce(&mut Value)) -> SpecDiff {
    let mut spec = json_spec();
    edit(&mut spec);
    diff(&ipidea_spec::bundled(), &load(&spec))
}

/// Applies `edit` to the data of every success example whose data has `key` (records of a
/// type), so that the examples keep fitting an edited record.
fn edit_example_records(
    spec: &mut Value,
    key: &str,
    edit: impl Fn(&mut serde_json::Map<String, Value>),
) {
    fn walk(value: &mut Value, key: &str, edit: &dyn Fn(&mut serde_json::Map<String, Value>)) {
        match value {
            Value::Object(map) => {
                if map.contains_key(key) {
                    edit(map);
                }
                for child in map.values_mut() {
                    walk(child, key, edit);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| walk(item, key, edit)),
            _ => {}
        }
    }
    let endpoints = spec["endpoints"].as_object_mut().expect("endpoints");
    for endpoint in endpoints.values_mut() {
        // Not `endpoint["examples"]`, which would add `null` to an endpoint without examples.
        let examples = endpoint.get_mut("examples").and_then(Value::as_array_mut);
        for example in examples.into_iter().flatten() {
            walk(&mut example["response"], key, &edit);
        }
    }
}

/// The changes that are not only the vendor examples being edited to fit.
fn besides_examples(diff: &SpecDiff) -> Vec<&Change> {
    diff.changes
        .iter()
        .filter(|c| !c.path.ends_with(".examples"))
        .collect()
}

/// The one change besides the examples; checks its path, kind, class and description.
#[track_caller]
fn only(diff: &SpecDiff, path: &str, kind: ChangeKind, class: Class, description: &str) {
    let changes = besides_examples(diff);
    assert_eq!(changes.len(), 1, "expected one change, found {changes:#?}");
    let change = changes[0];
    assert_eq!(change.path, path, "{change:#?}");
    assert_eq!(change.kind, kind, "{change:#?}");
    assert_eq!(change.class, class, "{change:#?}");
    assert_eq!(change.description, description);
}

// ---- request fields --------------------------------------------------------------------------

#[test]
fn a_new_required_request_field_is_breaking() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/endpoints/isp_ip_open/request",
            "zone",
            json!({ "type": "string", "required": true, "doc": { "en": "Zone." } }),
        );
        set(
            spec,
            "/endpoints/isp_ip_open/examples/0/request",
            "zone",
            json!("a"),
        );
    });
    only(
        &diff,
        "endpoints.isp_ip_open.request.zone",
        ChangeKind::Added,
        Class::Breaking,
        "`IspIpOpenRequest::new` gains an argument `zone`",
    );
    // The example had to change too, and says so as docs.
    let examples: Vec<&Change> = diff
        .changes
        .iter()
        .filter(|c| c.path.ends_with(".examples"))
        .collect();
    assert_eq!(examples.len(), 1);
    assert_eq!(examples[0].class, Class::Docs);
    assert_eq!(diff.bump(), Bump::Major);
}

#[test]
fn a_new_optional_request_field_is_additive() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/endpoints/isp_ip_open/request",
            "zone",
            json!({ "type": "string", "doc": { "en": "Zone." } }),
        );
    });
    only(
        &diff,
        "endpoints.isp_ip_open.request.zone",
        ChangeKind::Added,
        Class::Additive,
        "`IspIpOpenRequest` gains a setter `zone`",
    );
    assert_eq!(diff.bump(), Bump::Minor);
}

#[test]
fn a_removed_optional_request_field_is_breaking() {
    let diff = diff_after(|spec| {
        remove(spec, "/endpoints/isp_ip_open/request", "remark");
        remove(spec, "/endpoints/isp_ip_open/examples/0/request", "remark");
    });
    only(
        &diff,
        "endpoints.isp_ip_open.request.remark",
        ChangeKind::Removed,
        Class::Breaking,
        "the setter `IspIpOpenRequest::remark` is removed",
    );
}

#[test]
fn a_removed_required_request_field_is_breaking() {
    let diff = diff_after(|spec| {
        remove(spec, "/endpoints/isp_ip_open/request", "region");
        remove(spec, "/endpoints/isp_ip_open/examples/0/request", "region");
    });
    only(
        &diff,
        "endpoints.isp_ip_open.request.region",
        ChangeKind::Removed,
        Class::Breaking,
        "`IspIpOpenRequest::new` loses its argument `region`",
    );
}

#[test]
fn a_request_field_that_becomes_required_is_breaking() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/endpoints/isp_ip_open/request/remark",
            "required",
            json!(true),
        );
    });
    only(
        &diff,
        "endpoints.isp_ip_open.request.remark.required",
        ChangeKind::Changed,
        Class::Breaking,
        "`IspIpOpenRequest::new` gains an argument `remark`; the setter `IspIpOpenRequest::remark` is removed",
    );
}

#[test]
fn a_required_request_field_that_becomes_optional_is_breaking() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/endpoints/isp_ip_open/request/region",
            "required",
            json!(false),
        );
    });
    only(
        &diff,
        "endpoints.isp_ip_open.request.region.required",
        ChangeKind::Changed,
        Class::Breaking,
        "`IspIpOpenRequest::new` loses its argument `region`; set it with the setter `IspIpOpenRequest::region`",
    );
}

#[test]
fn a_request_field_type_change_is_breaking() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/endpoints/isp_ip_open/request/num",
            "type",
            json!("u64"),
        );
    });
    only(
        &diff,
        "endpoints.isp_ip_open.request.num.type",
        ChangeKind::Changed,
        Class::Breaking,
        "`IspIpOpenRequest::num` changes type from `u32` to `u64`",
    );
}

#[test]
fn reordered_required_request_fields_are_breaking() {
    // `new(region, duration, num)` becomes `new(duration, region, num)`: a silent swap for
    // callers whose arguments have the same type, so it must be called out.
    let diff = diff_after(|spec| {
        let request = node(spec, "/endpoints/isp_ip_open/request")
            .as_object_mut()
            .unwrap();
        let region = request.shift_remove("region").unwrap();
        request.shift_insert(1, "region".to_owned(), region);
    });
    only(
        &diff,
        "endpoints.isp_ip_open.request",
        ChangeKind::Changed,
        Class::Breaking,
        "`IspIpOpenRequest::new` takes its arguments in another order: `duration`, `region`, `num` (was `region`, `duration`, `num`)",
    );
}

#[test]
fn a_tighter_bound_is_breaking_and_a_looser_one_additive() {
    let tighter = diff_after(|spec| {
        set(
            spec,
            "/endpoints/isp_ip_open/request/num",
            "maximum",
            json!(100),
        );
    });
    only(
        &tighter,
        "endpoints.isp_ip_open.request.num.maximum",
        ChangeKind::Added,
        Class::Breaking,
        "`IspIpOpenRequest::num` has the `maximum` 100 (was none): values that passed before are refused with `Error::InvalidInput`",
    );
    let looser = diff_after(|spec| {
        set(
            spec,
            "/endpoints/isp_ip_open/request/num",
            "minimum",
            json!(0),
        );
    });
    only(
        &looser,
        "endpoints.isp_ip_open.request.num.minimum",
        ChangeKind::Changed,
        Class::Additive,
        "`IspIpOpenRequest::num` has the `minimum` 0 (was 1): more values are accepted",
    );
}

/// The diff from the bundled spec after `base` to the same after `base` and `edit`; `base`
/// takes out what the bundled spec may already have.
#[track_caller]
fn diff_from(base: impl Fn(&mut Value), edit: impl FnOnce(&mut Value)) -> (Spec, Spec) {
    let mut old = json_spec();
    base(&mut old);
    let mut new = old.clone();
    edit(&mut new);
    (load(&old), load(&new))
}

/// Removes `key` from the object at `pointer` where it is there.
fn take_out(spec: &mut Value, pointer: &str, key: &str) {
    if let Some(object) = node(spec, pointer).as_object_mut() {
        object.shift_remove(key);
    }
}

#[test]
fn a_new_not_before_is_breaking_and_a_dropped_one_additive() {
    let end_time = "/endpoints/flow_order_list/request/end_time";
    let (without, with) = diff_from(
        |spec| take_out(spec, end_time, "not_before"),
        |spec| set(spec, end_time, "not_before", json!("start_time")),
    );
    let path = "endpoints.flow_order_list.request.end_time.not_before";
    let added = diff(&without, &with);
    only(
        &added,
        path,
        ChangeKind::Added,
        Class::Breaking,
        "`FlowOrderListRequest::end_time` must not be earlier than `start_time`: values that passed before are refused with `Error::InvalidInput`",
    );
    assert_eq!(added.bump(), Bump::Major);
    let dropped = diff(&with, &without);
    only(
        &dropped,
        path,
        ChangeKind::Removed,
        Class::Additive,
        "`FlowOrderListRequest::end_time` may be earlier than `start_time` again: more values are accepted",
    );
    assert_eq!(dropped.bump(), Bump::Minor);
}

// ---- records -----------------------------------------------------------------------------

#[test]
fn a_new_nullable_record_field_is_additive() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/types/OrderCreated/fields",
            "expire_time",
            json!({ "type": "timestamp", "nullable": true, "doc": { "en": "Expiry." } }),
        );
    });
    only(
        &diff,
        "types.OrderCreated.fields.expire_time",
        ChangeKind::Added,
        Class::Additive,
        "`OrderCreated` gains a field `expire_time: Option<DateTime<Utc>>`",
    );
    assert_eq!(diff.bump(), Bump::Minor);
}

#[test]
fn a_new_non_nullable_record_field_is_additive_but_names_the_decoding_risk() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/types/OrderCreated/fields",
            "ip_count",
            json!({ "type": "u32", "doc": { "en": "IPs in the order." } }),
        );
        edit_example_records(spec, "order_id", |record| {
            if record.len() == 1 {
                record.insert("ip_count".to_owned(), json!(1));
            }
        });
    });
    only(
        &diff,
        "types.OrderCreated.fields.ip_count",
        ChangeKind::Added,
        Class::Additive,
        "`OrderCreated` gains a field `ip_count: u32`; it is not nullable, so responses without `ip_count` no longer decode",
    );
}

#[test]
fn a_removed_record_field_is_breaking() {
    let diff = diff_after(|spec| {
        remove(spec, "/types/FlowOrder/fields", "pool_type");
        edit_example_records(spec, "pool_type", |record| {
            record.shift_remove("pool_type");
        });
    });
    only(
        &diff,
        "types.FlowOrder.fields.pool_type",
        ChangeKind::Removed,
        Class::Breaking,
        "the field `FlowOrder::pool_type` is removed",
    );
}

#[test]
fn a_field_that_becomes_nullable_is_breaking() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/types/FlowOrder/fields/money",
            "nullable",
            json!(true),
        );
    });
    only(
        &diff,
        "types.FlowOrder.fields.money.nullable",
        ChangeKind::Changed,
        Class::Breaking,
        "`FlowOrder::money` becomes `Option<Decimal>` (was `Decimal`)",
    );
}

#[test]
fn a_field_that_stops_being_nullable_is_breaking() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/types/FlowOrder/fields/pay_time",
            "nullable",
            json!(false),
        );
    });
    only(
        &diff,
        "types.FlowOrder.fields.pay_time.nullable",
        ChangeKind::Changed,
        Class::Breaking,
        "`FlowOrder::pay_time` becomes `DateTime<Utc>` (was `Option<DateTime<Utc>>`); responses without `pay_time` no longer decode",
    );
}

#[test]
fn a_record_field_type_change_is_breaking() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/types/OrderCreated/fields/order_id",
            "type",
            json!("u64"),
        );
    });
    only(
        &diff,
        "types.OrderCreated.fields.order_id.type",
        ChangeKind::Changed,
        Class::Breaking,
        "`OrderCreated::order_id` changes type from `String` to `u64`",
    );
}

// ---- enums -------------------------------------------------------------------------------

#[test]
fn a_removed_enum_value_is_breaking() {
    let diff = diff_after(|spec| {
        remove(spec, "/types/IspDuration/values", "quarterly");
    });
    only(
        &diff,
        "types.IspDuration.values.quarterly",
        ChangeKind::Removed,
        Class::Breaking,
        "`IspDuration::Quarterly` is removed; `quarterly` now decodes as `IspDuration::Unknown`",
    );
}

#[test]
fn an_added_enum_value_is_additive() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/types/PayStatus/values",
            "2",
            json!({ "name": "Refunded", "doc": { "en": "Refunded." } }),
        );
    });
    only(
        &diff,
        "types.PayStatus.values.2",
        ChangeKind::Added,
        Class::Additive,
        "`PayStatus` gains a variant `Refunded`; `2` no longer decodes as `PayStatus::Unknown`",
    );
}

#[test]
fn a_renamed_variant_is_breaking() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/types/PoolTag/values/渠道一",
            "name",
            json!("ChannelOne"),
        );
    });
    only(
        &diff,
        "types.PoolTag.values.渠道一",
        ChangeKind::Changed,
        Class::Breaking,
        "`PoolTag::Channel1` is renamed `PoolTag::ChannelOne`",
    );
}

// ---- types and endpoints -----------------------------------------------------------------

/// The bundled spec with one more record type.
fn with_spare_type() -> Spec {
    let mut spec = json_spec();
    set(
        &mut spec,
        "/types",
        "Spare",
        json!({
            "kind": "record",
            "doc": { "en": "A spare record." },
            "fields": { "id": { "type": "string", "doc": { "en": "Id." } } }
        }),
    );
    load(&spec)
}

#[test]
fn a_removed_type_is_breaking_and_an_added_one_additive() {
    let removed = diff(&with_spare_type(), &ipidea_spec::bundled());
    only(
        &removed,
        "types.Spare",
        ChangeKind::Removed,
        Class::Breaking,
        "the record `Spare` is removed",
    );
    let added = diff(&ipidea_spec::bundled(), &with_spare_type());
    only(
        &added,
        "types.Spare",
        ChangeKind::Added,
        Class::Additive,
        "the record `Spare` is added",
    );
}

#[test]
fn a_removed_endpoint_is_breaking() {
    let diff = diff_after(|spec| remove(spec, "/endpoints", "mobile_flow_order_list"));
    only(
        &diff,
        "endpoints.mobile_flow_order_list",
        ChangeKind::Removed,
        Class::Breaking,
        "`Client::mobile_flow_order_list`, `Client::mobile_flow_order_list_stream` and `MobileFlowOrderListRequest` are removed",
    );
}

#[test]
fn an_added_endpoint_is_additive() {
    let removed = {
        let mut spec = json_spec();
        remove(&mut spec, "/endpoints", "mobile_flow_order_list");
        load(&spec)
    };
    let diff = diff(&removed, &ipidea_spec::bundled());
    only(
        &diff,
        "endpoints.mobile_flow_order_list",
        ChangeKind::Added,
        Class::Additive,
        "`Client::mobile_flow_order_list`, `Client::mobile_flow_order_list_stream` and `MobileFlowOrderListRequest` are added",
    );
}

#[test]
fn an_endpoint_whose_idempotence_changes_is_breaking_behaviour() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/endpoints/balance_warning_set",
            "idempotent",
            json!(true),
        );
    });
    only(
        &diff,
        "endpoints.balance_warning_set.idempotent",
        ChangeKind::Changed,
        Class::Breaking,
        "`Client::balance_warning_set` is now idempotent: it is retried after transient failures and no longer fails with `Error::OutcomeUnknown`",
    );
}

#[test]
fn an_endpoint_that_changes_something_else_is_breaking_behaviour() {
    let diff = diff_after(|spec| {
        set(spec, "/endpoints/white_add", "changes", json!("settings"));
    });
    only(
        &diff,
        "endpoints.white_add.changes",
        ChangeKind::Changed,
        Class::Breaking,
        "`Client::white_add` now changes the account's settings; the spec said it changes the whitelist",
    );
}

#[test]
fn a_response_type_change_is_breaking() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/endpoints/isp_order_list",
            "response",
            json!("FlowOrderPage"),
        );
    });
    only(
        &diff,
        "endpoints.isp_order_list.response",
        ChangeKind::Changed,
        Class::Breaking,
        "`Client::isp_order_list` returns `Response<FlowOrderPage>` instead of `Response<IspOrderPage>`",
    );
}

#[test]
fn a_moved_endpoint_is_breaking_behaviour() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/endpoints/isp_ip_open",
            "path",
            json!("/api/v2/isp_ip_open"),
        );
    });
    only(
        &diff,
        "endpoints.isp_ip_open.path",
        ChangeKind::Changed,
        Class::Breaking,
        "`Client::isp_ip_open` sends `POST /api/v2/isp_ip_open` instead of `POST /api/open/isp_ip_open`",
    );
}

// ---- API settings ------------------------------------------------------------------------

#[test]
fn api_settings_that_change_the_wire_are_breaking() {
    let diff = diff_after(|spec| {
        set(spec, "/api", "base_url", json!("https://api.ipidea.io"));
        set(spec, "/api/envelope", "message", json!("message"));
        set(spec, "/api", "date_format", json!("%Y-%m-%d"));
    });
    let described = described(&diff);
    assert_eq!(
        described,
        [
            (
                "api.date_format",
                Class::Breaking,
                "`NaiveDate` values are sent and read as `%Y-%m-%d` instead of `%Y-%-m-%-d`"
            ),
            (
                "api.base_url",
                Class::Breaking,
                "calls of the API `ipidea` go to `https://api.ipidea.io` instead of `https://api.ipidea.net`"
            ),
            (
                "api.envelope.message",
                Class::Breaking,
                "responses of the API `ipidea` are read with the message in `message` instead of `msg`"
            ),
        ]
    );
}

#[test]
fn a_new_credential_is_breaking() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/api/auth",
            "token",
            json!({ "env": "IPIDEA_TOKEN", "secret": true, "doc": { "en": "Token." } }),
        );
    });
    only(
        &diff,
        "api.auth.token",
        ChangeKind::Added,
        Class::Breaking,
        "`Client::new` gains an argument `token`, and `Client::from_env` also needs `IPIDEA_TOKEN`",
    );
}

#[test]
fn the_apis_beside_the_main_one_get_verdicts_too() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/apis/extraction",
            "base_url",
            json!("http://tiqu.ipidea.io:2330"),
        );
        set(spec, "/apis/extraction/fixed", "lb", json!("1"));
        set(spec, "/apis/extraction/envelope", "flag", json!("ok"));
        let mut mirror = spec["apis"]["extraction"].clone();
        mirror["base_url"] = json!("http://tiqu.ipidea.io:2330");
        set(spec, "/apis", "mirror", mirror);
        set(
            spec,
            "/endpoints/get_balance_proxy_ip",
            "api",
            json!("mirror"),
        );
    });
    let described = described(&diff);
    assert_eq!(
        described,
        [
            (
                "apis.extraction.base_url",
                Class::Breaking,
                "calls of the API `extraction` go to `http://tiqu.ipidea.io:2330` instead of `http://api.proxy.ipidea.io`"
            ),
            (
                "apis.extraction.fixed",
                Class::Breaking,
                "every call of the API `extraction` sends `return_type=json`, `lb=1` instead of `return_type=json`"
            ),
            (
                "apis.extraction.envelope.flag",
                Class::Breaking,
                "responses of the API `extraction` are read with the success flag in `ok` instead of `success`"
            ),
            (
                "apis.mirror",
                Class::Additive,
                "a new API `mirror` at http://tiqu.ipidea.io:2330"
            ),
            (
                "endpoints.get_balance_proxy_ip.api",
                Class::Breaking,
                "`Client::get_balance_proxy_ip` calls the API `mirror` instead of `extraction`"
            ),
        ]
    );

    let removed = diff_after(|spec| {
        let root = spec.as_object_mut().unwrap();
        root.remove("apis");
        let endpoints = root["endpoints"].as_object_mut().unwrap();
        endpoints.remove("get_proxy_ip");
        endpoints.remove("get_balance_proxy_ip");
        let types = root["types"].as_object_mut().unwrap();
        types.remove("ExtractedProxy");
        types.remove("ProxyProtocol");
    });
    let gone = removed
        .changes
        .iter()
        .find(|c| c.path == "apis.extraction")
        .expect("the API's removal is reported");
    assert_eq!(gone.class, Class::Breaking);
    assert_eq!(
        gone.description,
        "the API `extraction` (http://api.proxy.ipidea.io) is gone, with the endpoints that called it"
    );
}

// ---- docs, bump, identity ----------------------------------------------------------------

#[test]
fn a_doc_only_change_is_docs() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/types/FlowOrder/doc",
            "en",
            json!("A traffic order."),
        );
        set(
            spec,
            "/endpoints/isp_ip_open/request/num/doc",
            "zh",
            json!("IP数量"),
        );
    });
    let described: Vec<(&str, ChangeKind, Class, &str)> = diff
        .changes
        .iter()
        .map(|c| (c.path.as_str(), c.kind, c.class, c.description.as_str()))
        .collect();
    assert_eq!(
        described,
        [
            (
                "types.FlowOrder.doc",
                ChangeKind::Changed,
                Class::Docs,
                "the docs of `FlowOrder` change"
            ),
            (
                "endpoints.isp_ip_open.request.num.doc",
                ChangeKind::Changed,
                Class::Docs,
                "the docs of `IspIpOpenRequest::num` change"
            ),
        ]
    );
    assert!(!diff.is_breaking());
    assert_eq!(diff.bump(), Bump::Patch);
}

#[test]
fn verified_and_unverified_endpoints_differ_in_docs_only() {
    let endpoint = "/endpoints/isp_ip_open";
    let (verified, unverified) = diff_from(
        |spec| take_out(spec, endpoint, "unverified"),
        |spec| {
            set(
                spec,
                endpoint,
                "unverified",
                json!("No vendor page. Source: a client whose CI called the live API."),
            );
        },
    );
    let path = "endpoints.isp_ip_open.unverified";
    let now_unverified = diff(&verified, &unverified);
    only(
        &now_unverified,
        path,
        ChangeKind::Added,
        Class::Docs,
        "`Client::isp_ip_open` is now unverified: no vendor page documents it",
    );
    assert_eq!(now_unverified.bump(), Bump::Patch);
    let now_verified = diff(&unverified, &verified);
    only(
        &now_verified,
        path,
        ChangeKind::Removed,
        Class::Docs,
        "`Client::isp_ip_open` is now verified against a vendor page",
    );
    assert_eq!(now_verified.bump(), Bump::Patch);
    let (_, other_source) = diff_from(
        |spec| take_out(spec, endpoint, "unverified"),
        |spec| set(spec, endpoint, "unverified", json!("A blog post.")),
    );
    let changed = diff(&unverified, &other_source);
    only(
        &changed,
        path,
        ChangeKind::Changed,
        Class::Docs,
        "the source of the unverified `Client::isp_ip_open` changes",
    );
    assert_eq!(changed.bump(), Bump::Patch);
}

#[test]
fn identical_specs_have_no_changes() {
    let same = diff(&ipidea_spec::bundled(), &ipidea_spec::bundled());
    assert!(same.is_empty(), "{:#?}", same.changes);
    assert!(!same.is_breaking());
    assert_eq!(same.bump(), Bump::None);
    assert_eq!(same.to_json()["changes"], json!([]));
    // The same spec under another file name, reformatted on one line, is still identical.
    let reformatted = parse("other.json", &json_spec().to_string()).unwrap();
    assert!(diff(&ipidea_spec::bundled(), &reformatted).is_empty());
}

#[test]
fn the_bump_is_the_most_severe_class() {
    let change = |class| Change {
        path: "x".to_owned(),
        kind: ChangeKind::Changed,
        class,
        description: "x".to_owned(),
    };
    assert_eq!(Bump::of(&[]), Bump::None);
    assert_eq!(Bump::of(&[change(Class::Docs)]), Bump::Patch);
    assert_eq!(
        Bump::of(&[change(Class::Docs), change(Class::Additive)]),
        Bump::Minor
    );
    assert_eq!(
        Bump::of(&[
            change(Class::Additive),
            change(Class::Breaking),
            change(Class::Docs)
        ]),
        Bump::Major
    );
    // Cargo's rules: below 1.0 a breaking change bumps the minor number.
    for (bump, current, next) in [
        (Bump::Major, "1.4.2", "2.0.0"),
        (Bump::Minor, "1.4.2", "1.5.0"),
        (Bump::Patch, "1.4.2", "1.4.3"),
        (Bump::None, "1.4.2", "1.4.2"),
        (Bump::Major, "0.1.0", "0.2.0"),
        (Bump::Minor, "0.1.0", "0.1.1"),
        (Bump::Patch, "0.1.3", "0.1.4"),
        (Bump::Minor, "0.0.3", "0.0.4"),
        (Bump::Major, "0.3.1-beta.1", "0.4.0"),
    ] {
        assert_eq!(
            bump.next_version(current).as_deref(),
            Some(next),
            "{bump} of {current}"
        );
    }
    assert_eq!(Bump::Major.next_version("one"), None);
    assert_eq!(Bump::Major.next_version("1.2"), None);
}

#[test]
fn the_json_form_has_changes_and_bump() {
    let diff = diff_after(|spec| {
        set(
            spec,
            "/endpoints/isp_ip_open/request/region",
            "required",
            json!(false),
        );
    });
    let json = diff.to_json();
    assert_eq!(json["bump"], "major");
    assert_eq!(json["note"], ZERO_VERSION_NOTE);
    assert!(ZERO_VERSION_NOTE.contains("0.x"));
    assert_eq!(
        json["changes"],
        json!([{
            "path": "endpoints.isp_ip_open.request.region.required",
            "kind": "changed",
            "class": "breaking",
            "description": "`IspIpOpenRequest::new` loses its argument `region`; set it with the setter `IspIpOpenRequest::region`",
        }])
    );
}

#[test]
fn descriptions_follow_the_message_style() {
    // Lowercase or a backticked name first, no final period, for every change of a big edit.
    let diff = diff_after(|spec| {
        set(spec, "/api", "base_url", json!("https://api.ipidea.io"));
        remove(spec, "/endpoints", "mobile_flow_order_list");
        set(
            spec,
            "/types/FlowOrder/fields/money",
            "nullable",
            json!(true),
        );
        set(
            spec,
            "/types/PayStatus/values",
            "2",
            json!({ "name": "Refunded", "doc": { "en": "Refunded." } }),
        );
        set(spec, "/endpoints/white_add", "idempotent", json!(true));
        set(spec, "/endpoints/white_del", "changes", json!("settings"));
        set(spec, "/api", "utc_offset", json!("+09:00"));
    });
    assert_eq!(diff.changes.len(), 7, "{:#?}", diff.changes);
    for change in &diff.changes {
        let first = change.description.chars().next().unwrap();
        assert!(first == '`' || first.is_lowercase(), "{change}");
        assert!(!change.description.ends_with('.'), "{change}");
    }
}

#[test]
fn a_response_that_goes_from_untyped_json_to_a_record_is_breaking() {
    // What a vendor page does to an endpoint the spec could only guess: its `json` becomes a
    // record, and code that read a `serde_json::Value` reads a struct.
    let diff = diff_after(|spec| {
        set(
            spec,
            "/types",
            "FlowUse",
            json!({"kind": "record", "doc": {"en": "A day's traffic."},
                   "fields": {"day": {"type": "timestamp", "doc": {"en": "The day."}}}}),
        );
        set(
            spec,
            "/endpoints/flow_use_record",
            "response",
            json!("list<FlowUse>"),
        );
    });
    let changes = besides_examples(&diff);
    let response = changes
        .iter()
        .find(|c| c.path == "endpoints.flow_use_record.response")
        .expect("the response changes");
    assert_eq!(response.class, Class::Breaking, "{response:#?}");
    assert_eq!(
        response.description,
        "`Client::flow_use_record` returns `Response<Vec<FlowUse>>` instead of `Response<serde_json::Value>`"
    );
    let added = changes
        .iter()
        .find(|c| c.path == "types.FlowUse")
        .expect("the record is added");
    assert_eq!(added.class, Class::Additive);
}
