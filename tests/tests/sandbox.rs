//! The generated client against the sandbox: state, paging, refusals, for every endpoint.

mod common;

use std::net::IpAddr;

use futures_util::TryStreamExt;
use ipidea::rust_decimal::Decimal;
use ipidea::{
    BalanceLeftRequest, BalanceUseRecordRequest, Client, DatacenterDuration,
    DatacenterOrderListRequest, Error, FlowLeftRequest, FlowOrderListRequest, IspDuration,
    IspIpOpenRequest, IspIpRenewRequest, IspOrderListRequest, MobileFlowOrderListRequest,
    PayStatus, PoolTag, StaticIpOpenRequest, StaticIpRenewRequest, WhiteAddRequest,
    WhiteDelRequest, WhiteListRequest,
};
use ipidea_sandbox::Sandbox;

fn client(sandbox: &Sandbox) -> Client {
    common::sandbox_client(sandbox)
}

fn ips(order: &serde_json::Value) -> Vec<IpAddr> {
    order["ips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ip| ip.as_str().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn isp_orders_opened_and_renewed_appear_in_their_list() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let opened = client
        .isp_ip_open(
            IspIpOpenRequest::new("hk", IspDuration::Weekly, 2)
                .remark("测试")
                .pool_tag(PoolTag::Channel1),
        )
        .await
        .unwrap();
    assert_eq!(opened.order_id.len(), 16);
    let page = client
        .isp_order_list(IspOrderListRequest::default().order_id(opened.order_id.clone()))
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    let order = &page.items[0];
    assert_eq!(order["region"], "hk");
    let owned = ips(order);
    assert_eq!(owned.len(), 2);
    let renewed = client
        .isp_ip_renew(IspIpRenewRequest::new(owned, IspDuration::Monthly))
        .await
        .unwrap();
    let all = client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(all.total, 2);
    assert!(
        all.items
            .iter()
            .any(|o| o["order_id"] == renewed.order_id.as_str())
    );
    let datacenter = client
        .datacenter_order_list(DatacenterOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(datacenter.total, 0, "ISP orders stay in their own list");
}

#[tokio::test]
async fn datacenter_orders_opened_and_renewed_appear_in_their_list() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let opened = client
        .static_ip_open(StaticIpOpenRequest::new("us", DatacenterDuration::Month, 3))
        .await
        .unwrap();
    let page = client
        .datacenter_order_list(DatacenterOrderListRequest::default().pay_status(PayStatus::Paid))
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0]["order_id"], opened.order_id.as_str());
    let owned = ips(&page.items[0]);
    client
        .static_ip_renew(StaticIpRenewRequest::new(
            owned[..1].to_vec(),
            DatacenterDuration::Season,
        ))
        .await
        .unwrap();
    assert_eq!(
        client
            .datacenter_order_list(DatacenterOrderListRequest::default())
            .await
            .unwrap()
            .total,
        2
    );
    assert_eq!(
        client
            .isp_order_list(IspOrderListRequest::default())
            .await
            .unwrap()
            .total,
        0
    );
}

#[tokio::test]
async fn flow_orders_come_from_seed_data() {
    let sandbox = Sandbox::builder().demo_seed().start().await.unwrap();
    let client = client(&sandbox);
    let flow = client
        .flow_order_list(FlowOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(flow.total, 3);
    assert!(flow.items.iter().any(|o| o.money.to_string() == "150.00"));
    let unpaid = client
        .flow_order_list(FlowOrderListRequest::default().pay_status(PayStatus::Unpaid))
        .await
        .unwrap();
    assert_eq!(unpaid.total, 1);
    assert_eq!(unpaid.items[0].pay_time, None);
    let mobile = client
        .mobile_flow_order_list(MobileFlowOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(mobile.total, 2);
    // Each demo order is its own recharge, as real orders are.
    let mut recharges: Vec<u64> = (flow.items.iter().chain(&mobile.items))
        .map(|o| o.recharge_id)
        .collect();
    recharges.sort_unstable();
    recharges.dedup();
    assert_eq!(recharges.len(), 5, "recharge ids repeat: {recharges:?}");
    let june = FlowOrderListRequest::default()
        .start_time(ipidea::chrono::NaiveDate::from_ymd_opt(2022, 6, 1).unwrap())
        .end_time(ipidea::chrono::NaiveDate::from_ymd_opt(2022, 6, 30).unwrap());
    assert_eq!(client.flow_order_list(june).await.unwrap().total, 2);
}

#[tokio::test]
async fn paging_across_several_pages() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    for _ in 0..7 {
        client
            .isp_ip_open(IspIpOpenRequest::new("hk", IspDuration::Weekly, 1))
            .await
            .unwrap();
    }
    let page = client
        .isp_order_list(IspOrderListRequest::default().limit(3).page(3))
        .await
        .unwrap();
    assert_eq!(
        (page.total, page.per_page, page.current_page, page.last_page),
        (7, 3, 3, 3)
    );
    assert_eq!(page.items.len(), 1);
    // A stream that asks for the same page again would never end: give it ten seconds.
    let all: Vec<_> = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        client
            .isp_order_list_stream(IspOrderListRequest::default().limit(3))
            .try_collect(),
    )
    .await
    .expect("the stream ends after the last page")
    .unwrap();
    assert_eq!(all.len(), 7);
    let mut ids: Vec<_> = all
        .iter()
        .map(|o| o["order_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 7, "every order once");
    assert_eq!(sandbox.requests_seen("isp_order_list"), 1 + 3);
}

#[tokio::test]
async fn refusals_carry_the_sandbox_msg() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let stranger: IpAddr = "203.0.113.7".parse().unwrap();
    match client
        .isp_ip_renew(IspIpRenewRequest::new([stranger], IspDuration::Weekly))
        .await
        .unwrap_err()
    {
        Error::Api { msg, ret, .. } => {
            assert!(msg.contains("203.0.113.7"), "{msg}");
            assert_ne!(ret, 0);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let wrong = Client::builder()
        .credential("uid", sandbox.uid())
        .credential("appkey", "wrong")
        .base_url(sandbox.url())
        .build()
        .unwrap();
    match wrong
        .flow_order_list(FlowOrderListRequest::default())
        .await
        .unwrap_err()
    {
        Error::Api { msg, .. } => assert!(msg.contains("appkey"), "{msg}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn accounts_are_separate() {
    let sandbox = Sandbox::builder()
        .account("1", "k1")
        .account("2", "k2")
        .start()
        .await
        .unwrap();
    let as_user = |uid: &str, key: &str| {
        Client::builder()
            .credential("uid", uid)
            .credential("appkey", key)
            .base_url(sandbox.url())
            .build()
            .unwrap()
    };
    let first = as_user("1", "k1");
    let second = as_user("2", "k2");
    first
        .isp_ip_open(IspIpOpenRequest::new("hk", IspDuration::Weekly, 1))
        .await
        .unwrap();
    assert_eq!(
        first
            .isp_order_list(IspOrderListRequest::default())
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        second
            .isp_order_list(IspOrderListRequest::default())
            .await
            .unwrap()
            .total,
        0
    );
    let owned = ips(&first
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap()
        .items[0]);
    let error = second
        .isp_ip_renew(IspIpRenewRequest::new(owned, IspDuration::Weekly))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Api { .. }),
        "one account cannot renew another's IPs: {error:?}"
    );
}

#[tokio::test]
async fn whitelist_round_trip() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let first: IpAddr = "203.0.113.7".parse().unwrap();
    let second: IpAddr = "198.51.100.23".parse().unwrap();
    let before = ipidea::chrono::Utc::now().timestamp();
    client
        .white_add(WhiteAddRequest::new([first, second]))
        .await
        .unwrap();
    let list = client.white_list(WhiteListRequest::new()).await.unwrap();
    assert_eq!(list.white, 2);
    let listed: Vec<IpAddr> = list.lists.iter().map(|entry| entry.mark_ip).collect();
    assert_eq!(listed, [first, second]);
    assert!(
        list.lists
            .iter()
            .all(|e| e.updated_at.timestamp() >= before)
    );
    assert_eq!(sandbox.whitelist(sandbox.uid()), [first, second]);

    // Adding it again is refused, with the sandbox's message, and changes nothing.
    match client
        .white_add(WhiteAddRequest::new([first]))
        .await
        .unwrap_err()
    {
        Error::Api { ret, msg, .. } => {
            assert_ne!(ret, 0);
            assert_eq!(msg, "IP已存在: 203.0.113.7");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    client
        .white_del(WhiteDelRequest::new([first]))
        .await
        .unwrap();
    let list = client.white_list(WhiteListRequest::new()).await.unwrap();
    assert_eq!(list.white, 1);
    assert_eq!(list.lists[0].mark_ip, second);
    let error = client
        .white_del(WhiteDelRequest::new([first]))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api { msg, .. } if msg == "IP不存在: 203.0.113.7"),
        "{error:?}"
    );
}

#[tokio::test]
async fn balance_round_trip() {
    let sandbox = Sandbox::builder()
        .balance(ipidea_sandbox::DEFAULT_UID, Decimal::from(50))
        .demo_seed()
        .start()
        .await
        .unwrap();
    let client = client(&sandbox);
    let left = client
        .balance_left(BalanceLeftRequest::new())
        .await
        .unwrap();
    assert_eq!(left.balance_left, Decimal::from(50));
    let today = ipidea::vendor_day(ipidea::chrono::Utc::now());

    // Two weekly ISP IPs cost 20; a monthly datacenter IP 15; three more weekly ISP IPs (30)
    // are more than the 15 left.
    client
        .isp_ip_open(IspIpOpenRequest::new("hk", IspDuration::Weekly, 2))
        .await
        .unwrap();
    client
        .static_ip_open(StaticIpOpenRequest::new("us", DatacenterDuration::Month, 1))
        .await
        .unwrap();
    match client
        .isp_ip_open(IspIpOpenRequest::new("hk", IspDuration::Weekly, 3))
        .await
        .unwrap_err()
    {
        Error::Api { msg, ret, .. } => {
            assert_eq!(msg, "余额不足");
            assert_ne!(ret, 0);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let left = client
        .balance_left(BalanceLeftRequest::new())
        .await
        .unwrap();
    assert_eq!(left.balance_left, Decimal::from(15));
    let orders = client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(orders.total, 1, "the refused purchase made no order");

    // The day's use, on the vendor's day (from midnight UTC+8).
    let end = ipidea::vendor_day(ipidea::chrono::Utc::now());
    let records = client
        .balance_use_record(BalanceUseRecordRequest::new(
            ipidea::vendor_day_start(today),
            ipidea::vendor_day_start(end),
        ))
        .await
        .unwrap();
    let spent: Decimal = records.iter().map(|r| r.total_use_balance).sum();
    assert_eq!(spent, Decimal::from(35));
    if today == end {
        assert_eq!(records.len(), 1);
        let record = &records[0];
        assert_eq!(record.day, ipidea::vendor_day_start(today));
        assert_eq!(record.balance, Decimal::from(15));
        assert_eq!(record.isp_use, Decimal::from(20));
        // ISP money counts once, in `isp_use`: the product fields add up to the total.
        assert_eq!(record.static_house_order_use, Some(Decimal::ZERO));
        assert_eq!(record.static_order_user, Some(Decimal::from(15)));
        assert_eq!(record.total_use_flow, 0);
    }

    // The demo's paid dynamic residential traffic: 30000 + 100000 MB.
    let flow = client.flow_left(FlowLeftRequest::new()).await.unwrap();
    assert_eq!(flow.flow_left, Some(Decimal::from(130_000)));
}
