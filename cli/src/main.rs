//! `ipidea`: the IPIDEA open API from a shell.
//!
//! Every endpoint of the spec is a subcommand and every request field a flag: the commands are
//! built from `spec/ipidea.json` when the tool starts, so an endpoint added to the spec appears
//! here with no code change.

mod command;
mod described;
mod diff;
mod exit;
mod fields;
mod gateway;
mod import;
mod names;
mod openapi;
mod output;
mod proxies;
mod run;
mod session;
mod tell;
mod threshold;
mod verify;
mod whitelist;

use std::process::ExitCode;

fn main() -> ExitCode {
    let spec = described::bundled();
    let matches = match command::build(spec).try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(exit::USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    run::run(spec, &matches)
}
