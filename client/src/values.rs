//! The values that calls return beside the generated types: the success envelope
//! ([`Response`]), JSON sent inside a string ([`JsonString`]), and nothing ([`Empty`]).

use std::fmt;
use std::ops::Deref;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lenient::Lenient;

/// A successful call: the envelope's data, with its message, code and server time.
///
/// It dereferences to the data, so `response.order_id` reads a field of the data directly.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Response<T> {
    /// The envelope's data (`ret_data`).
    pub data: T,
    /// The envelope's message (`msg`), such as `success` or `添加成功!`.
    pub msg: String,
    /// The envelope's code (`code`), as text; the API sends `"1"` or `1`.
    pub code: Option<String>,
    /// The server's time (`timestamp`).
    pub timestamp: Option<DateTime<Utc>>,
    /// Envelope fields the spec does not know.
    pub extra: Map<String, Value>,
}

impl<T> Response<T> {
    /// The data, without the envelope.
    pub fn into_data(self) -> T {
        self.data
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

/// JSON that the API sends inside a string, such as `exec_data`.
///
/// The text is checked to be JSON when the response is decoded, and kept as the server sent it.
/// It is decoded into a [`Value`] only when [`value`](Self::value) is first called, or straight
/// into a type of the caller's with [`parse`](Self::parse), so that a page of records costs no
/// JSON tree per record unless one is asked for.
///
/// Two `JsonString`s are equal when their JSON values are equal, whatever their spacing.
#[derive(Clone)]
pub struct JsonString {
    text: String,
    value: OnceLock<Value>,
}

impl JsonString {
    /// Checks that `text` is JSON and keeps it.
    pub fn from_text(text: impl Into<String>) -> Result<Self, serde_json::Error> {
        let text = text.into();
        serde_json::from_str::<IgnoredAny>(&text)?;
        Ok(JsonString {
            text,
            value: OnceLock::new(),
        })
    }

    /// The JSON text, as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The decoded JSON, decoded on first use.
    pub fn value(&self) -> &Value {
        self.value.get_or_init(|| {
            // The text was checked to be JSON when this was made, so this cannot fall back.
            serde_json::from_str(&self.text).unwrap_or(Value::Null)
        })
    }

    /// The decoded JSON, taken out.
    pub fn into_value(self) -> Value {
        match self.value.into_inner() {
            Some(value) => value,
            None => serde_json::from_str(&self.text).unwrap_or(Value::Null),
        }
    }

    /// Decodes the JSON into a type of the caller's, straight from the text.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        match self.value.get() {
            Some(value) => T::deserialize(value),
            None => serde_json::from_str(&self.text),
        }
    }
}

impl From<Value> for JsonString {
    fn from(value: Value) -> Self {
        JsonString {
            text: value.to_string(),
            value: OnceLock::from(value),
        }
    }
}

impl Default for JsonString {
    /// JSON `null`.
    fn default() -> Self {
        JsonString::from(Value::Null)
    }
}

impl PartialEq for JsonString {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text || self.value() == other.value()
    }
}

impl std::fmt::Debug for JsonString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("JsonString").field(&self.text).finish()
    }
}

impl std::fmt::Display for JsonString {
    /// The JSON text, as the server sent it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// The data of a call with nothing to return (the API sends `[]`). Decodes from anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Empty;

impl<'de> Deserialize<'de> for Empty {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Empty)
    }
}

crate::__lenient_via_serde!(Empty);

impl Lenient for JsonString {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct JsonStringVisitor;
        impl<'de> Visitor<'de> for JsonStringVisitor {
            type Value = JsonString;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string of JSON")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<JsonString, E> {
                self.visit_string(text.to_owned())
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<JsonString, E> {
                JsonString::from_text(text)
                    .map_err(|e| E::custom(format!("expected JSON inside the string: {e}")))
            }
            // Tolerate a server that starts sending the JSON itself rather than its text.
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<JsonString, A::Error> {
                Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(JsonString::from)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<JsonString, A::Error> {
                Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(JsonString::from)
            }
        }
        d.deserialize_any(JsonStringVisitor)
    }
    fn serialize_lenient<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_compare_by_value_and_show_the_text_as_sent() {
        let spaced = JsonString::from_text(r#"{"a": [1, 2]}"#).unwrap();
        let tight = JsonString::from_text(r#"{"a":[1,2]}"#).unwrap();
        assert_eq!(spaced, tight, "spacing does not matter");
        assert_eq!(spaced, spaced.clone());
        assert_ne!(spaced, JsonString::from_text(r#"{"a": [2, 1]}"#).unwrap());
        assert_ne!(JsonString::from_text("1").unwrap(), JsonString::default());
        assert_eq!(spaced.to_string(), r#"{"a": [1, 2]}"#);
        assert_eq!(format!("{spaced:?}"), r#"JsonString("{\"a\": [1, 2]}")"#);
        assert_eq!(spaced.parse::<serde_json::Value>().unwrap(), *tight.value());
        assert_eq!(
            spaced.clone().into_value(),
            serde_json::json!({"a": [1, 2]})
        );
        assert!(JsonString::from_text("{").is_err());
    }
}

/// A country code: two letters (ISO 3166-1 alpha-2), kept in lowercase as the wire takes it.
/// Made with [`Country::new`] or `parse`, so a request that takes one can only hold a valid
/// code.
///
/// ```
/// use ipidea::Country;
///
/// let us: Country = "US".parse()?;
/// assert_eq!(us.as_str(), "us");
/// assert!(Country::new("usa").is_err());
/// # Ok::<(), ipidea::InvalidCountry>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

/// Text that is not a country code; its message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidCountry(String);

impl Country {
    /// The country `code` names: two letters, in any case, spaces around ignored.
    pub fn new(code: &str) -> Result<Country, InvalidCountry> {
        let lower = ipidea_spec::encode::country(code).map_err(InvalidCountry)?;
        let bytes = lower.as_bytes();
        Ok(Country([bytes[0], bytes[1]]))
    }

    /// The code in lowercase, as sent: `us`.
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters, checked by `new`.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Country {
    type Err = InvalidCountry;

    fn from_str(code: &str) -> Result<Country, InvalidCountry> {
        Country::new(code)
    }
}

/// Only a string of two letters: a country code sent as anything else does not fit.
impl Lenient for Country {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CountryVisitor;
        impl Visitor<'_> for CountryVisitor {
            type Value = Country;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a two-letter country code")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Country, E> {
                Country::new(text).map_err(E::custom)
            }
        }
        d.deserialize_str(CountryVisitor)
    }
    fn serialize_lenient<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl TryFrom<&str> for Country {
    type Error = InvalidCountry;

    fn try_from(code: &str) -> Result<Country, InvalidCountry> {
        Country::new(code)
    }
}
