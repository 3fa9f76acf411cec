//! Page streams fetch one page at a time, in order, and stop at the last page.

mod common;

use common::client;
use futures_util::{StreamExt, TryStreamExt};
use ipidea::{FlowOrderListRequest, IspOrderListRequest};
use ipidea_tests::{RecordingServer, Reply};
use serde_json::json;

/// A page of `flow_order_list` with `ids` as the order ids.
fn page(current: u64, last: u64, ids: &[u64]) -> Reply {
    let spec = ipidea_spec::bundled();
    let example = &spec.endpoint("flow_order_list").unwrap().examples[0].response;
    let record = example["ret_data"]["data"][0].clone();
    let items: Vec<_> = ids
        .iter()
        .map(|id| {
            let mut item = record.clone();
            item["order_id"] = json!(id.to_string());
            item
        })
        .collect();
    let body = json!({
        "ret": 0, "code": "1", "msg": "success", "timestamp": 1653375000,
        "ret_data": { "total": 5, "per_page": "2", "current_page": current, "last_page": last, "data": items },
    });
    Reply::json(body.to_string())
}

async fn pages_requested(server: &RecordingServer) -> Vec<String> {
    let mut pages = Vec::new();
    for request in server.requests() {
        pages.push(request.field("page").await.unwrap_or_default());
    }
    pages
}

#[tokio::test]
async fn every_item_of_every_page_in_order() {
    let server = RecordingServer::start().await;
    server.reply(page(1, 3, &[1, 2]));
    server.reply(page(2, 3, &[3, 4]));
    server.reply(page(3, 3, &[5]));
    let orders: Vec<_> = client(&server)
        .flow_order_list_stream(FlowOrderListRequest::default().limit(2))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = orders.iter().map(|o| o.order_id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    assert_eq!(pages_requested(&server).await, ["1", "2", "3"]);
    for request in server.requests() {
        assert_eq!(
            request.field("limit").await.as_deref(),
            Some("2"),
            "the filters stay on every page"
        );
    }
}

#[tokio::test]
async fn it_starts_at_the_requested_page() {
    let server = RecordingServer::start().await;
    server.reply(page(2, 3, &[3, 4]));
    server.reply(page(3, 3, &[5]));
    let orders: Vec<_> = client(&server)
        .flow_order_list_stream(FlowOrderListRequest::default().page(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(orders.len(), 3);
    assert_eq!(pages_requested(&server).await, ["2", "3"]);
}

#[tokio::test]
async fn it_stops_at_an_empty_page_even_if_more_are_claimed() {
    let server = RecordingServer::start().await;
    server.reply(page(1, 50, &[1]));
    server.reply(page(2, 50, &[]));
    let orders: Vec<_> = client(&server)
        .flow_order_list_stream(FlowOrderListRequest::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn nothing_is_fetched_until_the_stream_is_read() {
    let server = RecordingServer::start().await;
    server.set_default(page(1, 3, &[1, 2]));
    let mut stream = client(&server).flow_order_list_stream(FlowOrderListRequest::default());
    assert!(server.requests().is_empty());
    stream.next().await.unwrap().unwrap();
    stream.next().await.unwrap().unwrap();
    assert_eq!(server.requests().len(), 1, "two items came from one page");
}

#[tokio::test]
async fn a_failed_page_ends_the_stream_with_its_error() {
    let server = RecordingServer::start().await;
    server.reply(page(1, 3, &[1, 2]));
    server.set_default(Reply::json(
        r#"{"ret":403,"code":"0","msg":"appkey expired","ret_data":[]}"#,
    ));
    let items: Vec<_> = client(&server)
        .flow_order_list_stream(FlowOrderListRequest::default())
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok() && items[1].is_ok());
    assert!(matches!(&items[2], Err(ipidea::Error::Api { msg, .. }) if msg == "appkey expired"));
}

#[tokio::test]
async fn untyped_pages_stream_too() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(r#"{"ret":0,"code":"1","msg":"success","ret_data":{"total":0,"per_page":"15","current_page":1,"last_page":0,"data":[]}}"#));
    let items: Vec<_> = client(&server)
        .isp_order_list_stream(IspOrderListRequest::default())
        .try_collect()
        .await
        .unwrap();
    assert!(items.is_empty());
    assert_eq!(server.requests().len(), 1);
}
