//! Round trip on loopback: the generated client's `flow_order_list` against hand-written reqwest
//! code making the same multipart POST (uid, appkey, page, limit) and decoding the same reply
//! into the plain strict struct. Both call the same minimal local server, which answers every
//! request with one fixed page of 15 records.
//!
//! Measured one call at a time, and as batches of 64 calls in flight at once.
//! Target: the generated client at least 0.95x the hand-written throughput.
//!
//! `IPIDEA_ROUNDTRIP_ONCE=<generated|handwritten>:<sequential|in-flight-64>` makes 640 calls that
//! way after one warm-up call and exits, for instruction counts that no neighbour's load can
//! skew: `valgrind --tool=callgrind --toggle-collect='*::calls_once' <bench binary>` (the pattern
//! must not match the closures inside it, or they toggle the collection off again). The server
//! thread's work is the same for both clients.

use std::time::{Duration, SystemTime};

use criterion::{BenchmarkId, Criterion, Throughput};
use futures_util::future::join_all;
use ipidea::{Client, FlowOrderListRequest, Pace};
use ipidea_benches::fixtures::flow_page_body;
use ipidea_benches::paired::{self, Paired, paired};
use ipidea_benches::plain::PlainClient;
use ipidea_benches::report::{self, Report, human_time, verdict};
use ipidea_benches::server::FixedServer;
use tokio::runtime::Runtime;

const GROUP: &str = "roundtrip";
const RECORDS: usize = 15;
const IN_FLIGHT: usize = 64;
const TARGET: f64 = 0.95;
/// Rounds of the interleaved paired runs.
const ROUNDS: usize = 15;
const UID: &str = "10001";
const APPKEY: &str = "bench-appkey";

fn request() -> FlowOrderListRequest {
    FlowOrderListRequest::default()
        .page(1)
        .limit(RECORDS as u32)
}

async fn generated(client: &Client) -> usize {
    match client.flow_order_list(request()).await {
        Ok(page) => page.items.len(),
        Err(error) => panic!("the generated client failed: {error}"),
    }
}

async fn handwritten(client: &PlainClient) -> usize {
    match client.flow_order_list(1, RECORDS as u32).await {
        Ok(page) => page.data.len(),
        Err(error) => panic!("the hand-written client failed: {error}"),
    }
}

/// Diagnostic: the hand-written call, decoding with the generated types instead (splits the
/// generated client's cost into transport and decode).
async fn handwritten_generated_decode(client: &PlainClient) -> usize {
    let body = match client.flow_order_list_body(1, RECORDS as u32).await {
        Ok(body) => body,
        Err(error) => panic!("the hand-written client failed: {error}"),
    };
    match ipidea::__private::decode_body::<ipidea::FlowOrderPage>(
        "flow_order_list",
        ipidea::__API.main(),
        &body,
    ) {
        Ok(page) => page.items.len(),
        Err(error) => panic!("the generated types refuse the page: {error}"),
    }
}

fn clients(url: &str) -> (Client, PlainClient) {
    // Unpaced, like the hand-written client: the in-flight mode measures concurrent
    // throughput, which the default pace (one request at a time) would serialize.
    let generated_client = match Client::builder()
        .base_url(url)
        .credential("uid", UID)
        .credential("appkey", APPKEY)
        .pace(Pace::unlimited())
        .build()
    {
        Ok(client) => client,
        Err(error) => panic!("cannot build the generated client: {error}"),
    };
    (generated_client, PlainClient::new(url, UID, APPKEY))
}

/// Interleaved ratios against the hand-written call: ((mode, candidate), result).
fn paired_runs(runtime: &Runtime, url: &str) -> Vec<((&'static str, &'static str), Paired)> {
    let (generated_client, plain_client) = clients(url);
    let seq_hand = || runtime.block_on(handwritten(&plain_client));
    let seq_generated = || runtime.block_on(generated(&generated_client));
    let seq_split = || runtime.block_on(handwritten_generated_decode(&plain_client));
    let flight_hand = || {
        runtime
            .block_on(join_all((0..IN_FLIGHT).map(|_| handwritten(&plain_client))))
            .len()
    };
    let flight_generated = || {
        runtime
            .block_on(join_all(
                (0..IN_FLIGHT).map(|_| generated(&generated_client)),
            ))
            .len()
    };
    let flight_split = || {
        runtime
            .block_on(join_all(
                (0..IN_FLIGHT).map(|_| handwritten_generated_decode(&plain_client)),
            ))
            .len()
    };
    vec![
        (
            ("sequential", "generated"),
            paired(ROUNDS, 100, seq_hand, seq_generated),
        ),
        (
            ("sequential", "handwritten-generated-decode"),
            paired(ROUNDS, 100, seq_hand, seq_split),
        ),
        (
            ("in-flight-64", "generated"),
            paired(ROUNDS, 4, flight_hand, flight_generated),
        ),
        (
            ("in-flight-64", "handwritten-generated-decode"),
            paired(ROUNDS, 4, flight_hand, flight_split),
        ),
    ]
}

fn bench(c: &mut Criterion, runtime: &Runtime, url: &str) {
    let (generated_client, plain_client) = clients(url);
    assert_eq!(runtime.block_on(generated(&generated_client)), RECORDS);
    assert_eq!(runtime.block_on(handwritten(&plain_client)), RECORDS);

    let mut group = c.benchmark_group(GROUP);
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));

    group.throughput(Throughput::Elements(1));
    group.bench_function(BenchmarkId::new("sequential", "handwritten"), |b| {
        b.iter(|| runtime.block_on(handwritten(&plain_client)))
    });
    group.bench_function(BenchmarkId::new("sequential", "generated"), |b| {
        b.iter(|| runtime.block_on(generated(&generated_client)))
    });
    group.bench_function(
        BenchmarkId::new("sequential", "handwritten-generated-decode"),
        |b| b.iter(|| runtime.block_on(handwritten_generated_decode(&plain_client))),
    );

    group.throughput(Throughput::Elements(IN_FLIGHT as u64));
    group.bench_function(BenchmarkId::new("in-flight-64", "handwritten"), |b| {
        b.iter(|| runtime.block_on(join_all((0..IN_FLIGHT).map(|_| handwritten(&plain_client)))))
    });
    group.bench_function(BenchmarkId::new("in-flight-64", "generated"), |b| {
        b.iter(|| {
            runtime.block_on(join_all(
                (0..IN_FLIGHT).map(|_| generated(&generated_client)),
            ))
        })
    });
    group.bench_function(
        BenchmarkId::new("in-flight-64", "handwritten-generated-decode"),
        |b| {
            b.iter(|| {
                runtime.block_on(join_all(
                    (0..IN_FLIGHT).map(|_| handwritten_generated_decode(&plain_client)),
                ))
            })
        },
    );
    group.finish();
}

fn summarize(since: SystemTime, pairs: &[((&str, &str), Paired)]) {
    let results = report::load_group(GROUP, since);
    let get = |mode: &str, who: &str| {
        report::find(&results, &format!("{GROUP}/{mode}/{who}")).map(|m| m.ns)
    };
    let mut out = Report::new("Round trip on loopback: generated client vs hand-written reqwest");
    out.line(format!(
        "A `flow_order_list` page of {RECORDS} records from a minimal local hyper server; \
         baseline: the hand-written reqwest call in the same run. Times per call are criterion's; \
         the ratios are the medians of interleaved paired runs (see `paired.rs`) where they ran."
    ));
    out.line("");
    let mut rows = Vec::new();
    let mut verdicts = Vec::new();
    for (mode, calls) in [("sequential", 1usize), ("in-flight-64", IN_FLIGHT)] {
        let (Some(hand), Some(generated)) = (get(mode, "handwritten"), get(mode, "generated"))
        else {
            continue;
        };
        let pair = |who: &str| {
            pairs
                .iter()
                .find(|((m, w), _)| *m == mode && *w == who)
                .map(|(_, p)| p)
        };
        // The targets are judged on the interleaved paired runs where they ran.
        let ratio = pair("generated").map_or(hand / generated, Paired::median);
        let split = pair("handwritten-generated-decode")
            .map(|p| p.describe())
            .or_else(|| {
                get(mode, "handwritten-generated-decode").map(|s| format!("{:.3}x", hand / s))
            });
        rows.push(vec![
            mode.to_owned(),
            format!(
                "{} per call ({:.0} calls/s)",
                human_time(hand / calls as f64),
                calls as f64 / hand * 1e9
            ),
            format!(
                "{} per call ({:.0} calls/s)",
                human_time(generated / calls as f64),
                calls as f64 / generated * 1e9
            ),
            pair("generated").map_or_else(|| format!("{ratio:.3}x"), Paired::describe),
            split.unwrap_or_else(|| "-".into()),
        ]);
        verdicts.push(format!(
            "{mode}: generated {ratio:.3}x of the hand-written throughput (target >= {TARGET:.2}x): {}.",
            verdict(ratio >= TARGET)
        ));
    }
    out.table(
        &[
            "mode",
            "hand-written",
            "generated",
            "generated throughput vs hand-written",
            "hand-written call + generated decode, vs hand-written",
        ],
        &rows,
    );
    for line in verdicts {
        out.line(line);
    }
    out.finish(GROUP);
}

/// Calls made by the `IPIDEA_ROUNDTRIP_ONCE` mode.
const ONCE_CALLS: usize = 640;

#[inline(never)]
fn calls_once(runtime: &Runtime, url: &str, which: &str) -> usize {
    let (generated_client, plain_client) = clients(url);
    let (client, mode) = which.split_once(':').unwrap_or((which, "sequential"));
    let batch = match mode {
        "sequential" => 1,
        "in-flight-64" => IN_FLIGHT,
        other => panic!("IPIDEA_ROUNDTRIP_ONCE: unknown mode `{other}`"),
    };
    let call_batch = |n: usize| -> usize {
        match client {
            "generated" => runtime
                .block_on(join_all((0..n).map(|_| generated(&generated_client))))
                .into_iter()
                .sum(),
            "handwritten" => runtime
                .block_on(join_all((0..n).map(|_| handwritten(&plain_client))))
                .into_iter()
                .sum(),
            other => panic!("IPIDEA_ROUNDTRIP_ONCE: unknown client `{other}`"),
        }
    };
    call_batch(1);
    (0..ONCE_CALLS / batch).map(|_| call_batch(batch)).sum()
}

fn main() {
    let since = SystemTime::now();
    let server = match FixedServer::start(flow_page_body(RECORDS)) {
        Ok(server) => server,
        Err(error) => panic!("cannot start the loopback server: {error}"),
    };
    // The clients get a runtime of their own, on this thread; the server runs on its own thread.
    let runtime = ipidea_benches::client_runtime();
    if let Ok(which) = std::env::var("IPIDEA_ROUNDTRIP_ONCE") {
        let records = calls_once(&runtime, &server.url(), &which);
        println!("{which}: {ONCE_CALLS} calls, {records} records");
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion, &runtime, &server.url());
    criterion.final_summary();
    let pairs = if paired::enabled(GROUP) {
        paired_runs(&runtime, &server.url())
    } else {
        Vec::new()
    };
    drop(server);
    // Under `cargo test --benches` criterion only checks that each benchmark runs.
    if std::env::args().any(|a| a == "--bench") {
        summarize(since, &pairs);
    }
}
