//! The description of an API that generated code fills in and the runtime reads: the API's
//! settings, each endpoint, and the traits of requests and pages.

use crate::drift::DriftWalk;
use crate::form::Form;
use crate::lenient::Lenient;
pub use ipidea_spec::RefusalKind;

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
    /// The API it calls: its position in [`ApiInfo::apis`].
    pub api: usize,
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

/// Where the envelope keeps its parts. A call succeeded when the status field holds the
/// success value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeInfo {
    /// Status field.
    pub status: &'static str,
    /// Status value of success.
    pub success: i64,
    /// Code field, for an API that sends one beside the status.
    pub code: Option<&'static str>,
    /// Message field.
    pub message: &'static str,
    /// Data field.
    pub data: &'static str,
    /// Server-timestamp field, for an API that sends one.
    pub timestamp: Option<&'static str>,
    /// A boolean beside the status that repeats it, for an API that sends one: read as part
    /// of the envelope, never as an unknown field; the status decides.
    pub flag: Option<&'static str>,
}

/// One API of a spec: its host, credentials, fixed fields, envelope and refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceInfo {
    /// Its name in the spec (`ipidea`, `extraction`).
    pub name: &'static str,
    /// Production base URL.
    pub base_url: &'static str,
    /// The environment variable another base URL is read from, where the spec names one.
    pub base_url_env: Option<&'static str>,
    /// Credentials sent with every call (none for an API that knows callers by address).
    pub auth: &'static [AuthInfo],
    /// Fields sent with every call with one value, such as `return_type=json`.
    pub fixed: &'static [(&'static str, &'static str)],
    /// The envelope.
    pub envelope: EnvelopeInfo,
    /// The refusals a program can match on: the kind, and text its message contains.
    pub refusals: &'static [(RefusalKind, &'static str)],
}

/// A spec, as the runtime needs it: its APIs, and how it writes dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiInfo {
    /// Machine name.
    pub name: &'static str,
    /// The APIs its endpoints call; the first is the main API.
    pub apis: &'static [ServiceInfo],
    /// Wire format of dates.
    pub date_format: &'static str,
    /// The API's offset from UTC, in seconds (`api.utc_offset`): its days start at midnight
    /// there.
    pub utc_offset_seconds: i32,
}

impl ApiInfo {
    /// The main API, the one the spec's `api` describes.
    pub fn main(&self) -> &'static ServiceInfo {
        &self.apis[0]
    }

    /// The API `endpoint` calls.
    pub fn service(&self, endpoint: &EndpointInfo) -> &'static ServiceInfo {
        self.apis.get(endpoint.api).unwrap_or(self.main())
    }
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
