//! The client's contract as a type: shareable across tasks, one connection pool.

mod common;

use common::{client, example_response};
use ipidea::{Client, IspDuration, IspIpOpenRequest, IspOrderListRequest};
use ipidea_tests::{RecordingServer, Reply};

fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}
fn assert_send<T: Send>(_: &T) {}

#[test]
fn the_client_and_its_futures_can_cross_threads() {
    assert_send_sync_clone::<Client>();
    assert_send_sync_clone::<IspIpOpenRequest>();
    let client = Client::new("1", "k").unwrap();
    assert_send(&client.isp_ip_open(IspIpOpenRequest::new("hk", IspDuration::Weekly, 1)));
    assert_send(&client.isp_order_list_stream(IspOrderListRequest::default()));
}

#[tokio::test]
async fn clones_share_one_connection_pool() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(example_response("isp_order_list")));
    let client = client(&server);
    for _ in 0..5 {
        let clone = client.clone();
        tokio::spawn(async move { clone.isp_order_list(IspOrderListRequest::default()).await })
            .await
            .unwrap()
            .unwrap();
    }
    assert_eq!(server.requests().len(), 5);
    assert_eq!(
        server.connections(),
        1,
        "sequential calls reuse one connection"
    );
}

#[tokio::test]
async fn requests_name_the_client_in_their_user_agent() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(example_response("isp_order_list")));
    client(&server)
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].header("user-agent"),
        Some(concat!("ipidea-rs/", env!("CARGO_PKG_VERSION")))
    );
}
