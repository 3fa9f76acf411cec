//! Requests through the proxy pool, on loopback: the sandbox (in a child process) hands out
//! ten working HTTP proxies, and every request fetches the sandbox's address echo through one
//! of them.
//!
//! - **Throughput**: the pool (`ProxyPool::get`, then the proxy's cached `reqwest::Client`,
//!   reporting the status; and `ProxyPool::execute`) against a hand-written round robin over the
//!   same ten proxies (one `reqwest::Client` per proxy and a counter, as customers write it),
//!   one request at a time and 64 in flight. Interleaved paired runs (`paired.rs`); target: the
//!   pool at least 1.0x the hand-written throughput.
//! - **Memory**: the client side's bytes in use (a counting allocator; the sandbox and its
//!   proxies are in the child) over 100,000 requests through the pool, 64 in flight, sampled
//!   along the way, next to the same for the hand-written round robin. Target: flat.
//! - **One hop**: a request through one proxy against the same request sent directly, paired.
//!   Reported.
//!
//! `IPIDEA_POOL_ONCE=<handwritten|get|execute>` makes 640 requests that way, 64 in flight,
//! after a warm-up, and exits, for instruction counts of the client's side that no
//! neighbour's load can skew (the sandbox and its proxies run in a child process, which
//! callgrind does not follow):
//! `valgrind --tool=callgrind --toggle-collect='*::requests_once' <bench binary>`.
//!
//! Not a criterion benchmark: a custom harness that `cargo bench` runs like the others. Without
//! `--bench` (as under `cargo test --benches`) it runs a small smoke version. Every request
//! loop is bounded in count.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use futures_util::future::join_all;
use ipidea::pool::ProxyPool;
use ipidea::{Client, Pace, SyncMode};
use ipidea_benches::Run;
use ipidea_benches::alloc::{self, CountingAllocator};
use ipidea_benches::child::{self, SandboxProcess};
use ipidea_benches::paired::{Paired, paired};
use ipidea_benches::report::{Report, human_bytes, human_time, verdict};
use tokio::runtime::Runtime;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

const NAME: &str = "pool";
/// Proxies in the pool and in the hand-written round robin.
const PROXIES: u32 = 10;
const IN_FLIGHT: usize = 64;
/// The pool's throughput against the hand-written round robin's.
const TARGET: f64 = 1.0;
/// Growth of the bytes in use from the first checkpoint to the last that still counts as flat.
const FLAT: f64 = 64.0 * 1024.0;

/// How much the run does: the full benchmark or the smoke run.
struct Sizes {
    rounds: usize,
    sequential_batch: usize,
    in_flight_batch: usize,
    memory_requests: usize,
}

const FULL: Sizes = Sizes {
    rounds: 15,
    sequential_batch: 200,
    in_flight_batch: 4,
    memory_requests: 100_000,
};

const SMOKE: Sizes = Sizes {
    rounds: 2,
    sequential_batch: 10,
    in_flight_batch: 1,
    memory_requests: 1_280,
};

/// The round robin customers write by hand: a client per proxy, and a counter.
struct RoundRobin {
    clients: Vec<reqwest::Client>,
    next: AtomicUsize,
}

impl RoundRobin {
    fn new(urls: &[String]) -> RoundRobin {
        let clients = urls
            .iter()
            .map(|url| proxied(url))
            .collect::<Vec<reqwest::Client>>();
        RoundRobin {
            clients,
            next: AtomicUsize::new(0),
        }
    }

    async fn call(&self, url: &str) -> usize {
        let index = self.next.fetch_add(1, Ordering::Relaxed) % self.clients.len();
        fetch(&self.clients[index], url).await
    }
}

fn proxied(proxy: &str) -> reqwest::Client {
    let built = reqwest::Proxy::all(proxy)
        .and_then(|proxy| reqwest::Client::builder().proxy(proxy).build());
    match built {
        Ok(client) => client,
        Err(error) => panic!("cannot build a client through {proxy}: {error}"),
    }
}

/// A GET of `url` with `http`; the answer's length. A failure ends the benchmark: every proxy
/// here works, so a failure would make the figures meaningless.
async fn fetch(http: &reqwest::Client, url: &str) -> usize {
    let body = match http.get(url).send().await {
        Ok(response) if response.status().is_success() => response.bytes().await,
        Ok(response) => panic!("{url} answered {}", response.status()),
        Err(error) => Err(error),
    };
    match body {
        Ok(body) => body.len(),
        Err(error) => panic!("a request to {url} failed: {error}"),
    }
}

/// The pool as its docs show it: a proxy, a request through its client, the status reported.
async fn through_get(pool: &ProxyPool, url: &str) -> usize {
    let proxy = match pool.get().await {
        Ok(proxy) => proxy,
        Err(error) => panic!("the pool has no proxy: {error}"),
    };
    let body = match proxy.http().get(url).send().await {
        Ok(response) => {
            proxy.report_status(response.status());
            response.bytes().await
        }
        Err(error) => Err(error),
    };
    match body {
        Ok(body) => body.len(),
        Err(error) => panic!("a request through the pool failed: {error}"),
    }
}

/// The pool sending the request itself (retries where safe, the answer read whole).
async fn through_execute(pool: &ProxyPool, url: &reqwest::Url) -> usize {
    let request = reqwest::Request::new(reqwest::Method::GET, url.clone());
    let body = match pool.execute(request).await {
        Ok(response) => response.bytes().await.map_err(|e| e.to_string()),
        Err(error) => Err(error.to_string()),
    };
    match body {
        Ok(body) => body.len(),
        Err(error) => panic!("a request through the pool failed: {error}"),
    }
}

/// What the run sets up: the sandbox, a full pool, the same proxies by hand, a direct client.
struct Setup {
    /// Held for the run: the child sandbox stops when it is dropped.
    _sandbox: SandboxProcess,
    /// The sandbox's address echo, which every request fetches, as text and parsed.
    echo: String,
    echo_url: reqwest::Url,
    runtime: Runtime,
    pool: ProxyPool,
    hand: RoundRobin,
    direct: reqwest::Client,
    one_hop: reqwest::Client,
}

/// How requests go: by the hand-written round robin, or through the pool's `get` or `execute`.
#[derive(Debug, Clone, Copy)]
enum Way {
    HandWritten,
    Get,
    Execute,
}

impl Way {
    /// The way `IPIDEA_POOL_ONCE` names.
    fn named(name: &str) -> Way {
        match name {
            "handwritten" => Way::HandWritten,
            "get" => Way::Get,
            "execute" => Way::Execute,
            other => panic!("IPIDEA_POOL_ONCE: unknown way `{other}`"),
        }
    }
}

/// 64 requests in flight, made `way`; the bytes of their answers.
fn in_flight(s: &Setup, way: Way) -> usize {
    let rt = &s.runtime;
    let lengths = match way {
        Way::HandWritten => rt.block_on(join_all((0..IN_FLIGHT).map(|_| s.hand.call(&s.echo)))),
        Way::Get => rt.block_on(join_all(
            (0..IN_FLIGHT).map(|_| through_get(&s.pool, &s.echo)),
        )),
        Way::Execute => rt.block_on(join_all(
            (0..IN_FLIGHT).map(|_| through_execute(&s.pool, &s.echo_url)),
        )),
    };
    lengths.into_iter().sum()
}

fn setup() -> Setup {
    let sandbox = match SandboxProcess::spawn(&serde_json::json!({})) {
        Ok(sandbox) => sandbox,
        Err(error) => panic!("cannot start the sandbox: {error}"),
    };
    // The clients get a runtime of their own, on this thread (as in the round-trip benchmark).
    let runtime = ipidea_benches::client_runtime();
    let client = Client::builder()
        .base_url(sandbox.url())
        .credential("uid", ipidea_sandbox::DEFAULT_UID)
        .credential("appkey", ipidea_sandbox::DEFAULT_APPKEY)
        .pace(Pace::unlimited())
        .build();
    let client = match client {
        Ok(client) => client,
        Err(error) => panic!("cannot build the client: {error}"),
    };
    let local = IpAddr::V4(Ipv4Addr::LOCALHOST);
    if let Err(error) = runtime.block_on(client.whitelist_sync([local], SyncMode::KeepOthers)) {
        panic!("cannot whitelist {local}: {error}");
    }
    let pool = ProxyPool::builder(client)
        .batch(PROXIES)
        .low_water(1)
        .build();
    let pool = match pool {
        Ok(pool) => pool,
        Err(error) => panic!("cannot build the pool: {error}"),
    };
    if let Err(error) = runtime.block_on(pool.get()) {
        panic!("the pool cannot fill itself: {error}");
    }
    let urls = pool.proxies();
    assert_eq!(urls.len(), PROXIES as usize, "the pool holds {urls:?}");
    let direct = match reqwest::Client::builder().no_proxy().build() {
        Ok(client) => client,
        Err(error) => panic!("cannot build a direct client: {error}"),
    };
    let echo = sandbox.echo_url().to_owned();
    let echo_url = match reqwest::Url::parse(&echo) {
        Ok(url) => url,
        Err(error) => panic!("the echo's URL {echo}: {error}"),
    };
    Setup {
        hand: RoundRobin::new(&urls),
        one_hop: proxied(&urls[0]),
        _sandbox: sandbox,
        echo,
        echo_url,
        runtime,
        pool,
        direct,
    }
}

/// One request in flight, boxed so that the memory runs of the pool and of the hand-written
/// round robin share one driver.
type Call<'a> = std::pin::Pin<Box<dyn Future<Output = usize> + 'a>>;

/// The paired runs: ((mode, candidate), result), each against its baseline.
fn throughput(s: &Setup, sizes: &Sizes) -> Vec<((&'static str, &'static str), Paired)> {
    let (rt, echo) = (&s.runtime, s.echo.as_str());
    let hand_one = || rt.block_on(s.hand.call(echo));
    let get_one = || rt.block_on(through_get(&s.pool, echo));
    let execute_one = || rt.block_on(through_execute(&s.pool, &s.echo_url));
    let hand_many = || in_flight(s, Way::HandWritten);
    let get_many = || in_flight(s, Way::Get);
    let execute_many = || in_flight(s, Way::Execute);
    let direct = || rt.block_on(fetch(&s.direct, echo));
    let one_hop = || rt.block_on(fetch(&s.one_hop, echo));
    let (rounds, seq, many) = (sizes.rounds, sizes.sequential_batch, sizes.in_flight_batch);
    vec![
        (
            ("1 in flight", "get"),
            paired(rounds, seq, hand_one, get_one),
        ),
        (
            ("1 in flight", "execute"),
            paired(rounds, seq, hand_one, execute_one),
        ),
        (
            ("64 in flight", "get"),
            paired(rounds, many, hand_many, get_many),
        ),
        (
            ("64 in flight", "execute"),
            paired(rounds, many, hand_many, execute_many),
        ),
        (("one hop", "proxied"), paired(rounds, seq, direct, one_hop)),
    ]
}

/// The bytes in use after each checkpoint of about `total` requests, 64 in flight, relative to
/// the bytes in use after a warm-up; and the peak over the run, relative to the same. Requests
/// go in whole batches of 64, so the counts are those actually made.
struct Memory {
    warm_up: usize,
    /// (requests made since the warm-up, bytes in use relative to after it).
    checkpoints: Vec<(usize, isize)>,
    peak: usize,
    seconds: f64,
}

fn memory<'a>(rt: &Runtime, total: usize, call: impl Fn() -> Call<'a>) -> Memory {
    // At least `requests`, in whole batches; how many were made.
    let batches = |requests: usize| {
        let batches = requests.div_ceil(IN_FLIGHT);
        for _ in 0..batches {
            std::hint::black_box(rt.block_on(join_all((0..IN_FLIGHT).map(|_| call()))));
        }
        batches * IN_FLIGHT
    };
    let warm_up = batches(1_000);
    let start = alloc::current();
    alloc::reset_peak();
    let started = Instant::now();
    let steps = 10;
    let mut made = 0;
    let mut checkpoints = Vec::new();
    for _ in 0..steps {
        made += batches(total / steps);
        checkpoints.push((made, alloc::current() as isize - start as isize));
    }
    Memory {
        warm_up,
        checkpoints,
        peak: alloc::peak().saturating_sub(start),
        seconds: started.elapsed().as_secs_f64(),
    }
}

fn memories(s: &Setup, total: usize) -> (Memory, Memory) {
    let echo = s.echo.as_str();
    let pooled = memory(&s.runtime, total, || Box::pin(through_get(&s.pool, echo)));
    let by_hand = memory(&s.runtime, total, || Box::pin(s.hand.call(echo)));
    (pooled, by_hand)
}

fn summarize(pairs: &[((&str, &str), Paired)], pooled: &Memory, by_hand: &Memory, total: usize) {
    let mut out = Report::new("The proxy pool: throughput, memory, and the cost of one hop");
    out.line(format!(
        "{PROXIES} HTTP proxies of the sandbox (a child process) on loopback; each request \
         fetches the sandbox's address echo through one of them. Baseline: a hand-written round \
         robin over the same proxies (a reqwest client per proxy, a counter), in the same run. \
         Ratios are the medians of interleaved paired runs (`paired.rs`); above 1, the pool is \
         faster."
    ));
    out.line("");
    let pair = |mode: &str, who: &str| {
        pairs
            .iter()
            .find(|((m, w), _)| *m == mode && *w == who)
            .map(|(_, p)| p)
    };
    let mut rows = Vec::new();
    let mut verdicts = Vec::new();
    for (mode, calls) in [("1 in flight", 1.0), ("64 in flight", IN_FLIGHT as f64)] {
        for who in ["get", "execute"] {
            let Some(p) = pair(mode, who) else { continue };
            rows.push(vec![
                mode.to_owned(),
                format!("`ProxyPool::{who}`"),
                format!("{:.0} requests/s", calls / p.baseline_ns * 1e9),
                format!("{:.0} requests/s", calls / p.candidate_ns * 1e9),
                p.describe(),
            ]);
            verdicts.push(format!(
                "{mode}, `{who}`: {:.3}x the hand-written throughput (target >= {TARGET:.1}x): {}.",
                p.median(),
                verdict(p.median() >= TARGET)
            ));
        }
    }
    out.table(
        &[
            "mode",
            "pool",
            "hand-written round robin",
            "pool",
            "pool vs hand-written",
        ],
        &rows,
    );
    for line in verdicts {
        out.line(line);
    }
    out.line("");
    if let Some(p) = pair("one hop", "proxied") {
        out.line(format!(
            "One hop: a request through one sandbox proxy takes {} against {} sent directly \
             (median per request): {:.2}x the direct call's time, {} more. Paired: the proxied \
             call's throughput is {} of the direct call's.",
            human_time(p.candidate_ns),
            human_time(p.baseline_ns),
            p.candidate_ns / p.baseline_ns,
            human_time(p.candidate_ns - p.baseline_ns),
            p.describe()
        ));
        out.line("");
    }
    let growth = |m: &Memory| {
        let first = m.checkpoints.first().map_or(0, |c| c.1);
        let last = m.checkpoints.last().map_or(0, |c| c.1);
        (last - first) as f64
    };
    let column = |m: &Memory| {
        m.checkpoints
            .iter()
            .map(|(_, bytes)| human_bytes(*bytes as f64))
            .collect::<Vec<_>>()
    };
    let (p, h) = (column(pooled), column(by_hand));
    let rows: Vec<Vec<String>> = pooled
        .checkpoints
        .iter()
        .zip(p.into_iter().zip(h))
        .map(|((n, _), (p, h))| vec![format!("{n}"), p, h])
        .collect();
    let made = pooled.checkpoints.last().map_or(0, |c| c.0);
    out.line(format!(
        "Memory over {made} requests ({total} asked, in whole batches), 64 in flight: the client \
         side's bytes in use after each step, relative to after a warm-up of {} requests \
         (negative: fewer). The pool's run took {:.1} s, the hand-written one's {:.1} s.",
        pooled.warm_up, pooled.seconds, by_hand.seconds
    ));
    out.line("");
    out.table(&["requests", "pool", "hand-written round robin"], &rows);
    out.line(format!(
        "Peak over the run: the pool {}, by hand {}. Growth from the first step to the last: \
         the pool {}, by hand {} (flat: under {}): {}.",
        human_bytes(pooled.peak as f64),
        human_bytes(by_hand.peak as f64),
        human_bytes(growth(pooled)),
        human_bytes(growth(by_hand)),
        human_bytes(FLAT),
        verdict(growth(pooled) < FLAT)
    ));
    out.finish(NAME);
}

/// Requests made by the `IPIDEA_POOL_ONCE` mode.
const ONCE_REQUESTS: usize = 640;

/// The measured part of the `IPIDEA_POOL_ONCE` mode (the name callgrind's toggle matches).
#[inline(never)]
fn requests_once(s: &Setup, way: Way) -> usize {
    run_requests(s, way)
}

fn run_requests(s: &Setup, way: Way) -> usize {
    (0..ONCE_REQUESTS / IN_FLIGHT)
        .map(|_| in_flight(s, way))
        .sum()
}

fn main() {
    child::serve_if_child();
    if let Ok(which) = std::env::var("IPIDEA_POOL_ONCE") {
        let way = Way::named(&which);
        let setup = setup();
        // Warm-up: every client's connections are open before the measured part.
        run_requests(&setup, way);
        let bytes = requests_once(&setup, way);
        println!("{which}: {ONCE_REQUESTS} requests, {bytes} bytes");
        return;
    }
    let Some(run) = ipidea_benches::harness(NAME) else {
        return;
    };
    let full = run == Run::Full;
    let sizes = if full { FULL } else { SMOKE };
    let setup = setup();
    let pairs = throughput(&setup, &sizes);
    let (pooled, by_hand) = memories(&setup, sizes.memory_requests);
    let stats = setup.pool.stats();
    assert_eq!(
        (stats.size, stats.dropped, stats.extractions),
        (PROXIES as usize, 0, 1),
        "every proxy worked throughout: {stats:?}"
    );
    if full {
        summarize(&pairs, &pooled, &by_hand, sizes.memory_requests);
    } else {
        println!(
            "pool smoke run: {} paired runs, {} requests through the pool",
            pairs.len(),
            sizes.memory_requests
        );
    }
}
