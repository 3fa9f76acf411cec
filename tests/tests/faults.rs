//! The fault matrix: every sandbox fault against a list call and a call that spends money.
//! Each cell checks the `Error` kind and how many requests the server saw.

use std::time::Duration;

use ipidea::{
    Client, DatacenterDuration, Error, IspDuration, IspIpOpenRequest, IspOrderListRequest,
    RetryPolicy, StaticIpOpenRequest,
};
use ipidea_sandbox::{Fault, Product, Sandbox};

const TIMEOUT: Duration = Duration::from_millis(400);

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .credential("uid", sandbox.uid())
        .credential("appkey", sandbox.appkey())
        .base_url(sandbox.url())
        .timeout(TIMEOUT)
        .retry_policy(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        })
        .build()
        .unwrap()
}

/// What a call ended in, as a short name that the table below uses.
fn kind(result: &Result<(), Error>) -> String {
    fn name(error: &Error) -> String {
        match error {
            Error::Api { .. } => "Api".into(),
            Error::Status { status, .. } => format!("Status({})", status.as_u16()),
            Error::Transport { .. } => "Transport".into(),
            Error::Timeout { .. } => "Timeout".into(),
            Error::Decode { .. } => "Decode".into(),
            Error::OutcomeUnknown { source, .. } => format!("OutcomeUnknown({})", name(source)),
            other => format!("{other:?}"),
        }
    }
    match result {
        Ok(()) => "Ok".into(),
        Err(error) => name(error),
    }
}

struct Row {
    fault: Fault,
    list: (&'static str, usize),
    order: (&'static str, usize),
}

fn matrix() -> Vec<Row> {
    let row = |fault, list, order| Row { fault, list, order };
    vec![
        row(
            Fault::Latency(Duration::from_millis(50)),
            ("Ok", 1),
            ("Ok", 1),
        ),
        row(
            Fault::Latency(Duration::from_millis(1500)),
            ("Timeout", 3),
            ("OutcomeUnknown(Timeout)", 1),
        ),
        row(
            Fault::Status(503),
            ("Status(503)", 3),
            ("OutcomeUnknown(Status(503))", 1),
        ),
        row(Fault::Status(429), ("Status(429)", 3), ("Status(429)", 1)),
        row(
            Fault::HtmlError,
            ("Status(500)", 3),
            ("OutcomeUnknown(Status(500))", 1),
        ),
        row(
            Fault::Truncated,
            ("Transport", 3),
            ("OutcomeUnknown(Transport)", 1),
        ),
        row(
            Fault::Drop,
            ("Transport", 3),
            ("OutcomeUnknown(Transport)", 1),
        ),
        row(
            Fault::Refuse {
                ret: 1001,
                msg: "余额不足".into(),
            },
            ("Api", 1),
            ("Api", 1),
        ),
        row(
            Fault::CommitThenDrop,
            ("Transport", 3),
            ("OutcomeUnknown(Transport)", 1),
        ),
    ]
}

#[tokio::test]
async fn every_fault_against_every_endpoint_kind() {
    let mut table = vec![
        "| fault | list call: error, requests | order: error, requests |".to_owned(),
        "|---|---|---|".to_owned(),
    ];
    for row in matrix() {
        let sandbox = Sandbox::start().await.unwrap();
        let client = client(&sandbox);
        sandbox.inject_always("isp_order_list", row.fault.clone());
        sandbox.inject_always("isp_ip_open", row.fault.clone());
        let list = client
            .isp_order_list(IspOrderListRequest::default())
            .await
            .map(drop);
        let order = client
            .isp_ip_open(IspIpOpenRequest::new("hk", IspDuration::Weekly, 1))
            .await
            .map(drop);
        let seen = (
            sandbox.requests_seen("isp_order_list"),
            sandbox.requests_seen("isp_ip_open"),
        );
        assert_eq!(
            (kind(&list).as_str(), seen.0),
            row.list,
            "list call under {}",
            row.fault
        );
        assert_eq!(
            (kind(&order).as_str(), seen.1),
            row.order,
            "order under {}",
            row.fault
        );
        // Under a fault that answers instead of the call, no order exists; under one that
        // commits, exactly one. A timed-out call may be either: that is what "unknown" means.
        let created = sandbox.orders(sandbox.uid(), Product::Isp).len();
        let expected = match &row.fault {
            Fault::CommitThenDrop => Some(1),
            Fault::Latency(delay) if *delay < TIMEOUT => Some(1),
            Fault::Latency(_) => None,
            _ => Some(0),
        };
        if let Some(expected) = expected {
            assert_eq!(created, expected, "orders created under {}", row.fault);
        }
        assert!(created <= 1, "never two orders for one call");
        table.push(format!(
            "| `{}` | {} x{} | {} x{} |",
            row.fault, row.list.0, row.list.1, row.order.0, row.order.1
        ));
    }
    println!("{}", table.join("\n"));
}

#[tokio::test]
async fn a_one_off_fault_on_a_list_is_absorbed_by_a_retry() {
    for fault in [
        Fault::Status(503),
        Fault::HtmlError,
        Fault::Truncated,
        Fault::Drop,
    ] {
        let sandbox = Sandbox::start().await.unwrap();
        sandbox.inject("flow_order_list", fault.clone());
        let page = client(&sandbox).flow_order_list(Default::default()).await;
        assert!(page.is_ok(), "{fault}: {page:?}");
        assert_eq!(sandbox.requests_seen("flow_order_list"), 2, "{fault}");
    }
}

#[tokio::test]
async fn reconcile_finds_the_order_a_lost_response_created() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    client
        .static_ip_open(StaticIpOpenRequest::new("us", DatacenterDuration::Week, 1))
        .await
        .unwrap();
    sandbox.inject("static_ip_open", Fault::CommitThenDrop);
    let error = client
        .static_ip_open(
            StaticIpOpenRequest::new("sg", DatacenterDuration::Month, 2).remark("batch 43"),
        )
        .await
        .unwrap_err();
    let Error::OutcomeUnknown { request: sent, .. } = error else {
        panic!("expected outcome unknown")
    };
    let orders = client.reconcile(&sent).await.unwrap();
    let ours: Vec<_> = orders
        .iter()
        .filter(|o| o["remark"] == sent.field("remark").unwrap())
        .collect();
    assert_eq!(ours.len(), 1, "the lost order is found: {orders:#?}");
    assert_eq!(ours[0]["region"], "sg");
    assert_eq!(
        orders.len(),
        2,
        "both of today's datacenter orders are candidates"
    );
    assert_eq!(
        sandbox.requests_seen("static_ip_open"),
        2,
        "the lost order was never sent again"
    );
    let list_request = sandbox.requests_seen("datacenter_order_list");
    assert_eq!(list_request, 1);
}

#[tokio::test]
async fn committed_but_lost_orders_are_found_by_listing() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    sandbox.inject("isp_ip_open", Fault::CommitThenDrop);
    let error = client
        .isp_ip_open(IspIpOpenRequest::new("hk", IspDuration::Weekly, 2).remark("batch 42"))
        .await
        .unwrap_err();
    let Error::OutcomeUnknown { request, .. } = error else {
        panic!("expected outcome unknown")
    };
    assert_eq!(request.field("remark"), Some("batch 42"));
    let page = client
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(
        page.total, 1,
        "the order exists although the client saw no answer"
    );
    assert_eq!(page.items[0]["remark"], "batch 42");
}
