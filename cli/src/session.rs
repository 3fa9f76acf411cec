//! What a command needs to talk to the API: where calls go (`--sandbox` or a server, with the
//! account's credentials), the settings of its `Transport` or `Client` (base URL, timeout,
//! pace), asking before a change, and how a failure is told. Endpoint calls (`run`), `whitelist
//! sync` and `spec verify` share it.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::ArgMatches;
use ipidea::Transport;
use ipidea::runtime::{ApiInfo, AuthInfo, EndpointInfo, EnvelopeInfo};
use ipidea_spec::{Changes, Endpoint, Spec};

use crate::exit;

/// Runs a command's work on a current-thread runtime, as every command that calls the API does.
pub(crate) fn block_on(work: impl std::future::Future<Output = ExitCode>) -> ExitCode {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(work),
        Err(error) => usage(format!("cannot start the async runtime: {error}")),
    }
}

/// Prints a usage problem and returns the usage exit code.
pub(crate) fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(exit::USAGE)
}

/// Prints a failed call's error; an unknown outcome in the words of what the endpoint does.
pub(crate) fn report(spec: &Spec, error: &ipidea::Error) {
    match error {
        ipidea::Error::Api { msg, ret, .. } => {
            eprintln!("error: the API refused the call: {msg} (ret {ret})")
        }
        ipidea::Error::OutcomeUnknown { request, source } => {
            let sent_at = request.sent_at.to_rfc3339();
            let command = request.endpoint.replace('_', "-");
            match effect(spec, request.endpoint) {
                Effect::Orders { list, since } => {
                    eprintln!(
                        "error: the order was sent at {sent_at} but no answer came back ({source})."
                    );
                    eprintln!(
                        "It may or may not exist. List your orders to check before sending it again:"
                    );
                    // From the API's day before the call's, as `Client::reconcile` lists them.
                    let offset = spec.api.utc_offset.seconds();
                    let since_day = ipidea::day_of(request.sent_at, offset).pred_opt();
                    eprintln!(
                        "  ipidea {} --{} {}",
                        list.name.replace('_', "-"),
                        since.replace('_', "-"),
                        since_day.unwrap_or_default().format("%Y-%m-%d")
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

/// Where calls go: the embedded sandbox of `--sandbox` (running while `sandbox` lives), or the
/// server of `--base-url` (the API's own by default) with the account's credentials.
pub(crate) struct Target {
    pub(crate) sandbox: Option<ipidea_sandbox::Sandbox>,
    pub(crate) base_url: Option<String>,
    pub(crate) uid: String,
    pub(crate) appkey: String,
}

/// The [`Target`] of a command line; `Err` holds the exit code.
pub(crate) async fn target(matches: &ArgMatches) -> Result<Target, ExitCode> {
    if matches.get_flag("sandbox") {
        let mut builder = ipidea_sandbox::Sandbox::builder().demo_seed();
        if let Some(drift) = matches.get_one::<ipidea_sandbox::DriftSet>("sandbox-drift") {
            builder = builder.drift(*drift);
        }
        return match builder.start().await {
            Ok(started) => Ok(Target {
                base_url: Some(started.url().to_owned()),
                uid: started.uid().to_owned(),
                appkey: started.appkey().to_owned(),
                sandbox: Some(started),
            }),
            Err(error) => Err(usage(format!("cannot start the sandbox: {error}"))),
        };
    }
    let (uid, appkey) = credentials(matches)?;
    Ok(Target {
        sandbox: None,
        base_url: matches.get_one::<String>("base-url").cloned(),
        uid,
        appkey,
    })
}

/// The uid and appkey, from flags, the environment, a file or a prompt; never from a flag value.
fn credentials(matches: &ArgMatches) -> Result<(String, String), ExitCode> {
    let Some(uid) = matches
        .get_one::<String>("uid")
        .filter(|u| !u.trim().is_empty())
    else {
        return Err(usage("no account id: set IPIDEA_UID or pass --uid"));
    };
    let appkey = if let Some(file) = matches.get_one::<String>("appkey-file") {
        match std::fs::read_to_string(file) {
            Ok(text) if !text.trim().is_empty() => text.trim().to_owned(),
            Ok(_) => return Err(usage(format!("the appkey file `{file}` is empty"))),
            Err(error) => {
                return Err(usage(format!(
                    "cannot read the appkey file `{file}`: {error}"
                )));
            }
        }
    } else if let Some(key) = std::env::var("IPIDEA_APPKEY")
        .ok()
        .filter(|k| !k.trim().is_empty())
    {
        key.trim().to_owned()
    } else if std::io::stdin().is_terminal() {
        match rpassword::prompt_password("IPIDEA appkey: ") {
            Ok(key) if !key.trim().is_empty() => key.trim().to_owned(),
            _ => return Err(usage("no appkey given")),
        }
    } else {
        return Err(usage("no appkey: set IPIDEA_APPKEY or pass --appkey-file"));
    };
    Ok((uid.trim().to_owned(), appkey))
}

pub(crate) fn transport(
    spec: &'static Spec,
    base_url: Option<String>,
    uid: String,
    appkey: String,
    timeout: Option<u64>,
    pace: ipidea::Pace,
) -> Result<Transport, ipidea::Error> {
    let builder = Transport::builder(api_info(spec));
    configure(builder, spec, uid, appkey, base_url, timeout, pace).build()
}

/// The command line's settings on a client builder, bare ([`Transport`]) or typed
/// (`ipidea::Client`, for `whitelist sync`): the credentials under the spec's names, the
/// server of `--base-url`, the `--timeout` in seconds, and the pace.
pub(crate) fn configure<C>(
    builder: ipidea::ClientBuilder<C>,
    spec: &Spec,
    uid: String,
    appkey: String,
    base_url: Option<String>,
    timeout: Option<u64>,
    pace: ipidea::Pace,
) -> ipidea::ClientBuilder<C> {
    let (uid_name, key_name) = credential_names(spec);
    let mut builder = builder
        .credential(uid_name, uid)
        .credential(key_name, appkey)
        .pace(pace);
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    if let Some(seconds) = timeout {
        builder = builder.timeout(Duration::from_secs(seconds));
    }
    builder
}

/// The client's pace: one call at a time (the client's default), spaced by `--min-interval`.
/// `--all` and `whitelist sync` send every call through it.
pub(crate) fn pace(matches: &ArgMatches) -> ipidea::Pace {
    let pace = ipidea::Pace::one_at_a_time();
    match matches.get_one::<Duration>("min-interval") {
        Some(interval) => pace.with_min_interval(*interval),
        None => pace,
    }
}

/// The wire names of the account id and the secret key.
pub(crate) fn credential_names(spec: &Spec) -> (&str, &str) {
    let uid = spec
        .api
        .auth
        .iter()
        .find(|a| !a.secret)
        .map_or("uid", |a| a.name.as_str());
    let key = spec
        .api
        .auth
        .iter()
        .find(|a| a.secret)
        .map_or("appkey", |a| a.name.as_str());
    (uid, key)
}

/// The runtime's description of the API, from the spec loaded at start.
pub(crate) fn api_info(spec: &'static Spec) -> &'static ApiInfo {
    let api = &spec.api;
    let auth: Vec<AuthInfo> = api
        .auth
        .iter()
        .map(|a| AuthInfo {
            name: &a.name,
            env: &a.env,
            secret: a.secret,
        })
        .collect();
    let e = &api.envelope;
    Box::leak(Box::new(ApiInfo {
        name: &api.name,
        base_url: &api.base_url,
        auth: Box::leak(auth.into_boxed_slice()),
        envelope: EnvelopeInfo {
            status: &e.status,
            success: e.success,
            code: &e.code,
            message: &e.message,
            data: &e.data,
            timestamp: &e.timestamp,
        },
        date_format: &api.date_format,
        utc_offset_seconds: api.utc_offset.seconds(),
    }))
}

pub(crate) fn endpoint_info(
    spec: &'static Spec,
    endpoint: &'static Endpoint,
) -> &'static EndpointInfo {
    Box::leak(Box::new(EndpointInfo {
        name: &endpoint.name,
        method: match endpoint.method {
            ipidea_spec::Method::Get => ipidea::runtime::Method::Get,
            ipidea_spec::Method::Post => ipidea::runtime::Method::Post,
        },
        path: &endpoint.url_path,
        encoding: match spec.encoding(endpoint) {
            ipidea_spec::Encoding::Multipart => ipidea::runtime::Encoding::Multipart,
            ipidea_spec::Encoding::Form => ipidea::runtime::Encoding::Form,
            ipidea_spec::Encoding::Json => ipidea::runtime::Encoding::Json,
        },
        idempotent: endpoint.idempotent,
    }))
}
