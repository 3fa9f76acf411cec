//! Each call is traced in one span, and the appkey never reaches the trace; a request sent
//! again through a new gateway session is traced with the session, never the password.
//!
//! Alone in its binary: tracing caches per call site whether anyone listens, so a test that
//! sets a thread-local subscriber must not share its process with tests that call the client
//! without one.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{APPKEY, client, example_response};
use ipidea::IspOrderListRequest;
use ipidea_tests::{RecordingServer, Reply};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// What has been written so far.
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A subscriber for this thread that writes everything into `captured`.
fn capture(captured: &Captured) -> tracing::subscriber::DefaultGuard {
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_default(subscriber)
}

#[tokio::test]
async fn each_call_has_a_span_and_the_appkey_is_never_traced() {
    let captured = Captured::default();
    let _guard = capture(&captured);
    let server = RecordingServer::start().await;
    server.reply(Reply::html_500());
    server.set_default(Reply::json(example_response("isp_order_list")));
    client(&server)
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    let text = captured.text();
    assert!(text.contains("ipidea.call"), "{text}");
    assert!(text.contains("endpoint=\"isp_order_list\""), "{text}");
    assert!(text.contains("retrying an idempotent call"), "{text}");
    assert!(!text.contains(APPKEY), "{text}");
}

#[tokio::test]
async fn a_request_sent_again_through_a_new_session_is_traced_without_the_password() {
    use ipidea_sandbox::Sandbox;
    use ipidea_sandbox::proxy::ProxyFault;

    let captured = Captured::default();
    let _guard = capture(&captured);
    let sandbox = Sandbox::start().await.unwrap();
    let sessions = common::sandbox_sessions(&sandbox);
    let broken = common::break_session(&sandbox, &sessions, "alice", ProxyFault::DropMidRequest);
    let request = common::request(ipidea::reqwest::Method::GET, sandbox.echo_url(), None);
    let answer = sessions.execute("alice", request).await.unwrap();
    assert!(answer.status().is_success());
    let text = captured.text();
    assert!(text.contains("ipidea::pool"), "{text}");
    assert!(
        text.contains(&format!("via=session {broken}")),
        "the failed session named: {text}"
    );
    assert!(text.contains("sending again"), "{text}");
    assert!(!text.contains(sandbox.gateway_password()), "{text}");
}
