//! `ipidea whitelist sync IP...`: brings the whitelist to a list of IPs with the library's
//! whitelist sync (`Client::whitelist_plan`, then `Client::whitelist_apply`): it prints the plan,
//! asks, then adds first and removes last, one IP per call.

use std::io::Write;
use std::net::IpAddr;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use ipidea::{Client, SyncMode, WhitelistPlan, WhitelistStep, WhitelistSync, WhitelistSyncError};
use ipidea_spec::Spec;
use serde_json::{Value, json};

use crate::exit;
use crate::session::{self, Target, usage};

/// `whitelist` and its subcommand `sync`.
pub fn command() -> Command {
    Command::new("whitelist")
        .about("Keep the whitelist in sync with a list of IPs")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("sync")
                .about("Make the whitelist list these IPs: add the missing ones, remove the others")
                .long_about(
                    "Make the whitelist list these IPs: add the missing ones and remove the others \
                     (with --keep-others, leave the others in place).\n\n\
                     Reads the whitelist first and prints the plan (add, remove, keep); asks \
                     before changing anything (--yes skips the question; without a terminal, \
                     --yes is required; --sandbox changes nothing real and does not ask). Adds \
                     first, so that access is never lost midway, then removes, one IP per call. \
                     A whitelist that already matches sends nothing.\n\n\
                     If a call fails, it stops and says which IPs were added and removed, which \
                     one failed, and which were not attempted, and exits with the code of the \
                     failure (3 refused, 4 network, 5 outcome unknown); with --json, stdout \
                     has that as a JSON document too (\"applied\": \"partial\"). After an \
                     unknown outcome or a network failure, running it again converges: it \
                     re-reads the whitelist first. After a refusal, running it again meets the \
                     same refusal unless its cause changes.",
                )
                .arg(
                    Arg::new("ips")
                        .value_name("IP")
                        .required(true)
                        .num_args(1..)
                        .value_delimiter(',')
                        .value_parser(clap::value_parser!(IpAddr))
                        .help(
                            "The IPs the whitelist should list (IPv4 or IPv6), separated by \
                             spaces or `,`; at least one: sync never empties the whitelist",
                        ),
                )
                .arg(
                    Arg::new("dry-run")
                        .long("dry-run")
                        .action(ArgAction::SetTrue)
                        .help("Print the plan and change nothing"),
                )
                .arg(
                    Arg::new("keep-others")
                        .long("keep-others")
                        .action(ArgAction::SetTrue)
                        .help(
                            "Leave listed IPs that are not given in place; by default they are \
                             removed",
                        ),
                ),
        )
}

/// Runs `whitelist sync`.
pub fn run(spec: &'static Spec, matches: &ArgMatches) -> ExitCode {
    let Some(("sync", matches)) = matches.subcommand() else {
        return ExitCode::from(exit::USAGE);
    };
    let desired: Vec<IpAddr> = matches
        .get_many::<IpAddr>("ips")
        .map(|ips| ips.copied().collect())
        .unwrap_or_default();
    if desired.is_empty() {
        return usage("whitelist sync needs at least one IP: it never empties the whitelist");
    }
    let mode = if matches.get_flag("keep-others") {
        SyncMode::KeepOthers
    } else {
        SyncMode::Exact
    };
    session::block_on(sync(spec, matches, desired, mode))
}

async fn sync(
    spec: &'static Spec,
    matches: &ArgMatches,
    desired: Vec<IpAddr>,
    mode: SyncMode,
) -> ExitCode {
    let target = match session::target(matches).await {
        Ok(target) => target,
        Err(code) => return code,
    };
    let client = match client(
        spec,
        &target,
        matches.get_one::<u64>("timeout").copied(),
        session::pace(matches),
    ) {
        Ok(client) => client,
        Err(error) => return usage(error),
    };
    let plan = match client.whitelist_plan(desired, mode).await {
        Ok(plan) => plan,
        Err(error) => {
            crate::tell::report(spec, &error);
            return exit::of(&error);
        }
    };
    let json = matches.get_flag("json");
    let dry_run = matches.get_flag("dry-run");
    if plan.is_noop() || dry_run {
        if json {
            print_json(&plan, Applied::No);
        } else {
            print!("{}", plan_text(&plan));
            if plan.is_noop() {
                println!("whitelist already matches: nothing to change");
            } else {
                println!("dry run: nothing was changed");
            }
        }
        return ExitCode::SUCCESS;
    }
    if json {
        // The plan goes with the question, on stderr; stdout keeps one JSON document.
        if target.sandbox.is_none() && !matches.get_flag("yes") {
            eprint!("{}", plan_text(&plan));
        }
    } else {
        print!("{}", plan_text(&plan));
        let _ = std::io::stdout().flush();
    }
    if target.sandbox.is_none() {
        if let Err(code) = confirm(matches.get_flag("yes")) {
            return code;
        }
    }
    match client.whitelist_apply(&plan).await {
        Ok(done) => {
            if json {
                print_json(&plan, Applied::Yes(&done));
            } else {
                print!("{}", done_text(&done));
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            if json {
                print_json(&plan, Applied::Partial(&error));
            }
            eprintln!("error: {error}");
            exit::of(&error.source)
        }
    }
}

/// The typed client of the command line's target, with the same settings as the other
/// commands' transport.
fn client(
    spec: &Spec,
    target: &Target,
    timeout: Option<u64>,
    pace: ipidea::Pace,
) -> Result<Client, ipidea::Error> {
    session::configure(
        Client::builder(),
        spec,
        target.uid.clone(),
        target.appkey.clone(),
        target.base_url.clone(),
        timeout,
        pace,
    )
    .build()
}

/// Asks before changing the whitelist; `Err` holds the exit code.
fn confirm(yes: bool) -> Result<(), ExitCode> {
    if yes {
        return Ok(());
    }
    crate::tell::ask(
        "Change the whitelist as above?",
        "change the whitelist without a question (or --dry-run to see the plan only)",
    )
}

/// `1.2.3.4, 5.6.7.8`, or `-` for none.
fn list(ips: &[IpAddr]) -> String {
    if ips.is_empty() {
        return "-".to_owned();
    }
    ips.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The plan, a line per kind of change.
fn plan_text(plan: &WhitelistPlan) -> String {
    let mut text = format!(
        "add:    {}\nremove: {}\nkeep:   {}\n",
        list(&plan.to_add),
        list(&plan.to_remove),
        list(&plan.unchanged)
    );
    if !plan.kept_others.is_empty() {
        text.push_str(&format!(
            "keep (not given, --keep-others): {}\n",
            list(&plan.kept_others)
        ));
    }
    text
}

/// What was done.
fn done_text(done: &WhitelistSync) -> String {
    format!(
        "added:   {}\nremoved: {}\nwhitelist synced: {} added, {} removed, {} already listed\n",
        list(&done.added),
        list(&done.removed),
        done.added.len(),
        done.removed.len(),
        done.unchanged.len()
    )
}

/// Whether, and how far, a plan was applied.
enum Applied<'a> {
    /// Not at all: a dry run, or nothing to change.
    No,
    /// Wholly.
    Yes(&'a WhitelistSync),
    /// Partway: a call failed and the sync stopped.
    Partial(&'a WhitelistSyncError),
}

/// The plan, and what was done where it was applied, as one JSON document. `applied` is
/// `false`, `true`, or `"partial"` for a sync that stopped at a failed call; then `failed`
/// says which (`step`, `ip`, whether its `outcome_unknown`, whether a rerun may help, and the
/// error), and `not_added` and `not_removed` the IPs not attempted.
fn print_json(plan: &WhitelistPlan, applied: Applied<'_>) {
    println!(
        "{}",
        serde_json::to_string_pretty(&json_document(plan, applied)).unwrap_or_default()
    );
}

fn json_document(plan: &WhitelistPlan, applied: Applied<'_>) -> Value {
    let mut value = json!({
        "mode": match plan.mode {
            SyncMode::Exact => "exact",
            SyncMode::KeepOthers => "keep-others",
        },
        "add": plan.to_add,
        "remove": plan.to_remove,
        "keep": plan.unchanged,
        "kept_others": plan.kept_others,
    });
    let extra = match applied {
        Applied::No => json!({ "applied": false, "added": [], "removed": [] }),
        Applied::Yes(done) => {
            json!({ "applied": true, "added": done.added, "removed": done.removed })
        }
        Applied::Partial(error) => {
            let step = match error.step {
                WhitelistStep::Add(_) => "add",
                WhitelistStep::Remove(_) => "remove",
                // `whitelist_apply` fails at a change; planning failed before this point.
                _ => "plan",
            };
            json!({
                "applied": "partial",
                "added": error.added,
                "removed": error.removed,
                "failed": {
                    "step": step,
                    "ip": error.step.ip(),
                    "outcome_unknown": error.is_outcome_unknown(),
                    "rerun_may_help": error.rerun_may_help(),
                    "error": error.source.to_string(),
                },
                "not_added": error.not_added,
                "not_removed": error.not_removed,
            })
        }
    };
    if let (Value::Object(value), Value::Object(extra)) = (&mut value, extra) {
        value.extend(extra);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_prints_a_line_per_kind_of_change() {
        let ips =
            |list: &[&str]| -> Vec<IpAddr> { list.iter().map(|s| s.parse().unwrap()).collect() };
        let plan = WhitelistPlan::new(
            ips(&["10.0.0.1", "10.0.0.2"]),
            ips(&["10.0.0.2", "10.0.0.3"]),
            SyncMode::KeepOthers,
        )
        .unwrap();
        assert_eq!(
            plan_text(&plan),
            "add:    10.0.0.3\nremove: -\nkeep:   10.0.0.2\nkeep (not given, --keep-others): 10.0.0.1\n"
        );
    }
}
