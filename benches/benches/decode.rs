//! Decode: a `flow_order_list` response of 10,000 records, decoded three ways:
//! - `generated`: the client's own path, `decode_body::<FlowOrderPage>` (envelope, leniency,
//!   unknown fields kept in `extra`);
//! - `plain`: a strict hand-written `#[derive(Deserialize)]` struct of the same fields, and the
//!   same envelope, in one pass (the baseline);
//! - `value`: `serde_json::Value`.
//!
//! Three more rows explain the generated path's time: `generated-data-only` decodes the page
//! alone (no envelope, from the same kind of `&str` the runtime decodes it from), and
//! `generated-two-pass` decodes the same generated types through the runtime's two-pass path,
//! which reads the envelope first and the data after it (the path every response took before
//! the one-pass path; it now serves refusals and errors). And `plain-exec-check` is the plain
//! struct doing the one piece of semantic work the generated types do on top: checking that
//! `exec_data`, JSON sent inside a string, is JSON.
//!
//! `generated-drift-listener` is the client's path when someone listens for drift (a callback
//! set with `ClientBuilder::on_drift`, or a `tracing` subscriber of `ipidea::drift`): the same
//! decode, then the walk of the decoded page that finds nothing on this body, which the spec
//! describes. Its target is the same as `generated`'s. `generated-drift-coerced` decodes a body
//! whose every record sends `coin` as `30000.0`, a form the spec does not document: the data is
//! then parsed again as JSON to find where, the cost of a response that drifted.
//!
//! Target: `generated` at least 0.8x the throughput of `plain`. The ratios are judged on
//! paired runs in separate processes (see [`paired_processes`]): decoders that allocate this
//! much disturb each other's heap when they alternate in one process.
//!
//! `IPIDEA_DECODE_ONCE=<decoder>` runs one decoder once and exits, for instruction counts:
//! `IPIDEA_DECODE_ONCE=generated valgrind --tool=callgrind --toggle-collect='*decode_once*' <bench binary>`;
//! with `IPIDEA_DECODE_REPEAT=N` it decodes N more times after a warm-up and prints the median
//! time of one decode.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use criterion::{Criterion, Throughput};
use ipidea::FlowOrderPage;
use ipidea::runtime::Lenient;
use ipidea_benches::fixtures::{FLOW_ORDER_LIST, flow_page_body};
use ipidea_benches::paired::{self, Paired};
use ipidea_benches::plain;
use ipidea_benches::report::{self, Report, human_time, verdict};

const GROUP: &str = "decode";
const RECORDS: usize = 10_000;
const TARGET: f64 = 0.8;
/// Rounds of the paired runs.
const ROUNDS: usize = 9;
/// Timed decodes in each child process of a paired run, after one warm-up decode.
const CHILD_DECODES: usize = 5;

fn generated(body: &[u8]) -> ipidea::Response<FlowOrderPage> {
    match ipidea::__private::decode_body::<FlowOrderPage>(
        FLOW_ORDER_LIST,
        ipidea::__API.main(),
        body,
    ) {
        Ok(page) => page,
        Err(error) => panic!("the generated types refuse the page: {error}"),
    }
}

fn data_only(data: &str) -> FlowOrderPage {
    let mut deserializer = serde_json::Deserializer::from_str(data);
    match FlowOrderPage::deserialize_lenient(&mut deserializer) {
        Ok(page) => page,
        Err(error) => panic!("the generated page refuses the data: {error}"),
    }
}

/// Findings heard by [`listening`]; none on the benchmark's body.
static FINDINGS: AtomicUsize = AtomicUsize::new(0);

fn count_finding(_: &ipidea::Drift) {
    FINDINGS.fetch_add(1, Ordering::Relaxed);
}

/// The client's path with a drift listener: `decode_body`, then the walk of the page.
fn listening(body: &[u8]) -> ipidea::Response<FlowOrderPage> {
    match ipidea::__private::decode_body_reporting::<FlowOrderPage>(
        FLOW_ORDER_LIST,
        ipidea::__API.main(),
        body,
        Some(&count_finding),
    ) {
        Ok(page) => page,
        Err(error) => panic!("the generated types refuse the page: {error}"),
    }
}

/// A body whose every record sends `coin` as a float, which the spec does not document.
fn coerced_body(records: usize) -> Vec<u8> {
    let mut body: serde_json::Value = match serde_json::from_slice(&flow_page_body(records)) {
        Ok(body) => body,
        Err(error) => panic!("the page is JSON: {error}"),
    };
    if let Some(items) = body["ret_data"]["data"].as_array_mut() {
        for item in items {
            let coin = item["coin"].as_u64().unwrap_or_default();
            item["coin"] = serde_json::Value::from(coin as f64);
        }
    }
    match serde_json::to_vec(&body) {
        Ok(bytes) => bytes,
        Err(error) => panic!("a page serializes: {error}"),
    }
}

/// The runtime's two-pass path alone: the envelope read first with the data kept as raw text,
/// then the data decoded. The client takes it for refusals and errors; before the one-pass path
/// it took it for every response.
fn generated_two_pass(body: &[u8]) -> FlowOrderPage {
    match ipidea::__private::decode_two_pass::<FlowOrderPage>(
        FLOW_ORDER_LIST,
        ipidea::__API.main(),
        body,
    ) {
        Ok(page) => page.data,
        Err(error) => panic!("the two-pass path refuses the page: {error}"),
    }
}

fn bench(c: &mut Criterion, body: &[u8], data: &str) {
    // Every way decodes the same page, checked once before timing.
    assert_eq!(generated(body).items.len(), RECORDS);
    assert_eq!(listening(body), generated(body));
    assert_eq!(FINDINGS.load(Ordering::Relaxed), 0, "the page drifts");
    let coerced = coerced_body(RECORDS);
    assert_eq!(listening(&coerced).items.len(), RECORDS);
    assert_eq!(FINDINGS.swap(0, Ordering::Relaxed), 1, "one finding: coin");
    assert_eq!(data_only(data).items.len(), RECORDS);
    assert_eq!(generated_two_pass(body), generated(body).data);
    match plain::decode_flow_page(body) {
        Ok(page) => assert_eq!(page.data.len(), RECORDS),
        Err(error) => panic!("the plain struct refuses the page: {error}"),
    }

    let mut group = c.benchmark_group(GROUP);
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("plain", |b| {
        b.iter(|| plain::decode_flow_page(black_box(body)))
    });
    group.bench_function("generated", |b| b.iter(|| generated(black_box(body))));
    group.bench_function("generated-drift-listener", |b| {
        b.iter(|| listening(black_box(body)))
    });
    group.bench_function("generated-drift-coerced", |b| {
        b.iter(|| listening(black_box(&coerced)))
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)))
    });
    group.bench_function("generated-data-only", |b| {
        b.iter(|| data_only(black_box(data)))
    });
    group.bench_function("generated-two-pass", |b| {
        b.iter(|| generated_two_pass(black_box(body)))
    });
    group.bench_function("plain-exec-check", |b| {
        b.iter(|| plain::decode_flow_page_checking_exec_data(black_box(body)))
    });
    group.finish();
}

/// The decoders the paired runs compare with `plain`.
const CANDIDATES: [&str; 5] = [
    "generated",
    "generated-drift-listener",
    "generated-two-pass",
    "plain-exec-check",
    "value",
];

/// Runs this binary again as `IPIDEA_DECODE_ONCE=<decoder> IPIDEA_DECODE_REPEAT=<n>` and
/// returns the median time of one decode it printed.
fn time_in_child(decoder: &str) -> f64 {
    let output = std::process::Command::new(
        std::env::current_exe().unwrap_or_else(|e| panic!("no current exe: {e}")),
    )
    .env("IPIDEA_DECODE_ONCE", decoder)
    .env("IPIDEA_DECODE_REPEAT", CHILD_DECODES.to_string())
    .output()
    .unwrap_or_else(|e| panic!("cannot run the decode child: {e}"));
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|line| line.strip_prefix("median_ns="))
        .and_then(|ns| ns.trim().parse().ok())
        .unwrap_or_else(|| panic!("the decode child printed no time: {text}"))
}

/// Paired runs in separate processes: each round times `plain` and every candidate, each in a
/// fresh process (a warm-up decode, then the median of a few), in an order that rotates from
/// round to round; a round's ratio is its `plain` time over the candidate's.
fn paired_processes() -> Vec<(&'static str, Paired)> {
    let mut order: Vec<&str> = std::iter::once("plain").chain(CANDIDATES).collect();
    let mut times: Vec<Vec<(&str, f64)>> = Vec::new();
    for _ in 0..ROUNDS {
        times.push(order.iter().map(|d| (*d, time_in_child(d))).collect());
        order.rotate_left(1);
    }
    CANDIDATES
        .iter()
        .map(|candidate| {
            let find = |round: &Vec<(&str, f64)>, d: &str| {
                round
                    .iter()
                    .find(|(n, _)| *n == d)
                    .map_or(f64::NAN, |(_, t)| *t)
            };
            let plain: Vec<f64> = times.iter().map(|r| find(r, "plain")).collect();
            let it: Vec<f64> = times.iter().map(|r| find(r, candidate)).collect();
            (*candidate, Paired::from_times(&plain, &it))
        })
        .collect()
}

fn summarize(since: SystemTime, bytes: usize, pairs: &[(&str, Paired)]) {
    let results = report::load_group(GROUP, since);
    let get = |id: &str| report::find(&results, &format!("{GROUP}/{id}")).map(|m| m.ns);
    let mut out = Report::new("Decode: a flow_order_list page of 10,000 records");
    let Some(base) = get("plain") else {
        out.line("(the plain-struct baseline did not run in this run; no ratios)");
        out.finish(GROUP);
        return;
    };
    out.line(format!(
        "Body: {} bytes. Baseline: the plain strict struct, {} per page.",
        bytes,
        human_time(base)
    ));
    out.line("");
    let mut rows = Vec::new();
    for (id, what) in [
        ("plain", "plain strict struct + envelope (baseline)"),
        (
            "generated",
            "generated types, `decode_body` (the client's path)",
        ),
        (
            "generated-drift-listener",
            "the client's path with a drift listener (decode, then the walk)",
        ),
        (
            "generated-drift-coerced",
            "with a listener, every record drifted (`coin: 30000.0`): found by a second parse",
        ),
        ("value", "`serde_json::Value`"),
        ("generated-data-only", "generated page without the envelope"),
        (
            "generated-two-pass",
            "generated types through the runtime's two-pass path (refusals and errors)",
        ),
        (
            "plain-exec-check",
            "plain struct, then `exec_data` checked as JSON like the generated type does",
        ),
    ] {
        let Some(ns) = get(id) else { continue };
        rows.push(vec![
            format!("`{id}`: {what}"),
            human_time(ns),
            format!("{:.0} MB/s", bytes as f64 / ns * 1e3),
            format!("{:.2}x", base / ns),
        ]);
    }
    out.table(
        &["decoder", "per page", "throughput", "throughput vs plain"],
        &rows,
    );
    if !pairs.is_empty() {
        out.line(
            "Paired runs (each round times plain and each candidate in fresh processes, in a \
             rotating order: a warm-up decode, then the median of 5; the median of the rounds' \
             ratios, which the targets are judged on):",
        );
        out.line("");
        let rows: Vec<Vec<String>> = pairs
            .iter()
            .map(|(id, p)| {
                vec![
                    format!("`{id}`"),
                    human_time(p.baseline_ns),
                    human_time(p.candidate_ns),
                    p.describe(),
                ]
            })
            .collect();
        out.table(
            &[
                "decoder",
                "plain, per page",
                "it, per page",
                "throughput vs plain",
            ],
            &rows,
        );
    }
    let judged = |id: &str| {
        pairs
            .iter()
            .find(|(p, _)| *p == id)
            .map(|(_, p)| p.median())
            .or_else(|| get(id).map(|ns| base / ns))
    };
    if let Some(ratio) = judged("generated") {
        out.line(format!(
            "Generated vs plain: {ratio:.2}x the throughput (target >= {TARGET:.2}x): {}.",
            verdict(ratio >= TARGET)
        ));
    }
    if let Some(ratio) = judged("generated-drift-listener") {
        out.line(format!(
            "Generated with a drift listener vs plain: {ratio:.2}x the throughput (target >= \
             {TARGET:.2}x): {}.",
            verdict(ratio >= TARGET)
        ));
    }
    out.finish(GROUP);
}

#[inline(never)]
fn decode_once(which: &str, body: &[u8], data: &str) -> usize {
    match which {
        "plain" => plain::decode_flow_page(black_box(body)).map_or(0, |p| p.data.len()),
        "generated" => generated(black_box(body)).items.len(),
        "generated-drift-listener" => listening(black_box(body)).items.len(),
        "value" => serde_json::from_slice::<serde_json::Value>(black_box(body))
            .map_or(0, |v| v["ret_data"]["data"].as_array().map_or(0, Vec::len)),
        "generated-data-only" => data_only(black_box(data)).items.len(),
        "generated-two-pass" => generated_two_pass(black_box(body)).items.len(),
        "plain-exec-check" => {
            plain::decode_flow_page_checking_exec_data(black_box(body)).map_or(0, |p| p.data.len())
        }
        "none" => 0,
        other => panic!("IPIDEA_DECODE_ONCE: unknown decoder `{other}`"),
    }
}

/// `IPIDEA_DECODE_ONCE` mode: see the crate docs.
fn decode_in_this_process(which: &str, body: &[u8], data: &str) {
    let repeat: usize = std::env::var("IPIDEA_DECODE_REPEAT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let decoded = decode_once(which, body, data);
    let mut times: Vec<f64> = (0..repeat)
        .map(|_| {
            let started = std::time::Instant::now();
            black_box(decode_once(which, body, data));
            started.elapsed().as_nanos() as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!("{which}: decoded {decoded} records");
    if let Some(median) = times.get(times.len() / 2) {
        println!("median_ns={median}");
    }
}

fn main() {
    let since = SystemTime::now();
    let body = flow_page_body(RECORDS);
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(error) => panic!("the page is JSON: {error}"),
    };
    let data = serde_json::to_string(&value["ret_data"]).unwrap_or_default();
    drop(value);
    if let Ok(which) = std::env::var("IPIDEA_DECODE_ONCE") {
        decode_in_this_process(&which, &body, &data);
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion, &body, &data);
    criterion.final_summary();
    let pairs = if paired::enabled(GROUP) {
        paired_processes()
    } else {
        Vec::new()
    };
    // Under `cargo test --benches` criterion only checks that each benchmark runs.
    if std::env::args().any(|a| a == "--bench") {
        summarize(since, body.len(), &pairs);
    }
}
