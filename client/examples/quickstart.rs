//! The client end to end: whitelist the servers that will use the IPs, check the balance, then
//! buy, renew and list orders of every product line; then get proxies and send traffic through
//! them, and through the gateway with a sticky session.
//!
//! ```text
//! cargo run --example quickstart                      # against an embedded sandbox
//! IPIDEA_UID=... IPIDEA_APPKEY=... cargo run --example quickstart          # real API, read-only
//! IPIDEA_UID=... IPIDEA_APPKEY=... cargo run --example quickstart -- --buy # real API, spends money
//! ```
//!
//! Without credentials it starts the sandbox in-process: nothing to set up, nothing spent. The
//! proxies part runs against the sandbox only (an extraction may spend, and the gateway needs
//! your proxy password).
//! With `--buy` against the real API, `IPIDEA_WHITELIST=ip,ip` adds those IPs to the whitelist
//! (others stay); without it the whitelist is only shown.

use std::net::IpAddr;
use std::process::ExitCode;

use ipidea::gateway::Gateway;
use ipidea::reqwest;
use ipidea::{
    Client, Country, DatacenterDuration, DatacenterOrderListRequest, Decimal, Error,
    FlowOrderListRequest, GetProxyIpRequest, IspDuration, IspIpOpenRequest, IspIpRenewRequest,
    IspOrderListRequest, MobileFlowOrderListRequest, ProxyProtocol, StaticIpOpenRequest,
    StaticIpRenewRequest, SyncMode,
};
use ipidea_sandbox::Sandbox;

#[tokio::main]
async fn main() -> ExitCode {
    let buy = std::env::args().any(|a| a == "--buy");
    let has_credentials =
        std::env::var("IPIDEA_UID").is_ok() && std::env::var("IPIDEA_APPKEY").is_ok();
    let mut demo: Option<Sandbox> = None;
    let (client, spend) = if has_credentials {
        match Client::from_env() {
            Ok(client) => {
                let mode = if buy {
                    "buying and renewing: this spends money"
                } else {
                    "read-only; add `-- --buy` to buy and renew"
                };
                println!(
                    "Using the real API at {} ({mode})\n",
                    client.transport().base_url()
                );
                (client, buy)
            }
            Err(error) => return fail(error),
        }
    } else {
        let sandbox = match Sandbox::builder().demo_seed().start().await {
            Ok(sandbox) => sandbox,
            Err(error) => {
                eprintln!("cannot start the sandbox: {error}");
                return ExitCode::FAILURE;
            }
        };
        println!(
            "IPIDEA_UID and IPIDEA_APPKEY are not set: using an embedded sandbox at {}",
            sandbox.url()
        );
        println!("(set them to use your account; nothing here is spent)\n");
        let client = Client::builder()
            .credential("uid", sandbox.uid())
            .credential("appkey", sandbox.appkey())
            .base_url(sandbox.url())
            .build();
        demo = Some(sandbox);
        match client {
            Ok(client) => (client, true),
            Err(error) => return fail(error),
        }
    };
    let whitelist = if has_credentials {
        whitelist_from_env()
    } else {
        // Documentation addresses (RFC 5737), as a server of yours would be.
        vec![
            IpAddr::from([203, 0, 113, 7]),
            IpAddr::from([192, 0, 2, 10]),
        ]
    };
    let can_buy = match account(&client, spend, &whitelist).await {
        Ok(can_buy) => can_buy,
        Err(error) => return fail(error),
    };
    if spend && can_buy {
        if let Err(error) = buy_and_renew(&client).await {
            return fail(error);
        }
    }
    if let Err(error) = list_everything(&client).await {
        return fail(error);
    }
    match &demo {
        Some(sandbox) => match proxies(&client, sandbox).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
        None => ExitCode::SUCCESS,
    }
}

/// Proxies, as customers use them: whitelist this machine, extract five proxies and see five
/// exit addresses through them; then the gateway, where one sticky session keeps one address
/// and another session gets another.
async fn proxies(client: &Client, sandbox: &Sandbox) -> Result<(), Box<dyn std::error::Error>> {
    println!("\n== Proxies");
    let this_machine = IpAddr::from([127, 0, 0, 1]);
    client
        .whitelist_sync([this_machine], SyncMode::KeepOthers)
        .await?;
    println!("whitelisted this machine ({this_machine}) for the extraction API");
    let request = GetProxyIpRequest::new(5).regions(Country::new("us")?);
    let extracted = client.get_proxy_ip(request).await?;
    let mut exits = std::collections::HashSet::new();
    for proxy in extracted.iter() {
        let url = ipidea::pool::proxy_url(&ProxyProtocol::Http, proxy);
        let http = reqwest::Client::builder()
            .proxy(reqwest::Proxy::all(&url)?)
            .build()?;
        let exit = exit_address(&http, sandbox.echo_url()).await?;
        println!("{url} -> exit {exit}");
        exits.insert(exit);
    }
    if exits.len() != 5 {
        return Err(format!("five proxies, {} distinct exit addresses", exits.len()).into());
    }

    let address: std::net::SocketAddr = sandbox
        .gateway_url()
        .trim_start_matches("http://")
        .parse()?;
    let gateway = Gateway::new(sandbox.uid(), sandbox.gateway_password())?
        .host(address.ip().to_string())
        .port(address.port());
    let sticky = gateway.route().sticky().minutes(10).build()?;
    let other = gateway.route().sticky().build()?;
    let mut exits = Vec::new();
    for (route, call) in [
        (&sticky, "first call"),
        (&sticky, "second call"),
        (&other, "another session"),
    ] {
        let http = reqwest::Client::builder().proxy(route.proxy()?).build()?;
        let exit = exit_address(&http, sandbox.echo_url()).await?;
        println!(
            "gateway, session {} ({call}) -> exit {exit}",
            route.session().unwrap_or("none"),
        );
        exits.push(exit);
    }
    if exits[0] != exits[1] || exits[2] == exits[0] {
        return Err(format!("sticky session: {exits:?}; one address twice, then another").into());
    }
    println!("(proxy URL: {})", sticky.url());
    Ok(())
}

/// The address an IP echo (the vendor's `ipinfo.ipidea.io`, here the sandbox's) sees.
async fn exit_address(
    http: &reqwest::Client,
    echo: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let answer: serde_json::Value = http.get(echo).send().await?.json().await?;
    Ok(answer["ip"].as_str().unwrap_or("?").to_owned())
}

fn fail(error: Error) -> ExitCode {
    match &error {
        Error::Config(problem) => eprintln!("{problem}"),
        Error::OutcomeUnknown { request, .. } => {
            eprintln!("{error}");
            // Only the open and renew calls create orders; the whitelist sync reports its own.
            eprintln!(
                "The `{}` sent at {} may have taken effect: check (the order list, for an order) before retrying.",
                request.endpoint, request.sent_at
            );
        }
        other => eprintln!("{other}"),
    }
    ExitCode::FAILURE
}

/// The balance below which this example buys nothing. The vendor's page does not state the
/// balance's unit; set your own threshold from what your orders cost.
const MIN_BALANCE: i64 = 10;

/// The IPs of `IPIDEA_WHITELIST` (joined with `,`); unparsable ones are reported and skipped.
fn whitelist_from_env() -> Vec<IpAddr> {
    let text = std::env::var("IPIDEA_WHITELIST").unwrap_or_default();
    text.split(',')
        .map(str::trim)
        .filter(|ip| !ip.is_empty())
        .filter_map(|ip| match ip.parse() {
            Ok(ip) => Some(ip),
            Err(_) => {
                eprintln!("IPIDEA_WHITELIST: `{ip}` is not an IP address; skipped");
                None
            }
        })
        .collect()
}

/// Before buying: the servers that will use the IPs must be whitelisted, and the balance must
/// cover the purchase. Returns whether buying may go on.
async fn account(client: &Client, spend: bool, whitelist: &[IpAddr]) -> Result<bool, Error> {
    println!("== Account");
    if spend && !whitelist.is_empty() {
        // Adds what is missing, one IP per call, and keeps the IPs already listed.
        match client
            .whitelist_sync(whitelist.iter().copied(), SyncMode::KeepOthers)
            .await
        {
            Ok(done) if done.is_noop() => println!("whitelist: {} already listed", join(whitelist)),
            Ok(done) => println!("whitelist: added {}", join(&done.added)),
            Err(error) => {
                // Says exactly what was added before the failure, and whether running again
                // can converge (`error.rerun_may_help()`: not after a refusal by the API).
                eprintln!("{error}");
                return Err(error.source);
            }
        }
    }
    let listed = client.white_list(Default::default()).await?;
    let ips: Vec<IpAddr> = listed.lists.iter().map(|entry| entry.mark_ip).collect();
    println!(
        "whitelisted: {}",
        if ips.is_empty() {
            "none".to_owned()
        } else {
            join(&ips)
        }
    );

    let balance = client.balance_left(Default::default()).await?.balance_left;
    let enough = balance >= Decimal::from(MIN_BALANCE);
    println!(
        "balance left: {balance}{}\n",
        if enough {
            ""
        } else {
            " (below the minimum: buying nothing)"
        }
    );
    Ok(enough)
}

async fn buy_and_renew(client: &Client) -> Result<(), Error> {
    println!("== Buying");
    let isp = client
        .isp_ip_open(IspIpOpenRequest::new("hk", IspDuration::Weekly, 2).remark("quickstart"))
        .await?;
    println!(
        "static residential: 2 IPs in hk for a week   -> order {} ({})",
        isp.order_id, isp.msg
    );
    let dc = client
        .static_ip_open(
            StaticIpOpenRequest::new("us", DatacenterDuration::Week, 1).remark("quickstart"),
        )
        .await?;
    println!(
        "datacenter: 1 IP in us for a week            -> order {} ({})",
        dc.order_id, dc.msg
    );

    println!("\n== Renewing");
    let isp_ips = ips_of(
        client
            .isp_order_list(IspOrderListRequest::default().order_id(isp.order_id.clone()))
            .await?
            .items
            .first(),
    );
    let dc_ips = ips_of(
        client
            .datacenter_order_list(
                DatacenterOrderListRequest::default().order_id(dc.order_id.clone()),
            )
            .await?
            .items
            .first(),
    );
    if isp_ips.is_empty() || dc_ips.is_empty() {
        println!("(the order list does not show the IPs of new orders yet; renew them later)");
    } else {
        let renewed = client
            .isp_ip_renew(IspIpRenewRequest::new(
                isp_ips.clone(),
                IspDuration::Monthly,
            ))
            .await?;
        println!(
            "static residential {} for a month -> order {}",
            join(&isp_ips),
            renewed.order_id
        );
        let renewed = client
            .static_ip_renew(StaticIpRenewRequest::new(
                dc_ips.clone(),
                DatacenterDuration::Month,
            ))
            .await?;
        println!(
            "datacenter {} for a month            -> order {}",
            join(&dc_ips),
            renewed.order_id
        );
    }
    // A refusal carries the API's own message.
    match client
        .isp_ip_renew(IspIpRenewRequest::new(
            ["203.0.113.9".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))],
            IspDuration::Weekly,
        ))
        .await
    {
        Err(Error::Api { msg, .. }) => {
            println!("renewing an IP that is not ours is refused: {msg}")
        }
        Ok(order) => println!("renewed 203.0.113.9 -> order {}", order.order_id),
        Err(other) => return Err(other),
    }
    println!();
    Ok(())
}

/// The IPs of an order in an untyped order list (the vendor does not publish its shape; the
/// sandbox lists them under `ips`).
fn ips_of(order: Option<&serde_json::Value>) -> Vec<IpAddr> {
    let Some(ips) = order
        .and_then(|o| o.get("ips"))
        .and_then(|ips| ips.as_array())
    else {
        return Vec::new();
    };
    ips.iter()
        .filter_map(|ip| ip.as_str()?.parse().ok())
        .collect()
}

fn join(ips: &[IpAddr]) -> String {
    ips.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

async fn list_everything(client: &Client) -> Result<(), Error> {
    println!("== Orders");
    let isp = client
        .isp_order_list(IspOrderListRequest::default().limit(5))
        .await?;
    println!("static residential (ISP): {} orders", isp.total);
    for order in &isp.items {
        println!("  {}", untyped_summary(order));
    }
    let dc = client
        .datacenter_order_list(DatacenterOrderListRequest::default().limit(5))
        .await?;
    println!("datacenter: {} orders", dc.total);
    for order in &dc.items {
        println!("  {}", untyped_summary(order));
    }
    let flow = client
        .flow_order_list(FlowOrderListRequest::default().limit(5))
        .await?;
    println!("dynamic residential traffic: {} orders", flow.total);
    print_flow(&flow.items);
    let mobile = client
        .mobile_flow_order_list(MobileFlowOrderListRequest::default().limit(5))
        .await?;
    println!("dynamic mobile traffic: {} orders", mobile.total);
    print_flow(&mobile.items);
    Ok(())
}

fn untyped_summary(order: &serde_json::Value) -> String {
    let text = |key: &str| match order.get(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str())
            .collect::<Vec<_>>()
            .join(","),
        Some(other) => other.to_string(),
        None => "-".to_owned(),
    };
    format!(
        "{}  {:<6} {:<8} {} in {} ({})",
        text("order_id"),
        text("kind"),
        text("duration"),
        text("num"),
        text("region"),
        text("ips")
    )
}

fn print_flow(orders: &[ipidea::FlowOrder]) {
    for order in orders {
        println!(
            "  {}  {}  {:>7} MB  {:>7} yuan  {}",
            order.order_id,
            order.created_at.format("%Y-%m-%d"),
            order.coin,
            order.money,
            if order.pay_status == ipidea::PayStatus::Paid {
                "paid"
            } else {
                "unpaid"
            },
        );
    }
}
