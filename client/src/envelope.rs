//! The response envelope: `{"ret": 0, "code": "1", "msg": "...", "ret_data": ..., "timestamp": ...}`.
//!
//! The field names come from the spec. A success is read in one pass, the data decoded in place.
//! Anything else (a refusal, a quirk, an error) is read again in two passes: the envelope first,
//! keeping the data as raw JSON text, then the data, decoded into its type only once the status
//! says success. The second path is the one that explains failures, with the data's JSON path.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::api::{EnvelopeInfo, ServiceInfo};
use crate::drift::{self, DriftWalk, Listener};
use crate::error::{Error, excerpt};
use crate::lenient::{self, Lenient};
use crate::values::Response;

/// The envelope's parts. `D` is the data: raw JSON text on the two-pass path, or the decoded
/// type on the one-pass path.
pub(crate) struct Envelope<D> {
    pub(crate) status: Option<i64>,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) data: Option<D>,
    pub(crate) timestamp: Option<DateTime<Utc>>,
    pub(crate) extra: Map<String, Value>,
}

impl<D> Envelope<D> {
    /// A success with `data`, keeping the envelope's message, code, time and unknown fields.
    fn into_response<T>(self, data: T) -> Response<T> {
        Response {
            data,
            msg: self.message.unwrap_or_default(),
            code: self.code,
            timestamp: self.timestamp,
            extra: self.extra,
        }
    }
}

/// How the envelope reader takes the data's value.
trait Data<'de>: Sized {
    /// Reads the data's value; `status` is the envelope's status if it came before the data.
    fn read<A: MapAccess<'de>>(
        map: &mut A,
        info: &EnvelopeInfo,
        status: Option<i64>,
    ) -> Result<Self, A::Error>;
}

/// The two-pass reading: the data is kept as text, to be decoded once the status is known.
impl<'de> Data<'de> for &'de RawValue {
    fn read<A: MapAccess<'de>>(
        map: &mut A,
        _: &EnvelopeInfo,
        _: Option<i64>,
    ) -> Result<Self, A::Error> {
        map.next_value()
    }
}

/// The one-pass reading: the data is decoded in place. A refusal gives up at once, since the
/// data of a refusal is not the endpoint's type; the two-pass path then reports it.
struct Typed<T>(T);

impl<'de, T: Lenient> Data<'de> for Typed<T> {
    fn read<A: MapAccess<'de>>(
        map: &mut A,
        info: &EnvelopeInfo,
        status: Option<i64>,
    ) -> Result<Self, A::Error> {
        if status.is_some_and(|s| s != info.success) {
            return Err(serde::de::Error::custom("a refusal"));
        }
        map.next_value_seed(LenientSeed::<T>::default()).map(Typed)
    }
}

struct EnvelopeSeed<'i, D>(&'i EnvelopeInfo, PhantomData<D>);

impl<'i, D> EnvelopeSeed<'i, D> {
    fn new(info: &'i EnvelopeInfo) -> Self {
        EnvelopeSeed(info, PhantomData)
    }
}

impl<'de, D: Data<'de>> DeserializeSeed<'de> for EnvelopeSeed<'_, D> {
    type Value = Envelope<D>;

    fn deserialize<De: Deserializer<'de>>(self, d: De) -> Result<Envelope<D>, De::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, D: Data<'de>> Visitor<'de> for EnvelopeSeed<'_, D> {
    type Value = Envelope<D>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a response envelope object with `{}`", self.0.status)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope<D>, A::Error> {
        let info = self.0;
        let mut envelope = Envelope {
            status: None,
            code: None,
            message: None,
            data: None,
            timestamp: None,
            extra: Map::new(),
        };
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == info.data {
                envelope.data = Some(D::read(&mut map, info, envelope.status)?);
            } else if key == info.status {
                envelope.status = Some(map.next_value_seed(LenientSeed::<i64>::default())?);
            } else if info.code == Some(&*key) {
                envelope.code = map.next_value_seed(LenientSeed::<Option<String>>::default())?;
            } else if key == info.message {
                envelope.message = map.next_value_seed(LenientSeed::<Option<String>>::default())?;
            } else if info.flag == Some(&*key) {
                // The status decides; the flag only repeats it.
                map.next_value::<serde::de::IgnoredAny>()?;
            } else if info.timestamp == Some(&*key) {
                // A timestamp that does not parse is not worth failing a call over.
                let value: Value = map.next_value()?;
                envelope.timestamp = Option::<DateTime<Utc>>::deserialize_lenient(value)
                    .ok()
                    .flatten();
            } else {
                envelope.extra.insert(key.into_owned(), map.next_value()?);
            }
        }
        Ok(envelope)
    }
}

struct LenientSeed<T>(PhantomData<T>);

impl<T> Default for LenientSeed<T> {
    fn default() -> Self {
        LenientSeed(PhantomData)
    }
}

impl<'de, T: Lenient> DeserializeSeed<'de> for LenientSeed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::deserialize_lenient(d)
    }
}

fn read<'de, D: Data<'de>, R: serde_json::de::Read<'de>>(
    info: &EnvelopeInfo,
    mut deserializer: serde_json::Deserializer<R>,
) -> Result<Envelope<D>, serde_json::Error> {
    let envelope = EnvelopeSeed::<D>::new(info).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(envelope)
}

pub(crate) fn parse<'a>(
    info: &EnvelopeInfo,
    body: &'a [u8],
) -> Result<Envelope<&'a RawValue>, String> {
    read(info, serde_json::Deserializer::from_slice(body)).map_err(|e| e.to_string())
}

/// The fast path for a success: the envelope and the data read in one pass over the body.
///
/// `None` for anything else: a refusal, a body that is not UTF-8 or not JSON, data that does
/// not fit `T` (even in a way the two-pass path tolerates, such as `[]` for an empty object),
/// or no data at all. The caller then takes the two-pass path, which reports every such case,
/// so this path never changes a result, only how fast a success is read.
fn decode_one_pass<T: Lenient>(info: &EnvelopeInfo, body: &[u8]) -> Option<Response<T>> {
    // Checking the whole body as UTF-8 once is cheaper than checking each string as it is read.
    let text = std::str::from_utf8(body).ok()?;
    let mut envelope = read::<Typed<T>, _>(info, serde_json::Deserializer::from_str(text)).ok()?;
    if envelope.status != Some(info.success) {
        return None;
    }
    let Typed(data) = envelope.data.take()?;
    Some(envelope.into_response(data))
}

/// Whether `body` is an envelope that refuses the call (for APIs that pair it with a 4xx).
pub(crate) fn is_refusal(info: &EnvelopeInfo, body: &[u8]) -> bool {
    parse(info, body).is_ok_and(|e| e.status.is_some_and(|s| s != info.success))
}

/// Decodes a whole response body: an API refusal, a decode error, or the typed data.
pub(crate) fn decode<T: Lenient>(
    endpoint: &'static str,
    api: &ServiceInfo,
    body: &[u8],
) -> Result<Response<T>, Error> {
    match decode_one_pass(&api.envelope, body) {
        Some(response) => Ok(response),
        None => decode_two_pass(endpoint, api, body),
    }
}

/// Decodes a body in two passes: the envelope, keeping the data as text, then the data. It
/// reports every refusal, quirk and error; `decode` takes it for anything but a plain success.
pub fn decode_two_pass<T: Lenient>(
    endpoint: &'static str,
    api: &ServiceInfo,
    body: &[u8],
) -> Result<Response<T>, Error> {
    let info = &api.envelope;
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
        let msg = envelope.message.unwrap_or_default();
        return Err(Error::Api {
            endpoint,
            ret: status,
            code: envelope.code,
            refusal: ipidea_spec::refusal::classify(api.refusals, &msg),
            msg,
            timestamp: envelope.timestamp,
        });
    }
    let raw = envelope.data.map_or("null", RawValue::get);
    let data = match lenient::from_json::<T>(raw) {
        Ok(data) => data,
        // PHP encodes an empty object as `[]`: read it as an object with no fields. The spec
        // does not document it, so a drift listener hears of it.
        Err(_) if raw.trim() == "[]" && lenient::from_json::<T>("{}").is_ok() => {
            lenient::note_coercion();
            lenient::from_json::<T>("{}").map_err(|e| decode_error(e.to_string()))?
        }
        Err(_) => {
            let (path, error) = lenient::from_json_with_path::<T>(raw)
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
    Ok(envelope.into_response(data))
}

/// Decodes a response body like [`decode`]; when someone listens for drift (`on_drift`, or a
/// `tracing` subscriber of `ipidea::drift`), then walks what was decoded and reports each
/// finding (`drift.rs`).
pub(crate) fn decode_reporting<T: Lenient + DriftWalk>(
    endpoint: &'static str,
    api: &ServiceInfo,
    body: &[u8],
    on_drift: Option<&Listener>,
) -> Result<Response<T>, Error> {
    if !drift::listening(on_drift) {
        return decode(endpoint, api, body);
    }
    let info = &api.envelope;
    lenient::take_coercions();
    let response = decode::<T>(endpoint, api, body)?;
    // Only a coercion needs the data as sent: it is parsed again only then.
    let raw = if lenient::take_coercions() > 0 {
        parse(info, body)
            .ok()
            .and_then(|envelope| envelope.data)
            .and_then(|data| serde_json::from_str::<Value>(data.get()).ok())
    } else {
        None
    };
    let findings = drift::walk_response(&response, info.data, raw.as_ref());
    drift::report(endpoint, findings, on_drift);
    Ok(response)
}

/// Decodes a response body and reports its drift as a client does (see the crate docs, "Drift"),
/// with `on_drift` as the client's callback. For benchmarks and tools that hold raw bodies.
pub fn decode_body_reporting<T: Lenient + DriftWalk>(
    endpoint: &'static str,
    api: &ServiceInfo,
    body: &[u8],
    on_drift: Option<&(dyn Fn(&drift::Drift) + Send + Sync + 'static)>,
) -> Result<Response<T>, Error> {
    decode_reporting(endpoint, api, body, on_drift)
}

/// Decodes a response body of the API `api`, for tools that hold raw bodies.
pub fn decode_body<T: Lenient>(
    endpoint: &'static str,
    api: &ServiceInfo,
    body: &[u8],
) -> Result<Response<T>, Error> {
    decode(endpoint, api, body)
}
