//! The response envelope: `{"ret": 0, "code": "1", "msg": "...", "ret_data": ..., "timestamp": ...}`.
//!
//! The field names come from the spec. The data is kept as raw JSON text while the envelope is
//! read, and decoded into its type only once the status says success.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::{Error, excerpt};
use crate::types::{EnvelopeInfo, Response};
use crate::wire::{self, Lenient};

/// The envelope's parts, with the data still undecoded.
pub(crate) struct Envelope<'a> {
    pub(crate) status: Option<i64>,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) data: Option<&'a RawValue>,
    pub(crate) timestamp: Option<DateTime<Utc>>,
    pub(crate) extra: Map<String, Value>,
}

struct EnvelopeSeed<'i>(&'i EnvelopeInfo);

impl<'de> DeserializeSeed<'de> for EnvelopeSeed<'_> {
    type Value = Envelope<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Envelope<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EnvelopeSeed<'_> {
    type Value = Envelope<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a response envelope object with `{}`", self.0.status)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope<'de>, A::Error> {
        let info = self.0;
        let mut envelope = Envelope {
            status: None,
            code: None,
            message: None,
            data: None,
            timestamp: None,
            extra: Map::new(),
        };
        while let Some(key) = map.next_key::<String>()? {
            if key == info.data {
                envelope.data = Some(map.next_value()?);
            } else if key == info.status {
                envelope.status = Some(map.next_value_seed(LenientSeed::<i64>::default())?);
            } else if key == info.code {
                envelope.code = map.next_value_seed(LenientSeed::<Option<String>>::default())?;
            } else if key == info.message {
                envelope.message = map.next_value_seed(LenientSeed::<Option<String>>::default())?;
            } else if key == info.timestamp {
                // A timestamp that does not parse is not worth failing a call over.
                let value: Value = map.next_value()?;
                envelope.timestamp = Option::<DateTime<Utc>>::deserialize_lenient(value)
                    .ok()
                    .flatten();
            } else {
                envelope.extra.insert(key, map.next_value()?);
            }
        }
        Ok(envelope)
    }
}

struct LenientSeed<T>(std::marker::PhantomData<T>);

impl<T> Default for LenientSeed<T> {
    fn default() -> Self {
        LenientSeed(std::marker::PhantomData)
    }
}

impl<'de, T: Lenient> DeserializeSeed<'de> for LenientSeed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::deserialize_lenient(d)
    }
}

pub(crate) fn parse<'a>(info: &EnvelopeInfo, body: &'a [u8]) -> Result<Envelope<'a>, String> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let envelope = EnvelopeSeed(info)
        .deserialize(&mut deserializer)
        .map_err(|e| e.to_string())?;
    deserializer.end().map_err(|e| e.to_string())?;
    Ok(envelope)
}

/// Whether `body` is an envelope that refuses the call (for APIs that pair it with a 4xx).
pub(crate) fn is_refusal(info: &EnvelopeInfo, body: &[u8]) -> bool {
    parse(info, body).is_ok_and(|e| e.status.is_some_and(|s| s != info.success))
}

/// Decodes a whole response body: an API refusal, a decode error, or the typed data.
pub(crate) fn decode<T: Lenient>(
    endpoint: &'static str,
    info: &EnvelopeInfo,
    body: &[u8],
) -> Result<Response<T>, Error> {
    let decode_error = |message: String| Error::Decode {
        endpoint,
        message,
        body_excerpt: excerpt(body),
    };
    let envelope =
        parse(info, body).map_err(|e| decode_error(format!("not a response envelope: {e}")))?;
    let Some(status) = envelope.status else {
        return Err(decode_error(format!(
            "the envelope has no `{}`",
            info.status
        )));
    };
    if status != info.success {
        return Err(Error::Api {
            endpoint,
            ret: status,
            code: envelope.code,
            msg: envelope.message.unwrap_or_default(),
            timestamp: envelope.timestamp,
        });
    }
    let raw = envelope.data.map_or("null", RawValue::get);
    let data = match wire::from_json::<T>(raw) {
        Ok(data) => data,
        // PHP encodes an empty object as `[]`: read it as an object with no fields.
        Err(_) if raw.trim() == "[]" && wire::from_json::<T>("{}").is_ok() => {
            wire::from_json::<T>("{}").map_err(|e| decode_error(e.to_string()))?
        }
        Err(_) => {
            let (path, error) = wire::from_json_with_path::<T>(raw)
                .err()
                .unwrap_or_default();
            let at = if path.is_empty() {
                info.data.to_owned()
            } else {
                format!("{}.{path}", info.data)
            };
            return Err(decode_error(format!("`{at}`: {error}")));
        }
    };
    Ok(Response {
        data,
        msg: envelope.message.unwrap_or_default(),
        code: envelope.code,
        timestamp: envelope.timestamp,
        extra: envelope.extra,
    })
}

/// Decodes a response body with the given envelope, for tools that hold raw bodies.
pub fn decode_body<T: Lenient>(
    endpoint: &'static str,
    info: &EnvelopeInfo,
    body: &[u8],
) -> Result<Response<T>, Error> {
    decode(endpoint, info, body)
}
