//! The docs of generated items: from the spec's docs, with what the wire and the bounds say.

use ipidea_spec::{Doc, Endpoint, Field, Spec, TypeRef};
use proc_macro2::{Delimiter, Group, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::Ident;

/// The doc lines of a field: its doc, then what the wire and the bounds say.
pub(crate) fn field_doc(spec: &Spec, field: &Field, request: bool) -> Vec<String> {
    let mut lines = doc_lines(&field.doc);
    let mut facts = Vec::new();
    if request && field.required {
        facts.push("Required.".to_owned());
    }
    if matches!(field.ty, TypeRef::Csv(_)) {
        facts.push("Sent as one string joined with `,`.".to_owned());
    }
    if matches!(field.ty, TypeRef::Scalar(ipidea_spec::Scalar::Date)) {
        facts.push(format!("Sent as `{}`.", spec.api.date_format));
    }
    let b = &field.bounds;
    for (value, text) in [
        (b.minimum.map(|v| v.to_string()), "At least"),
        (b.maximum.map(|v| v.to_string()), "At most"),
        (b.min_length.map(|v| format!("{v} characters")), "At least"),
        (b.max_length.map(|v| format!("{v} characters")), "At most"),
        (b.min_items.map(|v| format!("{v} items")), "At least"),
        (b.max_items.map(|v| format!("{v} items")), "At most"),
    ] {
        if let Some(value) = value {
            facts.push(format!("{text} {value}."));
        }
    }
    if let Some(start) = &field.not_before {
        facts.push(format!("Not earlier than `{start}`."));
    }
    if let Some(example) = &field.example {
        facts.push(format!("Example: `{example}`."));
    }
    if !facts.is_empty() {
        lines.push(String::new());
        lines.push(facts.join(" "));
    }
    lines
}

/// Adds the paragraph of an endpoint that no vendor page documents, `**Unverified.**` and
/// where it comes from, to the docs of its client method and its request type.
pub(crate) fn push_unverified(lines: &mut Vec<String>, endpoint: &Endpoint) {
    if let Some(source) = &endpoint.unverified {
        lines.push(String::new());
        lines.push(format!("**Unverified.** {source}"));
    }
}

pub(crate) fn sends_line(spec: &Spec, endpoint: &Endpoint) -> String {
    let api = spec.service_of(endpoint);
    let to = if api.is_main() {
        String::new()
    } else {
        let credentials = if api.auth.is_empty() {
            ", with no credentials"
        } else {
            ""
        };
        format!(" to the {} API (`{}`){credentials}", api.name, api.base_url)
    };
    format!(
        "Sends `{} {}`{to}.",
        endpoint.method.name(),
        endpoint.url_path
    )
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
