//! The docs of imported entries: the vendor's text (Chinese in `zh`), a doc borrowed from a
//! field of the same name in the known spec, or a placeholder for a person to replace.

use serde_json::{Map, Value};

use ipidea_spec::model::Doc;
use ipidea_spec::text::backticked;

use super::guess::Guess;

/// Whether the text has CJK characters (the vendor writes Chinese) or full-width forms.
pub(super) fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{2e80}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}')
    })
}

/// A doc object: the vendor's text (Chinese goes in `zh`) or the placeholder in `en`. The flag
/// says whether `en` is a placeholder.
pub(super) fn vendor_doc(text: Option<&str>, placeholder: String) -> (Doc, bool) {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) if !has_cjk(text) => (
            Doc {
                en: text.to_owned(),
                zh: None,
            },
            false,
        ),
        Some(text) => (
            Doc {
                en: placeholder,
                zh: Some(text.to_owned()),
            },
            true,
        ),
        None => (
            Doc {
                en: placeholder,
                zh: None,
            },
            true,
        ),
    }
}

/// A doc in the spec format.
pub(super) fn doc_json(doc: &Doc) -> Value {
    let mut map = Map::new();
    map.insert("en".to_owned(), Value::String(doc.en.clone()));
    if let Some(zh) = &doc.zh {
        map.insert("zh".to_owned(), Value::String(zh.clone()));
    }
    Value::Object(map)
}

/// Where a field's doc came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DocSource {
    /// The page's comment, in English.
    Vendor,
    /// A field of the same name in the known spec.
    Borrowed,
    /// Nothing: `en` is a placeholder.
    Placeholder,
}

/// The doc of a field: from a field of the same name in the known spec (with the page's
/// comment as `zh` where it has one), else from the page's comment, else a placeholder.
pub(super) fn field_doc(guess: &Guess, comment: Option<&str>, name: &str) -> (Doc, DocSource) {
    match &guess.known_doc {
        Some(known) => (
            Doc {
                en: known.en.clone(),
                zh: comment.map(str::to_owned).or_else(|| known.zh.clone()),
            },
            DocSource::Borrowed,
        ),
        None => match vendor_doc(comment, placeholder(name)) {
            (doc, true) => (doc, DocSource::Placeholder),
            (doc, false) => (doc, DocSource::Vendor),
        },
    }
}

/// The doc of an endpoint: from the heading above its request line, else from the page's
/// title when the page documents it alone, else a placeholder (naming the page's title). The
/// flag says whether `en` is a placeholder.
pub(super) fn endpoint_doc(
    name: &str,
    heading: Option<&str>,
    title: Option<&str>,
    single: bool,
) -> (Doc, bool) {
    match (heading, title) {
        (Some(heading), _) => vendor_doc(Some(heading), placeholder(name)),
        (None, Some(title)) if single => vendor_doc(Some(title), placeholder(name)),
        (None, Some(title)) => vendor_doc(
            None,
            format!("`{name}` (imported from the vendor page “{title}”; describe it)"),
        ),
        (None, None) => vendor_doc(None, placeholder(name)),
    }
}

/// The decision to check docs borrowed from the known spec, for the fields `names`.
pub(super) fn borrowed_docs(names: &[String]) -> String {
    format!(
        "docs: check the docs taken from fields of the same name in the spec: {}",
        backticked(names)
    )
}

/// The placeholder doc of `name`.
pub(super) fn placeholder(name: &str) -> String {
    format!("`{name}` (imported; describe it)")
}
