//! The generated client against a sandbox that drifts from the spec on purpose
//! (`ipidea_sandbox::DriftKind`): the drift it tolerates decodes (unknown fields in `extra`, unknown
//! enum values as `Unknown`, shapes where the spec says `json`), and the drift it cannot is a
//! decode error naming the path the sandbox altered.

mod common;

use ipidea::{
    Client, Error, FlowOrderListRequest, IspOrderListRequest, PayStatus, WhiteListRequest,
};
use ipidea_sandbox::{DRIFT_FIELD, DriftKind, DriftSet, Sandbox};

fn client(sandbox: &Sandbox) -> Client {
    common::sandbox_client(sandbox)
}

async fn drifting(kinds: impl Into<DriftSet>) -> Sandbox {
    Sandbox::builder()
        .demo_seed()
        .drift(kinds)
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn unknown_fields_and_enum_values_still_decode() {
    let sandbox = drifting([DriftKind::UnknownField, DriftKind::UnknownEnum]).await;
    let client = client(&sandbox);
    let page = client
        .flow_order_list(FlowOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 3);
    for order in &page.items {
        assert_eq!(order.extra[DRIFT_FIELD], "x");
        assert_eq!(order.pay_status, PayStatus::Unknown("9".to_owned()));
    }
    assert!(page.data.extra.is_empty(), "a page is no record");
    let white = client
        .white_list(WhiteListRequest::default())
        .await
        .unwrap();
    assert_eq!(white.data.extra[DRIFT_FIELD], "x");
    assert!(white.extra.is_empty(), "the envelope is left alone");
    assert_eq!(white.lists.len(), 2);
    for entry in &white.lists {
        assert_eq!(entry.extra[DRIFT_FIELD], "x");
    }
    // Every alteration is one that the client kept: 3 orders with an unknown field and an
    // unknown enum value, 2 entries and the list with an unknown field.
    let applied = sandbox.drift_applied();
    assert_eq!(applied.len(), 9, "{applied:?}");
    assert_eq!(
        applied[1].to_string(),
        "flow_order_list: ret_data.data[0].sandbox_drift (unknown-field)"
    );
}

#[tokio::test]
async fn untyped_shapes_decode_as_json() {
    let sandbox = drifting(DriftKind::UntypedShape).await;
    let page = client(&sandbox)
        .isp_order_list(IspOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(page.total, 0);
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0]["name"], DRIFT_FIELD);
    assert_eq!(page.items[0]["id"], 4055);
}

#[tokio::test]
async fn null_and_bad_type_are_decode_errors_naming_the_drifted_path() {
    for kind in [DriftKind::Null, DriftKind::BadType] {
        let sandbox = drifting(kind).await;
        let client = client(&sandbox);
        let flow = client
            .flow_order_list(FlowOrderListRequest::default())
            .await
            .unwrap_err();
        let white = client
            .white_list(WhiteListRequest::default())
            .await
            .unwrap_err();
        let applied = sandbox.drift_applied();
        for (error, endpoint, path) in [
            (flow, "flow_order_list", "ret_data.data[0].recharge_id"),
            (white, "white_list", "ret_data.lists[0].mark_ip"),
        ] {
            // The first alteration of each answer is the first value the decoder trips on.
            let first = applied.iter().find(|a| a.endpoint == endpoint).unwrap();
            assert_eq!((first.path.as_str(), first.kind), (path, kind));
            match error {
                Error::Decode {
                    endpoint: decoded,
                    message,
                    body_excerpt,
                } => {
                    assert_eq!(decoded, endpoint);
                    assert!(message.contains(path), "{kind}: {message}");
                    assert!(body_excerpt.starts_with(r#"{"ret":0"#), "{body_excerpt}");
                    let field = path.rsplit('.').next().unwrap();
                    assert!(body_excerpt.contains(field), "{body_excerpt}");
                }
                other => panic!("{kind} on {endpoint}: expected a decode error, got {other:?}"),
            }
        }
    }
}
