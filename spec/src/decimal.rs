//! The decimal amounts the spec accepts on the wire, in a grammar of our own: the one home of
//! that rule, which the spec's wire check and the `ipidea` client's decoder both apply, so that
//! what the spec accepts is exactly what the client reads without a coercion.
//!
//! A decimal is `[+-]digits[.digits]`, with at most [`MAX_DIGITS`] significant digits (which
//! always fit the client's `rust_decimal::Decimal`). Other forms that `rust_decimal` would
//! still read (`1.`, `.5`, `1_000`, thirty digits) are beyond the spec: the client reads them
//! as a coercion.

use std::cmp::Ordering;

/// The most significant digits a decimal may have: 28, which any `rust_decimal::Decimal`
/// holds exactly (`10^28 < 2^96`).
pub const MAX_DIGITS: usize = 28;

/// A decimal's text, split into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parts<'a> {
    negative: bool,
    /// The integer digits, leading zeros removed.
    integer: &'a str,
    /// The fraction digits, trailing zeros removed.
    fraction: &'a str,
}

fn parts(text: &str) -> Option<Parts<'_>> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (integer, fraction) = match rest.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (rest, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(integer) || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    let fraction = fraction.unwrap_or("");
    let integer = integer.trim_start_matches('0');
    if integer.len() + fraction.len() > MAX_DIGITS {
        return None;
    }
    Some(Parts {
        negative,
        integer,
        fraction: fraction.trim_end_matches('0'),
    })
}

/// Whether `text` is a decimal as the spec accepts it: `0.01`, `-5`, `+100.50`.
///
/// ```
/// use ipidea_spec::decimal::is_decimal;
///
/// assert!(is_decimal("0.01") && is_decimal("-5") && is_decimal("+100.50"));
/// assert!(!is_decimal("1.") && !is_decimal(".5") && !is_decimal("1e2") && !is_decimal("lots"));
/// ```
pub fn is_decimal(text: &str) -> bool {
    parts(text).is_some()
}

/// How two decimals compare by value (`0.10` equals `0.1`); `None` unless both are decimals.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (parts(a)?, parts(b)?);
    let zero = |p: &Parts<'_>| p.integer.is_empty() && p.fraction.is_empty();
    let sign = |p: &Parts<'_>| {
        if zero(p) {
            0
        } else if p.negative {
            -1
        } else {
            1
        }
    };
    let by_sign = sign(&a).cmp(&sign(&b));
    if by_sign != Ordering::Equal || sign(&a) == 0 {
        return Some(by_sign);
    }
    let magnitude = a
        .integer
        .len()
        .cmp(&b.integer.len())
        .then_with(|| a.integer.cmp(b.integer))
        .then_with(|| a.fraction.cmp(b.fraction));
    Some(if a.negative {
        magnitude.reverse()
    } else {
        magnitude
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar_takes_plain_decimals_only() {
        for good in [
            "0",
            "0.01",
            "-5",
            "+5",
            "100.50",
            "007",
            "1.0000",
            &"9".repeat(28),
        ] {
            assert!(is_decimal(good), "{good}");
        }
        let long_fraction = format!("0.{}", "1".repeat(28));
        assert!(is_decimal(&long_fraction));
        let zeros = format!("{}1", "0".repeat(40));
        assert!(is_decimal(&zeros), "leading zeros are not significant");
        for bad in [
            "",
            "-",
            "+",
            "1.",
            ".5",
            "1e2",
            "1_000",
            " 1",
            "1 ",
            "0x10",
            "--1",
            "1.2.3",
            "lots",
            &"9".repeat(29),
            &format!("0.{}", "1".repeat(29)),
        ] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn decimals_compare_by_value() {
        use Ordering::*;
        for (a, b, order) in [
            ("0.10", "0.1", Equal),
            ("1", "0.999", Greater),
            ("-1", "0.5", Less),
            ("-2", "-1", Less),
            ("-0", "+0.00", Equal),
            ("10", "9.99", Greater),
            ("0.011", "0.0101", Greater),
            ("100", "0100.0", Equal),
        ] {
            assert_eq!(compare(a, b), Some(order), "{a} vs {b}");
            assert_eq!(compare(b, a), Some(order.reverse()), "{b} vs {a}");
        }
        assert_eq!(compare("1", "lots"), None);
    }
}
