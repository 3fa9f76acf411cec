//! The wire text of request values, for the scalars whose text is a choice rather than the
//! value's own display: the client's `ToWire` and the CLI's flags both write with these, so
//! one value puts the same text on the wire from either.
//!
//! | scalar | wire text |
//! |---|---|
//! | `bool` | `1` or `0` ([`bool`](fn@bool)) |
//! | `timestamp` | unix seconds in decimal ([`timestamp`]) |
//! | `csv<T>` | the items' texts joined with `,` ([`CSV_SEPARATOR`]) |
//! | `country` | two lowercase ASCII letters ([`country`]) |
//!
//! Integers, decimals, strings and IPs go as they display; dates in the API's `date_format`.

/// The wire text of a boolean: `1` or `0`. The vendor's API is PHP, where a form field of
/// `"false"` is a non-empty string and so reads as true; `1` and `0` read the same whether the
/// server takes them as booleans or as integers. The spec's wire leniency reads both forms
/// (and `true`/`false`) in responses.
///
/// ```
/// assert_eq!(ipidea_spec::encode::bool(true), "1");
/// assert_eq!(ipidea_spec::encode::bool(false), "0");
/// ```
pub const fn bool(value: bool) -> &'static str {
    if value { "1" } else { "0" }
}

/// A boolean as a person writes it on a command line: `1`, `true`, `yes`, `0`, `false` or `no`
/// (any case, spaces around ignored).
pub fn parse_bool(text: &str) -> Option<bool> {
    let text = text.trim();
    const TRUE: [&str; 3] = ["1", "true", "yes"];
    const FALSE: [&str; 3] = ["0", "false", "no"];
    if TRUE.iter().any(|t| t.eq_ignore_ascii_case(text)) {
        Some(true)
    } else if FALSE.iter().any(|f| f.eq_ignore_ascii_case(text)) {
        Some(false)
    } else {
        None
    }
}

/// The wire text of a timestamp: unix seconds, in decimal.
pub fn timestamp(unix_seconds: i64) -> String {
    unix_seconds.to_string()
}

/// A country code as the wire takes it: two ASCII letters (ISO 3166-1 alpha-2), in lowercase.
/// Anything else is refused, with the reason.
///
/// ```
/// assert_eq!(ipidea_spec::encode::country(" US "), Ok("us".to_owned()));
/// assert!(ipidea_spec::encode::country("usa").is_err());
/// assert!(ipidea_spec::encode::country("u1").is_err());
/// ```
pub fn country(text: &str) -> Result<String, String> {
    let code = text.trim();
    if code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(code.to_ascii_lowercase())
    } else {
        Err(format!(
            "`{text}` is not a country code: expected two letters (ISO 3166-1), such as `us`"
        ))
    }
}

/// What joins the items of a `csv<T>` field.
pub const CSV_SEPARATOR: char = ',';

/// The items' wire texts joined with [`CSV_SEPARATOR`].
pub fn join_csv<I>(items: I) -> String
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    let mut joined = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            joined.push(CSV_SEPARATOR);
        }
        joined.push_str(item.as_ref());
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_read_as_people_write_them_and_go_as_one_or_zero() {
        for (text, value) in [
            ("1", true),
            ("true", true),
            (" Yes ", true),
            ("TRUE", true),
            ("0", false),
            ("false", false),
            ("no", false),
        ] {
            assert_eq!(parse_bool(text), Some(value), "{text}");
            assert_eq!(bool(value), if value { "1" } else { "0" });
        }
        for bad in ["", "2", "maybe", "on"] {
            assert_eq!(parse_bool(bad), None, "{bad}");
        }
    }

    #[test]
    fn lists_join_with_commas() {
        assert_eq!(join_csv(["1.2.3.4", "5.6.7.8"]), "1.2.3.4,5.6.7.8");
        assert_eq!(join_csv(Vec::<String>::new()), "");
        assert_eq!(timestamp(-1), "-1");
    }
}
