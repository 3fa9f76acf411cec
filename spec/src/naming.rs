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
    let bytes = name.as_bytes();
    let lower = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.first().is_some_and(lower)
        && bytes.last().is_some_and(lower)
        && bytes.iter().all(|b| lower(b) || *b == b'_')
        && !name.contains("__")
    {
        // Already snake_case, as most wire names are.
        return name.to_owned();
    }
    if !name.is_ascii() {
        return name.to_snake_case();
    }
    let mut out = String::with_capacity(name.len() + 4);
    ascii_words(name, |word| {
        if !out.is_empty() {
            out.push('_');
        }
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    });
    out
}

/// The Rust name of a type or variant, `UpperCamelCase`.
pub fn camel(name: &str) -> String {
    let bytes = name.as_bytes();
    if bytes.first().is_some_and(u8::is_ascii_uppercase)
        && bytes.iter().all(u8::is_ascii_alphanumeric)
        && bytes
            .windows(2)
            .all(|pair| !pair[1].is_ascii_uppercase() || pair[0].is_ascii_lowercase())
    {
        // Already UpperCamelCase, each capital after a lowercase letter, as type names are.
        return name.to_owned();
    }
    if !name.is_ascii() {
        return name.to_upper_camel_case();
    }
    let mut out = String::with_capacity(name.len());
    ascii_words(name, |word| {
        let mut bytes = word.bytes();
        out.extend(bytes.next().map(|b| char::from(b.to_ascii_uppercase())));
        out.extend(bytes.map(|b| char::from(b.to_ascii_lowercase())));
    });
    out
}

/// The words of an ASCII name, split the way `heck` splits them: at every character that is not
/// a letter or digit, between a lowercase letter (or the digits after one) and an uppercase
/// letter, and before the last uppercase letter of a run that a lowercase letter follows
/// (`HTTPServer` is `HTTP`, `Server`). `heck` does the same through `fmt` for any text, at
/// many times the cost; `snake` and `camel` use it for text that is not ASCII.
fn ascii_words(name: &str, mut word: impl FnMut(&str)) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let bytes = part.as_bytes();
        let mut start = 0;
        let mut mode = Mode::Boundary;
        for (i, &c) in bytes.iter().enumerate() {
            let Some(&next) = bytes.get(i + 1) else {
                word(&part[start..]);
                break;
            };
            let next_mode = if c.is_ascii_lowercase() {
                Mode::Lower
            } else if c.is_ascii_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            if next_mode == Mode::Lower && next.is_ascii_uppercase() {
                word(&part[start..=i]);
                start = i + 1;
                mode = Mode::Boundary;
            } else if mode == Mode::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
                word(&part[start..i]);
                start = i;
                mode = Mode::Boundary;
            } else {
                mode = next_mode;
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use heck::{ToSnakeCase, ToUpperCamelCase};

    /// `snake` and `camel` agree with `heck` on every short name over an alphabet with every
    /// kind of character that the word splitting distinguishes.
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
