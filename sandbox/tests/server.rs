//! The HTTP layer and the spec-driven parts: bad requests, endpoints added to the spec, the
//! server's lifetime, and the binary.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::*;
use ipidea_sandbox::{Product, Sandbox};
use serde_json::{Value, json};

/// Asserts an envelope refusal with this HTTP status; its `msg`.
async fn http_refusal(response: reqwest::Response, status: u16) -> String {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.expect("an envelope body");
    refused(body)
}

#[tokio::test]
async fn an_unknown_path_is_404() {
    let sandbox = Sandbox::start().await.unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/api/open/isp_ip_opn", sandbox.url()))
        .multipart(form(&[("uid", "10001"), ("appkey", "sandbox-appkey")]))
        .send()
        .await
        .unwrap();
    let msg = http_refusal(response, 404).await;
    assert!(msg.contains("/api/open/isp_ip_opn"), "{msg}");
}

#[tokio::test]
async fn a_wrong_method_is_405() {
    let sandbox = Sandbox::start().await.unwrap();
    let response = reqwest::Client::new()
        .get(url(&sandbox, "isp_order_list"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "POST");
    let msg = http_refusal(response, 405).await;
    assert!(msg.contains("GET") && msg.contains("POST"), "{msg}");
    // A trailing slash is the same path.
    let response = reqwest::Client::new()
        .post(format!("{}/", url(&sandbox, "isp_order_list")))
        .form(&[("uid", "10001"), ("appkey", "sandbox-appkey")])
        .send()
        .await
        .unwrap();
    ok(response.json().await.unwrap());
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let sandbox = Sandbox::start().await.unwrap();
    let remark = "x".repeat(ipidea_sandbox::MAX_BODY_BYTES + 1);
    let response = reqwest::Client::new()
        .post(url(&sandbox, "isp_ip_open"))
        .form(&[
            ("uid", "10001"),
            ("appkey", "sandbox-appkey"),
            ("region", "hk"),
            ("duration", "weekly"),
            ("num", "1"),
            ("remark", remark.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let msg = http_refusal(response, 413).await;
    assert!(msg.contains("1 MiB"), "{msg}");
    assert!(sandbox.orders("10001", Product::Isp).is_empty());
}

#[tokio::test]
async fn malformed_bodies_are_400() {
    let sandbox = Sandbox::start().await.unwrap();
    let http = reqwest::Client::new();
    let multipart = http
        .post(url(&sandbox, "isp_ip_open"))
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body("--XYZ\r\nthis is not a part")
        .send()
        .await
        .unwrap();
    let msg = http_refusal(multipart, 400).await;
    assert!(msg.starts_with("malformed multipart body"), "{msg}");

    let no_boundary = http
        .post(url(&sandbox, "isp_ip_open"))
        .header("content-type", "multipart/form-data")
        .body("uid=10001")
        .send()
        .await
        .unwrap();
    http_refusal(no_boundary, 400).await;

    let json = http
        .post(url(&sandbox, "isp_ip_open"))
        .header("content-type", "application/json")
        .body(r#"{"uid": "10001", "#)
        .send()
        .await
        .unwrap();
    let msg = http_refusal(json, 400).await;
    assert!(msg.starts_with("malformed JSON body"), "{msg}");

    let array = http
        .post(url(&sandbox, "isp_ip_open"))
        .json(&json!(["uid", "10001"]))
        .send()
        .await
        .unwrap();
    http_refusal(array, 400).await;

    let text = http
        .post(url(&sandbox, "isp_ip_open"))
        .header("content-type", "text/plain")
        .body("uid=10001")
        .send()
        .await
        .unwrap();
    let msg = http_refusal(text, 415).await;
    assert!(msg.contains("text/plain"), "{msg}");

    // The server is still there.
    ok(call(&sandbox, "isp_order_list", &[]).await);
}

/// The bundled spec with two more endpoints: one with an example, and one without.
fn extended_spec() -> ipidea_spec::Spec {
    let mut spec: Value = serde_json::from_str(ipidea_spec::BUNDLED).unwrap();
    let endpoints = spec["endpoints"].as_object_mut().unwrap();
    endpoints.insert(
        "white_add".into(),
        json!({
            "method": "POST",
            "path": "/api/open/white_add",
            "doc": { "en": "Add IPs to the whitelist.", "zh": "添加白名单" },
            "idempotent": false,
            "request": {
                "ips": { "type": "csv<ip>", "required": true, "min_items": 1, "max_items": 5,
                         "doc": { "en": "IPs to add." }, "example": "1.2.3.4" },
                "mark": { "type": "string", "max_length": 10, "doc": { "en": "A note." } }
            },
            "response": "empty",
            "examples": [{
                "request": { "ips": "1.2.3.4" },
                "response": { "ret": 0, "code": "1", "msg": "添加成功", "ret_data": [],
                              "timestamp": 1695195894 }
            }]
        }),
    );
    endpoints.insert(
        "balance".into(),
        json!({
            "method": "POST",
            "path": "/api/open/balance",
            "doc": { "en": "The account balance." },
            "idempotent": true,
            "request": {
                "currency": { "type": "string", "doc": { "en": "Currency." } }
            },
            "response": "OrderCreated"
        }),
    );
    ipidea_spec::parse("extended.json", &spec.to_string()).expect("a valid extended spec")
}

#[tokio::test]
async fn an_endpoint_added_to_the_spec_is_served_with_its_example() {
    let sandbox = Sandbox::builder()
        .spec(extended_spec())
        .start()
        .await
        .unwrap();
    let before = chrono::Utc::now().timestamp();
    let added = call(&sandbox, "white_add", &[("ips", "1.2.3.4,5.6.7.8")]).await;
    assert_eq!(added["ret"], 0);
    assert_eq!(added["msg"], "添加成功");
    assert_eq!(added["ret_data"], json!([]));
    let timestamp = added["timestamp"].as_i64().unwrap();
    assert!(timestamp >= before, "a fresh timestamp, not the example's");
    assert_eq!(sandbox.requests_seen("white_add"), 1);

    // It is validated like any endpoint.
    let msg = refused(call(&sandbox, "white_add", &[]).await);
    assert_eq!(msg, "`ips` is required");
    let msg = refused(call(&sandbox, "white_add", &[("ips", "1.2.3.4,x")]).await);
    assert!(msg.starts_with("`ips` is not a valid `csv<ip>`"), "{msg}");
    let msg = refused(
        call(
            &sandbox,
            "white_add",
            &[("ips", "1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4,5.5.5.5,6.6.6.6")],
        )
        .await,
    );
    assert!(
        msg.starts_with("`ips` must be a list of between 1 and 5 items (6 items, more than 5)"),
        "{msg}"
    );
    let msg = refused(
        call(
            &sandbox,
            "white_add",
            &[("ips", "1.2.3.4"), ("mark", "more than ten")],
        )
        .await,
    );
    assert!(
        msg.starts_with("`mark` must be at most 10 characters long"),
        "{msg}"
    );
    let msg = refused(call_as(&sandbox, "white_add", "10001", "bad", &[("ips", "1.2.3.4")]).await);
    assert!(msg.contains("credentials"), "{msg}");

    // An endpoint without examples: a success envelope around a value of its type.
    let balance = call(&sandbox, "balance", &[("currency", "cny")]).await;
    assert_eq!(balance["ret"], 0, "{balance}");
    assert_eq!(balance["msg"], "success");
    assert_eq!(balance["ret_data"], json!({"order_id": ""}));
    let wrong = reqwest::Client::new()
        .get(url(&sandbox, "balance"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.headers()["allow"], "POST");
    http_refusal(wrong, 405).await;

    // The hand-written endpoints still behave.
    open_isp(&sandbox, "1").await;
    assert_eq!(ok(call(&sandbox, "isp_order_list", &[]).await)["total"], 1);
}

#[tokio::test]
async fn dropping_the_sandbox_stops_the_server() {
    let sandbox = Sandbox::start().await.unwrap();
    let url = url(&sandbox, "isp_order_list");
    ok(call(&sandbox, "isp_order_list", &[]).await);
    drop(sandbox);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let after = reqwest::Client::new()
        .post(&url)
        .form(&[("uid", "10001"), ("appkey", "sandbox-appkey")])
        .send()
        .await;
    assert!(after.is_err(), "{after:?}");
}

/// A child process that is killed when the test ends, even by a panic.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary with `args` and reads the URL from the first line of its stdout.
fn start_binary(args: &[&str]) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ipidea-sandbox"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let running = Running(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the first line");
    let url = line.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "first line: {line:?}");
    (running, url)
}

/// Posts multipart `fields`, credentials included, to `endpoint` of the binary at `base`.
async fn post_to(base: &str, endpoint: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/api/open/{endpoint}"))
        .multipart(form(fields))
        .send()
        .await
        .expect("the binary answers")
}

/// The envelope that the binary at `base` answers a post with.
async fn envelope_at(base: &str, endpoint: &str, fields: &[(&str, &str)]) -> Value {
    post_to(base, endpoint, fields)
        .await
        .json()
        .await
        .expect("a JSON envelope")
}

#[tokio::test]
async fn the_binary_prints_its_url_and_serves() {
    let (_child, base) = start_binary(&["--port", "0"]);
    // The README's curl: curl -F uid=10001 -F appkey=sandbox-appkey -F region=hk
    //   -F duration=weekly -F num=2 $URL/api/open/isp_ip_open
    let opened = envelope_at(
        &base,
        "isp_ip_open",
        &[
            ("uid", "10001"),
            ("appkey", "sandbox-appkey"),
            ("region", "hk"),
            ("duration", "weekly"),
            ("num", "2"),
        ],
    )
    .await;
    let order_id = ok(opened)["order_id"].as_str().unwrap().to_owned();
    let credentials = [("uid", "10001"), ("appkey", "sandbox-appkey")];
    let list = ok(envelope_at(&base, "isp_order_list", &credentials).await);
    assert_eq!(list["total"], 1);
    assert_eq!(list["data"][0]["order_id"], order_id.as_str());
    assert_eq!(list["data"][0]["num"], 2);
}

#[tokio::test]
async fn the_binary_seeds_demo_orders_on_request() {
    let lists = |base: String| async move {
        let credentials = [("uid", "10001"), ("appkey", "sandbox-appkey")];
        let mut totals = Vec::new();
        for endpoint in ["flow_order_list", "mobile_flow_order_list"] {
            let list = envelope_at(&base, endpoint, &credentials).await;
            totals.push(ok(list)["total"].clone());
        }
        totals
    };
    let (_plain, base) = start_binary(&["--port", "0"]);
    assert_eq!(lists(base).await, [json!(0), json!(0)]);
    let (_demo, base) = start_binary(&["--port", "0", "--demo-seed"]);
    assert_eq!(lists(base).await, [json!(3), json!(2)]);
}

#[tokio::test]
async fn the_binary_takes_accounts_seeds_and_faults() {
    let seed = temp_path("binary-seed.json");
    std::fs::write(
        &seed,
        json!({"42": {"flow": [flow_order("2205211052185894", 1_653_101_538, 1)]}}).to_string(),
    )
    .unwrap();
    let (_child, base) = start_binary(&[
        "--uid",
        "42",
        "--appkey",
        "k",
        "--seed",
        seed.to_str().unwrap(),
        "--fault",
        "isp_ip_open=refuse:1001:余额不足",
        "--fault-always",
        "static_ip_open=status:503",
    ]);
    let _ = std::fs::remove_file(&seed);
    let with_credentials = |fields: &[(&'static str, &'static str)]| {
        let mut all = vec![("uid", "42"), ("appkey", "k")];
        all.extend_from_slice(fields);
        all
    };
    let open = with_credentials(&[("region", "hk"), ("duration", "weekly"), ("num", "1")]);
    let first = envelope_at(&base, "isp_ip_open", &open).await;
    assert_eq!(first["ret"], 1001);
    assert_eq!(refused(first), "余额不足");
    let second = envelope_at(&base, "isp_ip_open", &open).await;
    ok(second);
    let dc_open = with_credentials(&[("region", "hk"), ("duration", "week"), ("num", "1")]);
    for _ in 0..2 {
        let dc = post_to(&base, "static_ip_open", &dc_open).await;
        assert_eq!(dc.status(), 503);
    }
    let flow = envelope_at(&base, "flow_order_list", &with_credentials(&[])).await;
    assert_eq!(ok(flow)["data"][0]["order_id"], "2205211052185894");
}

#[test]
fn the_binary_refuses_bad_arguments() {
    for (args, expected) in [
        (
            &["--fault", "isp_ip_opn=drop"][..],
            "unknown endpoint `isp_ip_opn`",
        ),
        (&["--fault", "isp_ip_open=explode"][..], "unknown fault"),
        (
            &["--seed", "/nonexistent/seed.json"][..],
            "cannot read the seed file",
        ),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_ipidea-sandbox"))
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs");
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "no URL when it does not serve");
    }
}
