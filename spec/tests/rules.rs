//! One test per rule of the spec format. Each test breaks the bundled spec in one way and checks
//! the exact message, JSON path, hint and (where it says something) line of the error.

mod common;

use common::{node, remove, set, spec};
use ipidea_spec::{BUNDLED, Changes, Diagnostic, Method, parse};
use serde_json::{Value, json};

/// The text of a spec; `serde_json` keeps the key order, so lines follow the bundled file.
fn text(spec: &Value) -> String {
    serde_json::to_string_pretty(spec).expect("a JSON value serialises")
}

/// The errors of spec text that must be refused.
#[track_caller]
fn errors_of(text: &str) -> Vec<Diagnostic> {
    match parse("test.json", text) {
        Ok(_) => panic!("the spec was accepted"),
        Err(diagnostics) => {
            assert_eq!(diagnostics.file, "test.json");
            diagnostics.errors
        }
    }
}

/// The errors of a spec that must be refused.
#[track_caller]
fn errors(spec: &Value) -> Vec<Diagnostic> {
    errors_of(&text(spec))
}

/// The one and only error of a spec.
#[track_caller]
fn only_error(spec: &Value) -> Diagnostic {
    let errors = errors(spec);
    assert_eq!(errors.len(), 1, "expected one error, found {errors:#?}");
    errors.into_iter().next().expect("one error")
}

/// The one error at `path`.
#[track_caller]
fn error_at<'a>(errors: &'a [Diagnostic], path: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = errors.iter().filter(|e| e.path == path).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one error at `{path}`, found {errors:#?}"
    );
    found[0]
}

/// The 1-based line of the one line of `text` that contains `needle`.
#[track_caller]
fn line_of(text: &str, needle: &str) -> usize {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 1, "`{needle}` is on lines {lines:?}");
    lines[0]
}

/// Checks the path, message and hint of an error.
#[track_caller]
fn check(error: &Diagnostic, path: &str, message: &str, hint: Option<&str>) {
    assert_eq!(error.path, path, "path of {error:#?}");
    assert_eq!(error.message, message, "message of {error:#?}");
    assert_eq!(error.hint.as_deref(), hint, "hint of {error:#?}");
}

/// The 1-based line of the first line after `anchor` that contains `needle`.
#[track_caller]
fn line_after(text: &str, anchor: &str, needle: &str) -> usize {
    let start = text.find(anchor).unwrap_or_else(|| panic!("no `{anchor}`"));
    let at = start
        + text[start..]
            .find(needle)
            .unwrap_or_else(|| panic!("no `{needle}` after `{anchor}`"));
    text[..at].lines().count()
}

/// A doc for new nodes.
fn doc() -> Value {
    json!({"en": "Something."})
}

// The bundled spec.

/// A spec broken in one way, and the one error it must give.
struct OneError {
    /// The rule, in words (a failure names it).
    rule: &'static str,
    /// How the bundled spec is broken.
    edit: fn(&mut Value),
    path: &'static str,
    message: &'static str,
    hint: Option<&'static str>,
}

/// The rules whose breach is one error at one path, with its message and hint: most of the
/// format's rules. The tests after this table check rules with more to say (several errors,
/// a line, a message built from the spec).
fn one_error_cases() -> Vec<OneError> {
    vec![
        OneError {
            rule: "unknown record field key lists the allowed keys",
            edit: |spec| {
                set(
                    spec,
                    "/types/OrderCreated/fields/order_id",
                    "required",
                    json!(true),
                )
            },
            path: "types.OrderCreated.fields.order_id.required",
            message: "unknown key `required` in a record field",
            hint: Some("a record field allows `type`, `doc`, `example`, `nullable`"),
        },
        OneError {
            rule: "unknown key in a doc",
            edit: |spec| set(spec, "/api/doc", "zh_tw", json!("x")),
            path: "api.doc.zh_tw",
            message: "unknown key `zh_tw` in a doc",
            hint: Some("did you mean `zh`?"),
        },
        OneError {
            rule: "a type only takes the keys of its kind",
            edit: |spec| set(spec, "/types/OrderCreated", "item", json!("json")),
            path: "types.OrderCreated.item",
            message: "a `record` type has no `item`",
            hint: None,
        },
        OneError {
            rule: "missing changes lists the choices",
            edit: |spec| remove(spec, "/endpoints/isp_ip_open", "changes"),
            path: "endpoints.isp_ip_open",
            message: "missing key `changes`",
            hint: Some(
                "say what sending it changes: one of `nothing`, `money`, `whitelist`, `settings` (`money` for calls that buy or renew)",
            ),
        },
        OneError {
            rule: "only a call that spends money has orders to reconcile",
            edit: |spec| set(spec, "/endpoints/isp_ip_open", "changes", json!("settings")),
            path: "endpoints.isp_ip_open.orders_in",
            message: "an endpoint that changes the account's settings creates no orders to reconcile",
            hint: Some("remove `orders_in`, or say `changes: money`"),
        },
        OneError {
            rule: "missing idempotent explains the choice",
            edit: |spec| remove(spec, "/endpoints/isp_ip_open", "idempotent"),
            path: "endpoints.isp_ip_open",
            message: "missing key `idempotent`",
            hint: Some(
                "say `true` for calls that are safe to send twice (lists) and `false` for calls that spend money",
            ),
        },
        OneError {
            rule: "fields must be an object keyed by name",
            edit: |spec| {
                set(
                    spec,
                    "/types",
                    "Spare",
                    json!({"kind": "record", "doc": doc(), "fields": []}),
                );
            },
            path: "types.Spare.fields",
            message: "expected fields to be an object keyed by name, found an array",
            hint: None,
        },
        OneError {
            rule: "unsupported method",
            edit: |spec| set(spec, "/endpoints/isp_ip_open", "method", json!("PUT")),
            path: "endpoints.isp_ip_open.method",
            message: "unsupported method `PUT`",
            hint: Some("expected `GET` or `POST`"),
        },
        OneError {
            rule: "unknown encoding",
            edit: |spec| set(spec, "/endpoints/isp_ip_open", "encoding", json!("xml")),
            path: "endpoints.isp_ip_open.encoding",
            message: "unknown encoding `xml`",
            hint: Some("expected one of `multipart`, `form`, `json`"),
        },
        OneError {
            rule: "unknown type kind",
            edit: |spec| {
                set(
                    spec,
                    "/types",
                    "Spare",
                    json!({"kind": "union", "doc": doc()}),
                );
            },
            path: "types.Spare.kind",
            message: "unknown type kind `union`",
            hint: Some("expected `record`, `enum` or `page`"),
        },
        OneError {
            rule: "unknown enum repr",
            edit: |spec| {
                set(
                    spec,
                    "/types",
                    "Spare",
                    json!({"kind": "enum", "repr": "int", "doc": doc(), "values": {"1": {"name": "One", "doc": doc()}}}),
                );
            },
            path: "types.Spare.repr",
            message: "unknown enum repr `int`",
            hint: Some("expected `string` or `integer`"),
        },
        OneError {
            rule: "envelope fields are distinct",
            edit: |spec| set(spec, "/api/envelope", "timestamp", json!("code")),
            path: "api.envelope.timestamp",
            message: "duplicate envelope field `code`",
            hint: None,
        },
        OneError {
            rule: "type name must be upper camel case",
            edit: |spec| {
                set(
                    spec,
                    "/types",
                    "spare_record",
                    json!({"kind": "record", "doc": doc(), "fields": {}}),
                );
            },
            path: "types.spare_record",
            message: "type name `spare_record` is not UpperCamelCase",
            hint: Some("call it `SpareRecord`"),
        },
        OneError {
            rule: "type names reserved for the client",
            edit: |spec| {
                set(
                    spec,
                    "/types",
                    "Client",
                    json!({"kind": "record", "doc": doc(), "fields": {}}),
                );
            },
            path: "types.Client",
            message: "type name `Client` is reserved for the generated client",
            hint: Some("rename the type"),
        },
        OneError {
            rule: "type name colliding with a request type",
            edit: |spec| {
                set(
                    spec,
                    "/types",
                    "IspIpOpenRequest",
                    json!({"kind": "record", "doc": doc(), "fields": {}}),
                );
            },
            path: "types.IspIpOpenRequest",
            message: "type `IspIpOpenRequest` collides with the request type of endpoint `isp_ip_open`",
            hint: Some("rename the type"),
        },
        OneError {
            rule: "empty is only a response type",
            edit: |spec| {
                set(
                    spec,
                    "/types/OrderCreated/fields",
                    "note",
                    json!({"type": "empty", "nullable": true, "doc": doc()}),
                );
            },
            path: "types.OrderCreated.fields.note.type",
            message: "`empty` is only a response type",
            hint: None,
        },
        OneError {
            rule: "enum without values",
            edit: |spec| {
                set(
                    spec,
                    "/types",
                    "Spare",
                    json!({"kind": "enum", "doc": doc(), "values": {}}),
                );
            },
            path: "types.Spare.values",
            message: "enum `Spare` has no values",
            hint: None,
        },
        OneError {
            rule: "duplicate enum variant name",
            edit: |spec| {
                set(
                    spec,
                    "/types/PayStatus/values",
                    "2",
                    json!({"name": "Paid", "doc": doc()}),
                );
            },
            path: "types.PayStatus.values.2",
            message: "duplicate value of enum `PayStatus` `2`",
            hint: Some("it becomes `Paid`, like `1`"),
        },
        OneError {
            rule: "unknown variant is reserved",
            edit: |spec| {
                set(
                    spec,
                    "/types/IspDuration/values",
                    "unknown",
                    json!({"doc": doc()}),
                );
            },
            path: "types.IspDuration.values.unknown",
            message: "variant name `Unknown` is reserved for values this client does not know",
            hint: Some("give the value another `name`"),
        },
        OneError {
            rule: "get endpoints are refused while credentials are form fields",
            edit: |spec| {
                set(
                    spec,
                    "/endpoints/static_ip_open",
                    "path",
                    json!("/api/open/isp_ip_open"),
                );
                set(spec, "/endpoints/static_ip_open", "method", json!("GET"));
            },
            path: "endpoints.static_ip_open.method",
            message: "a `GET` endpoint would send the credentials in the URL",
            hint: Some(
                "credentials are form fields, so endpoints of an API with `auth` are `POST`",
            ),
        },
        OneError {
            rule: "path must start with a slash",
            edit: |spec| {
                set(
                    spec,
                    "/endpoints/isp_ip_open",
                    "path",
                    json!("api/open/isp_ip_open"),
                )
            },
            path: "endpoints.isp_ip_open.path",
            message: "path `api/open/isp_ip_open` does not start with `/`",
            hint: Some("write `/api/open/isp_ip_open`"),
        },
        OneError {
            rule: "field named self is refused",
            edit: |spec| {
                set(
                    spec,
                    "/endpoints/isp_ip_open/request",
                    "self",
                    json!({"type": "string", "doc": doc()}),
                );
            },
            path: "endpoints.isp_ip_open.request.self",
            message: "`self` is a Rust keyword that cannot be a raw identifier",
            hint: None,
        },
        OneError {
            rule: "field name starting with a digit is refused",
            edit: |spec| {
                set(
                    spec,
                    "/types/OrderCreated/fields",
                    "2fast",
                    json!({"type": "string", "nullable": true, "doc": doc()}),
                );
            },
            path: "types.OrderCreated.fields.2fast",
            message: "`2fast` cannot become a Rust identifier: use ASCII letters, digits and `_`, not starting with a digit",
            hint: None,
        },
        OneError {
            rule: "minimum outside the integer type",
            edit: |spec| {
                set(
                    spec,
                    "/endpoints/isp_ip_open/request/num",
                    "minimum",
                    json!(-1),
                )
            },
            path: "endpoints.isp_ip_open.request.num.minimum",
            message: "minimum -1 does not fit in `u32`",
            hint: None,
        },
        OneError {
            rule: "record field example that does not fit its enum",
            edit: |spec| {
                set(
                    spec,
                    "/types/FlowOrder/fields/pay_status",
                    "example",
                    json!(2),
                )
            },
            path: "types.FlowOrder.fields.pay_status.example",
            message: "example does not fit `PayStatus`: `2` is not a value of `PayStatus`; expected one of `0`, `1`",
            hint: None,
        },
        OneError {
            rule: "field example out of bounds",
            edit: |spec| {
                set(
                    spec,
                    "/endpoints/isp_ip_open/request/num",
                    "example",
                    json!(0),
                )
            },
            path: "endpoints.isp_ip_open.request.num.example",
            message: "example is out of bounds: 0 is below the minimum 1",
            hint: None,
        },
        OneError {
            rule: "example request with an unknown field",
            edit: |spec| {
                set(
                    spec,
                    "/endpoints/isp_ip_open/examples/0/request",
                    "remarks",
                    json!("x"),
                )
            },
            path: "endpoints.isp_ip_open.examples[0].request.remarks",
            message: "`remarks` is not a request field of `isp_ip_open`",
            hint: Some("did you mean `remark`?"),
        },
        OneError {
            rule: "paging names a missing field",
            edit: |spec| {
                set(
                    spec,
                    "/endpoints/flow_order_list/paging",
                    "limit",
                    json!("limt"),
                )
            },
            path: "endpoints.flow_order_list.paging.limit",
            message: "paging field `limt` is not a request field of `flow_order_list`",
            hint: Some("did you mean `limit`?"),
        },
        OneError {
            rule: "paging field must be an unsigned integer",
            edit: |spec| {
                set(
                    spec,
                    "/endpoints/flow_order_list/request/page",
                    "type",
                    json!("i64"),
                )
            },
            path: "endpoints.flow_order_list.paging.page",
            message: "paging field `page` must be `u32` or `u64`, not `i64`",
            hint: None,
        },
        OneError {
            rule: "paging field must be optional",
            edit: |spec| {
                set(
                    spec,
                    "/endpoints/flow_order_list/request/limit",
                    "required",
                    json!(true),
                )
            },
            path: "endpoints.flow_order_list.paging.limit",
            message: "paging field `limit` must not be required",
            hint: Some("the page stream sets it"),
        },
        OneError {
            rule: "paging endpoint must return a page",
            edit: |spec| {
                set(
                    spec,
                    "/endpoints/flow_order_list",
                    "response",
                    json!("list<FlowOrder>"),
                );
                remove(spec, "/endpoints/flow_order_list", "examples");
            },
            path: "endpoints.flow_order_list.response",
            message: "a paging endpoint must return a page type, not `list<FlowOrder>`",
            hint: None,
        },
    ]
}

#[test]
fn each_rule_gives_its_one_error() {
    let cases = one_error_cases();
    assert!(cases.len() >= 30, "the table holds the format's rules");
    for case in cases {
        let mut spec = spec();
        (case.edit)(&mut spec);
        let errors = errors(&spec);
        assert_eq!(
            errors.len(),
            1,
            "{}: expected one error, found {errors:#?}",
            case.rule
        );
        let error = &errors[0];
        assert_eq!(
            (
                error.path.as_str(),
                error.message.as_str(),
                error.hint.as_deref()
            ),
            (case.path, case.message, case.hint),
            "{}",
            case.rule
        );
    }
}

#[test]
fn bundled_spec_has_every_vendor_endpoint() {
    let spec = ipidea_spec::bundled();
    let names: Vec<&str> = spec.endpoints.iter().map(|e| e.name.as_str()).collect();
    // (name, changes, pages); the vendor's order, whitelist and balance pages.
    let vendor = [
        ("isp_ip_open", Changes::Money, false),
        ("isp_ip_renew", Changes::Money, false),
        ("isp_order_list", Changes::Nothing, true),
        ("static_ip_open", Changes::Money, false),
        ("static_ip_renew", Changes::Money, false),
        ("datacenter_order_list", Changes::Nothing, true),
        ("flow_order_list", Changes::Nothing, true),
        ("mobile_flow_order_list", Changes::Nothing, true),
        ("white_list", Changes::Nothing, false),
        ("white_add", Changes::Whitelist, false),
        ("white_del", Changes::Whitelist, false),
        ("balance_left", Changes::Nothing, false),
        ("balance_warning_set", Changes::Settings, false),
        ("balance_proxy_account_use_record", Changes::Nothing, false),
        ("balance_use_record", Changes::Nothing, false),
    ];
    // No vendor page: from the evidence in API-NOTES.md, marked so.
    let unverified = [
        ("flow_left", Changes::Nothing),
        ("flow_warning_set", Changes::Settings),
        ("flow_use_record", Changes::Nothing),
        ("flow_proxy_account_use_record", Changes::Nothing),
    ];
    // The extraction API: no vendor page either, from public customer code.
    let extraction = [
        ("get_proxy_ip", "/getProxyIp"),
        ("get_balance_proxy_ip", "/getBalanceProxyIp"),
    ];
    let expected: Vec<&str> = vendor
        .iter()
        .map(|(name, _, _)| *name)
        .chain(unverified.iter().map(|(name, _)| *name))
        .chain(extraction.iter().map(|(name, _)| *name))
        .collect();
    assert_eq!(names, expected);
    for (name, changes, pages) in vendor {
        let endpoint = spec.endpoint(name).expect("the endpoint is in the spec");
        assert_eq!(endpoint.url_path, format!("/api/open/{name}"));
        assert_eq!(endpoint.method, Method::Post, "{name}");
        assert_eq!(endpoint.changes, changes, "{name}");
        assert_eq!(endpoint.idempotent, changes == Changes::Nothing, "{name}");
        assert_eq!(endpoint.paging.is_some(), pages, "{name}");
        assert!(!endpoint.examples.is_empty(), "{name} has an example");
        assert_eq!(endpoint.unverified, None, "{name}");
    }
    for (name, changes) in unverified {
        let endpoint = spec.endpoint(name).expect("the endpoint is in the spec");
        assert_eq!(endpoint.url_path, format!("/api/open/{name}"));
        assert_eq!(endpoint.changes, changes, "{name}");
        assert_eq!(endpoint.idempotent, changes == Changes::Nothing, "{name}");
        let source = endpoint.unverified.as_deref().unwrap_or_default();
        assert!(
            source.contains("Source: pinclr/ipidea-proxy"),
            "{name}: {source}"
        );
        assert!(endpoint.examples.is_empty(), "{name}: no example to invent");
    }
    for (name, path) in extraction {
        let endpoint = spec.endpoint(name).expect("the endpoint is in the spec");
        assert_eq!(
            (endpoint.api.as_str(), endpoint.url_path.as_str()),
            ("extraction", path)
        );
        assert_eq!(endpoint.method, Method::Get, "{name}");
        assert_eq!(endpoint.changes, Changes::Money, "{name}: it may spend");
        assert!(!endpoint.idempotent, "{name}: never retried");
        let source = endpoint.unverified.as_deref().unwrap_or_default();
        assert!(source.contains("public customer code"), "{name}: {source}");
        assert!(endpoint.examples.is_empty(), "{name}: no example to invent");
    }
    let extraction = spec.service("extraction").expect("the extraction API");
    assert!(
        extraction.auth.is_empty(),
        "whitelisted callers, no credentials"
    );
    assert!(extraction.unverified.is_some());
}

#[test]
fn bundled_spec_round_trips() {
    let reparsed = parse(ipidea_spec::BUNDLED_NAME, &text(&spec())).expect("it is valid");
    assert_eq!(reparsed, ipidea_spec::bundled());
}

// Structure: JSON, keys and JSON types.

#[test]
fn invalid_json_is_reported_with_its_line() {
    let errors = errors_of("{\n  \"format\": 1,\n  \"api\": {,\n}\n");
    assert_eq!(errors.len(), 1);
    check(
        &errors[0],
        "",
        "the spec is not valid JSON: key must be a string",
        None,
    );
    assert_eq!(errors[0].line, Some(3));

    let cut = &BUNDLED[..BUNDLED.find("\"endpoints\"").expect("it has endpoints")];
    let errors = errors_of(cut);
    assert_eq!(errors.len(), 1);
    check(
        &errors[0],
        "",
        "the spec is not valid JSON: EOF while parsing a value",
        None,
    );
    assert_eq!(errors[0].line, Some(cut.lines().count()));
}

#[test]
fn duplicate_endpoint_names_both_lines() {
    let text = BUNDLED.replacen("\"isp_ip_renew\": {", "\"isp_ip_open\": {", 1);
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains("\"isp_ip_open\": {"))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 2);
    let errors = errors_of(&text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    check(
        &errors[0],
        "endpoints.isp_ip_open",
        "duplicate key `isp_ip_open`",
        Some(&format!("it is first defined on line {}", lines[0])),
    );
    assert_eq!(errors[0].line, Some(lines[1]));
    let shown = ipidea_spec::parse("test.json", &text)
        .unwrap_err()
        .to_string();
    assert_eq!(
        shown,
        format!(
            "test.json:{}: duplicate key `isp_ip_open` at `endpoints.isp_ip_open`; it is first defined on line {}",
            lines[1], lines[0]
        )
    );
}

#[test]
fn unknown_top_level_key_suggests_the_closest() {
    let mut spec = spec();
    set(&mut spec, "", "endpoint", json!({}));
    let error = only_error(&spec);
    check(
        &error,
        "endpoint",
        "unknown key `endpoint` in the spec",
        Some("did you mean `endpoints`?"),
    );
    assert_eq!(error.line, Some(line_of(&text(&spec), "\"endpoint\": {}")));
}

#[test]
fn unknown_endpoint_key_suggests_the_closest() {
    let mut spec = spec();
    set(&mut spec, "/endpoints/isp_ip_open", "exmaples", json!([]));
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open.exmaples",
        "unknown key `exmaples` in an endpoint",
        Some("did you mean `examples`?"),
    );
    assert_eq!(error.line, Some(line_of(&text(&spec), "\"exmaples\":")));
}

#[test]
fn unknown_request_field_key_suggests_the_closest() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/request/remark",
        "requried",
        json!(true),
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open.request.remark.requried",
        "unknown key `requried` in a request field",
        Some("did you mean `required`?"),
    );
    assert_eq!(error.line, Some(line_of(&text(&spec), "\"requried\":")));
}

#[test]
fn missing_key_is_reported_at_its_object() {
    let mut spec = spec();
    remove(&mut spec, "/endpoints/isp_ip_open", "response");
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open",
        "missing key `response`",
        None,
    );
    assert_eq!(
        error.line,
        Some(line_of(&text(&spec), "\"isp_ip_open\": {"))
    );
}

#[test]
fn an_unknown_changes_value_is_named() {
    let mut spec = spec();
    set(&mut spec, "/endpoints/white_add", "changes", json!("ips"));
    let error = only_error(&spec);
    assert_eq!(error.path, "endpoints.white_add.changes");
    assert_eq!(error.message, "unknown value `ips` of `changes`");
    set(&mut spec, "/endpoints/white_add", "changes", json!(true));
    let error = only_error(&spec);
    assert_eq!(error.message, "expected a string, found a boolean");
}

#[test]
fn changes_and_idempotent_agree() {
    // A lookup is idempotent; a call that spends money is not.
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open",
        "idempotent",
        json!(true),
    );
    set(
        &mut spec,
        "/endpoints/white_list",
        "idempotent",
        json!(false),
    );
    let errors = errors(&spec);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    check(
        error_at(&errors, "endpoints.isp_ip_open.idempotent"),
        "endpoints.isp_ip_open.idempotent",
        "an endpoint that spends money is not idempotent: sent twice, it spends twice",
        Some("say `idempotent: false`"),
    );
    check(
        error_at(&errors, "endpoints.white_list.idempotent"),
        "endpoints.white_list.idempotent",
        "an endpoint that changes nothing is idempotent",
        Some("say `idempotent: true`, or say in `changes` what it changes"),
    );
    // A whitelist or settings call may be either.
    let mut spec = common::spec();
    set(&mut spec, "/endpoints/white_add", "idempotent", json!(true));
    set(
        &mut spec,
        "/endpoints/balance_warning_set",
        "idempotent",
        json!(true),
    );
    assert!(parse("test.json", &text(&spec)).is_ok());
}

#[test]
fn utc_offset_is_an_offset_from_utc() {
    let mut spec = spec();
    set(&mut spec, "/api", "utc_offset", json!("UTC+8"));
    let error = only_error(&spec);
    check(
        &error,
        "api.utc_offset",
        "`UTC+8` is not an offset from UTC such as `+08:00`",
        Some("the offset of the API's clock: its days start at midnight there"),
    );
    remove(&mut spec, "/api", "utc_offset");
    assert_eq!(only_error(&spec).message, "missing key `utc_offset`");
    assert_eq!(
        ipidea_spec::bundled().api.utc_offset,
        ipidea_spec::UtcOffset::from_seconds(8 * 3600).unwrap()
    );
}

#[test]
fn missing_english_doc() {
    let mut spec = spec();
    remove(&mut spec, "/types/OrderCreated/doc", "en");
    let error = only_error(&spec);
    check(&error, "types.OrderCreated.doc", "missing key `en`", None);
}

#[test]
fn empty_doc() {
    let mut spec = spec();
    set(&mut spec, "/types/OrderCreated/doc", "en", json!("  "));
    let error = only_error(&spec);
    check(&error, "types.OrderCreated.doc.en", "empty doc", None);
}

#[test]
fn wrong_json_type() {
    let mut spec = spec();
    set(&mut spec, "/endpoints/isp_ip_open", "path", json!(1));
    set(
        &mut spec,
        "/endpoints/isp_ip_open",
        "idempotent",
        json!("no"),
    );
    let errors = errors(&spec);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    check(
        error_at(&errors, "endpoints.isp_ip_open.path"),
        "endpoints.isp_ip_open.path",
        "expected a string, found a number",
        None,
    );
    check(
        error_at(&errors, "endpoints.isp_ip_open.idempotent"),
        "endpoints.isp_ip_open.idempotent",
        "expected `true` or `false`, found a string",
        None,
    );
}

#[test]
fn unsupported_format() {
    let mut spec = spec();
    set(&mut spec, "", "format", json!(2));
    let error = only_error(&spec);
    check(
        &error,
        "format",
        "unsupported spec format",
        Some("this version reads format 1"),
    );
    assert_eq!(error.line, Some(3));
}

#[test]
fn malformed_type_expression() {
    let mut spec = spec();
    set(
        &mut spec,
        "/types",
        "SparePage",
        json!({"kind": "page", "item": "list<FlowOrder", "doc": doc()}),
    );
    let error = only_error(&spec);
    check(
        &error,
        "types.SparePage.item",
        "`list<FlowOrder` is missing its closing `>`",
        Some("write `string`, `csv<ip>`, `list<T>` or a type name"),
    );

    let mut spec = self::spec();
    set(
        &mut spec,
        "/types/OrderCreated/fields",
        "note",
        json!({"type": "order id", "nullable": true, "doc": doc()}),
    );
    let error = only_error(&spec);
    check(
        &error,
        "types.OrderCreated.fields.note.type",
        "`order id` is not a type expression",
        Some("write `string`, `csv<ip>`, `list<T>` or a type name"),
    );
}

#[test]
fn examples_must_be_an_array_of_objects() {
    let mut spec = spec();
    set(&mut spec, "/endpoints/isp_ip_open", "examples", json!({}));
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open.examples",
        "expected `examples` to be an array, found an object",
        None,
    );

    let mut spec = self::spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/examples/0",
        "request",
        json!("region=hk"),
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open.examples[0].request",
        "expected the example request to be an object, found a string",
        None,
    );
}

#[test]
fn bounds_must_be_integers() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/request/num",
        "minimum",
        json!(0.5),
    );
    set(
        &mut spec,
        "/endpoints/isp_ip_open/request/region",
        "min_length",
        json!(-1),
    );
    let errors = errors(&spec);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    check(
        &errors[0],
        "endpoints.isp_ip_open.request.region.min_length",
        "expected a count of zero or more, found a number",
        None,
    );
    check(
        &errors[1],
        "endpoints.isp_ip_open.request.num.minimum",
        "expected an integer, found a number",
        None,
    );
}

// The API.

#[test]
fn the_apis_beside_the_main_one_are_checked_at_their_paths() {
    // An endpoint names an API the spec does not have.
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/get_proxy_ip",
        "api",
        json!("extract"),
    );
    check(
        &only_error(&spec),
        "endpoints.get_proxy_ip.api",
        "unknown API `extract`",
        Some("did you mean `extraction`?"),
    );

    // Credentials in clear text.
    let mut spec = self::spec();
    set(
        &mut spec,
        "/apis/extraction/auth",
        "key",
        json!({"env": "IPIDEA_KEY", "secret": true, "doc": {"en": "A key."}}),
    );
    let found = errors(&spec);
    check(
        &found[0],
        "apis.extraction.base_url",
        "`http://api.proxy.ipidea.io` is plain http, but the API sends credentials",
        Some("use https, so that the credentials do not cross the network in clear"),
    );

    // A refusal kind outside the vocabulary, and one with no text.
    let mut spec = self::spec();
    set(
        &mut spec,
        "/apis/extraction/refusals",
        "rate-limited",
        json!({"message": "慢", "doc": {"en": "Too fast."}}),
    );
    check(
        &only_error(&spec),
        "apis.extraction.refusals.rate-limited",
        "unknown refusal kind `rate-limited` (expected not-whitelisted, traffic-exhausted)",
        None,
    );
    let mut spec = self::spec();
    set(
        &mut spec,
        "/apis/extraction/refusals/not-whitelisted",
        "message",
        json!(" "),
    );
    check(
        &only_error(&spec),
        "apis.extraction.refusals.not-whitelisted.message",
        "empty refusal text",
        Some("write text that the refusal's message contains, and only its message"),
    );

    // A request field named like a field the API always sends.
    let mut spec = self::spec();
    set(
        &mut spec,
        "/endpoints/get_proxy_ip/request",
        "return_type",
        json!({"type": "string", "doc": {"en": "Twice."}}),
    );
    check(
        &only_error(&spec),
        "endpoints.get_proxy_ip.request.return_type",
        "field name `return_type` is taken",
        Some(
            "it is a credential, a fixed field of the API, or the name of the generated field that keeps unknown fields",
        ),
    );

    // An endpoint of an API with no default method must say its own.
    let mut spec = self::spec();
    spec["apis"]["extraction"]
        .as_object_mut()
        .unwrap()
        .remove("method");
    let errors = errors(&spec);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    check(
        &errors[0],
        "endpoints.get_proxy_ip",
        "missing key `method`",
        None,
    );
}

#[test]
fn a_spec_of_one_api_keeps_working() {
    // The format before `apis`: no other API, and an envelope with every part.
    let mut spec = spec();
    let root = spec.as_object_mut().unwrap();
    root.remove("apis");
    let endpoints = root["endpoints"].as_object_mut().unwrap();
    endpoints.remove("get_proxy_ip");
    endpoints.remove("get_balance_proxy_ip");
    let api = root["api"].as_object_mut().unwrap();
    api.remove("base_url_env");
    let parsed = parse("one-api.json", &text(&spec)).expect("a spec of one API is valid");
    assert_eq!(parsed.apis.len(), 1);
    assert!(parsed.endpoints.iter().all(|e| e.api == "ipidea"));
    // An envelope may leave out the code and the timestamp.
    let mut spec = self::spec();
    let envelope = spec["apis"]["extraction"]["envelope"]
        .as_object_mut()
        .unwrap();
    assert!(!envelope.contains_key("code") && !envelope.contains_key("timestamp"));
    envelope.remove("flag");
    assert!(parse("no-flag.json", &text(&spec)).is_ok());
}

#[test]
fn bad_base_url() {
    let mut spec = spec();
    set(&mut spec, "/api", "base_url", json!("api.ipidea.net"));
    let error = only_error(&spec);
    check(
        &error,
        "api.base_url",
        "`api.ipidea.net` is not an http(s) URL",
        Some("write it like `https://api.ipidea.net`"),
    );
    assert_eq!(error.line, Some(11));
}

#[test]
fn bad_date_format() {
    let mut spec = spec();
    set(&mut spec, "/api", "date_format", json!("%Q"));
    let error = only_error(&spec);
    check(
        &error,
        "api.date_format",
        "`%Q` is not a date format",
        Some("write a strftime pattern such as `%Y-%-m-%-d`"),
    );
    assert_eq!(error.line, Some(14));

    let mut spec = self::spec();
    set(&mut spec, "/api", "date_format", json!(""));
    let error = only_error(&spec);
    check(
        &error,
        "api.date_format",
        "`` is not a date format",
        Some("write a strftime pattern such as `%Y-%-m-%-d`"),
    );
}

#[test]
fn date_format_that_cannot_be_read_back() {
    let mut spec = spec();
    set(&mut spec, "/api", "date_format", json!("%Y"));
    let error = only_error(&spec);
    check(
        &error,
        "api.date_format",
        "dates written as `%Y` cannot be read back",
        Some("use the year, month and day once each (`%Y`, `%m`, `%d`, `%-m`, `%-d`)"),
    );
    set(&mut spec, "/api", "date_format", json!("%d/%m/%Y %d"));
    assert_eq!(
        only_error(&spec).message,
        "dates written as `%d/%m/%Y %d` cannot be read back"
    );
}

#[test]
fn date_format_with_a_time_field() {
    let mut spec = spec();
    set(&mut spec, "/api", "date_format", json!("%Y-%m-%d %H:%M"));
    let error = only_error(&spec);
    assert_eq!(error.path, "api.date_format");
    assert_eq!(error.message, "`%Y-%m-%d %H:%M` is not a date format");
}

#[test]
fn auth_field_needs_an_environment_variable() {
    let mut spec = spec();
    set(&mut spec, "/api/auth/uid", "env", json!(""));
    let error = only_error(&spec);
    check(
        &error,
        "api.auth.uid.env",
        "empty environment variable name",
        None,
    );
}

// Types.

#[test]
fn unknown_type_reference_suggests_the_closest_name() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/request/duration",
        "type",
        json!("IspDuraton"),
    );
    let errors = errors(&spec);
    let error = &errors[0];
    check(
        error,
        "endpoints.isp_ip_open.request.duration.type",
        "unknown type `IspDuraton`",
        Some("did you mean `IspDuration`?"),
    );
    let text = text(&spec);
    let line = line_of(&text, "\"type\": \"IspDuraton\"");
    assert_eq!(error.line, Some(line));
    let shown = parse("test.json", &text).unwrap_err().lines().next();
    assert_eq!(
        shown.as_deref(),
        Some(
            format!(
                "test.json:{line}: unknown type `IspDuraton` at `endpoints.isp_ip_open.request.duration.type`; did you mean `IspDuration`?"
            )
            .as_str()
        )
    );
}

#[test]
fn unknown_type_reference_in_a_response_and_a_page() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open",
        "response",
        json!("Order"),
    );
    remove(&mut spec, "/endpoints/isp_ip_open", "examples");
    set(
        &mut spec,
        "/types/FlowOrderPage",
        "item",
        json!("FlowOrders"),
    );
    remove(&mut spec, "/endpoints/flow_order_list", "examples");
    remove(&mut spec, "/endpoints/mobile_flow_order_list", "examples");
    let errors = errors(&spec);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    check(
        &errors[0],
        "types.FlowOrderPage.item",
        "unknown type `FlowOrders`",
        Some("did you mean `FlowOrder`?"),
    );
    check(
        &errors[1],
        "endpoints.isp_ip_open.response",
        "unknown type `Order`",
        Some("did you mean `OrderCreated`?"),
    );
}

#[test]
fn names_the_runtime_takes() {
    // A type, and an endpoint's request type, that `ipidea`'s own items would hide.
    let mut spec = spec();
    let record = json!({"kind": "record", "doc": doc(), "fields": {}});
    set(&mut spec, "/types", "Response", record);
    let mut api = node(&mut spec, "/endpoints/white_list").clone();
    api["path"] = json!("/api/open/api");
    set(&mut spec, "/endpoints", "api", api);
    let errors = errors(&spec);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    check(
        error_at(&errors, "types.Response"),
        "types.Response",
        "type name `Response` is taken by the runtime (`ipidea::Response`)",
        Some("rename the type: the runtime's item would hide it"),
    );
    check(
        error_at(&errors, "endpoints.api"),
        "endpoints.api",
        "endpoint `api` makes the request type `ApiRequest`, which the runtime takes (`ipidea::ApiRequest`)",
        Some("rename the endpoint: the runtime's item would hide its request type"),
    );
}

#[test]
fn page_item_must_be_a_record_or_json() {
    let mut spec = spec();
    set(&mut spec, "/types/IspOrderPage", "item", json!("string"));
    remove(&mut spec, "/endpoints/isp_order_list", "examples");
    let error = only_error(&spec);
    check(
        &error,
        "types.IspOrderPage.item",
        "a page item must be a record or `json`, not `string`",
        None,
    );
}

// Enums.

#[test]
fn empty_enum_value() {
    let mut spec = spec();
    set(
        &mut spec,
        "/types/IspDuration/values",
        "",
        json!({"doc": doc()}),
    );
    let error = only_error(&spec);
    check(
        &error,
        "types.IspDuration.values.",
        "empty value in enum `IspDuration`",
        None,
    );
    assert_eq!(error.line, Some(line_of(&text(&spec), "\"\": {")));
}

#[test]
fn duplicate_enum_value_after_case_conversion() {
    let mut spec = spec();
    set(
        &mut spec,
        "/types/IspDuration/values",
        "Weekly",
        json!({"doc": doc()}),
    );
    let error = only_error(&spec);
    check(
        &error,
        "types.IspDuration.values.Weekly",
        "duplicate value of enum `IspDuration` `Weekly`",
        Some("it becomes `Weekly`, like `weekly`"),
    );
    assert_eq!(error.line, Some(line_of(&text(&spec), "\"Weekly\": {")));
}

#[test]
fn duplicate_enum_value() {
    let text = BUNDLED.replacen("\"monthly\": {", "\"weekly\": {", 1);
    let first = line_of(BUNDLED, "\"weekly\": {");
    let second = line_of(BUNDLED, "\"monthly\": {");
    let errors = errors_of(&text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    check(
        &errors[0],
        "types.IspDuration.values.weekly",
        "duplicate key `weekly`",
        Some(&format!("it is first defined on line {first}")),
    );
    assert_eq!(errors[0].line, Some(second));
}

#[test]
fn enum_value_without_a_variant_name_needs_a_name() {
    let mut spec = spec();
    set(
        &mut spec,
        "/types/PoolTag/values",
        "渠道六",
        json!({"doc": doc()}),
    );
    let error = only_error(&spec);
    assert_eq!(error.path, "types.PoolTag.values.渠道六");
    assert_eq!(
        error.message,
        "`渠道六` cannot become a Rust identifier: use ASCII letters, digits and `_`, not starting with a digit"
    );
    let hint = error.hint.as_deref().unwrap_or_default();
    assert!(
        hint.starts_with("give the value a `name`, such as `\"name\": "),
        "{hint}"
    );
    assert_eq!(error.line, Some(line_of(&text(&spec), "\"渠道六\": {")));

    let mut spec = self::spec();
    set(
        &mut spec,
        "/types/PayStatus/values",
        "2",
        json!({"doc": doc()}),
    );
    let error = only_error(&spec);
    check(
        &error,
        "types.PayStatus.values.2",
        "`2` cannot become a Rust identifier: use ASCII letters, digits and `_`, not starting with a digit",
        Some("give the value a `name`, such as `\"name\": \"Value2\"`"),
    );
}

#[test]
fn enum_variant_name_must_be_upper_camel_case() {
    let mut spec = spec();
    set(
        &mut spec,
        "/types/PoolTag/values/渠道一",
        "name",
        json!("channel_1"),
    );
    let error = only_error(&spec);
    assert_eq!(error.path, "types.PoolTag.values.渠道一.name");
    assert_eq!(
        error.message,
        "variant name `channel_1` is not UpperCamelCase"
    );
}

#[test]
fn integer_enum_with_a_non_integer_value() {
    let mut spec = spec();
    set(
        &mut spec,
        "/types/PayStatus/values",
        "refunded",
        json!({"doc": doc()}),
    );
    let error = only_error(&spec);
    check(
        &error,
        "types.PayStatus.values.refunded",
        "`refunded` is not an integer",
        Some("an enum with `\"repr\": \"integer\"` takes integer values"),
    );
}

// Endpoints and fields: names.

#[test]
fn endpoint_name_must_be_snake_case() {
    let mut spec = spec();
    let mut endpoint = node(&mut spec, "/endpoints/isp_order_list").clone();
    set(&mut endpoint, "", "path", json!("/api/open/IspOrderList2"));
    set(&mut spec, "/endpoints", "IspOrderList2", endpoint);
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.IspOrderList2",
        "endpoint name `IspOrderList2` is not snake_case",
        Some("call it `isp_order_list2`"),
    );
}

#[test]
fn endpoints_colliding_after_case_conversion() {
    let mut spec = spec();
    let mut endpoint = node(&mut spec, "/endpoints/isp_ip_open").clone();
    set(&mut endpoint, "", "path", json!("/api/open/IspIpOpen"));
    set(&mut spec, "/endpoints", "IspIpOpen", endpoint);
    let errors = errors(&spec);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    check(
        &errors[0],
        "endpoints.IspIpOpen",
        "endpoint name `IspIpOpen` is not snake_case",
        Some("call it `isp_ip_open`"),
    );
    check(
        &errors[1],
        "endpoints.IspIpOpen",
        "duplicate endpoint `IspIpOpen`",
        Some("it becomes `isp_ip_open`, like `isp_ip_open`"),
    );
    let line = line_of(&text(&spec), "\"IspIpOpen\": {");
    assert!(errors.iter().all(|e| e.line == Some(line)));
}

#[test]
fn endpoint_colliding_with_a_page_stream() {
    let mut spec = spec();
    let mut endpoint = node(&mut spec, "/endpoints/isp_ip_open").clone();
    set(&mut endpoint, "", "path", json!("/api/open/stream"));
    set(&mut spec, "/endpoints", "flow_order_list_stream", endpoint);
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.flow_order_list_stream",
        "duplicate endpoint `flow_order_list_stream`",
        Some("it becomes `flow_order_list_stream`, like `flow_order_list`"),
    );
}

#[test]
fn endpoints_whose_request_types_collide() {
    let mut spec = spec();
    for (name, path) in [("ipv4_list", "/a"), ("ipv_4_list", "/b")] {
        let mut endpoint = node(&mut spec, "/endpoints/isp_ip_open").clone();
        set(&mut endpoint, "", "path", json!(path));
        set(&mut spec, "/endpoints", name, endpoint);
    }
    // Both become `Ipv4ListRequest`.
    let error = only_error(&spec);
    assert_eq!(error.path, "endpoints.ipv_4_list");
}

#[test]
fn endpoint_names_reserved_for_the_client() {
    let mut spec = spec();
    let mut endpoint = node(&mut spec, "/endpoints/isp_ip_open").clone();
    set(&mut endpoint, "", "path", json!("/api/open/send"));
    set(&mut spec, "/endpoints", "send", endpoint);
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.send",
        "endpoint name `send` is reserved for the generated client",
        None,
    );
}

#[test]
fn duplicate_path() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/static_ip_open",
        "path",
        json!("/api/open/isp_ip_open/"),
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.static_ip_open.path",
        "duplicate path `POST /api/open/isp_ip_open`",
        None,
    );
    assert_eq!(
        error.line,
        Some(line_of(
            &text(&spec),
            "\"path\": \"/api/open/isp_ip_open/\""
        ))
    );
}

#[test]
fn duplicate_request_field_after_case_conversion() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/request",
        "Remark",
        json!({"type": "string", "doc": doc()}),
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open.request.Remark",
        "duplicate field `Remark`",
        Some("it becomes `remark`, like `remark`"),
    );
    assert_eq!(error.line, Some(line_of(&text(&spec), "\"Remark\": {")));
}

#[test]
fn keyword_field_names_become_raw_identifiers() {
    let mut spec = spec();
    for name in ["type", "match", "async"] {
        set(
            &mut spec,
            "/endpoints/isp_ip_open/request",
            name,
            json!({"type": "string", "doc": doc()}),
        );
        set(
            &mut spec,
            "/types/OrderCreated/fields",
            name,
            json!({"type": "string", "nullable": true, "doc": doc()}),
        );
    }
    let spec = parse("test.json", &text(&spec)).expect("keywords are accepted");
    let endpoint = spec.endpoint("isp_ip_open").expect("it is there");
    assert!(endpoint.request.iter().any(|f| f.name == "type"));
}

#[test]
fn field_name_that_becomes_a_forbidden_identifier() {
    for name in ["Super", "SELF", "__"] {
        let mut spec = spec();
        set(
            &mut spec,
            "/endpoints/isp_ip_open/request",
            name,
            json!({"type": "string", "doc": doc()}),
        );
        let error = only_error(&spec);
        assert_eq!(error.path, format!("endpoints.isp_ip_open.request.{name}"));
    }
}

#[test]
fn field_names_taken_by_credentials_and_unknown_fields() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/request",
        "appkey",
        json!({"type": "string", "doc": doc()}),
    );
    set(
        &mut spec,
        "/types/OrderCreated/fields",
        "extra",
        json!({"type": "json", "nullable": true, "doc": doc()}),
    );
    let errors = errors(&spec);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    let hint = Some(
        "it is a credential, a fixed field of the API, or the name of the generated field that keeps unknown fields",
    );
    check(
        &errors[0],
        "types.OrderCreated.fields.extra",
        "field name `extra` is taken",
        hint,
    );
    check(
        &errors[1],
        "endpoints.isp_ip_open.request.appkey",
        "field name `appkey` is taken",
        hint,
    );
}

// Request fields: types and bounds.

#[test]
fn request_field_cannot_be_a_json_list() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_renew/request/renew_ip_list",
        "type",
        json!("list<ip>"),
    );
    let errors = errors(&spec);
    check(
        error_at(&errors, "endpoints.isp_ip_renew.request.renew_ip_list.type"),
        "endpoints.isp_ip_renew.request.renew_ip_list.type",
        "a request field cannot be `list<ip>`",
        Some("request fields are scalars, enums or `csv<T>` lists of them"),
    );
}

#[test]
fn bounds_on_the_wrong_type() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/request/region",
        "minimum",
        json!(7),
    );
    set(
        &mut spec,
        "/endpoints/isp_ip_open/request/num",
        "max_items",
        json!(10),
    );
    set(
        &mut spec,
        "/endpoints/isp_ip_renew/request/renew_ip_list",
        "max_length",
        json!(100),
    );
    let errors = errors(&spec);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    check(
        &errors[0],
        "endpoints.isp_ip_open.request.region.minimum",
        "`minimum` applies to integers, not `string`",
        None,
    );
    check(
        &errors[1],
        "endpoints.isp_ip_open.request.num.max_items",
        "`max_items` applies to `csv<T>` lists, not `u32`",
        None,
    );
    check(
        &errors[2],
        "endpoints.isp_ip_renew.request.renew_ip_list.max_length",
        "`max_length` applies to strings, not `csv<ip>`",
        None,
    );
    let text = text(&spec);
    assert_eq!(errors[0].line, Some(line_of(&text, "\"minimum\": 7")));
    assert_eq!(errors[1].line, Some(line_of(&text, "\"max_items\": 10")));
}

#[test]
fn minimum_above_maximum() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/request/region",
        "max_length",
        json!(0),
    );
    let errors = errors(&spec);
    check(
        error_at(&errors, "endpoints.isp_ip_open.request.region.min_length"),
        "endpoints.isp_ip_open.request.region.min_length",
        "`min_length` 1 is above the maximum 0",
        None,
    );

    let mut spec = self::spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/request/num",
        "maximum",
        json!(0),
    );
    let errors = self::errors(&spec);
    check(
        error_at(&errors, "endpoints.isp_ip_open.request.num.minimum"),
        "endpoints.isp_ip_open.request.num.minimum",
        "`minimum` 1 is above the maximum 0",
        None,
    );
}

#[test]
fn maximum_outside_the_integer_type() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/request/num",
        "maximum",
        json!(5_000_000_000_i64),
    );
    let error = only_error(&spec);
    assert_eq!(error.path, "endpoints.isp_ip_open.request.num.maximum");
}

// Examples.

#[test]
fn field_example_that_does_not_fit_its_type() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/request/num",
        "example",
        json!("many"),
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open.request.num.example",
        "example does not fit `u32`: expected an integer, found `\"many\"`",
        None,
    );
    assert_eq!(
        error.line,
        Some(line_of(&text(&spec), "\"example\": \"many\""))
    );

    let mut spec = self::spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_renew/request/renew_ip_list",
        "example",
        json!("156.237.6.97,156.237.6"),
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_renew.request.renew_ip_list.example",
        "example does not fit `csv<ip>`: item 1 of the `,`-joined list: expected `ip`, found `\"156.237.6\"`",
        None,
    );
}

#[test]
fn example_response_data_that_does_not_fit() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/flow_order_list/examples/0/response/ret_data/data/0",
        "pay_status",
        json!(2),
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.flow_order_list.examples[0].response.ret_data",
        "example data does not fit `FlowOrderPage`: item 0: field `pay_status`: `2` is not a value of `PayStatus`; expected one of `0`, `1`",
        None,
    );

    let mut spec = self::spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/examples/0/response",
        "ret_data",
        json!({"orderid": "1"}),
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open.examples[0].response.ret_data",
        "example data does not fit `OrderCreated`: missing field `order_id` of `OrderCreated`",
        None,
    );
    assert_eq!(error.line, Some(line_of(&text(&spec), "\"orderid\"") - 1));
}

#[test]
fn example_response_must_be_an_envelope() {
    let mut spec = spec();
    remove(
        &mut spec,
        "/endpoints/isp_ip_open/examples/0/response",
        "ret",
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open.examples[0].response",
        "example response lacks the status field `ret`",
        None,
    );

    let mut spec = self::spec();
    remove(
        &mut spec,
        "/endpoints/isp_ip_open/examples/0/response",
        "ret_data",
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open.examples[0].response",
        "example response lacks the data field `ret_data`",
        None,
    );
}

#[test]
fn refused_example_response_needs_no_data() {
    let mut spec = spec();
    let response = node(&mut spec, "/endpoints/isp_ip_open/examples/0/response");
    *response = json!({"ret": 1, "code": "-1", "msg": "余额不足", "timestamp": 1695195894});
    assert!(parse("test.json", &text(&spec)).is_ok());
}

#[test]
fn example_request_missing_a_required_field() {
    let mut spec = spec();
    remove(
        &mut spec,
        "/endpoints/isp_ip_open/examples/0/request",
        "region",
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open.examples[0].request",
        "example request lacks the required field `region`",
        None,
    );
    let text = text(&spec);
    assert_eq!(
        error.line,
        Some(line_after(&text, "\"isp_ip_open\": {", "\"examples\": [") + 2)
    );
}

#[test]
fn example_request_value_that_does_not_fit() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/examples/0/request",
        "duration",
        json!("week"),
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open.examples[0].request.duration",
        "example value does not fit `IspDuration`: `week` is not a value of `IspDuration`; expected one of `weekly`, `monthly`, `quarterly`",
        None,
    );
}

// Paging.

#[test]
fn paging_endpoint_without_its_page_field() {
    let mut spec = spec();
    remove(&mut spec, "/endpoints/flow_order_list/request", "page");
    remove(
        &mut spec,
        "/endpoints/flow_order_list/examples/0/request",
        "page",
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.flow_order_list.paging.page",
        "paging field `page` is not a request field of `flow_order_list`",
        None,
    );
    let text = text(&spec);
    assert_eq!(
        error.line,
        Some(line_after(
            &text,
            "\"flow_order_list\": {",
            "\"page\": \"page\""
        ))
    );
}

#[test]
fn page_returning_endpoint_needs_paging() {
    let mut spec = spec();
    remove(&mut spec, "/endpoints/flow_order_list", "paging");
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.flow_order_list",
        "endpoint `flow_order_list` returns a page but has no `paging`",
        Some("add `\"paging\": {\"page\": \"page\", \"limit\": \"limit\"}`"),
    );
    assert_eq!(
        error.line,
        Some(line_of(&text(&spec), "\"flow_order_list\": {"))
    );
}

// All at once.

#[test]
fn every_mistake_is_reported_at_once_in_line_order() {
    let mut spec = spec();
    // Found first (the top-level object is read first) but on the last line.
    set(&mut spec, "", "typo", json!(1));
    set(&mut spec, "/api", "base_url", json!("api.ipidea.net"));
    set(
        &mut spec,
        "/types/PayStatus/values",
        "refunded",
        json!({"doc": doc()}),
    );
    set(
        &mut spec,
        "/endpoints/static_ip_open",
        "method",
        json!("PUT"),
    );
    set(
        &mut spec,
        "/endpoints/flow_order_list/request/limit",
        "max_length",
        json!(10),
    );
    set(
        &mut spec,
        "/endpoints/mobile_flow_order_list",
        "exmaples",
        json!([]),
    );
    let text = text(&spec);
    let diagnostics = parse("test.json", &text).unwrap_err();
    let found: Vec<(&str, &str)> = diagnostics
        .errors
        .iter()
        .map(|e| (e.path.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("api.base_url", "`api.ipidea.net` is not an http(s) URL"),
            (
                "types.PayStatus.values.refunded",
                "`refunded` is not an integer"
            ),
            (
                "endpoints.static_ip_open.method",
                "unsupported method `PUT`"
            ),
            (
                "endpoints.flow_order_list.request.limit.max_length",
                "`max_length` applies to strings, not `u32`"
            ),
            (
                "endpoints.mobile_flow_order_list.exmaples",
                "unknown key `exmaples` in an endpoint"
            ),
            ("typo", "unknown key `typo` in the spec"),
        ]
    );
    let lines: Vec<usize> = diagnostics
        .errors
        .iter()
        .map(|e| e.line.expect("every error has a line"))
        .collect();
    assert!(lines.is_sorted(), "{lines:?}");
    assert_eq!(lines[0], 11);
    assert_eq!(lines[5], text.lines().count() - 1);
    assert_eq!(diagnostics.to_string().lines().count(), 6);
}

#[test]
fn a_broken_api_does_not_hide_the_other_errors() {
    let mut spec = spec();
    spec["api"].as_object_mut().unwrap().remove("title");
    set(
        &mut spec,
        "/endpoints/isp_ip_open/request/duration",
        "type",
        json!("IspDuraton"),
    );
    let errors = parse("test.json", &text(&spec)).unwrap_err().errors;
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert!(messages.contains(&"missing key `title`"), "{messages:?}");
    assert!(
        messages.contains(&"unknown type `IspDuraton`"),
        "{messages:?}"
    );
}

#[test]
fn integer_enum_values_equal_as_numbers_collide() {
    let mut spec = spec();
    set(
        &mut spec,
        "/types/PayStatus/values",
        "01",
        json!({"name": "AlsoPaid", "doc": doc()}),
    );
    let error = only_error(&spec);
    assert_eq!(error.path, "types.PayStatus.values.01");
    assert_eq!(
        error.message,
        "duplicate integer value of enum `PayStatus` `01`"
    );
}

#[test]
fn endpoints_named_like_client_methods_are_refused() {
    let mut spec = spec();
    let endpoint = spec["endpoints"]["isp_ip_open"].clone();
    set(&mut spec, "/endpoints", "with_timeout", endpoint);
    set(
        &mut spec,
        "/endpoints/with_timeout",
        "path",
        json!("/api/open/with_timeout"),
    );
    let error = only_error(&spec);
    assert_eq!(
        error.message,
        "endpoint name `with_timeout` is reserved for the generated client"
    );
}

#[test]
fn an_optional_field_named_new_is_refused() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/request",
        "new",
        json!({"type": "bool", "doc": doc()}),
    );
    let error = only_error(&spec);
    assert_eq!(error.path, "endpoints.isp_ip_open.request.new");
    assert!(
        error
            .message
            .contains("collides with the request's constructor `new`"),
        "{}",
        error.message
    );
}

#[test]
fn orders_in_names_a_paging_list_and_its_date_field() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_ip_open/orders_in",
        "endpoint",
        json!("isp_order_lst"),
    );
    set(
        &mut spec,
        "/endpoints/static_ip_open/orders_in",
        "since",
        json!("limit"),
    );
    set(
        &mut spec,
        "/endpoints/isp_order_list",
        "orders_in",
        json!({"endpoint": "isp_order_list", "since": "end_time"}),
    );
    let errors = parse("test.json", &text(&spec)).unwrap_err().errors;
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("unknown endpoint `isp_order_lst`")
                && m.contains("did you mean `isp_order_list`?"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`limit` must be an optional `date` field"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("an endpoint that changes nothing creates no orders to reconcile"))
    );
}

// Unverified endpoints.

#[test]
fn unverified_is_a_non_empty_string() {
    let mut spec = spec();
    let source = "No vendor page. Source: a client whose CI called the live API.";
    set(
        &mut spec,
        "/endpoints/isp_ip_open",
        "unverified",
        json!(source),
    );
    let loaded = parse("test.json", &text(&spec)).expect("it is valid");
    let endpoint = loaded
        .endpoint("isp_ip_open")
        .expect("the endpoint is there");
    assert_eq!(endpoint.unverified.as_deref(), Some(source));

    set(
        &mut spec,
        "/endpoints/isp_ip_open",
        "unverified",
        json!(" "),
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open.unverified",
        "empty doc",
        Some("name the source of the endpoint, or remove `unverified`"),
    );
    assert_eq!(
        error.line,
        Some(line_of(&text(&spec), "\"unverified\": \" \""))
    );

    set(
        &mut spec,
        "/endpoints/isp_ip_open",
        "unverified",
        json!(true),
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open.unverified",
        "expected a string, found a boolean",
        None,
    );

    let mut spec = self::spec();
    set(&mut spec, "/endpoints/isp_ip_open", "unverifed", json!("x"));
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.isp_ip_open.unverifed",
        "unknown key `unverifed` in an endpoint",
        Some("did you mean `unverified`?"),
    );
}

// Ordered request fields.

#[test]
fn not_before_names_another_request_field_of_the_same_ordered_type() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/isp_order_list/request/end_time",
        "not_before",
        json!("start_tme"),
    );
    set(
        &mut spec,
        "/endpoints/datacenter_order_list/request/end_time",
        "not_before",
        json!("end_time"),
    );
    set(
        &mut spec,
        "/endpoints/flow_order_list/request/page",
        "not_before",
        json!("start_time"),
    );
    set(
        &mut spec,
        "/endpoints/mobile_flow_order_list/request/order_id",
        "not_before",
        json!("start_time"),
    );
    let errors = errors(&spec);
    assert_eq!(errors.len(), 4, "{errors:#?}");
    let path = "endpoints.isp_order_list.request.end_time.not_before";
    check(
        error_at(&errors, path),
        path,
        "`start_tme` is not a request field of `isp_order_list`",
        Some("did you mean `start_time`?"),
    );
    assert_eq!(
        error_at(&errors, path).line,
        Some(line_after(
            &text(&spec),
            "\"isp_order_list\": {",
            "\"not_before\""
        ))
    );
    let path = "endpoints.datacenter_order_list.request.end_time.not_before";
    check(
        error_at(&errors, path),
        path,
        "`end_time` cannot be compared with itself",
        Some("name the request field that starts the range, such as `start_time`"),
    );
    let path = "endpoints.flow_order_list.request.page.not_before";
    check(
        error_at(&errors, path),
        path,
        "`page` is `u32` but `start_time` is `date`",
        Some("`not_before` compares two fields of the same type"),
    );
    let path = "endpoints.mobile_flow_order_list.request.order_id.not_before";
    check(
        error_at(&errors, path),
        path,
        "`not_before` applies to dates, timestamps, integers and decimals, not `string`",
        Some("compare two `date`, `timestamp`, integer or `decimal` fields"),
    );
}

#[test]
fn not_before_is_a_string_of_request_fields_only() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/flow_order_list/request/end_time",
        "not_before",
        json!(1),
    );
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.flow_order_list.request.end_time.not_before",
        "expected a string, found a number",
        None,
    );

    let mut spec = self::spec();
    set(
        &mut spec,
        "/types/OrderCreated/fields/order_id",
        "not_before",
        json!("pay_time"),
    );
    let error = only_error(&spec);
    check(
        &error,
        "types.OrderCreated.fields.order_id.not_before",
        "unknown key `not_before` in a record field",
        Some("a record field allows `type`, `doc`, `example`, `nullable`"),
    );
}

#[test]
fn example_with_the_end_before_the_start() {
    let mut spec = spec();
    set(
        &mut spec,
        "/endpoints/flow_order_list/request/end_time",
        "not_before",
        json!("start_time"),
    );
    let request = "/endpoints/flow_order_list/examples/0/request";
    // The same day, written the spec's way and the ISO way, is in order.
    set(&mut spec, request, "start_time", json!("2022-5-1"));
    set(&mut spec, request, "end_time", json!("2022-05-01"));
    let loaded = parse("test.json", &text(&spec)).expect("it is valid");
    let end_time = loaded
        .endpoint("flow_order_list")
        .expect("it is there")
        .request[2]
        .clone();
    assert_eq!(end_time.name, "end_time");
    assert_eq!(end_time.not_before.as_deref(), Some("start_time"));
    // An example that leaves the start out is not compared.
    set(&mut spec, request, "start_time", json!(""));
    set(&mut spec, request, "end_time", json!("2022-5-1"));
    parse("test.json", &text(&spec)).expect("it is valid");

    set(&mut spec, request, "start_time", json!("2022-5-31"));
    let error = only_error(&spec);
    check(
        &error,
        "endpoints.flow_order_list.examples[0].request.end_time",
        "example `end_time` 2022-5-1 is before `start_time` 2022-5-31",
        Some("`end_time` must not be earlier than `start_time` (its `not_before`)"),
    );
}

// Extending the bundled spec.

#[test]
fn an_extension_adds_to_the_bundled_spec() {
    let text = r#"{
  "format": 1,
  "extends": "ipidea",
  "endpoints": {
    "black_list": {
      "method": "POST",
      "path": "/api/open/black_list",
      "doc": { "en": "The blacklist." },
      "changes": "nothing",
      "idempotent": true,
      "request": {},
      "response": "json"
    }
  }
}"#;
    let spec = parse("mine.json", text).unwrap();
    let bundled = ipidea_spec::bundled();
    assert_eq!(spec.api, bundled.api);
    assert_eq!(spec.types, bundled.types);
    assert_eq!(spec.endpoints.len(), bundled.endpoints.len() + 1);
    assert_eq!(spec.endpoints.last().unwrap().name, "black_list");
    assert_eq!(spec.file, "mine.json");
}

#[test]
fn an_extension_neither_replaces_nor_takes_another_api() {
    let text = r#"{
  "format": 1,
  "extends": "ipidea",
  "api": {},
  "types": {
    "PayStatus": { "kind": "enum", "doc": { "en": "Mine." }, "values": { "x": { "doc": { "en": "X." } } } }
  }
}"#;
    let errors = errors_of(text);
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{messages:#?}");
    check(
        error_at(&errors, "api"),
        "api",
        "a spec that extends another takes its `api`",
        Some("remove `api`, or write a whole spec without `extends`"),
    );
    check(
        error_at(&errors, "types.PayStatus"),
        "types.PayStatus",
        "`PayStatus` is already in the spec `ipidea` extends",
        Some("give it a name of its own: an extension adds, it does not replace"),
    );
    assert_eq!(error_at(&errors, "types.PayStatus").line, Some(6));
    let other = errors_of(r#"{"format": 1, "extends": "other"}"#);
    assert_eq!(other.len(), 1, "{other:#?}");
    assert_eq!(
        other[0].message,
        "`other` is not a spec this version can extend"
    );
}
