//! Each endpoint's request as it arrives on the wire, and the vendor's example response decoded
//! into the generated types.

mod common;

use std::net::IpAddr;
use std::str::FromStr;

use common::{check_request, client, example_request, server_for};
use ipidea::chrono::{DateTime, NaiveDate};
use ipidea::{
    DatacenterDuration, DatacenterOrderListRequest, Decimal, FlowOrderListRequest, IspDuration,
    IspIpOpenRequest, IspIpRenewRequest, IspOrderListRequest, MobileFlowOrderListRequest,
    PayStatus, PoolTag, StaticIpOpenRequest, StaticIpRenewRequest,
};

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn check_order_created(endpoint: &str, response: ipidea::Response<ipidea::OrderCreated>) {
    assert_eq!(response.order_id, "2309200344533229", "{endpoint}");
    assert_eq!(response.msg, "添加成功!");
    assert_eq!(response.code.as_deref(), Some("1"));
    assert_eq!(
        response.timestamp,
        DateTime::from_timestamp(1_695_195_894, 0)
    );
    assert!(response.data.extra.is_empty());
}

#[tokio::test]
async fn isp_ip_open_sends_the_vendor_example() {
    let server = server_for("isp_ip_open").await;
    let request = IspIpOpenRequest::new("hk", IspDuration::Weekly, 1)
        .remark("测试")
        .pool_tag(PoolTag::Channel1);
    let response = client(&server).isp_ip_open(request).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        check_request(&requests[0], "isp_ip_open").await,
        example_request("isp_ip_open")
    );
    check_order_created("isp_ip_open", response).await;
}

#[tokio::test]
async fn static_ip_open_sends_the_vendor_example() {
    let server = server_for("static_ip_open").await;
    let request = StaticIpOpenRequest::new("hk", DatacenterDuration::Week, 1)
        .remark("测试")
        .pool_tag(PoolTag::Channel1);
    let response = client(&server).static_ip_open(request).await.unwrap();
    let requests = server.requests();
    assert_eq!(
        check_request(&requests[0], "static_ip_open").await,
        example_request("static_ip_open")
    );
    check_order_created("static_ip_open", response).await;
}

#[tokio::test]
async fn isp_ip_renew_joins_the_ips_with_commas() {
    let server = server_for("isp_ip_renew").await;
    let request = IspIpRenewRequest::new(
        [ip("156.237.6.97"), ip("156.237.6.98")],
        IspDuration::Weekly,
    )
    .remark("测试");
    let response = client(&server).isp_ip_renew(request).await.unwrap();
    let requests = server.requests();
    assert_eq!(
        check_request(&requests[0], "isp_ip_renew").await,
        example_request("isp_ip_renew")
    );
    check_order_created("isp_ip_renew", response).await;
}

#[tokio::test]
async fn static_ip_renew_sends_the_vendor_example() {
    let server = server_for("static_ip_renew").await;
    let request = StaticIpRenewRequest::new(
        [ip("156.237.6.97"), ip("156.237.6.98")],
        DatacenterDuration::Week,
    )
    .remark("测试");
    let response = client(&server).static_ip_renew(request).await.unwrap();
    let requests = server.requests();
    assert_eq!(
        check_request(&requests[0], "static_ip_renew").await,
        example_request("static_ip_renew")
    );
    check_order_created("static_ip_renew", response).await;
}

/// The vendor's list example: every filter set, dates without zero padding, numbers as text.
macro_rules! vendor_list_request {
    ($request:ty) => {
        <$request>::default()
            .order_id("")
            .start_time(date(2022, 5, 1))
            .end_time(date(2022, 5, 31))
            .pay_status(PayStatus::Paid)
            .page(1)
            .limit(15)
    };
}

#[tokio::test]
async fn isp_order_list_sends_the_vendor_example() {
    let server = server_for("isp_order_list").await;
    let page = client(&server)
        .isp_order_list(vendor_list_request!(IspOrderListRequest))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(
        check_request(&requests[0], "isp_order_list").await,
        example_request("isp_order_list")
    );
    assert_eq!(
        (page.total, page.per_page, page.current_page, page.last_page),
        (0, 15, 1, 0)
    );
    assert!(page.items.is_empty());
    assert_eq!(page.timestamp, DateTime::from_timestamp(1_653_375_560, 0));
}

#[tokio::test]
async fn datacenter_order_list_sends_the_vendor_example() {
    let server = server_for("datacenter_order_list").await;
    let page = client(&server)
        .datacenter_order_list(vendor_list_request!(DatacenterOrderListRequest))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(
        check_request(&requests[0], "datacenter_order_list").await,
        example_request("datacenter_order_list")
    );
    assert_eq!(
        (page.total, page.per_page, page.current_page, page.last_page),
        (0, 15, 1, 0)
    );
}

#[tokio::test]
async fn unset_optional_fields_are_left_out() {
    let server = server_for("flow_order_list").await;
    client(&server)
        .flow_order_list(FlowOrderListRequest::default().limit(5))
        .await
        .unwrap();
    let fields = check_request(&server.requests()[0], "flow_order_list").await;
    assert_eq!(fields, vec![("limit".to_owned(), "5".to_owned())]);
}

/// Every field of the vendor's flow-order record, typed.
fn check_vendor_flow_page(page: &ipidea::Response<ipidea::FlowOrderPage>) {
    assert_eq!(
        (page.total, page.per_page, page.current_page, page.last_page),
        (2, 15, 1, 1)
    );
    assert_eq!(page.items.len(), 1);
    let order = &page.items[0];
    assert_eq!(order.recharge_id, 4055);
    assert_eq!(order.uid, 3716);
    assert_eq!(order.order_id, "2205211052185894");
    assert_eq!(order.money, Decimal::from_str("0.01").unwrap());
    assert_eq!(
        order.money.to_string(),
        "0.01",
        "money keeps its exact digits"
    );
    assert_eq!(order.pay_type, "13");
    assert_eq!(order.pay_status, PayStatus::Paid);
    assert_eq!(order.description, "全球HTTP-ipidea_wwwww-30000M流量-0.01元");
    assert_eq!(order.exec_data.value()["TYPE"], "CHARGE");
    assert_eq!(order.exec_data.value()["EXEC_DATA"]["VALUE"], 0.01);
    assert_eq!(
        order.created_at,
        DateTime::from_timestamp(1_653_101_538, 0).unwrap(),
        "string timestamp"
    );
    assert_eq!(
        order.updated_at,
        DateTime::from_timestamp(1_653_102_165, 0).unwrap()
    );
    assert_eq!(order.close_time, DateTime::from_timestamp(1_653_103_338, 0));
    assert_eq!(
        order.pay_time,
        DateTime::from_timestamp(1_653_102_165, 0),
        "number timestamp"
    );
    assert_eq!(order.coin, 30000);
    assert_eq!(order.mark, None);
    assert_eq!(order.creat_admin_id, None);
    assert_eq!(order.check_status, 0, "numeric string");
    assert_eq!(order.old_balance, 1_950_000_000);
    assert_eq!(order.new_balance, 31_950_000_000);
    assert_eq!(order.sign_time, None);
    assert_eq!(order.creat_admin, "");
    assert_eq!(order.pay_sn, "6L699932KB115191F");
    assert_eq!(order.worn, "0");
    assert_eq!(
        order.sub_expire_time,
        DateTime::from_timestamp(1_655_694_166, 0)
    );
    assert_eq!(order.new_all_flow, 32_050_000_000);
    assert_eq!(order.package_id, 568);
    assert_eq!(order.coupon_money, Decimal::ZERO);
    assert_eq!(order.pool_type, 0);
    assert!(
        order.extra.is_empty(),
        "the spec knows every vendor field: {:?}",
        order.extra
    );
}

#[tokio::test]
async fn flow_order_list_decodes_the_vendor_record() {
    let server = server_for("flow_order_list").await;
    let page = client(&server)
        .flow_order_list(vendor_list_request!(FlowOrderListRequest))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(
        check_request(&requests[0], "flow_order_list").await,
        example_request("flow_order_list")
    );
    check_vendor_flow_page(&page);
}

#[tokio::test]
async fn mobile_flow_order_list_decodes_the_vendor_record() {
    let server = server_for("mobile_flow_order_list").await;
    let page = client(&server)
        .mobile_flow_order_list(vendor_list_request!(MobileFlowOrderListRequest))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(
        check_request(&requests[0], "mobile_flow_order_list").await,
        example_request("mobile_flow_order_list")
    );
    check_vendor_flow_page(&page);
}

#[tokio::test]
async fn urlencoded_and_json_encodings_follow_the_spec() {
    // The bundled spec uses multipart everywhere; the user-crate test covers the other
    // encodings. Here: the date format is the vendor's, without zero padding.
    let server = server_for("flow_order_list").await;
    let request = FlowOrderListRequest::default().start_time(date(2022, 1, 9));
    client(&server).flow_order_list(request).await.unwrap();
    assert_eq!(
        server.requests()[0].field("start_time").await.as_deref(),
        Some("2022-1-9")
    );
}
