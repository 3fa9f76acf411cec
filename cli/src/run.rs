//! Running a command: credentials, confirmation, the call, and its output.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::ArgMatches;
use ipidea::{ApiInfo, AuthInfo, EndpointInfo, EnvelopeInfo, Transport};
use ipidea_spec::{Endpoint, Spec};
use serde_json::Value;

use crate::command::{self, command_name, flag_name};
use crate::exit;
use crate::output;

/// Runs the parsed command line.
pub fn run(spec: &'static Spec, matches: &ArgMatches) -> ExitCode {
    match matches.subcommand() {
        Some(("spec", sub)) if sub.subcommand_name() == Some("diff") => crate::diff::run(sub),
        Some(("spec", sub)) if sub.subcommand_name() == Some("openapi") => crate::openapi::run(sub),
        Some(("spec", sub)) if sub.subcommand_name() == Some("import") => crate::import::run(sub),
        Some(("spec", sub)) => spec_command(sub),
        Some(("whitelist", sub)) => crate::whitelist::run(spec, sub),
        Some(("completions", sub)) => {
            let Some(shell) = sub.get_one::<clap_complete::Shell>("shell") else {
                return ExitCode::from(exit::USAGE);
            };
            clap_complete::generate(
                *shell,
                &mut command::build(spec),
                "ipidea",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Some((name, sub)) => match spec.endpoints.iter().find(|e| command_name(e) == name) {
            Some(endpoint) => call(spec, endpoint, sub),
            None => ExitCode::from(exit::USAGE),
        },
        None => ExitCode::from(exit::USAGE),
    }
}

fn spec_command(matches: &ArgMatches) -> ExitCode {
    let Some(("check", check)) = matches.subcommand() else {
        return ExitCode::from(exit::USAGE);
    };
    let result = match check.get_one::<String>("file") {
        Some(file) => ipidea_spec::load(file),
        None => ipidea_spec::parse(ipidea_spec::BUNDLED_NAME, ipidea_spec::BUNDLED),
    };
    match result {
        Ok(spec) => {
            println!(
                "{}: ok, {} endpoints and {} types",
                spec.file,
                spec.endpoints.len(),
                spec.types.len()
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for line in errors.lines() {
                eprintln!("{line}");
            }
            eprintln!(
                "{} error{}",
                errors.errors.len(),
                if errors.errors.len() == 1 { "" } else { "s" }
            );
            ExitCode::FAILURE
        }
    }
}

/// Prints a usage problem and returns the usage exit code.
pub(crate) fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(exit::USAGE)
}

/// Refuses a range whose end is before its start (`not_before` in the spec), before anything
/// is sent. Each flag's own value was checked when it was parsed.
fn ranges_in_order(
    spec: &Spec,
    endpoint: &Endpoint,
    fields: &[(&str, String)],
) -> Result<(), String> {
    let value = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| Value::String(v.clone()))
    };
    for field in &endpoint.request {
        let Some(start_name) = &field.not_before else {
            continue;
        };
        let (Some(end), Some(start)) = (value(&field.name), value(start_name)) else {
            continue;
        };
        if spec.compare_values(&field.ty, &end, &start) == Some(std::cmp::Ordering::Less) {
            let flag = |name: &str| format!("--{}", name.replace('_', "-"));
            let shown = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            return Err(format!(
                "{} ({}) is before {} ({}): a range must not end before it starts",
                flag(&field.name),
                shown(&end),
                flag(start_name),
                shown(&start)
            ));
        }
    }
    Ok(())
}

fn call(spec: &'static Spec, endpoint: &'static Endpoint, matches: &ArgMatches) -> ExitCode {
    let fields: Vec<(&'static str, String)> = endpoint
        .request
        .iter()
        .filter_map(|field| {
            matches
                .get_one::<String>(&field.name)
                .map(|value| (field.name.as_str(), value.clone()))
        })
        .collect();
    if let Err(problem) = ranges_in_order(spec, endpoint, &fields) {
        return usage(problem);
    }
    let all = matches.get_flag("all");
    if all && endpoint.paging.is_none() {
        return usage(format!(
            "--all applies to list commands; `{}` does not page",
            command_name(endpoint)
        ));
    }
    let sandbox = matches.get_flag("sandbox");
    if !endpoint.idempotent && !sandbox {
        if let Err(code) = confirm(spec, endpoint, &fields, matches.get_flag("yes")) {
            return code;
        }
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return usage(format!("cannot start the async runtime: {error}")),
    };
    runtime.block_on(async {
        let Target {
            sandbox: _sandbox,
            base_url,
            uid,
            appkey,
        } = match target(matches).await {
            Ok(target) => target,
            Err(code) => return code,
        };
        let transport = match transport(
            spec,
            base_url,
            uid,
            appkey,
            matches.get_one::<u64>("timeout").copied(),
            pace(matches),
        ) {
            Ok(transport) => transport,
            Err(error) => return usage(error),
        };
        if sandbox {
            demo_orders(spec, &transport).await;
        }
        let verbose = matches.get_flag("verbose");
        if verbose {
            eprintln!(
                "> {} {}{}",
                endpoint.method.name(),
                transport.base_url(),
                endpoint.url_path
            );
            for (name, value) in &fields {
                eprintln!(">   {name}: {value}");
            }
        }
        let info = endpoint_info(spec, endpoint);
        let result = if all {
            fetch_all(spec, endpoint, info, &transport, fields).await
        } else {
            fetch_one(info, &transport, &fields, verbose).await
        };
        match result {
            Ok(data) => {
                let json = matches.get_flag("json");
                let text = if json {
                    serde_json::to_string_pretty(&data).unwrap_or_default()
                } else {
                    let zone = output::Zone::from_utc_flag(matches.get_flag("utc"));
                    output::render(spec, endpoint, &data, all, zone)
                };
                println!("{text}");
                crate::threshold::check(endpoint, matches, &data)
            }
            Err(error) => {
                report(&error);
                exit::of(&error)
            }
        }
    })
}

async fn fetch_one(
    info: &'static EndpointInfo,
    transport: &Transport,
    fields: &[(&'static str, String)],
    verbose: bool,
) -> Result<Value, ipidea::Error> {
    let response = transport.send_fields_untyped(info, fields).await?;
    if verbose {
        let time = response
            .timestamp
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| "-".to_owned());
        eprintln!(
            "< msg: {}, code: {}, server time: {time}",
            response.msg,
            response.code.as_deref().unwrap_or("-")
        );
    }
    Ok(response.data)
}

/// Every item of every page, with a progress bar on stderr when it is a terminal.
async fn fetch_all(
    spec: &Spec,
    endpoint: &Endpoint,
    info: &'static EndpointInfo,
    transport: &Transport,
    mut fields: Vec<(&'static str, String)>,
) -> Result<Value, ipidea::Error> {
    let Some(paging) = &endpoint.paging else {
        return Ok(Value::Null);
    };
    let page_field: &'static str = Box::leak(paging.page.clone().into_boxed_str());
    let layout = &spec.api.page;
    let mut page: u64 = fields
        .iter()
        .find(|(n, _)| *n == page_field)
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(1);
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} page {pos}/{len}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut items = Vec::new();
    loop {
        fields.retain(|(n, _)| *n != page_field);
        fields.push((page_field, page.to_string()));
        let data = transport.send_fields_untyped(info, &fields).await?.data;
        let number = |key: &str| {
            data.get(key)
                .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
                .unwrap_or(0)
        };
        let last = number(&layout.last_page);
        let page_items = data
            .get(&layout.items)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if let Some(bar) = &progress {
            bar.set_length(last.max(page));
            bar.set_position(page);
        }
        let done = page_items.is_empty() || page >= last;
        items.extend(page_items);
        if done {
            break;
        }
        page += 1;
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    Ok(Value::Array(items))
}

/// A few ISP and datacenter orders in the embedded sandbox, bought through the API like any
/// other order, so list commands have something to show.
async fn demo_orders(spec: &'static Spec, transport: &Transport) {
    let demo = [
        (
            "isp_ip_open",
            [("region", "hk"), ("duration", "weekly"), ("num", "2")],
        ),
        (
            "isp_ip_open",
            [("region", "us"), ("duration", "monthly"), ("num", "1")],
        ),
        (
            "static_ip_open",
            [("region", "sg"), ("duration", "month"), ("num", "3")],
        ),
    ];
    for (name, fields) in demo {
        let Some(endpoint) = spec.endpoint(name) else {
            continue;
        };
        let fields: Vec<(&'static str, String)> = fields
            .iter()
            .filter_map(|(n, v)| {
                endpoint
                    .request
                    .iter()
                    .find(|f| f.name == *n)
                    .map(|f| (f.name.as_str(), (*v).to_owned()))
            })
            .collect();
        let _ = transport
            .send_fields_untyped(endpoint_info(spec, endpoint), &fields)
            .await;
    }
}

pub(crate) fn report(error: &ipidea::Error) {
    match error {
        ipidea::Error::Api { msg, ret, .. } => {
            eprintln!("error: the API refused the call: {msg} (ret {ret})")
        }
        ipidea::Error::OutcomeUnknown { request, source } => {
            eprintln!(
                "error: the order was sent at {} but no answer came back ({source}).",
                request.sent_at.to_rfc3339()
            );
            eprintln!(
                "It may or may not exist. List your orders to check before sending it again:"
            );
            eprintln!(
                "  ipidea {} --start-time {}",
                reconcile_hint(request.endpoint),
                request.sent_at.format("%Y-%m-%d")
            );
        }
        other => eprintln!("error: {other}"),
    }
}

fn reconcile_hint(endpoint: &str) -> &'static str {
    if endpoint.starts_with("isp_") {
        "isp-order-list"
    } else {
        "datacenter-order-list"
    }
}

/// Shows what a money-spending command will send and asks; `Err` holds the exit code.
fn confirm(
    spec: &Spec,
    endpoint: &Endpoint,
    fields: &[(&str, String)],
    yes: bool,
) -> Result<(), ExitCode> {
    let mut summary = format!("`{}` spends money. It will send:\n", command_name(endpoint));
    for field in &endpoint.request {
        if let Some((_, value)) = fields.iter().find(|(n, _)| *n == field.name) {
            let meaning = command::enum_values(spec, &field.ty)
                .and_then(|values| values.iter().find(|v| &v.value == value))
                .map(|v| format!(" ({})", v.doc.en.trim_end_matches('.')))
                .unwrap_or_default();
            summary.push_str(&format!("  --{:<16} {value}{meaning}\n", flag_name(field)));
        }
    }
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        eprint!("{summary}");
        return Err(usage(
            "no terminal to confirm on: pass --yes to spend money without a question",
        ));
    }
    eprint!("{summary}Proceed? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        eprintln!("Cancelled; nothing was sent.");
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
        return match ipidea_sandbox::Sandbox::builder().demo_seed().start().await {
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

fn transport(
    spec: &'static Spec,
    base_url: Option<String>,
    uid: String,
    appkey: String,
    timeout: Option<u64>,
    pace: ipidea::Pace,
) -> Result<Transport, ipidea::Error> {
    let api = api_info(spec);
    let (uid_name, key_name) = credential_names(spec);
    let mut builder = Transport::builder(api)
        .credential(uid_name, uid)
        .credential(key_name, appkey)
        .pace(pace);
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    if let Some(seconds) = timeout {
        builder = builder.timeout(Duration::from_secs(seconds));
    }
    builder.build()
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
fn api_info(spec: &'static Spec) -> &'static ApiInfo {
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
    }))
}

fn endpoint_info(spec: &'static Spec, endpoint: &'static Endpoint) -> &'static EndpointInfo {
    Box::leak(Box::new(EndpointInfo {
        name: &endpoint.name,
        method: match endpoint.method {
            ipidea_spec::Method::Get => ipidea::Method::Get,
            ipidea_spec::Method::Post => ipidea::Method::Post,
        },
        path: &endpoint.url_path,
        encoding: match spec.encoding(endpoint) {
            ipidea_spec::Encoding::Multipart => ipidea::Encoding::Multipart,
            ipidea_spec::Encoding::Form => ipidea::Encoding::Form,
            ipidea_spec::Encoding::Json => ipidea::Encoding::Json,
        },
        idempotent: endpoint.idempotent,
    }))
}
