//! Failures reach the caller as the right `Error` kind, money-spending calls are never sent
//! twice, and bad values are refused before anything is sent.

mod common;

use std::time::Duration;

use common::{client, example_response};
use ipidea::{
    Error, FlowOrderListRequest, IspDuration, IspIpOpenRequest, IspIpRenewRequest,
    IspOrderListRequest,
};
use ipidea_tests::{RecordingServer, Reply};

const REFUSAL: &str =
    r#"{"ret":1001,"code":"0","msg":"余额不足","ret_data":[],"timestamp":1695195894}"#;

fn open_request() -> IspIpOpenRequest {
    IspIpOpenRequest::new("hk", IspDuration::Weekly, 1)
}

#[tokio::test]
async fn a_refusal_carries_ret_code_and_msg() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(REFUSAL));
    let error = client(&server)
        .isp_ip_open(open_request())
        .await
        .unwrap_err();
    match &error {
        Error::Api {
            endpoint,
            ret,
            code,
            msg,
            timestamp,
        } => {
            assert_eq!(*endpoint, "isp_ip_open");
            assert_eq!(*ret, 1001);
            assert_eq!(code.as_deref(), Some("0"));
            assert_eq!(msg, "余额不足");
            assert_eq!(timestamp.map(|t| t.timestamp()), Some(1_695_195_894));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(error.to_string().contains("余额不足"), "{error}");
    assert_eq!(
        server.requests().len(),
        1,
        "a refusal is final: not retried"
    );
}

#[tokio::test]
async fn an_html_500_on_a_list_is_retried_then_reported_as_status() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::html_500());
    let error = client(&server)
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap_err();
    match &error {
        Error::Status {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(status.as_u16(), 500);
            assert!(
                body_excerpt.contains("500 Internal Server Error"),
                "{body_excerpt}"
            );
        }
        other => panic!("expected a status error, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 3, "three attempts in all");
}

#[tokio::test]
async fn a_list_recovers_when_a_retry_succeeds() {
    let server = RecordingServer::start().await;
    server.reply(Reply::html_500());
    server.reply(Reply::Drop);
    server.set_default(Reply::json(example_response("flow_order_list")));
    let page = client(&server)
        .flow_order_list(FlowOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn an_html_500_on_an_order_is_sent_once_and_outcome_unknown() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::html_500());
    let error = client(&server)
        .isp_ip_open(open_request().remark("batch 7"))
        .await
        .unwrap_err();
    let Error::OutcomeUnknown { request, source } = &error else {
        panic!("expected outcome unknown, got {error:?}")
    };
    assert!(matches!(**source, Error::Status { .. }), "{source:?}");
    assert_eq!(request.endpoint, "isp_ip_open");
    assert_eq!(request.field("remark"), Some("batch 7"));
    assert_eq!(
        request.field("appkey"),
        None,
        "credentials are not kept in the error"
    );
    assert!((ipidea::chrono::Utc::now() - request.sent_at).num_seconds() < 60);
    assert_eq!(
        server.requests().len(),
        1,
        "a money-spending call is never sent twice"
    );
}

#[tokio::test]
async fn a_dropped_connection_on_an_order_is_outcome_unknown() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::Drop);
    let error = client(&server)
        .isp_ip_renew(IspIpRenewRequest::new(
            ["1.2.3.4".parse().unwrap()],
            IspDuration::Monthly,
        ))
        .await
        .unwrap_err();
    let Error::OutcomeUnknown { source, .. } = &error else {
        panic!("expected outcome unknown, got {error:?}")
    };
    assert!(matches!(**source, Error::Transport { .. }), "{source:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::truncated(
        &example_response("flow_order_list")[..200],
    ));
    let error = client(&server)
        .flow_order_list(FlowOrderListRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(server.requests().len(), 3, "a list is retried");
}

#[tokio::test]
async fn a_complete_but_cut_json_body_is_a_decode_error_with_an_excerpt() {
    let server = RecordingServer::start().await;
    let body = example_response("flow_order_list");
    server.set_default(Reply::json(&body[..250]));
    let error = client(&server)
        .flow_order_list(FlowOrderListRequest::default())
        .await
        .unwrap_err();
    match &error {
        Error::Decode {
            body_excerpt,
            message,
            ..
        } => {
            assert!(
                body.starts_with(body_excerpt.trim_end_matches('…')),
                "{body_excerpt}"
            );
            assert!(message.contains("EOF"), "{message}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(
        server.requests().len(),
        1,
        "a decode error is not transient"
    );
}

#[tokio::test]
async fn a_slow_server_is_a_timeout() {
    let server = RecordingServer::start().await;
    server.set_default(
        Reply::json(example_response("isp_order_list")).delayed(Duration::from_secs(5)),
    );
    let client = client(&server).with_timeout(Duration::from_millis(200));
    let started = std::time::Instant::now();
    let error = client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Timeout { after, .. } if after == Duration::from_millis(200)),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the timeout cut the wait"
    );
}

#[tokio::test]
async fn a_slow_order_is_a_timeout_with_unknown_outcome() {
    let server = RecordingServer::start().await;
    server
        .set_default(Reply::json(example_response("isp_ip_open")).delayed(Duration::from_secs(5)));
    let error = client(&server)
        .with_timeout(Duration::from_millis(200))
        .isp_ip_open(open_request())
        .await
        .unwrap_err();
    let Error::OutcomeUnknown { source, .. } = &error else {
        panic!("expected outcome unknown, got {error:?}")
    };
    assert!(matches!(**source, Error::Timeout { .. }));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_a_plain_transport_error_even_for_orders() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = ipidea::Client::builder()
        .credential("uid", "1")
        .credential("appkey", "k")
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let error = client.isp_ip_open(open_request()).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { .. }),
        "nothing reached a server, so the outcome is known: {error:?}"
    );
}

#[tokio::test]
async fn bad_values_are_refused_before_anything_is_sent() {
    let server = RecordingServer::start().await;
    let client = client(&server);
    let cases: Vec<(Error, &str, &str)> = vec![
        (
            client
                .isp_ip_open(IspIpOpenRequest::new("hk", IspDuration::Weekly, 0))
                .await
                .unwrap_err(),
            "num",
            "must be at least 1, got 0",
        ),
        (
            client
                .isp_ip_open(IspIpOpenRequest::new("", IspDuration::Weekly, 1))
                .await
                .unwrap_err(),
            "region",
            "must have at least 1 characters, got \"\"",
        ),
        (
            client
                .isp_ip_renew(IspIpRenewRequest::new([], IspDuration::Weekly))
                .await
                .unwrap_err(),
            "renew_ip_list",
            "must list at least 1 items, got 0",
        ),
        (
            client
                .isp_ip_open(IspIpOpenRequest::new(
                    "hk",
                    IspDuration::from_wire("yearly"),
                    1,
                ))
                .await
                .unwrap_err(),
            "duration",
            "is `yearly`, a value this client does not know",
        ),
        (
            client
                .flow_order_list(FlowOrderListRequest::default().page(0))
                .await
                .unwrap_err(),
            "page",
            "must be at least 1, got 0",
        ),
    ];
    for (error, expected, why) in cases {
        match error {
            Error::InvalidInput { field, reason, .. } => {
                assert_eq!((field, reason.as_str()), (expected, why));
            }
            other => panic!("expected invalid input on `{expected}`, got {other:?}"),
        }
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn an_oversized_body_is_an_error_not_a_crash() {
    let server = RecordingServer::start().await;
    let padding = "x".repeat(64 * 1024);
    server.set_default(Reply::json(format!(
        r#"{{"ret":0,"code":"1","msg":"{padding}","ret_data":[]}}"#
    )));
    let client = ipidea::Client::builder()
        .credential("uid", "1")
        .credential("appkey", "k")
        .base_url(server.url())
        .max_response_bytes(16 * 1024)
        .build()
        .unwrap();
    let error = client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 16384, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn configuration_problems_are_reported_together() {
    let error = ipidea::Client::builder()
        .base_url("http://api.example.com")
        .build()
        .unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, Error::Config(_)));
    assert!(
        text.contains("`uid` is not set") && text.contains("`appkey` is not set"),
        "{text}"
    );
    assert!(text.contains("clear text"), "{text}");
    let insecure = ipidea::Client::builder()
        .credential("uid", "1")
        .credential("appkey", "k")
        .base_url("http://api.example.com")
        .allow_insecure_http(true)
        .build();
    assert!(insecure.is_ok());
}

#[tokio::test]
async fn the_appkey_never_shows_in_debug_or_errors() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::html_500());
    let client = client(&server);
    assert!(
        !format!("{client:?}").contains(common::APPKEY),
        "{client:?}"
    );
    assert!(format!("{client:?}").contains("uid=3716"));
    let error = client.isp_ip_open(open_request()).await.unwrap_err();
    assert!(!format!("{error:?}{error}").contains(common::APPKEY));
}
