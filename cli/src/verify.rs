//! `ipidea spec verify`: calls every endpoint of a spec that is safe to call, with the user's
//! credentials, and compares each response with the spec; optionally writes what it learned
//! as a spec patch. The work is `ipidea_spec_tools::verify`'s; this module wires it to the
//! command line and the transport.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use ipidea::Transport;
use ipidea_spec::Spec;
use ipidea_spec_tools::verify::{
    self, FieldOverride, Flow, Outcome, Patch, PatchOptions, Planned, Report, Verdict,
};
use serde_json::{Value, json};

use crate::exit;
use crate::session::{self, usage};

/// The default `--min-interval` of verify against the real API: users of this API wait 2 to
/// 5 s between calls.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(2);

/// The `verify` subcommand of `spec`.
pub fn command() -> Command {
    Command::new("verify")
        .about(
            "Call every safe endpoint with your credentials and compare the responses with the \
             spec; write what differs as a spec patch",
        )
        .long_about(
            "Call every endpoint of the spec that is safe to call (`changes: nothing`: order \
             lists, the whitelist, the balance, usage records, traffic left) with your \
             credentials, once each, and compare each response with the spec: fields the spec \
             does not declare, values that do not fit their type even as leniently as the \
             client reads them, enum values it does not list, nulls where it allows none, and \
             the shape of records where it says `json`. Never an order, a renewal, a whitelist \
             change or a warning setting: endpoints that change anything are never called.\n\n\
             Request values: optional fields are left out; a list asks for page 1 of 5 items; \
             a required time range is the last 7 days; other required fields take the \
             endpoint's example. An endpoint with a required value that has none (`sub_id`) \
             is skipped and the report names the --field that supplies it.\n\n\
             Calls go one at a time, at least 2 s apart against the real API (--min-interval \
             changes it; 0 against --sandbox or a server on this machine). A refusal of the \
             first call (the credentials) stops it, printing the API's message; so does a \
             server that does not answer like the API. A call that fails on the way is \
             reported and the others still run.\n\n\
             The report shows keys, paths, kinds and type names, never a value of a response \
             (but an unknown enum value, a code, clipped), and never the appkey.",
        )
        .arg(
            Arg::new("spec")
                .long("spec")
                .value_name("FILE")
                .help("The spec to verify (default: the bundled spec)"),
        )
        .arg(
            Arg::new("field")
                .long("field")
                .value_name("ENDPOINT.FIELD=VALUE")
                .action(ArgAction::Append)
                .help(
                    "A request value for one endpoint, such as \
                     flow_proxy_account_use_record.sub_id=28670; repeat for several",
                ),
        )
        .arg(
            Arg::new("write-patch")
                .long("write-patch")
                .value_name("FILE")
                .help(
                    "Write the spec plus what was learned to FILE: unknown fields as nullable \
                     fields, unknown enum values as values, records seen where the spec says \
                     `json` as new record types (breaking); then print the spec diff's verdict",
                ),
        )
        .arg(
            Arg::new("mark-verified")
                .long("mark-verified")
                .action(ArgAction::SetTrue)
                .requires("write-patch")
                .help(
                    "With --write-patch: remove `unverified` from endpoints whose live response \
                     matched the spec",
                ),
        )
        .after_help(
            "With --json: one document with `spec`, `target`, `date`, `verdict`, `endpoints` \
             (each with `endpoint`, `status`, `confirmed`, `findings`, `notes`, `reason`), \
             `not_called`, `stopped`, `summary` and `patch`.\n\n\
             Exit codes:\n  \
             0  every call answered and matched the spec (skipped endpoints aside)\n  \
             2  usage error: a bad --field, a spec that does not load; nothing was sent\n  \
             3  the API refused the first call (the credentials), or a later one\n  \
             4  a call failed, the server is not the IPIDEA API, or no patch was written\n  \
             7  a live response differs from the spec (drift)",
        )
}

/// Runs `ipidea spec verify`, given the matches of `spec`; `bundled` is the spec the tool
/// carries.
pub fn run(bundled: &'static Spec, spec_matches: &ArgMatches) -> ExitCode {
    let Some(matches) = spec_matches.subcommand_matches("verify") else {
        return ExitCode::from(exit::USAGE);
    };
    let (spec, spec_text) = match matches.get_one::<String>("spec") {
        None => (bundled, ipidea_spec::BUNDLED.to_owned()),
        Some(file) => match load(file) {
            Some((spec, text)) => (spec, text),
            None => return ExitCode::from(exit::USAGE),
        },
    };
    let overrides = match overrides(spec, matches) {
        Ok(overrides) => overrides,
        Err(problem) => return usage(problem),
    };
    let today = ipidea::day_of(chrono::Utc::now(), spec.api.utc_offset.seconds());
    let planned = match verify::plan(spec, &overrides, today) {
        Ok(planned) => planned,
        Err(problem) => return usage(problem),
    };
    session::block_on(verify_all(spec, &spec_text, matches, planned, today))
}

/// Loads `--spec FILE`, printing its errors; the spec is kept for the rest of the run
/// (`described`), as the transport's descriptions need.
fn load(file: &str) -> Option<(&'static Spec, String)> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: cannot read the spec `{file}`: {error}");
            return None;
        }
    };
    match ipidea_spec::parse(file, &text) {
        Ok(spec) => match crate::described::keep_loaded(spec) {
            Ok(spec) => Some((spec, text)),
            Err(problem) => {
                eprintln!("error: {problem}");
                None
            }
        },
        Err(errors) => {
            for line in errors.lines() {
                eprintln!("{line}");
            }
            eprintln!("error: `{file}` does not load, so it cannot be verified");
            None
        }
    }
}

/// The `--field` values, each converted to its wire form as the endpoint commands' flags are.
fn overrides(spec: &Spec, matches: &ArgMatches) -> Result<Vec<FieldOverride>, String> {
    let mut overrides = Vec::new();
    for text in matches.get_many::<String>("field").into_iter().flatten() {
        let mut given: FieldOverride = text.parse().map_err(|e| format!("--field {e}"))?;
        let field = spec
            .endpoint(&given.endpoint)
            .and_then(|e| e.request.iter().find(|f| f.name == given.field));
        if let Some(field) = field {
            given.value = crate::fields::to_wire(spec, field, &given.value)
                .map_err(|e| format!("--field {}.{}: {e}", given.endpoint, given.field))?;
        }
        overrides.push(given);
    }
    Ok(overrides)
}

/// Verification in phases: the connection (target, pace, transport), the calls of the plan
/// into a report, the patch where asked, and the report printed.
async fn verify_all(
    spec: &'static Spec,
    spec_text: &str,
    matches: &ArgMatches,
    planned: Vec<Planned<'static>>,
    today: chrono::NaiveDate,
) -> ExitCode {
    let target = match session::target(matches).await {
        Ok(target) => target,
        Err(code) => return code,
    };
    let sandbox = target.sandbox.is_some();
    let interval = interval(
        matches.get_one::<Duration>("min-interval").copied(),
        sandbox,
        target.base_url.as_deref(),
    );
    let appkey = target.appkey.clone();
    let transport = match session::transport(
        spec,
        target.base_url.clone(),
        target.uid.clone(),
        target.appkey.clone(),
        matches.get_one::<u64>("timeout").copied(),
        ipidea::Pace::one_at_a_time().with_min_interval(interval),
    ) {
        Ok(transport) => transport,
        Err(error) => return usage(redact(&error.to_string(), &appkey)),
    };
    let json_output = matches.get_flag("json");
    let progress = !json_output && std::io::stderr().is_terminal();
    let report = call_all(spec, &transport, planned, today, progress).await;
    let mut code = match report.verdict() {
        Verdict::Clean => ExitCode::SUCCESS,
        Verdict::Drift => ExitCode::from(exit::DRIFT),
        Verdict::Refused | Verdict::SomeRefused => ExitCode::from(exit::REFUSED),
        Verdict::Unreachable | Verdict::SomeFailed => ExitCode::from(exit::FAILED),
    };
    let patch = match matches.get_one::<String>("write-patch") {
        Some(file) => {
            let options = PatchOptions {
                mark_verified: matches.get_flag("mark-verified"),
            };
            let written = written_patch(
                file,
                &appkey,
                write_patch(spec, spec_text, &report, options, file, &appkey),
            );
            if written.failed {
                code = ExitCode::from(exit::FAILED);
            }
            written
        }
        None => WrittenPatch::default(),
    };
    let shown_url = if sandbox {
        "the embedded sandbox".to_owned()
    } else {
        let main = spec.main_service();
        let from_env = main
            .base_url_env
            .as_deref()
            .and_then(|env| std::env::var(env).ok())
            .filter(|url| !url.trim().is_empty());
        without_userinfo(
            target
                .base_url
                .as_deref()
                .or(from_env.as_deref())
                .unwrap_or(&main.base_url),
        )
    };
    let shown = Shown {
        url: shown_url,
        today,
        interval,
        sandbox,
    };
    let text = if json_output {
        json_text(&report, &shown, patch.json)
    } else {
        plain_text(spec, &report, &shown, &patch.text)
    };
    print!("{}", redact(&text, &appkey));
    if let Some(stop) = &report.stopped {
        eprintln!("error: {}", redact(&stop.describe(), &appkey));
    }
    drop(target);
    code
}

/// Calls each endpoint of the plan once, in order, into a report; a stop of the report ends
/// the calls.
async fn call_all(
    spec: &'static Spec,
    transport: &Transport,
    planned: Vec<Planned<'static>>,
    today: chrono::NaiveDate,
    progress: bool,
) -> Report {
    let mut report = Report::new(spec, today);
    for step in planned {
        match step {
            Planned::Skip { endpoint, reason } => report.skip(endpoint, reason),
            Planned::Call {
                endpoint,
                fields,
                notes,
            } => {
                // The plan holds only endpoints that change nothing; this is the last line of defence.
                if !verify::is_safe(endpoint) {
                    continue;
                }
                if progress {
                    eprintln!("calling `{}`…", endpoint.name);
                }
                // The plan's endpoints are the spec's own.
                let Some(info) = crate::described::endpoint(spec, endpoint) else {
                    continue;
                };
                let result = transport.send_fields_untyped(info, &fields).await;
                if report.record(spec, endpoint, notes, outcome(result)) == Flow::Stop {
                    break;
                }
            }
        }
    }
    report
}

/// A patch written (or not) for the report: its section of the plain report, its part of the
/// JSON one, and whether writing it failed.
#[derive(Default)]
struct WrittenPatch {
    text: String,
    json: Value,
    failed: bool,
}

/// The report's parts of a patch written to `file`, or of the reason it was not.
fn written_patch(file: &str, appkey: &str, written: Result<Patch, String>) -> WrittenPatch {
    match written {
        Ok(patch) => WrittenPatch {
            text: patch_section(&patch, file),
            json: json!({
                "file": file,
                "learned": patch.learned,
                "left_out": patch.left_out,
                "diff": patch.diff.to_json(),
            }),
            failed: false,
        },
        Err(problem) => {
            eprintln!("error: {}", redact(&problem, appkey));
            WrittenPatch {
                text: String::new(),
                json: json!({"file": file, "error": problem}),
                failed: true,
            }
        }
    }
}

/// What the report's heading says about the run.
struct Shown {
    /// Where the calls went, without credentials.
    url: String,
    today: chrono::NaiveDate,
    interval: Duration,
    sandbox: bool,
}

/// The report as JSON, with where the calls went and the patch.
fn json_text(report: &Report, shown: &Shown, patch: Value) -> String {
    let mut document = report.to_json();
    document["target"] = Value::String(shown.url.clone());
    document["patch"] = patch;
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// The report as text: a heading of the run, the report, the patch's section.
fn plain_text(spec: &Spec, report: &Report, shown: &Shown, patch: &str) -> String {
    let pace = if shown.interval.is_zero() {
        "one call at a time".to_owned()
    } else {
        format!(
            "one call at a time, at least {} s apart",
            shown.interval.as_secs_f64()
        )
    };
    let mut text = format!(
        "spec verify: `{}` against {}, {} (the vendor's day); {pace}\n",
        spec.file,
        shown.url,
        shown.today.format("%Y-%m-%d"),
    );
    if shown.sandbox {
        text.push_str(
            "note: the sandbox is a fake of the API built from the spec; what it finds says \
             nothing about the live API\n",
        );
    }
    text.push_str(&report.render());
    text.push_str(patch);
    text
}

/// The interval between the starts of two calls: `--min-interval` where given, else none
/// against the sandbox or a server on this machine, else [`DEFAULT_INTERVAL`].
fn interval(given: Option<Duration>, sandbox: bool, base_url: Option<&str>) -> Duration {
    match given {
        Some(interval) => interval,
        None if sandbox || base_url.is_some_and(is_loopback) => Duration::ZERO,
        None => DEFAULT_INTERVAL,
    }
}

/// Builds the patch and writes it to `file`; `Err` says why not.
fn write_patch(
    spec: &Spec,
    spec_text: &str,
    report: &Report,
    options: PatchOptions,
    file: &str,
    appkey: &str,
) -> Result<Patch, String> {
    if let Some(stop) = &report.stopped {
        return Err(format!(
            "no patch written: verification stopped ({})",
            stop.describe()
        ));
    }
    let patch =
        verify::patch::build(spec, spec_text, report, options).map_err(|e| e.to_string())?;
    if !appkey.is_empty() && patch.text.contains(appkey) {
        return Err("no patch written: it would contain the appkey".to_owned());
    }
    std::fs::write(file, &patch.text)
        .map_err(|e| format!("cannot write the patch to `{file}`: {e}"))?;
    Ok(patch)
}

/// The end of the text report: what the patch learned, what it left out, and the spec diff.
fn patch_section(patch: &Patch, file: &str) -> String {
    let mut out = format!("\npatch: the spec plus what was learned, written to {file}\n");
    for line in &patch.learned {
        out.push_str(&format!("  learned: {line}\n"));
    }
    if patch.learned.is_empty() {
        out.push_str("  learned: nothing; the patch is the spec as it was\n");
    }
    for line in &patch.left_out {
        out.push_str(&format!("  left out: {line}\n"));
    }
    out.push_str("\nspec diff of the patch:\n");
    out.push_str(&crate::diff::render(&patch.diff));
    if patch.diff.is_breaking() {
        out.push_str(
            "note: records that replace `json` are breaking for code that reads those items or \
             that data as `serde_json::Value`; review them before release\n",
        );
    }
    out
}

/// How a call went, for the report; no body and no value of the response.
fn outcome(result: Result<ipidea::Response<Value>, ipidea::Error>) -> Outcome {
    match result {
        Ok(response) => Outcome::Answered(response.data),
        Err(ipidea::Error::Api { ret, msg, .. }) => Outcome::Refused { ret, msg },
        Err(ipidea::Error::Decode { message, .. }) => Outcome::NotTheApi(unquoted(&message)),
        Err(ipidea::Error::Status { status, .. }) => Outcome::Failed(format!("HTTP {status}")),
        Err(ipidea::Error::Timeout { after, .. }) => {
            Outcome::Failed(format!("no answer within {} s", after.as_secs_f64()))
        }
        Err(ipidea::Error::ResponseTooLarge { limit, .. }) => {
            Outcome::Failed(format!("a response larger than the {limit}-byte limit"))
        }
        Err(other) => Outcome::Failed(other.to_string()),
    }
}

/// `text` with the contents of every `"…"` and `` `…` `` left out: a parser's message may
/// quote the body it could not read.
fn unquoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open: Option<char> = None;
    for c in text.chars() {
        match open {
            Some(quote) if c == quote => {
                out.push('…');
                out.push(c);
                open = None;
            }
            Some(_) => {}
            None if c == '"' => {
                out.push(c);
                open = Some(c);
            }
            None => out.push(c),
        }
    }
    if open.is_some() {
        out.push('…');
    }
    out
}

/// Appkeys shorter than this are not looked for: they would match the report's own words
/// (the vendor's appkeys are 32 characters).
const REDACT_MIN_CHARS: usize = 8;

/// `text` with the appkey replaced, wherever a server may have echoed it, as it is and as a
/// JSON string writes it.
fn redact(text: &str, appkey: &str) -> String {
    if appkey.trim().chars().count() < REDACT_MIN_CHARS {
        return text.to_owned();
    }
    let mut text = text.replace(appkey, "[appkey]");
    let escaped = serde_json::to_string(appkey).unwrap_or_default();
    let escaped = escaped.trim_matches('"');
    if !escaped.is_empty() && escaped != appkey {
        text = text.replace(escaped, "[appkey]");
    }
    text
}

/// A base URL without `user:password@`.
fn without_userinfo(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if scheme.is_empty() {
        format!("{host}{path}")
    } else {
        format!("{scheme}://{host}{path}")
    }
}

/// Whether a base URL names this machine, where no pace is needed.
fn is_loopback(url: &str) -> bool {
    let plain = without_userinfo(url);
    let rest = plain.split_once("://").map_or(plain.as_str(), |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_urls_need_no_pace() {
        assert!(is_loopback("http://127.0.0.1:8080"));
        assert!(is_loopback("http://localhost/api"));
        assert!(is_loopback("http://[::1]:9000"));
        assert!(is_loopback("http://u:p@127.0.0.2"));
        assert!(!is_loopback("https://api.ipidea.net"));
        assert!(!is_loopback("http://10.0.0.1"));
    }

    #[test]
    fn the_real_api_is_paced_2_s_apart_unless_told_otherwise() {
        let secs = Duration::from_secs_f64;
        assert_eq!(interval(None, false, None), DEFAULT_INTERVAL);
        assert_eq!(
            interval(None, false, Some("https://api.ipidea.net")),
            secs(2.0)
        );
        assert_eq!(interval(None, true, None), Duration::ZERO);
        assert_eq!(
            interval(None, false, Some("http://127.0.0.1:9")),
            Duration::ZERO
        );
        assert_eq!(interval(Some(secs(5.0)), false, None), secs(5.0));
        assert_eq!(interval(Some(secs(0.5)), true, None), secs(0.5));
    }

    #[test]
    fn shown_urls_and_messages_hide_what_they_must() {
        assert_eq!(
            without_userinfo("https://u:secret@api.example/x"),
            "https://api.example/x"
        );
        assert_eq!(
            unquoted(r#"invalid type: string "abc", expected i64"#),
            r#"invalid type: string "…", expected i64"#
        );
        assert_eq!(
            redact("key k-1234567 refused", "k-1234567"),
            "key [appkey] refused"
        );
        assert_eq!(
            redact(r#"{"msg": "key k\"1234567 refused"}"#, "k\"1234567"),
            r#"{"msg": "key [appkey] refused"}"#
        );
        assert_eq!(redact("check the network", "k"), "check the network");
    }
}
