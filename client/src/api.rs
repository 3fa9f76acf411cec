//! The description of an API that generated code fills in and the runtime reads: the API's
//! settings, each endpoint, and the traits of requests and pages.

use crate::drift::DriftWalk;
use crate::form::Form;
use crate::lenient::Lenient;

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
    /// The API's offset from UTC, in seconds (`api.utc_offset`): its days start at midnight
    /// there.
    pub utc_offset_seconds: i32,
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
    type Data: Lenient + DriftWalk + Send + 'static;
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
