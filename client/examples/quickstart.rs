//! Lists your orders of every product line, read-only.
//!
//! ```text
//! IPIDEA_UID=... IPIDEA_APPKEY=... cargo run --example quickstart
//! ```
//!
//! Without credentials it says what to set and exits. It never buys or renews anything.

use std::process::ExitCode;

use ipidea::{
    Client, DatacenterOrderListRequest, FlowOrderListRequest, IspOrderListRequest,
    MobileFlowOrderListRequest,
};

#[tokio::main]
async fn main() -> ExitCode {
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("{error}");
            eprintln!();
            eprintln!(
                "Set IPIDEA_UID and IPIDEA_APPKEY (from the IPIDEA console) to list your orders:"
            );
            eprintln!("  IPIDEA_UID=12345 IPIDEA_APPKEY=... cargo run --example quickstart");
            return ExitCode::from(2);
        }
    };
    println!(
        "Listing orders at {} (read-only)",
        client.transport().base_url()
    );
    let mut failed = false;
    let mut report = |line: &str, result: Result<String, ipidea::Error>| match result {
        Ok(summary) => println!("{line:<28} {summary}"),
        Err(error) => {
            failed = true;
            println!("{line:<28} failed: {error}");
        }
    };
    let isp = client
        .isp_order_list(IspOrderListRequest::default().limit(5))
        .await;
    report(
        "static residential (ISP)",
        isp.map(|page| format!("{} orders", page.total)),
    );
    let dc = client
        .datacenter_order_list(DatacenterOrderListRequest::default().limit(5))
        .await;
    report(
        "datacenter",
        dc.map(|page| format!("{} orders", page.total)),
    );
    let flow = client
        .flow_order_list(FlowOrderListRequest::default().limit(5))
        .await;
    report(
        "dynamic residential traffic",
        flow.map(|page| summarize(&page)),
    );
    let mobile = client
        .mobile_flow_order_list(MobileFlowOrderListRequest::default().limit(5))
        .await;
    report(
        "dynamic mobile traffic",
        mobile.map(|page| summarize(&page)),
    );
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn summarize(page: &ipidea::FlowOrderPage) -> String {
    let mut text = format!("{} orders", page.total);
    for order in &page.items {
        text.push_str(&format!(
            "\n{:<28}   {} {} {} MB, {} yuan, {}",
            "",
            order.order_id,
            order.created_at.format("%Y-%m-%d"),
            order.coin,
            order.money,
            order.pay_status
        ));
    }
    text
}
