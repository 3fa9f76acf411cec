//! What the tool asks and tells about a call: the question before a call that changes the
//! account, and a failure in the words of what the endpoint changes (the spec's `changes`).

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use ipidea_spec::{Changes, Endpoint, Spec};

use crate::exit;
use crate::session::usage;

/// Prints a failed call's error; an unknown outcome in the words of what the endpoint does.
pub(crate) fn report(spec: &Spec, error: &ipidea::Error) {
    match error {
        ipidea::Error::Api {
            msg, ret, refusal, ..
        } => {
            eprintln!("error: the API refused the call: {msg} (ret {ret})");
            if let Some(kind) = refusal {
                eprintln!("hint: {}", kind.advice(error.refused_address()));
            }
        }
        ipidea::Error::OutcomeUnknown { request, source } => {
            let sent_at = request.sent_at.to_rfc3339();
            let command = crate::names::command_of(request.endpoint);
            match effect(spec, request.endpoint) {
                Effect::Orders { list, since } => {
                    eprintln!(
                        "error: the order was sent at {sent_at} but no answer came back ({source})."
                    );
                    eprintln!(
                        "It may or may not exist. List your orders to check before sending it again:"
                    );
                    // From the day `Client::reconcile` lists them from.
                    let offset = spec.api.utc_offset.seconds();
                    let since_day = ipidea::runtime::since_day(request, offset);
                    eprintln!(
                        "  ipidea {} --{} {}",
                        crate::names::command_of(&list.name),
                        crate::names::flag_of(since),
                        since_day.format("%Y-%m-%d")
                    );
                }
                Effect::Money => {
                    eprintln!(
                        "error: `{command}` was sent at {sent_at} but no answer came back ({source})."
                    );
                    eprintln!(
                        "It may or may not have spent money: check your orders before sending it again."
                    );
                }
                Effect::Whitelist => {
                    eprintln!(
                        "error: `{command}` was sent at {sent_at} but no answer came back ({source})."
                    );
                    eprintln!(
                        "The whitelist may or may not have changed: check with `ipidea white-list`, \
                         or run `ipidea whitelist sync` which re-reads it."
                    );
                }
                Effect::Setting => {
                    eprintln!(
                        "error: `{command}` was sent at {sent_at} but no answer came back ({source})."
                    );
                    eprintln!(
                        "The setting may or may not have changed; sending it again sets the same \
                         values."
                    );
                }
            }
        }
        other => eprintln!("error: {other}"),
    }
}

/// What a call that is not idempotent changes (the spec's `changes`), for the words of its
/// confirmation and of an unknown outcome.
pub(crate) enum Effect<'a> {
    /// It spends money, creating orders that `list` lists from the day given in its field
    /// `since` (the spec's `orders_in`).
    Orders { list: &'a Endpoint, since: &'a str },
    /// It spends money, and the spec does not say where its orders show up.
    Money,
    /// It changes the whitelist, and spends nothing.
    Whitelist,
    /// It changes a setting (such as a balance warning), or nothing, and spends nothing.
    Setting,
}

/// What endpoint `name` of `spec` changes.
pub(crate) fn effect<'a>(spec: &'a Spec, name: &str) -> Effect<'a> {
    let Some(endpoint) = spec.endpoint(name) else {
        return Effect::Setting;
    };
    match endpoint.changes {
        Changes::Money => endpoint
            .orders_in
            .as_ref()
            .and_then(|orders_in| {
                Some(Effect::Orders {
                    list: spec.endpoint(&orders_in.endpoint)?,
                    since: &orders_in.since,
                })
            })
            .unwrap_or(Effect::Money),
        Changes::Whitelist => Effect::Whitelist,
        Changes::Settings | Changes::Nothing => Effect::Setting,
    }
}

/// Asks `question` on the terminal, `[y/N]`; `Err` holds the exit code. Without a terminal
/// (stdin or stderr is not one) it asks nothing and is a usage error that says to pass
/// `--yes` to `without_terminal` (`spend money without a question`); any answer but yes
/// cancels. Whatever asks has already printed what will be done.
pub(crate) fn ask(question: &str, without_terminal: &str) -> Result<(), ExitCode> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(usage(format!(
            "no terminal to confirm on: pass --yes to {without_terminal}"
        )));
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        eprintln!("Cancelled; nothing was changed.");
        Err(ExitCode::from(exit::CANCELLED))
    }
}
