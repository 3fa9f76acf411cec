//! The API as the sandbox serves it, over real HTTP on loopback: validation, encodings, orders,
//! lists, accounts, renewals and seed data.

mod common;

use std::collections::HashSet;

use chrono::{TimeDelta, Utc};
use common::*;
use ipidea_sandbox::{Product, Sandbox};
use serde_json::{Value, json};

#[tokio::test]
async fn credentials_are_required_and_must_match() {
    let sandbox = Sandbox::start().await.unwrap();
    assert_eq!(sandbox.uid(), "10001");
    assert_eq!(sandbox.appkey(), "sandbox-appkey");

    let wrong = call_as(&sandbox, "isp_order_list", "10001", "not-the-key", &[]).await;
    let msg = refused(wrong.clone());
    assert_eq!(wrong["ret"], 401);
    assert!(msg.contains("`uid`") && msg.contains("`appkey`"), "{msg}");

    let unknown = call_as(&sandbox, "isp_order_list", "99999", "sandbox-appkey", &[]).await;
    assert!(refused(unknown).contains("do not match an account"));

    let response = reqwest::Client::new()
        .post(url(&sandbox, "isp_order_list"))
        .multipart(form(&[("uid", "10001")]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let msg = refused(response.json().await.unwrap());
    assert!(msg.contains("missing credential `appkey`"), "{msg}");

    // Credentials are checked before anything else, and nothing was created.
    let nothing = call_as(
        &sandbox,
        "isp_ip_open",
        "10001",
        "nope",
        &[("region", "hk"), ("duration", "weekly"), ("num", "1")],
    )
    .await;
    refused(nothing);
    assert!(sandbox.orders("10001", Product::Isp).is_empty());
}

#[tokio::test]
async fn fields_are_checked_against_the_spec() {
    let sandbox = Sandbox::start().await.unwrap();
    let open = |fields: &'static [(&'static str, &'static str)]| {
        let sandbox = &sandbox;
        async move { refused(call(sandbox, "isp_ip_open", fields).await) }
    };

    // A required field missing.
    let msg = open(&[("duration", "weekly"), ("num", "1")]).await;
    assert_eq!(msg, "`region` is required");
    // A bad enum value: the datacenter spelling on the ISP line.
    let msg = open(&[("region", "hk"), ("duration", "week"), ("num", "1")]).await;
    assert!(
        msg.starts_with("`duration` is not a valid `IspDuration`"),
        "{msg}"
    );
    assert!(msg.contains("`weekly`, `monthly`, `quarterly`"), "{msg}");
    // Out of bounds.
    let msg = open(&[("region", "hk"), ("duration", "weekly"), ("num", "0")]).await;
    assert!(msg.starts_with("`num` must be at least 1"), "{msg}");
    // The wrong type.
    let msg = open(&[("region", "hk"), ("duration", "weekly"), ("num", "abc")]).await;
    assert!(msg.starts_with("`num` is not a valid `u32`"), "{msg}");
    // Another enum: the pool tag.
    let msg = open(&[
        ("region", "hk"),
        ("duration", "weekly"),
        ("num", "1"),
        ("pool_tag", "渠道九"),
    ])
    .await;
    assert!(
        msg.starts_with("`pool_tag` is not a valid `PoolTag`"),
        "{msg}"
    );
    // A field the endpoint does not have.
    let msg = open(&[
        ("region", "hk"),
        ("duration", "weekly"),
        ("num", "1"),
        ("remarks", "x"),
    ])
    .await;
    assert_eq!(
        msg,
        "`remarks` is not a field of `isp_ip_open`; did you mean `remark`?"
    );
    // A list filter of the wrong type, and an IP list with a non-IP.
    let msg = refused(call(&sandbox, "isp_order_list", &[("start_time", "May 1st")]).await);
    assert!(
        msg.starts_with("`start_time` is not a valid `date`"),
        "{msg}"
    );
    let msg = refused(call(&sandbox, "isp_order_list", &[("page", "0")]).await);
    assert!(msg.starts_with("`page` must be at least 1"), "{msg}");
    let msg = refused(
        call(
            &sandbox,
            "isp_ip_renew",
            &[
                ("renew_ip_list", "156.237.0.1,nope"),
                ("duration", "weekly"),
            ],
        )
        .await,
    );
    assert!(
        msg.starts_with("`renew_ip_list` is not a valid `csv<ip>`"),
        "{msg}"
    );

    assert!(sandbox.orders(sandbox.uid(), Product::Isp).is_empty());
    assert_eq!(sandbox.requests_seen("isp_ip_open"), 6);
}

#[tokio::test]
async fn every_body_encoding_is_accepted() {
    let sandbox = Sandbox::start().await.unwrap();
    let http = reqwest::Client::new();
    let open = url(&sandbox, "isp_ip_open");

    // multipart/form-data, as the vendor documents.
    let multipart: Value = http
        .post(&open)
        .multipart(form(&[
            ("uid", "10001"),
            ("appkey", "sandbox-appkey"),
            ("region", "hk"),
            ("duration", "weekly"),
            ("num", "1"),
            ("remark", "multipart"),
        ]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    ok(multipart);

    // application/x-www-form-urlencoded.
    let urlencoded: Value = http
        .post(&open)
        .form(&[
            ("uid", "10001"),
            ("appkey", "sandbox-appkey"),
            ("region", "hk"),
            ("duration", "weekly"),
            ("num", "2"),
            ("remark", "测试 form"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    ok(urlencoded);

    // A JSON object, numbers as numbers.
    let json_body: Value = http
        .post(&open)
        .json(&json!({
            "uid": 10001, "appkey": "sandbox-appkey", "region": "hk",
            "duration": "weekly", "num": 3, "remark": "json", "pool_tag": "渠道二"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    ok(json_body);

    // Query parameters only, no body.
    let query: Value = http
        .post(&open)
        .query(&[
            ("uid", "10001"),
            ("appkey", "sandbox-appkey"),
            ("region", "hk"),
            ("duration", "weekly"),
            ("num", "4"),
            ("remark", "query"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    ok(query);

    // Query and body merged; the body wins.
    let merged: Value = http
        .post(&open)
        .query(&[("uid", "10001"), ("num", "9"), ("remark", "query loses")])
        .form(&[
            ("appkey", "sandbox-appkey"),
            ("region", "hk"),
            ("duration", "weekly"),
            ("num", "5"),
            ("remark", "merged"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    ok(merged);

    let orders = sandbox.orders("10001", Product::Isp);
    let seen: Vec<(Value, Value)> = orders
        .iter()
        .map(|o| (o["num"].clone(), o["remark"].clone()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (json!(1), json!("multipart")),
            (json!(2), json!("测试 form")),
            (json!(3), json!("json")),
            (json!(4), json!("query")),
            (json!(5), json!("merged")),
        ]
    );
    assert_eq!(orders[2]["pool_tag"], "渠道二");
}

#[tokio::test]
async fn opened_orders_show_in_their_own_list() {
    let sandbox = Sandbox::start().await.unwrap();
    let before = Utc::now().timestamp();
    let isp = ok(call(
        &sandbox,
        "isp_ip_open",
        &[
            ("region", "hk"),
            ("duration", "weekly"),
            ("num", "2"),
            ("remark", "测试"),
            ("pool_tag", "渠道一"),
        ],
    )
    .await);
    let datacenter = ok(call(
        &sandbox,
        "static_ip_open",
        &[("region", "us"), ("duration", "month"), ("num", "3")],
    )
    .await);
    let isp_id = isp["order_id"].as_str().unwrap();
    let dc_id = datacenter["order_id"].as_str().unwrap();
    for id in [isp_id, dc_id] {
        assert_eq!(id.len(), 16, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_digit()), "{id}");
    }
    assert_ne!(isp_id, dc_id);

    let isp_page = ok(call(&sandbox, "isp_order_list", &[]).await);
    assert_eq!(isp_page["total"], 1);
    let order = &isp_page["data"][0];
    assert_eq!(order["order_id"], isp_id);
    assert_eq!(order["kind"], "open");
    assert_eq!(order["pay_status"], 1);
    assert_eq!(order["region"], "hk");
    assert_eq!(order["duration"], "weekly");
    assert_eq!(order["num"], 2);
    assert_eq!(order["remark"], "测试");
    assert_eq!(order["pool_tag"], "渠道一");
    let created: i64 = order["created_at"].as_str().unwrap().parse().unwrap();
    assert!(created >= before && created <= Utc::now().timestamp());
    let ips = order["ips"].as_array().unwrap();
    assert_eq!(ips.len(), 2);
    assert!(
        ips.iter()
            .all(|ip| ip.as_str().unwrap().starts_with("156.237."))
    );

    let dc_page = ok(call(&sandbox, "datacenter_order_list", &[]).await);
    assert_eq!(dc_page["total"], 1);
    let order = &dc_page["data"][0];
    assert_eq!(order["order_id"], dc_id);
    assert_eq!(order["duration"], "month");
    assert_eq!(order["remark"], Value::Null);
    let ips = order["ips"].as_array().unwrap();
    assert_eq!(ips.len(), 3);
    assert!(ips.iter().all(|ip| ip.as_str().unwrap().starts_with("38.")));

    // The flow lists are untouched, and the library view agrees with the wire.
    assert_eq!(ok(call(&sandbox, "flow_order_list", &[]).await)["total"], 0);
    assert_eq!(sandbox.orders("10001", Product::Isp)[0]["order_id"], isp_id);
    assert_eq!(
        sandbox.orders("10001", Product::Datacenter)[0]["order_id"],
        dc_id
    );

    // IPs are unique across orders and product lines.
    ok(call(
        &sandbox,
        "isp_ip_open",
        &[("region", "hk"), ("duration", "weekly"), ("num", "3")],
    )
    .await);
    let all: Vec<String> = [Product::Isp, Product::Datacenter]
        .into_iter()
        .flat_map(|p| sandbox.orders("10001", p))
        .flat_map(|o| o["ips"].as_array().unwrap().clone())
        .map(|ip| ip.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(all.len(), 8);
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), 8);
}

#[tokio::test]
async fn lists_page_with_vendor_counts() {
    let sandbox = Sandbox::start().await.unwrap();

    // No orders: an empty first page.
    let empty = ok(call(&sandbox, "isp_order_list", &[]).await);
    assert_eq!(
        empty,
        json!({"total": 0, "per_page": "15", "current_page": 1, "last_page": 0, "data": []})
    );

    let mut ids = Vec::new();
    for _ in 0..7 {
        ids.push(open_isp(&sandbox, "1").await);
    }
    let mut listed = Vec::new();
    for (page, expected) in [("1", 3), ("2", 3), ("3", 1), ("4", 0)] {
        let data = ok(call(
            &sandbox,
            "isp_order_list",
            &[("page", page), ("limit", "3")],
        )
        .await);
        assert_eq!(data["total"], 7);
        assert_eq!(
            data["per_page"], "3",
            "per_page is a string, like the vendor's"
        );
        assert_eq!(data["current_page"], page.parse::<u64>().unwrap());
        assert_eq!(data["last_page"], 3);
        let items = data["data"].as_array().unwrap();
        assert_eq!(items.len(), expected, "page {page}");
        listed.extend(
            items
                .iter()
                .map(|o| o["order_id"].as_str().unwrap().to_owned()),
        );
    }
    // Every order once, newest first.
    ids.reverse();
    assert_eq!(listed, ids);

    // The default page size holds them all.
    let all = ok(call(&sandbox, "isp_order_list", &[]).await);
    assert_eq!(all["per_page"], "15");
    assert_eq!(all["last_page"], 1);
    assert_eq!(all["data"].as_array().unwrap().len(), 7);

    // The vendor's example request leaves `order_id` out with "".
    let vendor = ok(call(
        &sandbox,
        "isp_order_list",
        &[("order_id", ""), ("page", "1"), ("limit", "15")],
    )
    .await);
    assert_eq!(vendor["total"], 7);

    // The default page size is configurable.
    let small = Sandbox::builder()
        .page_size_default(2)
        .start()
        .await
        .unwrap();
    for _ in 0..5 {
        open_isp(&small, "1").await;
    }
    let page = ok(call(&small, "isp_order_list", &[]).await);
    assert_eq!(page["per_page"], "2");
    assert_eq!(page["last_page"], 3);
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn lists_filter_by_id_date_and_pay_status() {
    let today = Utc::now().date_naive();
    let tomorrow = today + TimeDelta::days(1);
    let yesterday = today - TimeDelta::days(1);
    let sandbox = Sandbox::start().await.unwrap();
    let first = open_isp(&sandbox, "1").await;
    let second = open_isp(&sandbox, "2").await;

    let ids = |data: &Value| -> Vec<String> {
        data["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["order_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let list = |fields: Vec<(&'static str, String)>| {
        let sandbox = &sandbox;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            ok(call(sandbox, "isp_order_list", &fields).await)
        }
    };

    let by_id = list(vec![("order_id", first.clone())]).await;
    assert_eq!(by_id["total"], 1);
    assert_eq!(ids(&by_id), vec![first.clone()]);
    assert_eq!(list(vec![("order_id", "1".into())]).await["total"], 0);

    let unpadded = |d: chrono::NaiveDate| d.format("%Y-%-m-%-d").to_string();
    let iso = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    // Inclusive bounds, in either date form.
    let today_only = list(vec![
        ("start_time", unpadded(today)),
        ("end_time", iso(today)),
    ])
    .await;
    assert_eq!(ids(&today_only), vec![second.clone(), first.clone()]);
    assert_eq!(list(vec![("start_time", iso(tomorrow))]).await["total"], 0);
    assert_eq!(
        list(vec![("end_time", unpadded(yesterday))]).await["total"],
        0
    );
    assert_eq!(list(vec![("start_time", iso(yesterday))]).await["total"], 2);

    assert_eq!(list(vec![("pay_status", "1".into())]).await["total"], 2);
    assert_eq!(list(vec![("pay_status", "0".into())]).await["total"], 0);

    // The same filters on seeded flow orders with known dates and an unpaid order. The API
    // sends `created_at` as a string or a number: the second order has a number.
    let mut numeric = flow_order("2205011200000002", 1_651_406_400, 1); // 2022-05-01 12:00 UTC
    numeric["created_at"] = json!(1_651_406_400);
    let seeded = Sandbox::builder()
        .seed(json!({"10001": {"flow": [
            flow_order("2204301200000001", 1_651_320_000, 1), // 2022-04-30 12:00 UTC
            numeric,
            flow_order("2205311200000003", 1_653_998_400, 0), // 2022-05-31 12:00 UTC
            flow_order("2206011200000004", 1_654_084_800, 1), // 2022-06-01 12:00 UTC
        ]}}))
        .start()
        .await
        .unwrap();
    let flow = |fields: &'static [(&'static str, &'static str)]| {
        let sandbox = &seeded;
        async move { ok(call(sandbox, "flow_order_list", fields).await) }
    };
    let may = flow(&[("start_time", "2022-5-1"), ("end_time", "2022-5-31")]).await;
    assert_eq!(ids(&may), vec!["2205311200000003", "2205011200000002"]);
    let paid_may = flow(&[
        ("start_time", "2022-05-01"),
        ("end_time", "2022-05-31"),
        ("pay_status", "1"),
    ])
    .await;
    assert_eq!(ids(&paid_may), vec!["2205011200000002"]);
    let unpaid = flow(&[("pay_status", "0")]).await;
    assert_eq!(ids(&unpaid), vec!["2205311200000003"]);
    let one = flow(&[("order_id", "2206011200000004")]).await;
    assert_eq!(ids(&one), vec!["2206011200000004"]);
}

#[tokio::test]
async fn accounts_are_separate() {
    let sandbox = Sandbox::builder()
        .account("20001", "key-a")
        .account("20002", "key-b")
        .start()
        .await
        .unwrap();
    assert_eq!(sandbox.uid(), "20001");
    assert_eq!(sandbox.appkey(), "key-a");
    // The default account exists only without explicit ones.
    refused(call_as(&sandbox, "isp_order_list", "10001", "sandbox-appkey", &[]).await);
    // One account's key does not open the other.
    refused(call_as(&sandbox, "isp_order_list", "20002", "key-a", &[]).await);

    let a = ok(call_as(
        &sandbox,
        "isp_ip_open",
        "20001",
        "key-a",
        &[("region", "hk"), ("duration", "weekly"), ("num", "1")],
    )
    .await);
    let a_list = ok(call_as(&sandbox, "isp_order_list", "20001", "key-a", &[]).await);
    assert_eq!(a_list["data"][0]["order_id"], a["order_id"]);
    let b_list = ok(call_as(&sandbox, "isp_order_list", "20002", "key-b", &[]).await);
    assert_eq!(b_list["total"], 0);

    // B cannot renew A's IP.
    let a_ip = a_list["data"][0]["ips"][0].as_str().unwrap().to_owned();
    let msg = refused(
        call_as(
            &sandbox,
            "isp_ip_renew",
            "20002",
            "key-b",
            &[("renew_ip_list", &a_ip), ("duration", "weekly")],
        )
        .await,
    );
    assert!(msg.contains(&a_ip), "{msg}");
    assert!(sandbox.orders("20002", Product::Isp).is_empty());
    assert_eq!(sandbox.orders("20001", Product::Isp).len(), 1);
}

#[tokio::test]
async fn only_owned_ips_can_be_renewed() {
    let sandbox = Sandbox::start().await.unwrap();
    open_isp(&sandbox, "2").await;
    let dc = ok(call(
        &sandbox,
        "static_ip_open",
        &[("region", "us"), ("duration", "week"), ("num", "1")],
    )
    .await);
    let isp_ips: Vec<String> = sandbox.orders("10001", Product::Isp)[0]["ips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ip| ip.as_str().unwrap().to_owned())
        .collect();
    let dc_ip = sandbox.orders("10001", Product::Datacenter)[0]["ips"][0]
        .as_str()
        .unwrap()
        .to_owned();

    // An IP nobody owns; the message names it.
    let msg = refused(
        call(
            &sandbox,
            "isp_ip_renew",
            &[
                ("renew_ip_list", &format!("{},156.237.250.250", isp_ips[0])),
                ("duration", "weekly"),
            ],
        )
        .await,
    );
    assert!(msg.contains("`156.237.250.250`"), "{msg}");
    // An IP of the other product line.
    let msg = refused(
        call(
            &sandbox,
            "isp_ip_renew",
            &[("renew_ip_list", &dc_ip), ("duration", "weekly")],
        )
        .await,
    );
    assert!(msg.contains(&dc_ip) && msg.contains("ISP"), "{msg}");
    assert_eq!(sandbox.orders("10001", Product::Isp).len(), 1);

    // Own IPs: a renew order, in the list with its IPs.
    let joined = format!("{}, {}", isp_ips[0], isp_ips[1]);
    let renewed = ok(call(
        &sandbox,
        "isp_ip_renew",
        &[
            ("renew_ip_list", &joined),
            ("duration", "monthly"),
            ("remark", "续费"),
        ],
    )
    .await);
    let list = ok(call(&sandbox, "isp_order_list", &[]).await);
    assert_eq!(list["total"], 2);
    let renew = &list["data"][0];
    assert_eq!(renew["order_id"], renewed["order_id"]);
    assert_eq!(renew["kind"], "renew");
    assert_eq!(renew["duration"], "monthly");
    assert_eq!(renew["region"], "hk");
    assert_eq!(renew["num"], 2);
    assert_eq!(renew["ips"], json!(isp_ips));
    assert_eq!(renew["remark"], "续费");

    // The datacenter line renews its own.
    let dc_renew = ok(call(
        &sandbox,
        "static_ip_renew",
        &[("renew_ip_list", &dc_ip), ("duration", "season")],
    )
    .await);
    assert_ne!(dc_renew["order_id"], dc["order_id"]);
    let dc_list = ok(call(&sandbox, "datacenter_order_list", &[]).await);
    assert_eq!(dc_list["total"], 2);
    assert_eq!(dc_list["data"][0]["kind"], "renew");
}

#[tokio::test]
async fn a_seed_file_loads_flow_orders() {
    let path = temp_path("seed.json");
    let seed = json!({
        "10001": {
            "flow": [flow_order("2205211052185894", 1_653_101_538, 1)],
            "mobile_flow": [
                flow_order("2205211052185895", 1_653_101_539, 1),
                flow_order("2205211052185896", 1_653_101_540, 0)
            ]
        }
    });
    std::fs::write(&path, seed.to_string()).unwrap();
    let sandbox = Sandbox::builder()
        .seed_file(&path)
        .unwrap()
        .start()
        .await
        .unwrap();
    let _ = std::fs::remove_file(&path);

    let flow = ok(call(&sandbox, "flow_order_list", &[]).await);
    assert_eq!(flow["total"], 1);
    // The record comes back as seeded, in the vendor's shape.
    assert_eq!(flow["data"][0], seed["10001"]["flow"][0]);
    assert_eq!(flow["data"][0]["money"], "0.01");
    let mobile = ok(call(&sandbox, "mobile_flow_order_list", &[]).await);
    assert_eq!(mobile["total"], 2);
    assert_eq!(mobile["data"][0]["order_id"], "2205211052185896");
    assert_eq!(sandbox.orders("10001", Product::MobileFlow).len(), 2);
    assert_eq!(ok(call(&sandbox, "isp_order_list", &[]).await)["total"], 0);

    // Seeds are checked against the spec when the sandbox starts.
    let mut bad = flow_order("1", 1, 1);
    bad["pay_status"] = json!(7);
    let error = Sandbox::builder()
        .seed(json!({"10001": {"flow": [bad]}}))
        .start()
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("10001.flow[0]") && text.contains("pay_status"),
        "{text}"
    );

    let error = Sandbox::builder()
        .seed(json!({"42": {"flow": []}}))
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("uid `42`"), "{error}");

    let error = Sandbox::builder()
        .seed(json!({"10001": {"isp": []}}))
        .start()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("`flow` or `mobile_flow`"),
        "{error}"
    );

    let missing = Sandbox::builder().seed_file(temp_path("missing.json"));
    assert!(
        missing
            .unwrap_err()
            .to_string()
            .contains("cannot read the seed file")
    );
}

#[tokio::test]
async fn concurrent_opens_all_land() {
    let sandbox = Sandbox::start().await.unwrap();
    let calls = (0..20).map(|_| open_isp(&sandbox, "1"));
    let ids: HashSet<String> = futures_util::future::join_all(calls)
        .await
        .into_iter()
        .collect();
    assert_eq!(ids.len(), 20);
    assert_eq!(sandbox.orders("10001", Product::Isp).len(), 20);
    assert_eq!(ok(call(&sandbox, "isp_order_list", &[]).await)["total"], 20);
}
