//! The expansion shown as Rust source (feature `format`): for the checked-in snapshot of the
//! bundled spec's API, and for tools that show generated code. The macro never formats.

use ipidea_spec::Spec;
use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::quote;

/// The expansion of a valid spec, formatted as Rust source: what `generate!` adds to a crate.
///
/// Docs are shown as one `///` line per line of text. (The expansion gives each item one doc
/// attribute whose lines are joined with line breaks; rustdoc renders both the same.)
pub fn expand_to_string(spec: &Spec, file: &str) -> Result<String, syn::Error> {
    let file_tokens = doc_per_line(crate::expand(spec, file));
    let file = syn::parse2::<syn::File>(file_tokens)?;
    Ok(prettyplease::unparse(&file))
}

/// The same tokens with each `#[doc = "..."]` of several lines split into one attribute per
/// line, the way `doc_attrs` would have written it line by line: for showing the expansion as
/// source, where each becomes a `///` line.
pub fn doc_per_line(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Punct(pound) if pound.as_char() == '#' => {
                let lines = match tokens.peek() {
                    Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Bracket => {
                        doc_text(group).filter(|text| text.contains('\n'))
                    }
                    _ => None,
                };
                match lines {
                    Some(text) => {
                        tokens.next();
                        for line in text.split('\n') {
                            out.extend(quote!(#[doc = #line]));
                        }
                    }
                    None => out.push(TokenTree::Punct(pound)),
                }
            }
            TokenTree::Group(group) => {
                let mut split = Group::new(group.delimiter(), doc_per_line(group.stream()));
                split.set_span(group.span());
                out.push(TokenTree::Group(split));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// The text of the attribute `[doc = "..."]`.
fn doc_text(attribute: &Group) -> Option<String> {
    let meta: syn::MetaNameValue = syn::parse2(attribute.stream()).ok()?;
    match &meta.value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) if meta.path.is_ident("doc") => Some(text.value()),
        _ => None,
    }
}
