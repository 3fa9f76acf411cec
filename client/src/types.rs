//! Types shared by every generated API: the success envelope, untyped data, pages, and the
//! description of endpoints and requests that the generated code fills in.

use std::ops::Deref;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::wire::{Form, Lenient};

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

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encoding {
    /// `multipart/form-data`.
    Multipart,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// A JSON object.
    Json,
}

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Method {
    /// Fields in the query string.
    Get,
    /// Fields in the body.
    Post,
}

/// An endpoint, as the spec describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointInfo {
    /// The endpoint's name, such as `isp_ip_open`.
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// URL path from the base URL.
    pub path: &'static str,
    /// Request encoding.
    pub encoding: Encoding,
    /// Whether it is safe to send twice. Only these are retried.
    pub idempotent: bool,
}

/// A credential field, as the spec describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthInfo {
    /// Wire name of the field.
    pub name: &'static str,
    /// Environment variable it is read from.
    pub env: &'static str,
    /// Whether it is secret.
    pub secret: bool,
}

/// Where the envelope keeps its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeInfo {
    /// Status field.
    pub status: &'static str,
    /// Status value of success.
    pub success: i64,
    /// Code field.
    pub code: &'static str,
    /// Message field.
    pub message: &'static str,
    /// Data field.
    pub data: &'static str,
    /// Server-timestamp field.
    pub timestamp: &'static str,
}

/// An API, as the spec describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiInfo {
    /// Machine name.
    pub name: &'static str,
    /// Production base URL.
    pub base_url: &'static str,
    /// Credentials sent with every call.
    pub auth: &'static [AuthInfo],
    /// The envelope.
    pub envelope: EnvelopeInfo,
    /// Wire format of dates.
    pub date_format: &'static str,
}

/// A value refused before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    /// The field at fault.
    pub field: &'static str,
    /// Why.
    pub reason: String,
}

/// A request of one endpoint. Generated for every endpoint of a spec.
pub trait ApiRequest: Send + Sync {
    /// The type of the envelope's data on success.
    type Data: Lenient + Send + 'static;
    /// The endpoint.
    const ENDPOINT: &'static EndpointInfo;
    /// Checks the spec's bounds; an error is returned before anything is sent.
    fn validate(&self) -> Result<(), InvalidInput>;
    /// Writes the fields, in spec order, leaving out unset optional ones.
    fn encode(&self, form: &mut Form);
}

/// A request of an endpoint that pages.
pub trait PagedRequest: ApiRequest + Clone + 'static
where
    Self::Data: Page,
{
    /// The page this request asks for, where set.
    fn page(&self) -> Option<u64>;
    /// Asks for another page.
    fn set_page(&mut self, page: u64);
}

/// One page of a list.
pub trait Page {
    /// The item type.
    type Item: Send + 'static;
    /// Number of items in all pages.
    fn total(&self) -> u64;
    /// This page's number, from 1.
    fn current_page(&self) -> u64;
    /// The last page's number (0 when there are no items).
    fn last_page(&self) -> u64;
    /// The items of this page.
    fn into_items(self) -> Vec<Self::Item>;
}
