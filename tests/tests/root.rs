//! The `ipidea` root is the user's API: the generated items and the runtime's user-facing
//! types. The plumbing that generated code fills in lives in `ipidea::runtime`, exported once,
//! and every type name the root exports is one that a spec may not take
//! (`ipidea_spec::naming::RUNTIME_TYPES`), so that no generated item is hidden behind it.

use std::collections::BTreeSet;

/// The type names (`UpperCamelCase`) of the top-level `pub use` items of the runtime's
/// `lib.rs`, as written there.
fn root_types() -> BTreeSet<String> {
    let lib = include_str!("../../client/src/lib.rs");
    let mut names = BTreeSet::new();
    let mut rest = lib;
    while let Some(at) = rest.find("\npub use ") {
        let start = at + "\npub use ".len();
        let end = start + rest[start..].find(';').expect("a `pub use` ends with `;`");
        let item = &rest[start..end];
        for word in item.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            let upper_camel = word.starts_with(|c: char| c.is_ascii_uppercase())
                && word.chars().any(|c| c.is_ascii_lowercase());
            if upper_camel {
                names.insert(word.to_owned());
            }
        }
        rest = &rest[end..];
    }
    names
}

#[test]
fn the_runtimes_root_types_are_the_names_a_spec_may_not_take() {
    let root = root_types();
    let reserved: BTreeSet<String> = ipidea_spec::naming::RUNTIME_TYPES
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    assert_eq!(root, reserved);
}

#[test]
fn the_plumbing_of_generated_code_is_not_in_the_root() {
    let root = root_types();
    for plumbing in [
        "ApiInfo",
        "AuthInfo",
        "EndpointInfo",
        "EnvelopeInfo",
        "Encoding",
        "Method",
        "Form",
        "FormContext",
        "ToWire",
        "WireEnum",
        "Lenient",
    ] {
        assert!(!root.contains(plumbing), "`{plumbing}` is in the root");
    }
    // Exported once, in `ipidea::runtime`.
    let _: Option<&ipidea::runtime::ApiInfo> = None;
    let _: Option<&dyn ipidea::runtime::ToWire> = None;
    fn lenient<T: ipidea::runtime::Lenient>() {}
    lenient::<ipidea::FlowOrderPage>();
}
