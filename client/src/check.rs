//! The checks that generated `ApiRequest::validate` runs on request fields before anything is
//! sent: the spec's bounds, enum values this client knows, and list items a comma-joined field
//! can carry. Generated code calls them rather than spelling each check out, so that every
//! endpoint's checks are the same code, with the same messages.

use std::fmt::Display;

use crate::api::InvalidInput;
use crate::form::WireEnum;

/// The result of one check.
pub type Check = Result<(), InvalidInput>;

fn refuse(field: &'static str, reason: String) -> Check {
    Err(InvalidInput { field, reason })
}

/// A number at least `min` (the spec's `minimum`).
pub fn at_least<T: Into<i128> + Copy + Display>(field: &'static str, value: T, min: i128) -> Check {
    if value.into() < min {
        return refuse(field, format!("must be at least {min}, got {value}"));
    }
    Ok(())
}

/// A number at most `max` (the spec's `maximum`).
pub fn at_most<T: Into<i128> + Copy + Display>(field: &'static str, value: T, max: i128) -> Check {
    if value.into() > max {
        return refuse(field, format!("must be at most {max}, got {value}"));
    }
    Ok(())
}

/// Text of at least `min` characters (the spec's `min_length`).
pub fn min_chars(field: &'static str, value: &str, min: u64) -> Check {
    if (value.chars().count() as u64) < min {
        return refuse(
            field,
            format!("must have at least {min} characters, got {value:?}"),
        );
    }
    Ok(())
}

/// Text of at most `max` characters (the spec's `max_length`).
pub fn max_chars(field: &'static str, value: &str, max: u64) -> Check {
    let count = value.chars().count();
    if count as u64 > max {
        return refuse(
            field,
            format!("must have at most {max} characters, got {count}"),
        );
    }
    Ok(())
}

/// A list of at least `min` items (the spec's `min_items`).
pub fn min_items<T>(field: &'static str, value: &[T], min: u64) -> Check {
    if (value.len() as u64) < min {
        return refuse(
            field,
            format!("must list at least {min} items, got {}", value.len()),
        );
    }
    Ok(())
}

/// A list of at most `max` items (the spec's `max_items`).
pub fn max_items<T>(field: &'static str, value: &[T], max: u64) -> Check {
    if value.len() as u64 > max {
        return refuse(
            field,
            format!("must list at most {max} items, got {}", value.len()),
        );
    }
    Ok(())
}

/// A value not earlier than another field's (the spec's `not_before`: the end of a time range
/// is not before its start). Only compared where both fields are set.
pub fn not_before<T: PartialOrd + Display>(
    field: &'static str,
    value: Option<&T>,
    start_field: &'static str,
    start: Option<&T>,
) -> Check {
    match (value, start) {
        (Some(value), Some(start)) if value < start => refuse(
            field,
            format!("({value}) is before `{start_field}` ({start})"),
        ),
        _ => Ok(()),
    }
}

/// An enum value this client knows: an `Unknown` value read from a response is never sent.
pub fn known<T: WireEnum + Display>(field: &'static str, value: &T) -> Check {
    if !value.is_known() {
        return refuse(
            field,
            format!("is `{value}`, a value this client does not know"),
        );
    }
    Ok(())
}

/// Enum values this client knows, for a comma-joined list of them.
pub fn known_items<T: WireEnum + Display>(field: &'static str, items: &[T]) -> Check {
    match items.iter().find(|item| !item.is_known()) {
        Some(item) => refuse(
            field,
            format!("lists `{item}`, a value this client does not know"),
        ),
        None => Ok(()),
    }
}

/// Text items that a comma-joined field can carry: none empty, none with a `,`.
pub fn csv_items(field: &'static str, items: &[String]) -> Check {
    match items
        .iter()
        .find(|item| item.contains(',') || item.trim().is_empty())
    {
        Some(item) => refuse(
            field,
            format!("has the item {item:?}, which is empty or contains `,`"),
        ),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(check: Check) -> Option<String> {
        check.err().map(|e| {
            assert_eq!(e.field, "f");
            e.reason
        })
    }

    #[test]
    fn each_check_passes_at_its_bound_and_says_why_past_it() {
        assert_eq!(reason(at_least("f", 1u32, 1)), None);
        assert_eq!(
            reason(at_least("f", -1i64, 0)).as_deref(),
            Some("must be at least 0, got -1")
        );
        assert_eq!(reason(at_most("f", u64::MAX, i128::from(u64::MAX))), None);
        assert_eq!(
            reason(at_most("f", 101u32, 100)).as_deref(),
            Some("must be at most 100, got 101")
        );
        // Characters, not bytes.
        assert_eq!(reason(min_chars("f", "渠道", 2)), None);
        assert_eq!(
            reason(min_chars("f", "渠", 2)).as_deref(),
            Some("must have at least 2 characters, got \"渠\"")
        );
        assert_eq!(reason(max_chars("f", "渠道", 2)), None);
        assert_eq!(
            reason(max_chars("f", "渠道一", 2)).as_deref(),
            Some("must have at most 2 characters, got 3")
        );
        assert_eq!(reason(min_items("f", &[1], 1)), None);
        assert_eq!(
            reason(min_items::<u8>("f", &[], 1)).as_deref(),
            Some("must list at least 1 items, got 0")
        );
        assert_eq!(reason(max_items("f", &[1, 2], 2)), None);
        assert_eq!(
            reason(max_items("f", &[1, 2, 3], 2)).as_deref(),
            Some("must list at most 2 items, got 3")
        );
        let items = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(reason(csv_items("f", &items(&["a", "b"]))), None);
        assert_eq!(
            reason(csv_items("f", &items(&["a", "b,c"]))).as_deref(),
            Some("has the item \"b,c\", which is empty or contains `,`")
        );
        assert_eq!(
            reason(csv_items("f", &items(&[" "]))).as_deref(),
            Some("has the item \" \", which is empty or contains `,`")
        );
        let day = |d| chrono::NaiveDate::from_ymd_opt(2022, 5, d).unwrap();
        assert_eq!(
            reason(not_before("f", Some(&day(1)), "s", Some(&day(1)))),
            None
        );
        assert_eq!(reason(not_before("f", Some(&day(1)), "s", None)), None);
        assert_eq!(reason(not_before::<u32>("f", None, "s", Some(&2))), None);
        assert_eq!(
            reason(not_before("f", Some(&day(1)), "start_time", Some(&day(31)))).as_deref(),
            Some("(2022-05-01) is before `start_time` (2022-05-31)")
        );
    }

    #[test]
    fn unknown_enum_values_are_refused() {
        use crate::{IspDuration, PoolTag};
        assert_eq!(reason(known("f", &IspDuration::Weekly)), None);
        assert_eq!(
            reason(known("f", &IspDuration::from_wire("yearly"))).as_deref(),
            Some("is `yearly`, a value this client does not know")
        );
        assert_eq!(
            reason(known_items(
                "f",
                &[PoolTag::Channel1, PoolTag::from_wire("渠道九")]
            ))
            .as_deref(),
            Some("lists `渠道九`, a value this client does not know")
        );
    }
}
