//! Codegen: load and validate a spec (`ipidea_spec::parse`), and expand it
//! (`ipidea_codegen::expand`), for the real spec and synthetic specs of 10 to 5,000 endpoints.
//!
//! Reports the time per endpoint at each size, the marginal cost of an endpoint between sizes
//! (linear scaling keeps it flat), and the 1,000-endpoint total against the 250 ms target.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use ipidea_benches::fixtures::synthetic_spec;
use ipidea_benches::paired::{self, Paired, paired};
use ipidea_benches::report::{self, Report, human_time, verdict};

const GROUP: &str = "codegen";
const SIZES: [usize; 4] = [10, 100, 1_000, 5_000];
/// Target: load, validate and expand 1,000 endpoints in under this.
const TARGET_1000: Duration = Duration::from_millis(250);

fn parse(name: &str, text: &str) -> ipidea_spec::Spec {
    match ipidea_spec::parse(name, text) {
        Ok(spec) => spec,
        Err(errors) => panic!("the benchmark spec `{name}` is invalid:\n{errors}"),
    }
}

fn bench(c: &mut Criterion) {
    let mut inputs = vec![("real".to_owned(), ipidea_spec::BUNDLED.to_owned(), 0usize)];
    for n in SIZES {
        inputs.push((n.to_string(), synthetic_spec(n), n));
    }
    let mut group = c.benchmark_group(GROUP);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for (label, text, n) in &inputs {
        let spec = parse(label, text);
        let endpoints = spec.endpoints.len();
        assert!(*n == 0 || endpoints == *n);
        group.throughput(Throughput::Elements(endpoints as u64));
        // Large inputs take long per iteration: flat sampling keeps the run short.
        group.sampling_mode(if endpoints >= 1_000 {
            SamplingMode::Flat
        } else {
            SamplingMode::Auto
        });
        group.bench_with_input(BenchmarkId::new("parse", label), text, |b, text| {
            b.iter(|| parse("bench.json", black_box(text)))
        });
        group.bench_with_input(BenchmarkId::new("expand", label), &spec, |b, spec| {
            b.iter(|| ipidea_codegen::expand(black_box(spec), "bench.json"))
        });
        group.bench_with_input(BenchmarkId::new("parse+expand", label), text, |b, text| {
            b.iter(|| {
                let spec = parse("bench.json", black_box(text));
                ipidea_codegen::expand(&spec, "bench.json")
            })
        });
    }
    group.finish();
}

fn parse_and_expand(text: &str) -> impl Sized {
    let spec = parse("bench.json", black_box(text));
    ipidea_codegen::expand(&spec, "bench.json")
}

/// Interleaved scaling checks: the same number of endpoints as one large spec or as several
/// copies of a spec a fifth or a tenth its size. Linear scaling makes the ratio 1.
fn paired_runs() -> Vec<(String, Paired)> {
    let mut runs = Vec::new();
    for (small, large, rounds) in [(100usize, 1_000usize, 7usize), (1_000, 5_000, 3)] {
        let (small_text, large_text) = (synthetic_spec(small), synthetic_spec(large));
        let copies = large / small;
        let result = paired(
            rounds,
            1,
            || {
                for _ in 0..copies {
                    black_box(parse_and_expand(&small_text));
                }
            },
            || parse_and_expand(&large_text),
        );
        runs.push((format!("{large} endpoints vs {copies} x {small}"), result));
    }
    runs
}

fn summarize(since: SystemTime, pairs: &[(String, Paired)]) {
    let results = report::load_group(GROUP, since);
    let get = |stage: &str, label: &str| {
        report::find(&results, &format!("{GROUP}/{stage}/{label}")).map(|m| m.ns)
    };
    let mut out = Report::new("Codegen: load + validate + expand");
    let Some(real) = get("parse+expand", "real") else {
        out.line("(the real-spec baseline did not run in this run; no ratios)");
        out.finish(GROUP);
        return;
    };
    let real_endpoints = ipidea_spec::bundled().endpoints.len();
    out.line(format!(
        "Baseline: the real spec ({real_endpoints} endpoints), parse + expand = {}.",
        human_time(real)
    ));
    out.line("");
    let mut rows = Vec::new();
    let mut previous: Option<(usize, f64)> = None;
    let mut per_endpoint_100 = None;
    let mut marginals = Vec::new();
    let mut total_1000 = None;
    for n in SIZES {
        let label = n.to_string();
        let (Some(parse), Some(expand), Some(total)) = (
            get("parse", &label),
            get("expand", &label),
            get("parse+expand", &label),
        ) else {
            continue;
        };
        let per = total / n as f64;
        if n == 100 {
            per_endpoint_100 = Some(per);
        }
        if n == 1_000 {
            total_1000 = Some(total);
        }
        let marginal = previous.map(|(pn, pt)| (total - pt) / (n - pn) as f64);
        if let Some(m) = marginal {
            marginals.push((n, m));
        }
        rows.push(vec![
            format!("{n}"),
            human_time(parse),
            human_time(expand),
            human_time(total),
            format!("{:.2}x", total / real),
            human_time(per),
            per_endpoint_100.map_or("-".into(), |p| format!("{:.2}", per / p)),
            marginal.map_or("-".into(), human_time),
        ]);
        previous = Some((n, total));
    }
    out.table(
        &[
            "endpoints",
            "parse",
            "expand",
            "parse + expand",
            "vs real spec",
            "per endpoint",
            "per endpoint vs 100",
            "marginal per endpoint",
        ],
        &rows,
    );
    if let (Some(first), Some(last)) = (marginals.get(1), marginals.last()) {
        let ratio = last.1 / first.1;
        out.line(format!(
            "Scaling: the marginal cost of an endpoint from 1,000 to 5,000 is {ratio:.2}x the \
             marginal cost from 100 to 1,000 (1.00 = exactly linear; target: linear, within 1.5x): {}.",
            verdict(ratio <= 1.5)
        ));
    }
    if !pairs.is_empty() {
        out.line("");
        out.line(
            "Interleaved paired runs (one large spec, and the same number of endpoints as \
             copies of a smaller spec, alternately): the large spec's throughput in endpoints \
             relative to the small one's; 1.00 = linear.",
        );
        out.line("");
        let rows: Vec<Vec<String>> = pairs
            .iter()
            .map(|(what, p)| {
                vec![
                    what.clone(),
                    human_time(p.baseline_ns),
                    human_time(p.candidate_ns),
                    p.describe(),
                ]
            })
            .collect();
        out.table(
            &[
                "comparison",
                "copies of the small spec",
                "the large spec",
                "throughput per endpoint, large vs small",
            ],
            &rows,
        );
        let worst = pairs
            .iter()
            .map(|(_, p)| p.median())
            .fold(f64::INFINITY, f64::min);
        out.line(format!(
            "Linear (per-endpoint throughput of the large spec within 1/1.5 of the small one's): {}.",
            verdict(worst >= 1.0 / 1.5)
        ));
        out.line("");
    }
    if let Some(t) = total_1000 {
        out.line(format!(
            "1,000 endpoints: {} = {:.2}x of the 250 ms target: {}.",
            human_time(t),
            t / TARGET_1000.as_nanos() as f64,
            verdict(t < TARGET_1000.as_nanos() as f64)
        ));
    }
    out.finish(GROUP);
}

/// Loads and expands a synthetic spec once, for instruction counts:
/// `IPIDEA_CODEGEN_ONCE=1000 valgrind --tool=callgrind --toggle-collect='*codegen_once*' <bench binary>`.
#[inline(never)]
fn codegen_once(text: &str) -> usize {
    let spec = parse("bench.json", black_box(text));
    ipidea_codegen::expand(&spec, "bench.json")
        .into_iter()
        .count()
}

fn main() {
    if let Ok(n) = std::env::var("IPIDEA_CODEGEN_ONCE") {
        let n: usize = n
            .parse()
            .unwrap_or_else(|_| panic!("IPIDEA_CODEGEN_ONCE: `{n}` is not a number"));
        let text = synthetic_spec(n);
        println!(
            "{n} endpoints, {} bytes of spec: {} top-level tokens",
            text.len(),
            codegen_once(&text)
        );
        return;
    }
    let since = SystemTime::now();
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
    let pairs = if paired::enabled(GROUP) {
        paired_runs()
    } else {
        Vec::new()
    };
    // Under `cargo test --benches` criterion only checks that each benchmark runs.
    if std::env::args().any(|a| a == "--bench") {
        summarize(since, &pairs);
    }
}
