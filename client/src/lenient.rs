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
        impl $crate::__private::Lenient for $ty {
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
                Seen::Str(s) => s.trim().parse().ok(),
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
            Seen::Str(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
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
