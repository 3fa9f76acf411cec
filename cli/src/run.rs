//! Running a command: credentials, confirmation, the call, and its output.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::ArgMatches;
use ipidea::Transport;
use ipidea::runtime::EndpointInfo;
use ipidea_spec::request::RequestProblem;
use ipidea_spec::{Changes, Endpoint, Spec};
use serde_json::Value;

use crate::command::{self, command_name, flag_name};
use crate::described::endpoint as endpoint_info;
use crate::exit;
use crate::output;
use crate::session::{Target, block_on, pace, target, transport, usage};
use crate::tell::{Effect, ask, effect, report};

/// Runs the parsed command line.
pub fn run(spec: &'static Spec, matches: &ArgMatches) -> ExitCode {
    match matches.subcommand() {
        Some(("spec", sub)) if sub.subcommand_name() == Some("diff") => crate::diff::run(sub),
        Some(("spec", sub)) if sub.subcommand_name() == Some("openapi") => crate::openapi::run(sub),
        Some(("spec", sub)) if sub.subcommand_name() == Some("import") => crate::import::run(sub),
        Some(("spec", sub)) if sub.subcommand_name() == Some("verify") => {
            crate::verify::run(spec, sub)
        }
        Some(("spec", sub)) => spec_command(sub),
        Some(("whitelist", sub)) => crate::whitelist::run(spec, sub),
        Some(("proxies", sub)) => crate::proxies::run(spec, sub),
        Some(("gateway", sub)) => crate::gateway::run(sub),
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

/// Refuses a request the spec's one request check finds a problem in, before anything is
/// sent: a range whose end is before its start (`not_before`), or (which clap rules out) a
/// field that is missing or does not fit. Each flag's own value was checked when it was parsed.
fn request_problem(
    spec: &Spec,
    endpoint: &Endpoint,
    fields: &[(&str, String)],
) -> Result<(), String> {
    let request = ipidea_spec::wire::form_fields(fields);
    let flag = |name: &str| format!("--{}", crate::names::flag_of(name));
    let shown = |name: &str| {
        request
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let Some(problem) = spec.check_request(endpoint, &request).into_iter().next() else {
        return Ok(());
    };
    Err(match problem {
        RequestProblem::Reversed { end, start } => format!(
            "{} ({}) is before {} ({}): a range must not end before it starts",
            flag(&end.name),
            shown(&end.name),
            flag(&start.name),
            shown(&start.name)
        ),
        RequestProblem::Missing(field) => format!("{} is required", flag(&field.name)),
        RequestProblem::Value { field, problem } | RequestProblem::Bounds { field, problem } => {
            format!("{}: {problem}", flag(&field.name))
        }
        RequestProblem::Unknown { name, .. } => {
            format!("{} is not a flag of this command", flag(&name))
        }
    })
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
    if let Err(problem) = request_problem(spec, endpoint, &fields) {
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
    if endpoint.changes != Changes::Nothing && !sandbox {
        if let Err(code) = confirm(spec, endpoint, &fields, matches.get_flag("yes")) {
            return code;
        }
    }
    block_on(async {
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
        let Some(info) = endpoint_info(spec, endpoint) else {
            return usage(format!(
                "`{}` is not an endpoint of the spec",
                endpoint.name
            ));
        };
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
                report(spec, &error);
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

/// Every item of every page, with a progress bar on stderr when it is a terminal. The pages
/// follow the runtime's rule (`ipidea::runtime::next_page`), as a generated stream does.
async fn fetch_all(
    spec: &'static Spec,
    endpoint: &'static Endpoint,
    info: &'static EndpointInfo,
    transport: &Transport,
    mut fields: Vec<(&'static str, String)>,
) -> Result<Value, ipidea::Error> {
    let Some(paging) = &endpoint.paging else {
        return Ok(Value::Null);
    };
    let page_field = paging.page.as_str();
    let layout = &spec.api.page;
    let number = |value: Option<&Value>| {
        value
            .and_then(ipidea_spec::wire::integer)
            .and_then(|n| u64::try_from(n).ok())
    };
    let given = fields.iter().find(|(n, _)| *n == page_field);
    let mut page = number(given.map(|(_, v)| Value::String(v.clone())).as_ref()).unwrap_or(1);
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
        let last = number(data.get(&layout.last_page)).unwrap_or(0);
        let page_items = data
            .get(&layout.items)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if let Some(bar) = &progress {
            bar.set_length(last.max(page));
            bar.set_position(page);
        }
        let next = ipidea::runtime::next_page(page, last, page_items.len());
        items.extend(page_items);
        match next {
            Some(next) => page = next,
            None => break,
        }
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
        if let Some(info) = endpoint_info(spec, endpoint) {
            let _ = transport.send_fields_untyped(info, &fields).await;
        }
    }
}

/// Shows what a command that changes the account will send and asks; `Err` holds the exit code.
/// It spends money where the spec says `changes: money`, and changes the account otherwise.
fn confirm(
    spec: &Spec,
    endpoint: &Endpoint,
    fields: &[(&str, String)],
    yes: bool,
) -> Result<(), ExitCode> {
    let (does, without_question) = match effect(spec, &endpoint.name) {
        Effect::Orders { .. } | Effect::Money => ("spends money", "spend money without a question"),
        Effect::Whitelist | Effect::Setting => (
            "changes the account",
            "change the account without a question",
        ),
    };
    let mut summary = format!("`{}` {does}. It will send:\n", command_name(endpoint));
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
    eprint!("{summary}");
    ask("Proceed?", without_question)
}
