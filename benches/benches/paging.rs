//! Paging memory: stream 100,000 flow orders in pages of 1,000 from the sandbox with
//! `flow_order_list_stream`, and report the client's peak memory.
//!
//! The sandbox runs in a child process (this binary, run again; see `ipidea_benches::child`),
//! so the counting allocator of this process sees only the client. Each figure is the peak of
//! bytes in use during the measured step, minus the bytes in use just before it. The baseline
//! is the peak while fetching and holding one page of 1,000 with `flow_order_list`, in the same
//! run. Target: flat, no growth beyond about one page; the stream's peak after 100 pages is
//! compared with its peak after 10 pages, and with the baseline.
//!
//! Not a criterion benchmark (criterion measures time): a custom harness that `cargo bench` runs
//! like the others. Without `--bench` (as under `cargo test --benches`) it runs a small smoke
//! version.

use std::time::Instant;

use futures_util::{StreamExt, TryStreamExt};
use ipidea::{Client, FlowOrderListRequest};
use ipidea_benches::alloc::{self, CountingAllocator};
use ipidea_benches::child::{self, SandboxProcess};
use ipidea_benches::fixtures::flow_seed;
use ipidea_benches::report::{Report, human_bytes, verdict};
use tokio::runtime::Runtime;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

const NAME: &str = "paging";
const PAGE: u32 = 1_000;
/// Growth allowed over the one-page baseline that still counts as "about one page".
const TARGET: f64 = 1.5;

/// The peak growth of bytes in use while `step` runs, and the bytes still in use after it
/// (both relative to just before it), with what it returned.
fn measure<T>(step: impl FnOnce() -> T) -> (usize, isize, T) {
    let before = alloc::current();
    alloc::reset_peak();
    let value = step();
    let peak = alloc::peak().saturating_sub(before);
    let retained = alloc::current() as isize - before as isize;
    (peak, retained, value)
}

fn request() -> FlowOrderListRequest {
    FlowOrderListRequest::default().limit(PAGE)
}

/// Streams the first `records` orders, dropping each as it comes; returns how many came.
fn stream(runtime: &Runtime, client: &Client, records: usize) -> usize {
    runtime.block_on(async {
        let mut stream = client.flow_order_list_stream(request()).take(records);
        let mut seen = 0;
        while let Some(order) = stream.next().await {
            match order {
                Ok(order) => {
                    std::hint::black_box(&order);
                    seen += 1;
                }
                Err(error) => panic!("the stream failed: {error}"),
            }
        }
        seen
    })
}

/// Streams every order, dropping each as it comes; returns the peak growth over the stream's
/// start within each window of `window` records, and how many came.
fn stream_windows(runtime: &Runtime, client: &Client, window: usize) -> (Vec<usize>, usize) {
    let before = alloc::current();
    runtime.block_on(async {
        let mut stream = client.flow_order_list_stream(request());
        let mut peaks = Vec::new();
        let mut seen = 0;
        alloc::reset_peak();
        while let Some(order) = stream.next().await {
            match order {
                Ok(order) => {
                    std::hint::black_box(&order);
                    seen += 1;
                }
                Err(error) => panic!("the stream failed: {error}"),
            }
            if seen % window == 0 {
                peaks.push(alloc::peak().saturating_sub(before));
                alloc::reset_peak();
            }
        }
        (peaks, seen)
    })
}

/// The careful engineer's loop without a stream: fetch a page, use its items, drop it, fetch
/// the next. Returns how many records came.
fn page_loop(runtime: &Runtime, client: &Client) -> usize {
    runtime.block_on(async {
        let mut seen = 0;
        let mut page_number = 1;
        loop {
            let page = match client.flow_order_list(request().page(page_number)).await {
                Ok(page) => page.into_data(),
                Err(error) => panic!("the page call failed: {error}"),
            };
            let last = page.last_page;
            for order in page.items {
                std::hint::black_box(&order);
                seen += 1;
            }
            if u64::from(page_number) >= last {
                return seen;
            }
            page_number += 1;
        }
    })
}

struct Figures {
    records: usize,
    windows: Vec<usize>,
    one_page: usize,
    one_page_held: isize,
    stream_tenth: usize,
    stream_all: usize,
    page_loop: usize,
    stream_retained: isize,
    collect_all: usize,
    stream_seconds: f64,
}

fn run(records: usize) -> Figures {
    let sandbox = match SandboxProcess::spawn(&flow_seed(records)) {
        Ok(sandbox) => sandbox,
        Err(error) => panic!("cannot start the sandbox child: {error}"),
    };
    let runtime = ipidea_benches::client_runtime();
    let client = match Client::builder()
        .base_url(sandbox.url())
        .credential("uid", ipidea_sandbox::DEFAULT_UID)
        .credential("appkey", ipidea_sandbox::DEFAULT_APPKEY)
        .build()
    {
        Ok(client) => client,
        Err(error) => panic!("cannot build the client: {error}"),
    };
    let fetch_page = || match runtime.block_on(client.flow_order_list(request().page(1))) {
        Ok(page) => page,
        Err(error) => panic!("the page call failed: {error}"),
    };
    // Warm up: the connection, the runtime's buffers, lazy statics.
    let warm = fetch_page();
    assert_eq!(warm.total as usize, records);
    drop(warm);
    let _ = stream(&runtime, &client, PAGE as usize * 2);

    let (one_page, one_page_held, page) = measure(fetch_page);
    assert_eq!(page.items.len(), PAGE as usize);
    drop(page);
    let (stream_tenth, _, seen) = measure(|| stream(&runtime, &client, records / 10));
    assert_eq!(seen, records / 10);
    let started = Instant::now();
    let (stream_all, stream_retained, seen) = measure(|| stream(&runtime, &client, records));
    let stream_seconds = started.elapsed().as_secs_f64();
    assert_eq!(seen, records);
    let (page_loop, _, seen) = measure(|| page_loop(&runtime, &client));
    assert_eq!(seen, records);
    let (windows, seen) = stream_windows(&runtime, &client, records / 10);
    assert_eq!(seen, records);
    let (collect_all, _, all) = measure(|| {
        runtime.block_on(
            client
                .flow_order_list_stream(request())
                .try_collect::<Vec<_>>(),
        )
    });
    match all {
        Ok(all) => assert_eq!(all.len(), records),
        Err(error) => panic!("collecting failed: {error}"),
    }
    Figures {
        records,
        windows,
        one_page,
        one_page_held,
        stream_tenth,
        stream_all,
        page_loop,
        stream_retained,
        collect_all,
        stream_seconds,
    }
}

fn summarize(f: &Figures) {
    let pages = f.records / PAGE as usize;
    let base = f.one_page as f64;
    let mut out =
        Report::new("Paging memory: flow_order_list_stream, 100,000 records in pages of 1,000");
    out.line(format!(
        "Client-side bytes (the sandbox runs in a child process). Baseline: the peak while \
         fetching one page of {PAGE} with `flow_order_list` = {} ({} still held with the page).",
        human_bytes(base),
        human_bytes(f.one_page_held as f64)
    ));
    out.line("");
    let row =
        |what: String, bytes: f64| vec![what, human_bytes(bytes), format!("{:.2}x", bytes / base)];
    out.table(
        &["step", "peak growth", "vs one page"],
        &[
            row(
                format!("fetch and hold one page of {PAGE} (baseline)"),
                base,
            ),
            row(
                format!("stream {} records ({} pages)", f.records / 10, pages / 10),
                f.stream_tenth as f64,
            ),
            row(
                format!("stream {} records ({pages} pages)", f.records),
                f.stream_all as f64,
            ),
            row(
                format!("hand-written page loop over all {pages} pages (fetch, use, drop, next)"),
                f.page_loop as f64,
            ),
            row(
                format!(
                    "collect all {} records into a Vec (for contrast)",
                    f.records
                ),
                f.collect_all as f64,
            ),
        ],
    );
    let windows: Vec<String> = f
        .windows
        .iter()
        .map(|&w| format!("{:.2}x", w as f64 / base))
        .collect();
    let half = f.windows.len() / 2;
    let first = f.windows[..half].iter().copied().max().unwrap_or(0).max(1) as f64;
    let second = f.windows[half..].iter().copied().max().unwrap_or(0) as f64;
    let growth = second / first;
    let over_page = f.stream_all as f64 / base;
    out.line(format!(
        "Peak of each tenth of one more 100-page stream, vs one page: {}.",
        windows.join(", ")
    ));
    out.line("");
    out.line(format!(
        "- Flat: the second half's peak is {growth:.2}x the first half's (target: flat, <= 1.10x): \
         {}; {} still held after the stream ended.",
        verdict(growth <= 1.1),
        human_bytes(f.stream_retained as f64),
    ));
    out.line(format!(
        "- About one page: streaming {pages} pages peaks at {over_page:.2}x the one-page baseline \
         (target <= {TARGET:.1}x): {}; and at {:.2}x the hand-written page loop. The excess over \
         one page is {} (for scale: one page's item buffer is {PAGE} x {} bytes = {}).",
        verdict(over_page <= TARGET),
        f.stream_all as f64 / f.page_loop.max(1) as f64,
        human_bytes(f.stream_all as f64 - base),
        std::mem::size_of::<ipidea::FlowOrder>(),
        human_bytes((PAGE as usize * std::mem::size_of::<ipidea::FlowOrder>()) as f64),
    ));
    out.line(format!(
        "- Time, for context: the 100-page stream took {:.1} s ({:.0} records/s, the sandbox's \
         filtering and sorting of 100,000 orders per page included).",
        f.stream_seconds,
        f.records as f64 / f.stream_seconds
    ));
    out.finish(NAME);
}

fn main() {
    child::serve_if_child();
    let Some(mode) = ipidea_benches::harness(NAME) else {
        return;
    };
    if mode == ipidea_benches::Run::Full {
        let figures = run(100_000);
        summarize(&figures);
    } else {
        // `cargo test --benches`: a quick check that the harness works.
        let figures = run(10_000);
        println!(
            "paging smoke run: {} records streamed, peak {} vs one page {}",
            figures.records,
            human_bytes(figures.stream_all as f64),
            human_bytes(figures.one_page as f64)
        );
    }
}
