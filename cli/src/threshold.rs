//! `--below AMOUNT` on `balance-left` and `flow-left`: a threshold check for scripts and cron
//! jobs. The response prints as usual; the exit code says whether the value is below the
//! amount ([`exit::BELOW_THRESHOLD`]).

use std::process::ExitCode;

use clap::{Arg, ArgMatches};
use ipidea_spec::Endpoint;
use serde_json::Value;

use crate::exit;

/// The endpoints that take `--below`, the response field each compares, and what it measures,
/// in units as far as they are known.
const CHECKS: &[(&str, &str, &str)] = &[
    (
        "balance_left",
        "balance_left",
        "the money left, in the unit the API sends (not stated by the vendor; its order \
         prices are in yuan)",
    ),
    (
        "flow_left",
        "flow_left",
        "the traffic left, in MB according to unverified evidence (a third-party \
         integration; no vendor page documents `flow_left`)",
    ),
];

/// The flag's id.
const BELOW: &str = "below";

/// The response field `endpoint` compares with `--below`, where it takes the flag.
fn field(endpoint: &Endpoint) -> Option<(&'static str, &'static str)> {
    CHECKS
        .iter()
        .find(|(name, _, _)| *name == endpoint.name)
        .map(|(_, field, what)| (*field, *what))
}

/// `--below AMOUNT` for the endpoints that take it; nothing for the others.
pub fn args(endpoint: &Endpoint) -> Vec<Arg> {
    let Some((field, what)) = field(endpoint) else {
        return Vec::new();
    };
    vec![
        Arg::new(BELOW)
            .long("below")
            .value_name("AMOUNT")
            .allow_negative_numbers(true)
            .value_parser(amount_arg)
            .help(format!(
                "Exit {} if `{field}`, {what}, is below AMOUNT (a decimal number in that \
                 unit, read before anything is sent), 0 if it is at or above it; the response \
                 prints either way",
                exit::BELOW_THRESHOLD
            )),
    ]
}

fn amount_arg(text: &str) -> Result<String, String> {
    let text = text.trim();
    if ipidea_spec::decimal::is_decimal(text) {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "`{text}` is not a number: write an amount such as 100 or 12.5"
        ))
    }
}

/// The value of `field` in `data` as decimal text: a JSON number, or a number sent as a
/// string, read as the spec's wire check reads a `decimal`.
fn amount(data: &Value, field: &str) -> Option<String> {
    let text = ipidea_spec::wire::decimal_text(data.get(field)?)?;
    ipidea_spec::decimal::is_decimal(&text).then_some(text)
}

/// The exit code of a call whose `data` was printed: success without `--below`; else the
/// check, with its outcome on stderr.
pub fn check(endpoint: &Endpoint, matches: &ArgMatches, data: &Value) -> ExitCode {
    let (Some((field, _)), Some(below)) = (
        field(endpoint),
        matches.try_get_one::<String>(BELOW).ok().flatten(),
    ) else {
        return ExitCode::SUCCESS;
    };
    let below_it =
        |value: &str| ipidea_spec::decimal::compare(value, below) == Some(std::cmp::Ordering::Less);
    match amount(data, field) {
        Some(value) if below_it(&value) => {
            eprintln!("{field}: {value}, below {below}");
            ExitCode::from(exit::BELOW_THRESHOLD)
        }
        Some(_) => ExitCode::SUCCESS,
        None => {
            let problem = match data.get(field) {
                None => format!("the response has no `{field}` field"),
                Some(Value::Null) => format!("the response's `{field}` is null"),
                Some(other) => format!("the response's `{field}` is {other}, not a number"),
            };
            eprintln!(
                "error: {problem}: nothing to compare with --below {below}; the response was \
                 kept: it is printed on stdout"
            );
            ExitCode::from(exit::FAILED)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_from_numbers_and_strings() {
        let data = serde_json::json!({"a": 31950, "b": "12.50", "c": 1.5e3, "d": null, "e": "x"});
        assert_eq!(amount(&data, "a").as_deref(), Some("31950"));
        assert_eq!(amount(&data, "b").as_deref(), Some("12.50"));
        assert_eq!(amount(&data, "c").as_deref(), Some("1500.0"));
        assert_eq!(amount(&data, "d"), None);
        assert_eq!(amount(&data, "e"), None);
        assert_eq!(amount(&data, "f"), None);
        assert!(
            amount_arg("abc")
                .unwrap_err()
                .contains("`abc` is not a number")
        );
        assert_eq!(amount_arg(" -2.5 ").as_deref(), Ok("-2.5"));
    }
}
