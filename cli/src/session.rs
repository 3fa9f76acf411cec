//! Where a command's calls go and how they are sent: `--sandbox` or a server, with the account's
//! credentials, and the settings of its `Transport` or `Client` (base URL, timeout, pace).
//! Endpoint calls (`run`), `whitelist sync` and `spec verify` share it; what the tool asks and
//! tells about a call is in `tell`, the runtime's descriptions of the spec in `described`.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::ArgMatches;
use ipidea::Transport;
use ipidea_spec::Spec;

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
    let builder = Transport::builder(crate::described::api(spec));
    configure(builder, spec, uid, appkey, base_url, timeout, pace).build()
}

/// The command line's settings on a client builder, bare ([`Transport`]) or typed
/// (`ipidea::Client`, for `whitelist sync`): the credentials under the spec's names, the
/// server of `--base-url` for every API (else each API's base-URL variable, as
/// `Client::from_env` reads them), the `--timeout` in seconds, and the pace.
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
    // `--base-url` sets every API's server; without it, each API's own variable may.
    builder = match base_url {
        Some(url) => builder.base_url(url),
        None => builder.base_urls_from_env(),
    };
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
        .main_service()
        .auth
        .iter()
        .find(|a| !a.secret)
        .map_or("uid", |a| a.name.as_str());
    let key = spec
        .main_service()
        .auth
        .iter()
        .find(|a| a.secret)
        .map_or("appkey", |a| a.name.as_str());
    (uid, key)
}
