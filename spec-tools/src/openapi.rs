//! The spec as an OpenAPI 3.0.3 document, for tools that speak OpenAPI (Swagger UI, other
//! generators).
//!
//! [`export`] writes one path item per endpoint. A `POST` endpoint has a request body in its
//! encoding (`multipart/form-data`, `application/x-www-form-urlencoded` or `application/json`)
//! whose schema lists the credentials and the request fields; a `GET` endpoint has them as
//! query parameters. The response is the envelope, its data field referencing
//! `#/components/schemas/<Type>`. Every named type is a component schema: records (nullable
//! fields with `nullable: true`), pages (the page layout's counts and items) and enums. Docs
//! become descriptions in English, with the vendor's Chinese in an `x-zh` extension; the
//! vendor's examples become `example`s.
//!
//! What OpenAPI cannot say directly travels in extensions: `x-idempotent`, `x-paging`,
//! `x-orders-in` and `x-unverified` (the source of an endpoint no vendor page documents, also
//! in the description) on operations, `x-csv-items` on `,`-joined lists, `x-not-before` on
//! request fields that must not be earlier than another (also in the description),
//! `x-enum-varnames` (the Rust variants) on enums.
//!
//! ```
//! let document = ipidea_spec_tools::openapi::export(&ipidea_spec::bundled());
//! assert_eq!(document["openapi"], "3.0.3");
//! assert!(document["paths"]["/api/open/isp_ip_open"]["post"].is_object());
//! ```

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use ipidea_spec::model::*;
use ipidea_spec::naming;
use ipidea_spec::walk::Shape;

/// The OpenAPI version of the export.
pub const OPENAPI_VERSION: &str = "3.0.3";

/// The spec as an OpenAPI 3.0.3 document. `info.version` is the version of this crate, which
/// the client generated from the spec shares.
pub fn export(spec: &Spec) -> Value {
    let mut paths = Map::new();
    for endpoint in &spec.endpoints {
        let item = paths
            .entry(endpoint.url_path.clone())
            .or_insert_with(|| json!({}));
        if let Value::Object(item) = item {
            item.insert(
                endpoint.method.name().to_lowercase(),
                operation(spec, endpoint),
            );
        }
    }
    let schemas: Map<String, Value> = spec
        .types
        .iter()
        .map(|def| (def.name.clone(), type_schema(spec, def)))
        .collect();
    json!({
        "openapi": OPENAPI_VERSION,
        "info": info(spec),
        "servers": [{ "url": spec.main_service().base_url, "description": "Production" }],
        "paths": paths,
        "components": { "schemas": schemas },
    })
}

fn info(spec: &Spec) -> Value {
    let api = &spec.api;
    let main = spec.main_service();
    let credentials: Vec<String> = main.auth.iter().map(|a| format!("`{}`", a.name)).collect();
    let mut description = api.doc.en.clone();
    if !credentials.is_empty() {
        let _ = write!(
            description,
            "\n\nEvery call carries the credentials {} as fields of its body (of the query \
             string for `GET`), next to its own fields; each request schema lists them.",
            credentials.join(", ")
        );
    }
    let _ = write!(
        description,
        "\n\nEvery response is an envelope: {}",
        envelope_rule(main)
    );
    for other in &spec.apis[1..] {
        let _ = write!(
            description,
            "\n\nThe API `{}` (its operations name their server, {}): {} {}; its envelope: {}",
            other.name,
            other.base_url,
            other.doc.en,
            if other.auth.is_empty() {
                "It takes no credentials."
            } else {
                "It takes credentials as the main API does."
            },
            envelope_rule(other)
        );
        if let Some(source) = &other.unverified {
            let _ = write!(description, " **Unverified.** {source}");
        }
    }
    description.push_str(
        "\n\nThe API is lenient on the wire: integers, booleans, decimals and timestamps may \
         arrive as strings (`\"15\"` for `15`). The schemas give the logical type.",
    );
    let mut info = Map::new();
    info.insert("title".into(), api.title.clone().into());
    info.insert("description".into(), description.into());
    info.insert("version".into(), env!("CARGO_PKG_VERSION").into());
    if let Some(zh) = &api.doc.zh {
        info.insert("x-zh".into(), zh.clone().into());
    }
    info.insert("x-name".into(), api.name.clone().into());
    Value::Object(info)
}

/// Where a value travels: in a form (text; integer enums are their digits as strings) or in
/// the JSON of a response.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Form,
    Data,
}

fn media_type(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Multipart => "multipart/form-data",
        Encoding::Form => "application/x-www-form-urlencoded",
        Encoding::Json => "application/json",
    }
}

/// `description` (and `x-zh`) from a doc, ahead of whatever the schema already says.
fn describe(schema: &mut Map<String, Value>, doc: &Doc) {
    let description = match schema.get("description").and_then(Value::as_str) {
        Some(note) => format!("{} {note}", doc.en),
        None => doc.en.clone(),
    };
    schema.insert("description".into(), description.into());
    if let Some(zh) = &doc.zh {
        schema.insert("x-zh".into(), zh.clone().into());
    }
}

/// A schema that can take keywords next to it: a `$ref` is wrapped in `allOf`, since OpenAPI
/// 3.0 ignores the siblings of `$ref`.
fn open(schema: Value) -> Map<String, Value> {
    match schema {
        Value::Object(map) if map.contains_key("$ref") => {
            let mut wrapper = Map::new();
            wrapper.insert("allOf".into(), Value::Array(vec![Value::Object(map)]));
            wrapper
        }
        Value::Object(map) => map,
        other => {
            let mut wrapper = Map::new();
            wrapper.insert("allOf".into(), Value::Array(vec![other]));
            wrapper
        }
    }
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The schema of a type expression.
fn schema(spec: &Spec, ty: &TypeRef, side: Side) -> Value {
    match ty {
        TypeRef::Scalar(scalar) => scalar_schema(spec, *scalar),
        TypeRef::Named(name) => match spec.shape(ty) {
            Shape::Enum {
                repr: EnumRepr::Integer,
                values,
                ..
            } if side == Side::Form => {
                let wire: Vec<Value> = values.iter().map(|v| v.value.clone().into()).collect();
                json!({
                    "type": "string",
                    "enum": wire,
                    "description": format!("A value of `{name}`, its digits as text."),
                    "x-enum-type": name,
                })
            }
            Shape::Unknown(_) => json!({}),
            _ => reference(name),
        },
        TypeRef::List(inner) => json!({ "type": "array", "items": schema(spec, inner, side) }),
        TypeRef::Csv(inner) => json!({
            "type": "string",
            "description": format!("Items joined with `,` (`{ty}`)."),
            "x-csv-items": schema(spec, inner, side),
        }),
        TypeRef::Empty => json!({ "description": "Nothing useful; ignored." }),
    }
}

/// The success rule of an API's envelope, in words.
fn envelope_rule(api: &Service) -> String {
    let e = &api.envelope;
    let explained: Vec<String> = e
        .code
        .iter()
        .chain([&e.message])
        .map(|f| format!("`{f}`"))
        .collect();
    format!(
        "`{}` is `{}` on success, with the data in `{}`; any other value is a refusal explained by {}.",
        e.status,
        e.success,
        e.data,
        explained.join(" and ")
    )
}

fn scalar_schema(spec: &Spec, scalar: Scalar) -> Value {
    match scalar {
        Scalar::Country => json!({
            "type": "string",
            "pattern": "^[A-Za-z]{2}$",
            "description": "A country code, two letters (ISO 3166-1 alpha-2); sent in lowercase.",
        }),
        Scalar::String => json!({ "type": "string" }),
        Scalar::I32 => json!({ "type": "integer", "format": "int32" }),
        Scalar::I64 => json!({ "type": "integer", "format": "int64" }),
        Scalar::U32 => {
            json!({ "type": "integer", "format": "int64", "minimum": 0, "maximum": u32::MAX })
        }
        Scalar::U64 => json!({ "type": "integer", "format": "int64", "minimum": 0 }),
        Scalar::Bool => json!({ "type": "boolean" }),
        Scalar::Decimal => json!({ "type": "string", "format": "decimal" }),
        Scalar::Date => {
            let pattern = &spec.api.date_format;
            let example = ipidea_spec::days::Date::new(2022, 5, 1).and_then(|d| d.format(pattern));
            let description = if let Some(example) = example {
                format!(
                    "A date written `{pattern}`, such as `{example}`; ISO `2022-05-01` is read too."
                )
            } else {
                format!("A date written `{pattern}`; ISO `2022-05-01` is read too.")
            };
            json!({ "type": "string", "description": description })
        }
        Scalar::Timestamp => json!({
            "oneOf": [
                { "type": "integer", "format": "int64" },
                { "type": "string", "pattern": "^[0-9]+$" },
            ],
            "description": "Unix seconds, a number or a string of digits.",
        }),
        Scalar::Ip => json!({
            "anyOf": [
                { "type": "string", "format": "ipv4" },
                { "type": "string", "format": "ipv6" },
            ],
        }),
        Scalar::Json => {
            json!({ "description": "Any JSON; the vendor does not publish its shape." })
        }
        Scalar::JsonString => {
            json!({ "type": "string", "description": "A string that holds JSON." })
        }
    }
}

/// The schema of one field, with its doc, example and (for request fields) bounds.
fn field_schema(spec: &Spec, field: &Field, side: Side) -> Value {
    let mut schema = open(schema(spec, &field.ty, side));
    describe(&mut schema, &field.doc);
    let b = &field.bounds;
    if let Some(min) = b.minimum {
        let type_min = schema.get("minimum").and_then(Value::as_i64);
        schema.insert(
            "minimum".into(),
            type_min.map_or(min, |t| t.max(min)).into(),
        );
    }
    if let Some(max) = b.maximum {
        let type_max = schema.get("maximum").and_then(Value::as_i64);
        schema.insert(
            "maximum".into(),
            type_max.map_or(max, |t| t.min(max)).into(),
        );
    }
    if let Some(min) = b.min_length {
        schema.insert("minLength".into(), min.into());
    }
    if let Some(max) = b.max_length {
        schema.insert("maxLength".into(), max.into());
    }
    let mut items = Vec::new();
    if let Some(min) = b.min_items {
        schema.insert("x-min-items".into(), min.into());
        items.push(format!("at least {min}"));
    }
    if let Some(max) = b.max_items {
        schema.insert("x-max-items".into(), max.into());
        items.push(format!("at most {max}"));
    }
    if !items.is_empty() {
        let note = format!(" Lists {} items.", items.join(" and "));
        if let Some(Value::String(description)) = schema.get_mut("description") {
            description.push_str(&note);
        }
    }
    if let Some(start) = &field.not_before {
        schema.insert("x-not-before".into(), start.clone().into());
        if let Some(Value::String(description)) = schema.get_mut("description") {
            let _ = write!(description, " Not earlier than `{start}`.");
        }
    }
    if field.nullable {
        schema.insert("nullable".into(), true.into());
        // Validators read `nullable` only next to a `type`: let `null` match exactly one
        // alternative of a `oneOf` or `anyOf`.
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Object(first)) = schema
                .get_mut(key)
                .and_then(Value::as_array_mut)
                .and_then(|alternatives| alternatives.first_mut())
            {
                first.insert("nullable".into(), true.into());
            }
        }
    }
    if let Some(example) = &field.example {
        schema.insert("example".into(), typed_example(&schema, example));
    }
    Value::Object(schema)
}

/// A field example as its schema types it: the wire's `"15"` is `15` for an integer field.
fn typed_example(schema: &Map<String, Value>, example: &Value) -> Value {
    let text = example.as_str().map(str::trim);
    match (schema.get("type").and_then(Value::as_str), text) {
        (Some("integer"), Some(text)) => text
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<u64>().map(Value::from))
            .unwrap_or_else(|_| example.clone()),
        (Some("boolean"), Some("true" | "1")) => Value::Bool(true),
        (Some("boolean"), Some("false" | "0")) => Value::Bool(false),
        _ => example.clone(),
    }
}

fn auth_schema(auth: &AuthField) -> Value {
    let mut schema = Map::new();
    schema.insert("type".into(), "string".into());
    if auth.secret {
        schema.insert("format".into(), "password".into());
    }
    describe(&mut schema, &auth.doc);
    schema.insert("x-env".into(), auth.env.clone().into());
    Value::Object(schema)
}

/// `example` for one example, `examples` for several; nothing for none.
fn examples(
    target: &mut Map<String, Value>,
    endpoint: &Endpoint,
    pick: impl Fn(&Example) -> Value,
) {
    match endpoint.examples.as_slice() {
        [] => {}
        [one] => {
            target.insert("example".into(), pick(one));
        }
        many => {
            let named: Map<String, Value> = many
                .iter()
                .enumerate()
                .map(|(i, example)| {
                    let mut entry = Map::new();
                    if let Some(doc) = &example.doc {
                        entry.insert("summary".into(), doc.en.clone().into());
                    }
                    entry.insert("value".into(), pick(example));
                    (format!("example_{}", i + 1), Value::Object(entry))
                })
                .collect();
            target.insert("examples".into(), Value::Object(named));
        }
    }
}

fn operation(spec: &Spec, endpoint: &Endpoint) -> Value {
    let mut operation = Map::new();
    operation.insert("operationId".into(), endpoint.name.clone().into());
    operation.insert("summary".into(), endpoint.doc.en.clone().into());
    let mut description = endpoint.doc.en.clone();
    if let Some(source) = &endpoint.unverified {
        let _ = write!(description, "\n\n**Unverified.** {source}");
    }
    if endpoint.idempotent {
        description
            .push_str("\n\nSafe to send twice: the client retries it after transient failures.");
    } else if endpoint.orders_in.is_some() {
        description.push_str(
            "\n\nSpends money: the client sends it exactly once and never retries it. If it \
             fails after sending, look the order up before sending it again.",
        );
    } else {
        description.push_str(
            "\n\nNot safe to send twice: the client sends it exactly once and never retries it. \
             If it fails after sending, check whether it took effect before sending it again.",
        );
    }
    operation.insert("description".into(), description.into());
    if let Some(zh) = &endpoint.doc.zh {
        operation.insert("x-zh".into(), zh.clone().into());
    }
    operation.insert("x-rust-method".into(), naming::snake(&endpoint.name).into());
    operation.insert("x-idempotent".into(), endpoint.idempotent.into());
    if let Some(source) = &endpoint.unverified {
        operation.insert("x-unverified".into(), source.clone().into());
    }
    if let Some(paging) = &endpoint.paging {
        operation.insert(
            "x-paging".into(),
            json!({ "page": paging.page, "limit": paging.limit }),
        );
    }
    if let Some(orders_in) = &endpoint.orders_in {
        operation.insert(
            "x-orders-in".into(),
            json!({ "endpoint": orders_in.endpoint, "since": orders_in.since }),
        );
    }
    let api = spec.service_of(endpoint);
    if !api.is_main() {
        operation.insert(
            "servers".into(),
            json!([{ "url": api.base_url, "description": format!("The API `{}`", api.name) }]),
        );
        operation.insert("x-api".into(), api.name.clone().into());
    }
    match endpoint.method {
        Method::Get => {
            operation.insert("parameters".into(), query_parameters(spec, endpoint));
        }
        Method::Post => {
            operation.insert("requestBody".into(), request_body(spec, endpoint));
        }
    }
    operation.insert("responses".into(), responses(spec, endpoint));
    Value::Object(operation)
}

fn request_body(spec: &Spec, endpoint: &Endpoint) -> Value {
    let encoding = spec.encoding(endpoint);
    let mut properties = Map::new();
    let mut required = Vec::new();
    let api = spec.service_of(endpoint);
    for auth in &api.auth {
        properties.insert(auth.name.clone(), auth_schema(auth));
        required.push(Value::from(auth.name.clone()));
    }
    for (name, value) in &api.fixed {
        properties.insert(name.clone(), fixed_schema(value));
        required.push(Value::from(name.clone()));
    }
    for field in &endpoint.request {
        properties.insert(field.name.clone(), field_schema(spec, field, Side::Form));
        if field.required {
            required.push(field.name.clone().into());
        }
    }
    let mut body_schema = Map::new();
    body_schema.insert("type".into(), "object".into());
    if encoding == Encoding::Json {
        body_schema.insert(
            "description".into(),
            "The client sends every value as a JSON string, as it would in a form.".into(),
        );
    }
    body_schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        body_schema.insert("required".into(), Value::Array(required));
    }
    let mut media = Map::new();
    media.insert("schema".into(), Value::Object(body_schema));
    examples(&mut media, endpoint, |example| {
        Value::Object(example.request.clone())
    });
    let mut content = Map::new();
    content.insert(media_type(encoding).into(), Value::Object(media));
    json!({
        "required": true,
        "description": format!(
            "The credentials and the fields of `{}`, as `{}`.",
            endpoint.name,
            media_type(encoding)
        ),
        "content": content,
    })
}

/// A field the API always sends with one value.
fn fixed_schema(value: &str) -> Value {
    json!({
        "type": "string",
        "enum": [value],
        "description": "Sent with every call of this API, always with this value.",
    })
}

fn query_parameters(spec: &Spec, endpoint: &Endpoint) -> Value {
    let mut parameters = Vec::new();
    let api = spec.service_of(endpoint);
    for (name, value) in &api.fixed {
        parameters.push(json!({
            "name": name,
            "in": "query",
            "required": true,
            "schema": fixed_schema(value),
        }));
    }
    for auth in &api.auth {
        let mut schema = auth_schema(auth);
        let description = schema
            .as_object_mut()
            .and_then(|s| s.remove("description"))
            .unwrap_or_default();
        parameters.push(json!({
            "name": auth.name,
            "in": "query",
            "required": true,
            "description": description,
            "schema": schema,
        }));
    }
    for field in &endpoint.request {
        let mut schema = field_schema(spec, field, Side::Form);
        let description = schema
            .as_object_mut()
            .and_then(|s| s.remove("description"))
            .unwrap_or_default();
        parameters.push(json!({
            "name": field.name,
            "in": "query",
            "required": field.required,
            "description": description,
            "schema": schema,
        }));
    }
    Value::Array(parameters)
}

fn envelope_schema(spec: &Spec, endpoint: &Endpoint) -> Value {
    let e = &spec.service_of(endpoint).envelope;
    let mut data = open(schema(spec, &endpoint.response, Side::Data));
    data.insert(
        "description".into(),
        format!(
            "The data of a successful call; absent when `{}` is not `{}`.",
            e.status, e.success
        )
        .into(),
    );
    let mut timestamp = open(scalar_schema(spec, Scalar::Timestamp));
    timestamp.insert(
        "description".into(),
        "Server time, unix seconds (a number or a string of digits).".into(),
    );
    let mut properties = Map::new();
    properties.insert(
        e.status.clone(),
        json!({
            "type": "integer",
            "format": "int64",
            "description": format!("Status: `{}` is success, anything else a refusal.", e.success),
        }),
    );
    if let Some(code) = &e.code {
        properties.insert(
            code.clone(),
            json!({ "type": "string", "description": "The API's code for the outcome." }),
        );
    }
    properties.insert(
        e.message.clone(),
        json!({ "type": "string", "description": "A message: success, or why the call was refused." }),
    );
    properties.insert(e.data.clone(), Value::Object(data));
    if let Some(field) = &e.timestamp {
        properties.insert(field.clone(), Value::Object(timestamp));
    }
    if let Some(flag) = &e.flag {
        properties.insert(
            flag.clone(),
            json!({ "type": "boolean", "description": format!("Repeats the status: true on success. `{}` decides.", e.status) }),
        );
    }
    json!({
        "type": "object",
        "description": "The envelope around every response.",
        "properties": properties,
        "required": [e.status],
    })
}

fn responses(spec: &Spec, endpoint: &Endpoint) -> Value {
    let mut media = Map::new();
    media.insert("schema".into(), envelope_schema(spec, endpoint));
    examples(&mut media, endpoint, |example| example.response.clone());
    let e = &spec.service_of(endpoint).envelope;
    json!({
        "200": {
            "description": format!(
                "The envelope: the data on success (`{}` is `{}`), or a refusal.",
                e.status, e.success
            ),
            "content": { "application/json": media },
        }
    })
}

fn type_schema(spec: &Spec, def: &TypeDef) -> Value {
    let mut schema = match &def.kind {
        TypeKind::Record { fields } => {
            let properties: Map<String, Value> = fields
                .iter()
                .map(|f| (f.name.clone(), field_schema(spec, f, Side::Data)))
                .collect();
            let required: Vec<Value> = fields
                .iter()
                .filter(|f| !f.nullable)
                .map(|f| f.name.clone().into())
                .collect();
            let mut schema = Map::new();
            schema.insert("type".into(), "object".into());
            schema.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                schema.insert("required".into(), Value::Array(required));
            }
            // The generated struct keeps unknown fields in `extra`.
            schema.insert("additionalProperties".into(), true.into());
            schema
        }
        TypeKind::Page { item } => {
            let layout = &spec.api.page;
            let mut properties = Map::new();
            for (count, key) in layout.counts() {
                let mut schema = scalar_schema(spec, Scalar::U64);
                schema["description"] = count.doc().into();
                properties.insert(key.to_owned(), schema);
            }
            properties.insert(
                layout.items.clone(),
                json!({
                    "type": "array",
                    "items": schema(spec, item, Side::Data),
                    "description": "The items of this page.",
                }),
            );
            let required = layout.keys().map(|(_, name)| name);
            let mut schema = Map::new();
            schema.insert("type".into(), "object".into());
            schema.insert("properties".into(), Value::Object(properties));
            schema.insert("required".into(), json!(required));
            schema.insert("additionalProperties".into(), true.into());
            schema
        }
        TypeKind::Enum { repr, values } => {
            let wire: Vec<Value> = values
                .iter()
                .map(|v| match repr {
                    EnumRepr::Integer => v
                        .value
                        .trim()
                        .parse::<i64>()
                        .map_or_else(|_| Value::from(v.value.clone()), Value::from),
                    EnumRepr::String => v.value.clone().into(),
                })
                .collect();
            let names: Vec<String> = values
                .iter()
                .map(|v| naming::camel(&naming::variant(&v.value, v.name.as_deref())))
                .collect();
            let docs: Vec<&str> = values.iter().map(|v| v.doc.en.as_str()).collect();
            let mut schema = Map::new();
            let ty = match repr {
                EnumRepr::Integer => "integer",
                EnumRepr::String => "string",
            };
            schema.insert("type".into(), ty.into());
            schema.insert("enum".into(), Value::Array(wire));
            schema.insert("x-enum-varnames".into(), json!(names));
            schema.insert("x-enum-descriptions".into(), json!(docs));
            schema
        }
    };
    describe(&mut schema, &def.doc);
    Value::Object(schema)
}
