//! Whether a JSON value fits a spec type, the way the wire sends it.
//!
//! The API mixes numbers and strings for the same kind of value (`"15"` and `1`), so the check
//! is as lenient as the generated decoders: an integer may arrive as a string of digits, money
//! as a string or a number, a timestamp as either. The validation uses it for examples, and the
//! sandbox for the fields of incoming requests, so both agree with the client.

use std::cmp::Ordering;
use std::net::IpAddr;

use serde_json::Value;

use crate::days::Date;
use crate::model::*;
use crate::walk::{self, Place, Shape, Step, Visitor};

impl Spec {
    /// Checks that `value` fits `ty` (or is `null` where `nullable`); the error says why not,
    /// from the outermost place in: ``field `lists`: item 0: expected `ip`, found `"x"` ``.
    pub fn check_value(&self, ty: &TypeRef, nullable: bool, value: &Value) -> Result<(), String> {
        let mut check = Check {
            spec: self,
            error: None,
        };
        walk::walk(
            self,
            ty,
            nullable,
            Some(value),
            &Place::root(""),
            &mut check,
        );
        check.error.map_or(Ok(()), Err)
    }

    /// The first range of `endpoint` that a request would send ending before it starts: a
    /// request field with `not_before` whose wire value (from `value`, by field name) is
    /// earlier than that of the field it names, as `(end field, start field)`. Fields left out
    /// (`None`), and values that do not fit their type, are not compared. The CLI, `spec
    /// verify` and the sandbox check ranges through this; the generated client checks typed
    /// values with the same rule.
    pub fn reversed_range<'e>(
        &self,
        endpoint: &'e Endpoint,
        value: impl Fn(&str) -> Option<Value>,
    ) -> Option<(&'e Field, &'e Field)> {
        endpoint.request.iter().find_map(|end| {
            let start_name = end.not_before.as_deref()?;
            let start = endpoint.request.iter().find(|f| f.name == start_name)?;
            let order = self.compare_values(&end.ty, &value(&end.name)?, &value(&start.name)?);
            (order == Some(Ordering::Less)).then_some((end, start))
        })
    }

    /// How two wire values of an ordered scalar type compare (see [`Scalar::is_ordered`]),
    /// each read as leniently as [`Spec::check_value`] reads it: a date in `api.date_format`
    /// or ISO, an integer or timestamp as a number or a string of digits, a decimal as a number
    /// or a string. `None` where `ty` has no order or a value does not fit it.
    pub fn compare_values(&self, ty: &TypeRef, a: &Value, b: &Value) -> Option<Ordering> {
        let TypeRef::Scalar(scalar) = ty else {
            return None;
        };
        match scalar {
            Scalar::Date => {
                let date = |v: &Value| Date::parse(v.as_str()?, &self.api.date_format);
                Some(date(a)?.cmp(&date(b)?))
            }
            Scalar::Timestamp | Scalar::I32 | Scalar::I64 | Scalar::U32 | Scalar::U64 => {
                Some(integer(a)?.cmp(&integer(b)?))
            }
            Scalar::Decimal => crate::decimal::compare(&decimal_text(a)?, &decimal_text(b)?),
            _ => None,
        }
    }

    fn check_scalar(&self, scalar: Scalar, value: &Value) -> Result<(), String> {
        let fits = match scalar {
            Scalar::Json => true,
            Scalar::String => matches!(value, Value::String(_) | Value::Number(_)),
            Scalar::I32 | Scalar::I64 | Scalar::U32 | Scalar::U64 => {
                let (min, max) = scalar.integer_range().unwrap_or((0, 0));
                return match integer(value) {
                    Some(n) if n >= min && n <= max => Ok(()),
                    Some(n) => Err(format!("{n} does not fit in `{}`", scalar.name())),
                    None => Err(format!("expected an integer, found {}", describe(value))),
                };
            }
            // `true`, `false`, `0` and `1`; as text, `"0"` and `"1"` (spaces around allowed),
            // and `"true"` and `"false"` as they are.
            Scalar::Bool => match value {
                Value::Bool(_) => true,
                Value::Number(_) => matches!(integer(value), Some(0 | 1)),
                Value::String(s) => {
                    matches!(s.trim(), "0" | "1") || matches!(&**s, "true" | "false")
                }
                _ => false,
            },
            // A number the client's `Decimal` holds (under 7.9e28), or text in the decimal
            // grammar (`ipidea_spec::decimal`).
            Scalar::Decimal => match value {
                Value::Number(n) => {
                    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.abs() < 7.9e28)
                }
                Value::String(s) => crate::decimal::is_decimal(s.trim()),
                _ => false,
            },
            Scalar::Country => value
                .as_str()
                .is_some_and(|s| crate::encode::country(s).is_ok()),
            Scalar::Date => match value.as_str() {
                Some(s) => Date::parse(s, &self.api.date_format).is_some(),
                None => false,
            },
            Scalar::Timestamp => integer(value).is_some_and(|n| i64::try_from(n).is_ok()),
            Scalar::Ip => value
                .as_str()
                .is_some_and(|s| s.trim().parse::<IpAddr>().is_ok()),
            Scalar::JsonString => match value {
                Value::String(s) => serde_json::from_str::<Value>(s).is_ok(),
                Value::Object(_) | Value::Array(_) => true,
                _ => false,
            },
        };
        if fits {
            Ok(())
        } else {
            Err(format!(
                "expected `{}`, found {}",
                scalar.name(),
                describe(value)
            ))
        }
    }
}

/// The wire check as a walk: the first problem, in walk order, with its place.
struct Check<'s> {
    spec: &'s Spec,
    error: Option<String>,
}

impl Check<'_> {
    fn fail(&mut self, place: &Place<'_>, message: impl std::fmt::Display) {
        if self.error.is_none() {
            self.error = Some(format!("{}{message}", place.prose()));
        }
    }

    /// The problem with `value` at a place of shape `shape`, where the value is there and is
    /// not a `null` the walk allows; `Ok(true)` to walk into its children.
    fn fits(&self, shape: Shape<'_>, value: &Value) -> Result<bool, String> {
        match shape {
            Shape::Empty => Ok(false),
            Shape::Scalar(scalar) => self.spec.check_scalar(scalar, value).map(|()| false),
            Shape::List(_) if value.is_array() => Ok(true),
            Shape::List(_) => Err(format!("expected a list, found {}", describe(value))),
            Shape::Csv(item) => match value {
                Value::String(text) => {
                    for (i, part) in split_csv(text).enumerate() {
                        let part = Value::String(part.to_owned());
                        self.spec
                            .check_value(item, false, &part)
                            .map_err(|e| format!("item {i} of the `,`-joined list: {e}"))?;
                    }
                    Ok(false)
                }
                other => Err(format!(
                    "expected a `,`-joined string, found {}",
                    describe(other)
                )),
            },
            Shape::Unknown(name) => Err(format!("unknown type `{name}`")),
            Shape::Enum { name, repr, values } => {
                let text = match (value, repr) {
                    (Value::String(s), _) => s.clone(),
                    (Value::Number(n), EnumRepr::Integer) => n.to_string(),
                    (other, _) => {
                        return Err(format!(
                            "expected a value of `{name}`, found {}",
                            describe(other)
                        ));
                    }
                };
                if values.iter().any(|v| v.value == text) {
                    Ok(false)
                } else {
                    let known: Vec<String> =
                        values.iter().map(|v| format!("`{}`", v.value)).collect();
                    Err(format!(
                        "`{text}` is not a value of `{name}`; expected one of {}",
                        known.join(", ")
                    ))
                }
            }
            Shape::Record { name, .. } if !value.is_object() => Err(format!(
                "expected a `{name}` object, found {}",
                describe(value)
            )),
            Shape::Page { name, .. } if !value.is_object() => Err(format!(
                "expected a `{name}` page object, found {}",
                describe(value)
            )),
            Shape::Record { .. } | Shape::Page { .. } => Ok(true),
        }
    }
}

impl<'a> Visitor<'a> for Check<'_> {
    fn visit(
        &mut self,
        place: &Place<'_>,
        shape: Shape<'a>,
        nullable: bool,
        value: Option<&'a Value>,
    ) -> bool {
        if self.error.is_some() {
            return false;
        }
        // A missing field is the problem of the record (or page) that lacks it.
        let parent = place.parent().unwrap_or(place);
        let value = match (place.step(), value) {
            // `empty` data is whatever a call with nothing to return sends: `[]`, `{}` or `null`.
            (_, _) if shape == Shape::Empty => return false,
            (_, None) if nullable => return false,
            (Step::Field { record, name }, None) => {
                self.fail(parent, format!("missing field `{name}` of `{record}`"));
                return false;
            }
            (Step::PageCount(key) | Step::PageItems { key, .. }, None) => {
                self.fail(parent, format!("missing page field `{key}`"));
                return false;
            }
            (_, None) => return false,
            // A page's count is read as a number whatever it is, `null` included.
            (Step::PageCount(_), Some(value)) => value,
            (_, Some(Value::Null)) if nullable => return false,
            (_, Some(Value::Null)) => {
                self.fail(place, "expected a value, found `null`");
                return false;
            }
            (_, Some(value)) => value,
        };
        match self.fits(shape, value) {
            Ok(walk_on) => walk_on,
            Err(message) => {
                self.fail(place, message);
                false
            }
        }
    }

    /// A record's keys that it does not declare, once its fields are checked.
    fn leave(&mut self, place: &Place<'_>, shape: Shape<'a>, value: Option<&'a Value>) {
        if let (Shape::Record { name, fields }, Some(Value::Object(map))) = (shape, value) {
            if let Some(extra) = map.keys().find(|k| !fields.iter().any(|f| &f.name == *k)) {
                self.fail(
                    place,
                    format!("field `{extra}` is not declared in `{name}`"),
                );
            }
        }
    }

    fn too_deep(&mut self, parent: &Place<'_>) {
        self.fail(parent, "the types nest too deeply");
    }
}

/// An integer sent as a number or as a string of digits.
pub fn integer(value: &Value) -> Option<i128> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The text of a decimal sent as a number or as a string, for [`crate::decimal::compare`].
pub fn decimal_text(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.trim().to_owned()),
        _ => None,
    }
}

/// The parts of a `,`-joined list, with spaces around each part trimmed and empty parts dropped.
pub fn split_csv(text: &str) -> impl Iterator<Item = &str> {
    text.split(crate::encode::CSV_SEPARATOR)
        .map(str::trim)
        .filter(|part| !part.is_empty())
}

fn describe(value: &Value) -> String {
    let mut text = value.to_string();
    if text.len() > 40 {
        let cut = (0..=40)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        text.truncate(cut);
        text.push('…');
    }
    format!("`{text}`")
}

/// A form of wire texts (`(field, text)` pairs, as a request sends them) as the JSON fields
/// that [`Spec::check_request`] reads.
pub fn form_fields(fields: &[(&str, String)]) -> serde_json::Map<String, Value> {
    fields
        .iter()
        .map(|(name, text)| ((*name).to_owned(), Value::String(text.clone())))
        .collect()
}

/// The record a `json` place holds, where it holds one: a non-empty object.
pub fn as_record(value: &Value) -> Option<&serde_json::Map<String, Value>> {
    value.as_object().filter(|map| !map.is_empty())
}

/// Whether a `json` place holds records: a record, or a list with one ([`as_record`]). Such a
/// shape is what the spec could name with a type.
pub fn holds_records(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().any(|item| as_record(item).is_some()),
        other => as_record(other).is_some(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn leniency_matches_the_wire() {
        let spec = crate::bundled();
        let check = |ty: &str, v: Value| spec.check_value(&TypeRef::parse(ty).unwrap(), false, &v);
        assert!(check("u32", json!("15")).is_ok());
        assert!(check("u32", json!(15)).is_ok());
        assert!(check("u32", json!(-1)).is_err());
        assert!(check("u32", json!("x")).is_err());
        assert!(check("date", json!("2022-5-1")).is_ok());
        assert!(check("date", json!("2022-05-01")).is_ok());
        assert!(check("date", json!("2022-13-01")).is_err());
        assert!(check("csv<ip>", json!("156.237.6.97, 156.237.6.98")).is_ok());
        assert!(
            check("csv<ip>", json!("156.237.6.97,nope"))
                .unwrap_err()
                .contains("item 1")
        );
        assert!(check("PayStatus", json!(1)).is_ok());
        assert!(check("PayStatus", json!("1")).is_ok());
        assert!(check("PayStatus", json!("2")).is_err());
        assert!(
            check("IspDuration", json!("week"))
                .unwrap_err()
                .contains("`weekly`")
        );
        assert!(check("decimal", json!("0.01")).is_ok());
        assert!(check("timestamp", json!("1653101538")).is_ok());
        assert!(check("json_string", json!("{\"a\":1}")).is_ok());
        assert!(check("json_string", json!("{nope")).is_err());
    }

    #[test]
    fn a_reversed_range_is_found_where_both_ends_are_given() {
        let spec = crate::bundled();
        let endpoint = spec.endpoint("balance_use_record").unwrap();
        fn values(
            start: Option<&'static str>,
            end: Option<&'static str>,
        ) -> impl Fn(&str) -> Option<Value> {
            move |name: &str| match name {
                "start_time" => start.map(|s| Value::String(s.to_owned())),
                "end_time" => end.map(|s| Value::String(s.to_owned())),
                _ => None,
            }
        }
        let found = spec.reversed_range(endpoint, values(Some("1656604800"), Some("1656518400")));
        let names = found.map(|(end, start)| (end.name.as_str(), start.name.as_str()));
        assert_eq!(names, Some(("end_time", "start_time")));
        // One day is a range of one instant; a missing end or a value that does not fit is not
        // compared.
        for (start, end) in [
            (Some("1656518400"), Some("1656518400")),
            (Some("1656518400"), None),
            (Some("soon"), Some("1656518400")),
        ] {
            assert!(spec.reversed_range(endpoint, values(start, end)).is_none());
        }
        // Dates of an order list compare as dates, not as text: 2022-5-9 is before 2022-5-10.
        let list = spec.endpoint("isp_order_list").unwrap();
        let dates = |name: &str| match name {
            "start_time" => Some(Value::String("2022-5-9".to_owned())),
            "end_time" => Some(Value::String("2022-5-10".to_owned())),
            _ => None,
        };
        assert!(spec.reversed_range(list, dates).is_none());
    }

    #[test]
    fn ordered_values_compare_as_leniently_as_they_are_read() {
        use std::cmp::Ordering::*;
        let spec = crate::bundled();
        let compare = |ty: &str, a: Value, b: Value| {
            spec.compare_values(&TypeRef::parse(ty).unwrap(), &a, &b)
        };
        assert_eq!(
            compare("date", json!("2022-5-31"), json!("2022-05-01")),
            Some(Greater)
        );
        assert_eq!(
            compare("date", json!("2022-5-1"), json!("2022-05-01")),
            Some(Equal)
        );
        assert_eq!(compare("u32", json!("9"), json!(10)), Some(Less));
        assert_eq!(
            compare("timestamp", json!(1653375560), json!("1653375559")),
            Some(Greater)
        );
        assert_eq!(compare("decimal", json!("0.10"), json!(0.1)), Some(Equal));
        assert_eq!(compare("decimal", json!(100), json!("99.5")), Some(Greater));
        // Beyond the decimal grammar, so not compared (and refused by the wire check).
        assert_eq!(compare("decimal", json!("1e2"), json!("99.5")), None);
        assert_eq!(compare("date", json!("May"), json!("2022-5-1")), None);
        assert_eq!(compare("string", json!("a"), json!("b")), None);
    }
}
