//! Each injected fault, as a client sees it on the wire.

mod common;

use std::time::{Duration, Instant};

use common::*;
use ipidea_sandbox::{Fault, Product, Sandbox};
use serde_json::Value;

const OPEN: &[(&str, &str)] = &[("region", "hk"), ("duration", "weekly"), ("num", "1")];

/// Sends an `isp_ip_open` as the first account.
async fn send_open(sandbox: &Sandbox) -> Result<reqwest::Response, reqwest::Error> {
    let mut fields = vec![("uid", sandbox.uid()), ("appkey", sandbox.appkey())];
    fields.extend_from_slice(OPEN);
    reqwest::Client::new()
        .post(url(sandbox, "isp_ip_open"))
        .multipart(form(&fields))
        .send()
        .await
}

#[tokio::test]
async fn latency_delays_then_answers_normally() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject("isp_order_list", Fault::Latency(Duration::from_millis(300)));
    let started = Instant::now();
    let page = ok(call(&sandbox, "isp_order_list", &[]).await);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(page["total"], 0);

    // Latency on an open still creates the order.
    sandbox.inject("isp_ip_open", "latency:100ms".parse().unwrap());
    let started = Instant::now();
    open_isp(&sandbox, "1").await;
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(sandbox.orders("10001", Product::Isp).len(), 1);
}

#[tokio::test]
async fn status_answers_with_a_plain_json_error() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject("isp_ip_open", Fault::Status(503));
    let response = send_open(&sandbox).await.unwrap();
    assert_eq!(response.status(), 503);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], 503);
    assert_eq!(body["error"], "Service Unavailable");
    assert!(body.get("ret").is_none(), "not an envelope: {body}");
    // The call did not reach the order logic.
    assert!(sandbox.orders("10001", Product::Isp).is_empty());
}

#[tokio::test]
async fn html_error_is_a_500_page() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject("flow_order_list", Fault::HtmlError);
    let response = post_as(&sandbox, "flow_order_list", "10001", "sandbox-appkey", &[]).await;
    assert_eq!(response.status(), 500);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let text = response.text().await.unwrap();
    assert!(
        text.contains("<h1>500 Internal Server Error</h1>"),
        "{text}"
    );
}

#[tokio::test]
async fn truncated_body_ends_before_its_content_length() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject("isp_ip_open", Fault::Truncated);
    let response = send_open(&sandbox).await.unwrap();
    assert_eq!(response.status(), 200);
    let claimed = response.content_length().expect("a content-length");
    assert!(claimed > 0);
    let body = response.bytes().await;
    assert!(body.is_err(), "the body must not read completely: {body:?}");
    assert!(sandbox.orders("10001", Product::Isp).is_empty());
    assert_eq!(sandbox.requests_seen("isp_ip_open"), 1);
}

#[tokio::test]
async fn drop_closes_without_a_response() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject("isp_ip_open", Fault::Drop);
    let error = send_open(&sandbox).await.unwrap_err();
    assert!(!error.is_timeout(), "{error}");
    assert!(error.status().is_none(), "{error}");
    assert_eq!(sandbox.requests_seen("isp_ip_open"), 1);
    assert!(sandbox.orders("10001", Product::Isp).is_empty());
    // One-shot: the next request is served.
    ok(send_open(&sandbox).await.unwrap().json().await.unwrap());
    assert_eq!(sandbox.orders("10001", Product::Isp).len(), 1);
}

#[tokio::test]
async fn refuse_answers_an_api_refusal() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject("isp_ip_open", "refuse:1001:余额不足".parse().unwrap());
    let response = send_open(&sandbox).await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["ret"], 1001);
    assert_eq!(refused(body), "余额不足");
    assert!(sandbox.orders("10001", Product::Isp).is_empty());
}

#[tokio::test]
async fn commit_then_drop_creates_the_order_but_loses_the_reply() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject("isp_ip_open", Fault::CommitThenDrop);
    let error = send_open(&sandbox).await.unwrap_err();
    assert!(error.status().is_none(), "{error}");
    // The client saw nothing, yet the order exists and is listed.
    let orders = sandbox.orders("10001", Product::Isp);
    assert_eq!(orders.len(), 1);
    let list = ok(call(&sandbox, "isp_order_list", &[]).await);
    assert_eq!(list["total"], 1);
    assert_eq!(list["data"][0]["order_id"], orders[0]["order_id"]);

    // The same for a renew.
    let ip = orders[0]["ips"][0].as_str().unwrap().to_owned();
    sandbox.inject("isp_ip_renew", Fault::CommitThenDrop);
    let renew = reqwest::Client::new()
        .post(url(&sandbox, "isp_ip_renew"))
        .multipart(form(&[
            ("uid", "10001"),
            ("appkey", "sandbox-appkey"),
            ("renew_ip_list", &ip),
            ("duration", "weekly"),
        ]))
        .send()
        .await;
    assert!(renew.is_err());
    let orders = sandbox.orders("10001", Product::Isp);
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[1]["kind"], "renew");
}

#[tokio::test]
async fn one_shot_faults_queue_in_order() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject("isp_ip_open", Fault::Status(502));
    sandbox.inject("isp_ip_open", Fault::Drop);
    sandbox.inject("isp_ip_open", Fault::Status(429));
    assert_eq!(send_open(&sandbox).await.unwrap().status(), 502);
    assert!(send_open(&sandbox).await.is_err());
    assert_eq!(send_open(&sandbox).await.unwrap().status(), 429);
    ok(send_open(&sandbox).await.unwrap().json().await.unwrap());
    // Other endpoints were never affected.
    ok(call(&sandbox, "isp_order_list", &[]).await);
    assert_eq!(sandbox.requests_seen("isp_ip_open"), 4);
    assert_eq!(sandbox.requests_seen("isp_order_list"), 1);
    assert_eq!(sandbox.requests_seen("static_ip_open"), 0);
}

#[tokio::test]
async fn standing_faults_last_until_cleared() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject_always("isp_order_list", Fault::Status(503));
    for _ in 0..3 {
        let response = post_as(&sandbox, "isp_order_list", "10001", "sandbox-appkey", &[]).await;
        assert_eq!(response.status(), 503);
    }
    // A queued one-shot fault plays first.
    sandbox.inject("isp_order_list", Fault::HtmlError);
    let response = post_as(&sandbox, "isp_order_list", "10001", "sandbox-appkey", &[]).await;
    assert_eq!(response.status(), 500);
    let response = post_as(&sandbox, "isp_order_list", "10001", "sandbox-appkey", &[]).await;
    assert_eq!(response.status(), 503);

    sandbox.clear_faults();
    ok(call(&sandbox, "isp_order_list", &[]).await);
    assert_eq!(sandbox.requests_seen("isp_order_list"), 6);
}

#[tokio::test]
async fn connections_are_counted_and_reused() {
    let sandbox = Sandbox::start().await.unwrap();
    assert_eq!(sandbox.connections(), 0);
    let http = reqwest::Client::new();
    for _ in 0..3 {
        let response = http
            .post(url(&sandbox, "isp_order_list"))
            .form(&[("uid", "10001"), ("appkey", "sandbox-appkey")])
            .send()
            .await
            .unwrap();
        ok(response.json().await.unwrap());
    }
    assert_eq!(sandbox.connections(), 1, "keep-alive reuses the connection");
    // A dropped connection forces a new one.
    sandbox.inject("isp_order_list", Fault::Drop);
    let dropped = http
        .post(url(&sandbox, "isp_order_list"))
        .form(&[("uid", "10001"), ("appkey", "sandbox-appkey")])
        .send()
        .await;
    assert!(dropped.is_err());
    let response = http
        .post(url(&sandbox, "isp_order_list"))
        .form(&[("uid", "10001"), ("appkey", "sandbox-appkey")])
        .send()
        .await
        .unwrap();
    ok(response.json().await.unwrap());
    assert_eq!(sandbox.connections(), 2);
    assert_eq!(sandbox.requests_seen("isp_order_list"), 5);
}
