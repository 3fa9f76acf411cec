//! Shared pieces of the benchmarks of the generated IPIDEA client.
//!
//! The benchmarks themselves are in `benches/` (run them with `cargo bench -p ipidea-benches`);
//! this library holds what they share: inputs built from the spec's own examples
//! ([`fixtures`]), the hand-written baseline types ([`plain`]), the minimal loopback server
//! ([`server`]), the counting allocator ([`alloc`]), the sandbox in a child process
//! ([`child`]), interleaved paired timing for ratios that hold on a noisy machine ([`paired`]),
//! and the report read back from criterion's estimates ([`report`]).
//!
//! Every result is reported as a ratio against a baseline measured in the same run, because the
//! machines these run on are shared and noisy. `BENCHMARKS.md` at the repository root has the
//! method and the figures.
#![deny(missing_docs)]

pub mod alloc;
pub mod child;
pub mod fixtures;
pub mod paired;
pub mod plain;
pub mod report;
pub mod server;

/// The runtime the benchmarks' clients run on: current-thread, on the calling thread, while the
/// server or sandbox they call runs elsewhere. Panics if it cannot be built, as a benchmark
/// cannot go on without it.
pub fn client_runtime() -> tokio::runtime::Runtime {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => panic!("cannot build the client runtime: {error}"),
    }
}

/// What cargo asks of a benchmark with its own harness, from its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// `cargo bench` (which passes `--bench`): the whole measurement.
    Full,
    /// `cargo test --benches`: a quick check that the benchmark works.
    Smoke,
}

/// What the benchmark `name` is to do: `None` when nothing, for `--list` (which prints its
/// name, as libtest does) or a filter that leaves it out.
pub fn harness(name: &str) -> Option<Run> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        println!("{name}: bench");
        return None;
    }
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
        return None;
    }
    Some(if args.iter().any(|a| a == "--bench") {
        Run::Full
    } else {
        Run::Smoke
    })
}
