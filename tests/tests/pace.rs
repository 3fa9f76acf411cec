//! Pacing over real HTTP on loopback: the cap on requests in flight and the interval between
//! starts hold at the server, the default is one at a time, every attempt is paced, and
//! neither a queued call nor a dropped one breaks anything.

mod common;

use std::time::{Duration, Instant};

use common::{builder, example_response};
use futures_util::TryStreamExt;
use futures_util::future::join_all;
use ipidea::{
    Client, Error, FlowOrderListRequest, IspDuration, IspIpOpenRequest, IspOrderListRequest, Pace,
};
use ipidea_sandbox::Sandbox;
use ipidea_tests::{RecordingServer, Reply, assert_spaced};

/// How long the server holds each request where concurrency is observed.
const HOLD: Duration = Duration::from_millis(20);

/// A client of `server` whose requests start at least `interval` apart.
fn spaced_client(server: &RecordingServer, interval: Duration) -> Client {
    builder(server)
        .pace(Pace::spaced(interval))
        .build()
        .unwrap()
}

/// A server that answers every list call with the vendor's example, after `hold`.
async fn list_server(hold: Duration) -> RecordingServer {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(example_response("isp_order_list")).delayed(hold));
    server
}

/// `n` list calls at once, on clones of `client`; every one must succeed.
async fn concurrent_lists(client: &Client, n: usize) {
    let calls = (0..n).map(|_| {
        let client = client.clone();
        async move { client.isp_order_list(IspOrderListRequest::default()).await }
    });
    for (i, result) in join_all(calls).await.into_iter().enumerate() {
        if let Err(error) = result {
            panic!("call {i} failed: {error}");
        }
    }
}

/// The instants at which the server began handling each request, in order.
fn arrivals(server: &RecordingServer) -> Vec<Instant> {
    let mut arrived: Vec<Instant> = server.requests().iter().map(|r| r.arrived).collect();
    arrived.sort();
    arrived
}

#[tokio::test]
async fn max_in_flight_caps_the_requests_the_server_sees_at_once() {
    let server = list_server(HOLD).await;
    let client = builder(&server)
        .pace(Pace::unlimited().with_max_in_flight(4))
        .build()
        .unwrap();
    concurrent_lists(&client, 50).await;
    assert_eq!(server.requests().len(), 50, "every call sent once");
    let peak = server.peak_concurrent();
    assert!(peak <= 4, "at most 4 in flight, the server saw {peak}");
    assert!(peak > 1, "requests did run side by side (peak {peak})");
}

#[tokio::test]
async fn unlimited_lets_the_calls_overlap() {
    // The control of the test above: without a cap, the same load overlaps beyond 4.
    let server = list_server(Duration::from_millis(100)).await;
    let client = builder(&server).pace(Pace::unlimited()).build().unwrap();
    assert_eq!(
        client.transport().pace(),
        &Pace::unlimited(),
        "read back as set"
    );
    concurrent_lists(&client, 20).await;
    let peak = server.peak_concurrent();
    assert!(peak > 4, "unpaced calls overlap (peak {peak})");
}

#[tokio::test]
async fn min_interval_spaces_the_starts_of_requests() {
    const CALLS: usize = 50;
    const INTERVAL: Duration = Duration::from_millis(10);
    let server = list_server(Duration::ZERO).await;
    let client = spaced_client(&server, INTERVAL);
    concurrent_lists(&client, CALLS).await;
    let arrived = arrivals(&server);
    assert_eq!(arrived.len(), CALLS);
    assert_spaced(&arrived, INTERVAL);
}

#[tokio::test]
async fn a_call_after_a_pause_waits_only_for_what_is_left_of_the_interval() {
    const INTERVAL: Duration = Duration::from_millis(300);
    const PAUSE: Duration = Duration::from_millis(250);
    let server = list_server(Duration::ZERO).await;
    let client = spaced_client(&server, INTERVAL);
    client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    tokio::time::sleep(PAUSE).await;
    client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    let arrived = arrivals(&server);
    let gap = arrived[1] - arrived[0];
    // The second call waits the 50 ms left of the interval, not a whole interval more: even
    // on a loaded machine it arrives well before `PAUSE + INTERVAL` (550 ms).
    assert!(gap >= INTERVAL - Duration::from_millis(5), "{gap:?}");
    assert!(gap < PAUSE + INTERVAL, "{gap:?}");
}

#[tokio::test]
async fn the_default_pace_is_one_at_a_time() {
    assert_eq!(Pace::default(), Pace::one_at_a_time());
    let server = list_server(HOLD).await;
    let client = builder(&server).build().unwrap();
    // What a user reads back: one request in flight, no interval between starts.
    let pace = client.transport().pace();
    assert_eq!((pace.max_in_flight(), pace.min_interval()), (Some(1), None));
    let started = Instant::now();
    concurrent_lists(&client, 10).await;
    assert_eq!(server.requests().len(), 10);
    assert_eq!(server.peak_concurrent(), 1, "no two calls overlapped");
    assert!(
        started.elapsed() >= HOLD * 10,
        "the calls went one after another"
    );
}

#[tokio::test]
async fn zero_in_flight_is_a_config_error_not_a_panic() {
    let server = RecordingServer::start().await;
    let result = builder(&server)
        .pace(Pace::unlimited().with_max_in_flight(0))
        .build();
    match result {
        Err(Error::Config(problem)) => {
            assert!(problem.contains("0 requests in flight"), "{problem}")
        }
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[tokio::test]
async fn huge_values_are_accepted_and_a_call_goes_through() {
    // Neither refused nor a panic: the first call has no earlier start to keep the interval
    // from, and a slot among usize::MAX.
    let server = list_server(Duration::ZERO).await;
    let client = builder(&server)
        .pace(Pace::spaced(Duration::MAX).with_max_in_flight(usize::MAX))
        .build()
        .unwrap();
    client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 1, "sent once, answered");
}

#[tokio::test]
async fn a_cap_and_an_interval_hold_together() {
    const CALLS: usize = 6;
    const INTERVAL: Duration = Duration::from_millis(30);
    // Held longer than the interval, so that the cap is what stops a third request.
    let server = list_server(Duration::from_millis(120)).await;
    let client = builder(&server)
        .pace(
            Pace::unlimited()
                .with_max_in_flight(2)
                .with_min_interval(INTERVAL),
        )
        .build()
        .unwrap();
    concurrent_lists(&client, CALLS).await;
    assert_eq!(server.requests().len(), CALLS);
    let peak = server.peak_concurrent();
    assert_eq!(peak, 2, "at most 2 in flight, and two did overlap");
    assert_spaced(&arrivals(&server), INTERVAL);
}

#[tokio::test]
async fn a_with_timeout_copy_shares_the_pace_of_its_client() {
    let server = list_server(Duration::from_millis(100)).await;
    let client = builder(&server)
        .pace(Pace::one_at_a_time())
        .build()
        .unwrap();
    let copy = client.with_timeout(Duration::from_secs(10));
    let calls = [&client, &copy, &client, &copy].map(|client| {
        let client = client.clone();
        async move { client.isp_order_list(IspOrderListRequest::default()).await }
    });
    for result in join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(server.requests().len(), 4);
    assert_eq!(
        server.peak_concurrent(),
        1,
        "calls on the client and its copy never overlapped"
    );

    // The control: two clients built separately are paced separately, and do overlap.
    let other_server = list_server(Duration::from_millis(100)).await;
    let first = builder(&other_server)
        .pace(Pace::one_at_a_time())
        .build()
        .unwrap();
    let second = builder(&other_server)
        .pace(Pace::one_at_a_time())
        .build()
        .unwrap();
    let (a, b) = tokio::join!(
        first.isp_order_list(IspOrderListRequest::default()),
        second.isp_order_list(IspOrderListRequest::default()),
    );
    a.unwrap();
    b.unwrap();
    assert_eq!(other_server.peak_concurrent(), 2);
}

#[tokio::test]
async fn each_attempt_of_a_retried_call_is_paced() {
    const INTERVAL: Duration = Duration::from_millis(150);
    let server = list_server(Duration::ZERO).await;
    server.reply(Reply::html_500());
    // The backoff is at most 5 ms: only the pace can hold the retry back 150 ms.
    let client = spaced_client(&server, INTERVAL);
    client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    let arrived = arrivals(&server);
    assert_eq!(arrived.len(), 2, "one retry");
    // Without the pace the retry would follow within the 5 ms backoff.
    assert_spaced(&arrived, INTERVAL);
}

#[tokio::test]
async fn pages_of_a_stream_are_paced() {
    const INTERVAL: Duration = Duration::from_millis(100);
    let sandbox = Sandbox::builder().demo_seed().start().await.unwrap();
    let client = Client::builder()
        .credential("uid", sandbox.uid())
        .credential("appkey", sandbox.appkey())
        .base_url(sandbox.url())
        .pace(Pace::spaced(INTERVAL))
        .build()
        .unwrap();
    let started = Instant::now();
    let items: Vec<_> = client
        .flow_order_list_stream(FlowOrderListRequest::default().limit(1))
        .try_collect()
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(items.len(), 3);
    assert_eq!(sandbox.requests_seen("flow_order_list"), 3, "one page each");
    assert!(
        elapsed >= INTERVAL * 2,
        "3 pages 100 ms apart took {elapsed:?}"
    );
}

#[tokio::test]
async fn waiting_for_the_pace_is_not_part_of_the_timeout() {
    // Four orders at once, one at a time, 100 ms each: the last waits about 300 ms for its
    // turn, longer than the 250 ms timeout, yet it was never sent before its turn, so it
    // neither times out nor ends in OutcomeUnknown.
    let server = RecordingServer::start().await;
    server.set_default(
        Reply::json(example_response("isp_ip_open")).delayed(Duration::from_millis(100)),
    );
    let client = builder(&server)
        .timeout(Duration::from_millis(250))
        .build()
        .unwrap();
    let calls = (0..4).map(|_| {
        let client = client.clone();
        async move {
            client
                .isp_ip_open(IspIpOpenRequest::new("hk", IspDuration::Weekly, 1))
                .await
        }
    });
    for result in join_all(calls).await {
        if let Err(error) = result {
            panic!("a queued order failed: {error}");
        }
    }
    assert_eq!(server.requests().len(), 4);
    assert_eq!(server.peak_concurrent(), 1);
}

#[tokio::test]
async fn a_call_dropped_while_waiting_sends_nothing_and_holds_nothing() {
    let server = list_server(Duration::from_millis(200)).await;
    let client = builder(&server)
        .pace(Pace::one_at_a_time())
        .build()
        .unwrap();
    let first = tokio::spawn({
        let client = client.clone();
        async move { client.isp_order_list(IspOrderListRequest::default()).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    // The first call holds the only slot, so this one is still waiting when it is dropped.
    let dropped = tokio::time::timeout(
        Duration::from_millis(50),
        client.isp_order_list(IspOrderListRequest::default()),
    )
    .await;
    assert!(dropped.is_err(), "the second call was still waiting");
    first.await.unwrap().unwrap();
    client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(
        server.requests().len(),
        2,
        "the dropped call was never sent"
    );
}

#[tokio::test]
async fn a_call_dropped_in_flight_gives_its_slot_back() {
    let server = list_server(Duration::ZERO).await;
    server.reply(Reply::json(example_response("isp_order_list")).delayed(Duration::from_secs(2)));
    let client = builder(&server)
        .pace(Pace::one_at_a_time())
        .build()
        .unwrap();
    let dropped = tokio::time::timeout(
        Duration::from_millis(100),
        client.isp_order_list(IspOrderListRequest::default()),
    )
    .await;
    assert!(dropped.is_err(), "the slow call was dropped in flight");
    let started = Instant::now();
    client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "the next call did not wait for the dropped one's response"
    );
}

#[tokio::test]
async fn a_whitelist_sync_is_paced_call_by_call() {
    const INTERVAL: Duration = Duration::from_millis(20);
    let server = RecordingServer::start().await;
    // An empty whitelist; every add succeeds.
    server.set_default(Reply::json(
        r#"{"ret":0,"code":"1","msg":"success","ret_data":{"lists":[],"white":0}}"#,
    ));
    let client = spaced_client(&server, INTERVAL);
    let ips: Vec<std::net::IpAddr> = (1..=5).map(|i| [192, 0, 2, i].into()).collect();
    let done = client
        .whitelist_sync(ips.clone(), ipidea::SyncMode::Exact)
        .await
        .unwrap();
    assert_eq!(done.added, ips);
    let arrived = arrivals(&server);
    assert_eq!(arrived.len(), 6, "one list, then one add per IP");
    assert_spaced(&arrived, INTERVAL);
}
