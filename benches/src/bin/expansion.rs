//! Inputs of `build-vs-hand.sh`'s measurement of the macro's share of a build.
//!
//! ```text
//! expansion spec N          a spec of N endpoints (the bundled spec's, then clones), on stdout
//! expansion expand FILE     what `ipidea::generate!` expands FILE to, as Rust source, on stdout
//! ```

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
        _ => Err("usage: expansion spec N | expansion expand FILE".to_owned()),
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
