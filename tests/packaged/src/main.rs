//! A user's program on the packaged `ipidea` crate: against a server given as
//! `IPIDEA_BASE_URL` (the `ipidea-sandbox` binary in CI) it whitelists its servers, checks the
//! balance, buys, renews, lists and pages, sees the balance spent, finds a SOCKS5 pool refused
//! without the `socks` feature, gets a typed refusal, and exits non-zero with the reason on
//! the first thing that is not as a user expects.

use std::net::IpAddr;
use std::process::ExitCode;

use futures_util::TryStreamExt;
use std::time::Duration;

use ipidea::{
    BalanceUseRecordRequest, Client, DatacenterDuration, DatacenterOrderListRequest, Decimal,
    Error, FlowOrderListRequest, IspDuration, IspIpOpenRequest, IspIpRenewRequest,
    IspOrderListRequest, MobileFlowOrderListRequest, Pace, PayStatus, StaticIpOpenRequest,
    StaticIpRenewRequest, SyncMode,
};

type Outcome = Result<(), String>;

fn expect(ok: bool, what: impl FnOnce() -> String) -> Outcome {
    if ok { Ok(()) } else { Err(what()) }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => {
            println!("packaged client: the order and account endpoints behaved as expected");
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("packaged client: {problem}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Outcome {
    let url = std::env::var("IPIDEA_BASE_URL").map_err(|_| "set IPIDEA_BASE_URL".to_owned())?;
    let client = Client::builder()
        .base_url(url)
        .credentials_from_env()
        .pace(Pace::one_at_a_time().with_min_interval(Duration::from_millis(5)))
        .build()
        .map_err(|e| format!("building the client: {e}"))?;
    let step = |what: &'static str| move |e: Error| format!("{what}: {e}");

    // Whitelist the servers that will use the IPs: exactly these two, then again (no change).
    let servers: [IpAddr; 2] = [[192, 0, 2, 10].into(), [192, 0, 2, 11].into()];
    let synced = client
        .whitelist_sync(servers, SyncMode::Exact)
        .await
        .map_err(|e| format!("whitelist_sync: {e}"))?;
    expect(synced.added == servers, || {
        format!("whitelist_sync added {:?}", synced.added)
    })?;
    let again = client
        .whitelist_sync(servers, SyncMode::Exact)
        .await
        .map_err(|e| format!("whitelist_sync again: {e}"))?;
    expect(again.is_noop(), || {
        format!("a second sync changed {again:?}")
    })?;
    let listed = client
        .white_list(Default::default())
        .await
        .map_err(step("white_list"))?;
    let listed: Vec<IpAddr> = listed.lists.iter().map(|entry| entry.mark_ip).collect();
    expect(listed == servers, || {
        format!("white_list shows {listed:?} after syncing {servers:?}")
    })?;
    println!("whitelisted: {listed:?} (removed {:?})", synced.removed);

    // The balance covers a purchase before one is made.
    let before = client
        .balance_left(Default::default())
        .await
        .map_err(step("balance_left"))?
        .balance_left;
    expect(before > Decimal::ZERO, || format!("balance left {before}"))?;

    // Buy on both product lines.
    let isp = client
        .isp_ip_open(IspIpOpenRequest::new("hk", IspDuration::Weekly, 2).remark("packaged"))
        .await
        .map_err(step("isp_ip_open"))?;
    expect(!isp.order_id.is_empty(), || {
        "isp_ip_open gave no order id".into()
    })?;
    let dc = client
        .static_ip_open(StaticIpOpenRequest::new("us", DatacenterDuration::Week, 1))
        .await
        .map_err(step("static_ip_open"))?;
    println!(
        "bought: ISP order {}, datacenter order {}",
        isp.order_id, dc.order_id
    );

    // Find them in the order lists, with their IPs.
    let isp_list = client
        .isp_order_list(IspOrderListRequest::default().order_id(isp.order_id.clone()))
        .await
        .map_err(step("isp_order_list"))?;
    let isp_ips = ips_of(isp_list.items.first());
    expect(isp_ips.len() == 2, || {
        format!("isp_order_list showed {isp_ips:?} for a 2-IP order")
    })?;
    let dc_list = client
        .datacenter_order_list(DatacenterOrderListRequest::default().order_id(dc.order_id.clone()))
        .await
        .map_err(step("datacenter_order_list"))?;
    let dc_ips = ips_of(dc_list.items.first());
    expect(dc_ips.len() == 1, || {
        format!("datacenter_order_list showed {dc_ips:?} for a 1-IP order")
    })?;

    // Renew what was bought.
    let renewed = client
        .isp_ip_renew(IspIpRenewRequest::new(isp_ips, IspDuration::Monthly))
        .await
        .map_err(step("isp_ip_renew"))?;
    let renewed_dc = client
        .static_ip_renew(StaticIpRenewRequest::new(dc_ips, DatacenterDuration::Month))
        .await
        .map_err(step("static_ip_renew"))?;
    println!(
        "renewed: orders {} and {}",
        renewed.order_id, renewed_dc.order_id
    );
    let isp_all: Vec<_> = client
        .isp_order_list_stream(IspOrderListRequest::default())
        .try_collect()
        .await
        .map_err(step("isp_order_list_stream"))?;
    expect(isp_all.len() == 2, || {
        format!("{} ISP orders after a buy and a renewal", isp_all.len())
    })?;

    // Page through the traffic orders, one at a time per page.
    let first = client
        .flow_order_list(FlowOrderListRequest::default().limit(1))
        .await
        .map_err(step("flow_order_list"))?;
    let every: Vec<_> = client
        .flow_order_list_stream(FlowOrderListRequest::default().limit(1))
        .try_collect()
        .await
        .map_err(step("flow_order_list_stream"))?;
    expect(
        first.total >= 2 && every.len() as u64 == first.total,
        || {
            format!(
                "{} traffic orders streamed page by page, the first page said {}",
                every.len(),
                first.total
            )
        },
    )?;
    let paid = client
        .mobile_flow_order_list(MobileFlowOrderListRequest::default().pay_status(PayStatus::Paid))
        .await
        .map_err(step("mobile_flow_order_list"))?;
    expect(
        paid.items.iter().all(|o| o.pay_status == PayStatus::Paid),
        || "mobile_flow_order_list with pay_status=1 listed an unpaid order".into(),
    )?;
    println!(
        "paged: {} traffic orders; {} paid mobile traffic orders",
        every.len(),
        paid.total
    );

    // The purchases and renewals spent the balance, and today's use record shows it.
    let after = client
        .balance_left(Default::default())
        .await
        .map_err(step("balance_left"))?
        .balance_left;
    let today = ipidea::vendor_day(ipidea::chrono::Utc::now());
    let start = ipidea::vendor_day_start(today);
    let records = client
        .balance_use_record(BalanceUseRecordRequest::new(start, start))
        .await
        .map_err(step("balance_use_record"))?;
    let spent: Decimal = records.iter().map(|r| r.total_use_balance).sum();
    expect(after < before && spent == before - after, || {
        format!("balance {before} -> {after}, but today's use record says {spent}")
    })?;
    println!("balance: {before} -> {after}, {spent} spent today");

    // Built without the `socks` feature, a pool of SOCKS5 proxies is refused, saying why.
    match ipidea::pool::ProxyPool::builder(client.clone())
        .protocol(ipidea::ProxyProtocol::Socks5)
        .build()
    {
        Err(ipidea::pool::PoolError::Config(why)) if why.contains("`socks` feature") => {
            println!("a SOCKS5 pool without the socks feature: {why}");
        }
        Ok(_) => return Err("a SOCKS5 pool was built without the socks feature".to_owned()),
        Err(other) => return Err(format!("a SOCKS5 pool without the socks feature: {other}")),
    }

    // An IP that is not ours: a typed refusal with the API's message.
    let stranger: IpAddr = [203, 0, 113, 9].into();
    match client
        .isp_ip_renew(IspIpRenewRequest::new([stranger], IspDuration::Weekly))
        .await
    {
        Err(Error::Api { ret, msg, .. }) => {
            println!("refused as expected: ret {ret}, {msg}");
            Ok(())
        }
        Ok(order) => Err(format!(
            "renewing {stranger} succeeded: order {}",
            order.order_id
        )),
        Err(other) => Err(format!(
            "renewing {stranger} failed without a refusal: {other}"
        )),
    }
}

/// The IPs of an order of an untyped order list (the sandbox lists them under `ips`).
fn ips_of(order: Option<&ipidea::serde_json::Value>) -> Vec<IpAddr> {
    order
        .and_then(|o| o.get("ips")?.as_array())
        .map(|ips| {
            ips.iter()
                .filter_map(|ip| ip.as_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}
