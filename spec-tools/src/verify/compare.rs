//! Comparing the raw data of a live response with the type the spec gives it.
//!
//! [`compare`] walks the JSON of the envelope's data field against an endpoint's response
//! type and reports what does not match, as [`Finding`]s with the JSON path of the first
//! occurrence (`ret_data.data[0].pay_status`) and a count of the others (the same field in
//! every item of a page is one finding). Values are read as leniently as the client's
//! decoders read them ([`Spec::check_value`]): `"15"` for a `u32` is not drift.
//!
//! A finding never holds a value of the response, only keys, paths, kinds and type names; the
//! one exception is an enum value the spec does not list, a code, clipped to
//! [`ENUM_VALUE_CHARS`] characters.

use std::collections::HashMap;

use ipidea_spec::walk::{self, Place, Shape, Step, Visitor};
use ipidea_spec::wire;
use ipidea_spec::{DriftKind, Endpoint, EnumRepr, Scalar, Spec, TypeRef};
use serde_json::{Map, Value, json};

use crate::import::guess::guess_type;

/// The longest enum value a report shows; longer ones are clipped.
pub const ENUM_VALUE_CHARS: usize = 24;

/// Where a `json` value sits, which decides how a patch can type it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Site {
    /// The endpoint's response (`json` or `list<json>`).
    Response {
        /// The endpoint.
        endpoint: String,
    },
    /// The items of a page type whose `item` is `json`.
    PageItem {
        /// The page type.
        page: String,
    },
    /// A field of a record.
    Field {
        /// The record type.
        record: String,
        /// The field's wire name.
        field: String,
    },
}

/// A key of records seen where the spec says `json`, with the type its values look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeField {
    /// The key.
    pub name: String,
    /// A type expression that fits every value seen (`json` where nothing else does, or where
    /// every value was `null`).
    pub guessed: String,
    /// Whether every record seen had the key with a value other than `null`.
    pub always: bool,
}

/// What was found, with what a patch needs to learn from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    /// A key `field` that `record` does not declare.
    UnknownField {
        /// The record type.
        record: String,
        /// The key.
        field: String,
        /// A type expression that fits every value seen.
        guessed: String,
    },
    /// A value that does not fit `expected`.
    BadType {
        /// The type expression the spec gives.
        expected: String,
        /// What was found instead: `a string`, `a number`, `an object`…
        found: &'static str,
    },
    /// A value of `enum_type` that the spec does not list.
    UnknownEnum {
        /// The enum type.
        enum_type: String,
        /// The value, clipped to [`ENUM_VALUE_CHARS`] characters.
        value: String,
        /// Whether the value was clipped.
        clipped: bool,
    },
    /// `null`, or a missing key, where `expected` is not nullable.
    Null {
        /// The type expression the spec gives.
        expected: String,
        /// Whether the key was missing rather than `null`.
        missing: bool,
    },
    /// Records where the spec says `json`.
    UntypedShape {
        /// Where the `json` is.
        site: Site,
        /// Whether the records came as a list.
        list: bool,
        /// Their keys, in the order first seen.
        fields: Vec<ShapeField>,
    },
}

/// One difference between a response and the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The JSON path of the first occurrence, from the envelope's data field:
    /// `ret_data.data[0].pay_status`.
    pub path: String,
    /// How many times it occurred (in how many items of a list).
    pub count: usize,
    /// What it is.
    pub detail: Detail,
}

impl Finding {
    /// The kind of the finding, in the drift vocabulary that the client and the sandbox
    /// speak too (never [`DriftKind::Coercion`], which only the client's decoders see).
    pub fn kind(&self) -> DriftKind {
        match self.detail {
            Detail::UnknownField { .. } => DriftKind::UnknownField,
            Detail::BadType { .. } => DriftKind::BadType,
            Detail::UnknownEnum { .. } => DriftKind::UnknownEnum,
            Detail::Null { .. } => DriftKind::Null,
            Detail::UntypedShape { .. } => DriftKind::UntypedShape,
        }
    }

    /// One line in plain words: keys, kinds and type names, never a value but a clipped enum
    /// code.
    pub fn describe(&self) -> String {
        let mut text = match &self.detail {
            Detail::UnknownField {
                record,
                field,
                guessed,
            } => {
                format!("`{field}` is not a field of `{record}`; its values look like `{guessed}`")
            }
            Detail::BadType { expected, found } => {
                format!("expected `{expected}`, found {found}")
            }
            Detail::UnknownEnum {
                enum_type, value, ..
            } => format!("`{value}` is not a value of `{enum_type}`"),
            Detail::Null { expected, missing } => {
                let seen = if *missing { "missing" } else { "`null`" };
                format!("{seen}, but the spec says `{expected}`, not nullable")
            }
            Detail::UntypedShape { list, fields, .. } => {
                let keys: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        let sometimes = if f.always { "" } else { ", sometimes absent" };
                        format!("`{}` ({}{sometimes})", f.name, f.guessed)
                    })
                    .collect();
                let what = if *list {
                    "a list of records"
                } else {
                    "a record"
                };
                format!("the spec says `json`; seen {what} with {}", keys.join(", "))
            }
        };
        if self.count > 1 {
            text.push_str(&format!(" (in {} places)", self.count));
        }
        text
    }

    /// The finding as JSON: `path`, `kind`, `count`, `description`, and the type names of its
    /// detail.
    pub fn to_json(&self) -> Value {
        let mut object = json!({
            "path": self.path,
            "kind": self.kind().as_str(),
            "count": self.count,
            "description": self.describe(),
        });
        let extra = match &self.detail {
            Detail::UnknownField {
                record,
                field,
                guessed,
            } => json!({"record": record, "field": field, "guessed_type": guessed}),
            Detail::BadType { expected, found } => {
                json!({"expected": expected, "found": found})
            }
            Detail::UnknownEnum {
                enum_type,
                value,
                clipped,
            } => json!({"enum": enum_type, "value": value, "clipped": clipped}),
            Detail::Null { expected, missing } => {
                json!({"expected": expected, "missing": missing})
            }
            Detail::UntypedShape { site, list, fields } => {
                let site = match site {
                    Site::Response { endpoint } => json!({"response": endpoint}),
                    Site::PageItem { page } => json!({"page_item": page}),
                    Site::Field { record, field } => json!({"record": record, "field": field}),
                };
                let fields: Vec<Value> = fields
                    .iter()
                    .map(|f| json!({"name": f.name, "guessed_type": f.guessed, "always": f.always}))
                    .collect();
                json!({"site": site, "list": list, "fields": fields})
            }
        };
        if let (Value::Object(object), Value::Object(extra)) = (&mut object, extra) {
            object.extend(extra);
        }
        object
    }
}

/// What a comparison found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// The differences, in the order first met.
    pub findings: Vec<Finding>,
    /// Things worth knowing that are not drift (keys of a page that the format does not
    /// model), without values.
    pub notes: Vec<String>,
    /// Whether any value was checked against a type other than `json`: a response that was
    /// only `json`, or an empty list, confirms nothing.
    pub checked: bool,
}

impl Comparison {
    /// Whether nothing differs.
    pub fn matched(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Compares `data`, the envelope's data field of a response of `endpoint`, with the
/// endpoint's response type.
pub fn compare(spec: &Spec, endpoint: &Endpoint, data: &Value) -> Comparison {
    let site = Site::Response {
        endpoint: endpoint.name.clone(),
    };
    let data_field = &spec.service_of(endpoint).envelope.data;
    compare_at(spec, &endpoint.response, site, data_field, data)
}

/// Compares `data` with the type `ty` (as an endpoint's response), for tools and tests that
/// have no endpoint at hand.
pub fn compare_type(spec: &Spec, ty: &TypeRef, data: &Value) -> Comparison {
    let site = Site::Response {
        endpoint: String::new(),
    };
    let data_field = &spec.main_service().envelope.data;
    compare_at(spec, ty, site, data_field, data)
}

fn compare_at(spec: &Spec, ty: &TypeRef, site: Site, data_field: &str, data: &Value) -> Comparison {
    let mut walker = Walker {
        spec,
        response: site,
        found: Vec::new(),
        index: HashMap::new(),
        notes: Vec::new(),
        checked: false,
    };
    let root = Place::root(data_field);
    walk::walk(spec, ty, false, Some(data), &root, &mut walker);
    walker.finish()
}

/// A JSON path, with indices (`data[0]`) and without (`data[]`), which groups the items of a
/// list into one finding.
struct Path {
    concrete: String,
    generic: String,
}

impl Path {
    fn of(place: &Place<'_>) -> Path {
        Path {
            concrete: place.path(),
            generic: place.generic_path(),
        }
    }

    fn key(&self, key: &str) -> Path {
        Path {
            concrete: format!("{}.{key}", self.concrete),
            generic: format!("{}.{key}", self.generic),
        }
    }

    fn index(&self, i: usize) -> Path {
        Path {
            concrete: format!("{}[{i}]", self.concrete),
            generic: format!("{}[]", self.generic),
        }
    }
}

/// A finding being gathered, with the values a guess needs (kept here, never reported).
struct Gathered {
    finding: Finding,
    samples: Vec<Value>,
    /// Records seen where the spec says `json`: their number, and each key's values and the
    /// number of records that had it with a value.
    records: usize,
    keys: Vec<(String, Vec<Value>, usize)>,
}

struct Walker<'s> {
    spec: &'s Spec,
    /// Where the response's own `json` sits.
    response: Site,
    found: Vec<Gathered>,
    index: HashMap<String, usize>,
    notes: Vec<String>,
    checked: bool,
}

impl<'a> Visitor<'a> for Walker<'_> {
    fn visit(
        &mut self,
        place: &Place<'_>,
        shape: Shape<'a>,
        nullable: bool,
        value: Option<&'a Value>,
    ) -> bool {
        if shape == Shape::Empty {
            return false;
        }
        let value = match value {
            None | Some(Value::Null) if nullable => return false,
            None => return self.null(shape, true, place),
            Some(Value::Null) => return self.null(shape, false, place),
            Some(value) => value,
        };
        match shape {
            Shape::Empty | Shape::Unknown(_) => false,
            Shape::Scalar(Scalar::Json) => {
                let site = self.site(place);
                self.untyped(value, &Path::of(place), &site);
                false
            }
            Shape::Scalar(scalar) => {
                self.checked = true;
                if self
                    .spec
                    .check_value(&TypeRef::Scalar(scalar), false, value)
                    .is_err()
                {
                    self.bad_type(shape, value, place);
                }
                false
            }
            Shape::Csv(item) => {
                self.checked = true;
                let csv = TypeRef::Csv(Box::new(item.clone()));
                if self.spec.check_value(&csv, false, value).is_err() {
                    self.bad_type(shape, value, place);
                }
                false
            }
            Shape::List(_) if value.is_array() => true,
            Shape::List(_) => self.bad_type(shape, value, place),
            Shape::Enum { name, repr, values } => {
                self.checked = true;
                let text = match (value, repr) {
                    (Value::String(text), _) => text.clone(),
                    (Value::Number(n), EnumRepr::Integer) => n.to_string(),
                    (other, _) => return self.bad_type(shape, other, place),
                };
                if !values.iter().any(|v| v.value == text) {
                    self.unknown_enum(name, &text, &Path::of(place));
                }
                false
            }
            // PHP sends an empty object as `[]`; the client reads it as `{}`.
            Shape::Record { .. } if value.is_object() || value == &json!([]) => {
                self.checked = true;
                true
            }
            Shape::Page { .. } if value.is_object() => {
                self.checked = true;
                true
            }
            Shape::Record { .. } | Shape::Page { .. } => self.bad_type(shape, value, place),
        }
    }

    /// Once a record's fields or a page's parts are walked: the keys that neither declares.
    fn leave(&mut self, place: &Place<'_>, shape: Shape<'a>, value: Option<&'a Value>) {
        let Some(Value::Object(map)) = value else {
            return;
        };
        match shape {
            Shape::Record { name, fields } => {
                for (key, key_value) in map {
                    if !fields.iter().any(|f| &f.name == key) {
                        let path = Path::of(place).key(key);
                        self.unknown_field(name, key, key_value, &path);
                    }
                }
            }
            Shape::Page { .. } => {
                let layout = &self.spec.api.page;
                let extra: Vec<String> = map
                    .keys()
                    .filter(|k| !layout.keys().iter().any(|(_, name)| name == k))
                    .map(|k| format!("`{k}`"))
                    .collect();
                if !extra.is_empty() {
                    self.note(format!(
                        "`{}` also has {}: the spec format has no place for keys of a page \
                         beyond its counts and items, and the client ignores them",
                        place.generic_path(),
                        extra.join(", ")
                    ));
                }
            }
            _ => {}
        }
    }
}

impl Walker<'_> {
    /// Where a `json` value at `place` sits: a record's field, a page's items, or the response.
    fn site(&self, place: &Place<'_>) -> Site {
        match place.owner() {
            Step::Field { record, name } => Site::Field {
                record: record.to_owned(),
                field: name.to_owned(),
            },
            Step::PageItems { page, .. } => Site::PageItem {
                page: page.to_owned(),
            },
            Step::Root(_) | Step::Index(_) | Step::PageCount(_) => self.response.clone(),
        }
    }

    fn gathered(&mut self, key: String, path: &Path, detail: impl FnOnce() -> Detail) -> usize {
        if let Some(&at) = self.index.get(&key) {
            self.found[at].finding.count += 1;
            return at;
        }
        self.found.push(Gathered {
            finding: Finding {
                path: path.concrete.clone(),
                count: 1,
                detail: detail(),
            },
            samples: Vec::new(),
            records: 0,
            keys: Vec::new(),
        });
        self.index.insert(key, self.found.len() - 1);
        self.found.len() - 1
    }

    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// A `null` or missing value at `place`; walks no further.
    fn null(&mut self, shape: Shape<'_>, missing: bool, place: &Place<'_>) -> bool {
        let path = Path::of(place);
        self.gathered(format!("null {}", path.generic), &path, || Detail::Null {
            expected: shape.to_string(),
            missing,
        });
        false
    }

    /// A value at `place` that does not fit `shape`; walks no further.
    fn bad_type(&mut self, shape: Shape<'_>, value: &Value, place: &Place<'_>) -> bool {
        let found = kind_of(value);
        let path = Path::of(place);
        self.gathered(format!("bad {} {found}", path.generic), &path, || {
            Detail::BadType {
                expected: shape.to_string(),
                found,
            }
        });
        false
    }

    fn unknown_enum(&mut self, enum_type: &str, value: &str, path: &Path) {
        let (shown, clipped) = super::clip(value, ENUM_VALUE_CHARS);
        self.gathered(format!("enum {} {value}", path.generic), path, || {
            Detail::UnknownEnum {
                enum_type: enum_type.to_owned(),
                value: shown,
                clipped,
            }
        });
    }

    fn unknown_field(&mut self, record: &str, key: &str, value: &Value, path: &Path) {
        let at = self.gathered(format!("field {}", path.generic), path, || {
            Detail::UnknownField {
                record: record.to_owned(),
                field: key.to_owned(),
                guessed: String::new(),
            }
        });
        self.found[at].samples.push(value.clone());
    }

    /// A value where the spec says `json`: records (an object, or the objects of a list, each
    /// at its own index) are a shape to learn; anything else says nothing.
    fn untyped(&mut self, value: &Value, path: &Path, site: &Site) {
        if let Value::Array(items) = value {
            for (i, item) in items.iter().enumerate() {
                if let Some(record) = wire::as_record(item) {
                    self.shape(record, &path.index(i), site, true);
                }
            }
        } else if let Some(record) = wire::as_record(value) {
            self.shape(record, path, site, false);
        }
    }

    fn shape(&mut self, record: &Map<String, Value>, path: &Path, site: &Site, list: bool) {
        let at = self.gathered(format!("shape {}", path.generic), path, || {
            Detail::UntypedShape {
                site: site.clone(),
                list,
                fields: Vec::new(),
            }
        });
        let gathered = &mut self.found[at];
        gathered.records += 1;
        for (key, key_value) in record {
            let slot = match gathered.keys.iter().position(|(k, _, _)| k == key) {
                Some(slot) => slot,
                None => {
                    gathered.keys.push((key.clone(), Vec::new(), 0));
                    gathered.keys.len() - 1
                }
            };
            let (_, values, present) = &mut gathered.keys[slot];
            if !key_value.is_null() {
                *present += 1;
            }
            values.push(key_value.clone());
        }
    }

    fn finish(self) -> Comparison {
        let spec = self.spec;
        let findings = self
            .found
            .into_iter()
            .map(|mut gathered| {
                match &mut gathered.finding.detail {
                    Detail::UnknownField { field, guessed, .. } => {
                        *guessed = guess_type(spec, field, &gathered.samples);
                    }
                    Detail::UntypedShape { fields, .. } => {
                        *fields = gathered
                            .keys
                            .iter()
                            .map(|(name, values, present)| ShapeField {
                                name: name.clone(),
                                guessed: guess_type(spec, name, values),
                                always: *present == gathered.records,
                            })
                            .collect();
                    }
                    _ => {}
                }
                gathered.finding
            })
            .collect();
        Comparison {
            findings,
            notes: self.notes,
            checked: self.checked,
        }
    }
}

/// What a value is, without the value.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "`null`",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
