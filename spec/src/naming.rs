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

/// The identifier of a field or method as generated code writes it: `snake_case`, and `r#name`
/// where that is a keyword.
pub fn ident(name: &str) -> String {
    let snake = snake(name);
    if is_keyword(&snake) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// The Rust name of a field or method, `snake_case`.
pub fn snake(name: &str) -> String {
    if is_lower_snake(name) {
        // Words are only split at `_`: the words joined with one `_`, as `heck` does.
        let mut out = String::with_capacity(name.len());
        for word in name.split('_').filter(|w| !w.is_empty()) {
            if !out.is_empty() {
                out.push('_');
            }
            out.push_str(word);
        }
        return out;
    }
    name.to_snake_case()
}

/// The Rust name of a type or variant, `UpperCamelCase`.
pub fn camel(name: &str) -> String {
    if is_lower_snake(name) {
        // Words are only split at `_`: each capitalized, joined, as `heck` does.
        let mut out = String::with_capacity(name.len());
        for word in name.split('_').filter(|w| !w.is_empty()) {
            out.push(char::from(word.as_bytes()[0].to_ascii_uppercase()));
            out.push_str(&word[1..]);
        }
        return out;
    }
    if is_plain_camel(name) {
        return name.to_owned();
    }
    name.to_upper_camel_case()
}

/// Only ASCII lowercase letters, digits and `_`: the common spelling of wire names, which
/// `snake` and `camel` convert without the general (and much slower) word splitting.
fn is_lower_snake(name: &str) -> bool {
    name.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// ASCII letters and digits, starting with an uppercase letter, where every other uppercase
/// letter follows a lowercase one (`FlowOrder`, `Ipv4`, not `HTTPServer` or `V2Api`): a name
/// that `camel` leaves as it is.
fn is_plain_camel(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_uppercase)
        && bytes.iter().all(u8::is_ascii_alphanumeric)
        && bytes
            .windows(2)
            .all(|w| !w[1].is_ascii_uppercase() || w[0].is_ascii_lowercase())
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

/// The generated client's own type.
pub const CLIENT_TYPE: &str = "Client";

/// The types the `ipidea` runtime's root exports beside the generated API (`ipidea::Error`,
/// `ipidea::Response`, ...). In the `ipidea` crate the generated items are glob-exported at the
/// same root, where these names would silently win, and a user's `use ipidea::*` meets them
/// too: no spec type or request type may take one. A test of the repository checks this list
/// against the runtime's root.
pub const RUNTIME_TYPES: [&str; 26] = [
    "ApiRequest",
    "ClientBuilder",
    "Country",
    "Decimal",
    "Drift",
    "DriftKind",
    "Empty",
    "Error",
    "Gateway",
    "InvalidCountry",
    "InvalidInput",
    "JsonString",
    "Pace",
    "Page",
    "PageStream",
    "PagedRequest",
    "RefusalKind",
    "Response",
    "RetryPolicy",
    "SentRequest",
    "SyncMode",
    "Transport",
    "WhitelistPlan",
    "WhitelistStep",
    "WhitelistSync",
    "WhitelistSyncError",
];

/// The constructor of every generated request; an optional field of this name would make a
/// setter that collides with it.
pub const REQUEST_CONSTRUCTOR: &str = "new";

#[cfg(test)]
mod tests {
    use heck::{ToSnakeCase, ToUpperCamelCase};

    /// The fast paths of `snake` and `camel` agree with `heck` on every short name over an
    /// alphabet with every kind of character they distinguish.
    #[test]
    fn conversions_agree_with_heck() {
        let alphabet = ['a', 'b', 'A', 'B', '1', '_', '-', 'é'];
        let mut names = vec![String::new()];
        let mut start = 0;
        for _ in 0..6 {
            let end = names.len();
            for i in start..end {
                for c in alphabet {
                    let mut name = names[i].clone();
                    name.push(c);
                    names.push(name);
                }
            }
            start = end;
        }
        names.extend(
            [
                "IspIpOpenX123Request",
                "isp_ip_open_x123",
                "HTTPServer",
                "XMLHttp2Request",
                "__a__b__",
                "FlowOrder",
                "v2_api_V3",
                "aB1cD2EF3gh",
            ]
            .map(String::from),
        );
        for name in &names {
            assert_eq!(
                super::snake(name),
                name.to_snake_case(),
                "snake of {name:?}"
            );
            assert_eq!(
                super::camel(name),
                name.to_upper_camel_case(),
                "camel of {name:?}"
            );
        }
    }
}
