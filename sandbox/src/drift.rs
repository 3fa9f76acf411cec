//! DriftKind: successful answers altered on purpose, in the ways a real API drifts from its spec,
//! so that a client's drift reporting and a spec verifier can be tested over real HTTP.
//!
//! The alteration walks the data field of a success envelope (`ret_data`) with the endpoint's
//! response type, and changes only what the spec gives a place for; the envelope is left alone.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

pub use ipidea_spec::DriftKind;
use ipidea_spec::walk::{Place, Shape, Step};
use ipidea_spec::{EnumRepr, Field, Scalar, Spec, TypeRef};
use serde_json::{Value, json};

/// The name of the field that [`DriftKind::UnknownField`] adds to every record (or
/// `sandbox_drift_1`, `sandbox_drift_2`, ... in a record that already declares it).
pub const DRIFT_FIELD: &str = "sandbox_drift";

/// The kinds of drift the sandbox can inject: [`DriftKind::INJECTED`], every kind of the
/// drift vocabulary (`ipidea_spec::drift`, which the client and `spec verify` speak too) but
/// `coercion`.
///
/// Each kind's text form (the vocabulary's) is what the binary's `--drift` and the fault
/// `drift:KIND` take:
///
/// | text | kind | what changes in `ret_data` |
/// |---|---|---|
/// | `unknown-field` | [`DriftKind::UnknownField`] | every record gains `"sandbox_drift": "x"` |
/// | `unknown-enum` | [`DriftKind::UnknownEnum`] | every enum field gets a value outside its enum |
/// | `null` | [`DriftKind::Null`] | the first non-nullable scalar field of each record becomes `null` |
/// | `bad-type` | [`DriftKind::BadType`] | the first scalar field of each record gets a value of another type |
/// | `untyped-shape` | [`DriftKind::UntypedShape`] | every `json` place holds a record of a fixed shape |
///
/// In detail: `unknown-field` adds its field to every record object (the data itself when it
/// is a record, records in its fields, page items, list items); pages, being no records, gain
/// nothing. `unknown-enum` puts the first integer from `9` up that is not a value into an
/// integer enum, `"sandbox_drift"` into a string enum. `null` takes the first field (in spec
/// order) that is not nullable and whose type is a scalar other than `json`. `bad-type` takes
/// the first field whose type is a scalar other than `json` (skipping the one `null` took) and
/// gives it a value beyond the wire leniency: an integer `"abc"`, a timestamp `"soon"`, a
/// decimal `"lots"`, a date `"someday"`, a bool `"maybe"`, an IP `"not-an-ip"`, a
/// `json_string` `"{not json"`, a string `["sandbox_drift"]`. `untyped-shape` makes every
/// place typed `json` hold a non-empty object: a value that is one is kept; any other value,
/// and each item of an array that is not one, becomes the fixed record `{"id": 4055, "name":
/// "sandbox_drift", "created_at": "1653101538", "money": "0.01", "enabled": true}`; an empty
/// array (an empty page of `json` items) gets one such item.
///
/// ```
/// use ipidea_sandbox::{DriftKind, parse_drift};
///
/// assert_eq!(parse_drift("Unknown-Enum")?, DriftKind::UnknownEnum);
/// assert!(parse_drift("coercion").is_err());
/// # Ok::<(), ipidea_sandbox::ParseDriftError>(())
/// ```
pub fn parse_drift(text: &str) -> Result<DriftKind, ParseDriftError> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    if let Some(kind) = DriftKind::INJECTED
        .into_iter()
        .find(|k| k.as_str() == lower)
    {
        return Ok(kind);
    }
    let names: Vec<String> = DriftKind::INJECTED
        .iter()
        .map(|k| format!("`{k}`"))
        .collect();
    if lower == DriftKind::Coercion.as_str() {
        return Err(ParseDriftError {
            message: format!(
                "the sandbox cannot inject `coercion` (only a client's decoders see it); expected {} or `all`",
                names.join(", ")
            ),
        });
    }
    let hint = DriftKind::INJECTED
        .into_iter()
        .map(|k| (strsim::levenshtein(&lower, k.as_str()), k))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| format!("did you mean `{k}`? "))
        .unwrap_or_default();
    Err(ParseDriftError {
        message: format!(
            "unknown drift `{text}`; {hint}expected {} or `all`",
            names.join(", ")
        ),
    })
}

/// The bit of `kind` in a [`DriftSet`].
fn bit(kind: DriftKind) -> u8 {
    let at = DriftKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    1 << at
}

/// Why a text is not a kind of drift the sandbox injects, or not a [`DriftSet`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDriftError {
    message: String,
}

impl fmt::Display for ParseDriftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseDriftError {}

/// A set of the kinds of drift the sandbox injects.
///
/// Made from one kind, an array of kinds, an iterator of kinds, or text: `all`, `none`, or
/// kinds joined with `,` (`unknown-field,null`). It writes itself back the same way, kinds in
/// the order of [`DriftKind::INJECTED`], `all` for every kind and `none` for no kind.
///
/// ```
/// use ipidea_sandbox::{DriftKind, DriftSet};
///
/// let set: DriftSet = "null, unknown-field".parse()?;
/// assert_eq!(set, DriftSet::from([DriftKind::UnknownField, DriftKind::Null]));
/// assert_eq!(set.to_string(), "unknown-field,null");
/// assert_eq!("all".parse::<DriftSet>()?, DriftSet::all());
/// # Ok::<(), ipidea_sandbox::ParseDriftError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DriftSet(u8);

impl DriftSet {
    /// No kind: no drift.
    pub const fn none() -> DriftSet {
        DriftSet(0)
    }

    /// Every kind.
    pub fn all() -> DriftSet {
        DriftKind::INJECTED.into_iter().collect()
    }

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: DriftKind) -> bool {
        self.0 & bit(kind) != 0
    }

    /// Whether the set has no kind.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Adds `kind`.
    pub fn insert(&mut self, kind: DriftKind) {
        self.0 |= bit(kind);
    }

    /// The kinds of both sets.
    pub fn union(self, other: DriftSet) -> DriftSet {
        DriftSet(self.0 | other.0)
    }

    /// The kinds, in the order of [`DriftKind::INJECTED`].
    pub fn iter(self) -> impl Iterator<Item = DriftKind> {
        DriftKind::INJECTED
            .into_iter()
            .filter(move |k| self.contains(*k))
    }
}

impl fmt::Debug for DriftSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for DriftSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        if *self == DriftSet::all() {
            return f.write_str("all");
        }
        let names: Vec<&str> = self.iter().map(DriftKind::as_str).collect();
        f.write_str(&names.join(","))
    }
}

impl FromStr for DriftSet {
    type Err = ParseDriftError;

    fn from_str(text: &str) -> Result<DriftSet, ParseDriftError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "all" => return Ok(DriftSet::all()),
            "none" => return Ok(DriftSet::none()),
            "" => {
                return Err(ParseDriftError {
                    message: "no drift kind given; write `unknown-field`, `null,bad-type` or `all`"
                        .to_owned(),
                });
            }
            _ => {}
        }
        text.split(',').map(parse_drift).collect()
    }
}

impl From<DriftKind> for DriftSet {
    fn from(kind: DriftKind) -> DriftSet {
        DriftSet(bit(kind))
    }
}

impl<const N: usize> From<[DriftKind; N]> for DriftSet {
    fn from(kinds: [DriftKind; N]) -> DriftSet {
        kinds.into_iter().collect()
    }
}

impl FromIterator<DriftKind> for DriftSet {
    fn from_iter<I: IntoIterator<Item = DriftKind>>(kinds: I) -> DriftSet {
        let mut set = DriftSet::none();
        kinds.into_iter().for_each(|k| set.insert(k));
        set
    }
}

impl Extend<DriftKind> for DriftSet {
    fn extend<I: IntoIterator<Item = DriftKind>>(&mut self, kinds: I) {
        kinds.into_iter().for_each(|k| self.insert(k));
    }
}

/// One alteration the sandbox made to a response: where, and of which kind. See
/// [`Sandbox::drift_applied`](crate::Sandbox::drift_applied).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DriftApplied {
    /// The endpoint's name in the spec, such as `flow_order_list`.
    pub endpoint: String,
    /// The JSON path of the value altered or added, from the envelope's data field, in the
    /// form the client's decode errors use: `ret_data.data[0].pay_status`.
    pub path: String,
    /// The kind of drift.
    pub kind: DriftKind,
}

impl DriftApplied {
    /// A record of one alteration (for comparing with [`Sandbox::drift_applied`]).
    ///
    /// [`Sandbox::drift_applied`]: crate::Sandbox::drift_applied
    pub fn new(
        endpoint: impl Into<String>,
        path: impl Into<String>,
        kind: DriftKind,
    ) -> DriftApplied {
        DriftApplied {
            endpoint: endpoint.into(),
            path: path.into(),
            kind,
        }
    }
}

impl fmt::Display for DriftApplied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.endpoint, self.path, self.kind)
    }
}

/// The drift settings of a running sandbox and the alterations made so far.
#[derive(Debug, Default)]
pub(crate) struct Drifts {
    /// The kinds of every endpoint without its own setting.
    all: DriftSet,
    /// Endpoints' own settings, which replace `all` for them.
    endpoints: HashMap<String, DriftSet>,
    /// Each alteration once, in the order first made.
    applied: Vec<DriftApplied>,
    seen: HashSet<DriftApplied>,
}

impl Drifts {
    /// Sets the kinds of `endpoint`, or of every endpoint (forgetting endpoints' own settings).
    pub(crate) fn set(&mut self, endpoint: Option<&str>, kinds: DriftSet) {
        match endpoint {
            Some(name) => {
                self.endpoints.insert(name.to_owned(), kinds);
            }
            None => {
                self.all = kinds;
                self.endpoints.clear();
            }
        }
    }

    /// The standing kinds of `endpoint`.
    pub(crate) fn of(&self, endpoint: &str) -> DriftSet {
        self.endpoints.get(endpoint).copied().unwrap_or(self.all)
    }

    pub(crate) fn record(&mut self, endpoint: &str, made: Vec<(String, DriftKind)>) {
        for (path, kind) in made {
            let applied = DriftApplied::new(endpoint, path, kind);
            if self.seen.insert(applied.clone()) {
                self.applied.push(applied);
            }
        }
    }

    pub(crate) fn applied(&self) -> Vec<DriftApplied> {
        self.applied.clone()
    }

    pub(crate) fn clear_applied(&mut self) {
        self.applied.clear();
        self.seen.clear();
    }
}

/// Alters the data of a success envelope `body` of a response of type `ty` with `kinds`; the
/// alterations made, as (path, kind). A refusal (or a body that is no envelope) is left alone.
pub(crate) fn apply(
    spec: &Spec,
    env: &ipidea_spec::Envelope,
    ty: &TypeRef,
    body: &mut Value,
    kinds: DriftSet,
) -> Vec<(String, DriftKind)> {
    let success = body.get(&env.status).and_then(|status| {
        status
            .as_i64()
            .or_else(|| status.as_str()?.trim().parse().ok())
    }) == Some(env.success);
    let mut walker = Walker {
        spec,
        kinds,
        made: Vec::new(),
    };
    if kinds.is_empty() || !success {
        return walker.made;
    }
    if let Some(data) = body.get_mut(&env.data) {
        walker.walk(ty, data, &Place::root(&env.data));
    }
    walker.made
}

/// The record that [`DriftKind::UntypedShape`] puts where the spec says `json`.
fn untyped_shape() -> Value {
    json!({
        "id": 4055,
        "name": DRIFT_FIELD,
        "created_at": "1653101538",
        "money": "0.01",
        "enabled": true,
    })
}

/// Whether a `json` value already has a shape of its own: a non-empty object.
fn shaped(value: &Value) -> bool {
    ipidea_spec::wire::as_record(value).is_some()
}

/// A scalar that drift may null or retype: any but `json`, which takes anything.
fn plain_scalar(ty: &TypeRef) -> Option<Scalar> {
    match ty {
        TypeRef::Scalar(Scalar::Json) => None,
        TypeRef::Scalar(scalar) => Some(*scalar),
        _ => None,
    }
}

/// A value outside `scalar`, beyond what the wire leniency accepts.
fn bad_value(scalar: Scalar) -> Value {
    match scalar {
        Scalar::I32 | Scalar::I64 | Scalar::U32 | Scalar::U64 => json!("abc"),
        Scalar::Timestamp => json!("soon"),
        Scalar::Decimal => json!("lots"),
        Scalar::Date => json!("someday"),
        Scalar::Bool => json!("maybe"),
        Scalar::Ip => json!("not-an-ip"),
        Scalar::Country => json!("not-a-country"),
        Scalar::JsonString => json!("{not json"),
        Scalar::String | Scalar::Json => json!([DRIFT_FIELD]),
    }
}

struct Walker<'a> {
    spec: &'a Spec,
    kinds: DriftSet,
    made: Vec<(String, DriftKind)>,
}

impl Walker<'_> {
    fn on(&self, kind: DriftKind) -> bool {
        self.kinds.contains(kind)
    }

    /// Alters `value`, of type `ty`, at `place`: the walk of `ipidea_spec::walk` (its shapes
    /// and places), written out here because it changes what it walks.
    fn walk(&mut self, ty: &TypeRef, value: &mut Value, place: &Place<'_>) {
        match self.spec.shape(ty) {
            Shape::Scalar(Scalar::Json) => self.untyped(value, &place.path()),
            Shape::List(item) => self.items(item, value, place),
            Shape::Record { name, fields } => self.record(name, fields, value, place),
            Shape::Page { name, item } => {
                let key = &self.spec.api.page.items;
                if let (Some(items), Some(at)) = (
                    value.get_mut(key),
                    place.child(Step::PageItems { page: name, key }),
                ) {
                    self.items(item, items, &at);
                }
            }
            Shape::Scalar(_) | Shape::Csv(_) | Shape::Empty | Shape::Enum { .. } => {}
            Shape::Unknown(_) => {}
        }
    }

    /// The items of a list of `item`.
    fn items(&mut self, item: &TypeRef, value: &mut Value, place: &Place<'_>) {
        let Value::Array(items) = value else { return };
        if items.is_empty()
            && *item == TypeRef::Scalar(Scalar::Json)
            && self.on(DriftKind::UntypedShape)
        {
            items.push(untyped_shape());
        }
        for (index, item_value) in items.iter_mut().enumerate() {
            if let Some(at) = place.child(Step::Index(index)) {
                self.walk(item, item_value, &at);
            }
        }
    }

    /// A place typed `json`: an array's items, or the value itself, hold a non-empty object.
    fn untyped(&mut self, value: &mut Value, path: &str) {
        if !self.on(DriftKind::UntypedShape) {
            return;
        }
        match value {
            Value::Array(items) => {
                if items.is_empty() {
                    items.push(untyped_shape());
                }
                for (index, item) in items.iter_mut().enumerate() {
                    if !shaped(item) {
                        *item = untyped_shape();
                    }
                    self.made
                        .push((format!("{path}[{index}]"), DriftKind::UntypedShape));
                }
            }
            other => {
                if !shaped(other) {
                    *other = untyped_shape();
                }
                self.made.push((path.to_owned(), DriftKind::UntypedShape));
            }
        }
    }

    /// A record: its own alterations and its nested values, in field order, then the unknown
    /// field (added last, as the object's last key).
    fn record(&mut self, record: &str, fields: &[Field], value: &mut Value, place: &Place<'_>) {
        let Value::Object(map) = value else { return };
        let nulled = self
            .on(DriftKind::Null)
            .then(|| {
                fields
                    .iter()
                    .find(|f| !f.nullable && plain_scalar(&f.ty).is_some())
            })
            .flatten()
            .map(|f| f.name.as_str());
        let retyped = self
            .on(DriftKind::BadType)
            .then(|| {
                fields
                    .iter()
                    .find(|f| plain_scalar(&f.ty).is_some() && Some(f.name.as_str()) != nulled)
            })
            .flatten()
            .map(|f| f.name.as_str());
        let path = place.path();
        for field in fields {
            let at = format!("{path}.{}", field.name);
            if Some(field.name.as_str()) == nulled {
                map.insert(field.name.clone(), Value::Null);
                self.made.push((at, DriftKind::Null));
            } else if Some(field.name.as_str()) == retyped {
                if let Some(scalar) = plain_scalar(&field.ty) {
                    map.insert(field.name.clone(), bad_value(scalar));
                    self.made.push((at, DriftKind::BadType));
                }
            } else if let Some(outside) = self.unknown_enum_value(&field.ty) {
                map.insert(field.name.clone(), outside);
                self.made.push((at, DriftKind::UnknownEnum));
            } else if let (Some(child), Some(below)) = (
                map.get_mut(&field.name),
                place.child(Step::Field {
                    record,
                    name: &field.name,
                }),
            ) {
                self.walk(&field.ty, child, &below);
            }
        }
        if self.on(DriftKind::UnknownField) {
            let declared = |name: &str| fields.iter().any(|f| f.name == name);
            let key = std::iter::once(DRIFT_FIELD.to_owned())
                .chain((1..).map(|n| format!("{DRIFT_FIELD}_{n}")))
                .find(|name| !declared(name) && !map.contains_key(name))
                .unwrap_or_else(|| DRIFT_FIELD.to_owned());
            map.insert(key.clone(), json!("x"));
            self.made
                .push((format!("{path}.{key}"), DriftKind::UnknownField));
        }
    }

    /// A value outside the enum `ty`, when unknown-enum drift is on and `ty` is an enum.
    fn unknown_enum_value(&self, ty: &TypeRef) -> Option<Value> {
        if !self.on(DriftKind::UnknownEnum) {
            return None;
        }
        let Shape::Enum { repr, values, .. } = self.spec.shape(ty) else {
            return None;
        };
        let known = |text: &str| values.iter().any(|v| v.value == text);
        Some(match repr {
            EnumRepr::Integer => {
                let n = (9_i64..).find(|n| !known(&n.to_string())).unwrap_or(9);
                json!(n)
            }
            EnumRepr::String => {
                let text = std::iter::once(DRIFT_FIELD.to_owned())
                    .chain((1..).map(|n| format!("{DRIFT_FIELD}_{n}")))
                    .find(|text| !known(text))
                    .unwrap_or_else(|| DRIFT_FIELD.to_owned());
                json!(text)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipidea_spec::TypeKind;

    fn envelope(data: Value) -> Value {
        json!({"ret": 0, "code": "1", "msg": "success", "ret_data": data, "timestamp": 1})
    }

    fn flow_page() -> Value {
        let spec = ipidea_spec::bundled();
        spec.endpoint("flow_order_list").unwrap().examples[0]
            .response
            .clone()
    }

    #[test]
    fn every_kind_and_set_round_trips_through_text() {
        for kind in DriftKind::INJECTED {
            assert_eq!(parse_drift(kind.as_str()), Ok(kind));
            assert_eq!(
                kind.to_string().parse::<DriftSet>(),
                Ok(DriftSet::from(kind))
            );
        }
        for text in [
            "all",
            "none",
            "unknown-field,null",
            "unknown-enum,bad-type,untyped-shape",
        ] {
            assert_eq!(text.parse::<DriftSet>().unwrap().to_string(), text);
        }
        assert_eq!(
            " Null , unknown-field,null".parse::<DriftSet>().unwrap(),
            DriftSet::from([DriftKind::UnknownField, DriftKind::Null])
        );
        let error = "unknown-field,nul"
            .parse::<DriftSet>()
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("unknown drift `nul`; did you mean `null`?"),
            "{error}"
        );
        assert!("".parse::<DriftSet>().is_err());
        assert_eq!(format!("{:?}", DriftSet::from(DriftKind::Null)), "{Null}");
    }

    #[test]
    fn no_kind_and_refusals_change_nothing() {
        let spec = ipidea_spec::bundled();
        let ty = TypeRef::Named("FlowOrderPage".into());
        let mut body = flow_page();
        let before = body.clone();
        assert!(
            apply(
                &spec,
                &spec.main_service().envelope,
                &ty,
                &mut body,
                DriftSet::none()
            )
            .is_empty()
        );
        assert_eq!(body, before);
        let mut refusal =
            json!({"ret": 1001, "code": "0", "msg": "no", "ret_data": [], "timestamp": 1});
        let refused = refusal.clone();
        assert!(
            apply(
                &spec,
                &spec.main_service().envelope,
                &ty,
                &mut refusal,
                DriftSet::all()
            )
            .is_empty()
        );
        assert_eq!(refusal, refused);
    }

    #[test]
    fn every_kind_on_a_flow_page() {
        let spec = ipidea_spec::bundled();
        let ty = TypeRef::Named("FlowOrderPage".into());
        let mut body = flow_page();
        let before = body.clone();
        let made = apply(
            &spec,
            &spec.main_service().envelope,
            &ty,
            &mut body,
            DriftSet::all(),
        );
        let paths: Vec<String> = made.iter().map(|(p, k)| format!("{p} {k}")).collect();
        assert_eq!(
            paths,
            [
                "ret_data.data[0].recharge_id null",
                "ret_data.data[0].recharge_type bad-type",
                "ret_data.data[0].pay_status unknown-enum",
                "ret_data.data[0].sandbox_drift unknown-field",
            ]
        );
        let order = &body["ret_data"]["data"][0];
        assert_eq!(order["recharge_id"], Value::Null);
        assert_eq!(order["recharge_type"], "abc");
        assert_eq!(order["pay_status"], 9);
        assert_eq!(order["sandbox_drift"], "x");
        // The envelope and the page are left alone.
        for key in ["ret", "code", "msg", "timestamp"] {
            assert_eq!(body[key], before[key]);
        }
        assert_eq!(body["ret_data"]["total"], before["ret_data"]["total"]);
        assert!(body["ret_data"].get("sandbox_drift").is_none());
        // The same again.
        let mut again = before.clone();
        assert_eq!(
            apply(
                &spec,
                &spec.main_service().envelope,
                &ty,
                &mut again,
                DriftSet::all()
            ),
            made
        );
        assert_eq!(again, body);
    }

    #[test]
    fn untyped_places_hold_records() {
        let spec = ipidea_spec::bundled();
        let page = TypeRef::Named("IspOrderPage".into());
        let mut empty = envelope(
            json!({"total": 0, "per_page": "15", "current_page": 1, "last_page": 0, "data": []}),
        );
        let made = apply(
            &spec,
            &spec.main_service().envelope,
            &page,
            &mut empty,
            DriftKind::UntypedShape.into(),
        );
        assert_eq!(
            made,
            [("ret_data.data[0]".to_owned(), DriftKind::UntypedShape)]
        );
        assert_eq!(empty["ret_data"]["data"], json!([untyped_shape()]));
        let item = json!({"order_id": "1", "num": 2});
        let mut full = envelope(
            json!({"total": 2, "per_page": "15", "current_page": 1, "last_page": 1, "data": [item, {}]}),
        );
        apply(
            &spec,
            &spec.main_service().envelope,
            &page,
            &mut full,
            DriftSet::all(),
        );
        assert_eq!(full["ret_data"]["data"], json!([item, untyped_shape()]));
        let json = TypeRef::Scalar(Scalar::Json);
        let mut listed = envelope(json!([]));
        apply(
            &spec,
            &spec.main_service().envelope,
            &json,
            &mut listed,
            DriftKind::UntypedShape.into(),
        );
        assert_eq!(listed["ret_data"], json!([untyped_shape()]));
        let mut null = envelope(Value::Null);
        apply(
            &spec,
            &spec.main_service().envelope,
            &json,
            &mut null,
            DriftKind::UntypedShape.into(),
        );
        assert_eq!(null["ret_data"], untyped_shape());
        assert_eq!(spec.check_value(&page, false, &full["ret_data"]), Ok(()));
    }

    #[test]
    fn enum_values_outside_the_enum_skip_known_values() {
        let mut spec = ipidea_spec::bundled();
        for t in spec.types.iter_mut().filter(|t| t.name == "PayStatus") {
            if let TypeKind::Enum { values, .. } = &mut t.kind {
                let mut nine = values[0].clone();
                nine.value = "9".into();
                values.push(nine);
            }
        }
        let walker = Walker {
            spec: &spec,
            kinds: DriftKind::UnknownEnum.into(),
            made: Vec::new(),
        };
        let pay = TypeRef::Named("PayStatus".into());
        assert_eq!(walker.unknown_enum_value(&pay), Some(json!(10)));
        let pool = TypeRef::Named("PoolTag".into());
        assert_eq!(
            walker.unknown_enum_value(&pool),
            Some(json!("sandbox_drift"))
        );
    }
}
