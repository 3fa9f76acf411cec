//! One table ties the three implementations of wire leniency together: the spec's wire check
//! (`Spec::check_value`, which validation, the sandbox, the import and `spec verify` use), the
//! client's decoders (`Lenient`) and the client's drift reports.
//!
//! For every scalar and every JSON sample, a response whose record holds the sample in that
//! scalar's field is decoded over HTTP by a client generated from `specs/leniency.json` (whose
//! `date_format`, `%d.%m.%Y`, is not ISO, so that dates are read in the API's format):
//!
//! - the spec accepts the sample exactly when the client decodes it and reports no coercion;
//!   so a coercion (which the client reports only for a response it decoded) is reported
//!   exactly where the client needed one: a form beyond what the spec accepts;
//! - drift reports nothing but coercions for these samples.

use std::sync::{Arc, Mutex};

use ipidea_spec::{Scalar, TypeRef};
use ipidea_tests::{RecordingServer, Reply};
use serde_json::{Value, json};

mod leniency {
    ipidea::generate!("specs/leniency.json");
}

/// What happened to one sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    spec_accepts: bool,
    client_decodes: bool,
    coercion: bool,
}

fn samples() -> Vec<Value> {
    vec![
        json!(15),
        json!("15"),
        json!(" 15 "),
        json!(15.0),
        json!(1e3),
        json!(-1),
        json!("-1"),
        json!(0),
        json!(1),
        json!("0"),
        json!("1"),
        json!("01"),
        json!(4_294_967_296u64),
        json!(-2_147_483_649i64),
        json!("99999999999999999999"),
        json!(true),
        json!(false),
        json!("true"),
        json!(" false "),
        json!("abc"),
        json!(""),
        json!("0.01"),
        json!(0.01),
        json!("1e2"),
        json!("1."),
        json!(".5"),
        json!("1_000"),
        json!("123456789012345678901234567890"),
        json!(1e30),
        json!("2022-5-1"),
        json!("2022-05-01"),
        json!("2022-13-01"),
        json!("01.05.2022"),
        json!(" 1.5.2022 "),
        json!("32.01.2022"),
        json!("01.05.22"),
        json!("1.2.3.4"),
        json!(" ::1 "),
        json!("us"),
        json!(" US "),
        json!("usa"),
        json!("u1"),
        json!("{\"a\":1}"),
        json!("{nope"),
        json!({"a": 1}),
        json!({}),
        json!([1]),
        json!([]),
    ]
}

#[tokio::test]
async fn the_wire_check_the_decoders_and_drift_agree_on_every_scalar() {
    let spec = ipidea_spec::load(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/leniency.json"))
        .expect("the leniency spec is valid");
    let server = RecordingServer::start().await;
    let kinds = Arc::new(Mutex::new(Vec::new()));
    let heard = Arc::clone(&kinds);
    let client = leniency::Client::builder()
        .credential("key", "k")
        .base_url(server.url())
        .on_drift(move |drift| heard.lock().unwrap().push(drift.kind))
        .build()
        .unwrap();
    let mut disagreements = Vec::new();
    let mut rows = 0;
    for scalar in Scalar::ALL {
        for sample in samples() {
            let body =
                json!({"ret": 0, "code": "1", "msg": "ok", "ret_data": {scalar.name(): sample}});
            server.reply(Reply::json(body.to_string()));
            kinds.lock().unwrap().clear();
            let decoded = client.sample(leniency::SampleRequest::new()).await;
            let found = std::mem::take(&mut *kinds.lock().unwrap());
            let row = Row {
                spec_accepts: spec
                    .check_value(&TypeRef::Scalar(scalar), false, &sample)
                    .is_ok(),
                client_decodes: decoded.is_ok(),
                coercion: found.contains(&ipidea::DriftKind::Coercion),
            };
            assert!(
                found.iter().all(|k| *k == ipidea::DriftKind::Coercion),
                "{scalar:?} {sample}: {found:?}"
            );
            let agrees = row.spec_accepts == (row.client_decodes && !row.coercion);
            if !agrees {
                disagreements.push(format!("{} {sample}: {row:?}", scalar.name()));
            }
            rows += 1;
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {rows} rows disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
