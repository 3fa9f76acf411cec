//! Interleaved, paired timing of a baseline and a candidate, for ratios that hold on a noisy
//! machine.
//!
//! Criterion measures one benchmark after another, so a neighbour's build that starts between
//! two of them skews their ratio. Here the baseline and the candidate run alternately, in short
//! batches, round after round (A B, then B A, so that a steady drift cancels), and each round
//! gives its own ratio. The median of the rounds' ratios is what the reports quote, with the
//! quartiles as its spread.

use std::time::Instant;

/// The ratios of the rounds of a paired run.
#[derive(Debug, Clone)]
pub struct Paired {
    /// Per round: the baseline's time over the candidate's, i.e. the candidate's throughput
    /// relative to the baseline (above 1: the candidate is faster).
    pub ratios: Vec<f64>,
    /// The baseline's median time per call, in nanoseconds.
    pub baseline_ns: f64,
    /// The candidate's median time per call, in nanoseconds.
    pub candidate_ns: f64,
}

impl Paired {
    /// Ratios from per-round times measured elsewhere: `baseline[i] / candidate[i]`.
    pub fn from_times(baseline: &[f64], candidate: &[f64]) -> Paired {
        Paired {
            ratios: baseline.iter().zip(candidate).map(|(a, b)| a / b).collect(),
            baseline_ns: quantile(baseline, 0.5),
            candidate_ns: quantile(candidate, 0.5),
        }
    }

    /// The median ratio.
    pub fn median(&self) -> f64 {
        quantile(&self.ratios, 0.5)
    }

    /// The first and third quartiles of the ratios.
    pub fn quartiles(&self) -> (f64, f64) {
        (quantile(&self.ratios, 0.25), quantile(&self.ratios, 0.75))
    }

    /// `0.81x (IQR 0.79–0.83, 15 rounds)`.
    pub fn describe(&self) -> String {
        let (low, high) = self.quartiles();
        format!(
            "{:.3}x (IQR {low:.3}–{high:.3}, {} rounds)",
            self.median(),
            self.ratios.len()
        )
    }
}

fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let position = q * (sorted.len() - 1) as f64;
    let (below, above) = (position.floor() as usize, position.ceil() as usize);
    let weight = position - below as f64;
    sorted[below] * (1.0 - weight) + sorted[above] * weight
}

/// Runs `baseline` and `candidate` alternately for `rounds` rounds of `batch` calls each (after
/// one warm-up round), and returns the per-round ratios.
pub fn paired<A, B>(
    rounds: usize,
    batch: usize,
    mut baseline: impl FnMut() -> A,
    mut candidate: impl FnMut() -> B,
) -> Paired {
    fn time<R>(batch: usize, f: &mut impl FnMut() -> R) -> f64 {
        let started = Instant::now();
        for _ in 0..batch {
            std::hint::black_box(f());
        }
        started.elapsed().as_nanos() as f64 / batch as f64
    }
    time(batch, &mut baseline);
    time(batch, &mut candidate);
    let mut ratios = Vec::with_capacity(rounds);
    let mut baseline_times = Vec::with_capacity(rounds);
    let mut candidate_times = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (a, b) = if round % 2 == 0 {
            let a = time(batch, &mut baseline);
            (a, time(batch, &mut candidate))
        } else {
            let b = time(batch, &mut candidate);
            (time(batch, &mut baseline), b)
        };
        ratios.push(a / b);
        baseline_times.push(a);
        candidate_times.push(b);
    }
    Paired {
        ratios,
        baseline_ns: quantile(&baseline_times, 0.5),
        candidate_ns: quantile(&candidate_times, 0.5),
    }
}

/// Whether the paired runs of `group` should run: under `cargo bench` (`--bench`), not under
/// `cargo test --benches`; not when `IPIDEA_BENCH_PAIRED=0`; and not when the command line has
/// a benchmark filter that names none of `group`.
pub fn enabled(group: &str) -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    args.iter().any(|a| a == "--bench")
        && std::env::var("IPIDEA_BENCH_PAIRED").map_or(true, |v| v != "0")
        && (filters.is_empty()
            || filters
                .iter()
                .any(|f| f.contains(group) || group.contains(f.as_str())))
}
