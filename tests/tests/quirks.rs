//! Responses that drift from the vendor's examples still decode: numbers as strings and back,
//! fields the spec does not know, `ret_data: []`, `code` as a number, unknown enum values, and
//! `exec_data` (JSON inside a string) kept as sent.

mod common;

use common::{client, example_response};
use ipidea::{FlowOrderListRequest, IspDuration, IspIpOpenRequest, IspOrderListRequest, PayStatus};
use ipidea_tests::{RecordingServer, Reply};
use serde_json::{Value, json};

/// The vendor's flow-order page with `edit` applied to its envelope.
fn drifted(edit: impl FnOnce(&mut Value)) -> String {
    let mut body: Value = serde_json::from_str(&example_response("flow_order_list")).unwrap();
    edit(&mut body);
    body.to_string()
}

async fn flow_page(body: String) -> Result<ipidea::Response<ipidea::FlowOrderPage>, ipidea::Error> {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(body));
    client(&server)
        .flow_order_list(FlowOrderListRequest::default())
        .await
}

#[tokio::test]
async fn numbers_and_strings_swap_places() {
    let body = drifted(|b| {
        let order = &mut b["ret_data"]["data"][0];
        order["recharge_id"] = json!("4055");
        order["created_at"] = json!(1_653_101_538);
        order["pay_time"] = json!("1653102165");
        order["money"] = json!(0.01);
        order["pay_status"] = json!("1");
        order["pay_type"] = json!(13);
        b["ret_data"]["per_page"] = json!(15);
        b["ret_data"]["current_page"] = json!("1");
        b["ret"] = json!("0");
    });
    let page = flow_page(body).await.unwrap();
    let order = &page.items[0];
    assert_eq!(order.recharge_id, 4055);
    assert_eq!(order.created_at.timestamp(), 1_653_101_538);
    assert_eq!(order.pay_time.map(|t| t.timestamp()), Some(1_653_102_165));
    assert_eq!(order.money.to_string(), "0.01");
    assert_eq!(order.pay_status, PayStatus::Paid);
    assert_eq!(order.pay_type, "13");
    assert_eq!((page.per_page, page.current_page), (15, 1));
}

#[tokio::test]
async fn new_fields_are_kept_reachable() {
    let body = drifted(|b| {
        b["ret_data"]["data"][0]["loyalty_points"] = json!(42);
        b["ret_data"]["next_cursor"] = json!("abc");
        b["request_id"] = json!("r-1");
    });
    let page = flow_page(body).await.unwrap();
    assert_eq!(page.items[0].extra["loyalty_points"], json!(42));
    assert_eq!(page.data.extra["next_cursor"], json!("abc"));
    assert_eq!(page.extra["request_id"], json!("r-1"));
}

#[tokio::test]
async fn an_unknown_enum_value_decodes_and_is_kept() {
    let body = drifted(|b| b["ret_data"]["data"][0]["pay_status"] = json!(7));
    let page = flow_page(body).await.unwrap();
    assert_eq!(page.items[0].pay_status, PayStatus::Unknown("7".to_owned()));
    assert_eq!(page.items[0].pay_status.to_string(), "7");
}

#[tokio::test]
async fn missing_nullable_fields_are_none() {
    let body = drifted(|b| {
        let order = b["ret_data"]["data"][0].as_object_mut().unwrap();
        order.remove("mark");
        order.remove("pay_time");
    });
    let page = flow_page(body).await.unwrap();
    assert_eq!(page.items[0].mark, None);
    assert_eq!(page.items[0].pay_time, None);
}

#[tokio::test]
async fn ret_data_as_an_empty_list_is_an_empty_page() {
    let page = flow_page(
        r#"{"ret":0,"code":"1","msg":"success","ret_data":[],"timestamp":1653375000}"#.into(),
    )
    .await
    .unwrap();
    assert_eq!(page.total, 0);
    assert!(page.items.is_empty());
}

#[tokio::test]
async fn an_empty_object_for_the_item_list_is_an_empty_list() {
    let body = drifted(|b| b["ret_data"]["data"] = json!({}));
    assert!(flow_page(body).await.unwrap().items.is_empty());
}

#[tokio::test]
async fn code_as_a_number_and_a_missing_timestamp() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(
        r#"{"ret":0,"code":1,"msg":"添加成功!","ret_data":{"order_id":"2309200344533229"}}"#,
    ));
    let order = client(&server)
        .isp_ip_open(IspIpOpenRequest::new("hk", IspDuration::Weekly, 1))
        .await
        .unwrap();
    assert_eq!(order.code.as_deref(), Some("1"));
    assert_eq!(order.timestamp, None);
    assert_eq!(order.order_id, "2309200344533229");
}

#[tokio::test]
async fn an_order_id_sent_as_a_number_stays_exact() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(
        r#"{"ret":0,"code":"1","msg":"ok","ret_data":{"order_id":2309200344533229}}"#,
    ));
    let order = client(&server)
        .isp_ip_open(IspIpOpenRequest::new("hk", IspDuration::Weekly, 1))
        .await
        .unwrap();
    assert_eq!(order.order_id, "2309200344533229");
}

#[tokio::test]
async fn untyped_order_items_are_json() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(
        r#"{"ret":0,"code":"1","msg":"success","ret_data":{"total":1,"per_page":"15","current_page":1,"last_page":1,"data":[{"order_id":"1","ips":["1.2.3.4"]}]}}"#,
    ));
    let page = client(&server)
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items[0]["ips"][0], "1.2.3.4");
}

#[tokio::test]
async fn a_field_of_the_wrong_type_names_its_path() {
    let body = drifted(|b| b["ret_data"]["data"][0]["money"] = json!("lots"));
    match flow_page(body).await.unwrap_err() {
        ipidea::Error::Decode {
            message,
            body_excerpt,
            ..
        } => {
            assert!(message.contains("ret_data.data[0].money"), "{message}");
            assert!(body_excerpt.starts_with(r#"{"ret":0"#), "{body_excerpt}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_non_envelope_is_a_decode_error() {
    for body in ["[]", "null", r#"{"code":"1"}"#, "not json"] {
        match flow_page(body.to_owned()).await.unwrap_err() {
            ipidea::Error::Decode { body_excerpt, .. } => assert_eq!(body_excerpt, body),
            other => panic!("{body}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn exec_data_keeps_its_text_and_decodes_on_demand() {
    let body = drifted(|b| {
        let mut second = b["ret_data"]["data"][0].clone();
        b["ret_data"]["data"][0]["exec_data"] = json!(r#"{"TYPE": "CHARGE", "N": [1, 2]}"#);
        // A server that starts sending the JSON itself rather than its text.
        second["exec_data"] = json!({"TYPE": "CHARGE", "N": [1, 2]});
        b["ret_data"]["data"].as_array_mut().unwrap().push(second);
    });
    let page = flow_page(body).await.unwrap();
    let (sent_as_text, sent_as_json) = (&page.items[0].exec_data, &page.items[1].exec_data);
    assert_eq!(sent_as_text.as_str(), r#"{"TYPE": "CHARGE", "N": [1, 2]}"#);
    assert_eq!(sent_as_text.value()["N"][1], 2);
    assert_eq!(sent_as_text.clone().into_value()["N"][1], 2);
    #[derive(serde::Deserialize, PartialEq, Debug)]
    struct Exec {
        #[serde(rename = "TYPE")]
        kind: String,
        #[serde(rename = "N")]
        n: Vec<u8>,
    }
    let expected = Exec {
        kind: "CHARGE".to_owned(),
        n: vec![1, 2],
    };
    assert_eq!(sent_as_text.parse::<Exec>().unwrap(), expected);
    assert_eq!(sent_as_json.parse::<Exec>().unwrap(), expected);
    // Equal as JSON, whatever the spacing.
    assert_eq!(sent_as_text, sent_as_json);
}

#[tokio::test]
async fn exec_data_that_is_not_json_is_a_decode_error_naming_it() {
    let body = drifted(|b| b["ret_data"]["data"][0]["exec_data"] = json!("{\"TYPE\": "));
    match flow_page(body).await.unwrap_err() {
        ipidea::Error::Decode { message, .. } => {
            assert!(message.contains("ret_data.data[0].exec_data"), "{message}");
            assert!(
                message.contains("expected JSON inside the string"),
                "{message}"
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}
