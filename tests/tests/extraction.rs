//! The extraction API end to end against the sandbox: a caller off the whitelist is refused
//! in a way code can match and a person can act on; once whitelisted it gets proxies that
//! work, over HTTP and SOCKS5, each showing a target a source address of its own. Also what
//! reaches the extraction host (no credentials), and that an extraction is never retried.

mod common;

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};

use ipidea::{Client, Error, ExtractedProxy, GetProxyIpRequest, ProxyProtocol, RefusalKind};
use ipidea_sandbox::{Fault, Sandbox};
use ipidea_tests::{RecordingServer, Reply};

const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .credential("uid", sandbox.uid())
        .credential("appkey", sandbox.appkey())
        .base_url(sandbox.url())
        .build()
        .unwrap()
}

/// The address the sandbox's echo sees when `proxy_url` fetches it.
async fn exit_address(proxy_url: &str, echo: &str) -> IpAddr {
    let proxy = reqwest::Proxy::all(proxy_url).unwrap();
    let http = reqwest::Client::builder().proxy(proxy).build().unwrap();
    common::exit_of(&http, echo).await
}

async fn exits(proxies: &[ExtractedProxy], scheme: &str, echo: &str) -> Vec<IpAddr> {
    let mut seen = Vec::new();
    for proxy in proxies {
        let url = format!("{scheme}://{}:{}", proxy.ip, proxy.port);
        seen.push(exit_address(&url, echo).await);
    }
    seen
}

#[tokio::test]
async fn a_whitelisted_caller_gets_five_working_proxies_with_five_exit_addresses() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);

    // Not whitelisted: refused, recognisably, and nothing handed out.
    let error = client
        .get_proxy_ip(GetProxyIpRequest::new(5))
        .await
        .unwrap_err();
    assert_eq!(
        error.refusal(),
        Some(RefusalKind::NotWhitelisted),
        "{error}"
    );
    assert_eq!(error.refused_address(), Some(LOCAL));
    let message = error.to_string();
    assert!(
        message.contains("ipidea whitelist sync 127.0.0.1 --keep-others"),
        "{message}"
    );
    assert!(matches!(error, Error::Api { .. }), "a refusal is an answer");
    assert!(sandbox.extracted_proxies().is_empty());

    client
        .whitelist_sync([LOCAL], ipidea::SyncMode::KeepOthers)
        .await
        .unwrap();
    for (protocol, scheme) in [
        (ProxyProtocol::Http, "http"),
        (ProxyProtocol::Socks5, "socks5"),
    ] {
        let request = GetProxyIpRequest::new(5)
            .protocol(protocol)
            .regions(ipidea::Country::new("us").unwrap());
        let proxies = client.get_proxy_ip(request).await.unwrap().into_data();
        assert_eq!(proxies.len(), 5);
        let seen = exits(&proxies, scheme, sandbox.echo_url()).await;
        let distinct: HashSet<IpAddr> = seen.iter().copied().collect();
        assert_eq!(distinct.len(), 5, "{scheme}: {seen:?}");
        assert!(
            seen.iter().all(|ip| ip.is_loopback() && *ip != LOCAL),
            "{seen:?}"
        );
    }
    assert_eq!(sandbox.extracted_proxies().len(), 10);
}

#[tokio::test]
async fn the_extraction_host_gets_a_get_with_its_query_and_never_the_credentials() {
    let server = RecordingServer::start().await;
    server.reply(Reply::json(
        r#"{"code": 0, "success": true, "msg": "0", "request_ip": "198.51.100.7",
            "data": [{"ip": "203.0.113.10", "port": 2333, "city": "x"}]}"#,
    ));
    let client = Client::builder()
        .credential("uid", "10001")
        .credential("appkey", "secret-appkey")
        .api_base_url("extraction", server.url())
        .build()
        .unwrap();
    let request = GetProxyIpRequest::new(2)
        .protocol(ProxyProtocol::Socks5)
        .regions(ipidea::Country::new("DE").unwrap());
    let response = client.get_proxy_ip(request).await.unwrap();
    assert_eq!(response.len(), 1);
    assert_eq!(response[0].port, 2333);
    assert_eq!(response[0].extra["city"], "x", "unknown item keys are kept");
    assert_eq!(response.extra["request_ip"], "198.51.100.7");
    assert!(
        !response.extra.contains_key("success"),
        "the flag is part of the envelope"
    );

    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    let sent = &sent[0];
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("GET", "/getProxyIp")
    );
    let query = sent.query_pairs();
    let pairs: Vec<(&str, &str)> = query
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("return_type", "json"),
            ("num", "2"),
            ("protocol", "socks5"),
            ("regions", "de")
        ]
    );
    let everything = format!("{:?} {:?} {:?}", sent.query, sent.headers, sent.body);
    for secret in ["10001", "secret-appkey", "appkey", "uid"] {
        assert!(
            !everything.contains(secret),
            "`{secret}` reached the host: {everything}"
        );
    }
}

#[tokio::test]
async fn an_extraction_is_sent_once_and_a_lost_answer_is_an_unknown_outcome() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    client
        .whitelist_sync([LOCAL], ipidea::SyncMode::KeepOthers)
        .await
        .unwrap();
    sandbox.inject("get_proxy_ip", Fault::Status(502));
    let error = client
        .get_proxy_ip(GetProxyIpRequest::new(1))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error}");
    assert_eq!(sandbox.requests_seen("get_proxy_ip"), 1, "never retried");

    let fault = sandbox
        .refusal("get_proxy_ip", RefusalKind::TrafficExhausted)
        .expect("the spec words it");
    sandbox.inject("get_proxy_ip", fault);
    let error = client
        .get_proxy_ip(GetProxyIpRequest::new(1))
        .await
        .unwrap_err();
    assert_eq!(
        error.refusal(),
        Some(RefusalKind::TrafficExhausted),
        "{error}"
    );
    assert!(error.to_string().contains("no traffic left"), "{error}");
}

#[tokio::test]
async fn a_client_without_credentials_extracts_and_refuses_the_account_api_before_sending() {
    let sandbox = Sandbox::start().await.unwrap();
    client(&sandbox)
        .whitelist_sync([LOCAL], ipidea::SyncMode::KeepOthers)
        .await
        .unwrap();
    let bare = Client::builder()
        .without_credentials()
        .base_url(sandbox.url())
        .build()
        .unwrap();
    let proxies = bare.get_proxy_ip(GetProxyIpRequest::new(2)).await.unwrap();
    assert_eq!(proxies.len(), 2);
    let error = bare
        .white_list(ipidea::WhiteListRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
    assert_eq!(
        sandbox.requests_seen("white_list"),
        1,
        "only the first client's"
    );
    assert!(
        Client::builder().base_url(sandbox.url()).build().is_err(),
        "credentials stay required by default"
    );
}

#[test]
fn a_bad_count_or_region_is_refused_before_sending() {
    assert!(ipidea::Country::new("usa").is_err());
    assert!(ipidea::Country::new("1a").is_err());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let server = RecordingServer::start().await;
        let client = Client::builder()
            .without_credentials()
            .base_url(server.url())
            .build()
            .unwrap();
        for num in [0, 501] {
            let error = client
                .get_proxy_ip(GetProxyIpRequest::new(num))
                .await
                .unwrap_err();
            assert!(
                matches!(error, Error::InvalidInput { field: "num", .. }),
                "{num}: {error}"
            );
        }
        assert!(server.requests().is_empty());
    });
}

#[tokio::test]
async fn extracted_proxies_stop_with_the_sandbox() {
    let sandbox = Sandbox::builder()
        .whitelist(ipidea_sandbox::DEFAULT_UID, [LOCAL])
        .start()
        .await
        .unwrap();
    let proxies = client(&sandbox)
        .get_proxy_ip(GetProxyIpRequest::new(2))
        .await
        .unwrap()
        .into_data();
    let addresses: Vec<std::net::SocketAddr> = sandbox
        .extracted_proxies()
        .iter()
        .map(|(addr, _)| *addr)
        .collect();
    assert_eq!(addresses.len(), 2);
    assert_eq!(addresses[0].port(), u16::try_from(proxies[0].port).unwrap());
    assert!(tokio::net::TcpStream::connect(addresses[0]).await.is_ok());
    drop(sandbox);
    for address in addresses {
        // The listener closes once its task has ended; give the runtime a moment to run it.
        let mut closed = false;
        for _ in 0..50 {
            if tokio::net::TcpStream::connect(address).await.is_err() {
                closed = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(closed, "{address} still accepts after the sandbox stopped");
    }
}
