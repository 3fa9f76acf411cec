//! Writing what verification learned into the spec: `ipidea spec verify --write-patch`.
//!
//! [`build`] edits the spec's JSON (key order is kept) and adds, never removes:
//! - an unknown field becomes a new **nullable** field of its record, of the type its values
//!   look like, documented as seen in the live response;
//! - an unknown enum value becomes a new value of its enum (named `ValueN` where the value does
//!   not make a variant name by itself);
//! - records seen where the spec says `json` become a new record type, used as the page item
//!   or as the response. This one is breaking for users of the generated client (the items or
//!   the data change from `serde_json::Value` to a struct), and the spec diff says so;
//! - with [`PatchOptions::mark_verified`], an endpoint confirmed by the live response loses
//!   its `unverified` mark.
//!
//! The result is loaded with [`ipidea_spec::parse`] (so it passes `ipidea spec check`) and
//! compared with the spec by [`diff`](crate::diff::diff). What cannot be learned safely (a bad
//! type, a `null`, a key that cannot be a field name) is listed in [`Patch::left_out`] for a
//! person to decide.

use std::collections::BTreeSet;
use std::fmt;

use ipidea_spec::naming::{camel, ident_problem, snake, variant};
use ipidea_spec::{Diagnostics, EnumRepr, Spec, TypeKind};
use serde_json::{Map, Value, json};

use super::compare::{Detail, ShapeField, Site};
use super::report::Report;
use crate::diff::SpecDiff;
use crate::import::guess::unify;

/// What to change besides the drift.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PatchOptions {
    /// Remove `unverified` from endpoints whose live response matched the spec.
    pub mark_verified: bool,
}

/// A spec with what verification learned.
#[derive(Debug, Clone)]
pub struct Patch {
    /// The whole patched spec, as JSON.
    pub json: Value,
    /// The same, as the text to write (pretty-printed, ending in a newline).
    pub text: String,
    /// The patched spec, loaded and validated.
    pub spec: Spec,
    /// What changes from the spec verified to the patched one.
    pub diff: SpecDiff,
    /// One line per edit.
    pub learned: Vec<String>,
    /// Findings that were not turned into edits, and why.
    pub left_out: Vec<String>,
}

/// Why no patch could be built.
#[derive(Debug, Clone)]
pub enum PatchError {
    /// The spec's text is not a JSON object.
    NotJson(String),
    /// The patched spec does not load (a bug of the patch, or a spec that did not load either).
    Invalid(Diagnostics),
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatchError::NotJson(error) => write!(f, "the spec is not a JSON object: {error}"),
            PatchError::Invalid(errors) => {
                write!(f, "the patched spec does not load:")?;
                for line in errors.lines() {
                    write!(f, "\n  {line}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PatchError {}

/// A field to add to a record.
struct NewField {
    record: String,
    name: String,
    ty: String,
    endpoints: BTreeSet<String>,
}

/// A record to add for records seen where the spec says `json`.
struct NewShape {
    site: Site,
    list: bool,
    fields: Vec<ShapeField>,
    endpoints: BTreeSet<String>,
}

/// Builds the patched spec from `spec` (loaded from `spec_text`) and the `report` of a
/// verification against it.
pub fn build(
    spec: &Spec,
    spec_text: &str,
    report: &Report,
    options: PatchOptions,
) -> Result<Patch, PatchError> {
    let mut root: Value =
        serde_json::from_str(spec_text).map_err(|e| PatchError::NotJson(e.to_string()))?;
    if !root.is_object() {
        return Err(PatchError::NotJson(
            "the top level is not an object".to_owned(),
        ));
    }
    let date = report.date.format("%Y-%m-%d").to_string();
    let seen = |endpoints: &BTreeSet<String>| {
        let names: Vec<String> = endpoints.iter().map(|e| format!("`{e}`")).collect();
        format!(
            "Seen in the live response of {} on {date}; not on the vendor's pages (added by \
             `ipidea spec verify`).",
            names.join(", ")
        )
    };
    let mut learned = Vec::new();
    let mut left_out = Vec::new();
    let mut fields: Vec<NewField> = Vec::new();
    let mut values: Vec<(String, String, BTreeSet<String>)> = Vec::new();
    let mut shapes: Vec<NewShape> = Vec::new();
    for (endpoint, finding) in report.findings() {
        let at = format!("`{}` of `{endpoint}`", finding.path);
        match &finding.detail {
            Detail::UnknownField {
                record,
                field,
                guessed,
            } => match fields
                .iter_mut()
                .find(|f| &f.record == record && &f.name == field)
            {
                Some(known) => {
                    known.ty = unify(&known.ty, guessed);
                    known.endpoints.insert(endpoint.to_owned());
                }
                None => fields.push(NewField {
                    record: record.clone(),
                    name: field.clone(),
                    ty: guessed.clone(),
                    endpoints: BTreeSet::from([endpoint.to_owned()]),
                }),
            },
            Detail::UnknownEnum {
                enum_type,
                value,
                clipped,
            } => {
                if *clipped {
                    left_out.push(format!(
                        "{at}: a value of `{enum_type}` too long to be a code; is it an enum?"
                    ));
                    continue;
                }
                match values
                    .iter_mut()
                    .find(|(e, v, _)| e == enum_type && v == value)
                {
                    Some((_, _, endpoints)) => {
                        endpoints.insert(endpoint.to_owned());
                    }
                    None => values.push((
                        enum_type.clone(),
                        value.clone(),
                        BTreeSet::from([endpoint.to_owned()]),
                    )),
                }
            }
            Detail::UntypedShape { site, list, fields } => {
                if let Site::Field { record, field } = site {
                    left_out.push(format!(
                        "{at}: records in the `json` field `{record}.{field}`; typing a field \
                         is left to a person"
                    ));
                    continue;
                }
                match shapes.iter_mut().find(|s| &s.site == site) {
                    Some(known) => {
                        known.list |= *list;
                        known.endpoints.insert(endpoint.to_owned());
                        for field in fields {
                            match known.fields.iter_mut().find(|f| f.name == field.name) {
                                Some(had) => {
                                    had.guessed = unify(&had.guessed, &field.guessed);
                                    had.always &= field.always;
                                }
                                None => known.fields.push(field.clone()),
                            }
                        }
                    }
                    None => shapes.push(NewShape {
                        site: site.clone(),
                        list: *list,
                        fields: fields.clone(),
                        endpoints: BTreeSet::from([endpoint.to_owned()]),
                    }),
                }
            }
            Detail::BadType { expected, .. } => left_out.push(format!(
                "{at}: a value that is not `{expected}`; changing a type is breaking and left to a person"
            )),
            Detail::Null { expected, .. } => left_out.push(format!(
                "{at}: `null` or missing where `{expected}` is not nullable; making it nullable is \
                 breaking and left to a person"
            )),
        }
    }

    for field in &fields {
        let record_fields = root
            .pointer_mut(&format!("/types/{}/fields", pointer(&field.record)))
            .and_then(Value::as_object_mut);
        let Some(record_fields) = record_fields else {
            left_out.push(format!("`{}`: no such record in the spec", field.record));
            continue;
        };
        if let Some(why) = field_name_problem(&field.name, record_fields.keys()) {
            left_out.push(format!(
                "`{}.{}`: {why}; the client keeps it in `extra`",
                field.record, field.name
            ));
            continue;
        }
        record_fields.insert(
            field.name.clone(),
            json!({"type": field.ty, "nullable": true, "doc": {"en": seen(&field.endpoints)}}),
        );
        learned.push(format!(
            "`{}` gains the nullable field `{}` (`{}`)",
            field.record, field.name, field.ty
        ));
    }

    for (enum_type, value, endpoints) in &values {
        let Some(TypeKind::Enum {
            repr,
            values: known,
        }) = spec.type_def(enum_type).map(|t| &t.kind)
        else {
            left_out.push(format!("`{enum_type}`: no such enum in the spec"));
            continue;
        };
        if *repr == EnumRepr::Integer && value.parse::<i64>().is_err() {
            left_out.push(format!(
                "`{value}` of `{enum_type}`: not an integer, and `{enum_type}` takes integers"
            ));
            continue;
        }
        let Some(enum_values) = root
            .pointer_mut(&format!("/types/{}/values", pointer(enum_type)))
            .and_then(Value::as_object_mut)
        else {
            left_out.push(format!("`{enum_type}`: no values to add to"));
            continue;
        };
        let mut taken: Vec<String> = known
            .iter()
            .map(|v| variant(&v.value, v.name.as_deref()))
            .collect();
        for (other, entry) in enum_values.iter() {
            taken.push(variant(other, entry.get("name").and_then(Value::as_str)));
        }
        let mut entry = Map::new();
        let plain = camel(value);
        if ident_problem(&plain).is_some()
            || taken.contains(&plain)
            || plain == ipidea_spec::naming::UNKNOWN_VARIANT
        {
            let mut name = format!("Value{}", camel(value));
            let mut n = enum_values.len() + 1;
            while ident_problem(&name).is_some() || taken.contains(&name) {
                name = format!("Value{n}");
                n += 1;
            }
            entry.insert("name".to_owned(), Value::String(name));
        }
        entry.insert("doc".to_owned(), json!({"en": seen(endpoints)}));
        enum_values.insert(value.clone(), Value::Object(entry));
        learned.push(format!("`{enum_type}` gains the value `{value}`"));
    }

    for shape in &shapes {
        let record_fields = shape_fields(shape, &seen(&shape.endpoints), &mut left_out);
        if record_fields.is_empty() {
            continue;
        }
        let (base, target, current): (String, String, Option<String>) = match &shape.site {
            Site::PageItem { page } => (
                page.strip_suffix("Page")
                    .filter(|b| !b.is_empty())
                    .map_or_else(|| format!("{page}Item"), str::to_owned),
                format!("/types/{}/item", pointer(page)),
                None,
            ),
            Site::Response { endpoint } => (
                camel(endpoint),
                format!("/endpoints/{}/response", pointer(endpoint)),
                spec.endpoint(endpoint).map(|e| e.response.to_string()),
            ),
            Site::Field { .. } => continue,
        };
        let name = type_name(spec, &root, &base);
        let Some(types) = root.get_mut("types").and_then(Value::as_object_mut) else {
            continue;
        };
        let record_doc = format!(
            "Records seen where the spec said `json`. {}",
            seen(&shape.endpoints)
        );
        types.insert(
            name.clone(),
            json!({"kind": "record", "doc": {"en": record_doc}, "fields": record_fields}),
        );
        let list = shape.list || current.as_deref().is_some_and(|c| c.starts_with("list<"));
        let new_type = match (&shape.site, list) {
            (Site::Response { .. }, true) => format!("list<{name}>"),
            _ => name.clone(),
        };
        if let Some(slot) = root.pointer_mut(&target) {
            *slot = Value::String(new_type.clone());
        }
        let what = match &shape.site {
            Site::PageItem { page } => format!("the items of `{page}` become"),
            Site::Response { endpoint } => format!("the response of `{endpoint}` becomes"),
            Site::Field { .. } => continue,
        };
        learned.push(format!(
            "{what} `{new_type}`, a new record of {} field{} (breaking: was `json`)",
            record_fields.len(),
            if record_fields.len() == 1 { "" } else { "s" }
        ));
    }

    if options.mark_verified {
        for entry in report.endpoints.iter().filter(|e| e.confirmed) {
            let removed = root
                .pointer_mut(&format!("/endpoints/{}", pointer(&entry.endpoint)))
                .and_then(Value::as_object_mut)
                .and_then(|endpoint| endpoint.shift_remove("unverified"));
            if removed.is_some() {
                learned.push(format!(
                    "`{}` is no longer marked unverified: its live response matched the spec",
                    entry.endpoint
                ));
            }
        }
    }

    let mut text = serde_json::to_string_pretty(&root).unwrap_or_default();
    text.push('\n');
    let patched = ipidea_spec::parse(&spec.file, &text).map_err(PatchError::Invalid)?;
    let diff = crate::diff::diff(spec, &patched);
    Ok(Patch {
        json: root,
        text,
        spec: patched,
        diff,
        learned,
        left_out,
    })
}

/// The fields of the record for `shape`: each key that can be a field name, nullable (one
/// live response does not show which keys are always sent).
fn shape_fields(shape: &NewShape, doc: &str, left_out: &mut Vec<String>) -> Map<String, Value> {
    let mut fields = Map::new();
    for field in &shape.fields {
        if let Some(why) = field_name_problem(&field.name, fields.keys()) {
            left_out.push(format!("key `{}`: {why}", field.name));
            continue;
        }
        fields.insert(
            field.name.clone(),
            json!({"type": field.guessed, "nullable": true, "doc": {"en": doc}}),
        );
    }
    fields
}

/// Why `name` cannot be a new field beside `existing`, if it cannot.
fn field_name_problem<'a>(
    name: &str,
    mut existing: impl Iterator<Item = &'a String>,
) -> Option<String> {
    if let Some(problem) = ident_problem(name) {
        return Some(problem);
    }
    if name == ipidea_spec::naming::EXTRA_FIELD {
        return Some(format!(
            "`{name}` is the name of the field that keeps unknown fields"
        ));
    }
    let rust = snake(name);
    existing
        .find(|other| snake(other) == rust)
        .map(|other| format!("it would become `{rust}`, like `{other}`"))
}

/// A type name from `base` that neither the spec nor the patch uses, nor the generated code.
fn type_name(spec: &Spec, root: &Value, base: &str) -> String {
    let taken = |name: &str| {
        spec.type_def(name).is_some()
            || root.pointer(&format!("/types/{}", pointer(name))).is_some()
            || ["Client", "ClientBuilder"].contains(&name)
            || spec
                .endpoints
                .iter()
                .any(|e| ipidea_spec::naming::request_type(&e.name) == name)
    };
    if !taken(base) {
        return base.to_owned();
    }
    let item = format!("{base}Item");
    if !taken(&item) {
        return item;
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|name| !taken(name))
        .unwrap_or_else(|| base.to_owned())
}

/// A key escaped for a JSON pointer.
fn pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
