//! Which endpoints verification calls, and with which request values.
//!
//! [`plan`] is a pure function of the spec, the user's `--field` overrides and the day: it
//! never picks an endpoint that changes anything (see [`is_safe`]), and it sends as little
//! as a call needs.

use std::str::FromStr;

use chrono::NaiveDate;
use ipidea_spec::days::Date;
use ipidea_spec::request::RequestProblem;
use ipidea_spec::{Endpoint, Field, Scalar, Spec, TypeRef};
use serde_json::Value;

use super::is_safe;

/// The page size a paging endpoint is asked for: one small page is enough to see the shape.
pub const PAGE_SIZE: u32 = 5;

/// Days in the time range of a call that needs one: the last 7 days, today included.
const RANGE_DAYS: i64 = 7;

/// A request value given by the user: `--field endpoint.field=value`, the value as it goes on
/// the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldOverride {
    /// The endpoint's name.
    pub endpoint: String,
    /// The request field's wire name.
    pub field: String,
    /// The wire value.
    pub value: String,
}

impl FromStr for FieldOverride {
    type Err = String;

    /// Reads `endpoint.field=value`.
    fn from_str(text: &str) -> Result<FieldOverride, String> {
        let bad = || format!("`{text}` is not ENDPOINT.FIELD=VALUE");
        let (target, value) = text.split_once('=').ok_or_else(bad)?;
        let (endpoint, field) = target.trim().split_once('.').ok_or_else(bad)?;
        if endpoint.is_empty() || field.is_empty() {
            return Err(bad());
        }
        Ok(FieldOverride {
            endpoint: endpoint.to_owned(),
            field: field.to_owned(),
            value: value.trim().to_owned(),
        })
    }
}

/// What verification does with one safe endpoint.
#[derive(Debug, Clone, PartialEq)]
pub enum Planned<'a> {
    /// Call it once with these fields.
    Call {
        /// The endpoint; it always changes nothing.
        endpoint: &'a Endpoint,
        /// The request fields, wire names and wire values, in the spec's order.
        fields: Vec<(&'a str, String)>,
        /// Where values came from, where that matters to the reader. Never a value.
        notes: Vec<String>,
    },
    /// Do not call it.
    Skip {
        /// The endpoint.
        endpoint: &'a Endpoint,
        /// Why, and what would let it be called.
        reason: String,
    },
}

impl<'a> Planned<'a> {
    /// The endpoint planned for.
    pub fn endpoint(&self) -> &'a Endpoint {
        match self {
            Planned::Call { endpoint, .. } | Planned::Skip { endpoint, .. } => endpoint,
        }
    }
}

/// Where a field sits in a time range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RangeEnd {
    Start,
    End,
}

/// Plans a call for each safe endpoint of `spec`, in spec order, with `today` the vendor's day
/// (days from midnight UTC+8).
///
/// Request values, field by field:
/// - a value from `overrides` (`--field endpoint.field=value`) wins;
/// - a paging endpoint asks for page 1 of [`PAGE_SIZE`] items (within the field's bounds);
/// - a required `date` or `timestamp` that starts or ends a range (its `not_before`, or
///   `start`/`end` in its name) covers the last 7 days, today included;
/// - another required field takes the value of the endpoint's first example request, else the
///   field's own example;
/// - an optional field is left out.
///
/// An endpoint with a required field that none of these supplies is skipped, with the
/// `--field` to pass. An override that names an unknown endpoint or field, an endpoint that
/// changes anything, a value that does not fit its field, or a range that ends before it starts
/// is an error.
pub fn plan<'a>(
    spec: &'a Spec,
    overrides: &[FieldOverride],
    today: NaiveDate,
) -> Result<Vec<Planned<'a>>, String> {
    for given in overrides {
        check_override(spec, given)?;
    }
    let mut planned = Vec::new();
    for endpoint in super::safe_endpoints(spec) {
        planned.push(plan_endpoint(spec, endpoint, overrides, today)?);
    }
    Ok(planned)
}

fn check_override(spec: &Spec, given: &FieldOverride) -> Result<(), String> {
    let flag = format!("--field {}.{}", given.endpoint, given.field);
    let Some(endpoint) = spec.endpoint(&given.endpoint) else {
        return Err(format!(
            "{flag}: the spec has no endpoint `{}`",
            given.endpoint
        ));
    };
    if !is_safe(endpoint) {
        return Err(format!(
            "{flag}: `{}` {}, so verify never calls it",
            endpoint.name,
            endpoint.changes.describe()
        ));
    }
    let Some(field) = endpoint.request.iter().find(|f| f.name == given.field) else {
        let known: Vec<String> = endpoint
            .request
            .iter()
            .map(|f| format!("`{}`", f.name))
            .collect();
        let known = if known.is_empty() {
            "it has no request fields".to_owned()
        } else {
            format!("its fields are {}", known.join(", "))
        };
        return Err(format!(
            "{flag}: `{}` has no request field `{}`; {known}",
            endpoint.name, given.field
        ));
    };
    // The value itself is the user's and is not repeated: it may be an account's id.
    let value = Value::String(given.value.clone());
    spec.check_field(field, &value)
        .map_err(|_| format!("{flag}: the value does not fit `{}`", field.ty))
}

fn plan_endpoint<'a>(
    spec: &'a Spec,
    endpoint: &'a Endpoint,
    overrides: &[FieldOverride],
    today: NaiveDate,
) -> Result<Planned<'a>, String> {
    let mut fields: Vec<(&'a str, String)> = Vec::new();
    let mut notes = Vec::new();
    let mut missing = Vec::new();
    let example = endpoint.examples.first().map(|e| &e.request);
    for field in &endpoint.request {
        let given = overrides
            .iter()
            .rev()
            .find(|o| o.endpoint == endpoint.name && o.field == field.name);
        if let Some(given) = given {
            fields.push((&field.name, given.value.clone()));
            continue;
        }
        if let Some(value) = paging_value(endpoint, field) {
            fields.push((&field.name, value));
            continue;
        }
        if !field.required {
            continue;
        }
        if let Some(value) = range_value(spec, endpoint, field, today) {
            fields.push((&field.name, value));
            continue;
        }
        let from_example = example
            .and_then(|request| request.get(&field.name))
            .or(field.example.as_ref())
            .and_then(wire_text);
        match from_example {
            Some(value) => {
                if looks_like_an_id(&field.name) {
                    notes.push(format!(
                        "`{}` is the spec's example value, likely not one of your account's; \
                         pass `--field {}.{}=…` for one of yours",
                        field.name, endpoint.name, field.name
                    ));
                } else {
                    notes.push(format!("`{}` is the spec's example value", field.name));
                }
                fields.push((&field.name, value));
            }
            None => missing.push(&field.name),
        }
    }
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|n| format!("`{n}`")).collect();
        let flags: Vec<String> = missing
            .iter()
            .map(|n| format!("--field {}.{n}=…", endpoint.name))
            .collect();
        return Ok(Planned::Skip {
            endpoint,
            reason: format!("needs {}: pass `{}`", names.join(", "), flags.join(" ")),
        });
    }
    check_ranges(spec, endpoint, &fields)?;
    Ok(Planned::Call {
        endpoint,
        fields,
        notes,
    })
}

/// Page 1, or a page of [`PAGE_SIZE`] items within the field's bounds.
fn paging_value(endpoint: &Endpoint, field: &Field) -> Option<String> {
    let paging = endpoint.paging.as_ref()?;
    if paging.page == field.name {
        let first = field.bounds.minimum.unwrap_or(1).max(1);
        return Some(first.to_string());
    }
    if paging.limit == field.name {
        let mut size = i64::from(PAGE_SIZE);
        if let Some(max) = field.bounds.maximum {
            size = size.min(max);
        }
        if let Some(min) = field.bounds.minimum {
            size = size.max(min);
        }
        return Some(size.to_string());
    }
    None
}

/// Whether `field` starts or ends a time range: its `not_before` (an end names its start),
/// another field's `not_before` naming it, or its name.
fn range_end(endpoint: &Endpoint, field: &Field) -> Option<RangeEnd> {
    if !matches!(
        field.ty,
        TypeRef::Scalar(Scalar::Date) | TypeRef::Scalar(Scalar::Timestamp)
    ) {
        return None;
    }
    if field.not_before.is_some() {
        return Some(RangeEnd::End);
    }
    if endpoint
        .request
        .iter()
        .any(|f| f.not_before.as_deref() == Some(&field.name))
    {
        return Some(RangeEnd::Start);
    }
    let name = field.name.to_ascii_lowercase();
    if name.contains("end") || name.contains("until") || name.starts_with("to_") {
        Some(RangeEnd::End)
    } else if name.contains("start") || name.contains("begin") || name.starts_with("from") {
        Some(RangeEnd::Start)
    } else {
        None
    }
}

/// The last [`RANGE_DAYS`] days: a date in the API's format, or the unix seconds of the day's
/// start for the vendor.
fn range_value(
    spec: &Spec,
    endpoint: &Endpoint,
    field: &Field,
    today: NaiveDate,
) -> Option<String> {
    let day = match range_end(endpoint, field)? {
        RangeEnd::Start => today - chrono::Duration::days(RANGE_DAYS - 1),
        RangeEnd::End => today,
    };
    match field.ty {
        TypeRef::Scalar(Scalar::Date) => Date::from(day).format(&spec.api.date_format),
        _ => Some(ipidea_spec::encode::timestamp(day_start(spec, day))),
    }
}

/// Unix seconds of the start of `day` as the API counts days (`api.utc_offset`).
fn day_start(spec: &Spec, day: NaiveDate) -> i64 {
    spec.api.utc_offset.day_start(Date::from(day).day_number())
}

/// A wire value as form text; `None` for an empty one, which leaves a field out.
fn wire_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// `id`, `sub_id`, `account_id`, `orderId`: values that belong to one account.
fn looks_like_an_id(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "id" || lower.ends_with("_id") || name.ends_with("Id")
}

/// Refuses a planned request that the spec's one request check finds a range in that ends
/// before it starts (an override can make one). Its values were each checked as they were
/// planned.
fn check_ranges(spec: &Spec, endpoint: &Endpoint, fields: &[(&str, String)]) -> Result<(), String> {
    let request = ipidea_spec::wire::form_fields(fields);
    let reversed = spec
        .check_request(endpoint, &request)
        .into_iter()
        .find_map(|problem| match problem {
            RequestProblem::Reversed { end, start } => Some((end, start)),
            _ => None,
        });
    match reversed {
        Some((end, start)) => Err(format!(
            "`{}` of `{}` would end before its `{}`: a range must not end before it starts; \
             check the --field values",
            end.name, endpoint.name, start.name
        )),
        None => Ok(()),
    }
}
