//! Drift: what a decoded response needed beyond the spec, reported as it happens.
//!
//! The decoders never fail on drift: unknown fields land in `extra`, unknown enum values become
//! `Unknown(..)`, and a few wire forms the spec does not document are accepted anyway. This
//! module tells someone. After a response decodes, and only if someone listens (a `tracing`
//! subscriber at WARN for the target [`DRIFT_TARGET`], or a callback set with
//! [`ClientBuilder::on_drift`](crate::ClientBuilder::on_drift)), the decoded value is walked
//! ([`DriftWalk`], generated per type) and each finding is reported as a [`Drift`]: the
//! endpoint, a JSON path and a [`DriftKind`], never a value.
//!
//! Unknown fields and enum values are visible in the decoded value, so the walk finds them
//! alone. A coercion is not: `15.0` and `15` decode to the same `u64`. The decoders count the
//! coercions they make (a thread-local counter in `lenient.rs`, touched only on those rare
//! branches); only when the count is not zero is the response's data parsed again as JSON, and
//! the walk then compares each value's wire form with what the spec documents, to find where.
//! `envelope::decode_reporting` puts the pieces together. The rules of `coerced_*` here and the
//! `note_coercion` calls of `lenient.rs` are the same list: a unit test below checks that they
//! agree.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::lenient::note_coercion;
use crate::values::{Empty, JsonString, Response};

/// The `tracing` target of drift events.
pub const DRIFT_TARGET: &str = "ipidea::drift";

/// At most this many findings are reported for one response; the rest are dropped.
pub(crate) const MAX_DRIFT_FINDINGS: usize = 64;

/// What a response needed beyond the spec: the drift vocabulary that the client, `ipidea spec
/// verify` and the sandbox share (`ipidea_spec::drift`). The client reports the kinds it decodes
/// through: `unknown-field` (a field kept in `extra`), `unknown-enum` (a value decoded as
/// `Unknown(..)`) and `coercion` (a form the spec's wire leniency does not cover, such as `15.0`
/// for an integer). The other kinds (`null`, `bad-type`, `untyped-shape`) fail the decode, or
/// for `untyped-shape` are only seen by `spec verify`.
pub use ipidea_spec::DriftKind;

/// One finding of drift in a decoded response. It names where, never what: no value of the
/// response is in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Drift {
    /// The endpoint whose response drifted, such as `flow_order_list`.
    pub endpoint: &'static str,
    /// The JSON path in the response body, with array indices collapsed to `[]`:
    /// `ret_data.data[].pay_status`. A field of the envelope has no prefix (`request_id`).
    /// An unknown key that does not look like a field name (ASCII letters, digits, `_` and `-`,
    /// not starting with a digit, at most 64 bytes) shows as `*`, since a map keyed by data
    /// (IPs, ids) would otherwise put the data in the path.
    pub path: String,
    /// What kind of drift.
    pub kind: DriftKind,
}

/// A drift callback, shared by a client's clones.
pub(crate) type OnDrift = Arc<Listener>;

/// A drift callback.
pub(crate) type Listener = dyn Fn(&Drift) + Send + Sync;

/// Where a value is in a response: a chain of steps on the stack, written out as text only
/// when something is found there.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct DriftPath<'a> {
    parent: Option<&'a DriftPath<'a>>,
    step: Step<'a>,
}

#[derive(Clone, Copy)]
enum Step<'a> {
    Root(&'a str),
    /// A field the spec names.
    Field(&'a str),
    /// A key the server sent that the spec does not name: written only if it looks like a name.
    Unknown(&'a str),
    Item,
}

impl<'a> DriftPath<'a> {
    /// The path of a response part, such as `ret_data`; `""` for the envelope.
    pub fn root(name: &'a str) -> Self {
        DriftPath {
            parent: None,
            step: Step::Root(name),
        }
    }

    /// The field `name` of the value here.
    pub fn field<'b>(&'b self, name: &'b str) -> DriftPath<'b> {
        DriftPath {
            parent: Some(self),
            step: Step::Field(name),
        }
    }

    fn unknown<'b>(&'b self, key: &'b str) -> DriftPath<'b> {
        DriftPath {
            parent: Some(self),
            step: Step::Unknown(key),
        }
    }

    /// An item of the list here (every index is `[]`).
    pub fn item<'b>(&'b self) -> DriftPath<'b> {
        DriftPath {
            parent: Some(self),
            step: Step::Item,
        }
    }

    fn write(&self, out: &mut String) {
        if let Some(parent) = self.parent {
            parent.write(out);
        }
        let name = match self.step {
            Step::Root(name) => name,
            Step::Field(name) => name,
            Step::Unknown(key) if looks_like_a_name(key) => key,
            Step::Unknown(_) => "*",
            Step::Item => {
                out.push_str("[]");
                return;
            }
        };
        if !out.is_empty() && !name.is_empty() {
            out.push('.');
        }
        out.push_str(name);
    }
}

impl fmt::Display for DriftPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.write(&mut text);
        f.write_str(&text)
    }
}

/// Whether an unknown key may be shown: a field name rather than data used as a key.
fn looks_like_a_name(key: &str) -> bool {
    let bytes = key.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && !bytes[0].is_ascii_digit()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
}

/// The findings of one walk, each `(path, kind)` once, in the order found.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct DriftSink {
    found: Vec<(String, DriftKind)>,
    scratch: String,
}

impl DriftSink {
    /// Records a finding at `at`, unless the same path and kind were found already.
    pub fn report(&mut self, at: &DriftPath<'_>, kind: DriftKind) {
        if self.found.len() >= MAX_DRIFT_FINDINGS {
            return;
        }
        self.scratch.clear();
        at.write(&mut self.scratch);
        if !self
            .found
            .iter()
            .any(|(path, k)| *k == kind && *path == self.scratch)
        {
            self.found.push((self.scratch.clone(), kind));
        }
    }

    /// The findings, in the order found.
    pub fn into_findings(self) -> Vec<(String, DriftKind)> {
        self.found
    }
}

/// A decoded response value that can say what it needed beyond the spec.
///
/// Generated for every record, page and enum; implemented here for the scalars, `Option`,
/// `Vec`, and the untyped `serde_json::Value` (which never drifts: it is untyped by design).
/// `raw` is the value as the server sent it, given only when the decoders noted a coercion;
/// without it only unknown fields and enum values are found.
#[doc(hidden)]
pub trait DriftWalk {
    /// Reports into `sink` what this value, at `at`, needed beyond the spec.
    fn walk(&self, at: &DriftPath<'_>, raw: Option<&Value>, sink: &mut DriftSink);
}

/// A number with a fraction or an exponent, which serde_json reads as a float: `15.0`, `1e3`.
fn is_float(raw: Option<&Value>) -> bool {
    matches!(raw, Some(Value::Number(n)) if n.is_f64())
}

/// An integer or a timestamp accepts a number or a string of digits; a float with no fraction
/// is accepted but not documented.
fn coerced_integer(raw: Option<&Value>) -> bool {
    is_float(raw)
}

/// A string accepts a string or a number; a boolean is accepted but not documented.
fn coerced_string(raw: Option<&Value>) -> bool {
    matches!(raw, Some(Value::Bool(_)))
}

/// A bool accepts `true`/`false`, `0`/`1` as a number or a string (spaces trimmed), and the
/// strings `"true"`/`"false"`; those strings with spaces around are accepted but not documented.
fn coerced_bool(raw: Option<&Value>) -> bool {
    match raw {
        Some(Value::String(s)) => s.trim() != s && matches!(s.trim(), "true" | "false"),
        _ => false,
    }
}

/// Whether a known enum value came in a form the spec documents: its wire value as a string,
/// or, for an integer enum, as an integer number.
fn coerced_enum(known: bool, wire: &str, integer: bool, raw: Option<&Value>) -> bool {
    if !known {
        return false;
    }
    match raw {
        None => false,
        Some(Value::String(s)) => s != wire,
        Some(Value::Number(n)) if integer && !n.is_f64() => n.to_string() != wire,
        Some(_) => true,
    }
}

macro_rules! walk_scalar {
    ($check:ident: $($ty:ty),*) => {$(
        impl DriftWalk for $ty {
            #[inline]
            fn walk(&self, at: &DriftPath<'_>, raw: Option<&Value>, sink: &mut DriftSink) {
                if $check(raw) {
                    sink.report(at, DriftKind::Coercion);
                }
            }
        }
    )*};
}

fn never(_: Option<&Value>) -> bool {
    false
}

/// Whether a decimal came as text beyond the spec's decimal grammar (`ipidea_spec::decimal`).
fn coerced_decimal(raw: Option<&Value>) -> bool {
    match raw {
        Some(Value::String(s)) => !ipidea_spec::decimal::is_decimal(s.trim()),
        _ => false,
    }
}

walk_scalar!(coerced_integer: i32, i64, u32, u64, DateTime<Utc>);
walk_scalar!(coerced_string: String);
walk_scalar!(coerced_bool: bool);
walk_scalar!(coerced_decimal: Decimal);
walk_scalar!(never: NaiveDate, IpAddr, crate::values::Country, JsonString, Empty, Value);

impl<T: DriftWalk> DriftWalk for Option<T> {
    #[inline]
    fn walk(&self, at: &DriftPath<'_>, raw: Option<&Value>, sink: &mut DriftSink) {
        if let Some(value) = self {
            value.walk(at, raw, sink);
        }
    }
}

impl<T: DriftWalk> DriftWalk for Vec<T> {
    fn walk(&self, at: &DriftPath<'_>, raw: Option<&Value>, sink: &mut DriftSink) {
        let raw_items = match raw {
            Some(Value::Array(items)) => Some(items),
            // `{}` for an empty list.
            Some(_) => {
                sink.report(at, DriftKind::Coercion);
                None
            }
            None => None,
        };
        let item = at.item();
        for (i, value) in self.iter().enumerate() {
            value.walk(&item, raw_items.and_then(|items| items.get(i)), sink);
        }
    }
}

/// What generated code calls: one call per field of a record or page, and the enum's decoding.
pub mod generated {
    use serde::Deserializer;

    use super::*;
    use crate::form::WireEnum;

    /// The raw object of a record or page. Anything else (the `[]` that PHP sends for an empty
    /// object) is a coercion, and its fields are then walked without raw values.
    #[inline]
    pub fn object<'v>(
        at: &DriftPath<'_>,
        raw: Option<&'v Value>,
        sink: &mut DriftSink,
    ) -> Option<&'v Map<String, Value>> {
        match raw {
            Some(Value::Object(map)) => Some(map),
            Some(_) => {
                sink.report(at, DriftKind::Coercion);
                None
            }
            None => None,
        }
    }

    /// Walks the field `wire` of a record.
    #[inline]
    pub fn field<T: DriftWalk>(
        value: &T,
        wire: &str,
        at: &DriftPath<'_>,
        raw: Option<&Map<String, Value>>,
        sink: &mut DriftSink,
    ) {
        value.walk(&at.field(wire), raw.and_then(|map| map.get(wire)), sink);
    }

    /// Walks a field of a page, which the spec requires but the decoder defaults when missing:
    /// a missing one is a coercion.
    #[inline]
    pub fn page_field<T: DriftWalk>(
        value: &T,
        wire: &str,
        at: &DriftPath<'_>,
        raw: Option<&Map<String, Value>>,
        sink: &mut DriftSink,
    ) {
        let here = at.field(wire);
        match raw {
            Some(map) => match map.get(wire) {
                Some(raw) => value.walk(&here, Some(raw), sink),
                None => sink.report(&here, DriftKind::Coercion),
            },
            None => value.walk(&here, None, sink),
        }
    }

    /// Reports each key of a record's `extra` as an unknown field.
    #[inline]
    pub fn extra(extra: &Map<String, Value>, at: &DriftPath<'_>, sink: &mut DriftSink) {
        for key in extra.keys() {
            sink.report(&at.unknown(key), DriftKind::UnknownField);
        }
    }

    /// Walks an enum value: an `Unknown(..)` one is reported (never its text), a known one
    /// sent in an undocumented form is a coercion.
    #[inline]
    pub fn enum_value(
        known: bool,
        wire: &str,
        integer: bool,
        at: &DriftPath<'_>,
        raw: Option<&Value>,
        sink: &mut DriftSink,
    ) {
        if !known {
            sink.report(at, DriftKind::UnknownEnum);
        } else if coerced_enum(known, wire, integer, raw) {
            sink.report(at, DriftKind::Coercion);
        }
    }

    /// Decodes an enum from its wire text (a string, or a number, read as its text), noting a
    /// coercion where a known value came in a form the spec does not document.
    pub fn decode_enum<'de, D: Deserializer<'de>, E: WireEnum>(
        deserializer: D,
        integer: bool,
        from_wire: fn(&str) -> E,
        as_str: fn(&E) -> &str,
    ) -> Result<E, D::Error> {
        let (text, documented) = crate::lenient::wire_text(deserializer, integer)?;
        let value = from_wire(&text);
        if value.is_known() && (!documented || as_str(&value) != text) {
            note_coercion();
        }
        Ok(value)
    }

    /// The default of a page field the server left out, which the spec requires: noted as a
    /// coercion.
    pub fn absent<T: Default>() -> T {
        note_coercion();
        T::default()
    }
}

/// Whether anyone listens for drift: a callback, or a `tracing` subscriber of WARN events of
/// [`DRIFT_TARGET`].
pub(crate) fn listening(on_drift: Option<&Listener>) -> bool {
    on_drift.is_some() || tracing::enabled!(target: DRIFT_TARGET, tracing::Level::WARN)
}

/// The findings of a decoded response: the envelope's unknown fields, then the data's.
pub(crate) fn walk_response<T: DriftWalk>(
    response: &Response<T>,
    data_field: &str,
    raw: Option<&Value>,
) -> Vec<(String, DriftKind)> {
    let mut sink = DriftSink::default();
    let envelope = DriftPath::root("");
    generated::extra(&response.extra, &envelope, &mut sink);
    response
        .data
        .walk(&DriftPath::root(data_field), raw, &mut sink);
    sink.into_findings()
}

/// Reports each finding as a WARN event of [`DRIFT_TARGET`] and to `on_drift`.
pub(crate) fn report(
    endpoint: &'static str,
    findings: Vec<(String, DriftKind)>,
    on_drift: Option<&Listener>,
) {
    for (path, kind) in findings {
        tracing::warn!(
            target: DRIFT_TARGET,
            endpoint,
            path = path.as_str(),
            kind = kind.as_str(),
            "the response needed more than the spec"
        );
        if let Some(on_drift) = on_drift {
            on_drift(&Drift {
                endpoint,
                path,
                kind,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::lenient::{Lenient, take_coercions};

    /// Whether decoding `raw` as `T` noted a coercion, or `None` if it does not decode.
    fn noted<T: Lenient>(raw: &Value) -> Option<bool> {
        take_coercions();
        let decoded = crate::lenient::from_json::<T>(&raw.to_string()).ok();
        let noted = take_coercions() > 0;
        decoded.map(|_| noted)
    }

    /// Whether the walk of `raw` decoded as `T` finds a coercion.
    fn walked<T: Lenient + DriftWalk>(raw: &Value) -> bool {
        let value = crate::lenient::from_json::<T>(&raw.to_string()).expect("decodes");
        let mut sink = DriftSink::default();
        value.walk(&DriftPath::root("ret_data"), Some(raw), &mut sink);
        sink.into_findings()
            .iter()
            .any(|(_, kind)| *kind == DriftKind::Coercion)
    }

    fn samples() -> Vec<Value> {
        vec![
            json!(15),
            json!(-3),
            json!(15.0),
            json!(1e3),
            json!(1.5),
            json!("15"),
            json!(" 15 "),
            json!("+15"),
            json!("1.5"),
            json!("1."),
            json!(".5"),
            json!("1_000"),
            json!(true),
            json!(false),
            json!(0),
            json!(1),
            json!("0"),
            json!(" 1"),
            json!("true"),
            json!(" false "),
            json!("x"),
            json!("2022-5-1"),
            json!("156.237.6.97"),
            json!("{\"a\":1}"),
            json!({}),
            json!({"a": 1}),
            json!([]),
            json!([1, 2.0]),
            json!(null),
            json!(1653101538),
            json!("01"),
            json!("weekly"),
            json!(" weekly"),
        ]
    }

    fn agree<T: Lenient + DriftWalk>(name: &str) {
        for raw in samples() {
            if let Some(noted) = noted::<T>(&raw) {
                assert_eq!(
                    noted,
                    walked::<T>(&raw),
                    "{name} from {raw}: the decoder's note and the walk disagree"
                );
            }
        }
    }

    #[test]
    fn the_decoders_notes_and_the_walks_rules_agree() {
        agree::<i32>("i32");
        agree::<i64>("i64");
        agree::<u32>("u32");
        agree::<u64>("u64");
        agree::<String>("string");
        agree::<bool>("bool");
        agree::<Decimal>("decimal");
        agree::<DateTime<Utc>>("timestamp");
        agree::<NaiveDate>("date");
        agree::<IpAddr>("ip");
        agree::<JsonString>("json_string");
        agree::<Value>("json");
        agree::<Option<u64>>("option");
        agree::<Vec<u64>>("list");
        agree::<Vec<String>>("list of strings");
        agree::<Vec<bool>>("list of bools");
        agree::<crate::PayStatus>("an integer enum");
        agree::<crate::IspDuration>("a string enum");
        agree::<Vec<crate::PayStatus>>("a list of an integer enum");
    }

    #[test]
    fn an_enum_value_is_coerced_unless_it_came_as_its_wire_text_or_an_integer_enum_number() {
        let cases = [
            // (known, wire, integer enum, as sent, coerced)
            (true, "1", false, json!("1"), false),
            (true, "1", false, json!(1), true),
            (true, "1", true, json!(1), false),
            (true, "1", true, json!("1"), false),
            (true, "1", true, json!(1.0), true),
            (true, "1", true, json!(true), true),
            (true, "hk", false, json!(" hk"), true),
            (false, "x", false, json!(15), false),
        ];
        for (known, wire, integer, raw, coerced) in cases {
            assert_eq!(
                coerced_enum(known, wire, integer, Some(&raw)),
                coerced,
                "{wire} ({}) sent as {raw}",
                if integer {
                    "integer enum"
                } else {
                    "string enum"
                }
            );
        }
        assert!(
            !coerced_enum(true, "1", false, None),
            "nothing sent to compare"
        );
    }

    #[test]
    fn kinds_show_as_events_spell_them() {
        for (kind, text) in [
            (DriftKind::UnknownField, "unknown-field"),
            (DriftKind::UnknownEnum, "unknown-enum"),
            (DriftKind::Coercion, "coercion"),
        ] {
            assert_eq!(kind.as_str(), text);
            assert_eq!(kind.to_string(), text);
        }
    }

    #[test]
    fn the_documented_forms_are_not_coercions() {
        for (raw, coerced) in [
            (json!(15), false),
            (json!("15"), false),
            (json!(15.0), true),
            (json!(1e3), true),
        ] {
            assert_eq!(noted::<u64>(&raw), Some(coerced), "{raw}");
        }
        assert_eq!(noted::<String>(&json!(15)), Some(false));
        assert_eq!(noted::<String>(&json!(true)), Some(true));
        assert_eq!(noted::<bool>(&json!(" 1 ")), Some(false));
        assert_eq!(noted::<bool>(&json!(" true")), Some(true));
        assert_eq!(noted::<Vec<u64>>(&json!([])), Some(false));
        assert_eq!(noted::<Vec<u64>>(&json!({})), Some(true));
    }

    #[test]
    fn paths_collapse_indices_and_hide_keys_that_look_like_data() {
        let root = DriftPath::root("ret_data");
        let data = root.field("data");
        let item = data.item();
        assert_eq!(
            item.field("pay_status").to_string(),
            "ret_data.data[].pay_status"
        );
        assert_eq!(
            item.unknown("new-field_2").to_string(),
            "ret_data.data[].new-field_2"
        );
        for key in [
            "156.237.6.97",
            "13800138000",
            "a b",
            "",
            &"x".repeat(65),
            "名",
        ] {
            assert_eq!(root.unknown(key).to_string(), "ret_data.*", "{key:?}");
        }
        let envelope = DriftPath::root("");
        assert_eq!(envelope.unknown("request_id").to_string(), "request_id");
    }

    #[test]
    fn a_sink_keeps_each_finding_once_and_at_most_the_cap() {
        let root = DriftPath::root("ret_data");
        let mut sink = DriftSink::default();
        for _ in 0..3 {
            sink.report(&root.item().field("x"), DriftKind::UnknownField);
        }
        sink.report(&root.item().field("x"), DriftKind::Coercion);
        assert_eq!(sink.found.len(), 2);
        let names: Vec<String> = (0..100).map(|i| format!("f{i}")).collect();
        for name in &names {
            sink.report(&root.field(name), DriftKind::UnknownField);
        }
        assert_eq!(sink.into_findings().len(), MAX_DRIFT_FINDINGS);
    }
}
