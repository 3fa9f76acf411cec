//! `ipidea spec diff OLD NEW`: what a spec change does to users of the generated Rust API.

use std::process::ExitCode;

use clap::{Arg, ArgMatches, Command};
use ipidea_spec::Spec;
use ipidea_spec_tools::diff::{Class, SpecDiff, ZERO_VERSION_NOTE};

use crate::exit;

/// The `diff` subcommand of `spec`.
pub fn command() -> Command {
    Command::new("diff")
        .about("List what changes between two specs for users of the generated Rust API, and suggest the semver bump")
        .long_about(
            "List every added, removed and changed endpoint, field, type, enum value and API \
             setting between two specs, each classed by what it does to code using the \
             generated Rust client: breaking, additive or docs. Then suggest the semver bump.",
        )
        .arg(
            Arg::new("old")
                .required(true)
                .value_name("OLD")
                .help("The spec before the change"),
        )
        .arg(
            Arg::new("new")
                .required(true)
                .value_name("NEW")
                .help("The spec after the change"),
        )
        .after_help(
            "With --json: an object with `changes` (each with `path`, `kind`, `class` and \
             `description`), `bump` and `note`.\n\n\
             Exit codes:\n  0  nothing is breaking\n  1  a change is breaking\n  2  a spec does not load",
        )
}

/// Runs `ipidea spec diff`, given the matches of `spec`.
pub fn run(spec: &ArgMatches) -> ExitCode {
    let Some(matches) = spec.subcommand_matches("diff") else {
        return ExitCode::from(exit::USAGE);
    };
    let (Some(old), Some(new)) = (
        matches.get_one::<String>("old"),
        matches.get_one::<String>("new"),
    ) else {
        return ExitCode::from(exit::USAGE);
    };
    let (Some(old), Some(new)) = (load(old), load(new)) else {
        return ExitCode::from(exit::USAGE);
    };
    let diff = ipidea_spec_tools::diff::diff(&old, &new);
    if matches.get_flag("json") {
        println!(
            "{}",
            serde_json::to_string_pretty(&diff.to_json()).unwrap_or_default()
        );
    } else {
        print!("{}", render(&diff));
    }
    if diff.is_breaking() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Loads a spec, printing its errors.
fn load(file: &str) -> Option<Spec> {
    match ipidea_spec::load(file) {
        Ok(spec) => Some(spec),
        Err(errors) => {
            for line in errors.lines() {
                eprintln!("{line}");
            }
            eprintln!("error: `{file}` does not load, so it cannot be compared");
            None
        }
    }
}

/// One line per change, grouped by class, then the suggested bump.
pub(crate) fn render(diff: &SpecDiff) -> String {
    let mut out = String::new();
    if diff.is_empty() {
        out.push_str("no changes\n");
    }
    for class in Class::ALL {
        let changes: Vec<_> = diff.of_class(class).collect();
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!("{} ({}):\n", class.name(), changes.len()));
        for change in changes {
            out.push_str(&format!(
                "  {:<8} {}  [{}]\n",
                change.kind.name(),
                change.description,
                change.path
            ));
        }
    }
    let bump = diff.bump();
    let why = match bump {
        ipidea_spec_tools::diff::Bump::Major => "a change is breaking",
        ipidea_spec_tools::diff::Bump::Minor => "changes are additive",
        ipidea_spec_tools::diff::Bump::Patch => "only docs change",
        ipidea_spec_tools::diff::Bump::None => "nothing changes",
    };
    out.push_str(&format!("\nsuggested bump: {bump} ({why})\n"));
    if bump != ipidea_spec_tools::diff::Bump::None {
        out.push_str(&format!("note: {ZERO_VERSION_NOTE}\n"));
    }
    out
}
