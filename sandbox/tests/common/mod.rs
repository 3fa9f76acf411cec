//! Helpers shared by the sandbox's tests: plain HTTP calls with reqwest (not the generated
//! client), in each of the encodings the API reads.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use ipidea_sandbox::Sandbox;
use reqwest::multipart::Form;
use serde_json::Value;

/// The URL of `endpoint` (its name in the spec) on `sandbox`.
pub fn url(sandbox: &Sandbox, endpoint: &str) -> String {
    let path = sandbox
        .spec()
        .endpoint(endpoint)
        .map(|e| e.url_path.clone())
        .unwrap_or_else(|| format!("/api/open/{endpoint}"));
    format!("{}{path}", sandbox.url())
}

/// `fields` as a multipart form.
pub fn form(fields: &[(&str, &str)]) -> Form {
    fields.iter().fold(Form::new(), |form, (name, value)| {
        form.text(name.to_string(), value.to_string())
    })
}

/// Posts `fields` as multipart/form-data with the given credentials; the HTTP response.
pub async fn post_as(
    sandbox: &Sandbox,
    endpoint: &str,
    uid: &str,
    appkey: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut all = vec![("uid", uid), ("appkey", appkey)];
    all.extend_from_slice(fields);
    reqwest::Client::new()
        .post(url(sandbox, endpoint))
        .multipart(form(&all))
        .send()
        .await
        .expect("the sandbox answers")
}

/// Calls `endpoint` as `uid`/`appkey` with multipart fields; the envelope (HTTP 200 asserted).
pub async fn call_as(
    sandbox: &Sandbox,
    endpoint: &str,
    uid: &str,
    appkey: &str,
    fields: &[(&str, &str)],
) -> Value {
    let response = post_as(sandbox, endpoint, uid, appkey, fields).await;
    assert_eq!(response.status(), 200, "{endpoint}");
    response.json().await.expect("a JSON envelope")
}

/// Calls `endpoint` as the sandbox's first account; the envelope.
pub async fn call(sandbox: &Sandbox, endpoint: &str, fields: &[(&str, &str)]) -> Value {
    call_as(sandbox, endpoint, sandbox.uid(), sandbox.appkey(), fields).await
}

/// Asserts a success envelope; its `ret_data`.
pub fn ok(envelope: Value) -> Value {
    assert_eq!(envelope["ret"], 0, "expected success, got {envelope}");
    assert!(envelope["timestamp"].as_i64().is_some(), "{envelope}");
    envelope["ret_data"].clone()
}

/// Asserts a refusal envelope (`ret != 0`, `code` "0", `ret_data` []); its `msg`.
pub fn refused(envelope: Value) -> String {
    assert_ne!(envelope["ret"], 0, "expected a refusal, got {envelope}");
    assert_eq!(envelope["code"], "0", "{envelope}");
    assert_eq!(envelope["ret_data"], serde_json::json!([]), "{envelope}");
    assert!(envelope["timestamp"].as_i64().is_some(), "{envelope}");
    envelope["msg"].as_str().expect("a msg").to_owned()
}

/// Opens `num` ISP IPs in `hk` for the first account; the order id.
pub async fn open_isp(sandbox: &Sandbox, num: &str) -> String {
    let data = ok(call(
        sandbox,
        "isp_ip_open",
        &[("region", "hk"), ("duration", "weekly"), ("num", num)],
    )
    .await);
    data["order_id"].as_str().expect("an order id").to_owned()
}

/// A fresh path in the temp folder.
pub fn temp_path(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    std::env::temp_dir().join(format!(
        "ipidea-sandbox-test-{}-{n}-{name}",
        std::process::id()
    ))
}

/// A flow order in the vendor's shape (the spec's `FlowOrder` example), with its own id,
/// creation time and pay status.
pub fn flow_order(order_id: &str, created_at: i64, pay_status: u8) -> Value {
    let spec = ipidea_sandbox_spec();
    let mut record = spec
        .endpoint("flow_order_list")
        .and_then(|e| e.examples.first())
        .map(|e| e.response["ret_data"]["data"][0].clone())
        .expect("the spec's flow order example");
    record["order_id"] = Value::from(order_id);
    record["created_at"] = Value::from(created_at.to_string());
    record["pay_status"] = Value::from(pay_status);
    record
}

fn ipidea_sandbox_spec() -> ipidea_spec::Spec {
    ipidea_spec::bundled()
}
