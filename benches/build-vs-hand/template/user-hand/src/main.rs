//! Every endpoint once, on the hand-written client.

use hand_client::{Client, DatacenterDuration, IspDuration, ListQuery, PayStatus, PoolTag};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("IPIDEA_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let client = Client::new(&url, "10001", "sandbox-appkey").map_err(|e| format!("{e:?}"))?;
    let show = |what: &str, result: String| println!("{what}: {result}");
    let isp = client
        .isp_ip_open(
            "hk",
            IspDuration::Weekly,
            1,
            Some("test"),
            Some(PoolTag::Channel1),
        )
        .await;
    show("isp_ip_open", format!("{isp:?}"));
    let ips = ["203.0.113.9".parse()?];
    show(
        "isp_ip_renew",
        format!(
            "{:?}",
            client.isp_ip_renew(&ips, IspDuration::Monthly, None).await
        ),
    );
    show(
        "isp_order_list",
        format!("{:?}", client.isp_order_list(&ListQuery::default()).await),
    );
    let dc = client
        .static_ip_open("us", DatacenterDuration::Week, 1, None, None)
        .await;
    show("static_ip_open", format!("{dc:?}"));
    show(
        "static_ip_renew",
        format!(
            "{:?}",
            client
                .static_ip_renew(&ips, DatacenterDuration::Month, None)
                .await
        ),
    );
    show(
        "datacenter_order_list",
        format!(
            "{:?}",
            client.datacenter_order_list(&ListQuery::default()).await
        ),
    );
    let paid = ListQuery {
        pay_status: Some(PayStatus::Paid),
        ..ListQuery::default()
    };
    show(
        "flow_order_list",
        format!("{:?}", client.flow_order_list(&paid).await.map(|p| p.total)),
    );
    show(
        "mobile_flow_order_list",
        format!(
            "{:?}",
            client.mobile_flow_order_list(&paid).await.map(|p| p.total)
        ),
    );
    Ok(())
}
