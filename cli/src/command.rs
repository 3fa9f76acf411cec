//! The clap command tree, built from the spec: a subcommand per endpoint, a flag per field.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Arg, ArgAction, Command};
use ipidea_spec::{Changes, Endpoint, EnumValue, Field, Spec, TypeKind, TypeRef, naming};

use crate::exit;
use crate::fields;

/// The whole command line.
pub fn build(spec: &'static Spec) -> Command {
    let endpoints = spec
        .endpoints
        .iter()
        .map(|endpoint| endpoint_command(spec, endpoint));
    Command::new("ipidea")
        .about(format!("The {} from a shell: look up, buy and renew orders.", spec.api.title))
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_help(exit::HELP)
        .args(global_args(spec))
        .subcommands(endpoints)
        .subcommand(crate::whitelist::command())
        .subcommand(crate::proxies::command(spec))
        .subcommand(crate::gateway::command())
        .subcommand(
            Command::new("spec")
                .about("Work with spec files")
                .subcommand_required(true)
                .subcommand(
                    Command::new("check")
                        .about("Validate a spec with the same loader as the client's macro; print every error")
                        .arg(Arg::new("file").help("The spec file (default: the bundled spec)").value_name("FILE")),
                )
                .subcommand(crate::diff::command())
                .subcommand(crate::openapi::command())
                .subcommand(crate::import::command())
                .subcommand(crate::verify::command()),
        )
        .subcommand(
            Command::new("completions").about("Print shell completions").arg(
                Arg::new("shell")
                    .required(true)
                    .value_parser(clap::value_parser!(clap_complete::Shell))
                    .help("The shell"),
            ),
        )
}

fn global_args(spec: &Spec) -> Vec<Arg> {
    global_args_unheaded(spec)
        .into_iter()
        .map(|arg| arg.help_heading("Global options"))
        .collect()
}

/// The help of `--base-url`: it sets every API's server; each API's own variable sets one.
fn base_url_help(spec: &Spec) -> String {
    let defaults: Vec<String> = spec
        .apis
        .iter()
        .map(|s| match &s.base_url_env {
            Some(env) => format!("{}: {} (env: {env})", s.name, s.base_url),
            None => format!("{}: {}", s.name, s.base_url),
        })
        .collect();
    format!(
        "Another server for every API, such as a sandbox serving them all [defaults: {}]",
        defaults.join("; ")
    )
}

fn global_args_unheaded(spec: &Spec) -> Vec<Arg> {
    let uid_env = spec
        .main_service()
        .auth
        .iter()
        .find(|a| !a.secret)
        .map(|a| a.env.as_str())
        .unwrap_or("IPIDEA_UID");
    vec![
        Arg::new("base-url")
            .long("base-url")
            .global(true)
            .value_name("URL")
            .help(base_url_help(spec)),
        Arg::new("uid")
            .long("uid")
            .global(true)
            .env(uid_env.to_owned())
            .value_name("UID")
            .help("Account id"),
        Arg::new("appkey-file")
            .long("appkey-file")
            .global(true)
            .value_name("FILE")
            .help("Read the appkey from this file (else IPIDEA_APPKEY, else a prompt)"),
        Arg::new("json")
            .long("json")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Print the call's data as JSON, every field kept"),
        Arg::new("utc")
            .long("utc")
            .global(true)
            .action(ArgAction::SetTrue)
            .help(
                "Show timestamps in UTC, not local time (the TZ variable, else the system's zone); \
                 --json output is the API's data as sent either way",
            ),
        Arg::new("all")
            .long("all")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("On list commands: fetch every page"),
        Arg::new("sandbox")
            .long("sandbox")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Run against an embedded sandbox instead of the real API; nothing is spent"),
        Arg::new("sandbox-drift")
            .long("sandbox-drift")
            .global(true)
            .value_name("KINDS")
            .requires("sandbox")
            .value_parser(|text: &str| text.parse::<ipidea_sandbox::DriftSet>())
            .help(
                "With --sandbox: make its answers drift from the spec (all, or unknown-field, \
                 unknown-enum, null, bad-type, untyped-shape joined with `,`), to see what \
                 `spec verify` and drift reporting do",
            ),
        Arg::new("yes")
            .long("yes")
            .short('y')
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Do not ask before commands that spend money or change the whitelist"),
        Arg::new("timeout")
            .long("timeout")
            .global(true)
            .value_name("SECONDS")
            .value_parser(clap::value_parser!(u64).range(1..))
            .help("Time allowed for each call [default: 30]"),
        Arg::new("min-interval")
            .long("min-interval")
            .global(true)
            .value_name("SECONDS")
            .value_parser(parse_interval)
            .help(
                "Wait at least this long between the starts of two calls, as users of this API \
                 do (2 to 5 s); calls go one at a time either way [default: 0; spec verify: 2, \
                 or 0 against --sandbox or this machine]",
            ),
        Arg::new("verbose")
            .long("verbose")
            .short('v')
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Print the request and the envelope on stderr (never the appkey)"),
    ]
}

/// The subcommand name of an endpoint: `isp_order_list` -> `isp-order-list`.
pub fn command_name(endpoint: &Endpoint) -> String {
    crate::names::command_of(&endpoint.name)
}

/// The flag of a field: `renew_ip_list` -> `renew-ip-list`.
pub fn flag_name(field: &Field) -> String {
    crate::names::flag_of(&field.name)
}

/// What a command does to the account, for its `--help`: from the spec's `changes` and
/// `idempotent`.
fn effect_help(endpoint: &Endpoint) -> &'static str {
    match (endpoint.changes, endpoint.idempotent) {
        (Changes::Nothing, _) => "Read-only; retried after transient failures.",
        (Changes::Money, _) => {
            "Spends money: shows what will be bought and asks first (--yes skips the question). Sent exactly once, never retried."
        }
        (Changes::Whitelist | Changes::Settings, false) => {
            "Changes the account (spends nothing): shows what will be sent and asks first (--yes skips the question). Sent exactly once, never retried."
        }
        (Changes::Whitelist | Changes::Settings, true) => {
            "Changes the account (spends nothing): shows what will be sent and asks first (--yes skips the question). Retried after transient failures."
        }
    }
}

fn endpoint_command(spec: &'static Spec, endpoint: &'static Endpoint) -> Command {
    // An endpoint no vendor page documents says so first, and where it comes from.
    let short = match &endpoint.unverified {
        Some(_) => format!("[unverified] {}", endpoint.doc.en),
        None => endpoint.doc.en.clone(),
    };
    let mut about = vec![short.clone()];
    if let Some(zh) = &endpoint.doc.zh {
        about.push(format!("Vendor: {zh}"));
    }
    if let Some(source) = &endpoint.unverified {
        about.push(format!("Unverified: {source}"));
    }
    about.push(format!(
        "Sends `{} {}`.",
        endpoint.method.name(),
        endpoint.url_path
    ));
    about.push(effect_help(endpoint).to_owned());
    let args = endpoint
        .request
        .iter()
        .map(|field| field_arg(spec, endpoint, field));
    Command::new(command_name(endpoint))
        .about(short)
        .long_about(about.join("\n\n"))
        .args(args)
        .args(crate::threshold::args(endpoint))
}

fn field_arg(spec: &'static Spec, endpoint: &'static Endpoint, field: &'static Field) -> Arg {
    let flag = flag_name(field);
    let mut help = field.doc.en.clone();
    if let Some(zh) = &field.doc.zh {
        help.push_str(&format!(" (vendor: {zh})"));
    }
    match &field.ty {
        TypeRef::Csv(_) => help.push_str(" Several are joined with `,`."),
        TypeRef::Scalar(ipidea_spec::Scalar::Date) => help.push_str(" As 2022-05-01 or 2022-5-1."),
        TypeRef::Scalar(ipidea_spec::Scalar::Timestamp) => help.push_str(&format!(
            " As a date (2022-06-30: that day's start, midnight {}, as the API counts \
             days), an RFC 3339 time or unix seconds.",
            spec.api.utc_offset
        )),
        _ => {}
    }
    if let Some(example) = &field.example {
        let example = example
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| example.to_string());
        help.push_str(&format!(" Example: {example}"));
    }
    let paging = endpoint
        .paging
        .as_ref()
        .is_some_and(|p| p.page == field.name);
    if paging {
        help.push_str(" (with --all: the first page)");
    }
    let arg = Arg::new(field.name.clone())
        .long(flag)
        .value_name(naming::snake(&field.name).to_uppercase())
        .required(field.required)
        .help(help);
    let arg = match enum_values(spec, &field.ty) {
        Some(values) => {
            let aliases: Vec<String> = values
                .iter()
                .map(|v| naming::variant(&v.value, v.name.as_deref()).to_lowercase())
                .filter(|alias| values.iter().all(|v| &v.value != alias))
                .collect();
            if aliases.is_empty() {
                arg
            } else {
                let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
                arg.help(format!("{help} Also by name: {}.", aliases.join(", ")))
            }
        }
        None => arg,
    };
    match enum_values(spec, &field.ty) {
        Some(values) => {
            let possible = values.iter().map(|value| {
                let variant = naming::variant(&value.value, value.name.as_deref()).to_lowercase();
                let mut possible =
                    PossibleValue::new(value.value.clone()).help(value.doc.en.clone());
                if variant != value.value {
                    possible = possible.alias(variant);
                }
                possible
            });
            // clap matches aliases but returns what was typed: map it to the wire value.
            let canonical = move |typed: String| {
                values
                    .iter()
                    .find(|v| {
                        v.value == typed
                            || naming::variant(&v.value, v.name.as_deref())
                                .eq_ignore_ascii_case(&typed)
                    })
                    .map_or(typed, |v| v.value.clone())
            };
            arg.value_parser(PossibleValuesParser::new(possible).map(canonical))
        }
        None => arg.value_parser(move |text: &str| fields::to_wire(spec, field, text)),
    }
}

/// The values of an enum field, where the field is one.
pub fn enum_values<'a>(spec: &'a Spec, ty: &TypeRef) -> Option<&'a [EnumValue]> {
    let TypeRef::Named(name) = ty else {
        return None;
    };
    match &spec.type_def(name)?.kind {
        TypeKind::Enum { values, .. } => Some(values),
        _ => None,
    }
}

/// A `--min-interval`: seconds, whole or decimal, from 0 up to an hour.
fn parse_interval(text: &str) -> Result<std::time::Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !(0.0..=3600.0).contains(&seconds) {
        return Err(format!("`{text}` is not between 0 and 3600 seconds"));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}
