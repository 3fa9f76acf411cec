//! The client's contract as a type: shareable across tasks, and traced without secrets.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{APPKEY, client, example_response};
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

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_call_has_a_span_and_the_appkey_is_never_traced() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = RecordingServer::start().await;
    server.reply(Reply::html_500());
    server.set_default(Reply::json(example_response("isp_order_list")));
    client(&server)
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("ipidea.call"), "{text}");
    assert!(text.contains("endpoint=\"isp_order_list\""), "{text}");
    assert!(text.contains("retrying an idempotent call"), "{text}");
    assert!(!text.contains(APPKEY), "{text}");
}
