//! `Client::from_env` reads the credentials from the environment. The only test of this binary,
//! since it changes the process's environment.

mod common;

use ipidea::{Client, Error, IspOrderListRequest};
use ipidea_tests::{RecordingServer, Reply};

fn set(name: &str, value: Option<&str>) {
    // SAFETY: this binary holds this one test, which runs on one thread (the current-thread
    // runtime of `#[tokio::test]`, and no DNS: the base URL is an IP), so no other thread reads
    // the environment while it changes.
    unsafe {
        match value {
            Some(value) => std::env::set_var(name, value),
            None => std::env::remove_var(name),
        }
    }
}

fn from_env(server: &RecordingServer) -> Result<Client, Error> {
    Client::builder()
        .credentials_from_env()
        .base_url(server.url())
        .build()
}

#[tokio::test]
async fn credentials_come_from_the_environment_trimmed_and_blank_ones_are_missing() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(common::example_response("isp_order_list")));

    set("IPIDEA_UID", Some(" 3716 "));
    set("IPIDEA_APPKEY", Some(common::APPKEY));
    let client = from_env(&server).expect("both variables are set");
    client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    let sent = &server.requests()[0];
    assert_eq!(sent.field("uid").await.as_deref(), Some("3716"), "trimmed");
    assert_eq!(sent.field("appkey").await.as_deref(), Some(common::APPKEY));

    for blank in [Some(""), Some("  "), None] {
        set("IPIDEA_UID", blank);
        let error = from_env(&server).unwrap_err();
        let text = error.to_string();
        assert!(
            matches!(error, Error::Config(_)) && text.contains("`IPIDEA_UID` is not set"),
            "{blank:?}: {text}"
        );
        assert_eq!(text.matches("IPIDEA_UID").count(), 1, "said once: {text}");
        assert!(!text.contains("IPIDEA_APPKEY"), "the appkey is set: {text}");
        assert!(!text.contains(common::APPKEY), "{text}");
    }

    // `Client::from_env` takes each API's server from its own variable.
    let extraction = RecordingServer::start().await;
    extraction.set_default(Reply::json(
        r#"{"code": 0, "success": true, "msg": "0", "data": [{"ip": "203.0.113.10", "port": 2333}]}"#,
    ));
    set("IPIDEA_UID", Some("3716"));
    set("IPIDEA_BASE_URL", Some(&server.url()));
    set("IPIDEA_EXTRACTION_URL", Some(&extraction.url()));
    let client = Client::from_env().expect("credentials and servers from the environment");
    assert_eq!(
        client.transport().base_url(),
        server.url().trim_end_matches('/')
    );
    assert_eq!(
        client.transport().api_base_url("extraction"),
        Some(extraction.url().trim_end_matches('/'))
    );
    let before = server.requests().len();
    client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    client
        .get_proxy_ip(ipidea::GetProxyIpRequest::new(1))
        .await
        .unwrap();
    assert_eq!(
        server.requests().len(),
        before + 1,
        "the order API's server"
    );
    assert_eq!(
        extraction.requests().len(),
        1,
        "the extraction API's server"
    );
    set("IPIDEA_BASE_URL", None);
    set("IPIDEA_EXTRACTION_URL", None);
    set("IPIDEA_UID", None);
    set("IPIDEA_APPKEY", None);
}
