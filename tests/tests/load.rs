//! A thousand concurrent calls through one `Client` against the sandbox: all succeed, each
//! sent once, and the connections the server saw are reported. The client is unpaced
//! (`Pace::unlimited()`), so that the calls really are in flight together.

use futures_util::StreamExt;
use ipidea::{Client, FlowOrderListRequest, Pace};
use ipidea_sandbox::Sandbox;

const CALLS: usize = 1000;
const IN_FLIGHT_LATER: usize = 50;

async fn call(client: Client) {
    let page = client
        .flow_order_list(FlowOrderListRequest::default().limit(5))
        .await
        .expect("the call succeeded");
    assert_eq!(page.total, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_through_one_client() {
    let sandbox = Sandbox::builder().demo_seed().start().await.unwrap();
    let client = Client::builder()
        .credential("uid", sandbox.uid())
        .credential("appkey", sandbox.appkey())
        .base_url(sandbox.url())
        .pace(Pace::unlimited())
        .build()
        .unwrap();

    // All at once: every call is its own task, in flight together.
    let tasks: Vec<_> = (0..CALLS)
        .map(|_| tokio::spawn(call(client.clone())))
        .collect();
    for task in tasks {
        task.await.expect("no call panicked");
    }
    let burst = sandbox.connections();

    // Then another thousand, fifty at a time: the pool has idle connections for them.
    futures_util::stream::iter((0..CALLS).map(|_| call(client.clone())))
        .buffer_unordered(IN_FLIGHT_LATER)
        .collect::<Vec<()>>()
        .await;
    let after = sandbox.connections();

    println!(
        "{CALLS} concurrent calls: {burst} connections; {CALLS} more, {IN_FLIGHT_LATER} in flight: {} new connections",
        after - burst
    );
    assert_eq!(
        sandbox.requests_seen("flow_order_list"),
        2 * CALLS,
        "every call sent once, none retried"
    );
    // How many connections the concurrent phases open depends on timing (the pool races a new
    // connection against an idle one when none is free at that instant), so they are reported,
    // not asserted; that sequential calls ride one connection is asserted exactly in
    // `client.rs`.
    assert!(
        after - burst < after,
        "the later calls reused some pooled connections"
    );
}
