//! `ipidea gateway url`: a proxy URL for the account-and-password gateway, built with
//! `ipidea::gateway` from the zone, region, session and lifetime given.

use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use ipidea::Country;
use ipidea::gateway::{DEFAULT_GATEWAY_HOST, DEFAULT_GATEWAY_PORT, GATEWAY_PORTS, Gateway, Zone};

use crate::session::usage;

/// `gateway` and its subcommand `url`.
pub fn command() -> Command {
    let ports: Vec<String> = GATEWAY_PORTS.iter().map(u16::to_string).collect();
    Command::new("gateway")
        .about("The account-and-password gateway [unverified]")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("url")
                .about("Print a proxy URL for the gateway: zone, region, sticky session")
                .long_about(format!(
                    "Print a proxy URL for IPIDEA's account-and-password gateway, whose user \
                     name says the zone, the region and a sticky session \
                     (USER-zone-ZONE[-region-XX][-session-ID][-sessTime-MIN]). The password is \
                     masked unless --show-password.\n\n\
                     Unverified: no vendor page documents the gateway; the grammar is what \
                     public customer code agrees on. The default host is {DEFAULT_GATEWAY_HOST} \
                     and the default port {DEFAULT_GATEWAY_PORT}; customers use {} and sources \
                     disagree which is current: your console says which is yours.",
                    ports.join(", ")
                ))
                .arg(
                    Arg::new("user")
                        .long("user")
                        .env("IPIDEA_GATEWAY_USER")
                        .value_name("USER")
                        .required(true)
                        .help("The account's proxy user"),
                )
                .arg(
                    Arg::new("password-file")
                        .long("password-file")
                        .value_name("FILE")
                        .help("Read the proxy password from FILE (else IPIDEA_GATEWAY_PASSWORD)"),
                )
                .arg(
                    Arg::new("zone")
                        .long("zone")
                        .value_parser(["custom", "static"])
                        .default_value("custom")
                        .help("`custom` (rotating residential) or `static` (static residential)"),
                )
                .arg(
                    Arg::new("region")
                        .long("region")
                        .value_name("CC")
                        .value_parser(|text: &str| Country::new(text))
                        .help("The country, two letters; any without it"),
                )
                .arg(
                    Arg::new("session")
                        .long("session")
                        .value_name("ID")
                        .help("A sticky session with this id (6 to 15 letters or digits)"),
                )
                .arg(
                    Arg::new("sticky")
                        .long("sticky")
                        .action(ArgAction::SetTrue)
                        .conflicts_with("session")
                        .help("A sticky session with a fresh random id"),
                )
                .arg(
                    Arg::new("minutes")
                        .long("minutes")
                        .value_name("MIN")
                        .value_parser(value_parser!(u32))
                        .help("The sticky session's lifetime, 1 to 120 minutes"),
                )
                .arg(
                    Arg::new("host")
                        .long("host")
                        .default_value(DEFAULT_GATEWAY_HOST)
                        .help("The gateway host"),
                )
                .arg(
                    Arg::new("port")
                        .long("port")
                        .value_parser(value_parser!(u16))
                        .default_value(DEFAULT_GATEWAY_PORT.to_string())
                        .help("The gateway port"),
                )
                .arg(
                    Arg::new("show-password")
                        .long("show-password")
                        .action(ArgAction::SetTrue)
                        .help("Print the password in the URL instead of `****`"),
                ),
        )
}

/// Runs `gateway url`.
pub fn run(matches: &ArgMatches) -> ExitCode {
    let Some(("url", matches)) = matches.subcommand() else {
        return ExitCode::from(crate::exit::USAGE);
    };
    match url(matches) {
        Ok(url) => {
            println!("{url}");
            ExitCode::SUCCESS
        }
        Err(message) => usage(message),
    }
}

fn url(matches: &ArgMatches) -> Result<String, String> {
    let text = |name: &str| matches.get_one::<String>(name).cloned().unwrap_or_default();
    let password = password(matches)?;
    let gateway = Gateway::new(text("user"), password)
        .map_err(|e| e.to_string())?
        .host(text("host"))
        .port(
            matches
                .get_one::<u16>("port")
                .copied()
                .unwrap_or(DEFAULT_GATEWAY_PORT),
        );
    let zone = if text("zone") == "static" {
        Zone::Static
    } else {
        Zone::Custom
    };
    let mut route = gateway.route().zone(zone);
    if let Some(region) = matches.get_one::<Country>("region") {
        route = route.region(*region);
    }
    if let Some(id) = matches.get_one::<String>("session") {
        route = route.session(id.clone());
    }
    if matches.get_flag("sticky") {
        route = route.sticky();
    }
    if let Some(minutes) = matches.get_one::<u32>("minutes") {
        route = route.minutes(*minutes);
    }
    let route = route.build().map_err(|e| e.to_string())?;
    Ok(if matches.get_flag("show-password") {
        route.url().expose()
    } else {
        route.url().to_string()
    })
}

/// The proxy password: from `--password-file`, else `IPIDEA_GATEWAY_PASSWORD`; never a flag.
fn password(matches: &ArgMatches) -> Result<String, String> {
    if let Some(file) = matches.get_one::<String>("password-file") {
        return match std::fs::read_to_string(file) {
            Ok(text) if !text.trim().is_empty() => Ok(text.trim().to_owned()),
            Ok(_) => Err(format!("the password file `{file}` is empty")),
            Err(error) => Err(format!("cannot read the password file `{file}`: {error}")),
        };
    }
    std::env::var("IPIDEA_GATEWAY_PASSWORD")
        .ok()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            "no gateway password: set IPIDEA_GATEWAY_PASSWORD or pass --password-file".to_owned()
        })
}
