//! Spec -> Rust tokens: the expansion behind `ipidea::generate!`.
//!
//! A plain library, so that the proc macro, the snapshot test of the expansion and the
//! benchmarks run the same code. Loading and every rule live in `ipidea-spec`; this crate only
//! turns a valid spec into tokens, and never panics on one. One module per kind of item:
//! `client` (the `Client` and the API's settings), `types` (enums, records, pages) and
//! `requests` (a request type per endpoint), over `names` (Rust names and types), `docs`, and
//! `runtime`, the one place that spells the runtime's paths.
#![deny(missing_docs)]

mod client;
mod docs;
#[cfg(feature = "format")]
mod format;
mod names;
mod requests;
mod runtime;
mod splice;
mod types;

use ipidea_spec::naming;
use ipidea_spec::{Spec, TypeKind};
use proc_macro2::TokenStream;
use quote::quote;

use crate::client::{expand_api, expand_client};
use crate::names::camel;
use crate::requests::expand_request;
use crate::splice::splice;
use crate::types::{expand_enum, expand_page, expand_record};

#[cfg(feature = "format")]
pub use crate::format::expand_to_string;

/// Placeholders for the names a broken spec declares, so that code naming them gets no
/// "cannot find type" errors on top of the spec's (calls on them still fail to compile).
pub fn stubs(spec: &Spec) -> TokenStream {
    let mut names: Vec<String> = spec.types.iter().map(|t| t.name.clone()).collect();
    names.extend(spec.endpoints.iter().map(|e| naming::request_type(&e.name)));
    names.push("Client".to_owned());
    names.sort();
    names.dedup();
    let names = names
        .iter()
        .filter(|n| naming::ident_problem(n).is_none())
        .map(|n| camel(n));
    quote!(#(
        #[doc(hidden)]
        #[allow(dead_code)]
        pub struct #names;
    )*)
}

/// The items `generate!` emits for a valid spec read from `file` (named in the client's doc).
pub fn expand(spec: &Spec, file: &str) -> TokenStream {
    let api = expand_api(spec);
    let client = expand_client(spec, file);
    let api = splice(api);
    let client = splice(client);
    let types = spec.types.iter().map(|def| {
        splice(match &def.kind {
            TypeKind::Enum { repr, values } => expand_enum(def, *repr, values),
            TypeKind::Record { fields } => expand_record(spec, def, fields),
            TypeKind::Page { item } => expand_page(spec, def, item),
        })
    });
    let requests = spec
        .endpoints
        .iter()
        .map(|endpoint| splice(expand_request(spec, endpoint)));
    let version_check = runtime::version_check();
    quote! {
        #version_check
        #api
        #client
        #(#types)*
        #(#requests)*
    }
}

/// The README's example compiles.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
