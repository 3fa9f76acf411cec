//! `ipidea spec openapi [SPEC]`: the spec as an OpenAPI 3.0.3 document.

use std::process::ExitCode;

use clap::{Arg, ArgMatches, Command};

/// The `openapi` subcommand of `spec`.
pub fn command() -> Command {
    Command::new("openapi")
        .about("Export a spec as an OpenAPI 3.0.3 document (JSON), for Swagger UI and other generators")
        .arg(
            Arg::new("file")
                .value_name("SPEC")
                .help("The spec file (default: the bundled spec)"),
        )
        .arg(
            Arg::new("output")
                .long("output")
                .short('o')
                .value_name("FILE")
                .help("Write the document to FILE instead of stdout"),
        )
}

/// Runs `ipidea spec openapi`, given the matches of `spec`.
pub fn run(spec: &ArgMatches) -> ExitCode {
    let Some(matches) = spec.subcommand_matches("openapi") else {
        return ExitCode::from(crate::exit::USAGE);
    };
    let loaded = match matches.get_one::<String>("file") {
        Some(file) => ipidea_spec::load(file),
        None => ipidea_spec::parse(ipidea_spec::BUNDLED_NAME, ipidea_spec::BUNDLED),
    };
    let spec = match loaded {
        Ok(spec) => spec,
        Err(errors) => {
            for line in errors.lines() {
                eprintln!("{line}");
            }
            eprintln!(
                "error: `{}` does not load, so it cannot be exported",
                errors.file
            );
            return ExitCode::FAILURE;
        }
    };
    let document = ipidea_spec_tools::openapi::export(&spec);
    let text = match serde_json::to_string_pretty(&document) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: cannot write the document as JSON: {error}");
            return ExitCode::FAILURE;
        }
    };
    match matches.get_one::<String>("output") {
        None => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Some(file) => match std::fs::write(file, text + "\n") {
            Ok(()) => {
                eprintln!(
                    "wrote `{file}`: OpenAPI {} with {} endpoints and {} schemas",
                    ipidea_spec_tools::openapi::OPENAPI_VERSION,
                    spec.endpoints.len(),
                    spec.types.len()
                );
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: cannot write `{file}`: {error}");
                ExitCode::FAILURE
            }
        },
    }
}
