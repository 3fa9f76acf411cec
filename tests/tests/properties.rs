//! Property tests: no input makes the response decoder or the spec loader panic.

use ipidea::{Error, FlowOrderPage, OrderCreated, Response};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Arbitrary JSON, nested a few levels, with the keys the decoders look for mixed in.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("ret".to_owned()),
        Just("ret_data".to_owned()),
        Just("data".to_owned()),
        Just("money".to_owned()),
        Just("created_at".to_owned()),
        Just("order_id".to_owned()),
        Just("pay_status".to_owned()),
        Just("exec_data".to_owned()),
        "[a-z_]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        Just(json!("0.01")),
        Just(json!("1653101538")),
        Just(json!("{\"a\":1}")),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

fn decode<T: ipidea::runtime::Lenient>(body: &[u8]) -> Result<Response<T>, Error> {
    ipidea::__private::decode_body::<T>("flow_order_list", ipidea::__API.main(), body)
}

/// The decoder's two-pass path alone: the reference that the one-pass fast path must agree with.
fn decode_two_pass<T: ipidea::runtime::Lenient>(body: &[u8]) -> Result<Response<T>, Error> {
    ipidea::__private::decode_two_pass::<T>("flow_order_list", ipidea::__API.main(), body)
}

/// The vendor's example page of `flow_order_list`, as the API sends it.
fn example_page() -> Value {
    let spec: Value = serde_json::from_str(ipidea_spec::BUNDLED).unwrap();
    spec["endpoints"]["flow_order_list"]["examples"][0]["response"]["ret_data"].clone()
}

/// `ret_data` values that exercise both decoding paths: the real page, the page with one
/// field changed to arbitrary JSON, an empty `[]`, `null`, and arbitrary JSON.
fn envelope_data() -> impl Strategy<Value = Value> {
    let page = example_page();
    let mutated = (
        prop::collection::vec(0usize..64, 1..5),
        arbitrary_json(),
        Just(page.clone()),
    )
        .prop_map(|(path, replacement, mut page)| {
            replace_at(&mut page, &path, replacement);
            page
        });
    prop_oneof![
        3 => Just(page),
        3 => mutated,
        1 => Just(json!([])),
        1 => Just(Value::Null),
        2 => arbitrary_json(),
    ]
}

/// An envelope's members in any order, some missing, some repeated, some unknown.
fn envelope_members() -> impl Strategy<Value = Vec<(String, Value)>> {
    let ret = prop_oneof![
        4 => Just(json!(0)),
        1 => Just(json!("0")),
        1 => Just(json!(1)),
        1 => Just(json!(-1)),
        1 => Just(json!("x")),
    ];
    let member = prop_oneof![
        ret.prop_map(|v| ("ret".to_owned(), v)),
        envelope_data().prop_map(|v| ("ret_data".to_owned(), v)),
        prop_oneof![Just(json!("1")), Just(json!(1)), Just(Value::Null)]
            .prop_map(|v| ("code".to_owned(), v)),
        prop_oneof![
            Just(json!("success")),
            Just(json!("添加成功!")),
            Just(json!(7))
        ]
        .prop_map(|v| ("msg".to_owned(), v)),
        prop_oneof![
            Just(json!(1653375000)),
            Just(json!("1653375000")),
            Just(json!("soon"))
        ]
        .prop_map(|v| ("timestamp".to_owned(), v)),
        arbitrary_json().prop_map(|v| ("trace_id".to_owned(), v)),
    ];
    prop::collection::vec(member, 0..8)
}

/// The only errors a body can cause: a refusal or a decode error with an excerpt of it.
fn check_outcome<T>(body: &[u8], outcome: Result<Response<T>, Error>) {
    match outcome {
        Ok(_) | Err(Error::Api { .. }) => {}
        Err(Error::Decode { body_excerpt, .. }) => {
            let expected = String::from_utf8_lossy(&body[..body.len().min(512)]).into_owned();
            assert!(
                body_excerpt.starts_with(expected.trim_end_matches('\u{fffd}')),
                "{body_excerpt:?}"
            );
        }
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic_the_decoder(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_outcome(&body, decode::<FlowOrderPage>(&body));
        check_outcome(&body, decode::<OrderCreated>(&body));
    }

    #[test]
    fn arbitrary_json_never_panics_the_decoder(data in arbitrary_json(), ret in prop_oneof![Just(json!(0)), Just(json!("0")), any::<i64>().prop_map(Value::from)]) {
        let body = json!({"ret": ret, "code": "1", "msg": "success", "ret_data": data, "timestamp": 1653375000}).to_string();
        check_outcome(body.as_bytes(), decode::<FlowOrderPage>(body.as_bytes()));
        check_outcome(body.as_bytes(), decode::<OrderCreated>(body.as_bytes()));
        check_outcome(body.as_bytes(), decode::<serde_json::Value>(body.as_bytes()));
    }

    /// The one-pass fast path never changes a result: every envelope, in any member order,
    /// success or refusal, well-formed or not, decodes exactly as the two-pass path decodes it.
    #[test]
    fn the_one_pass_decoder_agrees_with_the_two_pass_decoder(members in envelope_members(), cut in prop::option::of(0usize..4096)) {
        let members: Vec<String> = members
            .iter()
            .map(|(key, value)| format!("{}:{value}", Value::from(key.as_str())))
            .collect();
        let mut body = format!("{{{}}}", members.join(",")).into_bytes();
        if let Some(cut) = cut {
            body.truncate(cut);
        }
        prop_assert_eq!(
            format!("{:?}", decode::<FlowOrderPage>(&body)),
            format!("{:?}", decode_two_pass::<FlowOrderPage>(&body))
        );
        prop_assert_eq!(
            format!("{:?}", decode::<OrderCreated>(&body)),
            format!("{:?}", decode_two_pass::<OrderCreated>(&body))
        );
        prop_assert_eq!(
            format!("{:?}", decode::<ipidea::Empty>(&body)),
            format!("{:?}", decode_two_pass::<ipidea::Empty>(&body))
        );
    }

    #[test]
    fn arbitrary_json_never_panics_the_spec_loader(spec in arbitrary_json()) {
        let text = spec.to_string();
        let _ = ipidea_spec::parse("arbitrary.json", &text);
    }

    #[test]
    fn a_mutated_real_spec_gives_errors_never_a_panic(path in prop::collection::vec(0usize..64, 1..5), replacement in arbitrary_json()) {
        let mut spec: Value = serde_json::from_str(ipidea_spec::BUNDLED).unwrap();
        replace_at(&mut spec, &path, replacement);
        let text = serde_json::to_string_pretty(&spec).unwrap();
        if let Err(errors) = ipidea_spec::parse("mutated.json", &text) {
            prop_assert!(!errors.errors.is_empty());
            for error in &errors.errors {
                prop_assert!(!error.message.is_empty());
            }
        }
    }
}

/// Walks down `path` (child positions, wrapped to the node's size) and replaces the node it
/// reaches.
fn replace_at(node: &mut Value, path: &[usize], replacement: Value) {
    let Some((step, rest)) = path.split_first() else {
        *node = replacement;
        return;
    };
    let child = match node {
        Value::Object(map) if !map.is_empty() => {
            let len = map.len();
            map.values_mut().nth(step % len)
        }
        Value::Array(items) if !items.is_empty() => {
            let len = items.len();
            items.get_mut(step % len)
        }
        _ => None,
    };
    match child {
        Some(child) => replace_at(child, rest, replacement),
        None => *node = replacement,
    }
}
