// Every request type of the IPIDEA client, built with `new` and its setters, and sent through the
// generic `Client::send`. The futures are created but not awaited, so nothing goes on the wire.
use std::marker::PhantomData;
use std::net::IpAddr;

use ipidea::chrono::NaiveDate;
use ipidea::*;

fn data_of<R: ApiRequest>(_: &R) -> PhantomData<R::Data> {
    PhantomData
}

async fn send_every_request(client: &Client) {
    let ips: Vec<IpAddr> = vec![
        "156.237.6.97".parse().unwrap(),
        "156.237.6.98".parse().unwrap(),
    ];
    let from = NaiveDate::from_ymd_opt(2022, 5, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2022, 5, 31).unwrap();

    let isp_open = IspIpOpenRequest::new("hk", IspDuration::Weekly, 1)
        .remark("test")
        .pool_tag(PoolTag::Channel1);
    let _: PhantomData<OrderCreated> = data_of(&isp_open);
    let _ = client.send(&isp_open);

    let isp_renew = IspIpRenewRequest::new(ips.clone(), IspDuration::Monthly).remark("test");
    let _: PhantomData<OrderCreated> = data_of(&isp_renew);
    let _ = client.send(&isp_renew);

    let isp_list = IspOrderListRequest::default()
        .order_id("2205211052185894")
        .start_time(from)
        .end_time(to)
        .pay_status(PayStatus::Paid)
        .page(1)
        .limit(15);
    let _: PhantomData<IspOrderPage> = data_of(&isp_list);
    let _ = client.send(&isp_list);

    let static_open = StaticIpOpenRequest::new("hk", DatacenterDuration::Week, 1)
        .remark("test")
        .pool_tag(PoolTag::Channel5);
    let _: PhantomData<OrderCreated> = data_of(&static_open);
    let _ = client.send(&static_open);

    let static_renew = StaticIpRenewRequest::new(ips, DatacenterDuration::Season);
    let _: PhantomData<OrderCreated> = data_of(&static_renew);
    let _ = client.send(&static_renew);

    let datacenter_list = DatacenterOrderListRequest::default().pay_status(PayStatus::Unpaid);
    let _: PhantomData<DatacenterOrderPage> = data_of(&datacenter_list);
    let _ = client.send(&datacenter_list);

    let flow_list = FlowOrderListRequest::default().start_time(from).limit(100);
    let _: PhantomData<FlowOrderPage> = data_of(&flow_list);
    let _ = client.send(&flow_list);
    let _: PageStream<FlowOrder> = client.flow_order_list_stream(flow_list);

    let mobile_list = MobileFlowOrderListRequest::default().order_id("2205211052185894");
    let _: PhantomData<FlowOrderPage> = data_of(&mobile_list);
    let _ = client.send(&mobile_list);
    let _: PageStream<FlowOrder> = client.mobile_flow_order_list_stream(mobile_list);
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::new("uid", "appkey")?;
    send_every_request(&client).await;
    Ok(())
}
