//! Lenient decoding of response fields.
//!
//! The API sends the same kind of value as a number in one place and a string in another
//! (`"per_page": "15"` but `"current_page": 1`). Every generated response field decodes through
//! [`Lenient`], which accepts both, so that such drift never fails a call.
//!
//! What the spec documents (spec/README.md, "Wire leniency") is accepted silently. The few
//! forms accepted beyond it call [`note_coercion`], so that a client with a drift listener can
//! report them (`drift.rs`, whose `coerced_*` rules are the same list).

use std::fmt;
use std::marker::PhantomData;
use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use std::cell::Cell;

use serde_json::Value;

thread_local! {
    /// Coercions made by the decoders on this thread since the counter was last taken.
    static COERCIONS: Cell<u32> = const { Cell::new(0) };
}

/// Called by a decoder that accepted a value in a form the spec does not document. Decoding is
/// synchronous, so the thread's count, taken before and after a decode, is that decode's.
pub(crate) fn note_coercion() {
    COERCIONS.with(|count| count.set(count.get().saturating_add(1)));
}

/// The coercions noted on this thread since the last call.
pub(crate) fn take_coercions() -> u32 {
    COERCIONS.with(|count| count.replace(0))
}

thread_local! {
    /// The date format of the API whose response this thread is decoding (`api.date_format`);
    /// ISO `%Y-%m-%d` outside a client's decode.
    static DATE_FORMAT: Cell<&'static str> = const { Cell::new("%Y-%m-%d") };
}

/// Runs `decode` with `format` as the API's date format, for the dates it reads: the decoders
/// read a `date` as the spec's wire check does (`ipidea_spec::days::Date::parse`, the format or
/// ISO). Decoding is synchronous, so the thread's format is the decode's.
pub(crate) fn with_date_format<R>(format: &'static str, decode: impl FnOnce() -> R) -> R {
    /// Puts the previous format back, however the decode ends.
    struct Restore(&'static str);
    impl Drop for Restore {
        fn drop(&mut self) {
            DATE_FORMAT.with(|format| format.set(self.0));
        }
    }
    let _restore = Restore(DATE_FORMAT.with(|current| current.replace(format)));
    decode()
}

/// A response value that decodes leniently and encodes in its canonical wire form.
///
/// Implemented for the scalars of the spec format, `Option` and `Vec` of them, and every
/// generated type. Generated fields use it through `#[serde(with = "…::lenient")]`.
pub trait Lenient: Sized {
    /// Decodes a value, accepting the wire's variations.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
    /// Encodes a value in its canonical wire form.
    fn serialize_lenient<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

/// `serde(with = ...)` glue for [`Lenient`] fields.
pub mod serde_with {
    use super::*;

    /// Decodes a [`Lenient`] value.
    pub fn deserialize<'de, D: Deserializer<'de>, T: Lenient>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        T::deserialize_lenient(deserializer)
    }

    /// Encodes a [`Lenient`] value.
    pub fn serialize<S: Serializer, T: Lenient>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize_lenient(serializer)
    }
}

/// Implements [`Lenient`] with the type's own serde impls, for types that need no leniency.
#[macro_export]
#[doc(hidden)]
macro_rules! __lenient_via_serde {
    ($($ty:ty),*) => {$(
        impl $crate::runtime::Lenient for $ty {
            fn deserialize_lenient<'de, D: $crate::__private::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                <$ty as $crate::__private::serde::Deserialize>::deserialize(d)
            }
            fn serialize_lenient<S: $crate::__private::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                <$ty as $crate::__private::serde::Serialize>::serialize(self, s)
            }
        }
    )*};
}

__lenient_via_serde!(Value);

/// What a scalar visitor saw, so one visitor body serves numbers and strings alike.
enum Seen<'a> {
    Str(&'a str),
    I(i64),
    U(u64),
    F(f64),
    Bool(bool),
}

/// A visitor that hands whatever scalar it sees to `convert`.
struct ScalarVisitor<T, F> {
    expecting: &'static str,
    convert: F,
    marker: PhantomData<T>,
}

impl<'de, T, F: FnOnce(Seen<'_>) -> Option<T>> Visitor<'de> for ScalarVisitor<T, F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        let expecting = self.expecting;
        (self.convert)(Seen::Str(v))
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &expecting))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        let expecting = self.expecting;
        (self.convert)(Seen::I(v))
            .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &expecting))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        let expecting = self.expecting;
        (self.convert)(Seen::U(v))
            .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &expecting))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        let expecting = self.expecting;
        (self.convert)(Seen::F(v))
            .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &expecting))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        let expecting = self.expecting;
        (self.convert)(Seen::Bool(v))
            .ok_or_else(|| E::invalid_value(de::Unexpected::Bool(v), &expecting))
    }
}

fn scalar<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    expecting: &'static str,
    convert: impl FnOnce(Seen<'_>) -> Option<T>,
) -> Result<T, D::Error> {
    deserializer.deserialize_any(ScalarVisitor {
        expecting,
        convert,
        marker: PhantomData,
    })
}

macro_rules! lenient_integer {
    ($($ty:ty => $expecting:literal),*) => {$(
        impl Lenient for $ty {
            fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                scalar(d, $expecting, |seen| match seen {
                    Seen::I(n) => <$ty>::try_from(n).ok(),
                    Seen::U(n) => <$ty>::try_from(n).ok(),
                    Seen::Str(s) => s.trim().parse().ok(),
                    // Undocumented: an integer written as a float (`15.0`, `1e3`).
                    Seen::F(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                        note_coercion();
                        <$ty>::try_from(f as i64).ok()
                    }
                    Seen::F(_) | Seen::Bool(_) => None,
                })
            }
            fn serialize_lenient<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.serialize(s)
            }
        }
    )*};
}

lenient_integer!(
    i32 => "an i32, as a number or a string of digits",
    i64 => "an i64, as a number or a string of digits",
    u32 => "a u32, as a number or a string of digits",
    u64 => "a u64, as a number or a string of digits"
);

impl Lenient for String {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(d, "a string", |seen| {
            Some(match seen {
                Seen::Str(s) => s.to_owned(),
                Seen::I(n) => n.to_string(),
                Seen::U(n) => n.to_string(),
                Seen::F(f) => f.to_string(),
                // Undocumented: a boolean for a string.
                Seen::Bool(b) => {
                    note_coercion();
                    b.to_string()
                }
            })
        })
    }
    fn serialize_lenient<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

impl Lenient for bool {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(d, "a boolean, 0 or 1", |seen| match seen {
            Seen::Bool(b) => Some(b),
            Seen::I(0) | Seen::U(0) => Some(false),
            Seen::I(1) | Seen::U(1) => Some(true),
            Seen::Str(s) => match s.trim() {
                "0" => Some(false),
                "1" => Some(true),
                // Undocumented: `"true"` and `"false"` with spaces around.
                trimmed @ ("true" | "false") => {
                    if trimmed.len() != s.len() {
                        note_coercion();
                    }
                    Some(trimmed == "true")
                }
                _ => None,
            },
            _ => None,
        })
    }
    fn serialize_lenient<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(*self)
    }
}

impl Lenient for Decimal {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(
            d,
            "a decimal amount, as a string or a number",
            |seen| match seen {
                Seen::Str(s) => {
                    let text = s.trim();
                    let decimal = text.parse().ok()?;
                    // Undocumented: a form beyond the spec's decimal grammar that
                    // `rust_decimal` still reads (`1.`, `.5`, `1_000`, 29 digits or more).
                    if !ipidea_spec::decimal::is_decimal(text) {
                        note_coercion();
                    }
                    Some(decimal)
                }
                Seen::I(n) => Some(Decimal::from(n)),
                Seen::U(n) => Some(Decimal::from(n)),
                Seen::F(f) => Decimal::try_from(f).ok(),
                Seen::Bool(_) => None,
            },
        )
    }
    fn serialize_lenient<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Lenient for DateTime<Utc> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(
            d,
            "unix seconds, as a number or a string of digits",
            |seen| {
                let seconds = match seen {
                    Seen::I(n) => n,
                    Seen::U(n) => i64::try_from(n).ok()?,
                    Seen::Str(s) => s.trim().parse().ok()?,
                    // Undocumented: unix seconds written as a float (`1653101538.0`).
                    Seen::F(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                        note_coercion();
                        f as i64
                    }
                    Seen::F(_) | Seen::Bool(_) => return None,
                };
                DateTime::from_timestamp(seconds, 0)
            },
        )
    }
    fn serialize_lenient<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.timestamp())
    }
}

impl Lenient for NaiveDate {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(d, "a date such as 2022-5-1", |seen| match seen {
            Seen::Str(s) => {
                let date = ipidea_spec::days::Date::parse(s, DATE_FORMAT.with(Cell::get))?;
                NaiveDate::try_from(date).ok()
            }
            _ => None,
        })
    }
    fn serialize_lenient<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.format("%Y-%m-%d"))
    }
}

impl Lenient for IpAddr {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(d, "an IP address", |seen| match seen {
            Seen::Str(s) => s.trim().parse().ok(),
            _ => None,
        })
    }
    fn serialize_lenient<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<T: Lenient> Lenient for Option<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OptionVisitor<T>(PhantomData<T>);
        impl<'de, T: Lenient> Visitor<'de> for OptionVisitor<T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                T::deserialize_lenient(d).map(Some)
            }
        }
        d.deserialize_option(OptionVisitor(PhantomData))
    }
    fn serialize_lenient<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => value.serialize_lenient(s),
            None => s.serialize_none(),
        }
    }
}

/// Adapts a [`Lenient`] type to plain serde, for items of sequences.
struct Wrap<T>(T);

impl<'de, T: Lenient> Deserialize<'de> for Wrap<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize_lenient(d).map(Wrap)
    }
}

struct WrapRef<'a, T>(&'a T);

impl<T: Lenient> Serialize for WrapRef<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_lenient(s)
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SeqVisitor<T>(PhantomData<T>);
        impl<'de, T: Lenient> Visitor<'de> for SeqVisitor<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(Wrap(item)) = seq.next_element()? {
                    items.push(item);
                }
                Ok(items)
            }
            // PHP sends an empty object where it means an empty list. Undocumented.
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                match map.next_key::<de::IgnoredAny>()? {
                    None => {
                        note_coercion();
                        Ok(Vec::new())
                    }
                    Some(_) => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
                }
            }
        }
        d.deserialize_any(SeqVisitor(PhantomData))
    }
    fn serialize_lenient<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(WrapRef))
    }
}

/// The wire text of an enum value: a string as sent, or a number or boolean as its text (as
/// [`String`] decodes them), and whether that form is one the spec documents for the enum (a
/// string, or for an integer enum also an integer number).
pub(crate) fn wire_text<'de, D: Deserializer<'de>>(
    d: D,
    integer: bool,
) -> Result<(String, bool), D::Error> {
    scalar(d, "a string", |seen| {
        Some(match seen {
            Seen::Str(s) => (s.to_owned(), true),
            Seen::I(n) => (n.to_string(), integer),
            Seen::U(n) => (n.to_string(), integer),
            Seen::F(f) => (f.to_string(), false),
            Seen::Bool(b) => (b.to_string(), false),
        })
    })
}

/// Decodes `T` from JSON text through its [`Lenient`] impl.
pub fn from_json<T: Lenient>(text: &str) -> Result<T, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = T::deserialize_lenient(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Decodes `T` from JSON text; an error names the JSON path (empty at the root) of the first
/// value that does not fit.
pub fn from_json_with_path<T: Lenient>(text: &str) -> Result<T, (String, String)> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let result = T::deserialize_lenient(serde_path_to_error::Deserializer::new(
        &mut deserializer,
        &mut track,
    ));
    match result.and_then(|value| deserializer.end().map(|()| value)) {
        Ok(value) => Ok(value),
        Err(error) => {
            let path = track.path().to_string();
            let path = if path == "." { String::new() } else { path };
            Err((path, error.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::JsonString;

    /// Decodes `json` as `T`: the value (or the error's text) and the coercions noted.
    fn decode<T: Lenient>(json: &str) -> (Result<T, String>, u32) {
        take_coercions();
        let decoded = from_json::<T>(json).map_err(|e| e.to_string());
        (decoded, take_coercions())
    }

    /// Why `json` does not decode as `T`.
    fn refusal<T: Lenient + fmt::Debug>(json: &str) -> String {
        decode::<T>(json).0.expect_err(json)
    }

    /// `T`'s canonical wire form of `value`, as JSON text.
    fn encode<T: Lenient>(value: &T) -> String {
        let mut out = Vec::new();
        value
            .serialize_lenient(&mut serde_json::Serializer::new(&mut out))
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Each sample decodes to `Some(value)` (with `coerced` set where the form is not one the
    /// spec documents) or is refused (`None`).
    fn table<T: Lenient + PartialEq + fmt::Debug>(cases: &[(&str, Option<T>, bool)]) {
        for (json, expected, coerced) in cases {
            let (decoded, coercions) = decode::<T>(json);
            match expected {
                Some(expected) => {
                    assert_eq!(decoded.as_ref(), Ok(expected), "{json}");
                    assert_eq!(coercions > 0, *coerced, "{json}: coercions {coercions}");
                }
                None => assert!(decoded.is_err(), "{json} is refused: {decoded:?}"),
            }
        }
    }

    #[test]
    fn integers_take_numbers_and_digit_strings_and_note_whole_floats() {
        table::<i64>(&[
            ("15", Some(15), false),
            ("-15", Some(-15), false),
            ("\"15\"", Some(15), false),
            ("\" 15 \"", Some(15), false),
            ("15.0", Some(15), true),
            ("1e3", Some(1000), true),
            // Floats past 2^53 are no longer exact integers.
            ("8.9e15", Some(8_900_000_000_000_000), true),
            ("9.0e15", None, false),
            ("15.5", None, false),
            ("true", None, false),
            ("\"x\"", None, false),
            ("null", None, false),
            ("[]", None, false),
        ]);
        table::<u32>(&[
            ("4294967295", Some(u32::MAX), false),
            ("4294967296", None, false),
            ("-1", None, false),
            ("\"-1\"", None, false),
            ("-1.0", None, false),
        ]);
        table::<i32>(&[("-2147483648", Some(i32::MIN), false), ("3e9", None, false)]);
        table::<u64>(&[("18446744073709551615", Some(u64::MAX), false)]);
        assert!(
            refusal::<u32>("\"x\"").contains("a u32, as a number or a string of digits"),
            "the error says what was expected"
        );
        assert!(
            refusal::<u32>("[]")
                .contains("invalid type: sequence, expected a u32, as a number or a string"),
            "a value of another JSON type says what was expected too"
        );
        assert_eq!(encode(&15u32), "15");
    }

    #[test]
    fn strings_take_numbers_as_text_and_note_booleans() {
        table::<String>(&[
            ("\"a b\"", Some("a b".to_owned()), false),
            ("15", Some("15".to_owned()), false),
            ("-3", Some("-3".to_owned()), false),
            ("1.5", Some("1.5".to_owned()), false),
            ("true", Some("true".to_owned()), true),
            ("null", None, false),
            ("[]", None, false),
            ("{}", None, false),
        ]);
        assert_eq!(encode(&"a".to_owned()), "\"a\"");
    }

    #[test]
    fn booleans_take_0_and_1_and_note_spaced_words() {
        table::<bool>(&[
            ("true", Some(true), false),
            ("false", Some(false), false),
            ("0", Some(false), false),
            ("1", Some(true), false),
            ("\"0\"", Some(false), false),
            ("\" 1 \"", Some(true), false),
            ("\"true\"", Some(true), false),
            ("\"false\"", Some(false), false),
            ("\" true\"", Some(true), true),
            ("\"false \"", Some(false), true),
            ("2", None, false),
            ("1.0", None, false),
            ("\"yes\"", None, false),
            ("null", None, false),
        ]);
        assert_eq!(encode(&true), "true");
    }

    #[test]
    fn decimals_take_strings_and_numbers_and_keep_their_scale() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        table::<Decimal>(&[
            ("\"1.50\"", Some(d("1.50")), false),
            ("\" 2 \"", Some(d("2")), false),
            ("15", Some(d("15")), false),
            ("-3", Some(d("-3")), false),
            ("1.5", Some(d("1.5")), false),
            ("true", None, false),
            ("\"abc\"", None, false),
        ]);
        let (kept, _) = decode::<Decimal>("\"31950.10\"");
        assert_eq!(
            encode(&kept.unwrap()),
            "\"31950.10\"",
            "the scale sent is kept"
        );
    }

    #[test]
    fn times_are_unix_seconds_and_whole_floats_are_noted() {
        let t = |s: i64| DateTime::from_timestamp(s, 0).unwrap();
        table::<DateTime<Utc>>(&[
            ("1653101538", Some(t(1_653_101_538)), false),
            ("\"1653101538\"", Some(t(1_653_101_538)), false),
            ("\" 0 \"", Some(t(0)), false),
            ("1653101538.0", Some(t(1_653_101_538)), true),
            ("1653101538.5", None, false),
            ("1e16", None, false),
            ("18446744073709551615", None, false),
            ("true", None, false),
            ("\"2022-05-21\"", None, false),
        ]);
        assert_eq!(encode(&t(1_653_101_538)), "1653101538");
    }

    #[test]
    fn dates_and_ips_are_strings_only() {
        let date = NaiveDate::from_ymd_opt(2022, 5, 1).unwrap();
        table::<NaiveDate>(&[
            ("\"2022-5-1\"", Some(date), false),
            ("\" 2022-05-01 \"", Some(date), false),
            ("\"2022/5/1\"", None, false),
            ("20220501", None, false),
        ]);
        assert_eq!(encode(&date), "\"2022-05-01\"");
        // In a client's decode, the API's own format is read too, as the spec's check reads it.
        let read = |text: &str| from_json::<NaiveDate>(text).ok();
        with_date_format("%d/%m/%Y", || {
            assert_eq!(read("\"01/05/2022\""), Some(date));
            assert_eq!(read("\"1/5/2022\""), Some(date));
            assert_eq!(read("\"2022-05-01\""), Some(date), "and ISO");
            assert_eq!(read("\"31/02/2022\""), None);
        });
        assert_eq!(read("\"01/05/2022\""), None, "outside a decode, ISO only");
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        table::<IpAddr>(&[
            ("\"203.0.113.7\"", Some(ip), false),
            ("\" ::1 \"", Some("::1".parse().unwrap()), false),
            ("\"203.0.113\"", None, false),
            ("3405803783", None, false),
        ]);
        assert_eq!(encode(&ip), "\"203.0.113.7\"");
    }

    #[test]
    fn options_take_null_and_lists_take_an_empty_object() {
        table::<Option<u32>>(&[
            ("null", Some(None), false),
            ("5", Some(Some(5)), false),
            ("\"5\"", Some(Some(5)), false),
            ("5.0", Some(Some(5)), true),
            ("\"x\"", None, false),
        ]);
        assert_eq!(encode(&None::<u32>), "null");
        assert_eq!(encode(&Some(5u32)), "5");
        table::<Vec<u32>>(&[
            ("[]", Some(vec![]), false),
            ("[1, \"2\"]", Some(vec![1, 2]), false),
            ("{}", Some(vec![]), true),
            ("{\"a\": 1}", None, false),
            ("\"1,2\"", None, false),
            ("null", None, false),
        ]);
        assert_eq!(encode(&vec![1u32, 2]), "[1,2]");
        assert!(
            refusal::<Vec<u32>>("\"1,2\"").contains("expected a list"),
            "a list that came as text says what was expected"
        );
        table::<Vec<Option<u32>>>(&[("[null, 1]", Some(vec![None, Some(1)]), false)]);
    }

    #[test]
    fn json_strings_take_json_text_or_the_json_itself() {
        let (text, _) = decode::<JsonString>(r#""{\"a\": [1]}""#);
        let text = text.unwrap();
        assert_eq!(text.as_str(), r#"{"a": [1]}"#, "kept as sent");
        assert_eq!(text.value(), &serde_json::json!({"a": [1]}));
        for json in [r#"{"a": [1]}"#, "[1, 2]"] {
            let (value, _) = decode::<JsonString>(json);
            let expected: Value = serde_json::from_str(json).unwrap();
            assert_eq!(value.unwrap().value(), &expected, "{json}");
        }
        assert!(
            refusal::<JsonString>(r#""{not json""#).contains("expected JSON inside the string")
        );
        assert!(
            refusal::<JsonString>("15").contains("expected a string of JSON"),
            "a number for JSON text says what was expected"
        );
        assert_eq!(
            encode(&JsonString::from(serde_json::json!([1]))),
            r#""[1]""#
        );
    }

    #[test]
    fn errors_name_the_json_path_of_the_value_that_does_not_fit() {
        assert_eq!(
            from_json_with_path::<Vec<u32>>("[1, \"x\"]").unwrap_err().0,
            "[1]"
        );
        let (path, message) = from_json_with_path::<u32>("\"x\"").unwrap_err();
        assert_eq!(path, "", "the root has an empty path");
        assert!(message.contains("a u32"), "{message}");
        assert_eq!(from_json_with_path::<Vec<u32>>("[1, 2]"), Ok(vec![1, 2]));
        assert!(
            from_json::<u32>("1 2").is_err(),
            "trailing input is refused"
        );
        assert!(from_json_with_path::<u32>("1 2").is_err());
    }
}
