//! The cross-field rules of a spec. Each rule is its own `check_*` function; all of them run,
//! and every problem is recorded.

use std::collections::HashMap;

use serde_json::Value;

use crate::diagnostic::{Ctxt, did_you_mean};
use crate::locate::child;
use crate::model::*;
use crate::naming;

pub(crate) fn check(cx: &mut Ctxt, spec: &Spec) {
    check_api(cx, spec);
    check_type_names(cx, spec);
    check_endpoint_names(cx, spec);
    check_type_refs(cx, spec);
    check_enums(cx, spec);
    for def in &spec.types {
        if let TypeKind::Record { fields } = &def.kind {
            check_field_names(cx, fields, &[naming::EXTRA_FIELD]);
            check_examples_of_fields(cx, spec, fields);
        }
    }
    let endpoints = spec.endpoint_index();
    for endpoint in &spec.endpoints {
        let service = spec.service_of(endpoint);
        let taken: Vec<&str> = service
            .auth
            .iter()
            .map(|a| a.name.as_str())
            .chain(service.fixed.iter().map(|(name, _)| name.as_str()))
            .collect();
        check_field_names(cx, &endpoint.request, &taken);
        check_request_fields(cx, spec, endpoint);
        check_not_before(cx, spec, endpoint);
        check_examples_of_fields(cx, spec, &endpoint.request);
        check_paging(cx, spec, endpoint);
        check_changes(cx, endpoint);
        check_orders_in(cx, spec, &endpoints, endpoint);
        check_endpoint_examples(cx, spec, endpoint);
    }
}

/// Names that collide once converted to Rust: (Rust name -> first spec name). True when the
/// name is new.
fn check_unique(
    cx: &mut Ctxt,
    seen: &mut HashMap<String, String>,
    rust: String,
    name: &str,
    path: &str,
    what: &str,
) -> bool {
    if let Some(first) = seen.get(&rust) {
        let hint = if first == name {
            None
        } else {
            Some(format!("it becomes `{rust}`, like `{first}`"))
        };
        cx.error_hint(path, format!("duplicate {what} `{name}`"), hint);
        false
    } else {
        seen.insert(rust, name.to_owned());
        true
    }
}

/// The date format must be usable, and the page's fields distinct; each API must be usable.
fn check_api(cx: &mut Ctxt, spec: &Spec) {
    let api = &spec.api;
    match crate::days::check_format(&api.date_format) {
        Ok(()) => {}
        Err(crate::days::FormatError::NotAFormat) => cx.error_hint(
            "api.date_format",
            format!("`{}` is not a date format", api.date_format),
            Some("write a strftime pattern such as `%Y-%-m-%-d`".into()),
        ),
        Err(crate::days::FormatError::NotReadBack) => cx.error_hint(
            "api.date_format",
            format!("dates written as `{}` cannot be read back", api.date_format),
            Some("use the year, month and day once each (`%Y`, `%m`, `%d`, `%-m`, `%-d`)".into()),
        ),
    }
    let layout = &api.page;
    let mut seen = HashMap::new();
    for (key, value) in layout.keys() {
        let path = child("api.page", key);
        let rust = naming::snake(value);
        if let Some(problem) = naming::ident_problem(&rust) {
            cx.error(
                &path,
                format!("page field `{value}` cannot be a Rust field: {problem}"),
            );
        } else if rust == naming::EXTRA_FIELD || (rust == "items" && key != PAGE_ITEMS_KEY) {
            cx.error(
                &path,
                format!("page field `{value}` is taken by a generated field"),
            );
        }
        check_unique(cx, &mut seen, rust, value, &path, "page field");
    }
    let mut names = HashMap::new();
    for service in &spec.apis {
        if !service.is_main() {
            check_unique(
                cx,
                &mut names,
                service.name.clone(),
                &service.name,
                &service.path,
                "API",
            );
        } else {
            names.insert(service.name.clone(), service.name.clone());
        }
        check_service(cx, service);
    }
}

/// An API's base URL must be http(s), and https where it sends credentials; its credentials,
/// fixed fields and envelope fields must be distinct.
fn check_service(cx: &mut Ctxt, service: &Service) {
    let url = &service.base_url;
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        cx.error_hint(
            &service.key_path("base_url"),
            format!("`{url}` is not an http(s) URL"),
            Some("write it like `https://api.ipidea.net`".into()),
        );
    } else if url.starts_with("http://") && !service.auth.is_empty() {
        cx.error_hint(
            &service.key_path("base_url"),
            format!("`{url}` is plain http, but the API sends credentials"),
            Some("use https, so that the credentials do not cross the network in clear".into()),
        );
    }
    if service.base_url_env.as_deref().is_some_and(str::is_empty) {
        cx.error(
            &service.key_path("base_url_env"),
            "empty environment variable name",
        );
    }
    if service.unverified.as_deref().is_some_and(|t| t.trim().is_empty()) {
        cx.error_hint(
            &service.key_path("unverified"),
            "empty doc",
            Some("name the source of what the spec says of this API, or remove `unverified`".into()),
        );
    }
    let mut seen = HashMap::new();
    for auth in &service.auth {
        if let Some(problem) = naming::ident_problem(&auth.name) {
            cx.error(&auth.path, problem);
        }
        check_unique(
            cx,
            &mut seen,
            naming::snake(&auth.name),
            &auth.name,
            &auth.path,
            "auth field",
        );
        if auth.env.is_empty() {
            cx.error(&child(&auth.path, "env"), "empty environment variable name");
        }
    }
    for (name, _) in &service.fixed {
        let path = child(&service.key_path("fixed"), name);
        check_unique(cx, &mut seen, naming::snake(name), name, &path, "fixed field");
    }
    let envelope_path = service.key_path("envelope");
    let mut seen = HashMap::new();
    for (key, value) in service.envelope.fields() {
        let path = child(&envelope_path, key);
        if value.is_empty() {
            cx.error(&path, "empty envelope field name");
        }
        check_unique(cx, &mut seen, value.to_owned(), value, &path, "envelope field");
    }
    for rule in &service.refusals {
        if rule.message.trim().is_empty() {
            cx.error_hint(
                &child(&rule.path, "message"),
                "empty refusal text",
                Some("write text that the refusal's message contains, and only its message".into()),
            );
        }
    }
}

/// Type names must be `UpperCamelCase` identifiers, distinct once converted.
fn check_type_names(cx: &mut Ctxt, spec: &Spec) {
    let mut seen = HashMap::new();
    for def in &spec.types {
        if let Some(problem) = naming::ident_problem(&def.name) {
            cx.error(&def.path, problem);
        } else if naming::camel(&def.name) != def.name {
            cx.error_hint(
                &def.path,
                format!("type name `{}` is not UpperCamelCase", def.name),
                Some(format!("call it `{}`", naming::camel(&def.name))),
            );
        }
        check_unique(
            cx,
            &mut seen,
            naming::camel(&def.name),
            &def.name,
            &def.path,
            "type",
        );
    }
    for endpoint in &spec.endpoints {
        let request = naming::request_type(&endpoint.name);
        if let Some(def) = spec.type_def(&request) {
            cx.error_hint(
                &def.path,
                format!(
                    "type `{request}` collides with the request type of endpoint `{}`",
                    endpoint.name
                ),
                Some("rename the type".into()),
            );
        }
    }
    if let Some(def) = spec.type_def(naming::CLIENT_TYPE) {
        cx.error_hint(
            &def.path,
            format!(
                "type name `{}` is reserved for the generated client",
                def.name
            ),
            Some("rename the type".into()),
        );
    }
    for reserved in naming::RUNTIME_TYPES {
        if let Some(def) = spec.type_def(reserved) {
            cx.error_hint(
                &def.path,
                format!("type name `{reserved}` is taken by the runtime (`ipidea::{reserved}`)"),
                Some("rename the type: the runtime's item would hide it".into()),
            );
        }
        if let Some(endpoint) = spec
            .endpoints
            .iter()
            .find(|e| naming::request_type(&e.name) == reserved)
        {
            cx.error_hint(
                &endpoint.path,
                format!(
                    "endpoint `{}` makes the request type `{reserved}`, which the runtime takes (`ipidea::{reserved}`)",
                    endpoint.name
                ),
                Some("rename the endpoint: the runtime's item would hide its request type".into()),
            );
        }
    }
}

/// Endpoint names must be `snake_case` identifiers; names, methods and paths must be distinct.
fn check_endpoint_names(cx: &mut Ctxt, spec: &Spec) {
    let mut methods = HashMap::new();
    let mut requests = HashMap::new();
    let mut paths = HashMap::new();
    for endpoint in &spec.endpoints {
        let method = naming::snake(&endpoint.name);
        if let Some(problem) = naming::ident_problem(&endpoint.name) {
            cx.error(&endpoint.path, problem);
        } else if method != endpoint.name {
            cx.error_hint(
                &endpoint.path,
                format!("endpoint name `{}` is not snake_case", endpoint.name),
                Some(format!("call it `{method}`")),
            );
        }
        for reserved in naming::CLIENT_METHODS {
            if method == reserved {
                cx.error_hint(
                    &endpoint.path,
                    format!("endpoint name `{reserved}` is reserved for the generated client"),
                    None,
                );
            }
        }
        if check_unique(
            cx,
            &mut methods,
            method,
            &endpoint.name,
            &endpoint.path,
            "endpoint",
        ) {
            let request = naming::request_type(&endpoint.name);
            let what = "endpoint (by its request type)";
            check_unique(
                cx,
                &mut requests,
                request,
                &endpoint.name,
                &endpoint.path,
                what,
            );
        }
        if endpoint.method == Method::Get && !spec.service_of(endpoint).auth.is_empty() {
            cx.error_hint(
                &child(&endpoint.path, "method"),
                "a `GET` endpoint would send the credentials in the URL",
                Some(
                    "credentials are form fields, so endpoints of an API with `auth` are `POST`"
                        .into(),
                ),
            );
        }
        if endpoint.paging.is_some() {
            let stream = naming::stream_method(&endpoint.name);
            check_unique(
                cx,
                &mut methods,
                stream,
                &endpoint.name,
                &endpoint.path,
                "endpoint (with its page stream)",
            );
        }
        if !endpoint.url_path.starts_with('/') {
            cx.error_hint(
                &child(&endpoint.path, "path"),
                format!("path `{}` does not start with `/`", endpoint.url_path),
                Some(format!("write `/{}`", endpoint.url_path)),
            );
        }
        let route = format!(
            "{} {}",
            endpoint.method.name(),
            endpoint.url_path.trim_end_matches('/')
        );
        if let Some(first) = paths.get(&route) {
            let hint = (*first != route).then(|| format!("it becomes `{route}`, like `{first}`"));
            cx.error_hint(
                &child(&endpoint.path, "path"),
                format!("duplicate path `{route}`"),
                hint,
            );
        } else {
            paths.insert(route.clone(), route);
        }
    }
}

/// Every named type that a field, page or response names must exist.
fn check_type_refs(cx: &mut Ctxt, spec: &Spec) {
    let names: Vec<&str> = spec.types.iter().map(|t| t.name.as_str()).collect();
    let check_ref = |cx: &mut Ctxt, ty: &TypeRef, path: &str, key: &str| {
        if let Some(name) = ty.named() {
            if spec.type_def(name).is_none() {
                let scalars = Scalar::ALL.iter().map(|s| s.name());
                let hint = did_you_mean(name, names.iter().copied().chain(scalars));
                cx.error_hint(&child(path, key), format!("unknown type `{name}`"), hint);
            }
        }
    };
    for def in &spec.types {
        match &def.kind {
            TypeKind::Record { fields } => {
                for field in fields {
                    check_ref(cx, &field.ty, &field.path, "type");
                    if matches!(field.ty, TypeRef::Empty) {
                        cx.error(
                            &child(&field.path, "type"),
                            "`empty` is only a response type",
                        );
                    }
                }
            }
            TypeKind::Page { item } => {
                check_ref(cx, item, &def.path, "item");
                let fits = match item {
                    TypeRef::Scalar(Scalar::Json) => true,
                    TypeRef::Named(name) => matches!(
                        spec.type_def(name).map(|t| &t.kind),
                        Some(TypeKind::Record { .. }) | None
                    ),
                    _ => false,
                };
                if !fits {
                    cx.error_hint(
                        &child(&def.path, "item"),
                        format!("a page item must be a record or `json`, not `{item}`"),
                        None,
                    );
                }
            }
            TypeKind::Enum { .. } => {}
        }
    }
    for endpoint in &spec.endpoints {
        for field in &endpoint.request {
            check_ref(cx, &field.ty, &field.path, "type");
        }
        check_ref(cx, &endpoint.response, &endpoint.path, "response");
    }
}

/// Enums need values that are not empty, distinct, and make distinct variant names.
fn check_enums(cx: &mut Ctxt, spec: &Spec) {
    for def in &spec.types {
        let TypeKind::Enum { repr, values } = &def.kind else {
            continue;
        };
        if values.is_empty() {
            cx.error(
                &child(&def.path, "values"),
                format!("enum `{}` has no values", def.name),
            );
        }
        let mut variants = HashMap::new();
        let mut numbers = HashMap::new();
        for (position, value) in values.iter().enumerate() {
            if value.value.trim().is_empty() {
                cx.error(&value.path, format!("empty value in enum `{}`", def.name));
                continue;
            }
            if *repr == EnumRepr::Integer {
                match value.value.trim().parse::<i64>() {
                    Ok(number) => {
                        let what = format!("integer value of enum `{}`", def.name);
                        check_unique(
                            cx,
                            &mut numbers,
                            number.to_string(),
                            &value.value,
                            &value.path,
                            &what,
                        );
                    }
                    Err(_) => cx.error_hint(
                        &value.path,
                        format!("`{}` is not an integer", value.value),
                        Some("an enum with `\"repr\": \"integer\"` takes integer values".into()),
                    ),
                }
            }
            let variant = naming::variant(&value.value, value.name.as_deref());
            let problem = naming::ident_problem(&variant).or_else(|| {
                (naming::camel(&variant) != variant)
                    .then(|| format!("variant name `{variant}` is not UpperCamelCase"))
            });
            if let Some(problem) = problem {
                let path = if value.name.is_some() {
                    child(&value.path, "name")
                } else {
                    value.path.clone()
                };
                cx.error_hint(
                    &path,
                    problem,
                    Some(format!(
                        "give the value a `name`, such as `\"name\": \"{}\"`",
                        suggest_variant(value, position)
                    )),
                );
                continue;
            }
            if variant == naming::UNKNOWN_VARIANT {
                cx.error_hint(
                    &value.path,
                    format!(
                        "variant name `{variant}` is reserved for values this client does not know"
                    ),
                    Some("give the value another `name`".into()),
                );
            }
            check_unique(
                cx,
                &mut variants,
                variant,
                &value.value,
                &value.path,
                &format!("value of enum `{}`", def.name),
            );
        }
    }
}

/// A variant name to suggest for an enum value: the value or its `name` in UpperCamelCase where
/// that is an identifier, else `Value` and the value's position.
fn suggest_variant(value: &EnumValue, position: usize) -> String {
    [value.name.as_deref(), Some(value.value.as_str())]
        .into_iter()
        .flatten()
        .map(naming::camel)
        .find(|camel| !camel.is_empty() && naming::ident_problem(camel).is_none())
        .or_else(|| {
            Some(format!("Value{}", value.value)).filter(|v| naming::ident_problem(v).is_none())
        })
        .unwrap_or_else(|| format!("Value{}", position + 1))
}

/// Field names must become identifiers (keywords become `r#name`) and be distinct once converted.
fn check_field_names(cx: &mut Ctxt, fields: &[Field], reserved: &[&str]) {
    let mut seen = HashMap::new();
    for field in fields {
        let rust = naming::snake(&field.name);
        if let Some(problem) = naming::ident_problem(&field.name).or_else(|| {
            naming::ident_problem(&rust).map(|problem| {
                format!("field `{}` becomes `{rust}` in Rust: {problem}", field.name)
            })
        }) {
            cx.error(&field.path, problem);
            continue;
        }
        if reserved.contains(&field.name.as_str()) {
            cx.error_hint(&field.path, format!("field name `{}` is taken", field.name), Some("it is a credential, a fixed field of the API, or the name of the generated field that keeps unknown fields".into()));
        }
        check_unique(cx, &mut seen, rust, &field.name, &field.path, "field");
    }
}

/// Request fields take types a form can carry, and bounds that fit their type.
fn check_request_fields(cx: &mut Ctxt, spec: &Spec, endpoint: &Endpoint) {
    for field in &endpoint.request {
        if !field.required && naming::snake(&field.name) == naming::REQUEST_CONSTRUCTOR {
            cx.error_hint(
                &field.path,
                format!("optional field `{}` would get a setter that collides with the request's constructor `new`", field.name),
                Some("make it required, or rename it".into()),
            );
        }
        let sendable = |ty: &TypeRef| match ty {
            TypeRef::Scalar(Scalar::Json | Scalar::JsonString)
            | TypeRef::Empty
            | TypeRef::List(_) => false,
            TypeRef::Scalar(_) => true,
            TypeRef::Named(name) => matches!(
                spec.type_def(name).map(|t| &t.kind),
                Some(TypeKind::Enum { .. }) | None
            ),
            TypeRef::Csv(_) => true,
        };
        let fits = match &field.ty {
            TypeRef::Csv(inner) => sendable(inner) && !matches!(**inner, TypeRef::Csv(_)),
            other => sendable(other),
        };
        if !fits {
            cx.error_hint(
                &child(&field.path, "type"),
                format!("a request field cannot be `{}`", field.ty),
                Some("request fields are scalars, enums or `csv<T>` lists of them".into()),
            );
        }
        let b = &field.bounds;
        let integer = matches!(field.ty, TypeRef::Scalar(s) if s.integer_range().is_some());
        let text = matches!(field.ty, TypeRef::Scalar(Scalar::String));
        let items = matches!(field.ty, TypeRef::Csv(_));
        for (key, set, allowed, kind) in [
            ("minimum", b.minimum.is_some(), integer, "integers"),
            ("maximum", b.maximum.is_some(), integer, "integers"),
            ("min_length", b.min_length.is_some(), text, "strings"),
            ("max_length", b.max_length.is_some(), text, "strings"),
            ("min_items", b.min_items.is_some(), items, "`csv<T>` lists"),
            ("max_items", b.max_items.is_some(), items, "`csv<T>` lists"),
        ] {
            if set && !allowed {
                cx.error(
                    &child(&field.path, key),
                    format!("`{key}` applies to {kind}, not `{}`", field.ty),
                );
            }
        }
        for (low, high, key) in [
            (
                b.minimum.map(i128::from),
                b.maximum.map(i128::from),
                "minimum",
            ),
            (
                b.min_length.map(i128::from),
                b.max_length.map(i128::from),
                "min_length",
            ),
            (
                b.min_items.map(i128::from),
                b.max_items.map(i128::from),
                "min_items",
            ),
        ] {
            if let (Some(low), Some(high)) = (low, high) {
                if low > high {
                    cx.error(
                        &child(&field.path, key),
                        format!("`{key}` {low} is above the maximum {high}"),
                    );
                }
            }
        }
        if let TypeRef::Scalar(scalar) = &field.ty {
            if let Some((lo, hi)) = scalar.integer_range() {
                for (key, bound) in [("minimum", b.minimum), ("maximum", b.maximum)] {
                    if let Some(bound) =
                        bound.filter(|n| i128::from(*n) < lo || i128::from(*n) > hi)
                    {
                        cx.error(
                            &child(&field.path, key),
                            format!("{key} {bound} does not fit in `{}`", scalar.name()),
                        );
                    }
                }
            }
        }
    }
}

/// `not_before` names another request field of the same ordered type (dates, timestamps,
/// integers, decimals), and the endpoint's examples that set both keep them in order.
fn check_not_before(cx: &mut Ctxt, spec: &Spec, endpoint: &Endpoint) {
    for field in &endpoint.request {
        let Some(start) = &field.not_before else {
            continue;
        };
        let path = child(&field.path, "not_before");
        let Some(other) = endpoint.request.iter().find(|f| &f.name == start) else {
            let names = endpoint
                .request
                .iter()
                .filter(|f| f.name != field.name)
                .map(|f| f.name.as_str());
            let hint = did_you_mean(start, names).or_else(|| {
                Some("name the request field that starts the range, such as `start_time`".into())
            });
            cx.error_hint(
                &path,
                format!("`{start}` is not a request field of `{}`", endpoint.name),
                hint,
            );
            continue;
        };
        if other.name == field.name {
            cx.error_hint(
                &path,
                format!("`{}` cannot be compared with itself", field.name),
                Some("name the request field that starts the range, such as `start_time`".into()),
            );
            continue;
        }
        if !matches!(field.ty, TypeRef::Scalar(s) if s.is_ordered()) {
            cx.error_hint(
                &path,
                format!(
                    "`not_before` applies to dates, timestamps, integers and decimals, not `{}`",
                    field.ty
                ),
                Some("compare two `date`, `timestamp`, integer or `decimal` fields".into()),
            );
            continue;
        }
        if other.ty != field.ty {
            cx.error_hint(
                &path,
                format!(
                    "`{}` is `{}` but `{start}` is `{}`",
                    field.name, field.ty, other.ty
                ),
                Some("`not_before` compares two fields of the same type".into()),
            );
            continue;
        }
        for example in &endpoint.examples {
            let given = |name: &str| {
                example
                    .request
                    .get(name)
                    .filter(|v| !v.is_null() && v.as_str() != Some(""))
            };
            let (Some(end), Some(begin)) = (given(&field.name), given(start)) else {
                continue;
            };
            if spec.compare_values(&field.ty, end, begin) == Some(std::cmp::Ordering::Less) {
                let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                cx.error_hint(
                    &child(&child(&example.path, "request"), &field.name),
                    format!(
                        "example `{}` {} is before `{start}` {}",
                        field.name,
                        text(end),
                        text(begin)
                    ),
                    Some(format!(
                        "`{}` must not be earlier than `{start}` (its `not_before`)",
                        field.name
                    )),
                );
            }
        }
    }
}

/// Whether every named type `ty` refers to exists; examples of types that do not are not
/// checked, since the unknown type is already reported.
fn resolves(spec: &Spec, ty: &TypeRef) -> bool {
    ty.named().is_none_or(|name| spec.type_def(name).is_some())
}

/// A field's example must fit its type and its bounds.
fn check_examples_of_fields(cx: &mut Ctxt, spec: &Spec, fields: &[Field]) {
    for field in fields {
        let Some(example) = field.example.as_ref().filter(|_| resolves(spec, &field.ty)) else {
            continue;
        };
        if let Err(problem) = spec.check_value(&field.ty, field.nullable, example) {
            cx.error(
                &child(&field.path, "example"),
                format!("example does not fit `{}`: {problem}", field.ty),
            );
        } else if let Err(problem) = check_bounds(field, example) {
            cx.error(
                &child(&field.path, "example"),
                format!("example is out of bounds: {problem}"),
            );
        }
    }
}

/// Checks a wire value that fits its type against the field's bounds.
pub fn check_bounds(field: &Field, value: &Value) -> Result<(), String> {
    let b = &field.bounds;
    if b.minimum.is_some() || b.maximum.is_some() {
        if let Some(n) = crate::wire::integer(value) {
            if let Some(min) = b.minimum.filter(|min| n < i128::from(*min)) {
                return Err(format!("{n} is below the minimum {min}"));
            }
            if let Some(max) = b.maximum.filter(|max| n > i128::from(*max)) {
                return Err(format!("{n} is above the maximum {max}"));
            }
        }
    }
    if let Value::String(text) = value {
        let chars = text.chars().count() as u64;
        if let Some(min) = b.min_length.filter(|min| chars < *min) {
            return Err(format!("{chars} characters, fewer than {min}"));
        }
        if let Some(max) = b.max_length.filter(|max| chars > *max) {
            return Err(format!("{chars} characters, more than {max}"));
        }
        let items = crate::wire::split_csv(text).count() as u64;
        if let Some(min) = b.min_items.filter(|min| items < *min) {
            return Err(format!("{items} items, fewer than {min}"));
        }
        if let Some(max) = b.max_items.filter(|max| items > *max) {
            return Err(format!("{items} items, more than {max}"));
        }
    }
    Ok(())
}

/// A paging endpoint names integer request fields for the page and its size, and returns a page.
fn check_paging(cx: &mut Ctxt, spec: &Spec, endpoint: &Endpoint) {
    let returns_page = matches!(
        endpoint
            .response
            .named()
            .and_then(|n| spec.type_def(n))
            .map(|t| &t.kind),
        Some(TypeKind::Page { .. })
    );
    let Some(paging) = &endpoint.paging else {
        if returns_page {
            cx.error_hint(
                &endpoint.path,
                format!(
                    "endpoint `{}` returns a page but has no `paging`",
                    endpoint.name
                ),
                Some("add `\"paging\": {\"page\": \"page\", \"limit\": \"limit\"}`".into()),
            );
        }
        return;
    };
    let path = child(&endpoint.path, "paging");
    for (key, name) in [("page", &paging.page), ("limit", &paging.limit)] {
        match endpoint.request.iter().find(|f| &f.name == name) {
            None => {
                let names = endpoint.request.iter().map(|f| f.name.as_str());
                cx.error_hint(
                    &child(&path, key),
                    format!(
                        "paging field `{name}` is not a request field of `{}`",
                        endpoint.name
                    ),
                    did_you_mean(name, names),
                );
            }
            Some(field) if field.ty.to_string() != "u32" && field.ty.to_string() != "u64" => {
                cx.error(
                    &child(&path, key),
                    format!(
                        "paging field `{name}` must be `u32` or `u64`, not `{}`",
                        field.ty
                    ),
                );
            }
            Some(field) if field.required => {
                cx.error_hint(
                    &child(&path, key),
                    format!("paging field `{name}` must not be required"),
                    Some("the page stream sets it".into()),
                );
            }
            Some(_) => {}
        }
    }
    if !returns_page {
        cx.error(
            &child(&endpoint.path, "response"),
            format!(
                "a paging endpoint must return a page type, not `{}`",
                endpoint.response
            ),
        );
    }
}

/// `changes` and `idempotent` agree: a call that changes nothing is safe to send twice, and
/// one that spends money never is (the runtime would retry it). A call that changes the
/// whitelist or a setting may be either.
fn check_changes(cx: &mut Ctxt, endpoint: &Endpoint) {
    let path = child(&endpoint.path, "idempotent");
    match (endpoint.changes, endpoint.idempotent) {
        (Changes::Nothing, false) => cx.error_hint(
            &path,
            "an endpoint that changes nothing is idempotent",
            Some("say `idempotent: true`, or say in `changes` what it changes".into()),
        ),
        (Changes::Money, true) => cx.error_hint(
            &path,
            "an endpoint that spends money is not idempotent: sent twice, it spends twice",
            Some("say `idempotent: false`".into()),
        ),
        _ => {}
    }
}

/// `orders_in` names a paging list endpoint and an optional `date` field of it; only calls
/// that spend money have one.
fn check_orders_in(cx: &mut Ctxt, spec: &Spec, endpoints: &EndpointIndex, endpoint: &Endpoint) {
    let Some(orders_in) = &endpoint.orders_in else {
        return;
    };
    let path = child(&endpoint.path, "orders_in");
    if endpoint.changes != Changes::Money {
        cx.error_hint(
            &path,
            format!(
                "an endpoint that {} creates no orders to reconcile",
                endpoint.changes.describe()
            ),
            Some("remove `orders_in`, or say `changes: money`".into()),
        );
    }
    let Some(list) = endpoints.orders_list(endpoint) else {
        let names = spec.endpoints.iter().map(|e| e.name.as_str());
        cx.error_hint(
            &child(&path, "endpoint"),
            format!("unknown endpoint `{}`", orders_in.endpoint),
            did_you_mean(&orders_in.endpoint, names),
        );
        return;
    };
    if list.paging.is_none() {
        cx.error(
            &child(&path, "endpoint"),
            format!("`{}` does not page, so it cannot list orders", list.name),
        );
    }
    match list.request.iter().find(|f| f.name == orders_in.since) {
        Some(field) if field.ty == TypeRef::Scalar(Scalar::Date) && !field.required => {}
        Some(_) => cx.error(
            &child(&path, "since"),
            format!("`{}` must be an optional `date` field", orders_in.since),
        ),
        None => {
            let names = list.request.iter().map(|f| f.name.as_str());
            cx.error_hint(
                &child(&path, "since"),
                format!(
                    "`{}` is not a request field of `{}`",
                    orders_in.since, list.name
                ),
                did_you_mean(&orders_in.since, names),
            );
        }
    }
}

/// An endpoint's examples: the request has known, well-typed fields and every required one;
/// the response is an envelope whose data fits the response type.
fn check_endpoint_examples(cx: &mut Ctxt, spec: &Spec, endpoint: &Endpoint) {
    for example in &endpoint.examples {
        let request_path = || child(&example.path, "request");
        for (key, value) in &example.request {
            let path = || child(&request_path(), key);
            match endpoint.request.iter().find(|f| &f.name == key) {
                None => {
                    let names = endpoint.request.iter().map(|f| f.name.as_str());
                    cx.error_hint(
                        &path(),
                        format!("`{key}` is not a request field of `{}`", endpoint.name),
                        did_you_mean(key, names),
                    );
                }
                // An empty string is how the vendor's examples leave out an optional filter.
                Some(field) if !field.required && value.as_str() == Some("") => {}
                Some(field) if !resolves(spec, &field.ty) => {}
                Some(field) => {
                    if let Err(problem) = spec.check_field(field, value) {
                        cx.error(
                            &path(),
                            format!("example value does not fit `{}`: {problem}", field.ty),
                        );
                    }
                }
            }
        }
        for field in endpoint.request.iter().filter(|f| f.required) {
            if !example.request.contains_key(&field.name) {
                cx.error(
                    &request_path(),
                    format!("example request lacks the required field `{}`", field.name),
                );
            }
        }
        let response_path = || child(&example.path, "response");
        let env = &spec.service_of(endpoint).envelope;
        let Some(body) = example.response.as_object() else {
            cx.error(
                &response_path(),
                "expected the example response to be an envelope object",
            );
            continue;
        };
        let status = body
            .get(&env.status)
            .and_then(|v| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()));
        match status {
            None => cx.error(
                &response_path(),
                format!("example response lacks the status field `{}`", env.status),
            ),
            Some(status) if status == env.success => match body.get(&env.data) {
                None => cx.error(
                    &response_path(),
                    format!("example response lacks the data field `{}`", env.data),
                ),
                Some(_) if !resolves(spec, &endpoint.response) => {}
                Some(data) => {
                    if let Err(problem) = spec.check_value(&endpoint.response, false, data) {
                        cx.error(
                            &child(&response_path(), &env.data),
                            format!(
                                "example data does not fit `{}`: {problem}",
                                endpoint.response
                            ),
                        );
                    }
                }
            },
            Some(_) => {}
        }
    }
}
