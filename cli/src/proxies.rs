//! `ipidea proxies get`: proxies from the extraction API, one `ip:port` a line, as URLs, or as
//! JSON.
//!
//! It calls the generated client's `get_proxy_ip` (or `get_balance_proxy_ip`), so the request
//! is checked by the spec's bounds and types before anything is sent, and a refusal the spec
//! names (not whitelisted, traffic used up) comes with what to do about it.

use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
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
                .arg(
                    Arg::new("protocol")
                        .long("protocol")
                        .value_name("PROTOCOL")
                        .value_parser(
                            ProxyProtocol::ALL
                                .iter()
                                .map(|p| {
                                    clap::builder::PossibleValue::new(p.as_str())
                                        .help(p.description())
                                })
                                .collect::<Vec<_>>(),
                        )
                        .help("What the proxies speak [default: http]"),
                )
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
}

/// Runs `proxies get`.
pub fn run(spec: &'static Spec, matches: &ArgMatches) -> ExitCode {
    let Some(("get", matches)) = matches.subcommand() else {
        return ExitCode::from(exit::USAGE);
    };
    session::block_on(get(spec, matches))
}

async fn get(spec: &'static Spec, matches: &ArgMatches) -> ExitCode {
    let count = matches.get_one::<u32>("num").copied().unwrap_or(1);
    let protocol = matches
        .get_one::<String>("protocol")
        .map_or(ProxyProtocol::Http, |p| ProxyProtocol::from_wire(p));
    let scheme = protocol.as_str().to_owned();
    let protocol = || protocol.clone();
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
        let mut request = GetBalanceProxyIpRequest::new(count).protocol(protocol());
        if let Some(region) = region {
            request = request.regions(region);
        }
        client.get_balance_proxy_ip(request).await
    } else {
        let mut request = GetProxyIpRequest::new(count).protocol(protocol());
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
        println!("{}", json_text(&response, &scheme));
    } else {
        let url = matches.get_one::<String>("format").map(String::as_str) == Some("url");
        for proxy in response.iter() {
            if url {
                println!("{scheme}://{}", address(proxy));
            } else {
                println!("{}", address(proxy));
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

/// `ip:port`, with an IPv6 address in brackets.
fn address(proxy: &ExtractedProxy) -> String {
    match u16::try_from(proxy.port) {
        Ok(port) => std::net::SocketAddr::new(proxy.ip, port).to_string(),
        // Not a port; shown as sent rather than cut.
        Err(_) => format!("{}:{}", proxy.ip, proxy.port),
    }
}

/// The proxies as JSON: each item as the API sent it (unknown keys kept), with its URL, and
/// the envelope's unknown keys (such as `request_ip`) beside them.
fn json_text(response: &Response<Vec<ExtractedProxy>>, scheme: &str) -> String {
    let proxies: Vec<Value> = response
        .iter()
        .map(|proxy| {
            let mut item = serde_json::Map::new();
            item.insert("ip".into(), json!(proxy.ip.to_string()));
            item.insert("port".into(), json!(proxy.port));
            item.insert(
                "url".into(),
                json!(format!("{scheme}://{}", address(proxy))),
            );
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
