//! Every endpoint once, on the generated client.

use ipidea::{
    Client, DatacenterDuration, DatacenterOrderListRequest, FlowOrderListRequest, IspDuration,
    IspIpOpenRequest, IspIpRenewRequest, IspOrderListRequest, MobileFlowOrderListRequest,
    PayStatus, PoolTag, StaticIpOpenRequest, StaticIpRenewRequest,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("IPIDEA_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let client = Client::builder()
        .base_url(url)
        .credential("uid", "10001")
        .credential("appkey", "sandbox-appkey")
        .build()?;
    let show = |what: &str, result: String| println!("{what}: {result}");
    let open = IspIpOpenRequest::new("hk", IspDuration::Weekly, 1)
        .remark("test")
        .pool_tag(PoolTag::Channel1);
    show(
        "isp_ip_open",
        format!("{:?}", client.isp_ip_open(open).await),
    );
    let ips: [std::net::IpAddr; 1] = ["203.0.113.9".parse()?];
    show(
        "isp_ip_renew",
        format!(
            "{:?}",
            client
                .isp_ip_renew(IspIpRenewRequest::new(ips, IspDuration::Monthly))
                .await
        ),
    );
    show(
        "isp_order_list",
        format!(
            "{:?}",
            client.isp_order_list(IspOrderListRequest::default()).await
        ),
    );
    show(
        "static_ip_open",
        format!(
            "{:?}",
            client
                .static_ip_open(StaticIpOpenRequest::new("us", DatacenterDuration::Week, 1))
                .await
        ),
    );
    show(
        "static_ip_renew",
        format!(
            "{:?}",
            client
                .static_ip_renew(StaticIpRenewRequest::new(ips, DatacenterDuration::Month))
                .await
        ),
    );
    show(
        "datacenter_order_list",
        format!(
            "{:?}",
            client
                .datacenter_order_list(DatacenterOrderListRequest::default())
                .await
        ),
    );
    let paid = FlowOrderListRequest::default().pay_status(PayStatus::Paid);
    show(
        "flow_order_list",
        format!("{:?}", client.flow_order_list(paid).await.map(|p| p.total)),
    );
    let paid = MobileFlowOrderListRequest::default().pay_status(PayStatus::Paid);
    show(
        "mobile_flow_order_list",
        format!(
            "{:?}",
            client.mobile_flow_order_list(paid).await.map(|p| p.total)
        ),
    );
    Ok(())
}
