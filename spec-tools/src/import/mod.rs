//! The vendor documents each endpoint as an HTTP request line with headers, then a JSON-like
//! request body and a JSON-like response body, with `//` comments, trailing commas and no
//! separator between blocks (`}{`, `}POST ...`). The vendor's order page is
//! `spec-tools/tests/data/orders.txt`.
//!
//! Importing runs in three stages:
//! 1. [`parse_page`](crate::import::parse_page) reads the page: request lines, headers and
//!    bodies, each value with its line and its `//` comment (the vendor's own doc of a field).
//!    Bad input is an [`ImportError`](crate::import::ImportError) naming the line.
//! 2. [`build`](crate::import::build) infers spec entries from the examples: one endpoint per
//!    request line, with its request fields, response type, records, pages, docs and examples,
//!    as JSON in the spec format. It also lists what a person must still decide
//!    ([`Import::decisions`](crate::import::Import::decisions)): which fields are required,
//!    which strings are enums, whether a numeric-looking string is an id or a number, and so on.
//!    A call that spends money (`changes: money`) gets `orders_in` where the names make it plain (the one
//!    paging `..._list` endpoint, of the page or the known spec, whose name starts with the
//!    same word, and its `date` field), also listed as a decision to check.
//! 3. [`merge`](fn@crate::import::merge) adds what is new to an existing spec and reports what
//!    differs from it or conflicts with it, without overwriting anything. Compatibility is
//!    judged by [`Spec::check_value`](ipidea_spec::Spec::check_value), the check the client's
//!    decoders agree with.
//!
//! ```
//! let page = "Orders\nPOST /api/open/white_list HTTP/1.1\nHost: api.ipidea.net\n\
//!             {\"page\": \"1\"}{\"ret\": 0, \"code\": \"1\", \"msg\": \"success\", \"ret_data\": []}";
//! let import = ipidea_spec_tools::import::import(page, None).unwrap();
//! let entries = import.entries();
//! assert_eq!(entries["endpoints"]["white_list"]["path"], "/api/open/white_list");
//! assert_eq!(entries["endpoints"]["white_list"]["response"], "empty");
//! assert!(import.decisions.iter().any(|d| d.message.contains("requiredness")));
//! ```
//!
//! The code is split by stage, each module using only those named before it: `error` (the
//! [`ImportError`](crate::import::ImportError) of a page that cannot be read), `dialect` (the
//! JSON-like values with their comments), `page` (request lines, headers and bodies), `notes`
//! (the [`Note`](crate::import::Note)s left for a person), `guess` (types guessed from example
//! values and names), `docs` (the vendor's docs, borrowed docs and placeholders), `infer` (the
//! state of an import, and the types of values and records), `endpoint` (one endpoint from its
//! blocks), `orders` (`orders_in` from the endpoints' names) and `merge` (merging into a spec
//! and comparing with it).

use serde_json::Value;

use ipidea_spec::model::Spec;

mod dialect;
mod docs;
mod endpoint;
mod error;
pub(crate) mod guess;
mod infer;
mod merge;
mod notes;
mod orders;
mod page;

pub use dialect::{Node, NodeValue, parse_value};
pub use error::ImportError;
pub use infer::{Import, ImportedEndpoint};
pub use merge::{Merge, merge};
pub use notes::Note;
pub use page::{Block, Page, parse_page};

use endpoint::endpoint_groups;
use infer::Infer;

/// Reads a page and infers spec entries from it; see [`parse_page`] and [`build`].
pub fn import(text: &str, known: Option<&Spec>) -> Result<Import, ImportError> {
    build(&parse_page(text)?, known)
}

/// Builds spec entries from a parsed page. With `known`, the spec to merge into, the import
/// uses its API conventions (envelope, page layout, credentials), reuses its records, pages and
/// enums where the examples fit them, and takes docs of fields of the same name.
pub fn build(page: &Page, known: Option<&Spec>) -> Result<Import, ImportError> {
    let mut cx = Infer::new(known);
    let groups = endpoint_groups(page)?;
    let single = groups.len() == 1;
    let mut endpoints = Vec::new();
    for (name, blocks) in &groups {
        endpoints.push(cx.endpoint(page, name, blocks, single)?);
    }
    cx.infer_orders_in(&mut endpoints);
    Ok(cx.into_import(page.title.clone(), endpoints))
}

/// Imports a page into the spec `spec`, whose JSON is `spec_json`; see [`import`] and
/// [`merge`](fn@merge).
pub fn import_into(text: &str, spec: &Spec, spec_json: &Value) -> Result<Merge, ImportError> {
    let import = import(text, Some(spec))?;
    Ok(merge(&import, spec, spec_json))
}
