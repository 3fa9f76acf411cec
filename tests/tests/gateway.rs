//! The gateway end to end: routes built with `ipidea::gateway` through the sandbox's gateway.
//! One sticky session keeps one exit address, another session gets another; a wrong password
//! is a `407`; the gateway forwards to loopback addresses only.

mod common;

use std::net::IpAddr;

use common::{
    break_session, echoed, exit_of, request, sandbox_gateway, sandbox_sessions, session_of,
};
use ipidea::Country;
use ipidea::gateway::{Gateway, Route, Zone};
use ipidea_sandbox::Sandbox;

/// The status and body of `url` fetched through `route`.
async fn through(route: &Route, url: &str) -> (u16, String) {
    let response = client_through(route).get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

fn client_through(route: &Route) -> ipidea::reqwest::Client {
    ipidea::reqwest::Client::builder()
        .proxy(route.proxy().unwrap())
        .build()
        .unwrap()
}

async fn exit(route: &Route, echo: &str) -> IpAddr {
    exit_of(&client_through(route), echo).await
}

#[tokio::test]
async fn a_sticky_session_keeps_its_exit_address_and_another_session_changes_it() {
    let sandbox = Sandbox::start().await.unwrap();
    let gateway = sandbox_gateway(&sandbox, sandbox.gateway_password());
    let echo = sandbox.echo_url();
    let us = Country::new("us").unwrap();
    let sticky = gateway
        .route()
        .region(us)
        .sticky()
        .minutes(5)
        .build()
        .unwrap();
    let first = exit(&sticky, echo).await;
    let again = exit(&sticky, echo).await;
    assert_eq!(first, again, "one session, one address");
    let other = gateway.route().region(us).sticky().build().unwrap();
    assert_ne!(
        exit(&other, echo).await,
        first,
        "another session, another address"
    );
    let rotating = gateway.route().zone(Zone::Static).build().unwrap();
    let (a, b) = (exit(&rotating, echo).await, exit(&rotating, echo).await);
    assert_ne!(
        a, b,
        "without a session, every request may leave from elsewhere"
    );
    for ip in [first, a, b] {
        assert!(
            ip.is_loopback() && ip != IpAddr::from([127, 0, 0, 1]),
            "{ip}"
        );
    }
}

#[tokio::test]
async fn a_wrong_password_or_user_name_gets_a_407() {
    let sandbox = Sandbox::start().await.unwrap();
    let wrong = sandbox_gateway(&sandbox, "not-the-password");
    let route = wrong.route().build().unwrap();
    let (status, body) = through(&route, sandbox.echo_url()).await;
    assert_eq!(status, 407, "{body}");
    assert!(body.contains("wrong proxy user or password"), "{body}");
    assert!(!body.contains("not-the-password"), "{body}");

    let address: std::net::SocketAddr = sandbox
        .gateway_url()
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let stranger = Gateway::new("99999", sandbox.gateway_password())
        .unwrap()
        .host("127.0.0.1")
        .port(address.port());
    let (status, _) = through(&stranger.route().build().unwrap(), sandbox.echo_url()).await;
    assert_eq!(status, 407, "an account the sandbox does not have");

    // No credentials at all.
    let bare = ipidea::reqwest::Client::builder()
        .proxy(ipidea::reqwest::Proxy::all(sandbox.gateway_url()).unwrap())
        .build()
        .unwrap();
    let response = bare.get(sandbox.echo_url()).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 407);
    assert!(response.headers().contains_key("proxy-authenticate"));
}

#[tokio::test]
async fn the_gateway_forwards_to_loopback_only() {
    let sandbox = Sandbox::start().await.unwrap();
    let route = sandbox_gateway(&sandbox, sandbox.gateway_password())
        .route()
        .build()
        .unwrap();
    // 192.0.2.1 (TEST-NET-1) is refused by the decision, before any connection.
    let (status, body) = through(&route, "http://192.0.2.1/").await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("loopback addresses only"), "{body}");
}

#[tokio::test]
async fn sticky_sessions_by_key_keep_their_address_until_rotated() {
    let sandbox = Sandbox::start().await.unwrap();
    let sessions = sandbox_gateway(&sandbox, sandbox.gateway_password())
        .route()
        .minutes(10)
        .sessions();
    let echo = sandbox.echo_url();
    let alice = exit(&sessions.route("alice").unwrap(), echo).await;
    assert_eq!(exit(&sessions.route("alice").unwrap(), echo).await, alice);
    let bob = exit(&sessions.route("bob").unwrap(), echo).await;
    assert_ne!(bob, alice, "each key its own session");
    let rotated = exit(&sessions.rotate("alice").unwrap(), echo).await;
    assert_ne!(rotated, alice, "a rotated key leaves from another address");
    assert_eq!(exit(&sessions.route("alice").unwrap(), echo).await, rotated);
    assert_eq!(sessions.len(), 2);

    // The key's own client leaves through its session too.
    assert_eq!(
        exit_of(&sessions.client("alice").unwrap(), echo).await,
        rotated
    );
}

/// The exit address of a GET of the echo sent by `sessions` for `key`.
async fn session_exit(sessions: &ipidea::gateway::StickySessions, key: &str, echo: &str) -> IpAddr {
    let request = request(ipidea::reqwest::Method::GET, echo, None);
    echoed(sessions.execute(key, request).await.unwrap()).await
}

#[tokio::test]
async fn a_blocked_answer_rotates_the_session_and_a_get_is_sent_again_through_the_new_one() {
    use ipidea::reqwest::Method;
    use ipidea_tests::{RecordingServer, Reply};

    let sandbox = Sandbox::start().await.unwrap();
    let target = RecordingServer::start().await;
    let sessions = sandbox_sessions(&sandbox);
    let echo = sandbox.echo_url();
    let first = session_exit(&sessions, "alice", echo).await;
    assert_eq!(session_exit(&sessions, "alice", echo).await, first, "kept");
    let before = session_of(&sessions, "alice");

    target.reply(Reply::status(429, "too many"));
    let answer = sessions
        .execute("alice", request(Method::GET, &target.url(), None))
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(target.requests().len(), 2, "blocked once, then answered");
    let after = session_of(&sessions, "alice");
    assert_ne!(after, before, "rotated");
    let now = session_exit(&sessions, "alice", echo).await;
    assert_ne!(now, first, "a new exit address");

    // A POST is not sent twice: its blocked answer comes back, and the session still rotates.
    target.reply(Reply::status(403, "blocked"));
    let answer = sessions
        .execute("alice", request(Method::POST, &target.url(), None))
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 403);
    assert_eq!(target.requests().len(), 3);
    assert_ne!(sessions.route("alice").unwrap().session().unwrap(), after);
}

#[tokio::test]
async fn a_failing_session_is_rotated_and_only_a_request_safe_to_repeat_is_sent_again() {
    use ipidea::gateway::SessionError;
    use ipidea::reqwest::Method;
    use ipidea_sandbox::proxy::ProxyFault;
    use ipidea_tests::RecordingServer;
    use std::time::Duration;

    let sandbox = Sandbox::start().await.unwrap();
    let target = RecordingServer::start().await;
    let sessions = sandbox_sessions(&sandbox);
    let echo = sandbox.echo_url();

    // Alice's session cuts its answers off: the GET is sent again through a new session.
    let broken = break_session(&sandbox, &sessions, "alice", ProxyFault::DropMidRequest);
    let exit = session_exit(&sessions, "alice", echo).await;
    assert_ne!(
        sessions.route("alice").unwrap().session(),
        Some(broken.as_str())
    );
    assert_eq!(
        session_exit(&sessions, "alice", echo).await,
        exit,
        "the new session sticks"
    );

    // Bob's session closes the connection without an answer: his POST may have left, so it is
    // not sent again; his session rotates all the same.
    let dead = break_session(&sandbox, &sessions, "bob", ProxyFault::Dead);
    let error = sessions
        .execute("bob", request(Method::POST, &target.url(), None))
        .await
        .unwrap_err();
    match &error {
        SessionError::Request {
            session, attempts, ..
        } => {
            assert_eq!((session.as_str(), *attempts), (dead.as_str(), 1), "{error}");
        }
        other => panic!("{other}"),
    }
    assert_ne!(
        sessions.route("bob").unwrap().session(),
        Some(dead.as_str())
    );

    // A gateway slower than the request's timeout: each attempt times out, two in all.
    sandbox.break_gateway(None, Some(ProxyFault::Slow(Duration::from_secs(5))));
    let slow = request(Method::GET, &target.url(), Some(Duration::from_millis(200)));
    let error = sessions.execute("carol", slow).await.unwrap_err();
    match &error {
        SessionError::Request {
            attempts, source, ..
        } => {
            assert_eq!(*attempts, 2, "{error}");
            assert!(source.is_timeout(), "{error}");
        }
        other => panic!("{other}"),
    }
    assert!(target.requests().is_empty(), "nothing reached the target");
}

#[test]
fn callers_racing_to_a_keys_first_session_all_get_the_same_one() {
    let sessions = Gateway::new("alice", "pw").unwrap().route().sessions();
    let start = std::sync::Barrier::new(8);
    let ids: Vec<String> = std::thread::scope(|scope| {
        let callers: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    let route = sessions.route("profile-1").unwrap();
                    route.session().unwrap().to_owned()
                })
            })
            .collect();
        callers.into_iter().map(|c| c.join().unwrap()).collect()
    });
    let kept = sessions.route("profile-1").unwrap();
    assert!(
        ids.iter().all(|id| Some(id.as_str()) == kept.session()),
        "one key, one session: {ids:?} vs {:?}",
        kept.session()
    );
}

#[tokio::test]
async fn a_late_failure_of_a_replaced_session_keeps_its_successor() {
    use ipidea_sandbox::proxy::ProxyFault;

    let sandbox = Sandbox::start().await.unwrap();
    let sessions = sandbox_sessions(&sandbox);
    let echo = sandbox.echo_url();
    let broken = break_session(&sandbox, &sessions, "alice", ProxyFault::DropMidRequest);
    // Both GETs leave through the broken session and fail; the first failure rotates it, the
    // second is of the session already replaced and must not replace the new one again.
    let (a, b) = tokio::join!(
        session_exit(&sessions, "alice", echo),
        session_exit(&sessions, "alice", echo)
    );
    assert_eq!(a, b, "both sent again through the one new session");
    let now = session_of(&sessions, "alice");
    assert_ne!(now, broken);
    assert_eq!(
        session_exit(&sessions, "alice", echo).await,
        a,
        "and it stays"
    );
}
