//! Inputs of `build-vs-hand.sh`'s measurement of the macro's share of a build.
//!
//! ```text
//! expansion spec N          a spec of N endpoints (the bundled spec's, then clones), on stdout
//! expansion expand FILE     what `ipidea::generate!` expands FILE to, as Rust source, on stdout
//! expansion time FILE R     the macro's work on FILE (read, load, validate, expand to tokens),
//!                           R times; the median in milliseconds
//! ```
//!
//! Built in the dev profile, `time` runs the macro's code at the optimization level that a
//! user's debug build gives proc macros (cargo's default `build-override`, opt-level 0).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let output = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["spec", n] => match n.parse::<usize>() {
            Ok(n) => Ok(ipidea_benches::fixtures::synthetic_spec(n)),
            Err(error) => Err(format!("`{n}` is not a number of endpoints: {error}")),
        },
        ["expand", file] => ipidea_spec::load(file)
            .map_err(|errors| errors.to_string())
            .and_then(|spec| {
                ipidea_codegen::expand_to_string(&spec, file).map_err(|e| e.to_string())
            }),
        ["time", file, rounds] => match rounds.parse::<usize>() {
            Ok(rounds) => time(file, rounds.max(1)),
            Err(error) => Err(format!("`{rounds}` is not a number of rounds: {error}")),
        },
        _ => Err(
            "usage: expansion spec N | expansion expand FILE | expansion time FILE R".to_owned(),
        ),
    };
    match output {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("expansion: {error}");
            ExitCode::FAILURE
        }
    }
}

/// What `generate!` does with a spec file, timed `rounds` times: the median, in milliseconds.
fn time(file: &str, rounds: usize) -> Result<String, String> {
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = std::time::Instant::now();
        let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
        let (spec, errors) = ipidea_spec::parse_partial(file, &text);
        let spec = spec
            .filter(|_| errors.is_empty())
            .ok_or("the spec is invalid")?;
        let tokens = ipidea_codegen::expand(&spec, file);
        std::hint::black_box(tokens);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(format!("{:.1}", times[times.len() / 2]))
}
