//! A vendor page that documents what the spec only guessed: imported over the bundled spec, it
//! types the four traffic endpoints that the spec marks unverified, and everything downstream
//! follows the spec with no code: the expansion has their records, and the sandbox answers the
//! page's records, which fit the new types.

use ipidea_sandbox::Sandbox;
use serde_json::Value;

/// A page written for the tests, in the vendor's format.
const FLOW: &str = include_str!("../../spec-tools/tests/data/flow.txt");

fn merged() -> ipidea_spec::Spec {
    let bundled = ipidea_spec::bundled();
    let json: Value = serde_json::from_str(ipidea_spec::BUNDLED).unwrap();
    let merge = ipidea_spec_tools::import::import_into(FLOW, &bundled, &json).unwrap();
    assert!(merge.conflicts.is_empty(), "{:#?}", merge.conflicts);
    let text = serde_json::to_string_pretty(&merge.spec).unwrap();
    ipidea_spec::parse("merged.json", &text).unwrap()
}

#[test]
fn the_expansion_types_what_the_page_documents() {
    let spec = merged();
    let tokens = ipidea_codegen::expand(&spec, "merged.json").to_string();
    // The records of the page, and the methods that return them.
    assert!(tokens.contains("pub struct FlowUseRecordItem"), "no record");
    assert!(tokens.contains("pub use_flow"), "no field of the page");
    assert!(tokens.contains("pub struct FlowProxyAccountUseRecordItem"));
    let bundled = ipidea_codegen::expand(&ipidea_spec::bundled(), "ipidea.json").to_string();
    assert!(
        !bundled.contains("FlowUseRecordItem"),
        "the bundled spec guessed `json`"
    );
    assert!(bundled.contains("Unverified"), "and said so");
}

/// The data that `sandbox` answers `flow_use_record` for a day's range, as a client sends it.
async fn flow_records(sandbox: &Sandbox) -> Value {
    let response = ipidea::reqwest::Client::new()
        .post(format!("{}/api/open/flow_use_record", sandbox.url()))
        .form(&[
            ("uid", sandbox.uid()),
            ("appkey", sandbox.appkey()),
            ("start_time", "1656518400"),
            ("end_time", "1656604800"),
        ])
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    body["ret_data"].clone()
}

#[tokio::test]
async fn the_sandbox_answers_the_records_the_page_shows() {
    let spec = merged();
    let endpoint = spec.endpoint("flow_use_record").unwrap().clone();
    let sandbox = Sandbox::builder().spec(spec.clone()).start().await.unwrap();
    let data = flow_records(&sandbox).await;
    assert_eq!(data[0]["use_flow"], 52_428_800, "{data}");
    spec.check_value(&endpoint.response, false, &data)
        .expect("the answer fits the page's record type");
    // Under the bundled spec, which types nothing, the sandbox has no records to give.
    let guessing = Sandbox::start().await.unwrap();
    assert_eq!(flow_records(&guessing).await, serde_json::json!([]));
}
