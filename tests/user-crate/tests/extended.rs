//! The crate's own client calls both its own endpoint and the vendor's.

use ipidea_tests::{RecordingServer, Reply};
use ipidea_user_crate::{Client, IpNoteAddRequest, IspDuration, IspIpOpenRequest, NoteKind};

fn client(server: &RecordingServer) -> Client {
    Client::builder()
        .credential("uid", "7")
        .credential("appkey", "k")
        .base_url(server.url())
        .build()
        .unwrap()
}

#[tokio::test]
async fn its_own_endpoint_is_sent_urlencoded_as_its_spec_says() {
    let server = RecordingServer::start().await;
    let request = IpNoteAddRequest::new("156.237.6.97".parse().unwrap(), NoteKind::Billing)
        .tags(["vip".to_owned(), "eu".to_owned()])
        .note("renew monthly");
    let response = client(&server).ip_note_add(request).await.unwrap();
    assert_eq!(response.data, ipidea::Empty);
    let recorded = &server.requests()[0];
    assert_eq!(recorded.path, "/api/open/ip_note_add");
    assert_eq!(
        recorded.content_type(),
        Some("application/x-www-form-urlencoded")
    );
    let fields = recorded.fields().await.unwrap();
    let expected = [
        ("uid", "7"),
        ("appkey", "k"),
        ("ip", "156.237.6.97"),
        ("type", "1"),
        ("tags", "vip,eu"),
        ("note", "renew monthly"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(fields, expected);
}

#[tokio::test]
async fn its_own_bounds_are_checked_before_sending() {
    let server = RecordingServer::start().await;
    let request =
        IpNoteAddRequest::new("::1".parse().unwrap(), NoteKind::Abuse).tags(["a,b".to_owned()]);
    let error = client(&server).ip_note_add(request).await.unwrap_err();
    assert!(
        matches!(error, ipidea::Error::InvalidInput { field: "tags", .. }),
        "{error:?}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_vendor_endpoints_come_along() {
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(
        r#"{"ret":0,"code":"1","msg":"ok","ret_data":{"order_id":"2309200344533229"}}"#,
    ));
    let order = client(&server)
        .isp_ip_open(IspIpOpenRequest::new("hk", IspDuration::Monthly, 2))
        .await
        .unwrap();
    assert_eq!(order.order_id, "2309200344533229");
    assert_eq!(
        server.requests()[0].field("duration").await.as_deref(),
        Some("monthly")
    );
}

#[test]
fn its_spec_is_the_bundled_one_plus_its_own_endpoint() {
    // `"extends": "ipidea"`: the vendor's part is the bundled spec itself, not a copy.
    let own = ipidea_spec::parse(
        "ipidea-plus-notes.json",
        include_str!("../ipidea-plus-notes.json"),
    )
    .unwrap();
    let bundled = ipidea_spec::bundled();
    assert_eq!(own.api, bundled.api);
    assert_eq!(
        own.endpoints[..bundled.endpoints.len()],
        bundled.endpoints[..]
    );
    assert_eq!(own.types[..bundled.types.len()], bundled.types[..]);
    let added: Vec<&str> = own.endpoints[bundled.endpoints.len()..]
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(added, ["ip_note_add"]);
}
