//! The sandbox's proxies, over real TCP on loopback: HTTP (absolute-form and `CONNECT`) and
//! SOCKS5, each seen by the target from its own source address, never forwarding off loopback,
//! and gone once dropped; the target is the sandbox's address echo. The clients are written out
//! byte by byte, so that the tests check the protocols rather than a client library's handling
//! of them.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use ipidea_sandbox::proxy::{Proxy, ProxyProtocol, Refused, destination};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The sandbox's address echo (`{"ip": "<the caller's address>"}`) as a target; it stops
/// with the returned sandbox.
async fn echo() -> (SocketAddr, ipidea_sandbox::Sandbox) {
    let sandbox = ipidea_sandbox::Sandbox::start().await.unwrap();
    let addr = sandbox
        .echo_url()
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    (addr, sandbox)
}

/// Reads what the server sends until it closes, within 5 s.
async fn read_all(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads one HTTP head (to the blank line).
async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.unwrap() == 0 {
            break;
        }
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn get(target: SocketAddr, form: &str) -> String {
    format!("GET {form} HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\n\r\n")
}

/// The source address the echo server saw, from the JSON body of its answer.
fn seen_ip(answer: &str) -> IpAddr {
    let body = answer
        .split_once("\r\n\r\n")
        .map_or(answer, |(_, body)| body);
    let json: serde_json::Value =
        serde_json::from_str(body.trim()).unwrap_or_else(|e| panic!("no echo ({e}): {answer}"));
    json["ip"].as_str().unwrap().parse().unwrap()
}

async fn through_http(proxy: &Proxy, target: SocketAddr) -> String {
    let mut stream = TcpStream::connect(proxy.addr()).await.unwrap();
    stream
        .write_all(get(target, &format!("http://{target}/")).as_bytes())
        .await
        .unwrap();
    read_all(&mut stream).await
}

async fn through_connect(proxy: &Proxy, target: &str) -> (String, TcpStream) {
    let mut stream = TcpStream::connect(proxy.addr()).await.unwrap();
    let connect = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n");
    stream.write_all(connect.as_bytes()).await.unwrap();
    (read_head(&mut stream).await, stream)
}

/// A SOCKS5 `CONNECT` to an IPv4 address; the reply's code and the open stream.
async fn through_socks5(proxy: &Proxy, target: SocketAddr) -> (u8, TcpStream) {
    let mut stream = TcpStream::connect(proxy.addr()).await.unwrap();
    stream.write_all(&[5, 1, 0]).await.unwrap();
    let mut chosen = [0u8; 2];
    stream.read_exact(&mut chosen).await.unwrap();
    assert_eq!(chosen, [5, 0], "no authentication");
    let SocketAddr::V4(v4) = target else {
        unreachable!()
    };
    let mut request = vec![5, 1, 0, 1];
    request.extend_from_slice(&v4.ip().octets());
    request.extend_from_slice(&v4.port().to_be_bytes());
    stream.write_all(&request).await.unwrap();
    let mut reply = [0u8; 10];
    stream.read_exact(&mut reply).await.unwrap();
    (reply[1], stream)
}

#[tokio::test]
async fn each_proxy_reaches_the_target_from_its_own_address() {
    let (target, _echo) = echo().await;
    let first = Proxy::start(ProxyProtocol::Http, "127.0.0.2".parse().unwrap())
        .await
        .unwrap();
    let second = Proxy::start(ProxyProtocol::Http, "127.0.0.3".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(first.url(), format!("http://{}", first.addr()));
    // Absolute-form, forwarded as origin-form.
    let answer = through_http(&first, target).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(seen_ip(&answer), first.source());
    assert_eq!(
        seen_ip(&through_http(&second, target).await),
        second.source()
    );
    // A CONNECT tunnel.
    let (head, mut tunnel) = through_connect(&second, &target.to_string()).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    tunnel.write_all(get(target, "/").as_bytes()).await.unwrap();
    assert_eq!(seen_ip(&read_all(&mut tunnel).await), second.source());
    // SOCKS5.
    let socks = Proxy::start(ProxyProtocol::Socks5, "127.0.0.4".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(socks.url(), format!("socks5://{}", socks.addr()));
    let (code, mut tunnel) = through_socks5(&socks, target).await;
    assert_eq!(code, 0, "succeeded");
    tunnel.write_all(get(target, "/").as_bytes()).await.unwrap();
    assert_eq!(seen_ip(&read_all(&mut tunnel).await), socks.source());
}

#[tokio::test]
async fn nothing_is_forwarded_off_loopback() {
    // The decision, with no connection made: an address that is not loopback is refused
    // before any packet is sent.
    for (host, allowed) in [
        ("127.0.0.1", true),
        ("127.255.0.9", true),
        ("::1", true),
        ("[::1]", true),
        ("localhost", true),
        ("10.0.0.1", false),
        ("192.168.1.1", false),
        ("8.8.8.8", false),
        ("::ffff:8.8.8.8", false),
        ("2001:db8::1", false),
    ] {
        let decided = destination(host, 80).await;
        assert_eq!(decided.is_ok(), allowed, "{host}: {decided:?}");
        if !allowed {
            assert!(matches!(decided, Err(Refused::NotLoopback(_))), "{host}");
        }
    }
    let http = Proxy::start(ProxyProtocol::Http, "127.0.0.2".parse().unwrap())
        .await
        .unwrap();
    let (head, _) = through_connect(&http, "10.0.0.1:80").await;
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    let mut stream = TcpStream::connect(http.addr()).await.unwrap();
    stream
        .write_all(
            b"GET http://192.0.2.1/ HTTP/1.1\r\nHost: 192.0.2.1\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let answer = read_all(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("loopback addresses only"), "{answer}");
    let socks = Proxy::start(ProxyProtocol::Socks5, "127.0.0.2".parse().unwrap())
        .await
        .unwrap();
    let (code, _) = through_socks5(&socks, "10.0.0.1:80".parse().unwrap()).await;
    assert_eq!(code, 2, "connection not allowed by ruleset");
    // A source that is not loopback is no proxy of the sandbox's.
    let error = Proxy::start(ProxyProtocol::Http, "10.0.0.1".parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn a_dropped_proxy_stops() {
    let proxy = Proxy::start(ProxyProtocol::Socks5, "127.0.0.2".parse().unwrap())
        .await
        .unwrap();
    let addr = proxy.addr();
    assert!(TcpStream::connect(addr).await.is_ok());
    drop(proxy);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "nothing listens any more"
    );
}

#[tokio::test]
async fn the_sandboxs_echo_shows_the_address_a_call_comes_from() {
    let (target, sandbox) = echo().await;
    // Directly: the test's own address.
    let mut direct = TcpStream::connect(target).await.unwrap();
    direct.write_all(get(target, "/").as_bytes()).await.unwrap();
    let answer = read_all(&mut direct).await;
    assert!(answer.contains("application/json"), "{answer}");
    assert_eq!(seen_ip(&answer), IpAddr::from([127, 0, 0, 1]));
    // Through a proxy: the proxy's.
    let proxy = Proxy::start(ProxyProtocol::Http, "127.0.0.7".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(seen_ip(&through_http(&proxy, target).await), proxy.source());
    drop(sandbox);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        TcpStream::connect(target).await.is_err(),
        "the echo stops with the sandbox"
    );
}
