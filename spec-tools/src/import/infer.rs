//! The state of one import, and the types it infers for the values and records of the
//! examples: a field of the same name or a record of the known spec where the values fit it,
//! an earlier record of the same shape, or a new record.

use serde_json::{Map, Value};

use ipidea_spec::locate::child;
use ipidea_spec::model::{Api, Field, Service, Spec, TypeKind, TypeRef};
use ipidea_spec::naming;
use ipidea_spec::text::backticked;

use super::dialect::{Node, NodeValue};
use super::docs::{DocSource, borrowed_docs, doc_json, field_doc, vendor_doc};
use super::guess::{Doubt, Guess, guess_scalar, sendable, unified};
use super::notes::{Note, listed, show, validate};

/// One endpoint read from a page.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedEndpoint {
    /// The endpoint's name, the last segment of its path (`isp_ip_open`).
    pub name: String,
    /// The line of its (first) request line.
    pub line: usize,
    /// The endpoint in the spec format.
    pub entry: Value,
    /// Whether the page shows a request body (or query) for it.
    pub has_request: bool,
    /// The request fields of the examples, credentials left out, with their comments.
    pub request: Vec<(String, Node)>,
    /// The data of each successful example response.
    pub data: Vec<Node>,
    /// Whether the heading above the request line was specific to this endpoint (rather than
    /// the page's title).
    pub has_heading: bool,
}

/// What [`build`](super::build) infers from a page: spec entries and what a person must still
/// decide.
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    /// The page's title.
    pub title: Option<String>,
    /// The endpoints, in page order.
    pub endpoints: Vec<ImportedEndpoint>,
    /// The named types the endpoints use, in the spec format, keyed by name. Types of a known
    /// spec that were reused are not repeated here.
    pub types: Map<String, Value>,
    /// What a person must still decide: requiredness, enums, ids or numbers, docs, where the
    /// orders of a money-spending call are listed, ...
    pub decisions: Vec<Note>,
}

impl Import {
    /// The entries to paste into a spec: `{"types": {...}, "endpoints": {...}}`.
    pub fn entries(&self) -> Value {
        let endpoints: Map<String, Value> = self
            .endpoints
            .iter()
            .map(|e| (e.name.clone(), e.entry.clone()))
            .collect();
        serde_json::json!({ "types": self.types, "endpoints": endpoints })
    }

    /// Validates the entries as a spec with the `format` and `api` of `base` (a spec as JSON),
    /// and with its types, so that references to them resolve. Every problem is a note whose
    /// message names the line of `serde_json::to_string_pretty` of that spec.
    pub fn check(&self, base: &Value) -> Vec<Note> {
        let mut spec = base.clone();
        if let Some(root) = spec.as_object_mut() {
            let types = root
                .entry("types")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(types) = types.as_object_mut() {
                for (name, def) in &self.types {
                    types.insert(name.clone(), def.clone());
                }
            }
            let endpoints: Map<String, Value> = self
                .endpoints
                .iter()
                .map(|e| (e.name.clone(), e.entry.clone()))
                .collect();
            root.insert("endpoints".to_owned(), Value::Object(endpoints));
        }
        validate(&spec, "the imported entries do not validate")
    }
}

/// The state of one import: the known spec, the new types, the decisions.
pub(super) struct Infer<'s> {
    /// The spec to merge into, if any.
    pub(super) known: Option<&'s Spec>,
    /// A spec with the known spec's API (or this vendor's conventions) and types, for checking
    /// example values with [`Spec::check_value`].
    pub(super) scratch: Spec,
    /// New types: name, spec JSON, and shape (for reusing a type with the same fields).
    types: Vec<(String, Value, String)>,
    decisions: Vec<Note>,
    /// The first word of the endpoint being read (`white` for `white_list`): fields of the
    /// known spec lend their type and doc only within the same family.
    pub(super) family: Option<String>,
}

impl<'s> Infer<'s> {
    /// An import into `known`, the spec to merge into, with its API conventions and types;
    /// without one, with the vendor's conventions.
    pub(super) fn new(known: Option<&'s Spec>) -> Infer<'s> {
        let mut scratch = Spec {
            file: String::new(),
            api: known.map_or_else(Api::placeholder, |s| s.api.clone()),
            apis: known.map_or_else(|| vec![Service::placeholder()], |s| s.apis.clone()),
            types: known.map(|s| s.types.clone()).unwrap_or_default(),
            endpoints: Vec::new(),
        };
        if known.is_none() {
            scratch.api.date_format = "%Y-%-m-%-d".to_owned();
        }
        Infer {
            known,
            scratch,
            types: Vec::new(),
            decisions: Vec::new(),
            family: None,
        }
    }

    /// The import of a page titled `title`: its endpoints, the new types and the decisions.
    pub(super) fn into_import(
        self,
        title: Option<String>,
        endpoints: Vec<ImportedEndpoint>,
    ) -> Import {
        Import {
            title,
            endpoints,
            types: self
                .types
                .into_iter()
                .map(|(name, def, _)| (name, def))
                .collect(),
            decisions: self.decisions,
        }
    }
}

impl Infer<'_> {
    /// Records something a person must still decide or check.
    pub(super) fn decide(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.decisions.push(Note::new(path, message));
    }

    /// Whether every value fits the type expression `ty`, by the spec's own check.
    pub(super) fn fits(&self, ty: &str, nullable: bool, values: &[&Node]) -> bool {
        match TypeRef::parse(ty) {
            Ok(ty) => values.iter().all(|v| {
                self.scratch
                    .check_value(&ty, nullable, &v.to_json())
                    .is_ok()
            }),
            Err(_) => false,
        }
    }

    /// The type of a field of the same name in the known spec that the values fit, and its
    /// doc where the field belongs to an endpoint or a record of the same family
    /// (`isp_order_list` lends to `isp_ip_open`, `FlowOrder` to `flow_order_list`): a type is a
    /// convention of the API, but a doc is a meaning, and the whitelist's `updated_at` is not
    /// an order's. Fields of the same family are preferred.
    pub(super) fn known_field(&self, name: &str, values: &[&Node], request: bool) -> Option<Guess> {
        let known = self.known?;
        let related = |owner: &str| {
            self.family
                .as_deref()
                .is_none_or(|family| first_word(owner) == family)
        };
        let requests = known
            .endpoints
            .iter()
            .flat_map(|e| e.request.iter().map(|f| (related(&e.name), f)));
        let records = known.types.iter().flat_map(|t| {
            let family = related(&naming::snake(&t.name));
            let fields = match &t.kind {
                TypeKind::Record { fields } => fields.as_slice(),
                _ => &[],
            };
            fields.iter().map(move |f| (family, f))
        });
        let mut candidates: Vec<(bool, &Field)> = if request {
            requests.chain(records).collect()
        } else {
            records.chain(requests).collect()
        };
        // Same family first; the sort is stable, so the order within each is kept.
        candidates.sort_by_key(|(family, _)| !family);
        let useful: Vec<&Node> = values
            .iter()
            .copied()
            .filter(|v| !matches!(&v.value, NodeValue::String(s) if s.is_empty()))
            .collect();
        candidates.into_iter().find_map(|(family, field)| {
            if field.name != name || (request && !sendable(known, &field.ty)) {
                return None;
            }
            let fits = useful.iter().all(|v| {
                known
                    .check_value(&field.ty, !request && field.nullable, &v.to_json())
                    .is_ok()
            });
            fits.then(|| Guess {
                ty: field.ty.to_string(),
                nullable: !request && field.nullable,
                doubt: Doubt::None,
                known_doc: family.then(|| field.doc.clone()),
            })
        })
    }

    /// A name for a new type: `base`, or `base` with the first number that makes it unused.
    fn fresh_name(&self, base: &str) -> String {
        let taken = |name: &str| {
            self.scratch.type_def(name).is_some() || self.types.iter().any(|(n, _, _)| n == name)
        };
        if !taken(base) {
            return base.to_owned();
        }
        (2..)
            .map(|i| format!("{base}{i}"))
            .find(|name| !taken(name))
            .unwrap_or_else(|| base.to_owned())
    }

    /// Registers a new type, or returns the one with the same shape; the flag says whether an
    /// earlier type was reused.
    pub(super) fn add_type(&mut self, base: &str, def: Value, shape: String) -> (String, bool) {
        if let Some((name, _, _)) = self.types.iter().find(|(_, _, s)| *s == shape) {
            return (name.clone(), true);
        }
        let name = self.fresh_name(base);
        self.types.push((name.clone(), def, shape));
        (name, false)
    }

    /// The type of a record field (or a list item) from its values in every example.
    pub(super) fn value_type(
        &mut self,
        owner: &str,
        name: &str,
        values: &[&Node],
        missing: bool,
    ) -> Guess {
        let present: Vec<&Node> = values.iter().copied().filter(|v| !v.is_null()).collect();
        let nullable = missing || present.len() < values.len();
        if let Some(mut guess) = self.known_field(name, &present, false) {
            guess.nullable |= nullable;
            return guess;
        }
        if present.is_empty() {
            let mut guess = Guess::new("json", Doubt::Null);
            guess.nullable = true;
            return guess;
        }
        let mut guess = if present.iter().all(|v| v.members().is_some()) {
            let base = format!("{owner}{}", naming::camel(name));
            let doc = format!("The `{name}` of `{owner}` (imported; describe it)");
            match self.record(&base, doc, &present) {
                Some(record) => Guess::new(record, Doubt::None),
                None => Guess::new("json", Doubt::None),
            }
        } else if present.iter().all(|v| v.items().is_some()) {
            let items: Vec<&Node> = present
                .iter()
                .flat_map(|v| v.items().unwrap_or_default())
                .collect();
            if items.is_empty() {
                Guess::new("list<json>", Doubt::EmptyList)
            } else if items.iter().all(|v| v.members().is_some()) {
                let base = entry_name(owner, name);
                let doc = format!("An entry of `{name}` in `{owner}` (imported; describe it)");
                match self.record(&base, doc, &items) {
                    Some(record) => Guess::new(format!("list<{record}>"), Doubt::None),
                    None => Guess::new("list<json>", Doubt::None),
                }
            } else {
                let item = self.value_type(
                    &format!("{owner}{}", naming::camel(name)),
                    "item",
                    &items,
                    false,
                );
                if item.nullable {
                    Guess::new("json", Doubt::None)
                } else {
                    Guess::new(format!("list<{}>", item.ty), item.doubt)
                }
            }
        } else if present
            .iter()
            .all(|v| v.members().is_none() && v.items().is_none())
        {
            let guesses: Vec<Guess> = present
                .iter()
                .map(|v| guess_scalar(name, &v.to_json(), false))
                .collect();
            let ty = unified(&guesses);
            let doubt = guesses
                .iter()
                .find(|g| g.ty == ty)
                .map_or(Doubt::None, |g| g.doubt);
            if self.fits(&ty, false, &present) {
                Guess::new(ty, doubt)
            } else {
                Guess::new("json", Doubt::None)
            }
        } else {
            Guess::new("json", Doubt::None)
        };
        guess.nullable = nullable;
        guess
    }

    /// A known record whose fields are exactly the keys of every object, and that every object
    /// fits.
    fn known_record(&self, objects: &[&Node]) -> Option<String> {
        let known = self.known?;
        known.types.iter().find_map(|def| {
            let TypeKind::Record { fields } = &def.kind else {
                return None;
            };
            let ty = TypeRef::Named(def.name.clone());
            let fits = objects.iter().all(|object| {
                let members = object.members().unwrap_or_default();
                members.len() == fields.len()
                    && members
                        .iter()
                        .all(|(key, _)| fields.iter().any(|f| &f.name == key))
                    && known.check_value(&ty, false, &object.to_json()).is_ok()
            });
            fits.then(|| def.name.clone())
        })
    }

    /// A record from example objects, or `None` when they have no fields. Returns the type's
    /// name: a known record that fits, an earlier one with the same shape, or a new one.
    fn record(&mut self, base: &str, placeholder_doc: String, objects: &[&Node]) -> Option<String> {
        self.record_reused(base, placeholder_doc, objects)
            .map(|(name, _)| name)
    }

    /// A record from example objects, or `None` when they have no fields, with a flag that
    /// says whether it was reused: a known record that fits, or an earlier one with the same
    /// shape. A new record comes with decisions about its fields.
    pub(super) fn record_reused(
        &mut self,
        base: &str,
        placeholder_doc: String,
        objects: &[&Node],
    ) -> Option<(String, bool)> {
        if objects
            .iter()
            .all(|o| o.members().is_none_or(<[_]>::is_empty))
        {
            return None;
        }
        if let Some(name) = self.known_record(objects) {
            return Some((name, true));
        }
        let samples = field_samples(objects);
        let path = child("types", base);
        let comment = objects.iter().find_map(|o| o.comment.as_deref());
        let (doc, _) = vendor_doc(comment, placeholder_doc);
        let (fields, shape, doubts) = self.record_fields(base, &samples);
        let def = serde_json::json!({ "kind": "record", "doc": doc_json(&doc), "fields": fields });
        let (name, reused) = self.add_type(base, def, shape);
        if reused {
            return Some((name, true));
        }
        let path = if name == base {
            path
        } else {
            child("types", &name)
        };
        self.decide_about_record(&path, &name, &doubts);
        Some((name, false))
    }

    /// The fields of a new record `base` in the spec format, its shape (for reusing a record
    /// with the same fields), and the fields in doubt.
    fn record_fields(
        &mut self,
        base: &str,
        samples: &[FieldSample],
    ) -> (Map<String, Value>, String, RecordDoubts) {
        let mut fields = Map::new();
        let mut shape = String::from("record");
        let mut doubts = RecordDoubts::default();
        for sample in samples {
            let guess = self.value_type(base, &sample.name, &sample.values, sample.missing);
            let comment = sample.values.iter().find_map(|v| v.comment.as_deref());
            let (doc, source) = field_doc(&guess, comment, &sample.name);
            match source {
                DocSource::Placeholder => doubts.undocumented.push(sample.name.clone()),
                DocSource::Borrowed => doubts.borrowed.push(sample.name.clone()),
                DocSource::Vendor => {}
            }
            let example = sample
                .values
                .iter()
                .find(|v| !v.is_null())
                .map(|v| v.to_json());
            match guess.doubt {
                Doubt::Null => doubts.nulls.push(sample.name.clone()),
                Doubt::Numeric => doubts.numeric.push(format!(
                    "`{}` ({})",
                    sample.name,
                    example.as_ref().map(show).unwrap_or_default()
                )),
                Doubt::EmptyList => doubts.empty_lists.push(sample.name.clone()),
                _ => {}
            }
            shape.push_str(&format!("|{}:{}:{}", sample.name, guess.ty, guess.nullable));
            let mut field = Map::new();
            field.insert("type".to_owned(), Value::String(guess.ty.clone()));
            if guess.nullable {
                field.insert("nullable".to_owned(), Value::Bool(true));
            }
            field.insert("doc".to_owned(), doc_json(&doc));
            fields.insert(sample.name.clone(), Value::Object(field));
        }
        (fields, shape, doubts)
    }

    /// What a person must decide about the new record `name`, at `path`: the types of its
    /// fields in doubt, and its docs.
    fn decide_about_record(&mut self, path: &str, name: &str, doubts: &RecordDoubts) {
        if !doubts.nulls.is_empty() {
            self.decide(
                path,
                format!(
                    "types unknown: `null` in every example, so imported as nullable `json`: {}; give each its type",
                    backticked(&doubts.nulls)
                ),
            );
        }
        if !doubts.numeric.is_empty() {
            self.decide(
                path,
                format!(
                    "ids or numbers: numeric-looking strings, imported as `string`: {}; keep `string` for ids and codes, or use an integer type or an integer enum",
                    doubts.numeric.join(", ")
                ),
            );
        }
        if !doubts.empty_lists.is_empty() {
            self.decide(
                path,
                format!(
                    "item types unknown: empty lists in every example, imported as `list<json>`: {}",
                    backticked(&doubts.empty_lists)
                ),
            );
        }
        let what = if doubts.undocumented.is_empty() {
            format!("docs: describe the record `{name}` in English")
        } else {
            format!(
                "docs: describe the record `{name}` and its {} in English (imported with placeholders; the vendor's comments are kept in `zh`)",
                listed("field", "fields", &doubts.undocumented)
            )
        };
        self.decide(path, what);
        if !doubts.borrowed.is_empty() {
            self.decide(path, borrowed_docs(&doubts.borrowed));
        }
    }
}

/// What a record's fields, collected over the examples, look like.
struct FieldSample<'n> {
    name: String,
    values: Vec<&'n Node>,
    missing: bool,
}

/// The fields of example objects, in the order they first appear, with their values in every
/// object, and whether an object lacks them.
fn field_samples<'n>(objects: &[&'n Node]) -> Vec<FieldSample<'n>> {
    let mut samples: Vec<FieldSample> = Vec::new();
    for object in objects {
        for (key, value) in object.members().unwrap_or_default() {
            match samples.iter_mut().find(|s| s.name == *key) {
                Some(sample) => sample.values.push(value),
                None => samples.push(FieldSample {
                    name: key.clone(),
                    values: vec![value],
                    missing: false,
                }),
            }
        }
    }
    for sample in &mut samples {
        sample.missing = sample.values.len() < objects.len();
    }
    samples
}

/// The fields of a new record whose type or doc a person must still decide.
#[derive(Default)]
struct RecordDoubts {
    /// Names of fields that are `null` in every example.
    nulls: Vec<String>,
    /// Fields with numeric-looking strings, each with an example: `` `id` (`12`) ``.
    numeric: Vec<String>,
    /// Names of fields that are empty lists in every example.
    empty_lists: Vec<String>,
    /// Names of fields with a placeholder doc.
    undocumented: Vec<String>,
    /// Names of fields with a doc borrowed from the known spec.
    borrowed: Vec<String>,
}

/// The first word of a snake_case name (`white` for `white_list`).
pub(super) fn first_word(name: &str) -> &str {
    name.split('_').next().unwrap_or(name)
}

/// The name of the record of the entries of the list field `field` of the record `owner`:
/// `WhiteListEntry` for the `lists` of `WhiteList`, where the field's name says only that it
/// is a list, else `OwnerFieldItem`.
fn entry_name(owner: &str, field: &str) -> String {
    let generic = [
        "list", "lists", "items", "data", "records", "rows", "entries",
    ];
    if generic.contains(&field.to_ascii_lowercase().as_str()) {
        format!("{}Entry", owner.strip_suffix("Data").unwrap_or(owner))
    } else {
        format!("{owner}{}Item", naming::camel(field))
    }
}
