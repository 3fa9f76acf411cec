//! Shared set-up of the client tests: a client pointed at a recording server, and the spec's
//! vendor examples.

#![allow(dead_code)]

use ipidea::Client;
use ipidea_sandbox::Sandbox;
use ipidea_tests::{Recorded, RecordingServer, Reply};
use serde_json::Value;

pub const UID: &str = "3716";
pub const APPKEY: &str = "appkey-5f1c9e-secret";

/// A builder of a client of `server` with test credentials and no retry backoff to wait for.
pub fn builder(server: &RecordingServer) -> ipidea::ClientBuilder<Client> {
    Client::builder()
        .credential("uid", UID)
        .credential("appkey", APPKEY)
        .base_url(server.url())
        .retry_policy(ipidea::RetryPolicy {
            max_attempts: 3,
            initial_backoff: std::time::Duration::from_millis(1),
            max_backoff: std::time::Duration::from_millis(5),
        })
}

/// A client of `server` with test credentials and no retry backoff to wait for.
pub fn client(server: &RecordingServer) -> Client {
    builder(server)
        .build()
        .expect("a client of the recording server")
}

/// The vendor's example response of `endpoint`, from the spec, as the server will send it.
pub fn example_response(endpoint: &str) -> String {
    let spec = ipidea_spec::bundled();
    let endpoint = spec.endpoint(endpoint).expect("endpoint in the spec");
    endpoint.examples[0].response.to_string()
}

/// The vendor's example request of `endpoint`, as wire text per field.
pub fn example_request(endpoint: &str) -> Vec<(String, String)> {
    let spec = ipidea_spec::bundled();
    let endpoint = spec.endpoint(endpoint).expect("endpoint in the spec");
    endpoint.examples[0]
        .request
        .iter()
        .map(|(name, value)| {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (name.clone(), text)
        })
        .collect()
}

/// A server that answers with the vendor's example response of `endpoint`.
pub async fn server_for(endpoint: &str) -> RecordingServer {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(example_response(endpoint)));
    server
}

/// Checks what every call must look like on the wire, and returns the non-credential fields.
pub async fn check_request(recorded: &Recorded, endpoint: &str) -> Vec<(String, String)> {
    assert_eq!(recorded.method, "POST");
    assert_eq!(recorded.path, format!("/api/open/{endpoint}"));
    assert_eq!(recorded.query, None, "nothing may travel in the URL");
    let content_type = recorded.content_type().expect("a content type");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let fields = recorded.fields().await.expect("a multipart body");
    assert_eq!(
        fields[0],
        ("uid".to_owned(), UID.to_owned()),
        "credentials lead the form"
    );
    assert_eq!(fields[1], ("appkey".to_owned(), APPKEY.to_owned()));
    let headers = format!("{:?}", recorded.headers);
    assert!(
        !headers.contains(APPKEY),
        "the appkey must not be in a header"
    );
    fields[2..].to_vec()
}

/// A client of `sandbox`, as its account, with the client's defaults.
pub fn sandbox_client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .credential("uid", sandbox.uid())
        .credential("appkey", sandbox.appkey())
        .base_url(sandbox.url())
        .build()
        .expect("a client of the sandbox")
}

/// The address `answer`, from the sandbox's address echo, says the request came from.
pub async fn echoed(answer: reqwest::Response) -> std::net::IpAddr {
    let answer: Value = answer.error_for_status().unwrap().json().await.unwrap();
    answer["ip"].as_str().unwrap().parse().unwrap()
}

/// The address a GET of the echo at `echo` through `http` comes from.
pub async fn exit_of(http: &reqwest::Client, echo: &str) -> std::net::IpAddr {
    echoed(http.get(echo).send().await.unwrap()).await
}

/// The socket address of a proxy or gateway URL `http://ip:port`.
pub fn address_of(url: &str) -> std::net::SocketAddr {
    url.trim_start_matches("http://").parse().unwrap()
}

/// A request of `method` to `url`, given up after `timeout` if one is set.
pub fn request(
    method: reqwest::Method,
    url: &str,
    timeout: Option<std::time::Duration>,
) -> reqwest::Request {
    let mut request = reqwest::Request::new(method, url.parse().unwrap());
    *request.timeout_mut() = timeout;
    request
}

/// The sandbox's gateway, for its account's proxy user with `password`.
pub fn sandbox_gateway(sandbox: &Sandbox, password: &str) -> ipidea::gateway::Gateway {
    let address = address_of(sandbox.gateway_url());
    ipidea::gateway::Gateway::new(sandbox.uid(), password)
        .unwrap()
        .host(address.ip().to_string())
        .port(address.port())
}

/// Sticky sessions by key through the sandbox's gateway, with the right password.
pub fn sandbox_sessions(sandbox: &Sandbox) -> ipidea::gateway::StickySessions {
    sandbox_gateway(sandbox, sandbox.gateway_password())
        .route()
        .sessions()
}

/// Gives the gateway session that `sessions` holds for `key` the `fault`; its id.
pub fn break_session(
    sandbox: &Sandbox,
    sessions: &ipidea::gateway::StickySessions,
    key: &str,
    fault: ipidea_sandbox::proxy::ProxyFault,
) -> String {
    let id = session_of(sessions, key);
    sandbox.break_gateway(Some(&id), Some(fault));
    id
}

/// The id of the sticky session `sessions` holds for `key` (a new one if none).
pub fn session_of(sessions: &ipidea::gateway::StickySessions, key: &str) -> String {
    sessions.route(key).unwrap().session().unwrap().to_owned()
}
