//! From JSON text to the typed [`model`](crate::model), collecting every structural problem.

use serde_json::{Map, Value};

use crate::days::UtcOffset;
use crate::diagnostic::{Ctxt, Diagnostic, did_you_mean};
use crate::locate::{child, index};
use crate::model::*;
use crate::text::backticked;

/// The version of the spec format this crate reads.
pub const FORMAT: u64 = 1;

/// The load stage: JSON text to the typed model, every structural problem recorded in `cx`.
/// `None` when the text is not JSON, or its top level cannot be read.
pub(crate) fn read(cx: &mut Ctxt, file: &str) -> Option<Spec> {
    let mut root: Value = match serde_json::from_str(cx.text()) {
        Ok(root) => root,
        Err(error) => {
            let message = error.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_owned();
            cx.push(Diagnostic {
                path: String::new(),
                line: Some(error.line()),
                message: format!("the spec is not valid JSON: {message}"),
                hint: None,
            });
            return None;
        }
    };
    // The locating scan is only needed to report a problem. serde_json keeps the last of two
    // equal keys, so a spec with a repeated key has fewer object members than the text has
    // `:` separators; only then is the text scanned here, for the duplicates.
    if object_members(&root) != count_separators(cx.text()) {
        for duplicate in cx.take_duplicates() {
            cx.push(Diagnostic {
                line: Some(duplicate.line),
                message: format!(
                    "duplicate key `{}`",
                    duplicate.path.rsplit('.').next().unwrap_or_default()
                ),
                hint: Some(format!(
                    "it is first defined on line {}",
                    duplicate.first_line
                )),
                path: duplicate.path,
            });
        }
    }
    if root.get(EXTENDS).is_some() {
        root = extend(cx, root)?;
    }
    let mut spec = read_spec(cx, file, &root)?;
    move_examples(&mut root, &mut spec);
    Some(spec)
}

/// The key of a spec that adds to the bundled one.
const EXTENDS: &str = "extends";

/// A spec that says `"extends": "ipidea"`: the bundled spec (of this crate's version), its
/// `api` included, with this file's APIs, types and endpoints added after its own. A name the bundled
/// spec already has is an error at this file's entry: an extension adds, it does not replace.
/// `None` where what it extends is not the bundled spec.
fn extend(cx: &mut Ctxt, mut own: Value) -> Option<Value> {
    let Value::Object(map) = &mut own else {
        return Some(own);
    };
    let base_name = match map.shift_remove(EXTENDS) {
        Some(Value::String(name)) => name,
        other => {
            let found = other.map_or("nothing".to_owned(), |v| kind(&v).to_owned());
            cx.error_hint(
                EXTENDS,
                format!("expected the name of the spec this one extends, found {found}"),
                Some("write `\"extends\": \"ipidea\"`, the bundled spec".into()),
            );
            return None;
        }
    };
    let Ok(Value::Object(mut base)) = serde_json::from_str::<Value>(crate::BUNDLED) else {
        return None;
    };
    let bundled_name = base
        .get("api")
        .and_then(|api| api.get("name"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if base_name != bundled_name {
        cx.error_hint(
            EXTENDS,
            format!("`{base_name}` is not a spec this version can extend"),
            Some(format!("a spec extends the bundled spec, `{bundled_name}`")),
        );
        return None;
    }
    if map.contains_key("api") {
        cx.error_hint(
            "api",
            "a spec that extends another takes its `api`",
            Some(format!(
                "remove `api`, or write a whole spec without `{EXTENDS}`"
            )),
        );
    }
    for section in ["apis", "types", "endpoints"] {
        let Some(Value::Object(added)) = map.shift_remove(section) else {
            continue;
        };
        let into = base
            .entry(section)
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(into) = into else {
            continue;
        };
        for (name, value) in added {
            if into.contains_key(&name) {
                cx.error_hint(
                    &child(section, &name),
                    format!("`{name}` is already in the spec `{base_name}` extends"),
                    Some(
                        "give it a name of its own: an extension adds, it does not replace".into(),
                    ),
                );
                continue;
            }
            into.insert(name, value);
        }
    }
    for (key, value) in std::mem::take(map) {
        if !matches!(key.as_str(), "api" | "apis" | "types" | "endpoints") {
            base.insert(key, value);
        }
    }
    Some(Value::Object(base))
}

/// Moves each example's request and response from the JSON into the model, where reading
/// left them empty: the JSON is dropped after loading, so there is no need to copy them.
fn move_examples(root: &mut Value, spec: &mut Spec) {
    let Some(endpoints) = root.get_mut("endpoints") else {
        return;
    };
    for endpoint in &mut spec.endpoints {
        let Some(items) = endpoints
            .get_mut(&endpoint.name)
            .and_then(|e| e.get_mut("examples"))
        else {
            continue;
        };
        for example in &mut endpoint.examples {
            // The example's path ends in its index in `examples`: `...examples[2]`.
            let Some(item) = example
                .path
                .rsplit_once('[')
                .and_then(|(_, i)| i.strip_suffix(']')?.parse::<usize>().ok())
                .and_then(|i| items.get_mut(i))
            else {
                continue;
            };
            if let Some(Value::Object(request)) = item.get_mut("request").map(Value::take) {
                example.request = request;
            }
            if let Some(response) = item.get_mut("response") {
                example.response = response.take();
            }
        }
    }
}

/// The number of members of all the objects in `value`.
fn object_members(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.len() + map.values().map(object_members).sum::<usize>(),
        Value::Array(items) => items.iter().map(object_members).sum(),
        _ => 0,
    }
}

/// The number of `:` outside strings in JSON text: one per object member as written.
fn count_separators(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut i = 0;
    while let Some(found) = bytes
        .get(i..)
        .and_then(|rest| memchr::memchr2(b'"', b':', rest))
    {
        i += found;
        if bytes[i] == b':' {
            count += 1;
            i += 1;
            continue;
        }
        // Skip the string, escapes included.
        i += 1;
        loop {
            let Some(found) = bytes
                .get(i..)
                .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
            else {
                return count;
            };
            i += found;
            if bytes[i] == b'"' {
                i += 1;
                break;
            }
            i += 2;
        }
    }
    count
}

/// A JSON object being read: knows its path and which keys it allows.
struct Obj<'a, 'p> {
    map: &'a Map<String, Value>,
    path: Path<'p>,
}

/// A JSON path, `base` or `base.key`: only joined when a problem names it.
#[derive(Clone, Copy)]
struct Path<'p> {
    base: &'p str,
    key: Option<&'p str>,
}

impl<'p> Path<'p> {
    fn full(self) -> std::borrow::Cow<'p, str> {
        match self.key {
            None => self.base.into(),
            Some(key) => child(self.base, key).into(),
        }
    }
}

impl<'a, 'p> Obj<'a, 'p> {
    /// Reads `value` as an object, reporting keys outside `allowed`.
    fn new(
        cx: &mut Ctxt,
        value: &'a Value,
        path: &'p str,
        what: &str,
        allowed: &[&str],
    ) -> Option<Self> {
        let path = Path {
            base: path,
            key: None,
        };
        Self::at(cx, value, path, what, allowed)
    }

    /// Reads `value`, the member `key` of the object at `parent`, as an object.
    fn member(
        cx: &mut Ctxt,
        value: &'a Value,
        parent: &'p str,
        key: &'p str,
        what: &str,
        allowed: &[&str],
    ) -> Option<Self> {
        let path = Path {
            base: parent,
            key: Some(key),
        };
        Self::at(cx, value, path, what, allowed)
    }

    fn at(
        cx: &mut Ctxt,
        value: &'a Value,
        path: Path<'p>,
        what: &str,
        allowed: &[&str],
    ) -> Option<Self> {
        let Some(map) = value.as_object() else {
            cx.error(
                &path.full(),
                format!("expected {what} to be an object, found {}", kind(value)),
            );
            return None;
        };
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                let hint = did_you_mean(key, allowed.iter().copied())
                    .or_else(|| Some(format!("{what} allows {}", backticked(allowed))));
                cx.error_hint(
                    &child(&path.full(), key),
                    format!("unknown key `{key}` in {what}"),
                    hint,
                );
            }
        }
        Some(Obj { map, path })
    }

    /// The object's own path.
    fn full_path(&self) -> std::borrow::Cow<'p, str> {
        self.path.full()
    }

    fn path(&self, key: &str) -> String {
        child(&self.full_path(), key)
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    fn required(&self, cx: &mut Ctxt, key: &str) -> Option<&'a Value> {
        let value = self.map.get(key);
        if value.is_none() {
            cx.error(&self.full_path(), format!("missing key `{key}`"));
        }
        value
    }

    fn string(&self, cx: &mut Ctxt, key: &str) -> Option<String> {
        let value = self.required(cx, key)?;
        as_string(cx, value, || self.path(key))
    }

    fn opt_string(&self, cx: &mut Ctxt, key: &str) -> Option<String> {
        as_string(cx, self.get(key)?, || self.path(key))
    }

    fn bool(&self, cx: &mut Ctxt, key: &str) -> bool {
        match self.get(key) {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                cx.error(
                    &self.path(key),
                    format!("expected `true` or `false`, found {}", kind(other)),
                );
                false
            }
        }
    }

    fn integer(&self, cx: &mut Ctxt, key: &str) -> Option<i64> {
        let value = self.get(key)?;
        let found = value.as_i64();
        if found.is_none() {
            cx.error(
                &self.path(key),
                format!("expected an integer, found {}", kind(value)),
            );
        }
        found
    }

    fn count(&self, cx: &mut Ctxt, key: &str) -> Option<u64> {
        let value = self.get(key)?;
        let found = value.as_u64();
        if found.is_none() {
            cx.error(
                &self.path(key),
                format!("expected a count of zero or more, found {}", kind(value)),
            );
        }
        found
    }

    fn doc(&self, cx: &mut Ctxt, key: &str) -> Doc {
        match self.required(cx, key) {
            Some(value) => read_doc(cx, value, &self.full_path(), key),
            None => Doc::default(),
        }
    }

    /// The members of an object keyed by name, as (name, path, value).
    fn entries(&self, cx: &mut Ctxt, key: &str, what: &str) -> Vec<(String, String, &'a Value)> {
        let Some(value) = self.required(cx, key) else {
            return Vec::new();
        };
        let path = self.path(key);
        match value.as_object() {
            Some(map) => map
                .iter()
                .map(|(k, v)| (k.clone(), child(&path, k), v))
                .collect(),
            None => {
                cx.error(
                    &path,
                    format!(
                        "expected {what} to be an object keyed by name, found {}",
                        kind(value)
                    ),
                );
                Vec::new()
            }
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "`null`",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn as_string(cx: &mut Ctxt, value: &Value, path: impl FnOnce() -> String) -> Option<String> {
    match value.as_str() {
        Some(s) => Some(s.to_owned()),
        None => {
            cx.error(&path(), format!("expected a string, found {}", kind(value)));
            None
        }
    }
}

fn read_doc(cx: &mut Ctxt, value: &Value, parent: &str, key: &str) -> Doc {
    let Some(obj) = Obj::member(cx, value, parent, key, "a doc", &["en", "zh"]) else {
        return Doc::default();
    };
    let en = obj.string(cx, "en").unwrap_or_default();
    if en.trim().is_empty() && obj.get("en").is_some() {
        cx.error(&obj.path("en"), "empty doc");
    }
    Doc {
        en,
        zh: obj.opt_string(cx, "zh"),
    }
}

fn read_spec(cx: &mut Ctxt, file: &str, root: &Value) -> Option<Spec> {
    let obj = Obj::new(
        cx,
        root,
        "",
        "the spec",
        &["$schema", "format", "api", "apis", "types", "endpoints"],
    )?;
    match obj.required(cx, "format").map(Value::as_u64) {
        Some(Some(FORMAT)) | None => {}
        Some(_) => cx.error_hint(
            &obj.path("format"),
            "unsupported spec format",
            Some(format!("this version reads format {FORMAT}")),
        ),
    }
    let api = obj
        .required(cx, "api")
        .and_then(|api| read_api(cx, api, "api"));
    let others = read_apis(cx, &obj);
    let types = obj
        .entries(cx, "types", "`types`")
        .into_iter()
        .filter_map(|(name, path, value)| read_type(cx, name, value, &path))
        .collect();
    // A broken `api` must not hide the problems of the types and endpoints: check them
    // against a placeholder, whose own problems are already reported.
    let (api, main) = api.unwrap_or_else(|| (Api::placeholder(), Service::placeholder()));
    let mut apis = vec![main];
    apis.extend(others);
    let endpoints = obj
        .entries(cx, "endpoints", "`endpoints`")
        .into_iter()
        .filter_map(|(name, path, value)| read_endpoint(cx, &apis, name, value, &path))
        .collect();
    Some(Spec {
        file: file.to_owned(),
        api,
        apis,
        types,
        endpoints,
    })
}

fn read_encoding(cx: &mut Ctxt, text: &str, path: &str) -> Option<Encoding> {
    let found = Encoding::ALL
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, e)| *e);
    if found.is_none() {
        let names: Vec<&str> = Encoding::ALL.iter().map(|(n, _)| *n).collect();
        cx.error_hint(
            path,
            format!("unknown encoding `{text}`"),
            Some(format!("expected one of {}", backticked(&names))),
        );
    }
    found
}

/// An endpoint's `changes`: required, since nothing else says what a call does to the account.
fn read_changes(cx: &mut Ctxt, obj: &Obj) -> Option<Changes> {
    let names: Vec<&str> = Changes::ALL.iter().map(|c| c.name()).collect();
    let hint = || {
        format!(
            "say what sending it changes: one of {} (`money` for calls that buy or renew)",
            backticked(&names)
        )
    };
    let Some(value) = obj.get("changes") else {
        cx.error_hint(&obj.full_path(), "missing key `changes`", Some(hint()));
        return None;
    };
    let name = as_string(cx, value, || obj.path("changes"))?;
    let found = Changes::from_name(&name);
    if found.is_none() {
        cx.error_hint(
            &obj.path("changes"),
            format!("unknown value `{name}` of `changes`"),
            Some(hint()),
        );
    }
    found
}

/// The keys of an API's description, in `api` (beside the spec-wide ones) and in `apis`.
const SERVICE_KEYS: [&str; 10] = [
    "doc",
    "unverified",
    "base_url",
    "base_url_env",
    "method",
    "encoding",
    "auth",
    "fixed",
    "envelope",
    "refusals",
];

/// The spec-wide keys of `api`, beside the main API's [`SERVICE_KEYS`].
const API_KEYS: [&str; 5] = ["name", "title", "date_format", "utc_offset", "page"];

/// The spec's `api`: the spec-wide settings, and the main API (named `api.name`).
fn read_api(cx: &mut Ctxt, value: &Value, path: &str) -> Option<(Api, Service)> {
    let allowed: Vec<&str> = API_KEYS
        .iter()
        .chain(SERVICE_KEYS.iter().filter(|k| **k != "unverified"))
        .copied()
        .collect();
    let obj = Obj::new(cx, value, path, "`api`", &allowed)?;
    let name = obj.string(cx, "name");
    let title = obj.string(cx, "title");
    let date_format = obj.string(cx, "date_format");
    let utc_offset = obj.string(cx, "utc_offset").and_then(|text| {
        UtcOffset::parse(&text)
            .map_err(|message| {
                let hint = "the offset of the API's clock: its days start at midnight there";
                cx.error_hint(&obj.path("utc_offset"), message, Some(hint.into()));
            })
            .ok()
    });
    let page = obj.required(cx, "page").and_then(|value| {
        let keys = PageCount::ALL.map(PageCount::key);
        let keys = [keys[0], keys[1], keys[2], keys[3], PAGE_ITEMS_KEY];
        let page = Obj::member(cx, value, path, "page", "`page`", &keys)?;
        let [total, per_page, current_page, last_page] =
            PageCount::ALL.map(|count| page.string(cx, count.key()));
        Some(PageLayout {
            total: total?,
            per_page: per_page?,
            current_page: current_page?,
            last_page: last_page?,
            items: page.string(cx, PAGE_ITEMS_KEY)?,
        })
    });
    let service = read_service(cx, &obj, name.clone().unwrap_or_default(), true);
    let api = Api {
        name: name?,
        title: title?,
        doc: service.as_ref().map(|s| s.doc.clone()).unwrap_or_default(),
        date_format: date_format?,
        utc_offset: utc_offset?,
        page: page?,
    };
    Some((api, service?))
}

/// The spec's `apis`: the APIs beside the main one, by name.
fn read_apis(cx: &mut Ctxt, root: &Obj) -> Vec<Service> {
    if root.get("apis").is_none() {
        return Vec::new();
    }
    root.entries(cx, "apis", "`apis`")
        .into_iter()
        .filter_map(|(name, path, value)| {
            let obj = Obj::new(cx, value, &path, "an API", &SERVICE_KEYS)?;
            read_service(cx, &obj, name, false)
        })
        .collect()
}

/// One API's host, method, encoding, credentials, fixed fields, envelope and refusals. The
/// main API must name its encoding and auth; another defaults to `form` and to no credentials.
fn read_service(cx: &mut Ctxt, obj: &Obj, name: String, main: bool) -> Option<Service> {
    let doc = obj.doc(cx, "doc");
    let unverified = obj.opt_string(cx, "unverified");
    let base_url = obj.string(cx, "base_url");
    let base_url_env = obj.opt_string(cx, "base_url_env");
    let method = obj
        .opt_string(cx, "method")
        .and_then(|m| read_method(cx, &m, &obj.path("method")));
    let encoding = match obj.get("encoding") {
        None if !main => Some(Encoding::Form),
        _ => obj
            .string(cx, "encoding")
            .and_then(|e| read_encoding(cx, &e, &obj.path("encoding"))),
    };
    let auth = if main || obj.get("auth").is_some() {
        read_auth(cx, obj)
    } else {
        Vec::new()
    };
    let fixed = read_fixed(cx, obj);
    let envelope = obj
        .required(cx, "envelope")
        .and_then(|value| read_envelope(cx, value, &obj.full_path()));
    let refusals = read_refusals(cx, obj);
    Some(Service {
        name,
        doc,
        unverified,
        base_url: base_url?,
        base_url_env,
        method,
        encoding: encoding?,
        auth,
        fixed,
        envelope: envelope?,
        refusals,
        path: obj.full_path().into_owned(),
    })
}

fn read_auth(cx: &mut Ctxt, obj: &Obj) -> Vec<AuthField> {
    obj.entries(cx, "auth", "`auth`")
        .into_iter()
        .filter_map(|(name, path, value)| {
            let field = Obj::new(cx, value, &path, "an auth field", &["env", "secret", "doc"])?;
            Some(AuthField {
                name,
                env: field.string(cx, "env")?,
                secret: field.bool(cx, "secret"),
                doc: field.doc(cx, "doc"),
                path,
            })
        })
        .collect()
}

/// `fixed`: fields sent with every call, each with its one value, written as on the wire.
fn read_fixed(cx: &mut Ctxt, obj: &Obj) -> Vec<(String, String)> {
    if obj.get("fixed").is_none() {
        return Vec::new();
    }
    obj.entries(cx, "fixed", "`fixed`")
        .into_iter()
        .filter_map(|(name, path, value)| {
            let value = as_string(cx, value, || path.clone())?;
            Some((name, value))
        })
        .collect()
}

fn read_envelope(cx: &mut Ctxt, value: &Value, parent: &str) -> Option<Envelope> {
    let keys = [
        "status",
        "success",
        "code",
        "message",
        "data",
        "timestamp",
        "flag",
    ];
    let env = Obj::member(cx, value, parent, "envelope", "`envelope`", &keys)?;
    let success = env.required(cx, "success").and(env.integer(cx, "success"));
    let status = env.string(cx, "status");
    let message = env.string(cx, "message");
    let data = env.string(cx, "data");
    Some(Envelope {
        status: status?,
        success: success?,
        code: env.opt_string(cx, "code"),
        message: message?,
        data: data?,
        timestamp: env.opt_string(cx, "timestamp"),
        flag: env.opt_string(cx, "flag"),
    })
}

/// `refusals`: by kind, the text a refusal's message contains.
fn read_refusals(cx: &mut Ctxt, obj: &Obj) -> Vec<RefusalRule> {
    if obj.get("refusals").is_none() {
        return Vec::new();
    }
    obj.entries(cx, "refusals", "`refusals`")
        .into_iter()
        .filter_map(|(name, path, value)| {
            let kind = match name.parse::<crate::refusal::RefusalKind>() {
                Ok(kind) => Some(kind),
                Err(message) => {
                    cx.error(&path, message);
                    None
                }
            };
            let rule = Obj::new(cx, value, &path, "a refusal", &["message", "doc"])?;
            let message = rule.string(cx, "message");
            let doc = rule.doc(cx, "doc");
            Some(RefusalRule {
                kind: kind?,
                message: message?,
                doc,
                path,
            })
        })
        .collect()
}

fn read_method(cx: &mut Ctxt, text: &str, path: &str) -> Option<Method> {
    match text {
        "GET" => Some(Method::Get),
        "POST" => Some(Method::Post),
        other => {
            cx.error_hint(
                path,
                format!("unsupported method `{other}`"),
                Some("expected `GET` or `POST`".into()),
            );
            None
        }
    }
}

fn read_type_ref(cx: &mut Ctxt, obj: &Obj, key: &str) -> Option<TypeRef> {
    let text = obj.string(cx, key)?;
    match TypeRef::parse(&text) {
        Ok(ty) => Some(ty),
        Err(problem) => {
            cx.error_hint(
                &obj.path(key),
                problem,
                Some("write `string`, `csv<ip>`, `list<T>` or a type name".into()),
            );
            None
        }
    }
}

fn read_type(cx: &mut Ctxt, name: String, value: &Value, path: &str) -> Option<TypeDef> {
    let obj = Obj::new(
        cx,
        value,
        path,
        "a type",
        &["kind", "doc", "fields", "repr", "values", "item"],
    )?;
    let kind_name = obj.string(cx, "kind")?;
    let doc = obj.doc(cx, "doc");
    let only = |cx: &mut Ctxt, keys: &[&str]| {
        for key in ["fields", "repr", "values", "item"] {
            if !keys.contains(&key) && obj.get(key).is_some() {
                cx.error(
                    &obj.path(key),
                    format!("a `{kind_name}` type has no `{key}`"),
                );
            }
        }
    };
    let kind = match kind_name.as_str() {
        "record" => {
            only(cx, &["fields"]);
            let fields = read_fields(cx, &obj, "fields", FieldContext::Record);
            TypeKind::Record { fields }
        }
        "enum" => {
            only(cx, &["repr", "values"]);
            let repr = match obj.opt_string(cx, "repr").as_deref() {
                None | Some("string") => EnumRepr::String,
                Some("integer") => EnumRepr::Integer,
                Some(other) => {
                    cx.error_hint(
                        &obj.path("repr"),
                        format!("unknown enum repr `{other}`"),
                        Some("expected `string` or `integer`".into()),
                    );
                    EnumRepr::String
                }
            };
            let values = obj
                .entries(cx, "values", "`values`")
                .into_iter()
                .filter_map(|(value_name, path, value)| {
                    let v = Obj::new(cx, value, &path, "an enum value", &["name", "doc"])?;
                    Some(EnumValue {
                        value: value_name,
                        name: v.opt_string(cx, "name"),
                        doc: v.doc(cx, "doc"),
                        path,
                    })
                })
                .collect();
            TypeKind::Enum { repr, values }
        }
        "page" => {
            only(cx, &["item"]);
            TypeKind::Page {
                item: read_type_ref(cx, &obj, "item")?,
            }
        }
        other => {
            cx.error_hint(
                &obj.path("kind"),
                format!("unknown type kind `{other}`"),
                Some("expected `record`, `enum` or `page`".into()),
            );
            return None;
        }
    };
    Some(TypeDef {
        name,
        doc,
        kind,
        path: path.to_owned(),
    })
}

#[derive(Clone, Copy, PartialEq)]
enum FieldContext {
    Request,
    Record,
}

/// The keys of a field's bounds in the spec: the one list of them.
pub const BOUND_KEYS: [&str; 6] = [
    "minimum",
    "maximum",
    "min_length",
    "max_length",
    "min_items",
    "max_items",
];

fn read_fields(cx: &mut Ctxt, obj: &Obj, key: &str, context: FieldContext) -> Vec<Field> {
    let mut allowed = vec!["type", "doc", "example"];
    match context {
        FieldContext::Request => {
            allowed.push("required");
            allowed.extend(BOUND_KEYS);
            allowed.push("not_before");
        }
        FieldContext::Record => allowed.push("nullable"),
    }
    obj.entries(cx, key, "fields")
        .into_iter()
        .filter_map(|(name, path, value)| {
            let what = if context == FieldContext::Request {
                "a request field"
            } else {
                "a record field"
            };
            let field = Obj::new(cx, value, &path, what, &allowed)?;
            let ty = read_type_ref(cx, &field, "type");
            let bounds = Bounds {
                minimum: field.integer(cx, "minimum"),
                maximum: field.integer(cx, "maximum"),
                min_length: field.count(cx, "min_length"),
                max_length: field.count(cx, "max_length"),
                min_items: field.count(cx, "min_items"),
                max_items: field.count(cx, "max_items"),
            };
            Some(Field {
                name,
                required: field.bool(cx, "required"),
                nullable: field.bool(cx, "nullable"),
                doc: field.doc(cx, "doc"),
                example: field.get("example").cloned(),
                bounds,
                not_before: field.opt_string(cx, "not_before"),
                ty: ty?,
                path,
            })
        })
        .collect()
}

fn read_endpoint(
    cx: &mut Ctxt,
    apis: &[Service],
    name: String,
    value: &Value,
    path: &str,
) -> Option<Endpoint> {
    let allowed = [
        "api",
        "method",
        "path",
        "doc",
        "unverified",
        "encoding",
        "changes",
        "idempotent",
        "paging",
        "orders_in",
        "request",
        "response",
        "examples",
    ];
    let obj = Obj::new(cx, value, path, "an endpoint", &allowed)?;
    let service = read_endpoint_api(cx, apis, &obj)?;
    let method = match (obj.get("method"), service.method) {
        (None, Some(method)) => Some(method),
        _ => {
            let text = obj.string(cx, "method")?;
            read_method(cx, &text, &obj.path("method"))
        }
    };
    let url_path = obj.string(cx, "path");
    let doc = obj.doc(cx, "doc");
    let unverified = obj.opt_string(cx, "unverified");
    if unverified
        .as_deref()
        .is_some_and(|text| text.trim().is_empty())
    {
        cx.error_hint(
            &obj.path("unverified"),
            "empty doc",
            Some("name the source of the endpoint, or remove `unverified`".into()),
        );
    }
    let encoding = obj
        .opt_string(cx, "encoding")
        .and_then(|e| read_encoding(cx, &e, &obj.path("encoding")));
    let changes = read_changes(cx, &obj);
    if obj.get("idempotent").is_none() {
        cx.error_hint(&obj.full_path(), "missing key `idempotent`", Some("say `true` for calls that are safe to send twice (lists) and `false` for calls that spend money".into()));
    }
    let idempotent = obj.bool(cx, "idempotent");
    let paging = obj.get("paging").and_then(|value| {
        let paging = Obj::member(cx, value, path, "paging", "`paging`", &["page", "limit"])?;
        Some(Paging {
            page: paging.string(cx, "page")?,
            limit: paging.string(cx, "limit")?,
        })
    });
    let request = read_fields(cx, &obj, "request", FieldContext::Request);
    let response = read_type_ref(cx, &obj, "response");
    let examples = match obj.get("examples") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let path = index(&obj.path("examples"), i);
                let ex = Obj::new(
                    cx,
                    item,
                    &path,
                    "an example",
                    &["doc", "request", "response"],
                )?;
                let doc = ex.get("doc").map(|d| read_doc(cx, d, &path, "doc"));
                // The request and response are moved in from the JSON afterwards
                // (`move_examples`), rather than copied here.
                let request = match ex.required(cx, "request")? {
                    Value::Object(_) => Map::new(),
                    other => {
                        cx.error(
                            &ex.path("request"),
                            format!(
                                "expected the example request to be an object, found {}",
                                kind(other)
                            ),
                        );
                        return None;
                    }
                };
                Some(Example {
                    doc,
                    request,
                    response: ex.required(cx, "response").map(|_| Value::Null)?,
                    path,
                })
            })
            .collect(),
        Some(other) => {
            cx.error(
                &obj.path("examples"),
                format!("expected `examples` to be an array, found {}", kind(other)),
            );
            Vec::new()
        }
    };
    let orders_in = obj.get("orders_in").and_then(|value| {
        let keys = ["endpoint", "since"];
        let orders_in = Obj::member(cx, value, path, "orders_in", "`orders_in`", &keys)?;
        Some(OrdersIn {
            endpoint: orders_in.string(cx, "endpoint")?,
            since: orders_in.string(cx, "since")?,
        })
    });
    Some(Endpoint {
        name,
        api: service.name.clone(),
        method: method?,
        url_path: url_path?,
        doc,
        unverified,
        encoding,
        changes: changes?,
        idempotent,
        paging,
        orders_in,
        request,
        response: response?,
        examples,
        path: path.to_owned(),
    })
}

/// The API an endpoint names in `api`, or the main API.
fn read_endpoint_api<'s>(cx: &mut Ctxt, apis: &'s [Service], obj: &Obj) -> Option<&'s Service> {
    let Some(name) = obj.opt_string(cx, "api") else {
        return apis.first();
    };
    let found = apis.iter().find(|s| s.name == name);
    if found.is_none() {
        let names = apis.iter().map(|s| s.name.as_str());
        let hint = did_you_mean(&name, names.clone())
            .unwrap_or_else(|| format!("the spec's APIs are {}", backticked(names)));
        cx.error_hint(
            &obj.path("api"),
            format!("unknown API `{name}`"),
            Some(hint),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn separators_are_counted_outside_strings() {
        for (text, count) in [
            ("{}", 0),
            (r#"{"a": 1}"#, 1),
            (r#"{"a:b": "c:d", "e": {"f": [1, {"g": ":"}]}}"#, 4),
            (r#"{"quote \": ": 1, "back\\": 2}"#, 2),
            (
                r#"{"long key with no colon in it at all": "and a long value: with one"}"#,
                1,
            ),
            (r#"{"unterminated: 1"#, 0),
        ] {
            assert_eq!(super::count_separators(text), count, "{text}");
        }
    }

    #[test]
    fn a_repeated_key_is_found_however_it_is_escaped() {
        let text = "{\n  \"a\": 1,\n  \"\\u0061\": 2\n}";
        let errors = crate::parse("t.json", text).unwrap_err().errors;
        assert!(
            errors.iter().any(|e| e.message == "duplicate key `a`"),
            "{errors:?}"
        );
    }
}
