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

/// An enum value to add.
struct NewValue {
    enum_type: String,
    value: String,
    endpoints: BTreeSet<String>,
}

/// What the findings of a report ask of the spec, one entry per record field, enum value and
/// shape (the endpoints that showed each gathered), and the findings a patch leaves to a person.
#[derive(Default)]
struct Wanted {
    fields: Vec<NewField>,
    values: Vec<NewValue>,
    shapes: Vec<NewShape>,
    left_out: Vec<String>,
}

impl Wanted {
    fn gather(report: &Report) -> Wanted {
        let mut wanted = Wanted::default();
        for (endpoint, finding) in report.findings() {
            let at = format!("`{}` of `{endpoint}`", finding.path);
            match &finding.detail {
                Detail::UnknownField {
                    record,
                    field,
                    guessed,
                } => wanted.field(endpoint, record, field, guessed),
                Detail::UnknownEnum {
                    enum_type,
                    clipped: true,
                    ..
                } => wanted.left_out.push(format!(
                    "{at}: a value of `{enum_type}` too long to be a code; is it an enum?"
                )),
                Detail::UnknownEnum {
                    enum_type, value, ..
                } => wanted.value(endpoint, enum_type, value),
                Detail::UntypedShape {
                    site: Site::Field { record, field },
                    ..
                } => wanted.left_out.push(format!(
                    "{at}: records in the `json` field `{record}.{field}`; typing a field is left \
                     to a person"
                )),
                Detail::UntypedShape { site, list, fields } => {
                    wanted.shape(endpoint, site, *list, fields)
                }
                Detail::BadType { expected, .. } => wanted.left_out.push(format!(
                    "{at}: a value that is not `{expected}`; changing a type is breaking and left to a person"
                )),
                Detail::Null { expected, .. } => wanted.left_out.push(format!(
                    "{at}: `null` or missing where `{expected}` is not nullable; making it nullable is \
                     breaking and left to a person"
                )),
            }
        }
        wanted
    }

    /// A field of `record` that `endpoint` sent: its type unified with the others seen.
    fn field(&mut self, endpoint: &str, record: &str, name: &str, guessed: &str) {
        match self
            .fields
            .iter_mut()
            .find(|f| f.record == record && f.name == name)
        {
            Some(known) => {
                known.ty = unify(&known.ty, guessed);
                known.endpoints.insert(endpoint.to_owned());
            }
            None => self.fields.push(NewField {
                record: record.to_owned(),
                name: name.to_owned(),
                ty: guessed.to_owned(),
                endpoints: BTreeSet::from([endpoint.to_owned()]),
            }),
        }
    }

    /// A value of `enum_type` that `endpoint` sent.
    fn value(&mut self, endpoint: &str, enum_type: &str, value: &str) {
        match self
            .values
            .iter_mut()
            .find(|v| v.enum_type == enum_type && v.value == value)
        {
            Some(known) => {
                known.endpoints.insert(endpoint.to_owned());
            }
            None => self.values.push(NewValue {
                enum_type: enum_type.to_owned(),
                value: value.to_owned(),
                endpoints: BTreeSet::from([endpoint.to_owned()]),
            }),
        }
    }

    /// Records that `endpoint` sent where the spec says `json`, at `site`: their fields merged
    /// with those seen there before.
    fn shape(&mut self, endpoint: &str, site: &Site, list: bool, fields: &[ShapeField]) {
        let Some(known) = self.shapes.iter_mut().find(|s| &s.site == site) else {
            self.shapes.push(NewShape {
                site: site.clone(),
                list,
                fields: fields.to_vec(),
                endpoints: BTreeSet::from([endpoint.to_owned()]),
            });
            return;
        };
        known.list |= list;
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
}

/// The spec's JSON being patched, with what the patch learned and what it left out.
struct Patcher<'s> {
    spec: &'s Spec,
    root: Value,
    /// The day of the verification, for the docs of what it adds.
    date: String,
    learned: Vec<String>,
    left_out: Vec<String>,
}

impl Patcher<'_> {
    /// The doc of something seen in the responses of `endpoints`.
    fn seen(&self, endpoints: &BTreeSet<String>) -> String {
        let names: Vec<String> = endpoints.iter().map(|e| format!("`{e}`")).collect();
        format!(
            "Seen in the live response of {} on {}; not on the vendor's pages (added by \
             `ipidea spec verify`).",
            names.join(", "),
            self.date
        )
    }

    /// A nullable field added to its record, where the name can be a field.
    fn add_field(&mut self, field: &NewField) {
        let doc = self.seen(&field.endpoints);
        let record_fields = self
            .root
            .pointer_mut(&format!("/types/{}/fields", pointer(&field.record)))
            .and_then(Value::as_object_mut);
        let Some(record_fields) = record_fields else {
            self.left_out
                .push(format!("`{}`: no such record in the spec", field.record));
            return;
        };
        if let Some(why) = field_name_problem(&field.name, record_fields.keys()) {
            self.left_out.push(format!(
                "`{}.{}`: {why}; the client keeps it in `extra`",
                field.record, field.name
            ));
            return;
        }
        record_fields.insert(
            field.name.clone(),
            json!({"type": field.ty, "nullable": true, "doc": {"en": doc}}),
        );
        self.learned.push(format!(
            "`{}` gains the nullable field `{}` (`{}`)",
            field.record, field.name, field.ty
        ));
    }

    /// A value added to its enum, named where its text makes no variant of its own.
    fn add_value(&mut self, new: &NewValue) {
        let (enum_type, value) = (&new.enum_type, &new.value);
        let Some(TypeKind::Enum {
            repr,
            values: known,
        }) = self.spec.type_def(enum_type).map(|t| &t.kind)
        else {
            self.left_out
                .push(format!("`{enum_type}`: no such enum in the spec"));
            return;
        };
        if *repr == EnumRepr::Integer && value.parse::<i64>().is_err() {
            self.left_out.push(format!(
                "`{value}` of `{enum_type}`: not an integer, and `{enum_type}` takes integers"
            ));
            return;
        }
        let doc = self.seen(&new.endpoints);
        let Some(enum_values) = self
            .root
            .pointer_mut(&format!("/types/{}/values", pointer(enum_type)))
            .and_then(Value::as_object_mut)
        else {
            self.left_out
                .push(format!("`{enum_type}`: no values to add to"));
            return;
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
        entry.insert("doc".to_owned(), json!({"en": doc}));
        enum_values.insert(value.clone(), Value::Object(entry));
        self.learned
            .push(format!("`{enum_type}` gains the value `{value}`"));
    }

    /// A record for records seen where the spec says `json`, which the response or the page's
    /// items then name.
    fn type_shape(&mut self, shape: &NewShape) {
        let doc = self.seen(&shape.endpoints);
        let record_fields = shape_fields(shape, &doc, &mut self.left_out);
        if record_fields.is_empty() {
            return;
        }
        let (base, target, current, what) = match &shape.site {
            Site::PageItem { page } => (
                page.strip_suffix("Page")
                    .filter(|b| !b.is_empty())
                    .map_or_else(|| format!("{page}Item"), str::to_owned),
                format!("/types/{}/item", pointer(page)),
                None,
                format!("the items of `{page}` become"),
            ),
            Site::Response { endpoint } => (
                camel(endpoint),
                format!("/endpoints/{}/response", pointer(endpoint)),
                self.spec.endpoint(endpoint).map(|e| e.response.to_string()),
                format!("the response of `{endpoint}` becomes"),
            ),
            Site::Field { .. } => return,
        };
        let name = type_name(self.spec, &self.root, &base);
        let Some(types) = self.root.get_mut("types").and_then(Value::as_object_mut) else {
            return;
        };
        let record_doc = format!("Records seen where the spec said `json`. {doc}");
        let count = record_fields.len();
        types.insert(
            name.clone(),
            json!({"kind": "record", "doc": {"en": record_doc}, "fields": record_fields}),
        );
        let list = shape.list || current.as_deref().is_some_and(|c| c.starts_with("list<"));
        let new_type = match (&shape.site, list) {
            (Site::Response { .. }, true) => format!("list<{name}>"),
            _ => name,
        };
        if let Some(slot) = self.root.pointer_mut(&target) {
            *slot = Value::String(new_type.clone());
        }
        self.learned.push(format!(
            "{what} `{new_type}`, a new record of {count} field{} (breaking: was `json`)",
            if count == 1 { "" } else { "s" }
        ));
    }

    /// `unverified` removed from the endpoints whose live response matched the spec.
    fn mark_verified(&mut self, report: &Report) {
        for entry in report.endpoints.iter().filter(|e| e.confirmed) {
            let removed = self
                .root
                .pointer_mut(&format!("/endpoints/{}", pointer(&entry.endpoint)))
                .and_then(Value::as_object_mut)
                .and_then(|endpoint| endpoint.shift_remove("unverified"));
            if removed.is_some() {
                self.learned.push(format!(
                    "`{}` is no longer marked unverified: its live response matched the spec",
                    entry.endpoint
                ));
            }
        }
    }

    /// The patched spec, loaded again, and its difference from the spec.
    fn finish(self) -> Result<Patch, PatchError> {
        let mut text = serde_json::to_string_pretty(&self.root).unwrap_or_default();
        text.push('\n');
        let patched = ipidea_spec::parse(&self.spec.file, &text).map_err(PatchError::Invalid)?;
        let diff = crate::diff::diff(self.spec, &patched);
        Ok(Patch {
            json: self.root,
            text,
            spec: patched,
            diff,
            learned: self.learned,
            left_out: self.left_out,
        })
    }
}

/// Builds the patched spec from `spec` (loaded from `spec_text`) and the `report` of a
/// verification against it, in phases: the findings gathered per thing they ask for, then
/// fields, enum values and records added, then `unverified` removed where asked, then the
/// result loaded again.
pub fn build(
    spec: &Spec,
    spec_text: &str,
    report: &Report,
    options: PatchOptions,
) -> Result<Patch, PatchError> {
    let root: Value =
        serde_json::from_str(spec_text).map_err(|e| PatchError::NotJson(e.to_string()))?;
    if !root.is_object() {
        return Err(PatchError::NotJson(
            "the top level is not an object".to_owned(),
        ));
    }
    let wanted = Wanted::gather(report);
    let mut patcher = Patcher {
        spec,
        root,
        date: report.date.format("%Y-%m-%d").to_string(),
        learned: Vec::new(),
        left_out: wanted.left_out,
    };
    for field in &wanted.fields {
        patcher.add_field(field);
    }
    for value in &wanted.values {
        patcher.add_value(value);
    }
    for shape in &wanted.shapes {
        patcher.type_shape(shape);
    }
    if options.mark_verified {
        patcher.mark_verified(report);
    }
    patcher.finish()
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
