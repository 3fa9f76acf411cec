//! The HTTP layer and the spec-driven parts: bad requests, endpoints added to the spec, the
//! server's lifetime, and the binary.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::*;
use ipidea_sandbox::{DriftApplied, DriftKind, DriftSet, Fault, Product, Sandbox};
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
        "black_add".into(),
        json!({
            "method": "POST",
            "path": "/api/open/black_add",
            "doc": { "en": "Add IPs to a blacklist.", "zh": "添加黑名单" },
            "changes": "settings",
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
            "changes": "nothing",
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
    let added = call(&sandbox, "black_add", &[("ips", "1.2.3.4,5.6.7.8")]).await;
    assert_eq!(added["ret"], 0);
    assert_eq!(added["msg"], "添加成功");
    assert_eq!(added["ret_data"], json!([]));
    let timestamp = added["timestamp"].as_i64().unwrap();
    assert!(timestamp >= before, "a fresh timestamp, not the example's");
    assert_eq!(sandbox.requests_seen("black_add"), 1);

    // It is validated like any endpoint.
    let msg = refused(call(&sandbox, "black_add", &[]).await);
    assert_eq!(msg, "`ips` is required");
    let msg = refused(call(&sandbox, "black_add", &[("ips", "1.2.3.4,x")]).await);
    assert!(msg.starts_with("`ips` is not a valid `csv<ip>`"), "{msg}");
    let msg = refused(
        call(
            &sandbox,
            "black_add",
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
            "black_add",
            &[("ips", "1.2.3.4"), ("mark", "more than ten")],
        )
        .await,
    );
    assert!(
        msg.starts_with("`mark` must be at most 10 characters long"),
        "{msg}"
    );
    let msg = refused(call_as(&sandbox, "black_add", "10001", "bad", &[("ips", "1.2.3.4")]).await);
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
        (&["--balance=-5"][..], "cannot be negative"),
        (&["--balance", "lots"][..], "expected an amount of yuan"),
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

// The account model: whitelist, balance, usage records, traffic.

/// The whitelist as `white_list` answers it: `(mark_ip, updated_at)` in order, and `white`.
async fn white_list(sandbox: &Sandbox) -> (Vec<(String, String)>, Value) {
    let data = ok(call(sandbox, "white_list", &[]).await);
    let entries = data["lists"]
        .as_array()
        .expect("a list of entries")
        .iter()
        .map(|entry| {
            (
                entry["mark_ip"].as_str().expect("mark_ip").to_owned(),
                entry["updated_at"]
                    .as_str()
                    .expect("updated_at, a string")
                    .to_owned(),
            )
        })
        .collect();
    (entries, data["white"].clone())
}

/// The IPs of `sandbox.whitelist(uid)`, as text.
fn listed(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .whitelist(sandbox.uid())
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// `balance_left`, as the JSON number sent.
async fn balance_left(sandbox: &Sandbox) -> Value {
    let data = ok(call(sandbox, "balance_left", &[]).await);
    assert!(data["balance_left"].is_number(), "{data}");
    data["balance_left"].clone()
}

/// Asserts a refusal with this `ret`; its `msg`.
fn refused_with(envelope: Value, ret: i64) -> String {
    assert_eq!(envelope["ret"], ret, "{envelope}");
    refused(envelope)
}

#[tokio::test]
async fn whitelist_add_list_and_del_agree() {
    let sandbox = Sandbox::start().await.unwrap();
    assert_eq!(white_list(&sandbox).await, (vec![], json!(0)));
    let before = chrono::Utc::now().timestamp();
    let added = ok(call(&sandbox, "white_add", &[("white_ips", "1.2.3.4")]).await);
    assert_eq!(added, json!([]));
    // Several IPs joined with `,`, spaces trimmed.
    let added = ok(call(&sandbox, "white_add", &[("white_ips", "5.6.7.8 , 9.9.9.9")]).await);
    assert_eq!(added, json!([]));
    let (entries, white) = white_list(&sandbox).await;
    assert_eq!(white, json!(3));
    let ips: Vec<&str> = entries.iter().map(|(ip, _)| ip.as_str()).collect();
    assert_eq!(ips, ["1.2.3.4", "5.6.7.8", "9.9.9.9"]);
    for (_, updated_at) in &entries {
        let seconds: i64 = updated_at.parse().expect("unix seconds");
        assert!(seconds >= before && seconds <= before + 60, "{updated_at}");
    }
    assert_eq!(listed(&sandbox), ["1.2.3.4", "5.6.7.8", "9.9.9.9"]);

    let deleted = ok(call(&sandbox, "white_del", &[("white_ips", "1.2.3.4,9.9.9.9")]).await);
    assert_eq!(deleted, json!([]));
    let (entries, white) = white_list(&sandbox).await;
    assert_eq!(white, json!(1));
    assert_eq!(entries[0].0, "5.6.7.8");
    assert_eq!(listed(&sandbox), ["5.6.7.8"]);
    assert_eq!(sandbox.requests_seen("white_add"), 2);
}

#[tokio::test]
async fn whitelist_refusals_change_nothing() {
    let seeded: std::net::IpAddr = "1.2.3.4".parse().unwrap();
    let sandbox = Sandbox::builder()
        .whitelist("10001", [seeded])
        .start()
        .await
        .unwrap();
    assert_eq!(listed(&sandbox), ["1.2.3.4"]);
    let (before, _) = white_list(&sandbox).await;

    // Adding an IP already listed: nothing of the call is added, not even the new IP.
    let msg = refused_with(
        call(&sandbox, "white_add", &[("white_ips", "5.6.7.8,1.2.3.4")]).await,
        409,
    );
    assert_eq!(msg, "IP已存在: 1.2.3.4");
    // Deleting an IP not listed: the listed one stays.
    let msg = refused_with(
        call(&sandbox, "white_del", &[("white_ips", "1.2.3.4, 8.8.8.8")]).await,
        403,
    );
    assert_eq!(msg, "IP不存在: 8.8.8.8");
    // A malformed IP or an empty list is refused by the spec's checks first (`white_ips` is a
    // `csv<ip>` of at least one item), like a bad field of any endpoint.
    let msg = refused_with(
        call(&sandbox, "white_add", &[("white_ips", "5.6.7.8,1.2.3")]).await,
        400,
    );
    assert!(
        msg.starts_with("`white_ips` is not a valid `csv<ip>`"),
        "{msg}"
    );
    let msg = refused_with(call(&sandbox, "white_del", &[("white_ips", "")]).await, 400);
    assert_eq!(msg, "`white_ips` is required");
    let msg = refused_with(
        call(&sandbox, "white_add", &[("white_ips", " , ")]).await,
        400,
    );
    assert!(
        msg.starts_with("`white_ips` must be a list of at least 1"),
        "{msg}"
    );

    assert_eq!(white_list(&sandbox).await, (before, json!(1)));
    assert_eq!(listed(&sandbox), ["1.2.3.4"]);
}

#[tokio::test]
async fn whitelist_refusals_in_the_sandbox_own_words() {
    // With `white_ips` a plain string in the spec, the checks of the whitelist itself answer.
    let mut spec: Value = serde_json::from_str(ipidea_spec::BUNDLED).unwrap();
    for endpoint in ["white_add", "white_del"] {
        let field = &mut spec["endpoints"][endpoint]["request"]["white_ips"];
        field["type"] = json!("string");
        field.as_object_mut().unwrap().remove("min_items");
    }
    let spec = ipidea_spec::parse("string-ips.json", &spec.to_string()).unwrap();
    let sandbox = Sandbox::builder().spec(spec).start().await.unwrap();
    ok(call(&sandbox, "white_add", &[("white_ips", "1.2.3.4")]).await);
    let msg = refused_with(
        call(&sandbox, "white_add", &[("white_ips", "5.6.7.8,1.2.3")]).await,
        400,
    );
    assert_eq!(msg, "IP格式错误: 1.2.3");
    let msg = refused_with(
        call(&sandbox, "white_del", &[("white_ips", "1.2.3.4,nope")]).await,
        400,
    );
    assert_eq!(msg, "IP格式错误: nope");
    let msg = refused_with(
        call(&sandbox, "white_del", &[("white_ips", " , ")]).await,
        400,
    );
    assert_eq!(msg, "IP不能为空");
    assert_eq!(listed(&sandbox), ["1.2.3.4"]);
}

#[tokio::test]
async fn a_purchase_of_exactly_the_balance_goes_through() {
    let sandbox = Sandbox::builder()
        .balance("10001", ipidea_sandbox::Decimal::from(10))
        .start()
        .await
        .unwrap();
    let open = [("region", "hk"), ("duration", "weekly"), ("num", "1")];
    // One weekly ISP IP costs 10: all of it.
    ok(call(&sandbox, "isp_ip_open", &open).await);
    assert_eq!(balance_left(&sandbox).await, json!(0));
    assert_eq!(sandbox.orders("10001", Product::Isp).len(), 1);
    let msg = refused_with(call(&sandbox, "isp_ip_open", &open).await, 402);
    assert_eq!(msg, "余额不足");
}

#[tokio::test]
async fn a_purchase_over_the_balance_is_refused_and_changes_nothing() {
    let sandbox = Sandbox::builder()
        .balance("10001", ipidea_sandbox::Decimal::from(25))
        .start()
        .await
        .unwrap();
    assert_eq!(balance_left(&sandbox).await, json!(25));
    let open = |num: &'static str| [("region", "hk"), ("duration", "weekly"), ("num", num)];

    // Three weekly ISP IPs cost 30.
    let msg = refused_with(call(&sandbox, "isp_ip_open", &open("3")).await, 402);
    assert_eq!(msg, "余额不足");
    assert!(sandbox.orders("10001", Product::Isp).is_empty());
    assert_eq!(ok(call(&sandbox, "isp_order_list", &[]).await)["total"], 0);
    assert_eq!(balance_left(&sandbox).await, json!(25));

    // Two cost 20.
    ok(call(&sandbox, "isp_ip_open", &open("2")).await);
    assert_eq!(balance_left(&sandbox).await, json!(5));
    // Renewing one of them for a week costs 10: refused, no renew order.
    let ip = sandbox.orders("10001", Product::Isp)[0]["ips"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let renew = [("renew_ip_list", ip.as_str()), ("duration", "weekly")];
    let msg = refused_with(call(&sandbox, "isp_ip_renew", &renew).await, 402);
    assert_eq!(msg, "余额不足");
    assert_eq!(sandbox.orders("10001", Product::Isp).len(), 1);
    assert_eq!(ok(call(&sandbox, "isp_order_list", &[]).await)["total"], 1);
    // A datacenter IP for a week costs 4.50.
    ok(call(
        &sandbox,
        "static_ip_open",
        &[("region", "us"), ("duration", "week"), ("num", "1")],
    )
    .await);
    assert_eq!(balance_left(&sandbox).await, json!(0.5));
    assert_eq!(
        sandbox.balance("10001"),
        Some(ipidea_sandbox::Decimal::new(5, 1))
    );
    // Refusals of the order logic come before the balance: more than 1000 IPs is that.
    let msg = refused_with(call(&sandbox, "isp_ip_open", &open("1001")).await, 400);
    assert!(msg.contains("at most 1000"), "{msg}");
}

/// The start of the vendor's day (from midnight at the spec's `api.utc_offset`) that unix
/// second `at` falls on.
fn vendor_day_start(at: i64) -> i64 {
    let offset = ipidea_spec::bundled().api.utc_offset;
    offset.day_start(offset.day_of(at))
}

#[tokio::test]
async fn purchases_spend_their_price_and_show_in_the_day_record() {
    let sandbox = Sandbox::start().await.unwrap();
    assert_eq!(balance_left(&sandbox).await, json!(1000));
    let first_day = vendor_day_start(chrono::Utc::now().timestamp());
    // Two monthly ISP IPs (70), one datacenter IP for a season (40), one ISP renewal (10).
    open_isp(&sandbox, "1").await;
    ok(call(
        &sandbox,
        "isp_ip_open",
        &[("region", "hk"), ("duration", "monthly"), ("num", "2")],
    )
    .await);
    ok(call(
        &sandbox,
        "static_ip_open",
        &[("region", "us"), ("duration", "season"), ("num", "1")],
    )
    .await);
    let ip = sandbox.orders("10001", Product::Isp)[0]["ips"][0]
        .as_str()
        .unwrap()
        .to_owned();
    ok(call(
        &sandbox,
        "isp_ip_renew",
        &[("renew_ip_list", ip.as_str()), ("duration", "weekly")],
    )
    .await);
    // 1000 - 10 - 70 - 40 - 10.
    assert_eq!(balance_left(&sandbox).await, json!(870));
    let last_day = vendor_day_start(chrono::Utc::now().timestamp());

    let records = |start: i64, end: i64| {
        let sandbox = &sandbox;
        async move {
            let (start, end) = (start.to_string(), end.to_string());
            let fields = [("start_time", start.as_str()), ("end_time", end.as_str())];
            let data = ok(call(sandbox, "balance_use_record", &fields).await);
            data.as_array().expect("a list of records").clone()
        }
    };
    if first_day == last_day {
        // The vendor's day: start and end on its midnight (UTC+8).
        let today = records(first_day, first_day).await;
        assert_eq!(today.len(), 1, "{today:?}");
        let record = &today[0];
        assert_eq!(record["day"], first_day);
        assert_eq!(record["balance"], 870);
        assert_eq!(record["isp_use"], 90);
        // ISP money counts once, so the product fields add up to the day's total.
        assert_eq!(record["static_house_orderUse"], 0);
        assert_eq!(record["static_order_user"], 40);
        assert_eq!(record["total_use_balance"], 130);
        for flow in [
            "isp_flow_use",
            "residential_flow_use",
            "static_flow_use",
            "total_use_flow",
            "residential_use",
            "static_use",
        ] {
            assert_eq!(record[flow], 0, "{flow}");
        }
        // The record of the day before has nothing: midnight UTC is not the boundary.
        assert!(records(first_day - 86_400, first_day - 1).await.is_empty());
        assert!(
            records(first_day + 86_400, first_day + 86_400)
                .await
                .is_empty()
        );
    } else {
        // The calls straddled a vendor midnight: the two days hold all the spending.
        let both = records(first_day, last_day).await;
        let total: f64 = both
            .iter()
            .map(|r| r["total_use_balance"].as_f64().unwrap())
            .sum();
        assert_eq!(total, 130.0);
    }
    // The sandbox has no proxy accounts, and the traffic records' shape is unknown.
    let (start, end) = (first_day.to_string(), last_day.to_string());
    let range = [("start_time", start.as_str()), ("end_time", end.as_str())];
    let mut with_id = range.to_vec();
    with_id.push(("id", "28670"));
    let proxy = ok(call(&sandbox, "balance_proxy_account_use_record", &with_id).await);
    assert_eq!(proxy, json!([]));
    assert_eq!(
        ok(call(&sandbox, "flow_use_record", &range).await),
        json!([])
    );
    let mut with_sub_id = range.to_vec();
    with_sub_id.push(("sub_id", "28670"));
    let flow = ok(call(&sandbox, "flow_proxy_account_use_record", &with_sub_id).await);
    assert_eq!(flow, json!([]));
}

#[tokio::test]
async fn past_use_lands_on_its_vendor_day() {
    use ipidea_sandbox::Decimal;
    // 1656518400 is 2022-06-30 00:00 +08:00, the vendor's own example.
    let june_30 = 1_656_518_400_i64;
    let sandbox = Sandbox::builder()
        .balance("10001", Decimal::from(100))
        .spent("10001", june_30 - 1, Product::Isp, Decimal::from(10))
        .spent("10001", june_30, Product::Datacenter, Decimal::new(45, 1))
        .spent("10001", june_30 + 3600, Product::Flow, Decimal::from(2))
        .start()
        .await
        .unwrap();
    let records = |start: i64, end: i64| {
        let sandbox = &sandbox;
        async move {
            let (start, end) = (start.to_string(), end.to_string());
            let fields = [("start_time", start.as_str()), ("end_time", end.as_str())];
            ok(call(sandbox, "balance_use_record", &fields).await)
        }
    };
    let june_30_only = records(june_30, june_30).await;
    assert_eq!(
        june_30_only,
        json!([{
            "balance": 100, "day": june_30, "isp_flow_use": 0, "isp_use": 0,
            "residential_flow_use": 0, "residential_use": 2, "static_flow_use": 0,
            "static_use": 0, "total_use_balance": 6.5, "total_use_flow": 0,
            "static_order_user": 4.5, "static_house_orderUse": 0
        }])
    );
    let both = records(june_30 - 86_400, june_30).await;
    assert_eq!(both.as_array().unwrap().len(), 2);
    let june_29 = &both[0];
    assert_eq!(june_29["day"], june_30 - 86_400);
    assert_eq!(june_29["isp_use"], 10);
    assert_eq!(june_29["static_house_orderUse"], 0);
    // The balance at the end of June 29 holds what June 30 spent.
    assert_eq!(june_29["balance"], 106.5);
    // Any second of a day names that day.
    assert_eq!(
        records(june_30 + 5000, june_30 + 80_000).await,
        june_30_only
    );
    assert_eq!(
        records(june_30 - 86_400, june_30 - 1).await[0]["day"],
        june_30 - 86_400
    );
    // The history does not change the balance now.
    assert_eq!(balance_left(&sandbox).await, json!(100));
}

#[tokio::test]
async fn traffic_left_and_warnings() {
    let sandbox = Sandbox::builder().demo_seed().start().await.unwrap();
    // The demo's paid dynamic residential orders: 30000 MB and 100000 MB (the unpaid one and
    // the mobile orders do not count).
    let left = ok(call(&sandbox, "flow_left", &[]).await);
    assert_eq!(left, json!({"flow_left": 130_000}));
    // The demo whitelists two documentation IPs.
    assert_eq!(listed(&sandbox), ["203.0.113.7", "198.51.100.23"]);

    assert_eq!(sandbox.balance_warning("10001"), None);
    let set = [
        ("phone", "18888888888"),
        ("balance_upper_limit", "101"),
        ("operate", "1"),
        ("status", "1"),
    ];
    assert_eq!(
        ok(call(&sandbox, "balance_warning_set", &set).await),
        json!([])
    );
    // A later call changes the fields it sends.
    ok(call(&sandbox, "balance_warning_set", &[("status", "0")]).await);
    assert_eq!(
        sandbox.balance_warning("10001"),
        Some(json!({
            "phone": "18888888888", "balance_upper_limit": "101", "operate": "1", "status": "0"
        }))
    );
    let set = [("flow_upper_limit", "500"), ("status", "1")];
    assert_eq!(
        ok(call(&sandbox, "flow_warning_set", &set).await),
        json!([])
    );
    assert_eq!(
        sandbox.flow_warning("10001"),
        Some(json!({"flow_upper_limit": "500", "status": "1"}))
    );
    assert_eq!(sandbox.balance_warning("nobody"), None);

    let set = Sandbox::builder()
        .flow_left("10001", ipidea_sandbox::Decimal::new(12_345, 1))
        .start()
        .await
        .unwrap();
    assert_eq!(
        ok(call(&set, "flow_left", &[]).await),
        json!({"flow_left": 1234.5})
    );
}

#[tokio::test]
async fn query_string_posts_reach_the_account_endpoints() {
    // Some public clients send every field, credentials included, in the query string of a
    // POST with an empty body.
    let sandbox = Sandbox::start().await.unwrap();
    let http = reqwest::Client::new();
    let post = |endpoint: &str, fields: &[(&str, &str)]| {
        let mut query = vec![("uid", "10001"), ("appkey", "sandbox-appkey")];
        query.extend_from_slice(fields);
        http.post(url(&sandbox, endpoint)).query(&query).send()
    };
    let added: Value = post("white_add", &[("white_ips", "1.2.3.4,5.6.7.8")])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ok(added), json!([]));
    assert_eq!(listed(&sandbox), ["1.2.3.4", "5.6.7.8"]);
    let left: Value = post("balance_left", &[])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ok(left), json!({"balance_left": 1000}));
    let again: Value = post("white_add", &[("white_ips", "5.6.7.8")])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(refused(again), "IP已存在: 5.6.7.8");
    // The query string is checked like a body: a wrong key is refused.
    let wrong: Value = http
        .post(url(&sandbox, "balance_left"))
        .query(&[("uid", "10001"), ("appkey", "wrong")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(refused(wrong).contains("credentials"));
}

#[tokio::test]
async fn faults_on_white_add_behave_as_on_orders() {
    use ipidea_sandbox::Fault;
    let sandbox = Sandbox::start().await.unwrap();
    let add = || {
        reqwest::Client::new()
            .post(url(&sandbox, "white_add"))
            .multipart(form(&[
                ("uid", "10001"),
                ("appkey", "sandbox-appkey"),
                ("white_ips", "1.2.3.4"),
            ]))
            .send()
    };

    // Faults that answer in the call's place change nothing.
    sandbox.inject("white_add", Fault::Drop);
    let dropped = add().await;
    assert!(dropped.is_err(), "{dropped:?}");
    sandbox.inject("white_add", Fault::Status(503));
    assert_eq!(add().await.unwrap().status(), 503);
    sandbox.inject("white_add", "refuse:1001:系统繁忙".parse().unwrap());
    let refusal: Value = add().await.unwrap().json().await.unwrap();
    assert_eq!(refused_with(refusal, 1001), "系统繁忙");
    assert!(sandbox.whitelist("10001").is_empty());

    // Commit-then-drop: the IP is added, the reply is lost, and a retry is refused.
    sandbox.inject("white_add", Fault::CommitThenDrop);
    let lost = add().await;
    assert!(lost.is_err(), "{lost:?}");
    assert_eq!(listed(&sandbox), ["1.2.3.4"]);
    let retry: Value = add().await.unwrap().json().await.unwrap();
    assert_eq!(refused_with(retry, 409), "IP已存在: 1.2.3.4");
    assert_eq!(sandbox.requests_seen("white_add"), 5);
}

#[tokio::test]
async fn an_order_committed_with_its_reply_lost_still_spends() {
    use ipidea_sandbox::Fault;
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject("isp_ip_open", Fault::CommitThenDrop);
    let lost = reqwest::Client::new()
        .post(url(&sandbox, "isp_ip_open"))
        .multipart(form(&[
            ("uid", "10001"),
            ("appkey", "sandbox-appkey"),
            ("region", "hk"),
            ("duration", "quarterly"),
            ("num", "2"),
        ]))
        .send()
        .await;
    assert!(lost.is_err(), "{lost:?}");
    assert_eq!(sandbox.orders("10001", Product::Isp).len(), 1);
    assert_eq!(balance_left(&sandbox).await, json!(820));
    // A fault that answers in the call's place spends nothing.
    sandbox.inject("isp_ip_open", Fault::Drop);
    assert!(
        reqwest::Client::new()
            .post(url(&sandbox, "isp_ip_open"))
            .multipart(form(&[
                ("uid", "10001"),
                ("appkey", "sandbox-appkey"),
                ("region", "hk"),
                ("duration", "quarterly"),
                ("num", "2"),
            ]))
            .send()
            .await
            .is_err()
    );
    assert_eq!(balance_left(&sandbox).await, json!(820));
}

#[tokio::test]
async fn account_settings_must_name_an_account() {
    let ip: std::net::IpAddr = "1.2.3.4".parse().unwrap();
    let error = Sandbox::builder()
        .balance("42", ipidea_sandbox::Decimal::ONE)
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("`42`"), "{error}");
    let error = Sandbox::builder()
        .whitelist("10001", [ip, ip])
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("twice"), "{error}");
    let error = Sandbox::builder()
        .balance("10001", ipidea_sandbox::Decimal::NEGATIVE_ONE)
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("negative"), "{error}");
}

#[tokio::test]
async fn the_binary_takes_a_balance_and_demo_whitelist() {
    let (_child, base) = start_binary(&["--port", "0", "--balance", "15", "--demo-seed"]);
    let credentials = [("uid", "10001"), ("appkey", "sandbox-appkey")];
    let left = envelope_at(&base, "balance_left", &credentials).await;
    assert_eq!(ok(left), json!({"balance_left": 15}));
    let mut open = credentials.to_vec();
    open.extend([("region", "hk"), ("duration", "weekly"), ("num", "2")]);
    let refusal = envelope_at(&base, "isp_ip_open", &open).await;
    assert_eq!(refused(refusal), "余额不足");
    let list = ok(envelope_at(&base, "white_list", &credentials).await);
    assert_eq!(list["white"], 2);
    assert_eq!(list["lists"][0]["mark_ip"], "203.0.113.7");
}

// Drift: successful answers altered on purpose, the ways a real API drifts from its spec.

/// 2022-06-30 00:00 +08:00, the vendor's own example day.
const JUNE_30: &str = "1656518400";

/// A call of every endpoint of the bundled spec that succeeds on a fresh drift sandbox, but the
/// renews and the whitelist changes (whose answers are `empty` or an `OrderCreated`, as here).
const CALLS: &[(&str, &[(&str, &str)])] = &[
    (
        "isp_ip_open",
        &[("region", "hk"), ("duration", "weekly"), ("num", "1")],
    ),
    (
        "static_ip_open",
        &[("region", "us"), ("duration", "week"), ("num", "1")],
    ),
    ("isp_order_list", &[]),
    ("datacenter_order_list", &[]),
    ("flow_order_list", &[]),
    ("mobile_flow_order_list", &[]),
    ("white_list", &[]),
    ("balance_left", &[]),
    ("balance_warning_set", &[]),
    (
        "balance_use_record",
        &[("start_time", JUNE_30), ("end_time", JUNE_30)],
    ),
    (
        "balance_proxy_account_use_record",
        &[("start_time", JUNE_30), ("end_time", JUNE_30), ("id", "1")],
    ),
    ("flow_left", &[]),
    ("flow_warning_set", &[]),
    (
        "flow_use_record",
        &[("start_time", JUNE_30), ("end_time", JUNE_30)],
    ),
    (
        "flow_proxy_account_use_record",
        &[
            ("start_time", JUNE_30),
            ("end_time", JUNE_30),
            ("sub_id", "1"),
        ],
    ),
];

/// A sandbox with data in every answer that has a place for it: the demo seed (flow orders and
/// a whitelist) and a use of the balance on June 30, 2022.
async fn drift_sandbox(kinds: impl Into<DriftSet>) -> Sandbox {
    Sandbox::builder()
        .demo_seed()
        .spent(
            "10001",
            JUNE_30.parse().unwrap(),
            Product::Isp,
            ipidea_sandbox::Decimal::from(10),
        )
        .drift(kinds)
        .start()
        .await
        .unwrap()
}

/// The `ret_data` of a successful call of `endpoint`.
async fn data_of(sandbox: &Sandbox, endpoint: &str, fields: &[(&str, &str)]) -> Value {
    ok(call(sandbox, endpoint, fields).await)
}

/// Whether `data` fits the response type of `endpoint`, as the client reads it.
fn fits(sandbox: &Sandbox, endpoint: &str, data: &Value) -> Result<(), String> {
    let spec = sandbox.spec();
    let response = &spec.endpoint(endpoint).unwrap().response;
    spec.check_value(response, false, data)
}

/// The paths that drift altered, as `endpoint path kind`.
fn applied(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .drift_applied()
        .iter()
        .map(|a| format!("{} {} {}", a.endpoint, a.path, a.kind))
        .collect()
}

/// `value` with the object keys `key` removed at any depth.
fn without_key(value: &Value, key: &str) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| *k != key)
                .map(|(k, v)| (k.clone(), without_key(v, key)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| without_key(v, key)).collect()),
        other => other.clone(),
    }
}

#[tokio::test]
async fn without_drift_every_answer_fits_its_type() {
    let sandbox = drift_sandbox(DriftSet::none()).await;
    for (endpoint, fields) in CALLS {
        let data = data_of(&sandbox, endpoint, fields).await;
        assert_eq!(
            fits(&sandbox, endpoint, &data),
            Ok(()),
            "{endpoint}: {data}"
        );
    }
    assert_eq!(sandbox.drift_applied(), []);
}

#[tokio::test]
async fn each_kind_drifts_only_where_the_spec_has_a_place_for_it() {
    let records = [
        "isp_ip_open",
        "static_ip_open",
        "flow_order_list",
        "mobile_flow_order_list",
        "white_list",
        "balance_left",
        "balance_use_record",
    ];
    let untyped = [
        "isp_order_list",
        "datacenter_order_list",
        "flow_warning_set",
        "flow_use_record",
        "flow_proxy_account_use_record",
    ];
    let with_flow_left = |names: &[&'static str]| {
        let mut names = names.to_vec();
        names.push("flow_left");
        names
    };
    for (kind, drifted) in [
        // `flow_left` is nullable, so it has no place for `null`, but has for the others.
        (DriftKind::UnknownField, with_flow_left(&records)),
        (
            DriftKind::UnknownEnum,
            vec!["flow_order_list", "mobile_flow_order_list"],
        ),
        (DriftKind::Null, records.to_vec()),
        (DriftKind::BadType, with_flow_left(&records)),
        (DriftKind::UntypedShape, untyped.to_vec()),
    ] {
        let sandbox = drift_sandbox(kind).await;
        for (endpoint, fields) in CALLS {
            let data = data_of(&sandbox, endpoint, fields).await;
            let altered: Vec<DriftApplied> = sandbox
                .drift_applied()
                .into_iter()
                .filter(|a| a.endpoint == *endpoint)
                .collect();
            assert!(altered.iter().all(|a| a.kind == kind), "{altered:?}");
            assert_eq!(
                !altered.is_empty(),
                drifted.contains(endpoint),
                "{kind} on {endpoint}: {data}"
            );
            // Drift the client tolerates, and drift it does not: a verifier sees all but the
            // shapes of untyped places, which fit `json` whatever they are.
            match kind {
                DriftKind::UntypedShape => assert_eq!(fits(&sandbox, endpoint, &data), Ok(())),
                _ if altered.is_empty() => assert_eq!(fits(&sandbox, endpoint, &data), Ok(())),
                _ => assert!(fits(&sandbox, endpoint, &data).is_err(), "{kind}: {data}"),
            }
        }
    }
}

#[tokio::test]
async fn unknown_field_drift_adds_a_field_to_every_record() {
    let sandbox = drift_sandbox(DriftSet::none()).await;
    let plain_flow = data_of(&sandbox, "flow_order_list", &[]).await;
    let plain_white = data_of(&sandbox, "white_list", &[]).await;
    sandbox.set_drift(None, DriftKind::UnknownField);
    let flow = data_of(&sandbox, "flow_order_list", &[]).await;
    let white = data_of(&sandbox, "white_list", &[]).await;
    for order in flow["data"].as_array().unwrap() {
        assert_eq!(order["sandbox_drift"], "x");
    }
    assert!(flow.get("sandbox_drift").is_none(), "a page is no record");
    assert_eq!(white["sandbox_drift"], "x");
    assert_eq!(white["lists"][1]["sandbox_drift"], "x");
    assert_eq!(without_key(&flow, ipidea_sandbox::DRIFT_FIELD), plain_flow);
    assert_eq!(without_key(&white, "sandbox_drift"), plain_white);
    assert_eq!(
        applied(&sandbox),
        [
            "flow_order_list ret_data.data[0].sandbox_drift unknown-field",
            "flow_order_list ret_data.data[1].sandbox_drift unknown-field",
            "flow_order_list ret_data.data[2].sandbox_drift unknown-field",
            "white_list ret_data.lists[0].sandbox_drift unknown-field",
            "white_list ret_data.lists[1].sandbox_drift unknown-field",
            "white_list ret_data.sandbox_drift unknown-field",
        ]
    );
    // The same again: the same answer, and nothing listed twice.
    assert_eq!(data_of(&sandbox, "flow_order_list", &[]).await, flow);
    assert_eq!(sandbox.drift_applied().len(), 6);
    sandbox.clear_drift_applied();
    assert_eq!(sandbox.drift_applied(), []);
}

#[tokio::test]
async fn unknown_enum_drift_puts_values_outside_their_enum() {
    let sandbox = drift_sandbox(DriftSet::none()).await;
    let plain_flow = data_of(&sandbox, "flow_order_list", &[]).await;
    let plain_white = data_of(&sandbox, "white_list", &[]).await;
    sandbox.set_drift(None, DriftKind::UnknownEnum);
    let mut flow = data_of(&sandbox, "flow_order_list", &[]).await;
    for order in flow["data"].as_array_mut().unwrap() {
        // `pay_status` is an integer enum of 0 and 1.
        assert_eq!(order["pay_status"], 9);
        order["pay_status"] = Value::Null;
    }
    let mut expected = plain_flow.clone();
    for order in expected["data"].as_array_mut().unwrap() {
        order["pay_status"] = Value::Null;
    }
    assert_eq!(flow, expected, "nothing else changes");
    // The whitelist has no enum field: nothing to do there.
    assert_eq!(data_of(&sandbox, "white_list", &[]).await, plain_white);
    assert_eq!(
        applied(&sandbox),
        [
            "flow_order_list ret_data.data[0].pay_status unknown-enum",
            "flow_order_list ret_data.data[1].pay_status unknown-enum",
            "flow_order_list ret_data.data[2].pay_status unknown-enum",
        ]
    );
}

#[tokio::test]
async fn null_drift_empties_a_non_nullable_field_of_each_record() {
    let sandbox = drift_sandbox(DriftSet::none()).await;
    let plain_flow = data_of(&sandbox, "flow_order_list", &[]).await;
    let plain_white = data_of(&sandbox, "white_list", &[]).await;
    sandbox.set_drift(None, DriftKind::Null);
    let flow = data_of(&sandbox, "flow_order_list", &[]).await;
    let white = data_of(&sandbox, "white_list", &[]).await;
    let spec = sandbox.spec();
    let Some(ipidea_spec::TypeKind::Record { fields }) =
        spec.type_def("FlowOrder").map(|t| &t.kind)
    else {
        panic!("FlowOrder is a record");
    };
    for (order, plain) in flow["data"]
        .as_array()
        .unwrap()
        .iter()
        .zip(plain_flow["data"].as_array().unwrap())
    {
        // The first non-nullable field; nullable ones (`mark`, `pay_time`) stay as they were.
        assert_eq!(order["recharge_id"], Value::Null);
        assert!(plain["recharge_id"].is_u64());
        for field in fields.iter().filter(|f| f.name != "recharge_id") {
            assert_eq!(order[&field.name], plain[&field.name], "{}", field.name);
        }
    }
    assert_eq!(white["white"], Value::Null);
    assert_eq!(white["lists"][0]["mark_ip"], Value::Null);
    assert_eq!(
        white["lists"][0]["updated_at"],
        plain_white["lists"][0]["updated_at"]
    );
    assert_eq!(
        applied(&sandbox),
        [
            "flow_order_list ret_data.data[0].recharge_id null",
            "flow_order_list ret_data.data[1].recharge_id null",
            "flow_order_list ret_data.data[2].recharge_id null",
            "white_list ret_data.lists[0].mark_ip null",
            "white_list ret_data.lists[1].mark_ip null",
            "white_list ret_data.white null",
        ]
    );
}

#[tokio::test]
async fn bad_type_drift_sends_values_outside_their_type() {
    let sandbox = drift_sandbox(DriftKind::BadType).await;
    let flow = data_of(&sandbox, "flow_order_list", &[]).await;
    let white = data_of(&sandbox, "white_list", &[]).await;
    assert_eq!(flow["data"][0]["recharge_id"], "abc");
    assert_eq!(white["white"], "abc");
    assert_eq!(white["lists"][0]["mark_ip"], "not-an-ip");
    assert_eq!(
        applied(&sandbox),
        [
            "flow_order_list ret_data.data[0].recharge_id bad-type",
            "flow_order_list ret_data.data[1].recharge_id bad-type",
            "flow_order_list ret_data.data[2].recharge_id bad-type",
            "white_list ret_data.lists[0].mark_ip bad-type",
            "white_list ret_data.lists[1].mark_ip bad-type",
            "white_list ret_data.white bad-type",
        ]
    );

    // With `null` on too, each takes its own field: a timestamp gets "soon".
    let both = drift_sandbox([DriftKind::Null, DriftKind::BadType]).await;
    let flow = data_of(&both, "flow_order_list", &[]).await;
    let white = data_of(&both, "white_list", &[]).await;
    assert_eq!(flow["data"][0]["recharge_id"], Value::Null);
    assert_eq!(flow["data"][0]["recharge_type"], "abc");
    assert_eq!(white["lists"][1]["mark_ip"], Value::Null);
    assert_eq!(white["lists"][1]["updated_at"], "soon");
    // The whitelist record has one scalar field, which `null` takes.
    assert_eq!(white["white"], Value::Null);
    let kinds: Vec<DriftKind> = both.drift_applied().iter().map(|a| a.kind).collect();
    assert_eq!(kinds.iter().filter(|k| **k == DriftKind::Null).count(), 6);
    assert_eq!(
        kinds.iter().filter(|k| **k == DriftKind::BadType).count(),
        5
    );
}

#[tokio::test]
async fn untyped_shape_drift_puts_records_where_the_spec_says_json() {
    let sandbox = drift_sandbox(DriftKind::UntypedShape).await;
    let shape = json!({
        "id": 4055, "name": "sandbox_drift", "created_at": "1653101538", "money": "0.01",
        "enabled": true
    });
    // No orders yet: the empty page of untyped items gets one item of the fixed shape.
    let page = data_of(&sandbox, "isp_order_list", &[]).await;
    assert_eq!(page["data"], json!([shape]));
    assert_eq!(page["total"], 0, "the page's counts are left alone");
    // An order item is a record already: it stays.
    open_isp(&sandbox, "1").await;
    let page = data_of(&sandbox, "isp_order_list", &[]).await;
    assert_eq!(page["data"][0], sandbox.orders("10001", Product::Isp)[0]);
    let records = [("start_time", JUNE_30), ("end_time", JUNE_30)];
    assert_eq!(
        data_of(&sandbox, "flow_use_record", &records).await,
        json!([shape])
    );
    // Typed answers have no place for it.
    let plain = Sandbox::builder().demo_seed().start().await.unwrap();
    assert_eq!(
        without_key(
            &data_of(&sandbox, "flow_order_list", &[]).await,
            "updated_at"
        ),
        without_key(&data_of(&plain, "flow_order_list", &[]).await, "updated_at"),
    );
    assert_eq!(
        applied(&sandbox),
        [
            "isp_order_list ret_data.data[0] untyped-shape",
            "flow_use_record ret_data[0] untyped-shape",
        ]
    );
}

#[tokio::test]
async fn drift_is_set_for_all_endpoints_or_one_at_run_time() {
    let sandbox = drift_sandbox(DriftKind::UnknownField).await;
    assert_eq!(
        sandbox.drift("white_list"),
        DriftSet::from(DriftKind::UnknownField)
    );
    sandbox.set_drift(Some("white_list"), DriftSet::none());
    assert!(sandbox.drift("white_list").is_empty());
    let white = data_of(&sandbox, "white_list", &[]).await;
    assert!(white.get("sandbox_drift").is_none(), "{white}");
    let flow = data_of(&sandbox, "flow_order_list", &[]).await;
    assert_eq!(flow["data"][0]["sandbox_drift"], "x");

    sandbox.set_drift(
        Some("flow_order_list"),
        [DriftKind::Null, DriftKind::UnknownEnum],
    );
    let flow = data_of(&sandbox, "flow_order_list", &[]).await;
    assert_eq!(flow["data"][0]["recharge_id"], Value::Null);
    assert_eq!(flow["data"][0]["pay_status"], 9);
    assert!(flow["data"][0].get("sandbox_drift").is_none());

    // All endpoints at once forgets the endpoints' own settings.
    sandbox.set_drift(None, DriftKind::Null);
    assert_eq!(
        data_of(&sandbox, "white_list", &[]).await["white"],
        Value::Null
    );
    let flow = data_of(&sandbox, "flow_order_list", &[]).await;
    assert_eq!(flow["data"][0]["recharge_id"], Value::Null);
    assert_eq!(
        flow["data"][0]["pay_status"], 0,
        "the newest seed order, unpaid"
    );
    sandbox.set_drift(None, DriftSet::none());
    sandbox.clear_drift_applied();
    let white = data_of(&sandbox, "white_list", &[]).await;
    assert_eq!(fits(&sandbox, "white_list", &white), Ok(()));
    assert_eq!(sandbox.drift_applied(), []);
}

#[tokio::test]
async fn a_drift_fault_plays_like_any_fault_and_refusals_never_drift() {
    for text in ["drift:unknown-enum", "drift:null,bad-type", "drift:all"] {
        assert_eq!(text.parse::<Fault>().unwrap().to_string(), text);
    }
    assert_eq!(
        "drift:unknown-field,untyped-shape"
            .parse::<Fault>()
            .unwrap(),
        Fault::Drift(DriftSet::from([
            DriftKind::UnknownField,
            DriftKind::UntypedShape
        ]))
    );
    for kind in DriftKind::INJECTED {
        assert_eq!(ipidea_sandbox::parse_drift(&kind.to_string()), Ok(kind));
    }

    let sandbox = drift_sandbox(DriftSet::none()).await;
    sandbox.inject("flow_order_list", "drift:unknown-enum".parse().unwrap());
    let drifted = data_of(&sandbox, "flow_order_list", &[]).await;
    assert_eq!(drifted["data"][0]["pay_status"], 9);
    let next = data_of(&sandbox, "flow_order_list", &[]).await;
    assert_eq!(
        next["data"][0]["pay_status"], 0,
        "a one-shot fault plays once"
    );

    // A fault adds to the standing drift.
    sandbox.set_drift(None, DriftKind::UnknownField);
    sandbox.inject_always("white_list", Fault::Drift(DriftKind::Null.into()));
    for _ in 0..2 {
        let white = data_of(&sandbox, "white_list", &[]).await;
        assert_eq!(
            (&white["white"], &white["sandbox_drift"]),
            (&Value::Null, &json!("x"))
        );
    }
    sandbox.clear_faults();
    let white = data_of(&sandbox, "white_list", &[]).await;
    assert_eq!(white["white"], 2);

    // A refusal is not altered, nor recorded.
    sandbox.set_drift(None, DriftSet::all());
    sandbox.clear_drift_applied();
    let msg = refused(call_as(&sandbox, "white_list", "10001", "wrong", &[]).await);
    assert!(msg.contains("credentials"), "{msg}");
    sandbox.inject(
        "flow_order_list",
        Fault::Refuse {
            ret: 1001,
            msg: "余额不足".into(),
        },
    );
    refused(call(&sandbox, "flow_order_list", &[]).await);
    assert_eq!(sandbox.drift_applied(), []);
}

#[tokio::test]
async fn the_binary_drifts_on_request() {
    let (_child, base) = start_binary(&[
        "--port",
        "0",
        "--demo-seed",
        "--drift",
        "unknown-field,unknown-enum",
        "--fault",
        "white_list=drift:null",
    ]);
    let credentials = [("uid", "10001"), ("appkey", "sandbox-appkey")];
    let flow = ok(envelope_at(&base, "flow_order_list", &credentials).await);
    assert_eq!(flow["data"][0]["sandbox_drift"], "x");
    assert_eq!(flow["data"][0]["pay_status"], 9);
    let white = ok(envelope_at(&base, "white_list", &credentials).await);
    assert_eq!(
        (&white["white"], &white["sandbox_drift"]),
        (&Value::Null, &json!("x"))
    );
    let white = ok(envelope_at(&base, "white_list", &credentials).await);
    assert_eq!(white["white"], 2);

    let (_all, base) = start_binary(&["--port", "0", "--demo-seed", "--drift", "all"]);
    let flow = ok(envelope_at(&base, "flow_order_list", &credentials).await);
    assert_eq!(flow["data"][0]["recharge_id"], Value::Null);
    assert_eq!(flow["data"][0]["recharge_type"], "abc");
    let page = ok(envelope_at(&base, "isp_order_list", &credentials).await);
    assert_eq!(page["data"][0]["name"], "sandbox_drift");
}

#[test]
fn the_binary_refuses_an_unknown_drift() {
    for (args, expected) in [
        (&["--drift", "nul"][..], "did you mean `null`?"),
        (&["--drift", ""][..], "no drift kind given"),
        (
            &["--fault", "white_list=drift:bogus"][..],
            "unknown drift `bogus`",
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
