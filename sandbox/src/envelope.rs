//! Response bodies: success and refusal envelopes with the spec's field names, example replies,
//! and values synthesized from a type where the spec has no example.

use axum::http::StatusCode;
use ipidea_spec::days::Date;
use ipidea_spec::walk::{MAX_DEPTH, Shape};
use ipidea_spec::{Endpoint, EnumRepr, Scalar, Service, Spec, TypeRef};
use serde_json::{Map, Value, json};

/// The envelope status of each kind of refusal. They mirror HTTP status codes to be easy to
/// remember, but the HTTP status of a refusal is 200 unless the README says otherwise.
pub(crate) mod ret {
    /// A request field is missing, of the wrong type, out of bounds or unknown.
    pub const INVALID: i64 = 400;
    /// Credentials are missing or match no account.
    pub const AUTH: i64 = 401;
    /// The balance cannot cover a purchase or renewal (`余额不足`).
    pub const BALANCE: i64 = 402;
    /// A renew names an IP the account does not own, or a whitelist delete an IP that is not
    /// listed.
    pub const NOT_OWNED: i64 = 403;
    /// No endpoint at this path.
    pub const NOT_FOUND: i64 = 404;
    /// The path exists, with another method.
    pub const METHOD: i64 = 405;
    /// A whitelist add names an IP that is already listed.
    pub const CONFLICT: i64 = 409;
    /// The body is over 1 MiB.
    pub const TOO_LARGE: i64 = 413;
    /// The content type is not one the API reads.
    pub const UNSUPPORTED: i64 = 415;
}

/// A refusal: the HTTP status, the envelope status and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub http: StatusCode,
    pub ret: i64,
    pub msg: String,
}

impl Refusal {
    /// A refusal answered with HTTP 200, like the API's own.
    pub(crate) fn api(ret: i64, msg: impl Into<String>) -> Refusal {
        Refusal {
            http: StatusCode::OK,
            ret,
            msg: msg.into(),
        }
    }

    /// A refusal of the HTTP layer (404, 405, 400, 413, 415), still with an envelope body.
    pub(crate) fn http(http: StatusCode, ret: i64, msg: impl Into<String>) -> Refusal {
        Refusal {
            http,
            ret,
            msg: msg.into(),
        }
    }
}

/// Unix seconds now.
pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A refusal envelope of `api`: for the main API `{"ret": <ret>, "code": "0", "msg": ..,
/// "ret_data": [], "timestamp": ..}`; the same parts under its own names for another.
pub(crate) fn refusal_body(api: &Service, ret: i64, msg: &str) -> Value {
    let env = &api.envelope;
    // A refusal must never read as success, whatever the spec calls success.
    let ret = if ret == env.success {
        ret.wrapping_add(1)
    } else {
        ret
    };
    envelope(api, json!(ret), json!("0"), json!(msg), json!([]), false)
}

/// An envelope of `api` with its parts: the status, code, message and data, the time now, and
/// the flag (where the API sends one) saying whether it is a success.
fn envelope(api: &Service, status: Value, code: Value, msg: Value, data: Value, ok: bool) -> Value {
    let env = &api.envelope;
    let mut body = Map::new();
    body.insert(env.status.clone(), status);
    if let Some(field) = &env.code {
        body.insert(field.clone(), code);
    }
    body.insert(env.message.clone(), msg);
    body.insert(env.data.clone(), data);
    if let Some(field) = &env.timestamp {
        body.insert(field.clone(), json!(now()));
    }
    if let Some(field) = &env.flag {
        body.insert(field.clone(), json!(ok));
    }
    Value::Object(body)
}

/// A success envelope around `data`, with the code and message of the endpoint's first success
/// example (`"1"` and `"success"` without one).
pub(crate) fn success_body(spec: &Spec, endpoint: &Endpoint, data: Value) -> Value {
    let api = spec.service_of(endpoint);
    let env = &api.envelope;
    let example = endpoint.examples.iter().find_map(|example| {
        let body = example.response.as_object()?;
        let status = body.get(&env.status)?;
        let status = status
            .as_i64()
            .or_else(|| status.as_str()?.trim().parse().ok())?;
        (status == env.success).then_some(body)
    });
    let code = env
        .code
        .as_ref()
        .and_then(|field| example?.get(field))
        .cloned()
        .unwrap_or_else(|| json!("1"));
    let msg = example
        .and_then(|body| body.get(&env.message))
        .cloned()
        .unwrap_or_else(|| json!("success"));
    envelope(api, json!(env.success), code, msg, data, true)
}

/// The answer of an endpoint with no hand-written behaviour: its first example's response with
/// a fresh timestamp, or, without examples, a success envelope around a value of its type.
pub(crate) fn example_body(spec: &Spec, endpoint: &Endpoint) -> Value {
    match endpoint.examples.first().map(|e| &e.response) {
        Some(Value::Object(body)) => {
            let mut body = body.clone();
            if let Some(field) = &spec.service_of(endpoint).envelope.timestamp {
                body.insert(field.clone(), json!(now()));
            }
            Value::Object(body)
        }
        Some(other) => other.clone(),
        None => success_body(spec, endpoint, synthesize(spec, &endpoint.response, 0)),
    }
}

/// A value that fits `ty`: field examples where the spec has them, else the type's zero.
/// Nested types end at the walk's depth limit (`ipidea_spec::walk::MAX_DEPTH`), as `null`.
pub(crate) fn synthesize(spec: &Spec, ty: &TypeRef, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match spec.shape(ty) {
        Shape::Empty | Shape::List(_) => json!([]),
        Shape::Csv(_) => json!(""),
        Shape::Scalar(scalar) => match scalar {
            Scalar::String => json!(""),
            Scalar::I32 | Scalar::I64 | Scalar::U32 | Scalar::U64 => json!(0),
            Scalar::Bool => json!(false),
            Scalar::Decimal => json!("0"),
            Scalar::Date => {
                let today = chrono::Utc::now().date_naive();
                let text = Date::from(today)
                    .format(&spec.api.date_format)
                    .unwrap_or_else(|| today.format("%Y-%m-%d").to_string());
                json!(text)
            }
            Scalar::Timestamp => json!(now()),
            Scalar::Ip => json!("127.0.0.1"),
            Scalar::Country => json!("us"),
            Scalar::Json => Value::Null,
            Scalar::JsonString => json!("{}"),
        },
        Shape::Unknown(_) => Value::Null,
        Shape::Enum { repr, values, .. } => match values.first() {
            None => Value::Null,
            Some(first) => match repr {
                EnumRepr::Integer => first
                    .value
                    .parse::<i64>()
                    .map(|n| json!(n))
                    .unwrap_or_else(|_| json!(first.value)),
                EnumRepr::String => json!(first.value),
            },
        },
        Shape::Record { fields, .. } => Value::Object(
            fields
                .iter()
                .map(|field| {
                    let value = match &field.example {
                        Some(example) => example.clone(),
                        None if field.nullable => Value::Null,
                        None => synthesize(spec, &field.ty, depth + 1),
                    };
                    (field.name.clone(), value)
                })
                .collect(),
        ),
        // The first page of an empty list of 15 a page, as the order lists answer it.
        Shape::Page { .. } => {
            let query = crate::orders::ListQuery {
                page: 1,
                limit: 15,
                ..Default::default()
            };
            crate::orders::page_object(&spec.api.page, 0, &query, Vec::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthesized_values_fit_their_types() {
        let spec = ipidea_spec::bundled();
        for name in ["OrderCreated", "FlowOrder", "FlowOrderPage", "PayStatus"] {
            let ty = TypeRef::Named(name.to_owned());
            let value = synthesize(&spec, &ty, 0);
            assert_eq!(spec.check_value(&ty, false, &value), Ok(()), "{name}");
        }
        for ty in ["date", "timestamp", "ip", "csv<ip>", "list<u32>", "decimal"] {
            let ty = TypeRef::parse(ty).unwrap();
            let value = synthesize(&spec, &ty, 0);
            assert_eq!(spec.check_value(&ty, false, &value), Ok(()), "{ty}");
        }
    }

    #[test]
    fn refusals_use_the_spec_names_and_never_read_as_success() {
        let spec = ipidea_spec::bundled();
        let body = refusal_body(spec.main_service(), 0, "nope");
        assert_eq!(body["ret"], 1);
        assert_eq!(body["code"], "0");
        assert_eq!(body["msg"], "nope");
        assert_eq!(body["ret_data"], json!([]));
        assert!(body["timestamp"].as_i64().unwrap() > 1_600_000_000);
    }
}
