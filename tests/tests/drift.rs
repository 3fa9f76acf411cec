//! Drift in production: a response that needs more than the spec is reported, as `tracing`
//! events of the target `ipidea::drift` and to the `on_drift` callback, with the endpoint, the
//! JSON path and the kind, and never a value of the body.
//!
//! Each test answers a real call on loopback with a hand-written drifted body and captures both
//! channels. Alone in its binary, and every test sets its own subscriber: tracing caches per
//! call site whether anyone listens (see `tracing.rs`).

mod common;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::io::Write;
use std::sync::{Arc, Mutex};

use chrono::DateTime;
use common::{client, example_response};
use ipidea::{
    BalanceUseRecordRequest, Client, Drift, DriftKind, FlowLeftRequest, FlowOrderListRequest,
    PayStatus, WhiteListRequest,
};
use ipidea_tests::{RecordingServer, Reply};
use serde_json::{Value, json};
use tracing::field::{Field, Visit};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};

/// A value planted in drifted bodies; it must reach neither the events nor the callback.
const SECRET: &str = "sk_live_7f3a9c2e5b1d4806";

/// One captured event of the target `ipidea::drift`: its level and fields, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Event {
    level: tracing::Level,
    fields: BTreeMap<String, String>,
}

impl Event {
    fn finding(&self) -> (String, String, String) {
        let get = |name: &str| self.fields.get(name).cloned().unwrap_or_default();
        (get("endpoint"), get("path"), get("kind"))
    }
}

#[derive(Default)]
struct FieldText(BTreeMap<String, String>);

impl Visit for FieldText {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

/// Every event of the drift target, structured.
#[derive(Clone, Default)]
struct DriftEvents(Arc<Mutex<Vec<Event>>>);

impl<S: tracing::Subscriber> Layer<S> for DriftEvents {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != ipidea::DRIFT_TARGET {
            return;
        }
        let mut fields = FieldText::default();
        event.record(&mut fields);
        self.0.lock().unwrap().push(Event {
            level: *event.metadata().level(),
            fields: fields.0,
        });
    }
}

/// Everything traced, as the fmt subscriber writes it.
#[derive(Clone, Default)]
struct Text(Arc<Mutex<Vec<u8>>>);

impl Write for Text {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What one test heard: the drift events, the callback's findings, and all traced text.
struct Heard {
    events: Vec<Event>,
    drifts: Vec<Drift>,
    text: String,
}

impl Heard {
    /// The findings, as `(endpoint, path, kind)`, after checking that the events and the
    /// callback agree and that nothing planted in the body reached either.
    fn findings(&self) -> Vec<(String, String, String)> {
        let from_events: Vec<_> = self.events.iter().map(Event::finding).collect();
        let from_callback: Vec<_> = self
            .drifts
            .iter()
            .map(|d| {
                (
                    d.endpoint.to_owned(),
                    d.path.clone(),
                    d.kind.as_str().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            from_events, from_callback,
            "the events and the callback differ"
        );
        for event in &self.events {
            assert_eq!(event.level, tracing::Level::WARN, "{event:?}");
            let names: Vec<&str> = event.fields.keys().map(String::as_str).collect();
            assert_eq!(names, ["endpoint", "kind", "message", "path"], "{event:?}");
        }
        assert_eq!(
            self.text
                .matches("the response needed more than the spec")
                .count(),
            self.events.len(),
            "the traced text shows every drift event:\n{}",
            self.text
        );
        assert!(
            !self.text.contains(SECRET),
            "a planted value was traced:\n{}",
            self.text
        );
        let drifts = format!("{:?}", self.drifts);
        assert!(
            !drifts.contains(SECRET),
            "a planted value reached the callback: {drifts}"
        );
        from_events
    }
}

/// A client of `server`, as `common::client` makes it, with a drift callback.
fn client_hearing(
    server: &RecordingServer,
    on_drift: impl Fn(&Drift) + Send + Sync + 'static,
) -> Client {
    Client::builder()
        .credential("uid", common::UID)
        .credential("appkey", common::APPKEY)
        .base_url(server.url())
        .on_drift(on_drift)
        .build()
        .expect("a client of the recording server")
}

fn finding(endpoint: &str, path: &str, kind: &str) -> (String, String, String) {
    (endpoint.to_owned(), path.to_owned(), kind.to_owned())
}

/// A server answering every call with `body`, a client of it whose drift callback records, and
/// a subscriber that captures events; `call` runs with all three in place.
async fn hear<F, Fut>(body: Value, call: F) -> Heard
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let events = DriftEvents::default();
    let text = Text::default();
    let writer = text.clone();
    let subscriber = tracing_subscriber::registry().with(events.clone()).with(
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(move || writer.clone()),
    );
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = RecordingServer::start().await;
    server.set_default(Reply::json(body.to_string()));
    let drifts = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&drifts);
    let client = client_hearing(&server, move |drift: &Drift| {
        sink.lock().unwrap().push(drift.clone())
    });
    call(client).await;
    let events = events.0.lock().unwrap().clone();
    let drifts = drifts.lock().unwrap().clone();
    let text = String::from_utf8(text.0.lock().unwrap().clone()).unwrap();
    Heard {
        events,
        drifts,
        text,
    }
}

fn example(endpoint: &str) -> Value {
    serde_json::from_str(&example_response(endpoint)).unwrap()
}

/// The vendor's `flow_order_list` example with three copies of its record, each changed by
/// `change`.
fn flow_page(change: impl Fn(&mut serde_json::Map<String, Value>)) -> Value {
    let mut body = example("flow_order_list");
    let record = body["ret_data"]["data"][0].as_object().unwrap().clone();
    let records: Vec<Value> = (0..3)
        .map(|_| {
            let mut record = record.clone();
            change(&mut record);
            Value::Object(record)
        })
        .collect();
    body["ret_data"]["data"] = Value::Array(records);
    body
}

async fn flow_order_list(client: Client) {
    let page = client
        .flow_order_list(FlowOrderListRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 3);
}

async fn white_list(client: Client) {
    client
        .white_list(WhiteListRequest::default())
        .await
        .unwrap();
}

async fn balance_use_record(client: Client) {
    let day = DateTime::from_timestamp(1_653_321_600, 0).unwrap();
    client
        .balance_use_record(BalanceUseRecordRequest::new(day, day))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unknown_field_of_a_page_item_is_reported_once_per_path() {
    let body = flow_page(|record| {
        record.insert("api_token".into(), json!(SECRET));
    });
    let heard = hear(body, flow_order_list).await;
    assert_eq!(
        heard.findings(),
        [finding(
            "flow_order_list",
            "ret_data.data[].api_token",
            "unknown-field"
        )]
    );
}

#[tokio::test]
async fn an_unknown_enum_value_is_reported_without_the_value() {
    let body = flow_page(|record| {
        record.insert("pay_status".into(), json!(SECRET));
    });
    let heard = hear(body, |client| async move {
        let page = client
            .flow_order_list(FlowOrderListRequest::default())
            .await
            .unwrap();
        // The value is still decoded, as before: kept in `Unknown`.
        assert_eq!(page.items[0].pay_status, PayStatus::Unknown(SECRET.into()));
    })
    .await;
    assert_eq!(
        heard.findings(),
        [finding(
            "flow_order_list",
            "ret_data.data[].pay_status",
            "unknown-enum"
        )]
    );
}

#[tokio::test]
async fn the_fields_of_nested_records_are_walked() {
    let mut body = example("white_list");
    body["ret_data"]["lists"][1]["label"] = json!(SECRET);
    body["ret_data"]["quota"] = json!(SECRET);
    let heard = hear(body, white_list).await;
    assert_eq!(
        heard.findings(),
        [
            finding("white_list", "ret_data.lists[].label", "unknown-field"),
            finding("white_list", "ret_data.quota", "unknown-field"),
        ]
    );
}

#[tokio::test]
async fn the_records_of_a_list_response_are_walked() {
    let body = json!({
        "ret": 0, "code": "1", "msg": "success", "timestamp": 1653374667,
        "ret_data": [
            {"balance": 100, "day": 1653998400, "isp_flow_use": 0, "isp_use": 0,
             "residential_flow_use": 0, "residential_use": 0, "static_flow_use": 0,
             "static_use": 0, "total_use_balance": 0, "total_use_flow": 0},
            {"balance": "99.5", "day": "1654084800", "isp_flow_use": "0", "isp_use": "0",
             "residential_flow_use": 0, "residential_use": 0, "static_flow_use": 0,
             "static_use": 0, "total_use_balance": 0, "total_use_flow": 0,
             "mobile_use": SECRET},
        ],
    });
    let heard = hear(body, balance_use_record).await;
    assert_eq!(
        heard.findings(),
        [finding(
            "balance_use_record",
            "ret_data[].mobile_use",
            "unknown-field"
        )]
    );
}

#[tokio::test]
async fn a_response_the_spec_describes_reports_nothing() {
    for (endpoint, call) in [
        ("flow_order_list", 0),
        ("white_list", 1),
        ("balance_use_record", 2),
    ] {
        let body = example(endpoint);
        let heard = hear(body, |client| async move {
            match call {
                0 => {
                    client
                        .flow_order_list(FlowOrderListRequest::default())
                        .await
                        .unwrap();
                }
                1 => white_list(client).await,
                _ => balance_use_record(client).await,
            }
        })
        .await;
        assert_eq!(heard.findings(), [], "{endpoint}");
    }
}

#[tokio::test]
async fn documented_leniency_is_not_a_coercion_and_the_rest_is() {
    // Documented: integers and timestamps as strings, money as a number, `0`/`1` for a bool.
    let documented = flow_page(|record| {
        record.insert("coin".into(), json!("30000"));
        record.insert("money".into(), json!(0.01));
        record.insert("pay_status".into(), json!("1"));
    });
    assert_eq!(hear(documented, flow_order_list).await.findings(), []);

    // Undocumented: an integer as a float, a boolean for a string, an integer enum's value
    // with a leading zero, a page without one of its counts.
    let mut drifted = flow_page(|record| {
        record.insert("coin".into(), json!(30000.0));
        record.insert("pay_type".into(), json!(true));
        record.insert("pay_status".into(), json!("01"));
    });
    drifted["ret_data"]
        .as_object_mut()
        .unwrap()
        .remove("last_page");
    let heard = hear(drifted, flow_order_list).await;
    let mut found = heard.findings();
    found.sort();
    assert_eq!(
        found,
        [
            finding("flow_order_list", "ret_data.data[].coin", "coercion"),
            finding("flow_order_list", "ret_data.data[].pay_status", "coercion"),
            finding("flow_order_list", "ret_data.data[].pay_type", "coercion"),
            finding("flow_order_list", "ret_data.last_page", "coercion"),
        ]
    );
}

#[tokio::test]
async fn php_empties_are_coercions() {
    // `{}` for an empty list, inside a record and as the whole data.
    let mut body = example("white_list");
    body["ret_data"]["lists"] = json!({});
    let heard = hear(body, white_list).await;
    assert_eq!(
        heard.findings(),
        [finding("white_list", "ret_data.lists", "coercion")]
    );

    let mut body = example("balance_use_record");
    body["ret_data"] = json!({});
    let heard = hear(body, balance_use_record).await;
    assert_eq!(
        heard.findings(),
        [finding("balance_use_record", "ret_data", "coercion")]
    );

    // `[]` for a record whose fields are all optional.
    let body = json!({"ret": 0, "code": "1", "msg": "success", "ret_data": []});
    let heard = hear(body, |client| async move {
        client.flow_left(FlowLeftRequest::default()).await.unwrap();
    })
    .await;
    assert_eq!(
        heard.findings(),
        [finding("flow_left", "ret_data", "coercion")]
    );
}

#[tokio::test]
async fn a_page_count_left_out_is_a_coercion() {
    let mut body = flow_page(|_| {});
    body["ret_data"].as_object_mut().unwrap().remove("total");
    let heard = hear(body, flow_order_list).await;
    assert_eq!(
        heard.findings(),
        [finding("flow_order_list", "ret_data.total", "coercion")]
    );
}

#[tokio::test]
async fn an_unknown_field_of_the_envelope_is_reported_and_data_keys_are_hidden() {
    let mut body = example("white_list");
    body["request_id"] = json!(SECRET);
    // A key that is data (a phone number), not a field name: the path hides it.
    body["ret_data"]["13800138000"] = json!(SECRET);
    let heard = hear(body, white_list).await;
    assert_eq!(
        heard.findings(),
        [
            finding("white_list", "request_id", "unknown-field"),
            finding("white_list", "ret_data.*", "unknown-field"),
        ]
    );
    assert!(!heard.text.contains("13800138000"), "{}", heard.text);
}

#[tokio::test]
async fn clones_share_the_callback_and_it_hears_without_a_subscriber() {
    // A subscriber that does not listen to the drift target: only the callback hears.
    let text = Text::default();
    let writer = text.clone();
    let subscriber = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(move || writer.clone()),
        )
        .with(tracing_subscriber::filter::filter_fn(|metadata| {
            metadata.target() != ipidea::DRIFT_TARGET
        }));
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = RecordingServer::start().await;
    let mut body = example("white_list");
    body["ret_data"]["quota"] = json!(SECRET);
    server.set_default(Reply::json(body.to_string()));
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&heard);
    let original = client_hearing(&server, move |drift: &Drift| {
        sink.lock().unwrap().push(drift.clone())
    });
    let clone = original.clone();
    drop(original);
    white_list(clone).await;
    let heard = heard.lock().unwrap().clone();
    assert_eq!(heard.len(), 1, "{heard:?}");
    assert_eq!(heard[0].endpoint, "white_list");
    assert_eq!(heard[0].path, "ret_data.quota");
    assert_eq!(heard[0].kind, DriftKind::UnknownField);
    let text = String::from_utf8(text.0.lock().unwrap().clone()).unwrap();
    assert!(!text.contains("ret_data.quota"), "{text}");
}

#[tokio::test]
async fn a_client_without_a_callback_still_emits_events() {
    let events = DriftEvents::default();
    let subscriber = tracing_subscriber::registry().with(events.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = RecordingServer::start().await;
    let mut body = example("white_list");
    body["ret_data"]["quota"] = json!(SECRET);
    server.set_default(Reply::json(body.to_string()));
    white_list(client(&server)).await;
    let events = events.0.lock().unwrap().clone();
    let found: Vec<_> = events.iter().map(Event::finding).collect();
    assert_eq!(
        found,
        [finding("white_list", "ret_data.quota", "unknown-field")]
    );
}
