//! The proxy pool against the sandbox: it fills itself from the extraction API, hands proxies
//! out that work, drops the ones that fail or age, stops at a "not whitelisted" refusal
//! without retrying, and serves many concurrent callers without handing out a dropped proxy.

mod common;

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use common::{address_of, echoed, exit_of, request};
use ipidea::pool::{HealthCheck, PoolError, ProxyPool, Selection, SendError};
use ipidea::{Client, RefusalKind};
use ipidea_sandbox::{DEFAULT_UID, Fault, Sandbox};

const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

async fn whitelisted() -> Sandbox {
    Sandbox::builder()
        .whitelist(DEFAULT_UID, [LOCAL])
        .start()
        .await
        .unwrap()
}

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .without_credentials()
        .base_url(sandbox.url())
        .build()
        .unwrap()
}

async fn exit(proxy: &ipidea::pool::PooledProxy, echo: &str) -> IpAddr {
    exit_of(proxy.http(), echo).await
}

#[tokio::test]
async fn it_fills_itself_and_hands_out_working_proxies_in_turn() {
    let sandbox = whitelisted().await;
    let pool = ProxyPool::builder(client(&sandbox))
        .batch(4)
        .health_check(HealthCheck::new(sandbox.echo_url()))
        .build()
        .unwrap();
    let mut exits = Vec::new();
    let mut urls = Vec::new();
    for _ in 0..8 {
        let proxy = pool.get().await.unwrap();
        assert_eq!(
            format!("{proxy:?}"),
            format!("PooledProxy {{ url: {:?}, .. }}", proxy.url())
        );
        assert_eq!(
            proxy.to_string(),
            proxy.url(),
            "printed, a proxy is its URL"
        );
        urls.push(proxy.url().to_owned());
        exits.push(exit(&proxy, sandbox.echo_url()).await);
    }
    assert_eq!(urls[..4], urls[4..], "round-robin: the same four in turn");
    let distinct: HashSet<&IpAddr> = exits.iter().collect();
    assert_eq!(distinct.len(), 4, "{exits:?}");
    let stats = pool.stats();
    assert_eq!((stats.size, stats.handed_out, stats.extractions), (4, 8, 1));
    assert_eq!(
        sandbox.requests_seen("get_proxy_ip"),
        1,
        "no extraction while it holds enough"
    );
}

#[tokio::test]
async fn a_not_whitelisted_refusal_stops_refilling_without_retries() {
    let sandbox = Sandbox::start().await.unwrap();
    let pool = ProxyPool::builder(client(&sandbox))
        .min_extraction_interval(Duration::from_millis(1))
        .build()
        .unwrap();
    for _ in 0..3 {
        let error = pool.get().await.unwrap_err();
        assert!(matches!(error, PoolError::Refused(_)), "{error}");
        assert_eq!(error.refusal(), Some(RefusalKind::NotWhitelisted));
        assert!(
            error
                .to_string()
                .contains("ipidea whitelist sync 127.0.0.1"),
            "{error}"
        );
    }
    assert_eq!(
        sandbox.requests_seen("get_proxy_ip"),
        1,
        "refused once, never retried"
    );
    assert!(pool.stats().stopped);
}

#[tokio::test]
async fn a_failed_extraction_reaches_its_waiters_and_the_next_get_tries_again() {
    let sandbox = whitelisted().await;
    sandbox.inject("get_proxy_ip", Fault::Status(502));
    let pool = ProxyPool::builder(client(&sandbox))
        .min_extraction_interval(Duration::from_millis(1))
        .build()
        .unwrap();
    let error = pool.get().await.unwrap_err();
    assert!(matches!(error, PoolError::Extraction(_)), "{error}");
    assert!(pool.get().await.is_ok(), "the next get extracts again");
    assert_eq!(sandbox.requests_seen("get_proxy_ip"), 2);
}

#[tokio::test]
async fn fifty_callers_on_a_pool_of_five_never_get_a_dropped_proxy() {
    let sandbox = whitelisted().await;
    let pool = ProxyPool::builder(client(&sandbox))
        .batch(5)
        .low_water(1)
        .max_failures(2)
        .selection(Selection::Random)
        .build()
        .unwrap();
    let first = pool.get().await.unwrap();
    assert_eq!(pool.stats().size, 5);
    // Two failures drop it: one reported, one a blocked answer.
    first.report_failure();
    first.report_status(ipidea::reqwest::StatusCode::OK);
    assert_eq!(pool.stats().size, 5, "a success is no failure");
    first.report_status(ipidea::reqwest::StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(pool.stats().size, 4);
    assert_eq!(pool.stats().dropped, 1);
    let dropped = first.url().to_owned();
    let callers: Vec<_> = (0..50)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { pool.get().await.map(|p| p.url().to_owned()) })
        })
        .collect();
    for caller in callers {
        let url = caller.await.unwrap().unwrap();
        assert_ne!(url, dropped, "a dropped proxy was handed out");
    }
    assert_eq!(pool.stats().handed_out, 51);
}

#[tokio::test]
async fn proxies_past_their_age_are_dropped_and_replaced() {
    let sandbox = whitelisted().await;
    let pool = ProxyPool::builder(client(&sandbox))
        .batch(2)
        .max_age(Duration::from_millis(1000))
        .min_extraction_interval(Duration::from_millis(1))
        .build()
        .unwrap();
    let old = pool.get().await.unwrap().url().to_owned();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let new = pool.get().await.unwrap().url().to_owned();
    assert_ne!(old, new);
    let stats = pool.stats();
    assert_eq!((stats.extractions, stats.dropped), (2, 2), "{stats:?}");
}

#[tokio::test]
async fn dead_slow_and_dropping_proxies_are_dropped_and_a_get_is_repeated_through_the_next() {
    use ipidea_sandbox::proxy::ProxyFault;

    let sandbox = whitelisted().await;
    let pool = ProxyPool::builder(client(&sandbox))
        .batch(4)
        .low_water(1)
        .max_failures(1)
        .retries(3)
        .build()
        .unwrap();
    let mut handed = Vec::new();
    for _ in 0..4 {
        handed.push(pool.get().await.unwrap());
    }
    let faults = [
        ProxyFault::Dead,
        ProxyFault::Slow(Duration::from_secs(10)),
        ProxyFault::DropMidRequest,
    ];
    for (proxy, fault) in handed.iter().zip(faults) {
        assert!(sandbox.break_proxy(address_of(proxy.url()), Some(fault)));
    }
    // The pool repeats a GET (safe to send twice) through the next proxy until one answers.
    let request = request(
        reqwest::Method::GET,
        sandbox.echo_url(),
        Some(Duration::from_secs(2)),
    );
    let answer = pool.execute(request).await.unwrap();
    let body = answer.text().await.unwrap();
    assert!(body.contains("\"ip\""), "{body}");
    let stats = pool.stats();
    assert_eq!((stats.size, stats.dropped), (1, 3), "{stats:?}");
    assert_eq!(pool.proxies(), [handed[3].url().to_owned()]);
}

/// A request of `method` to `url`, given up after five seconds.
fn request_to(method: reqwest::Method, url: &str) -> reqwest::Request {
    request(method, url, Some(Duration::from_secs(5)))
}

/// Three proxies in the pool, in the order it hands them out from now on.
async fn pool_of_three(sandbox: &Sandbox) -> (ProxyPool, Vec<String>) {
    let pool = ProxyPool::builder(client(sandbox))
        .batch(3)
        .low_water(1)
        .build()
        .unwrap();
    let first = pool.get().await.unwrap().url().to_owned();
    let mut order = pool.proxies();
    order.rotate_left(1);
    assert_eq!(order.last(), Some(&first));
    (pool, order)
}

#[tokio::test]
async fn a_post_that_may_have_arrived_is_never_sent_again_and_one_never_sent_is() {
    use ipidea_sandbox::proxy::ProxyFault;
    use ipidea_tests::RecordingServer;

    let sandbox = whitelisted().await;
    let target = RecordingServer::start().await;
    let (pool, order) = pool_of_three(&sandbox).await;
    // The next proxy forwards the POST, then cuts the answer off: the target has it.
    assert!(sandbox.break_proxy(address_of(&order[0]), Some(ProxyFault::DropMidRequest)));
    let error = pool
        .execute(request_to(reqwest::Method::POST, &target.url()))
        .await
        .unwrap_err();
    match &error {
        SendError::Request {
            proxy, attempts, ..
        } => {
            assert_eq!((proxy, *attempts), (&order[0], 1), "{error}");
        }
        other => panic!("{other}"),
    }
    assert_eq!(target.requests().len(), 1, "sent once, not repeated");

    // The next proxy is dead: the POST never left, so the pool sends it through the one after.
    assert!(sandbox.break_proxy(address_of(&order[1]), Some(ProxyFault::Dead)));
    let answer = pool
        .execute(request_to(reqwest::Method::POST, &target.url()))
        .await
        .unwrap();
    assert!(answer.status().is_success());
    let posts = target.requests();
    assert_eq!(posts.len(), 2, "the second POST arrived once");
    assert!(posts.iter().all(|r| r.method == "POST"));
}

#[tokio::test]
async fn an_answer_cut_off_midway_is_an_error_and_a_get_is_repeated() {
    use ipidea_sandbox::proxy::ProxyFault;
    use ipidea_tests::{RecordingServer, Reply};

    let sandbox = whitelisted().await;
    let target = RecordingServer::start().await;
    target.set_default(Reply::json(r#"{"answer":"the whole of it, not half"}"#));
    let (pool, order) = pool_of_three(&sandbox).await;
    assert!(sandbox.break_proxy(address_of(&order[0]), Some(ProxyFault::DropMidRequest)));
    let answer = pool
        .execute(request_to(reqwest::Method::GET, &target.url()))
        .await
        .unwrap();
    // Read whole, the answer keeps what reqwest tells of it: its URL, and the proxy it came
    // through (the next one in turn).
    let url: reqwest::Url = target.url().parse().unwrap();
    assert_eq!(answer.url(), &url);
    assert_eq!(answer.remote_addr(), Some(address_of(&order[1])));
    assert_eq!(
        answer.text().await.unwrap(),
        r#"{"answer":"the whole of it, not half"}"#
    );
    assert_eq!(target.requests().len(), 2, "cut off once, then answered");
}

#[tokio::test]
async fn a_blocked_answer_counts_against_the_proxy_and_a_get_tries_another() {
    use ipidea_tests::{RecordingServer, Reply};

    let sandbox = whitelisted().await;
    let target = RecordingServer::start().await;
    let (pool, _) = pool_of_three(&sandbox).await;
    target.reply(Reply::status(429, "slow down"));
    let answer = pool
        .execute(request_to(reqwest::Method::GET, &target.url()))
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    assert_eq!(target.requests().len(), 2);

    // A POST that was answered "blocked" did arrive: its answer comes back, not sent again.
    target.reply(Reply::status(429, "slow down"));
    let answer = pool
        .execute(request_to(reqwest::Method::POST, &target.url()))
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 429);
    assert_eq!(target.requests().len(), 3);

    // Without retries the blocked answer itself comes back; either way it counts: with
    // max_failures 1 the proxy is gone.
    let strict = ProxyPool::builder(client(&sandbox))
        .batch(2)
        .max_failures(1)
        .retries(0)
        .build()
        .unwrap();
    target.reply(Reply::status(403, "blocked"));
    let answer = strict
        .execute(request_to(reqwest::Method::GET, &target.url()))
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 403);
    let stats = strict.stats();
    assert_eq!((stats.size, stats.dropped), (1, 1), "{stats:?}");
}

#[tokio::test]
async fn as_reqwest_middleware_each_request_leaves_through_a_proxy_of_the_pool() {
    use ipidea::reqwest_middleware::ClientBuilder;

    let sandbox = whitelisted().await;
    let pool = ProxyPool::builder(client(&sandbox))
        .batch(3)
        .build()
        .unwrap();
    let http = ClientBuilder::new(reqwest::Client::new())
        .with(pool.middleware())
        .build();
    let mut exits = Vec::new();
    for _ in 0..3 {
        exits.push(echoed(http.get(sandbox.echo_url()).send().await.unwrap()).await);
    }
    let sources: HashSet<IpAddr> = sandbox
        .extracted_proxies()
        .into_iter()
        .map(|(_, source)| source)
        .collect();
    let distinct: HashSet<&IpAddr> = exits.iter().collect();
    assert_eq!(
        distinct.len(),
        3,
        "round robin over three proxies: {exits:?}"
    );
    assert!(
        exits.iter().all(|ip| sources.contains(ip)),
        "{exits:?} vs {sources:?}"
    );
    assert!(!exits.contains(&LOCAL), "never sent directly");
    assert_eq!(pool.stats().handed_out, 3);

    // An empty pool that cannot refill says why, through the middleware's error.
    let refused = Sandbox::start().await.unwrap();
    let pool = ProxyPool::builder(client(&refused)).build().unwrap();
    let http = ClientBuilder::new(reqwest::Client::new())
        .with(pool.middleware())
        .build();
    let error = http.get(refused.echo_url()).send().await.unwrap_err();
    assert!(error.to_string().contains("whitelist"), "{error}");
}

#[tokio::test]
async fn through_the_middleware_retry_middleware_may_repeat_only_what_is_safe() {
    use ipidea::reqwest_middleware::{ClientBuilder, Error};
    use ipidea_sandbox::proxy::ProxyFault;
    use ipidea_tests::RecordingServer;

    let sandbox = whitelisted().await;
    let target = RecordingServer::start().await;
    let pool = ProxyPool::builder(client(&sandbox))
        .batch(1)
        .retries(0)
        .build()
        .unwrap();
    let proxy = pool.get().await.unwrap();
    assert!(sandbox.break_proxy(address_of(proxy.url()), Some(ProxyFault::DropMidRequest)));
    let http = ClientBuilder::new(reqwest::Client::new())
        .with(pool.middleware())
        .build();
    // A POST cut off may have arrived: the middleware's own error, which retry middleware
    // such as reqwest-retry takes as fatal.
    let error = http
        .post(target.url())
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Middleware(_)), "{error:?}");
    assert_eq!(target.requests().len(), 1);
    // A GET cut off is safe to repeat: reqwest's own error, for retry middleware to judge.
    let error = http
        .get(target.url())
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Reqwest(_)), "{error:?}");
    assert_eq!(target.requests().len(), 2);
}

/// Waits until `done` holds of the pool's stats, up to 10 seconds.
async fn until(pool: &ProxyPool, done: impl Fn(&ipidea::pool::PoolStats) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !done(&pool.stats()) {
        assert!(tokio::time::Instant::now() < deadline, "{:?}", pool.stats());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn it_refills_below_half_a_batch_by_default_and_not_before() {
    let sandbox = whitelisted().await;
    let pool = ProxyPool::builder(client(&sandbox))
        .batch(4)
        .max_failures(1)
        .min_extraction_interval(Duration::from_millis(1))
        .build()
        .unwrap();
    assert!(format!("{pool:?}").starts_with("ProxyPool { stats: PoolStats { size: 0"));
    // Four proxies; two fail and are dropped, leaving two: half a batch, not below it.
    for _ in 0..2 {
        pool.get().await.unwrap().report_failure();
    }
    let kept = pool.get().await.unwrap();
    // A refill, had this `get` started one, would show as under way at once.
    let stats = pool.stats();
    assert_eq!(
        (stats.size, stats.extractions, stats.refilling),
        (2, 1, false),
        "{stats:?}"
    );
    // One more goes: one left, below half a batch, so the next `get` starts a refill.
    kept.report_failure();
    pool.get().await.unwrap();
    until(&pool, |s| s.extractions == 2).await;
    assert_eq!(pool.stats().size, 5);
}

#[tokio::test]
async fn a_socks5_pool_hands_out_working_socks5_proxies() {
    let sandbox = whitelisted().await;
    let pool = ProxyPool::builder(client(&sandbox))
        .batch(2)
        .protocol(ipidea::ProxyProtocol::Socks5)
        .build()
        .unwrap();
    let proxy = pool.get().await.unwrap();
    assert!(
        proxy.url().starts_with("socks5://127.0.0.1:"),
        "{}",
        proxy.url()
    );
    let exit = exit(&proxy, sandbox.echo_url()).await;
    assert_ne!(exit, LOCAL, "left through the proxy");

    // A protocol the spec does not know is refused when the pool is built, not at each proxy.
    let error = ProxyPool::builder(client(&sandbox))
        .protocol(ipidea::ProxyProtocol::from_wire("socks4"))
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, PoolError::Config(m) if m.contains("socks4")),
        "{error}"
    );
}

#[tokio::test]
async fn proxies_that_fail_their_health_check_never_join_and_the_pool_says_so() {
    let sandbox = whitelisted().await;
    // A loopback port that nothing listens on: every check fails at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let mut check = HealthCheck::new(url);
    check.timeout = Duration::from_secs(2);
    let pool = ProxyPool::builder(client(&sandbox))
        .batch(3)
        .health_check(check)
        .build()
        .unwrap();
    let error = pool.get().await.unwrap_err();
    assert!(matches!(error, PoolError::Unhealthy(3)), "{error}");
    let stats = pool.stats();
    assert_eq!(
        (stats.size, stats.extracted, stats.dropped),
        (0, 3, 3),
        "{stats:?}"
    );
    assert!(stats.last_error.unwrap().contains("health check"));
}

#[tokio::test]
async fn callers_waiting_on_an_empty_pool_share_one_extraction() {
    let sandbox = whitelisted().await;
    let pool = ProxyPool::builder(client(&sandbox))
        .batch(10)
        .min_extraction_interval(Duration::from_millis(1))
        .build()
        .unwrap();
    let callers = (0..10).map(|_| {
        let pool = pool.clone();
        tokio::spawn(async move { pool.get().await.map(|p| p.url().to_owned()) })
    });
    for caller in futures_util::future::join_all(callers).await {
        caller.unwrap().unwrap();
    }
    // A second extraction, had one started, would be under way or over: wait it out.
    until(&pool, |s| !s.refilling).await;
    assert_eq!(pool.stats().extractions, 1);
    assert_eq!(sandbox.requests_seen("get_proxy_ip"), 1);
}
