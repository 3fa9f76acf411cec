//! Failures reach the caller as the right `Error` kind, money-spending calls are never sent
//! twice, and bad values are refused before anything is sent.

mod common;

use std::time::Duration;

use common::{client, example_response};
use ipidea::{
    Error, FlowOrderListRequest, IspDuration, IspIpOpenRequest, IspIpRenewRequest,
    IspOrderListRequest,
};
use ipidea_tests::{DEFAULT_REPLY_BODY, RecordingServer, Reply};

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
            refusal,
        } => {
            assert_eq!(*endpoint, "isp_ip_open");
            assert_eq!(*refusal, None, "no kind the spec names");
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
    let error = tokio::time::timeout(
        Duration::from_secs(10),
        client(&server).isp_order_list(IspOrderListRequest::default()),
    )
    .await
    .expect("the retries stop after the last attempt")
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
    // A client that sent it again and again would never return: give it ten seconds.
    let error = tokio::time::timeout(
        Duration::from_secs(10),
        client(&server).isp_ip_open(open_request().remark("batch 7")),
    )
    .await
    .expect("an order is not retried")
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
    // The message names the cause, which reqwest's own top-level message leaves out.
    let text = error.to_string().to_lowercase();
    assert!(text.contains("refused"), "{text}");
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
    let unknown = ipidea::Client::builder()
        .credential("uid", "1")
        .credential("appkey", "k")
        .credential("token", "t")
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        unknown.contains("`token` is not a credential of this API (it takes uid, appkey)"),
        "{unknown}"
    );
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
    let shown = format!("{:?}", common::builder(&server));
    assert!(
        shown.contains("ClientBuilder")
            && shown.contains("\"appkey\"")
            && shown.contains(&server.url()),
        "the builder shows its settings and the names of its credentials: {shown}"
    );
    assert!(!shown.contains(common::APPKEY), "{shown}");
    let client = client(&server);
    assert!(
        !format!("{client:?}").contains(common::APPKEY),
        "{client:?}"
    );
    assert!(format!("{client:?}").contains("uid=3716"));
    let error = client.isp_ip_open(open_request()).await.unwrap_err();
    assert!(!format!("{error:?}{error}").contains(common::APPKEY));
}

/// A client of `server` whose own backoff is 1 ms, so any longer wait is the server's.
fn patient_client(server: &RecordingServer, max_backoff: Duration) -> ipidea::Client {
    common::builder(server)
        .retry_policy(ipidea::RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff,
        })
        .build()
        .unwrap()
}

/// How long after the first request the second one arrived.
fn gap_between_attempts(server: &RecordingServer) -> Duration {
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one retry");
    requests[1].arrived.duration_since(requests[0].arrived)
}

#[tokio::test]
async fn a_retry_waits_as_the_servers_retry_after_says() {
    for status in [503, 429] {
        let server = RecordingServer::start().await;
        server.reply(Reply::status(status, "{}").with_header("retry-after", "1"));
        server.set_default(Reply::json(example_response("flow_order_list")));
        let page = patient_client(&server, Duration::from_secs(5))
            .flow_order_list(FlowOrderListRequest::default())
            .await
            .unwrap();
        assert_eq!(page.items.len(), 1);
        let gap = gap_between_attempts(&server);
        assert!(
            gap >= Duration::from_millis(990),
            "HTTP {status} with `Retry-After: 1`: the retry came {gap:?} after the first try"
        );
    }
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_waits_for_the_cap() {
    let server = RecordingServer::start().await;
    server.reply(Reply::status(503, "{}").with_header("retry-after", "3600"));
    server.set_default(Reply::json(example_response("flow_order_list")));
    let client = patient_client(&server, Duration::from_millis(300));
    let page = tokio::time::timeout(
        Duration::from_secs(60),
        client.flow_order_list(FlowOrderListRequest::default()),
    )
    .await
    .expect("the wait is capped at `max_backoff`, not an hour")
    .unwrap();
    assert_eq!(page.items.len(), 1);
    let gap = gap_between_attempts(&server);
    assert!(gap >= Duration::from_millis(290), "{gap:?}");
}

#[tokio::test]
async fn a_retry_after_on_an_order_sends_nothing_again() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::status(429, "{}").with_header("retry-after", "1"));
    let error = patient_client(&server, Duration::from_secs(5))
        .isp_ip_open(open_request())
        .await
        .unwrap_err();
    match error {
        Error::Status {
            status,
            retry_after,
            ..
        } => {
            assert_eq!(status.as_u16(), 429);
            assert_eq!(
                retry_after,
                Some(Duration::from_secs(1)),
                "kept for the caller"
            );
        }
        other => panic!("a 429 refused the order: {other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

/// A success envelope padded with spaces to exactly `len` bytes.
fn body_of_len(len: usize) -> String {
    let body = DEFAULT_REPLY_BODY;
    assert!(body.len() <= len);
    format!("{body}{}", " ".repeat(len - body.len()))
}

/// A client of `server` that sends each call once and reads at most `limit` bytes of a body.
fn capped_client(server: &RecordingServer, limit: usize) -> ipidea::Client {
    common::builder(server)
        .retry_policy(ipidea::RetryPolicy::none())
        .max_response_bytes(limit)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_body_at_the_cap_is_read_and_one_byte_over_is_refused() {
    const LIMIT: usize = 1000;
    // With a `Content-Length`, and chunked without one (in chunks that do not divide the cap,
    // so a check for an exact sum would miss the overflow).
    type Shape = fn(String) -> Reply;
    let shapes: [(&str, Shape); 2] = [
        ("content-length", Reply::json),
        ("chunked", |body| Reply::chunked(body, 97)),
    ];
    for (shape, reply) in shapes {
        let server = RecordingServer::start().await;
        let client = capped_client(&server, LIMIT);
        server.reply(reply(body_of_len(LIMIT)));
        let at_cap = client.isp_order_list(IspOrderListRequest::default()).await;
        assert!(
            at_cap.is_ok(),
            "{shape}: a body of exactly the cap: {at_cap:?}"
        );

        server.reply(reply(body_of_len(LIMIT + 1)));
        let over = client
            .isp_order_list(IspOrderListRequest::default())
            .await
            .unwrap_err();
        assert!(
            matches!(over, Error::ResponseTooLarge { limit: LIMIT, .. }),
            "{shape}: one byte over the cap: {over:?}"
        );
    }
}

#[tokio::test]
async fn a_chunked_body_past_the_cap_stops_being_read() {
    let server = RecordingServer::start().await;
    // 4 MiB, streamed with no length, against a cap of 64 KiB.
    server.set_default(Reply::chunked(body_of_len(4 << 20), 8 * 1024));
    let error = capped_client(&server, 64 * 1024)
        .isp_ip_open(open_request())
        .await
        .unwrap_err();
    match error {
        Error::OutcomeUnknown { source, .. } => assert!(
            matches!(*source, Error::ResponseTooLarge { .. }),
            "{source:?}"
        ),
        other => panic!("an order whose answer is too large: {other:?}"),
    }
}

#[tokio::test]
async fn a_refusal_envelope_with_a_4xx_status_is_a_refusal() {
    for status in [400, 403, 429] {
        let server = RecordingServer::start().await;
        server.set_default(Reply::status(status, REFUSAL));
        let error = client(&server)
            .isp_ip_open(open_request())
            .await
            .unwrap_err();
        match &error {
            Error::Api { ret, msg, .. } => {
                assert_eq!((*ret, msg.as_str()), (1001, "余额不足"), "HTTP {status}");
            }
            other => panic!("HTTP {status} with a refusal envelope: {other:?}"),
        }
        assert_eq!(server.requests().len(), 1);
    }
    // A 4xx that is not a refusal envelope stays an HTTP status error.
    let server = RecordingServer::start().await;
    server.set_default(Reply::status(
        400,
        r#"{"ret":0,"code":"1","msg":"success","ret_data":[]}"#,
    ));
    let error = client(&server)
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Status { status, .. } if status.as_u16() == 400),
        "{error:?}"
    );
}

#[tokio::test]
async fn plain_http_is_refused_off_loopback_unless_allowed() {
    let build = |url: &str, allow: bool| {
        ipidea::Client::builder()
            .credential("uid", "1")
            .credential("appkey", "k")
            .base_url(url)
            .allow_insecure_http(allow)
            .build()
    };
    for url in [
        "https://api.example.com",
        "http://127.0.0.1:1",
        "http://127.8.9.10:1",
        "http://[::1]:1",
        "http://localhost:1",
    ] {
        assert!(build(url, false).is_ok(), "{url} is accepted");
    }
    for url in [
        "http://api.example.com",
        "http://10.0.0.1",
        "http://[2001:db8::1]",
    ] {
        let error = build(url, false).unwrap_err();
        assert!(
            matches!(&error, Error::Config(text) if text.contains("clear text")),
            "{url}: {error:?}"
        );
        assert!(build(url, true).is_ok(), "{url} is accepted when allowed");
    }
    // Whatever the allowance: no other scheme, and nothing that would carry a secret or change
    // the request beyond the base.
    for url in [
        "ftp://api.example.com",
        "https://api.example.com/?appkey=x",
        "https://api.example.com/#frag",
        "https://user@api.example.com",
        "https://user:pass@api.example.com",
        "not a url",
    ] {
        for allow in [false, true] {
            assert!(
                matches!(build(url, allow), Err(Error::Config(_))),
                "{url} is refused (allow_insecure_http({allow}))"
            );
        }
    }
}

#[tokio::test]
async fn a_loopback_base_url_by_name_reaches_the_server() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(example_response("isp_order_list")));
    let url = format!("http://localhost:{}/", server.addr().port());
    let client = ipidea::Client::builder()
        .credential("uid", common::UID)
        .credential("appkey", common::APPKEY)
        .base_url(&url)
        .build()
        .unwrap();
    assert_eq!(client.transport().base_url(), url.trim_end_matches('/'));
    client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(server.requests()[0].path, "/api/open/isp_order_list");
}

#[tokio::test]
async fn a_body_that_is_json_but_no_envelope_says_what_was_expected() {
    for body in ["[1, 2]", "\"ok\"", "15"] {
        let server = RecordingServer::start().await;
        server.set_default(Reply::json(body));
        let error = client(&server)
            .isp_order_list(IspOrderListRequest::default())
            .await
            .unwrap_err();
        match &error {
            Error::Decode {
                message,
                body_excerpt,
                ..
            } => {
                assert!(
                    message.contains("expected a response envelope object with `ret`"),
                    "{body}: {message}"
                );
                assert_eq!(body_excerpt, body);
            }
            other => panic!("{body}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn reconcile_lists_orders_from_the_day_before_the_call() {
    let server = RecordingServer::start().await;
    server.reply(Reply::html_500());
    server.set_default(Reply::json(example_response("datacenter_order_list")));
    let client = client(&server);
    let error = client
        .static_ip_open(ipidea::StaticIpOpenRequest::new(
            "us",
            ipidea::DatacenterDuration::Week,
            1,
        ))
        .await
        .unwrap_err();
    let Error::OutcomeUnknown { request: sent, .. } = error else {
        panic!("a 500 on an order leaves its outcome unknown: {error:?}")
    };
    client.reconcile(&sent).await.unwrap();
    let list = &server.requests()[1];
    assert_eq!(list.path, "/api/open/datacenter_order_list");
    let start = list.field("start_time").await.expect("a start date");
    let start = chrono::NaiveDate::parse_from_str(&start, "%Y-%m-%d").unwrap();
    assert_eq!(
        Some(start),
        ipidea::vendor_day(sent.sent_at).pred_opt(),
        "from the vendor's day before the one the order was sent on"
    );
}

#[tokio::test]
async fn the_default_cap_is_8_mib() {
    let server = RecordingServer::start().await;
    let client = common::builder(&server)
        .retry_policy(ipidea::RetryPolicy::none())
        .build()
        .unwrap();
    server.reply(Reply::json(body_of_len(8 << 20)));
    let at_cap = client.isp_order_list(IspOrderListRequest::default()).await;
    assert!(at_cap.is_ok(), "{at_cap:?}");
    server.reply(Reply::json(body_of_len((8 << 20) + 1)));
    let over = client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(over, Error::ResponseTooLarge { limit, .. } if limit == 8 << 20),
        "{over:?}"
    );
}
