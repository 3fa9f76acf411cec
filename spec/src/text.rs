//! How names and values are written in messages: in backticks, listed, and clipped. The
//! loader, the validation, the expansion's docs and the spec tools all word their messages
//! with these, so a list reads the same wherever it appears.

use std::fmt::Display;

/// Each name in backticks, joined with `, `: `` `a`, `b`, `c` ``.
pub fn backticked<T: Display>(names: impl IntoIterator<Item = T>) -> String {
    let mut out = String::new();
    for name in names {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push('`');
        out.push_str(&name.to_string());
        out.push('`');
    }
    out
}

/// `a`, `a and b`, `a, b and c`.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// At most `max` characters of `text`, the last of them `…` where it was cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(backticked(["a", "b"]), "`a`, `b`");
        assert_eq!(backticked(Vec::<String>::new()), "");
        let items = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>();
        assert_eq!(and_list(&items(0)), "");
        assert_eq!(and_list(&items(1)), "0");
        assert_eq!(and_list(&items(2)), "0 and 1");
        assert_eq!(and_list(&items(3)), "0, 1 and 2");
    }

    #[test]
    fn clipping_counts_characters_not_bytes() {
        assert_eq!(clip("余额不足", 4), "余额不足");
        assert_eq!(clip("余额不足!", 4), "余额不…");
        assert_eq!(clip("abc", 0), "…");
    }
}
