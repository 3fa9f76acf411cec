//! Tests of the recording server itself, over raw HTTP/1.1 on a TCP socket.

use std::time::{Duration, Instant};

use ipidea_tests::{DEFAULT_REPLY_BODY, RecordingServer, Reply};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

const DEADLINE: Duration = Duration::from_secs(10);

async fn connect(server: &RecordingServer) -> TcpStream {
    TcpStream::connect(server.addr()).await.expect("connect")
}

/// Writes a request with a body and `content-length`.
async fn send(
    stream: &mut TcpStream,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) {
    let mut raw = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut raw = raw.into_bytes();
    raw.extend_from_slice(body);
    stream.write_all(&raw).await.expect("write request");
}

/// A parsed response.
#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("utf-8 body")
    }
}

/// Reads one `content-length` framed response, leaving the connection open.
async fn read_response(stream: &mut TcpStream) -> Response {
    timeout(DEADLINE, async {
        let mut buf = Vec::new();
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await.expect("read response");
            assert!(n > 0, "connection closed before the response head: {buf:?}");
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = std::str::from_utf8(&buf[..head_end])
            .expect("utf-8 head")
            .to_owned();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().expect("status line");
        let status = status_line
            .split(' ')
            .nth(1)
            .expect("status code")
            .parse()
            .expect("numeric status");
        let headers: Vec<(String, String)> = lines
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (n, v) = l.split_once(':').expect("header line");
                (n.trim().to_ascii_lowercase(), v.trim().to_owned())
            })
            .collect();
        let len: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .expect("content-length")
            .1
            .parse()
            .expect("numeric content-length");
        let mut body = buf[head_end..].to_vec();
        while body.len() < len {
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await.expect("read body");
            assert!(n > 0, "connection closed inside the body");
            body.extend_from_slice(&chunk[..n]);
        }
        assert_eq!(body.len(), len, "no bytes beyond the declared body");
        Response {
            status,
            headers,
            body,
        }
    })
    .await
    .expect("response within the deadline")
}

/// Reads until the server closes the connection.
async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut all = Vec::new();
    timeout(DEADLINE, stream.read_to_end(&mut all))
        .await
        .expect("the server closes the connection")
        .expect("read until close");
    all
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn multipart_fields_are_decoded() {
    let server = RecordingServer::start().await;
    let body = "--XyZ\r\n\
        Content-Disposition: form-data; name=\"key\"\r\n\r\n\
        abc123\r\n\
        --XyZ\r\n\
        Content-Disposition: form-data; name=\"note\"\r\n\r\n\
        hello world & more\r\n\
        --XyZ\r\n\
        Content-Disposition: form-data; name=\"key\"\r\n\r\n\
        second\r\n\
        --XyZ--\r\n";
    let mut stream = connect(&server).await;
    send(
        &mut stream,
        "POST",
        "/api/open/white_list?x=1",
        &[("Content-Type", "multipart/form-data; boundary=XyZ")],
        body.as_bytes(),
    )
    .await;
    let response = read_response(&mut stream).await;
    assert_eq!(response.status, 200);

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/open/white_list");
    assert_eq!(request.query.as_deref(), Some("x=1"));
    assert_eq!(request.body.as_ref(), body.as_bytes());
    assert_eq!(
        request.content_type(),
        Some("multipart/form-data; boundary=XyZ")
    );
    assert_eq!(
        request.fields().await.unwrap(),
        pairs(&[
            ("key", "abc123"),
            ("note", "hello world & more"),
            ("key", "second")
        ])
    );
    assert_eq!(request.field("key").await.as_deref(), Some("abc123"));
    assert_eq!(request.field("missing").await, None);
}

#[tokio::test]
async fn urlencoded_fields_are_decoded() {
    let server = RecordingServer::start().await;
    let mut stream = connect(&server).await;
    send(
        &mut stream,
        "POST",
        "/form",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"a=1&b=hello+world&c=%E4%BD%A0%26&empty=&flag&a=2",
    )
    .await;
    read_response(&mut stream).await;

    let request = &server.requests()[0];
    assert_eq!(
        request.fields().await.unwrap(),
        pairs(&[
            ("a", "1"),
            ("b", "hello world"),
            ("c", "你&"),
            ("empty", ""),
            ("flag", ""),
            ("a", "2"),
        ])
    );
    assert_eq!(request.field("c").await.as_deref(), Some("你&"));
}

#[tokio::test]
async fn json_fields_are_decoded() {
    let server = RecordingServer::start().await;
    let mut stream = connect(&server).await;
    let body = r#" { "name" : "a \"b\"", "num": 12.5, "flag": true, "none": null,
        "obj": {"k": [1, "x"]}, "name": "dup" } "#;
    send(
        &mut stream,
        "POST",
        "/json",
        &[("Content-Type", "application/json; charset=utf-8")],
        body.as_bytes(),
    )
    .await;
    read_response(&mut stream).await;

    let request = &server.requests()[0];
    assert_eq!(
        request.fields().await.unwrap(),
        pairs(&[
            ("name", "a \"b\""),
            ("num", "12.5"),
            ("flag", "true"),
            ("none", "null"),
            ("obj", r#"{"k":[1,"x"]}"#),
            ("name", "dup"),
        ])
    );
    assert_eq!(request.field("name").await.as_deref(), Some("a \"b\""));
}

#[tokio::test]
async fn undecodable_bodies_are_errors_not_panics() {
    let server = RecordingServer::start().await;
    let mut stream = connect(&server).await;
    let cases: &[(&str, &[u8])] = &[
        ("application/json", b"[1, 2]"),
        ("application/json", b"{\"a\": 1"),
        ("application/json", b"\xff\xfe"),
        ("multipart/form-data", b"--x\r\n"),
        ("multipart/form-data; boundary=x", b"garbage"),
        ("text/plain", b"a=1"),
    ];
    for (content_type, body) in cases {
        send(
            &mut stream,
            "POST",
            "/",
            &[("Content-Type", content_type)],
            body,
        )
        .await;
        read_response(&mut stream).await;
    }
    let requests = server.requests();
    assert_eq!(requests.len(), cases.len());
    for request in &requests {
        assert!(request.fields().await.is_err(), "{request:?}");
        assert_eq!(request.field("a").await, None);
    }
}

#[tokio::test]
async fn replies_are_served_in_fifo_order_then_the_default() {
    let server = RecordingServer::start().await;
    server.reply(Reply::json(r#"{"first":1}"#));
    server.reply(Reply::status(401, r#"{"second":2}"#));
    server.reply(Reply::html_500());
    server.reply(Reply::raw(202, "text/plain", "fourth"));

    let mut stream = connect(&server).await;
    let mut responses = Vec::new();
    for _ in 0..6 {
        send(&mut stream, "GET", "/", &[], b"").await;
        responses.push(read_response(&mut stream).await);
    }

    assert_eq!(responses[0].status, 200);
    assert_eq!(
        responses[0].header("content-type"),
        Some("application/json")
    );
    assert_eq!(responses[0].text(), r#"{"first":1}"#);
    assert_eq!(responses[1].status, 401);
    assert_eq!(
        responses[1].header("content-type"),
        Some("application/json")
    );
    assert_eq!(responses[1].text(), r#"{"second":2}"#);
    assert_eq!(responses[2].status, 500);
    assert_eq!(responses[2].header("content-type"), Some("text/html"));
    assert_eq!(
        responses[2].text(),
        "<html><body><h1>500 Internal Server Error</h1></body></html>"
    );
    assert_eq!(responses[3].status, 202);
    assert_eq!(responses[3].header("content-type"), Some("text/plain"));
    assert_eq!(responses[3].text(), "fourth");
    for default in &responses[4..] {
        assert_eq!(default.status, 200);
        assert_eq!(default.header("content-type"), Some("application/json"));
        assert_eq!(default.text(), DEFAULT_REPLY_BODY);
    }

    server.set_default(Reply::status(503, "{}"));
    send(&mut stream, "GET", "/", &[], b"").await;
    let response = read_response(&mut stream).await;
    assert_eq!(response.status, 503);
    assert_eq!(response.text(), "{}");
}

#[tokio::test]
async fn drop_closes_without_response_and_the_request_is_recorded() {
    let server = RecordingServer::start().await;
    server.reply(Reply::Drop);
    let mut stream = connect(&server).await;
    send(
        &mut stream,
        "POST",
        "/dropped?k=v",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Custom", "Yes"),
        ],
        b"a=1",
    )
    .await;
    let received = read_to_close(&mut stream).await;
    assert!(received.is_empty(), "no response bytes: {received:?}");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/dropped");
    assert_eq!(request.query.as_deref(), Some("k=v"));
    assert_eq!(request.header("x-custom"), Some("Yes"));
    assert_eq!(request.header("X-CUSTOM"), Some("Yes"));
    assert!(request.headers.iter().any(|(n, _)| n == "x-custom"));
    assert!(
        request
            .headers
            .iter()
            .all(|(n, _)| *n == n.to_ascii_lowercase())
    );
    assert_eq!(request.field("a").await.as_deref(), Some("1"));
}

#[tokio::test]
async fn truncated_sends_fewer_bytes_than_content_length_and_closes() {
    let server = RecordingServer::start().await;
    server.reply(Reply::Truncated {
        body: r#"{"ret":0,"ret_da"#.to_owned(),
    });
    let mut stream = connect(&server).await;
    send(&mut stream, "GET", "/truncated", &[], b"").await;
    let received = read_to_close(&mut stream).await;

    let head_end = received
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head")
        + 4;
    let head = std::str::from_utf8(&received[..head_end])
        .unwrap()
        .to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200 "), "{head}");
    let declared: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .expect("content-length")
        .trim()
        .parse()
        .unwrap();
    let body = &received[head_end..];
    assert_eq!(body, br#"{"ret":0,"ret_da"#);
    assert_eq!(declared, body.len() + 100);
    assert!(body.len() < declared);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn keep_alive_requests_share_one_connection() {
    let server = RecordingServer::start().await;
    assert_eq!(server.connections(), 0);

    let mut stream = connect(&server).await;
    send(&mut stream, "GET", "/one", &[], b"").await;
    read_response(&mut stream).await;
    send(&mut stream, "GET", "/two", &[], b"").await;
    read_response(&mut stream).await;
    assert_eq!(server.connections(), 1);
    assert_eq!(server.requests().len(), 2);

    let mut other = connect(&server).await;
    send(&mut other, "GET", "/three", &[], b"").await;
    read_response(&mut other).await;
    assert_eq!(server.connections(), 2);

    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/one", "/two", "/three"]);
}

#[tokio::test]
async fn delay_waits_before_replying() {
    let server = RecordingServer::start().await;
    server.reply(Reply::json(r#"{"late":true}"#).delayed(Duration::from_millis(300)));
    let mut stream = connect(&server).await;
    let started = Instant::now();
    send(&mut stream, "GET", "/slow", &[], b"").await;
    let response = read_response(&mut stream).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.text(), r#"{"late":true}"#);
    assert_eq!(server.requests().len(), 1, "recorded");
}

#[tokio::test]
async fn url_and_dropping_the_server() {
    let server = RecordingServer::start().await;
    let url = server.url();
    assert_eq!(url, format!("http://127.0.0.1:{}", server.addr().port()));
    let mut stream = connect(&server).await;
    send(&mut stream, "GET", "/", &[], b"").await;
    read_response(&mut stream).await;

    let addr = server.addr();
    drop(server);
    // The open keep-alive connection is closed and no new one is accepted.
    assert!(read_to_close(&mut stream).await.is_empty());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn chunked_has_no_content_length_and_carries_added_headers() {
    let server = RecordingServer::start().await;
    server.reply(Reply::chunked("abcdefgh", 3).with_header("retry-after", "7"));
    let mut stream = connect(&server).await;
    // `Connection: close` makes the server end the connection after the reply.
    send(
        &mut stream,
        "GET",
        "/chunked",
        &[("Connection", "close")],
        b"",
    )
    .await;
    let received = read_to_close(&mut stream).await;
    let text = String::from_utf8(received).expect("utf-8 response");
    let (head, body) = text.split_once("\r\n\r\n").expect("a response head");
    let head = head.to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200 "), "{head}");
    assert!(head.contains("transfer-encoding: chunked"), "{head}");
    assert!(!head.contains("content-length"), "{head}");
    assert!(head.contains("retry-after: 7"), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    // Three chunks of at most 3 bytes, then the last chunk.
    assert_eq!(body, "3\r\nabc\r\n3\r\ndef\r\n2\r\ngh\r\n0\r\n\r\n");
}
