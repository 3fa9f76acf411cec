//! How spec names become Rust names. The macro and the validation share these rules, so a
//! collision is caught in the spec rather than as a confusing compile error.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords that cannot be used even as raw identifiers (`r#self` is not allowed).
const NOT_RAW: [&str; 5] = ["self", "Self", "super", "crate", "_"];

/// Words that are keywords in edition 2024, so a field named after one is emitted as `r#name`.
pub const KEYWORDS: [&str; 51] = [
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield", "try", "union", "raw", "safe",
];

/// Whether `name` is a keyword, so that it must be written `r#name`.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Why `name` cannot become a Rust identifier, if it cannot.
pub fn ident_problem(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Some("an empty name cannot become a Rust identifier".to_owned());
    };
    if NOT_RAW.contains(&name) {
        return Some(format!(
            "`{name}` is a Rust keyword that cannot be a raw identifier"
        ));
    }
    if !(first.is_ascii_alphabetic() || first == '_')
        || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Some(format!(
            "`{name}` cannot become a Rust identifier: use ASCII letters, digits and `_`, not starting with a digit"
        ));
    }
    None
}

/// The Rust name of a field or method, `snake_case`.
pub fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// The Rust name of a type or variant, `UpperCamelCase`.
pub fn camel(name: &str) -> String {
    name.to_upper_camel_case()
}

/// The request type of an endpoint: `isp_ip_open` -> `IspIpOpenRequest`.
pub fn request_type(endpoint: &str) -> String {
    format!("{}Request", camel(endpoint))
}

/// The stream method of a paging endpoint: `flow_order_list` -> `flow_order_list_stream`.
pub fn stream_method(endpoint: &str) -> String {
    format!("{}_stream", snake(endpoint))
}

/// The name of the generated field that keeps response fields the spec does not know.
pub const EXTRA_FIELD: &str = "extra";

/// The variant name of an enum value: its own `name`, or the value in `UpperCamelCase`.
pub fn variant(value: &str, name: Option<&str>) -> String {
    match name {
        Some(name) => name.to_owned(),
        None => camel(value),
    }
}

/// The name of the variant that keeps enum values this client does not know.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// Methods of every generated client; an endpoint (or its page stream) of the same name would
/// collide with them.
pub const CLIENT_METHODS: [&str; 6] = [
    "new",
    "builder",
    "from_env",
    "send",
    "transport",
    "with_timeout",
];

/// The constructor of every generated request; an optional field of this name would make a
/// setter that collides with it.
pub const REQUEST_CONSTRUCTOR: &str = "new";
