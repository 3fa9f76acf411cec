//! Guessing types from example values and field names: timestamps, money, dates, IP lists,
//! JSON in strings, and words that may be enums. Each guess says why it is only a guess.

use std::net::IpAddr;

use serde_json::Value;

use ipidea_spec::days::Date;
use ipidea_spec::model::{Doc, Scalar, Spec, TypeKind, TypeRef};
use ipidea_spec::wire;

/// Why an inferred type is only a guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Doubt {
    /// Nothing to ask.
    None,
    /// A string of digits: an id or a number?
    Numeric,
    /// An empty string: no type to see.
    Empty,
    /// A short word: an enum or free text?
    Word,
    /// `null` in every example: the type is unknown.
    Null,
    /// An empty list: the item type is unknown.
    EmptyList,
    /// An object, list or `null` in a request, which a form cannot send.
    NotSendable,
}

/// An inferred type expression, whether it may be `null`, and how sure it is.
#[derive(Debug, Clone)]
pub(crate) struct Guess {
    pub(crate) ty: String,
    pub(super) nullable: bool,
    pub(super) doubt: Doubt,
    /// A doc from a field of the same name in the known spec.
    pub(super) known_doc: Option<Doc>,
}

impl Guess {
    pub(super) fn new(ty: impl Into<String>, doubt: Doubt) -> Guess {
        Guess {
            ty: ty.into(),
            nullable: false,
            doubt,
            known_doc: None,
        }
    }
}

/// Names that hold unix seconds when their value looks like it: times, and days or dates
/// sent as the unix seconds of their start (`"day": 1653998400`).
fn timestamp_named(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.ends_with("_at")
        || name.ends_with("_time")
        || name.ends_with("_day")
        || name.ends_with("_date")
        || ["time", "timestamp", "day", "date"].contains(&name.as_str())
}

/// Names that hold several IPs when their value holds one (`"white_ips": "1.2.3.4"`): a
/// plural `ips`, or a `..._ip_list`.
fn ip_list_named(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "ips" || name.ends_with("_ips") || name.ends_with("ip_list")
}

/// Names that hold money.
fn money_named(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["money", "price", "amount", "balance", "cost", "fee", "yuan"]
        .iter()
        .any(|word| name.contains(word))
}

/// Ten digits: unix seconds between 2001 and 2286.
fn unix_seconds(n: i128) -> bool {
    (1_000_000_000..=9_999_999_999).contains(&n)
}

fn is_integer_text(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && (1..=2).contains(&parts[1].len())
        && (1..=2).contains(&parts[2].len())
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && Date::parse(text, "%Y-%m-%d").is_some()
}

/// The type of one scalar example value, from its name and its look.
pub(crate) fn guess_scalar(name: &str, value: &Value, request: bool) -> Guess {
    match value {
        Value::Null if request => Guess::new("string", Doubt::NotSendable),
        Value::Null => Guess::new("json", Doubt::Null),
        Value::Bool(_) => Guess::new("bool", Doubt::None),
        Value::Number(_) => match wire::integer(value) {
            Some(n) if timestamp_named(name) && unix_seconds(n) => {
                Guess::new("timestamp", Doubt::None)
            }
            Some(_) if money_named(name) => Guess::new("decimal", Doubt::None),
            Some(n) if request && n >= 0 && n <= i128::from(u32::MAX) => {
                Guess::new("u32", Doubt::None)
            }
            Some(n) if n > i128::from(i64::MAX) => Guess::new("u64", Doubt::None),
            Some(_) => Guess::new("i64", Doubt::None),
            None => Guess::new("decimal", Doubt::None),
        },
        Value::String(text) => guess_string(name, text, request),
        Value::Array(_) | Value::Object(_) if request => Guess::new("string", Doubt::NotSendable),
        Value::Array(_) | Value::Object(_) => Guess::new("json", Doubt::None),
    }
}

fn guess_string(name: &str, text: &str, request: bool) -> Guess {
    let text = text.trim();
    if text.is_empty() {
        return Guess::new("string", Doubt::Empty);
    }
    if is_integer_text(text) {
        let seconds = text.parse::<i128>().is_ok_and(unix_seconds);
        return if timestamp_named(name) && seconds {
            Guess::new("timestamp", Doubt::None)
        } else if money_named(name) {
            Guess::new("decimal", Doubt::None)
        } else {
            Guess::new("string", Doubt::Numeric)
        };
    }
    let decimal = ipidea_spec::decimal::is_decimal(text);
    if decimal && money_named(name) {
        return Guess::new("decimal", Doubt::None);
    }
    if decimal {
        return Guess::new("string", Doubt::Numeric);
    }
    if is_date(text) {
        return Guess::new("date", Doubt::None);
    }
    if text.parse::<IpAddr>().is_ok() {
        return if ip_list_named(name) {
            Guess::new("csv<ip>", Doubt::None)
        } else {
            Guess::new("ip", Doubt::None)
        };
    }
    if text.contains(',') && wire::split_csv(text).all(|part| part.parse::<IpAddr>().is_ok()) {
        return Guess::new("csv<ip>", Doubt::None);
    }
    if (text.starts_with('{') || text.starts_with('['))
        && serde_json::from_str::<Value>(text).is_ok()
    {
        return if request {
            Guess::new("string", Doubt::None)
        } else {
            Guess::new("json_string", Doubt::None)
        };
    }
    if text == "true" || text == "false" {
        return Guess::new("bool", Doubt::None);
    }
    if text.chars().count() <= 24 && !text.contains(char::is_whitespace) {
        return Guess::new("string", Doubt::Word);
    }
    Guess::new("string", Doubt::None)
}

/// One type that fits two inferred scalar types' values, as `check_value` reads them.
pub(crate) fn unify(a: &str, b: &str) -> String {
    if a == b {
        return a.to_owned();
    }
    let pair = if a < b { (a, b) } else { (b, a) };
    let ty = match pair {
        ("i64", "timestamp") => "timestamp",
        ("decimal", "i64" | "timestamp" | "u64") => "decimal",
        ("csv<ip>", "ip") => "csv<ip>",
        ("string", other) | (other, "string")
            if !matches!(other, "bool" | "json") && !other.starts_with("list<") =>
        {
            "string"
        }
        _ => "json",
    };
    ty.to_owned()
}

/// One type that fits the values of every guess, as `check_value` reads them.
pub(super) fn unified(guesses: &[Guess]) -> String {
    guesses
        .iter()
        .skip(1)
        .fold(guesses[0].ty.clone(), |ty, g| unify(&ty, &g.ty))
}

/// Whether a request field may have this type: scalars other than JSON, enums, `csv<T>`.
pub(super) fn sendable(spec: &Spec, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Scalar(s) => !matches!(s, Scalar::Json | Scalar::JsonString),
        TypeRef::Csv(inner) => sendable(spec, inner),
        TypeRef::Named(name) => matches!(
            spec.type_def(name).map(|t| &t.kind),
            Some(TypeKind::Enum { .. })
        ),
        TypeRef::List(_) | TypeRef::Empty => false,
    }
}

/// A type expression that fits every value seen of a key called `name`, guessed as the
/// import guesses example values; `json` where every value is `null` or nothing else fits.
pub(crate) fn guess_type(spec: &Spec, name: &str, values: &[Value]) -> String {
    let present: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
    let Some(guessed) = present
        .iter()
        .map(|v| guess_scalar(name, v, false).ty)
        .reduce(|a, b| unify(&a, &b))
    else {
        return "json".to_owned();
    };
    let fits = TypeRef::parse(&guessed).is_ok_and(|ty| {
        present
            .iter()
            .all(|v| spec.check_value(&ty, true, v).is_ok())
    });
    if fits { guessed } else { "json".to_owned() }
}
