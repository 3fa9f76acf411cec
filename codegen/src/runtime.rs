//! The paths of the runtime crate in generated code, written in this one place.
//!
//! Generated code names the runtime by absolute path (`::ipidea::...`), so that a crate of
//! the user's own can expand a spec of its own; what only generated code needs sits in the
//! runtime's hidden `__private` module. The expansion starts with a check that the runtime is
//! the version this expansion was written for: a mismatched pair fails with a message that says
//! so, rather than with a wall of unresolved paths.

use proc_macro2::{Ident, Punct, Spacing, Span, TokenStream};
use quote::{ToTokens, TokenStreamExt, quote};

/// The runtime crate, as generated code names it.
const CRATE: &str = "ipidea";
/// The runtime's module of what only generated code uses.
const PRIVATE_MODULE: &str = "__private";
/// The runtime's public module of the pieces an API is described and encoded with.
const DESCRIBE_MODULE: &str = "runtime";

/// `::ipidea`, the runtime's root. Interpolate it as `#RUNTIME::Error`.
pub(crate) const RUNTIME: Root = Root { module: None };
/// `::ipidea::__private`. Interpolate it as `#PRIVATE::serde`.
pub(crate) const PRIVATE: Root = Root {
    module: Some(PRIVATE_MODULE),
};
/// `::ipidea::runtime`, the descriptors and wire traits (`ApiInfo`, `ToWire`, `Lenient`).
/// Interpolate it as `#DESCRIBE::ApiInfo`.
pub(crate) const DESCRIBE: Root = Root {
    module: Some(DESCRIBE_MODULE),
};

/// A path into the runtime; see [`RUNTIME`], [`DESCRIBE`] and [`PRIVATE`].
#[derive(Clone, Copy)]
pub(crate) struct Root {
    module: Option<&'static str>,
}

impl ToTokens for Root {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append(Punct::new(':', Spacing::Joint));
        tokens.append(Punct::new(':', Spacing::Alone));
        tokens.append(Ident::new(CRATE, Span::call_site()));
        if let Some(module) = self.module {
            tokens.append(Punct::new(':', Spacing::Joint));
            tokens.append(Punct::new(':', Spacing::Alone));
            tokens.append(Ident::new(module, Span::call_site()));
        }
    }
}

/// A path below `::ipidea::__private` as text, for attributes that take a path in a string
/// (`#[serde(with = "...")]`).
pub(crate) fn private_path(below: &str) -> String {
    format!("::{CRATE}::{PRIVATE_MODULE}::{below}")
}

/// The check that opens every expansion: the runtime compares the version of the code that
/// expanded the spec (this crate's, which `ipidea-macros` and `ipidea` share) with its own, at
/// compile time.
pub(crate) fn version_check() -> TokenStream {
    let version = env!("CARGO_PKG_VERSION");
    quote!(const _: () = #PRIVATE::expect_macro_version(#version);)
}
