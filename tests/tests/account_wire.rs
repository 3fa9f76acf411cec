//! The account endpoints' requests as they arrive on the wire, next to the vendor's pages
//! (`whitelist.txt`, `balance.txt`), and the vendor's example responses decoded into the
//! generated types. The traffic endpoints have no vendor page: their tests show the fields the
//! public client the spec cites sends, and that an unknown response is kept whole.

mod common;

use std::net::IpAddr;

use common::{check_request, client, example_request, server_for};
use ipidea::chrono::{DateTime, NaiveDate};
use ipidea::{
    BalanceLeftRequest, BalanceProxyAccountUseRecordRequest, BalanceUseRecordRequest,
    BalanceWarningSetRequest, Decimal, FlowLeftRequest, FlowProxyAccountUseRecordRequest,
    FlowUseRecordRequest, FlowWarningSetRequest, WhiteAddRequest, WhiteDelRequest,
    WhiteListRequest, vendor_day_start,
};
use ipidea_tests::{RecordingServer, Reply};

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn day(y: i32, m: u32, d: u32) -> DateTime<ipidea::chrono::Utc> {
    vendor_day_start(NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn white_list_sends_no_fields_and_decodes_ips_and_times() {
    let server = server_for("white_list").await;
    let list = client(&server)
        .white_list(WhiteListRequest::default())
        .await
        .unwrap();
    let requests = server.requests();
    assert!(check_request(&requests[0], "white_list").await.is_empty());
    assert_eq!(list.white, 15);
    let entries: Vec<(IpAddr, i64)> = list
        .lists
        .iter()
        .map(|e| (e.mark_ip, e.updated_at.timestamp()))
        .collect();
    assert_eq!(
        entries,
        [
            (ip("106.110.97.78"), 1_648_029_184),
            (ip("114.114.114.114"), 1_653_370_603)
        ]
    );
}

#[tokio::test]
async fn white_add_and_white_del_send_the_vendor_example() {
    for endpoint in ["white_add", "white_del"] {
        let server = server_for(endpoint).await;
        let ips = [ip("114.114.114.114")];
        let response = match endpoint {
            "white_add" => client(&server).white_add(WhiteAddRequest::new(ips)).await,
            _ => client(&server).white_del(WhiteDelRequest::new(ips)).await,
        }
        .unwrap();
        assert_eq!(response.msg, "success");
        let requests = server.requests();
        assert_eq!(
            check_request(&requests[0], endpoint).await,
            example_request(endpoint),
            "{endpoint}"
        );
        assert_eq!(
            example_request(endpoint),
            pairs(&[("white_ips", "114.114.114.114")])
        );
    }
}

#[tokio::test]
async fn several_ips_are_joined_with_commas() {
    let server = server_for("white_add").await;
    client(&server)
        .white_add(WhiteAddRequest::new([ip("203.0.113.7"), ip("2001:db8::1")]))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(
        check_request(&requests[0], "white_add").await,
        pairs(&[("white_ips", "203.0.113.7,2001:db8::1")])
    );
}

#[tokio::test]
async fn an_empty_ip_list_is_refused_before_sending() {
    let server = server_for("white_add").await;
    let error = client(&server)
        .white_add(WhiteAddRequest::new(Vec::<IpAddr>::new()))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ipidea::Error::InvalidInput { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("white_ips"), "{error}");
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn balance_left_decodes_the_vendor_amount() {
    let server = server_for("balance_left").await;
    let left = client(&server)
        .balance_left(BalanceLeftRequest::default())
        .await
        .unwrap();
    assert!(
        check_request(&server.requests()[0], "balance_left")
            .await
            .is_empty()
    );
    assert_eq!(left.balance_left, Decimal::from(31_950));
}

#[tokio::test]
async fn balance_warning_set_sends_the_vendor_example() {
    let server = server_for("balance_warning_set").await;
    let request = BalanceWarningSetRequest::default()
        .phone("18888888888")
        .balance_upper_limit(Decimal::from(101))
        .operate(1)
        .status(1);
    client(&server).balance_warning_set(request).await.unwrap();
    assert_eq!(
        check_request(&server.requests()[0], "balance_warning_set").await,
        example_request("balance_warning_set")
    );
}

#[tokio::test]
async fn use_records_send_unix_seconds_of_days_in_utc_plus_8() {
    let server = server_for("balance_proxy_account_use_record").await;
    let request =
        BalanceProxyAccountUseRecordRequest::new(day(2022, 6, 30), day(2022, 7, 1), "28670");
    let records = client(&server)
        .balance_proxy_account_use_record(request)
        .await
        .unwrap();
    assert_eq!(
        check_request(&server.requests()[0], "balance_proxy_account_use_record").await,
        example_request("balance_proxy_account_use_record")
    );
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].account_id, 3_123_123);
    assert_eq!(records[0].day.timestamp(), 1_653_998_400);

    let server = server_for("balance_use_record").await;
    let one_day = day(2022, 5, 24);
    let records = client(&server)
        .balance_use_record(BalanceUseRecordRequest::new(one_day, one_day))
        .await
        .unwrap();
    assert_eq!(
        check_request(&server.requests()[0], "balance_use_record").await,
        example_request("balance_use_record")
    );
    assert_eq!(records[0].balance, Decimal::from(100));
    assert_eq!(records[0].static_house_order_use, Some(Decimal::ZERO));
}

#[tokio::test]
async fn a_range_that_ends_before_it_starts_is_refused_before_sending() {
    let server = server_for("balance_use_record").await;
    let error = client(&server)
        .balance_use_record(BalanceUseRecordRequest::new(
            day(2022, 7, 1),
            day(2022, 6, 30),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ipidea::Error::InvalidInput { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("end_time"), "{error}");
    assert!(server.requests().is_empty(), "nothing was sent");
}

/// A server answering `ret_data` with `data`.
async fn server_with(data: &str) -> RecordingServer {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(format!(
        r#"{{"ret": 0, "code": "1", "msg": "success", "ret_data": {data}, "timestamp": 1653372307}}"#
    )));
    server
}

#[tokio::test]
async fn flow_left_is_lenient_and_keeps_what_it_does_not_know() {
    let server = server_with(r#"{"flow_left": "1024.5", "flow_expire": 1700000000}"#).await;
    let left = client(&server)
        .flow_left(FlowLeftRequest::default())
        .await
        .unwrap();
    assert!(
        check_request(&server.requests()[0], "flow_left")
            .await
            .is_empty()
    );
    assert_eq!(left.flow_left, Some("1024.5".parse().unwrap()));
    assert_eq!(left.data.extra["flow_expire"], 1_700_000_000);

    // Another shape decodes too, with nothing lost.
    let server = server_with(r#"{"left": 3}"#).await;
    let left = client(&server)
        .flow_left(FlowLeftRequest::default())
        .await
        .unwrap();
    assert_eq!(left.flow_left, None);
    assert_eq!(left.data.extra["left"], 3);
}

#[tokio::test]
async fn the_traffic_calls_send_the_fields_of_the_public_client() {
    let server = server_with("[]").await;
    let client = client(&server);
    client
        .flow_warning_set(
            FlowWarningSetRequest::default()
                .phone("18888888888")
                .flow_upper_limit(Decimal::from(500))
                .operate(1)
                .status(1),
        )
        .await
        .unwrap();
    let kept = client
        .flow_use_record(FlowUseRecordRequest::new(day(2022, 6, 30), day(2022, 7, 1)))
        .await
        .unwrap();
    assert_eq!(kept.data, serde_json::json!([]), "kept as JSON");
    client
        .flow_proxy_account_use_record(FlowProxyAccountUseRecordRequest::new(
            day(2022, 6, 30),
            day(2022, 7, 1),
            "28670",
        ))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(
        check_request(&requests[0], "flow_warning_set").await,
        pairs(&[
            ("phone", "18888888888"),
            ("flow_upper_limit", "500"),
            ("operate", "1"),
            ("status", "1")
        ])
    );
    assert_eq!(
        check_request(&requests[1], "flow_use_record").await,
        pairs(&[("start_time", "1656518400"), ("end_time", "1656604800")])
    );
    assert_eq!(
        check_request(&requests[2], "flow_proxy_account_use_record").await,
        pairs(&[
            ("start_time", "1656518400"),
            ("end_time", "1656604800"),
            ("sub_id", "28670")
        ])
    );
}
