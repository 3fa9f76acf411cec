//! Rust names and types for spec names and type expressions.

use ipidea_spec::naming;
use ipidea_spec::{Doc, Scalar, Spec, TypeKind, TypeRef};
use proc_macro2::{Delimiter, Group, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::Ident;

/// Tokens that `quote!` takes by moving them instead of copying them.
///
/// `quote!` interpolates by reference, so interpolating a `TokenStream` copies it token by
/// token (every identifier is a new allocation) and the original is dropped later; the nested
/// expansion of an endpoint copied most of its tokens two or three times. Each `Splice` gives
/// its tokens to the first `quote!` that interpolates it and is empty afterwards, so it must be
/// interpolated once.
pub struct Splice(std::cell::Cell<TokenStream>);

/// Wraps `tokens` to be moved into a `quote!`.
pub fn splice(tokens: TokenStream) -> Splice {
    Splice(std::cell::Cell::new(tokens))
}

impl ToTokens for Splice {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        if tokens.is_empty() {
            // The first tokens of a group or stream: take them over whole.
            *tokens = self.0.take();
        } else {
            tokens.extend(std::iter::once(self.0.take()));
        }
    }
}

/// An identifier for a spec name that validation accepted; keywords become raw identifiers.
/// A name that cannot be an identifier (only reachable if validation missed it) becomes a
/// placeholder rather than a panic.
pub fn ident(name: &str) -> Ident {
    if naming::ident_problem(name).is_some() {
        return Ident::new("__invalid_name", Span::call_site());
    }
    if naming::is_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// The `snake_case` identifier of a field or method.
pub fn snake(name: &str) -> Ident {
    ident(&naming::snake(name))
}

/// The `UpperCamelCase` identifier of a type or variant.
pub fn camel(name: &str) -> Ident {
    ident(&naming::camel(name))
}

/// The Rust type of a type expression.
pub fn ty(spec: &Spec, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Scalar(scalar) => scalar_ty(*scalar),
        TypeRef::Named(name) => {
            if spec.type_def(name).is_some() {
                let name = camel(name);
                quote!(#name)
            } else {
                quote!(::ipidea::__private::serde_json::Value)
            }
        }
        TypeRef::List(inner) | TypeRef::Csv(inner) => {
            let inner = self::ty(spec, inner);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Empty => quote!(::ipidea::Empty),
    }
}

fn scalar_ty(scalar: Scalar) -> TokenStream {
    match scalar {
        Scalar::String => quote!(::std::string::String),
        Scalar::I32 => quote!(::core::primitive::i32),
        Scalar::I64 => quote!(::core::primitive::i64),
        Scalar::U32 => quote!(::core::primitive::u32),
        Scalar::U64 => quote!(::core::primitive::u64),
        Scalar::Bool => quote!(::core::primitive::bool),
        Scalar::Decimal => quote!(::ipidea::rust_decimal::Decimal),
        Scalar::Date => quote!(::ipidea::chrono::NaiveDate),
        Scalar::Timestamp => quote!(::ipidea::chrono::DateTime<::ipidea::chrono::Utc>),
        Scalar::Ip => quote!(::std::net::IpAddr),
        Scalar::Json => quote!(::ipidea::__private::serde_json::Value),
        Scalar::JsonString => quote!(::ipidea::JsonString),
    }
}

/// Whether values of `ty` are enums of the spec (or lists of them).
pub fn is_enum(spec: &Spec, ty: &TypeRef) -> bool {
    ty.named()
        .and_then(|n| spec.type_def(n))
        .is_some_and(|t| matches!(t.kind, TypeKind::Enum { .. }))
}

/// Doc lines for a spec doc: the English, then the vendor's Chinese.
pub fn doc_lines(doc: &Doc) -> Vec<String> {
    let mut lines = vec![doc.en.clone()];
    if let Some(zh) = &doc.zh {
        lines.push(String::new());
        lines.push(format!("Vendor: {zh}"));
    }
    lines
}

/// The `#[doc = ...]` attribute of lines of text: one attribute, its lines joined with line
/// breaks, each led by a space as `///` would write it.
///
/// Rustdoc joins the attributes of an item with line breaks, so one attribute per line would
/// render the same; one per item makes far fewer tokens.
pub fn doc_attrs(lines: &[String]) -> DocAttr {
    if lines.is_empty() {
        return DocAttr(None);
    }
    let mut text = String::with_capacity(lines.iter().map(|l| l.len() + 2).sum());
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push(' ');
        text.push_str(line);
    }
    let inner = [
        TokenTree::Ident(Ident::new("doc", Span::call_site())),
        TokenTree::Punct(Punct::new('=', Spacing::Alone)),
        TokenTree::Literal(doc_literal(&text)),
    ];
    DocAttr(Some(Group::new(
        Delimiter::Bracket,
        inner.into_iter().collect(),
    )))
}

/// A `#[doc = ...]` attribute, written straight into the tokens that interpolate it (its
/// bracketed group is shared, not copied).
pub struct DocAttr(Option<Group>);

impl ToTokens for DocAttr {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        if let Some(group) = &self.0 {
            tokens.extend([
                TokenTree::Punct(Punct::new('#', Spacing::Alone)),
                TokenTree::Group(group.clone()),
            ]);
        }
    }
}

/// The string literal of doc text.
///
/// Escaping every character (`Literal::string`) is the bulk of the cost of the docs, so text
/// whose characters all stand for themselves in a literal (line breaks included) becomes a raw
/// string, which needs no escaping and has the same value. Anything else (other control
/// characters, characters that `char::escape_debug` escapes) keeps the escaped form.
pub fn doc_literal(text: &str) -> Literal {
    if text.chars().all(|c| c == '\n' || stands_for_itself(c)) {
        // As many `#` as needed to close after any `"#...` in the text.
        let mut hashes = 0;
        if text.contains('"') {
            hashes = 1;
            for (i, _) in text.match_indices('"') {
                let run = text[i + 1..].bytes().take_while(|b| *b == b'#').count();
                hashes = hashes.max(run + 1);
            }
        }
        let mut repr = String::with_capacity(text.len() + 2 * hashes + 3);
        repr.push('r');
        repr.extend(std::iter::repeat_n('#', hashes));
        repr.push('"');
        repr.push_str(text);
        repr.push('"');
        repr.extend(std::iter::repeat_n('#', hashes));
        if let Ok(literal) = repr.parse() {
            return literal;
        }
    }
    Literal::string(text)
}

/// Whether `c` is written as itself in a string literal: what `char::escape_debug` leaves
/// alone, apart from the quote and the backslash, which a raw string does not escape.
fn stands_for_itself(c: char) -> bool {
    match c {
        ' '..='~' => true,
        // CJK ideographs and punctuation, as in the vendor's Chinese docs: all printable.
        '\u{4e00}'..='\u{9fff}' | '\u{3001}'..='\u{3029}' | '\u{ff01}'..='\u{ff5e}' => true,
        c if c.is_ascii() => false,
        c => {
            let mut escaped = c.escape_debug();
            escaped.next() == Some(c) && escaped.next().is_none()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_literals_have_the_value_of_the_line() {
        for line in [
            "",
            "plain text",
            "say \"hi\"",
            "a \"# and a \"## in it",
            "back\\slash",
            "线路 ID（多个用逗号分隔）。",
            "tab\there",
            " two\n lines",
            "cr\r\nlf",
            "bidi \u{202e} mark",
            "zero \0 byte",
        ] {
            let literal = doc_literal(line);
            let parsed: syn::LitStr = syn::parse2(quote!(#literal)).expect("a string literal");
            assert_eq!(parsed.value(), line, "{literal}");
        }
        assert!(doc_literal("x").to_string().starts_with('r'));
        assert!(
            !doc_literal("bidi \u{202e} mark")
                .to_string()
                .starts_with('r')
        );
        assert!(!doc_literal("tab\there").to_string().starts_with('r'));
        assert!(doc_literal("a\nb").to_string().starts_with('r'));
        assert!(!doc_literal("a\r\nb").to_string().starts_with('r'));
    }

    #[test]
    fn the_ranges_taken_as_printable_are_left_alone_by_escape_debug() {
        for c in ('\u{4e00}'..='\u{9fff}')
            .chain('\u{3001}'..='\u{3029}')
            .chain('\u{ff01}'..='\u{ff5e}')
            .chain(' '..='~')
            .filter(|c| !matches!(c, '"' | '\\' | '\''))
        {
            assert!(c.escape_debug().eq([c]), "{c:?}");
        }
    }
}
