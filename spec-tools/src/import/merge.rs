//! Merging an import into an existing spec: adding the endpoints (and the types they use) that
//! the spec lacks, and comparing the others with the spec, so that where the page and the spec
//! differ is a difference and where they cannot both be right is a conflict. Nothing in the
//! spec is overwritten.

use serde_json::Value;

use ipidea_spec::locate::child;
use ipidea_spec::model::{Doc, Endpoint, Field, Scalar, Spec, TypeDef, TypeKind, TypeRef};
use ipidea_spec::wire;

use super::dialect::{Node, NodeValue};
use super::docs::{doc_json, has_cjk, placeholder, vendor_doc};
use super::guess::guess_type;
use super::infer::{Import, ImportedEndpoint};
use super::notes::{Note, show, validate};

/// The result of [`merge`]: the merged spec and what it did not apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    /// The spec with the new endpoints and types added; nothing in it was overwritten.
    pub spec: Value,
    /// The endpoints that were added.
    pub added_endpoints: Vec<String>,
    /// The types that were added.
    pub added_types: Vec<String>,
    /// The endpoints that were already in the spec.
    pub existing: Vec<String>,
    /// What the page replaced in the endpoints that the spec marks unverified: the spec's
    /// guesses (request fields, an untyped response), now what the vendor's page shows, each
    /// replacement one note.
    pub replaced: Vec<Note>,
    /// What a person must still decide about what was added.
    pub decisions: Vec<Note>,
    /// Where the page and the spec differ in a way the spec can live with: a field on one side
    /// only, a different guess of `changes` or `idempotent`, another doc.
    pub differences: Vec<Note>,
    /// Where the spec and the page cannot both be right: another path or method, an example
    /// value that does not fit the spec's type, a field the spec requires that the page does
    /// not send, or a merged spec that does not validate.
    pub conflicts: Vec<Note>,
    /// What [`Merge::apply`] changed, one note per difference or conflict it settled.
    pub applied: Vec<Note>,
    /// The differences and conflicts that [`Merge::apply`] can settle in the page's favour,
    /// each with its change to the spec.
    fixes: Vec<(Note, Fix)>,
}

/// A change to the spec that settles one difference or conflict in the page's favour.
#[derive(Debug, Clone, PartialEq)]
enum Fix {
    /// A request field the page sends and the spec lacks: the import's entry of it (optional,
    /// typed by the import's inference).
    AddRequestField {
        endpoint: String,
        field: String,
        entry: Value,
    },
    /// A request field whose example does not fit its type: the import's type.
    RetypeRequestField {
        endpoint: String,
        field: String,
        ty: String,
    },
    /// A required request field the page does not send: optional.
    MakeOptional { endpoint: String, field: String },
    /// A record field the page shows and the spec lacks: nullable, of the type its values fit.
    AddRecordField {
        record: String,
        field: String,
        ty: String,
        doc: Value,
    },
    /// A record field whose example does not fit its type: the type its values fit.
    RetypeRecordField {
        record: String,
        field: String,
        ty: String,
    },
    /// A response the spec has as `json` where the page shows records: the import's type, and
    /// the types of the import it uses that the spec lacks.
    TypeResponse {
        endpoint: String,
        ty: Value,
        types: Vec<(String, Value)>,
    },
}

impl Merge {
    /// Applies what the import can settle in the page's favour (`--apply` of `ipidea spec
    /// import --merge`): request fields the page sends that the spec lacks (typed by the usual
    /// inference, optional), types that the page's examples do not fit (the import's, or the
    /// type the values fit), required request fields the page no longer sends (made optional),
    /// record fields the spec lacks (nullable) and responses the spec has as `json` where the
    /// page shows records. Each settled difference or conflict moves to [`Merge::applied`]; the
    /// patched spec is checked again, and a problem of it is a conflict. What it cannot settle
    /// (another path, a doc, a field the spec has and the page does not show) stays.
    pub fn apply(&mut self) {
        for (note, fix) in std::mem::take(&mut self.fixes) {
            let Some(done) = fix.apply(&mut self.spec) else {
                continue;
            };
            self.differences.retain(|n| n != &note);
            self.conflicts.retain(|n| n != &note);
            self.applied.push(Note::new(note.path, done));
        }
        if !self.applied.is_empty() {
            self.conflicts
                .extend(validate(&self.spec, "the applied spec would not validate"));
            dedup(&mut self.conflicts);
        }
    }

    /// A difference (or a conflict) that [`Merge::apply`] can settle with `fix`.
    fn fixable(&mut self, note: Note, fix: Fix, conflict: bool) {
        if conflict {
            self.conflicts.push(note.clone());
        } else {
            self.differences.push(note.clone());
        }
        self.fixes.push((note, fix));
    }
}

/// The object at `keys` below `spec`, if there is one.
fn object_at<'v>(
    spec: &'v mut Value,
    keys: &[&str],
) -> Option<&'v mut serde_json::Map<String, Value>> {
    let mut at = spec;
    for key in keys {
        at = at.get_mut(*key)?;
    }
    at.as_object_mut()
}

impl Fix {
    /// Makes the change in `spec` (as JSON); what it did, or `None` where the spec has no
    /// place for it.
    fn apply(&self, spec: &mut Value) -> Option<String> {
        match self {
            Fix::AddRequestField {
                endpoint,
                field,
                entry,
            } => {
                let request = object_at(spec, &["endpoints", endpoint, "request"])?;
                request.insert(field.clone(), entry.clone());
                let ty = entry["type"].as_str().unwrap_or("string");
                Some(format!(
                    "`{endpoint}` gains the optional request field `{field}` (`{ty}`)"
                ))
            }
            Fix::RetypeRequestField {
                endpoint,
                field,
                ty,
            } => {
                let entry = object_at(spec, &["endpoints", endpoint, "request", field])?;
                entry.insert("type".to_owned(), Value::String(ty.clone()));
                Some(format!("`{field}` of `{endpoint}` becomes `{ty}`"))
            }
            Fix::MakeOptional { endpoint, field } => {
                let entry = object_at(spec, &["endpoints", endpoint, "request", field])?;
                entry.insert("required".to_owned(), Value::Bool(false));
                Some(format!(
                    "`{field}` of `{endpoint}` becomes optional: the page does not send it"
                ))
            }
            Fix::AddRecordField {
                record,
                field,
                ty,
                doc,
            } => {
                let fields = object_at(spec, &["types", record, "fields"])?;
                fields.insert(
                    field.clone(),
                    serde_json::json!({"type": ty, "nullable": true, "doc": doc}),
                );
                Some(format!(
                    "`{record}` gains the nullable field `{field}` (`{ty}`)"
                ))
            }
            Fix::RetypeRecordField { record, field, ty } => {
                let entry = object_at(spec, &["types", record, "fields", field])?;
                entry.insert("type".to_owned(), Value::String(ty.clone()));
                Some(format!("`{field}` of `{record}` becomes `{ty}`"))
            }
            Fix::TypeResponse {
                endpoint,
                ty,
                types,
            } => {
                let spec_types = object_at(spec, &["types"])?;
                for (name, def) in types {
                    spec_types
                        .entry(name.clone())
                        .or_insert_with(|| def.clone());
                }
                let entry = object_at(spec, &["endpoints", endpoint])?;
                entry.insert("response".to_owned(), ty.clone());
                Some(format!("the response of `{endpoint}` becomes {}", show(ty)))
            }
        }
    }
}

/// Adds the endpoints of `import` that `spec` lacks (with the types they use) to `spec_json`,
/// the spec as JSON, and reports how the other endpoints differ from or conflict with the
/// spec. Nothing in the spec is overwritten. Build `import` with `spec` as its known spec, so
/// that it reuses the spec's types.
pub fn merge(import: &Import, spec: &Spec, spec_json: &Value) -> Merge {
    let mut merged = spec_json.clone();
    let mut result = Merge {
        spec: Value::Null,
        added_endpoints: Vec::new(),
        added_types: Vec::new(),
        existing: Vec::new(),
        replaced: Vec::new(),
        decisions: Vec::new(),
        differences: Vec::new(),
        conflicts: Vec::new(),
        applied: Vec::new(),
        fixes: Vec::new(),
    };
    let wanted_types = add_endpoints(import, spec, &mut merged, &mut result);
    add_types(import, spec, wanted_types, &mut merged, &mut result);
    result.decisions = decisions_about_added(import, &result);
    if !result.added_endpoints.is_empty() || !result.replaced.is_empty() {
        result
            .conflicts
            .extend(validate(&merged, "the merged spec would not validate"));
    }
    dedup(&mut result.differences);
    dedup(&mut result.conflicts);
    result.spec = merged;
    result
}

/// Adds the imported endpoints that the spec lacks and whose route it does not use, and
/// compares the others with the spec. Returns the named types the added endpoints use.
fn add_endpoints(
    import: &Import,
    spec: &Spec,
    merged: &mut Value,
    result: &mut Merge,
) -> Vec<String> {
    let mut wanted_types: Vec<String> = Vec::new();
    for imported in &import.endpoints {
        let entry = &imported.entry;
        let method = entry["method"].as_str().unwrap_or_default();
        let url_path = entry["path"].as_str().unwrap_or_default();
        if let Some(existing) = spec.endpoint(&imported.name) {
            result.existing.push(imported.name.clone());
            if existing.unverified.is_some() {
                replace_guesses(imported, merged, result, &mut wanted_types);
            } else {
                compare_endpoint(spec, import, existing, imported, result);
            }
            continue;
        }
        let route = |m: &str, p: &str| format!("{m} {}", p.trim_end_matches('/'));
        if let Some(other) = spec
            .endpoints
            .iter()
            .find(|e| route(e.method.name(), &e.url_path) == route(method, url_path))
        {
            result.conflicts.push(Note::new(
                child(&other.path, "path"),
                format!(
                    "`{method} {url_path}` of `{}` (line {} of the page) is already the path of `{}`; not added",
                    imported.name, imported.line, other.name
                ),
            ));
            continue;
        }
        if let Some(endpoints) = merged.get_mut("endpoints").and_then(Value::as_object_mut) {
            endpoints.insert(imported.name.clone(), entry.clone());
        }
        result.added_endpoints.push(imported.name.clone());
        collect_refs(entry.get("response"), &mut wanted_types);
        collect_field_refs(entry.get("request"), &mut wanted_types);
    }
    wanted_types
}

/// Replaces the guesses of an endpoint that the spec marks unverified with what the page shows
/// of it: its request fields (names, types, requiredness and docs; none where its request line
/// has no body, as the vendor writes a call without fields), its response type (records where
/// the spec said `json`, named by the import's rules) and paging where it shows a successful
/// response, its examples, and the vendor's heading as its Chinese doc. What the page does not
/// show stays as the spec had it; the `unverified` mark goes only when the page shows a
/// successful response, the part the spec could only guess. Each replacement is a note of
/// [`Merge::replaced`]; the types the new request and response use are added with the others.
fn replace_guesses(
    imported: &ImportedEndpoint,
    merged: &mut Value,
    result: &mut Merge,
    wanted_types: &mut Vec<String>,
) {
    let name = &imported.name;
    let page = &imported.entry;
    let Some(entry) = merged
        .get_mut("endpoints")
        .and_then(|endpoints| endpoints.get_mut(name))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut replaced = Vec::new();
    let (request, kept) = merged_request(entry.get("request"), &page["request"]);
    let fields: Vec<String> = request.keys().map(|k| format!("`{k}`")).collect();
    let fields = if fields.is_empty() {
        "none".to_owned()
    } else {
        fields.join(", ")
    };
    let request = Value::Object(request);
    collect_field_refs(Some(&request), wanted_types);
    entry.insert("request".to_owned(), request);
    replaced.push(format!("its request fields are the page's: {fields}"));
    if !kept.is_empty() {
        replaced.push(format!(
            "it keeps {} of the spec, which the page does not show",
            kept.join(", ")
        ));
    }
    let shows_response = !imported.data.is_empty();
    if shows_response {
        let was = entry.get("response").cloned().unwrap_or_default();
        let now = page["response"].clone();
        if was != now {
            replaced.push(format!(
                "its response {} becomes {}",
                show(&was),
                show(&now)
            ));
            entry.insert("response".to_owned(), now);
            collect_refs(page.get("response"), wanted_types);
        }
        if let Some(paging) = page.get("paging") {
            if entry.get("paging") != Some(paging) {
                entry.insert("paging".to_owned(), paging.clone());
                replaced.push(format!("it pages with {}", show(paging)));
            }
        }
    }
    if imported.has_heading {
        if let Some(zh) = page["doc"].get("zh").filter(|zh| zh.is_string()) {
            if let Some(doc) = entry.get_mut("doc").and_then(Value::as_object_mut) {
                if doc.get("zh") != Some(zh) {
                    doc.insert("zh".to_owned(), zh.clone());
                    replaced.push(format!(
                        "its Chinese doc is the page's heading, {}",
                        show(zh)
                    ));
                }
            }
        }
    }
    if let Some(examples) = page
        .get("examples")
        .filter(|e| e.as_array().is_some_and(|a| !a.is_empty()))
    {
        entry.insert("examples".to_owned(), examples.clone());
        replaced.push("its examples are the page's".to_owned());
    }
    if shows_response {
        if entry.shift_remove("unverified").is_some() {
            replaced.push("it is no longer marked unverified: the page documents it".to_owned());
        }
    } else {
        replaced.push(
            "it stays marked unverified: the page shows no successful response, which stays as the spec guessed it"
                .to_owned(),
        );
    }
    let path = child("endpoints", name);
    for what in replaced {
        result.replaced.push(Note::new(
            path.clone(),
            format!("`{name}` (line {}): {what}", imported.line),
        ));
    }
}

/// The request fields of an unverified endpoint once a page shows it: the page's fields (their
/// types and examples, and the vendor's comment as the Chinese doc), each keeping what a page
/// cannot show and the spec said (`required`, `not_before`, the bounds where the type stays, and
/// its English doc, where the import has only a placeholder), then the spec's fields the page
/// does not show, kept as they were (named in the second value).
fn merged_request(
    spec: Option<&Value>,
    page: &Value,
) -> (serde_json::Map<String, Value>, Vec<String>) {
    const KEPT: [&str; 2] = ["required", "not_before"];
    const BOUNDS: [&str; 6] = ipidea_spec::load::BOUND_KEYS;
    let empty = serde_json::Map::new();
    let spec = spec.and_then(Value::as_object).unwrap_or(&empty);
    let mut request = page.as_object().cloned().unwrap_or_default();
    for (name, field) in request.iter_mut() {
        let (Some(had), Some(field)) = (spec.get(name), field.as_object_mut()) else {
            continue;
        };
        let same_type = had.get("type") == field.get("type");
        for key in KEPT.iter().chain(BOUNDS.iter().filter(|_| same_type)) {
            if let Some(value) = had.get(*key) {
                field.insert((*key).to_owned(), value.clone());
            }
        }
        if let Some(mut doc) = had.get("doc").and_then(Value::as_object).cloned() {
            if let Some(zh) = field.get("doc").and_then(|d| d.get("zh")) {
                doc.insert("zh".to_owned(), zh.clone());
            }
            field.insert("doc".to_owned(), Value::Object(doc));
        }
    }
    let mut kept = Vec::new();
    for (name, field) in spec {
        if !request.contains_key(name) {
            request.insert(name.clone(), field.clone());
            kept.push(format!("`{name}`"));
        }
    }
    (request, kept)
}

/// A response the spec has as `json` (or a list of it) where the page shows records that the
/// import types: a difference that the import's type settles. Whether it was one.
fn compare_untyped_response(
    import: &Import,
    existing: &Endpoint,
    imported: &ImportedEndpoint,
    out: &mut Merge,
) -> bool {
    let untyped = existing.response.is_untyped();
    let page = &imported.entry["response"];
    let Some(page_ty) = page.as_str() else {
        return false;
    };
    let page_typed =
        TypeRef::parse(page_ty).is_ok_and(|ty| !ty.is_untyped() && ty != TypeRef::Empty);
    if !untyped || !page_typed {
        return false;
    }
    let mut names = Vec::new();
    collect_refs(Some(page), &mut names);
    let mut i = 0;
    while i < names.len() {
        if let Some(def) = import.types.get(&names[i]) {
            collect_refs(def.get("item"), &mut names);
            collect_field_refs(def.get("fields"), &mut names);
        }
        i += 1;
    }
    let types = names
        .iter()
        .filter_map(|name| Some((name.clone(), import.types.get(name)?.clone())))
        .collect();
    out.fixable(
        Note::new(
            child(&existing.path, "response"),
            format!(
                "the page shows records (line {}) where the spec says `{}` for `{}`: the import types them `{page_ty}`",
                imported.line, existing.response, existing.name
            ),
        ),
        Fix::TypeResponse {
            endpoint: existing.name.clone(),
            ty: page.clone(),
            types,
        },
        false,
    );
    true
}

/// Adds the new types the added endpoints use, and the types those use. A type the spec
/// already has is a conflict, and not added.
fn add_types(
    import: &Import,
    spec: &Spec,
    mut wanted_types: Vec<String>,
    merged: &mut Value,
    result: &mut Merge,
) {
    let mut i = 0;
    while i < wanted_types.len() {
        let name = wanted_types[i].clone();
        i += 1;
        let Some(def) = import.types.get(&name) else {
            continue;
        };
        if spec.type_def(&name).is_some() {
            result.conflicts.push(Note::new(
                child("types", &name),
                format!("the import infers a type `{name}` that the spec already has; not added"),
            ));
            continue;
        }
        collect_refs(def.get("item"), &mut wanted_types);
        collect_field_refs(def.get("fields"), &mut wanted_types);
        if let Some(types) = merged.get_mut("types").and_then(Value::as_object_mut) {
            types.insert(name.clone(), def.clone());
        }
        result.added_types.push(name);
    }
}

/// The import's decisions about what was added; the rest the spec has already decided.
fn decisions_about_added(import: &Import, result: &Merge) -> Vec<Note> {
    import
        .decisions
        .iter()
        .filter(|note| {
            result
                .added_endpoints
                .iter()
                .map(|n| child("endpoints", n))
                .chain(result.added_types.iter().map(|n| child("types", n)))
                .any(|prefix| note.path == prefix || note.path.starts_with(&format!("{prefix}.")))
        })
        .cloned()
        .collect()
}

/// Removes the repeats of notes, keeping the first of each.
fn dedup(notes: &mut Vec<Note>) {
    let mut seen = Vec::new();
    notes.retain(|note| {
        if seen.contains(note) {
            false
        } else {
            seen.push(note.clone());
            true
        }
    });
}

/// The named types in a type expression (a JSON string).
fn collect_refs(ty: Option<&Value>, into: &mut Vec<String>) {
    let Some(text) = ty.and_then(Value::as_str) else {
        return;
    };
    if let Some(name) = TypeRef::parse(text).ok().as_ref().and_then(TypeRef::named) {
        if !into.iter().any(|n| n == name) {
            into.push(name.to_owned());
        }
    }
}

/// The named types in the types of fields (the JSON object of a request or a record).
fn collect_field_refs(fields: Option<&Value>, into: &mut Vec<String>) {
    if let Some(fields) = fields.and_then(Value::as_object) {
        for field in fields.values() {
            collect_refs(field.get("type"), into);
        }
    }
}

/// Compares an imported endpoint with the spec's endpoint of the same name.
fn compare_endpoint(
    spec: &Spec,
    import: &Import,
    existing: &Endpoint,
    imported: &ImportedEndpoint,
    out: &mut Merge,
) {
    let typed_by_the_page = compare_untyped_response(import, existing, imported, out);
    compare_route(existing, imported, out);
    compare_guesses(spec, existing, imported, out);
    compare_orders_in(existing, imported, out);
    compare_paging(existing, imported, out);
    compare_heading(existing, imported, out);
    compare_request(spec, existing, imported, out);
    for data in imported.data.iter().filter(|_| !typed_by_the_page) {
        compare_value(
            spec,
            &existing.response,
            false,
            data,
            &child(&existing.path, "response"),
            None,
            0,
            out,
        );
    }
}

/// Another method or path is a conflict.
fn compare_route(existing: &Endpoint, imported: &ImportedEndpoint, out: &mut Merge) {
    let entry = &imported.entry;
    let name = &imported.name;
    let method = entry["method"].as_str().unwrap_or_default();
    let url_path = entry["path"].as_str().unwrap_or_default();
    if method != existing.method.name() {
        out.conflicts.push(Note::new(
            child(&existing.path, "method"),
            format!(
                "the page (line {}) sends `{name}` as `{method}`, the spec as `{}`",
                imported.line,
                existing.method.name()
            ),
        ));
    }
    if url_path.trim_end_matches('/') != existing.url_path.trim_end_matches('/') {
        out.conflicts.push(Note::new(
            child(&existing.path, "path"),
            format!(
                "the page (line {}) has the path `{url_path}` for `{name}`, the spec has `{}`",
                imported.line, existing.url_path
            ),
        ));
    }
}

/// Another encoding, or another guess of `changes` (or, where that agrees, of `idempotent`),
/// is a difference.
fn compare_guesses(spec: &Spec, existing: &Endpoint, imported: &ImportedEndpoint, out: &mut Merge) {
    let entry = &imported.entry;
    let name = &imported.name;
    let encoding = entry
        .get("encoding")
        .and_then(Value::as_str)
        .unwrap_or(spec.service_of(existing).encoding.name());
    if encoding != spec.encoding(existing).name() {
        out.differences.push(Note::new(
            child(&existing.path, "encoding"),
            format!(
                "the page sends `{name}` as `{encoding}`, the spec as `{}`",
                spec.encoding(existing).name()
            ),
        ));
    }
    let changes = entry["changes"].as_str().unwrap_or_default();
    let idempotent = entry["idempotent"].as_bool().unwrap_or(false);
    if changes != existing.changes.name() {
        out.differences.push(Note::new(
            child(&existing.path, "changes"),
            format!(
                "the import guesses `changes: {changes}` for `{name}` from its name; the spec says `{}`",
                existing.changes.name()
            ),
        ));
    } else if idempotent != existing.idempotent {
        out.differences.push(Note::new(
            child(&existing.path, "idempotent"),
            format!(
                "the import guesses `idempotent: {idempotent}` for `{name}` from its name; the spec says `{}`",
                existing.idempotent
            ),
        ));
    }
}

/// An inferred `orders_in` that the spec does not have is a difference.
fn compare_orders_in(existing: &Endpoint, imported: &ImportedEndpoint, out: &mut Merge) {
    let Some(orders_in) = imported.entry.get("orders_in") else {
        return;
    };
    let (list, since) = (orders_in["endpoint"].as_str(), orders_in["since"].as_str());
    let same = existing
        .orders_in
        .as_ref()
        .is_some_and(|o| Some(o.endpoint.as_str()) == list && Some(o.since.as_str()) == since);
    if !same {
        let spec_says = existing.orders_in.as_ref().map_or_else(
            || "has no `orders_in`".to_owned(),
            |o| format!("says `{}` from `{}`", o.endpoint, o.since),
        );
        out.differences.push(Note::new(
            child(&existing.path, "orders_in"),
            format!(
                "the import guesses that `{}` creates orders listed by `{}` from `{}`; the spec {spec_says}",
                imported.name,
                list.unwrap_or_default(),
                since.unwrap_or_default()
            ),
        ));
    }
}

/// Paging on one side only is a difference; a page without data says nothing about it.
fn compare_paging(existing: &Endpoint, imported: &ImportedEndpoint, out: &mut Merge) {
    let name = &imported.name;
    match (
        imported.entry.get("paging").is_some(),
        existing.paging.is_some(),
    ) {
        (true, false) => out.differences.push(Note::new(
            &existing.path,
            format!("the page shows `{name}` paging; the spec has no `paging`"),
        )),
        (false, true) if !imported.data.is_empty() => out.differences.push(Note::new(
            child(&existing.path, "paging"),
            format!("the page does not show `{name}` paging; the spec does"),
        )),
        _ => {}
    }
}

/// A heading of the endpoint's own that is not the spec's `zh` doc is a difference.
fn compare_heading(existing: &Endpoint, imported: &ImportedEndpoint, out: &mut Merge) {
    if !imported.has_heading {
        return;
    }
    let zh = imported.entry["doc"]["zh"].as_str();
    if zh.is_some() && zh != existing.doc.zh.as_deref() {
        out.differences.push(Note::new(
            child(&existing.path, "doc"),
            format!(
                "the page calls `{}` “{}”; the spec's doc says “{}”",
                imported.name,
                zh.unwrap_or_default(),
                existing.doc.zh.as_deref().unwrap_or(&existing.doc.en)
            ),
        ));
    }
}

/// Compares the request fields the page sends with the spec's, where the page shows a
/// request.
fn compare_request(spec: &Spec, existing: &Endpoint, imported: &ImportedEndpoint, out: &mut Merge) {
    let name = &imported.name;
    if !imported.has_request {
        if !existing.request.is_empty() {
            out.differences.push(Note::new(
                child(&existing.path, "request"),
                format!(
                    "the page shows no request body for `{name}`, so its fields are not compared"
                ),
            ));
        }
        return;
    }
    for (key, node) in &imported.request {
        let page_field = &imported.entry["request"][key];
        match existing.request.iter().find(|f| &f.name == key) {
            None => out.fixable(
                Note::new(
                    child(&existing.path, "request"),
                    format!(
                        "the page sends `{key}` ({}) to `{name}`, which the spec does not have; not added",
                        show(&node.to_json())
                    ),
                ),
                Fix::AddRequestField {
                    endpoint: name.clone(),
                    field: key.clone(),
                    entry: page_field.clone(),
                },
                false,
            ),
            Some(field) => compare_request_field(spec, name, field, key, node, page_field, out),
        }
    }
    for field in &existing.request {
        if imported.request.iter().any(|(k, _)| *k == field.name) {
            continue;
        }
        if field.required {
            out.fixable(
                Note::new(
                    &field.path,
                    format!(
                        "the spec requires `{}` of `{name}`, but the page's example does not send it",
                        field.name
                    ),
                ),
                Fix::MakeOptional {
                    endpoint: name.clone(),
                    field: field.name.clone(),
                },
                true,
            );
        } else {
            out.differences.push(Note::new(
                &field.path,
                format!(
                    "the spec has the optional field `{}` of `{name}`, which the page's example does not show",
                    field.name
                ),
            ));
        }
    }
}

/// Compares a request field the page sends with the spec's field of the same name: another
/// doc is a difference, a value that does not fit is a conflict. An optional field sent empty
/// fits.
fn compare_request_field(
    spec: &Spec,
    endpoint: &str,
    field: &Field,
    key: &str,
    node: &Node,
    page_field: &Value,
    out: &mut Merge,
) {
    let value = node.to_json();
    compare_doc(&field.doc, node, &field.path, key, out);
    if !field.required && value.as_str() == Some("") {
        return;
    }
    if let Err(problem) = spec.check_field(field, &value).map_err(|p| p.to_string()) {
        let note = Note::new(
            child(&field.path, "type"),
            format!(
                "the page's example {} of `{key}` (line {}) does not fit the spec's `{}`: {problem}",
                show(&value),
                node.line,
                field.ty
            ),
        );
        match page_field["type"].as_str() {
            Some(ty) => out.fixable(
                note,
                Fix::RetypeRequestField {
                    endpoint: endpoint.to_owned(),
                    field: key.to_owned(),
                    ty: ty.to_owned(),
                },
                true,
            ),
            None => out.conflicts.push(note),
        }
    }
}

/// A comment of the page that is not the spec's doc of the same field is a difference: a
/// Chinese comment against `zh`, another against `en` where the spec has no `zh`.
fn compare_doc(doc: &Doc, node: &Node, path: &str, name: &str, out: &mut Merge) {
    let Some(comment) = node.comment.as_deref() else {
        return;
    };
    let same = if has_cjk(comment) {
        doc.zh.as_deref() == Some(comment)
    } else {
        doc.en.trim_end_matches('.') == comment.trim_end_matches('.')
    };
    if !same && (has_cjk(comment) || doc.zh.is_none()) {
        let known = doc.zh.as_deref().unwrap_or(&doc.en);
        out.differences.push(Note::new(
            child(path, "doc"),
            format!("the page documents `{name}` as “{comment}”; the spec says “{known}”"),
        ));
    }
}

/// Compares an example value with a spec type, field by field where the type is a record, so
/// that a field on one side only is a difference and a value that does not fit is a conflict.
#[allow(clippy::too_many_arguments)]
fn compare_value(
    spec: &Spec,
    ty: &TypeRef,
    nullable: bool,
    node: &Node,
    path: &str,
    owner: Option<(&str, &str)>,
    depth: usize,
    out: &mut Merge,
) {
    let value = node.to_json();
    let def = ty
        .named()
        .and_then(|n| spec.type_def(n))
        .filter(|_| depth < ipidea_spec::walk::MAX_DEPTH);
    match (ty, def.map(|d| &d.kind), &node.value) {
        (_, _, NodeValue::Null) if nullable => {}
        (TypeRef::Named(_), Some(TypeKind::Record { fields }), NodeValue::Object(members)) => {
            compare_record(spec, def, fields, node, members, depth, out);
        }
        (TypeRef::Named(_), Some(TypeKind::Page { item }), NodeValue::Object(_)) => {
            compare_page(spec, item, node, path, depth, out);
        }
        (TypeRef::List(item), _, NodeValue::Array(items)) => {
            for element in items {
                compare_value(spec, item, false, element, path, owner, depth + 1, out);
            }
        }
        (TypeRef::Scalar(Scalar::Json), _, _) if wire::holds_records(&value) => {
            let whose = match owner {
                Some((record, field)) => format!("`{field}` of `{record}`"),
                None => format!("`{path}`"),
            };
            out.differences.push(Note::new(
                path,
                format!(
                    "the page shows records where the spec says `json` for {whose}; typing them is left to a person"
                ),
            ));
        }
        _ => {
            if let Err(problem) = spec.check_value(ty, nullable, &value) {
                let note = Note::new(
                    path,
                    format!(
                        "the page's example {} (line {}) does not fit the spec's `{ty}`: {problem}",
                        show(&value),
                        node.line
                    ),
                );
                match owner {
                    Some((record, field)) => out.fixable(
                        note,
                        Fix::RetypeRecordField {
                            record: record.to_owned(),
                            field: field.to_owned(),
                            ty: guess_type(spec, field, std::slice::from_ref(&value)),
                        },
                        true,
                    ),
                    None => out.conflicts.push(note),
                }
            }
        }
    }
}

/// Compares an example object with the record `def`, whose fields are `fields`: a field on one
/// side only is a difference, or a conflict where the spec's field is not nullable.
fn compare_record(
    spec: &Spec,
    def: Option<&TypeDef>,
    fields: &[Field],
    node: &Node,
    members: &[(String, Node)],
    depth: usize,
    out: &mut Merge,
) {
    let record = def.map(|d| d.name.as_str()).unwrap_or_default();
    for (key, member) in members {
        match fields.iter().find(|f| &f.name == key) {
            Some(field) => {
                compare_doc(&field.doc, member, &field.path, key, out);
                compare_value(
                    spec,
                    &field.ty,
                    field.nullable,
                    member,
                    &field.path,
                    Some((record, key.as_str())),
                    depth + 1,
                    out,
                );
            }
            None => {
                let note = Note::new(
                    def.map(|d| d.path.clone()).unwrap_or_default(),
                    format!(
                        "the page's `{key}` (line {}) is not a field of `{record}`; not added, it lands in `extra`",
                        member.line
                    ),
                );
                let (doc, _) = vendor_doc(member.comment.as_deref(), placeholder(key));
                let fix = Fix::AddRecordField {
                    record: record.to_owned(),
                    field: key.clone(),
                    ty: guess_type(spec, key, &[member.to_json()]),
                    doc: doc_json(&doc),
                };
                out.fixable(note, fix, false);
            }
        }
    }
    for field in fields {
        if members.iter().any(|(k, _)| *k == field.name) {
            continue;
        }
        if field.nullable {
            out.differences.push(Note::new(
                &field.path,
                format!(
                    "the field `{}` of `{record}` is not in the page's example (line {})",
                    field.name, node.line
                ),
            ));
        } else {
            out.conflicts.push(Note::new(
                &field.path,
                format!(
                    "the spec requires the field `{}` of `{record}` (it is not nullable), but the page's example (line {}) lacks it",
                    field.name, node.line
                ),
            ));
        }
    }
}

/// Compares an example object with a page of `item`s in the API's layout: a missing or
/// miscounted page field is a conflict, and the items are compared with `item`.
fn compare_page(
    spec: &Spec,
    item: &TypeRef,
    node: &Node,
    path: &str,
    depth: usize,
    out: &mut Merge,
) {
    let layout = &spec.api.page;
    for (_, key) in layout.counts() {
        match node.get(key) {
            None => out.conflicts.push(Note::new(
                path,
                format!(
                    "the page's example (line {}) lacks the page field `{key}`",
                    node.line
                ),
            )),
            Some(count) => {
                if let Err(problem) =
                    spec.check_value(&ipidea_spec::walk::PAGE_COUNT_TYPE, false, &count.to_json())
                {
                    out.conflicts.push(Note::new(
                        path,
                        format!("the page field `{key}` (line {}): {problem}", count.line),
                    ));
                }
            }
        }
    }
    match node.get(&layout.items) {
        Some(items) => {
            let list = TypeRef::List(Box::new(item.clone()));
            compare_value(spec, &list, false, items, path, None, depth + 1, out);
        }
        None => out.conflicts.push(Note::new(
            path,
            format!(
                "the page's example (line {}) lacks the page field `{}`",
                node.line, layout.items
            ),
        )),
    }
}
