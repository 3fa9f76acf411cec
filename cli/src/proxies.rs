//! `ipidea proxies get`: proxies from the extraction API, one `ip:port` a line, as URLs, or as
//! JSON.
//!
//! It calls the generated client's `get_proxy_ip` (or `get_balance_proxy_ip`), so the request
//! is checked by the spec's bounds and types before anything is sent, and a refusal the spec
//! names (not whitelisted, traffic used up) comes with what to do about it.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;
use std::time::Duration;

use futures_util::StreamExt;
use ipidea::reqwest;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use ipidea::pool::{proxy_address, proxy_url};
use ipidea::{Client, Country, ExtractedProxy, GetBalanceProxyIpRequest, GetProxyIpRequest};
use ipidea::{ProxyProtocol, Response};
use ipidea_spec::Spec;
use serde_json::{Value, json};

use crate::exit;
use crate::session::{self, Target, usage};

/// The most proxies one extraction asks for: the spec's bound on `num`.
fn max_count(spec: &Spec) -> u32 {
    spec.endpoint("get_proxy_ip")
        .and_then(|e| e.request.iter().find(|f| f.name == "num"))
        .and_then(|f| f.bounds.maximum)
        .and_then(|m| u32::try_from(m).ok())
        .unwrap_or(u32::MAX)
}

/// `proxies` and its subcommand `get`.
pub fn command(spec: &Spec) -> Command {
    let max = max_count(spec);
    Command::new("proxies")
        .about("Get proxies from the extraction API [unverified]")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("get")
                .about("Get proxies for this machine, which must be on the whitelist")
                .long_about(format!(
                    "Get proxies from the extraction API for this machine, whose public address \
                     must be on the account's whitelist (`ipidea whitelist sync <IP> \
                     --keep-others` adds it). Prints one `ip:port` a line, URLs with \
                     `--format url`, or JSON with `--json`.\n\n\
                     May spend: whether an extraction costs money or traffic is not documented, \
                     so it is sent once and never retried; after a failure past sending, the \
                     outcome is unknown.\n\n\
                     Unverified: no vendor page documents the extraction API; what this does \
                     rests on public customer code (see the spec's `apis.extraction`). It calls \
                     `get-proxy-ip` (`--balance`: `get-balance-proxy-ip`) on the extraction \
                     host, or on IPIDEA_EXTRACTION_URL, --base-url or --sandbox (which lists \
                     127.0.0.1 on its whitelist first; its proxies stop when the command \
                     ends). At most {max} a call: above that customers send another \
                     parameter, which this tool does not."
                ))
                .arg(
                    Arg::new("num")
                        .long("num")
                        .value_name("N")
                        .default_value("1")
                        .value_parser(value_parser!(u32).range(1..=i64::from(max)))
                        .help(format!("How many proxies, 1 to {max}")),
                )
                .arg(protocol_arg("protocol").help("What the proxies speak [default: http]"))
                .arg(
                    Arg::new("region")
                        .long("region")
                        .value_name("CC")
                        .value_parser(|text: &str| Country::new(text))
                        .help("The country, two letters (us, de); any country without it"),
                )
                .arg(
                    Arg::new("balance")
                        .long("balance")
                        .action(ArgAction::SetTrue)
                        .help("Pay from the account's balance (get-balance-proxy-ip)"),
                )
                .arg(
                    Arg::new("format")
                        .long("format")
                        .value_name("FORMAT")
                        .value_parser(["plain", "url"])
                        .default_value("plain")
                        .help("`plain`: ip:port; `url`: scheme://ip:port"),
                ),
        )
        .subcommand(
            Command::new("check")
                .about("Check proxies: each one's exit address, latency and status")
                .long_about(
                    "Check the proxies listed on stdin (one a line: `ip:port`, or a URL \
                     `http://ip:port`, `socks5://ip:port`; the output of `proxies get` fits): \
                     fetch an IP echo through each and show the exit address it sees, the \
                     latency and the status, in a table (`--json`: one document). Up to \
                     --parallel checks run at once; a progress bar shows on a terminal. Exits 4 \
                     when any proxy fails.",
                )
                .arg(
                    Arg::new("echo")
                        .long("echo")
                        .value_name("URL")
                        .default_value(DEFAULT_ECHO)
                        .help("The IP echo to fetch: it answers JSON with an `ip` key"),
                )
                .arg(
                    protocol_arg("check-protocol")
                        .default_value(ProxyProtocol::Http.as_str())
                        .help("What `ip:port` lines speak (the scheme of their URLs)"),
                )
                .arg(
                    Arg::new("check-timeout")
                        .long("check-timeout")
                        .value_name("SECONDS")
                        .value_parser(value_parser!(u64).range(1..=120))
                        .default_value("5")
                        .help("Time allowed for each check"),
                )
                .arg(
                    Arg::new("parallel")
                        .long("parallel")
                        .value_name("N")
                        .value_parser(value_parser!(u32).range(1..=256))
                        .default_value("16")
                        .help("Checks at once"),
                ),
        )
}

/// The IP echo customers check exit addresses with (6 public projects).
const DEFAULT_ECHO: &str = "https://ipinfo.ipidea.io";

/// Runs `proxies get` or `proxies check`.
pub fn run(spec: &'static Spec, matches: &ArgMatches) -> ExitCode {
    match matches.subcommand() {
        Some(("get", matches)) => session::block_on(get(spec, matches)),
        Some(("check", matches)) => session::block_on(check(matches)),
        _ => ExitCode::from(exit::USAGE),
    }
}

/// One proxy's check.
struct Checked {
    proxy: String,
    exit: Option<String>,
    latency: Duration,
    status: String,
}

/// `--protocol`: the spec's proxy protocols, whose wire values are the schemes of their URLs.
fn protocol_arg(id: &'static str) -> Arg {
    Arg::new(id)
        .long("protocol")
        .value_name("PROTOCOL")
        .value_parser(
            ProxyProtocol::ALL
                .iter()
                .map(|p| clap::builder::PossibleValue::new(p.as_str()).help(p.description()))
                .collect::<Vec<_>>(),
        )
}

async fn check(matches: &ArgMatches) -> ExitCode {
    let text = |name: &str| matches.get_one::<String>(name).cloned().unwrap_or_default();
    let (echo, scheme) = (text("echo"), text("check-protocol"));
    let timeout = Duration::from_secs(
        matches
            .get_one::<u64>("check-timeout")
            .copied()
            .unwrap_or(5),
    );
    let parallel = matches.get_one::<u32>("parallel").copied().unwrap_or(16) as usize;
    let mut input = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut input) {
        return usage(format!("cannot read the proxies from stdin: {error}"));
    }
    let mut urls = Vec::new();
    for line in input.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let url = if line.contains("://") {
            line.to_owned()
        } else {
            format!("{scheme}://{line}")
        };
        if let Err(error) = reqwest::Proxy::all(&url) {
            return usage(format!("`{line}` is not a proxy: {error}"));
        }
        urls.push(url);
    }
    if urls.is_empty() {
        return usage("no proxies on stdin: one `ip:port` or URL a line");
    }
    let progress = (std::io::stderr().is_terminal() && urls.len() > 1).then(|| {
        let bar = indicatif::ProgressBar::new(urls.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} checked")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let checks = urls.into_iter().map(|url| {
        let (echo, progress) = (echo.clone(), progress.clone());
        async move {
            let checked = check_one(url, &echo, timeout).await;
            if let Some(bar) = progress {
                bar.inc(1);
            }
            checked
        }
    });
    let results: Vec<Checked> = futures_util::stream::iter(checks)
        .buffered(parallel)
        .collect()
        .await;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let failed = results.iter().filter(|c| c.exit.is_none()).count();
    if matches.get_flag("json") {
        let items: Vec<Value> = results
            .iter()
            .map(|c| {
                json!({
                    "proxy": c.proxy,
                    "exit_ip": c.exit,
                    "latency_ms": c.latency.as_millis() as u64,
                    "status": c.status,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({"proxies": items, "failed": failed}))
                .unwrap_or_default()
        );
    } else {
        let mut table = comfy_table::Table::new();
        table.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
        table.set_header(["proxy", "exit ip", "latency", "status"]);
        for c in &results {
            table.add_row([
                c.proxy.clone(),
                c.exit.clone().unwrap_or_else(|| "-".to_owned()),
                format!("{} ms", c.latency.as_millis()),
                c.status.clone(),
            ]);
        }
        println!("{table}");
        println!("{} checked, {failed} failed", results.len());
    }
    if failed > 0 {
        ExitCode::from(exit::FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

/// Fetches `echo` through the proxy `url`, within `timeout`.
async fn check_one(url: String, echo: &str, timeout: Duration) -> Checked {
    let started = std::time::Instant::now();
    let failed = |status: String| Checked {
        proxy: url.clone(),
        exit: None,
        latency: started.elapsed(),
        status,
    };
    let http = match reqwest::Proxy::all(&url).and_then(|proxy| {
        reqwest::Client::builder()
            .proxy(proxy)
            .timeout(timeout)
            .build()
    }) {
        Ok(http) => http,
        Err(error) => return failed(format!("unusable: {error}")),
    };
    let response = match http.get(echo).send().await {
        Ok(response) => response,
        Err(error) if error.is_timeout() => return failed("timeout".to_owned()),
        Err(error) if error.is_connect() => return failed("refused".to_owned()),
        Err(_) => return failed("failed".to_owned()),
    };
    let status = response.status();
    let body: Result<Value, _> = response.json().await;
    match body {
        Ok(body) if status.is_success() => match body.get("ip").and_then(Value::as_str) {
            Some(ip) => Checked {
                proxy: url.clone(),
                exit: Some(ip.to_owned()),
                latency: started.elapsed(),
                status: "ok".to_owned(),
            },
            None => failed("no `ip` in the answer".to_owned()),
        },
        Ok(_) => failed(format!("HTTP {}", status.as_u16())),
        Err(_) if !status.is_success() => failed(format!("HTTP {}", status.as_u16())),
        Err(_) => failed("cut off or not JSON".to_owned()),
    }
}

async fn get(spec: &'static Spec, matches: &ArgMatches) -> ExitCode {
    let count = matches.get_one::<u32>("num").copied().unwrap_or(1);
    let protocol = matches
        .get_one::<String>("protocol")
        .map_or(ProxyProtocol::Http, |p| ProxyProtocol::from_wire(p));
    let region = matches.get_one::<Country>("region").copied();
    let target = match target(matches).await {
        Ok(target) => target,
        Err(code) => return code,
    };
    let client = match client(&target, matches) {
        Ok(client) => client,
        Err(error) => return usage(error),
    };
    if target.sandbox.is_some() {
        // The embedded sandbox starts with an empty whitelist: list this machine's loopback
        // address, the caller's there, as a user lists a server's address first.
        let local = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
        if let Err(error) = client
            .whitelist_sync([local], ipidea::SyncMode::KeepOthers)
            .await
        {
            eprintln!("error: {error}");
            return ExitCode::from(exit::FAILED);
        }
    }
    let extracted = if matches.get_flag("balance") {
        let mut request = GetBalanceProxyIpRequest::new(count).protocol(protocol.clone());
        if let Some(region) = region {
            request = request.regions(region);
        }
        client.get_balance_proxy_ip(request).await
    } else {
        let mut request = GetProxyIpRequest::new(count).protocol(protocol.clone());
        if let Some(region) = region {
            request = request.regions(region);
        }
        client.get_proxy_ip(request).await
    };
    let response = match extracted {
        Ok(response) => response,
        Err(error) => {
            crate::tell::report(spec, &error);
            return exit::of(&error);
        }
    };
    if matches.get_flag("json") {
        println!("{}", json_text(&response, &protocol));
    } else {
        let url = matches.get_one::<String>("format").map(String::as_str) == Some("url");
        for proxy in response.iter() {
            if url {
                println!("{}", proxy_url(&protocol, proxy));
            } else {
                println!("{}", proxy_address(proxy));
            }
        }
    }
    ExitCode::SUCCESS
}

/// Where calls go. The extraction API takes no credentials, so outside the sandbox they are
/// used where given and not asked for.
async fn target(matches: &ArgMatches) -> Result<Target, ExitCode> {
    if matches.get_flag("sandbox") {
        return session::target(matches).await;
    }
    let uid = matches
        .get_one::<String>("uid")
        .cloned()
        .unwrap_or_default();
    Ok(Target {
        sandbox: None,
        base_url: matches.get_one::<String>("base-url").cloned(),
        uid,
        appkey: String::new(),
    })
}

/// A client for the extraction API: without credentials, except in the embedded sandbox, where
/// they whitelist the caller first.
fn client(target: &Target, matches: &ArgMatches) -> Result<Client, ipidea::Error> {
    let mut builder = Client::builder().without_credentials();
    if target.sandbox.is_some() {
        let (uid, appkey) = (target.uid.clone(), target.appkey.clone());
        builder = builder.credential("uid", uid).credential("appkey", appkey);
    }
    builder = match &target.base_url {
        Some(url) => builder.base_url(url.clone()),
        None => builder.base_urls_from_env(),
    };
    if let Some(seconds) = matches.get_one::<u64>("timeout") {
        builder = builder.timeout(std::time::Duration::from_secs(*seconds));
    }
    builder.pace(session::pace(matches)).build()
}

/// The proxies as JSON: each item as the API sent it (unknown keys kept), with its URL, and
/// the envelope's unknown keys (such as `request_ip`) beside them.
fn json_text(response: &Response<Vec<ExtractedProxy>>, protocol: &ProxyProtocol) -> String {
    let proxies: Vec<Value> = response
        .iter()
        .map(|proxy| {
            let mut item = serde_json::Map::new();
            item.insert("ip".into(), json!(proxy.ip.to_string()));
            item.insert("port".into(), json!(proxy.port));
            item.insert("url".into(), json!(proxy_url(protocol, proxy)));
            for (key, value) in &proxy.extra {
                item.entry(key.clone()).or_insert_with(|| value.clone());
            }
            Value::Object(item)
        })
        .collect();
    let mut document = serde_json::Map::new();
    document.insert("proxies".into(), Value::Array(proxies));
    for (key, value) in &response.extra {
        document.entry(key.clone()).or_insert_with(|| value.clone());
    }
    serde_json::to_string_pretty(&Value::Object(document)).unwrap_or_default()
}
