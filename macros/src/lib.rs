//! The `generate!` macro: turns an IPIDEA spec into a typed client at compile time.
//!
//! Use it through the `ipidea` crate: `ipidea::generate!("path/to/spec.json");`. The path is
//! resolved against the invoking crate's `CARGO_MANIFEST_DIR`. The spec is loaded and validated
//! by `ipidea-spec`, the same front end the sandbox and the command-line tool use, and expanded
//! by `ipidea-codegen`; this crate only reads the file and reports errors at the literal.
#![deny(missing_docs)]

mod expand;

use proc_macro::TokenStream;

/// Generates a typed client from a spec file.
///
/// ```ignore
/// ipidea::generate!("spec/my-api.json");
/// ```
///
/// Emits a `Client`, one request type per endpoint, and the spec's enums, records and pages,
/// each documented from the spec. Every problem in the spec is a compile error naming the spec
/// file, the line and the JSON path, reported all at once at the path literal.
#[proc_macro]
pub fn generate(input: TokenStream) -> TokenStream {
    let path = syn::parse_macro_input!(input as syn::LitStr);
    expand::generate(&path).into()
}
