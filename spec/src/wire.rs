//! Whether a JSON value fits a spec type, the way the wire sends it.
//!
//! The API mixes numbers and strings for the same kind of value (`"15"` and `1`), so the check
//! is as lenient as the generated decoders: an integer may arrive as a string of digits, money
//! as a string or a number, a timestamp as either. The validation uses it for examples, and the
//! sandbox for the fields of incoming requests, so both agree with the client.

use std::cmp::Ordering;
use std::net::IpAddr;

use serde_json::Value;

use crate::model::*;

impl Spec {
    /// Checks that `value` fits `ty` (or is `null` where `nullable`); the error says why not.
    pub fn check_value(&self, ty: &TypeRef, nullable: bool, value: &Value) -> Result<(), String> {
        self.check_at(ty, nullable, value, 0)
    }

    fn check_at(
        &self,
        ty: &TypeRef,
        nullable: bool,
        value: &Value,
        depth: usize,
    ) -> Result<(), String> {
        if depth > 32 {
            return Err("the types nest too deeply".to_owned());
        }
        if *ty == TypeRef::Empty {
            // `empty` data is whatever a call with nothing to return sends: `[]`, `{}` or `null`.
            return Ok(());
        }
        if value.is_null() {
            return if nullable {
                Ok(())
            } else {
                Err("expected a value, found `null`".to_owned())
            };
        }
        match ty {
            TypeRef::Empty => Ok(()),
            TypeRef::Scalar(scalar) => self.check_scalar(*scalar, value),
            TypeRef::List(item) => match value {
                Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item_value)| {
                    self.check_at(item, false, item_value, depth + 1)
                        .map_err(|e| format!("item {i}: {e}"))
                }),
                other => Err(format!("expected a list, found {}", describe(other))),
            },
            TypeRef::Csv(item) => match value {
                Value::String(text) => split_csv(text).enumerate().try_for_each(|(i, part)| {
                    self.check_at(item, false, &Value::String(part.to_owned()), depth + 1)
                        .map_err(|e| format!("item {i} of the `,`-joined list: {e}"))
                }),
                other => Err(format!(
                    "expected a `,`-joined string, found {}",
                    describe(other)
                )),
            },
            TypeRef::Named(name) => match self.type_def(name).map(|t| &t.kind) {
                None => Err(format!("unknown type `{name}`")),
                Some(TypeKind::Enum { repr, values }) => {
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
                        Ok(())
                    } else {
                        let known: Vec<String> =
                            values.iter().map(|v| format!("`{}`", v.value)).collect();
                        Err(format!(
                            "`{text}` is not a value of `{name}`; expected one of {}",
                            known.join(", ")
                        ))
                    }
                }
                Some(TypeKind::Record { fields }) => {
                    let Value::Object(map) = value else {
                        return Err(format!(
                            "expected a `{name}` object, found {}",
                            describe(value)
                        ));
                    };
                    for field in fields {
                        match map.get(&field.name) {
                            None if field.nullable => {}
                            None => {
                                return Err(format!("missing field `{}` of `{name}`", field.name));
                            }
                            Some(v) => self
                                .check_at(&field.ty, field.nullable, v, depth + 1)
                                .map_err(|e| format!("field `{}`: {e}", field.name))?,
                        }
                    }
                    match map.keys().find(|k| !fields.iter().any(|f| &f.name == *k)) {
                        Some(extra) => Err(format!("field `{extra}` is not declared in `{name}`")),
                        None => Ok(()),
                    }
                }
                Some(TypeKind::Page { item }) => {
                    let Value::Object(map) = value else {
                        return Err(format!(
                            "expected a `{name}` page object, found {}",
                            describe(value)
                        ));
                    };
                    let layout = &self.api.page;
                    for key in [
                        &layout.total,
                        &layout.per_page,
                        &layout.current_page,
                        &layout.last_page,
                    ] {
                        let Some(v) = map.get(key) else {
                            return Err(format!("missing page field `{key}`"));
                        };
                        self.check_scalar(Scalar::U64, v)
                            .map_err(|e| format!("page field `{key}`: {e}"))?;
                    }
                    match map.get(&layout.items) {
                        None => Err(format!("missing page field `{}`", layout.items)),
                        Some(items) => self.check_at(
                            &TypeRef::List(Box::new(item.clone())),
                            false,
                            items,
                            depth + 1,
                        ),
                    }
                }
            },
        }
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
                let date = |v: &Value| parse_date(v.as_str()?, &self.api.date_format);
                Some(date(a)?.cmp(&date(b)?))
            }
            Scalar::Timestamp | Scalar::I32 | Scalar::I64 | Scalar::U32 | Scalar::U64 => {
                Some(integer(a)?.cmp(&integer(b)?))
            }
            Scalar::Decimal => Some(decimal(a)?.cmp(&decimal(b)?)),
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
            Scalar::Decimal => match value {
                Value::Number(_) => true,
                Value::String(s) => s.trim().parse::<rust_decimal::Decimal>().is_ok(),
                _ => false,
            },
            Scalar::Date => match value.as_str() {
                Some(s) => parse_date(s, &self.api.date_format).is_some(),
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

/// A decimal sent as a number or as a string.
pub fn decimal(value: &Value) -> Option<rust_decimal::Decimal> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        _ => return None,
    };
    text.parse()
        .ok()
        .or_else(|| rust_decimal::Decimal::from_scientific(&text).ok())
}

/// The parts of a `,`-joined list, with spaces around each part trimmed and empty parts dropped.
pub fn split_csv(text: &str) -> impl Iterator<Item = &str> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
}

/// Writes `date` in `format`; `None` when the format asks for more than a date has.
pub fn format_date(date: chrono::NaiveDate, format: &str) -> Option<String> {
    use std::fmt::Write;
    let mut text = String::new();
    write!(text, "{}", date.format(format)).ok()?;
    Some(text)
}

/// Parses a date in `format`, also accepting ISO `2022-05-01` and the unpadded `2022-5-1`.
pub fn parse_date(text: &str, format: &str) -> Option<chrono::NaiveDate> {
    let text = text.trim();
    chrono::NaiveDate::parse_from_str(text, format)
        .or_else(|_| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .ok()
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

/// The value that a form of wire texts (`(field, text)` pairs, as a request sends them) gives
/// the field `name`, as JSON: what [`Spec::reversed_range`] and the other checks read.
pub fn form_value(fields: &[(&str, String)], name: &str) -> Option<Value> {
    fields
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| Value::String(v.clone()))
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
        assert_eq!(
            compare("decimal", json!("1e2"), json!("99.5")),
            Some(Greater)
        );
        assert_eq!(compare("date", json!("May"), json!("2022-5-1")), None);
        assert_eq!(compare("string", json!("a"), json!("b")), None);
    }
}
