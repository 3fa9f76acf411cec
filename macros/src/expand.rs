//! The macro's side of the expansion: find and read the spec, report its errors at the path
//! literal, and hand a valid spec to `ipidea-codegen`.

use std::path::PathBuf;

use ipidea_spec::Diagnostic;
use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

/// Expands `generate!(path)`.
pub fn generate(path: &LitStr) -> TokenStream {
    let relative = path.value();
    if relative.trim().is_empty() {
        return syn::Error::new(path.span(), "the spec path is empty; write the path of a spec file, relative to the crate's Cargo.toml").to_compile_error();
    }
    let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return syn::Error::new(
            path.span(),
            "`CARGO_MANIFEST_DIR` is not set; build with cargo",
        )
        .to_compile_error();
    };
    let absolute = PathBuf::from(manifest_dir).join(&relative);
    let text = match std::fs::read_to_string(&absolute) {
        Ok(text) => text,
        Err(error) => {
            let message = format!(
                "cannot read the spec `{relative}`: {error}; the path is relative to the crate's Cargo.toml"
            );
            return syn::Error::new(path.span(), message).to_compile_error();
        }
    };
    // Rebuild whenever the spec changes.
    let tracked = absolute.display().to_string();
    let track = quote!(
        const _: &str = ::core::include_str!(#tracked);
    );
    let (spec, errors) = ipidea_spec::parse_partial(&relative, &text);
    match spec {
        Some(spec) if errors.is_empty() => {
            let api = ipidea_codegen::expand(&spec, &relative);
            quote!(#track #api)
        }
        spec => {
            let errors = errors.iter().map(|error| report(path, &relative, error));
            let stubs = spec.as_ref().map(ipidea_codegen::stubs);
            quote!(#track #(#errors)* #stubs)
        }
    }
}

fn report(path: &LitStr, file: &str, error: &Diagnostic) -> TokenStream {
    let location = match error.line {
        Some(line) => format!("{file}:{line}"),
        None => file.to_owned(),
    };
    syn::Error::new(path.span(), format!("{location}: {error}")).to_compile_error()
}
