//! `ipidea spec import FILE [--merge SPEC]`: spec entries from a vendor documentation page.
//!
//! The entries (or, with `--merge`, the merged spec) go to stdout as JSON, ready to paste or to
//! redirect into a file; the report (what to decide, what differs, what conflicts) goes to
//! stderr in plain words. With the global `--json`, stdout holds one object with both.

use std::io::Read;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use ipidea_spec_tools::import::{self, Note};
use serde_json::{Value, json};

use crate::exit;

/// The `spec import` subcommand.
pub fn command() -> Command {
    Command::new("import")
        .about(
            "Turn a vendor documentation page into spec entries; with --merge, add them to a spec",
        )
        .long_about(
            "Read a vendor documentation page (request lines with headers, JSON-like bodies with \
             `//` comments) and print spec entries inferred from it: endpoints, request fields, \
             types, docs and examples.\n\n\
             stdout: the entries as JSON ({\"types\": ..., \"endpoints\": ...}), or with --merge \
             the whole spec with the new endpoints and types added. An endpoint that the spec \
             marks unverified takes what the page shows (request fields, typed responses, \
             examples; the mark goes where the page shows a response), each replacement listed; \
             nothing else is overwritten unless --apply.\n\
             stderr: what a person must still decide (requiredness, enums, ids or numbers, docs, \
             where a money-spending call's orders are listed), \
             and with --merge how the page differs from or conflicts with the spec.\n\
             With --json, stdout holds one object with the entries (or spec) and the report.\n\n\
             Exit codes: 0 no conflicts; 1 conflicts (or entries that would not validate); \
             2 the page or the spec cannot be read.",
        )
        .arg(
            Arg::new("page")
                .required(true)
                .value_name("FILE")
                .help("The vendor's page, as text (`-` reads stdin)"),
        )
        .arg(
            Arg::new("merge")
                .long("merge")
                .value_name("SPEC")
                .help("Add what is new to this spec and report what differs or conflicts"),
        )
        .arg(
            Arg::new("apply")
                .long("apply")
                .action(ArgAction::SetTrue)
                .requires("merge")
                .help(
                    "With --merge, take the page's side where the import can: new request and \
                     record fields (typed by the usual inference; optional, nullable), types \
                     the page's examples do not fit, required fields the page no longer sends \
                     (made optional) and records where the spec says `json`; each listed as \
                     applied",
                ),
        )
}

/// Runs `spec import`, given the matches of `spec`.
pub fn run(spec: &ArgMatches) -> ExitCode {
    let Some(matches) = spec.subcommand_matches("import") else {
        return ExitCode::from(exit::USAGE);
    };
    let Some(file) = matches.get_one::<String>("page") else {
        return ExitCode::from(exit::USAGE);
    };
    let json_output = matches.try_get_one::<bool>("json").ok().flatten() == Some(&true);
    let page = match read_page(file) {
        Ok(page) => page,
        Err(error) => return failed(format!("cannot read `{file}`: {error}")),
    };
    let apply = matches.get_flag("apply");
    match matches.get_one::<String>("merge") {
        Some(spec_file) => merge(file, &page, spec_file, json_output, apply),
        None => entries(file, &page, json_output),
    }
}

fn read_page(file: &str) -> std::io::Result<String> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(file)
    }
}

fn failed(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(exit::USAGE)
}

/// The entries of a page on its own, checked against the bundled spec's `api`.
fn entries(file: &str, page: &str, json_output: bool) -> ExitCode {
    let imported = match import::import(page, None) {
        Ok(imported) => imported,
        Err(error) => return failed(format!("{file}: {error}")),
    };
    let base: Value = serde_json::from_str(ipidea_spec::BUNDLED).unwrap_or(Value::Null);
    let problems = imported.check(&base);
    let entries = imported.entries();
    if json_output {
        print_json(&json!({
            "entries": entries,
            "decisions": notes(&imported.decisions),
            "conflicts": notes(&problems),
        }));
    } else {
        print_json(&entries);
        let types = imported.types.len();
        eprintln!(
            "{file}: {} endpoint{} and {types} type{} (the entries are on stdout)",
            imported.endpoints.len(),
            plural(imported.endpoints.len()),
            plural(types)
        );
        section("to decide", &imported.decisions);
        section(
            "problems (the entries would not validate as they are)",
            &problems,
        );
        if problems.is_empty() {
            eprintln!("no conflicts");
        }
    }
    outcome(&problems)
}

/// The page merged into a spec file.
fn merge(file: &str, page: &str, spec_file: &str, json_output: bool, apply: bool) -> ExitCode {
    let spec = match ipidea_spec::load(spec_file) {
        Ok(spec) => spec,
        Err(errors) => {
            for line in errors.lines() {
                eprintln!("{line}");
            }
            return failed(format!(
                "cannot merge into `{spec_file}`: it is not a valid spec"
            ));
        }
    };
    let spec_json: Value = match std::fs::read_to_string(spec_file)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
    {
        Ok(value) => value,
        Err(error) => return failed(format!("cannot read `{spec_file}`: {error}")),
    };
    let mut merged = match import::import_into(page, &spec, &spec_json) {
        Ok(merged) => merged,
        Err(error) => return failed(format!("{file}: {error}")),
    };
    if apply {
        merged.apply();
    }
    if json_output {
        print_json(&json!({
            "spec": merged.spec,
            "added": { "endpoints": merged.added_endpoints, "types": merged.added_types },
            "replaced": notes(&merged.replaced),
            "applied": notes(&merged.applied),
            "decisions": notes(&merged.decisions),
            "differences": notes(&merged.differences),
            "conflicts": notes(&merged.conflicts),
        }));
    } else {
        print_json(&merged.spec);
        if merged.added_endpoints.is_empty()
            && merged.added_types.is_empty()
            && merged.replaced.is_empty()
            && merged.applied.is_empty()
        {
            eprintln!(
                "{file} into {spec_file}: nothing new; {} endpoint{} already in the spec",
                merged.existing.len(),
                plural(merged.existing.len())
            );
        } else {
            eprintln!(
                "{file} into {spec_file}: added endpoints {} and types {}; {} endpoint{} already in the spec (the merged spec is on stdout)",
                names(&merged.added_endpoints),
                names(&merged.added_types),
                merged.existing.len(),
                plural(merged.existing.len())
            );
        }
        section(
            "replaced (the spec's guesses of unverified endpoints, now what the page shows)",
            &merged.replaced,
        );
        section("applied (the page's side, by --apply)", &merged.applied);
        section("to decide", &merged.decisions);
        let differences = if apply {
            "differences (not settled by --apply: the spec keeps these)"
        } else {
            "differences (not applied: the spec is kept as it is; --apply takes the page's side where it can)"
        };
        section(differences, &merged.differences);
        section("conflicts", &merged.conflicts);
        if merged.conflicts.is_empty() {
            eprintln!("no conflicts");
        }
    }
    outcome(&merged.conflicts)
}

fn outcome(conflicts: &[Note]) -> ExitCode {
    if conflicts.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn print_json(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

fn notes(notes: &[Note]) -> Vec<Value> {
    notes.iter().map(Note::to_json).collect()
}

fn section(title: &str, notes: &[Note]) {
    if notes.is_empty() {
        return;
    }
    eprintln!("\n{title} ({}):", notes.len());
    for note in notes {
        eprintln!("  {note}");
    }
}

fn names(names: &[String]) -> String {
    if names.is_empty() {
        return "none".to_owned();
    }
    ipidea_spec::text::backticked(names)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
