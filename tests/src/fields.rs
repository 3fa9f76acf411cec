//! Decoding of request bodies into `(name, value)` fields.

use std::convert::Infallible;

use bytes::Bytes;
use serde_json::Value;

/// Decodes `body` according to `content_type` into its fields, in order,
/// duplicates kept.
pub(crate) async fn decode(
    content_type: Option<&str>,
    body: &Bytes,
) -> Result<Vec<(String, String)>, String> {
    let Some(content_type) = content_type else {
        if body.is_empty() {
            return Ok(Vec::new());
        }
        return Err("the request has a body but no content-type".to_owned());
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "multipart/form-data" => multipart(content_type, body).await,
        "application/x-www-form-urlencoded" => Ok(urlencoded(body)),
        e if e == "application/json" || e.ends_with("+json") => json(body),
        _ => Err(format!("unsupported content-type {content_type:?}")),
    }
}

async fn multipart(content_type: &str, body: &Bytes) -> Result<Vec<(String, String)>, String> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|e| format!("bad multipart content-type {content_type:?}: {e}"))?;
    let stream =
        futures_util::stream::once(std::future::ready(Ok::<Bytes, Infallible>(body.clone())));
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut fields = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_owned();
                let value = field
                    .bytes()
                    .await
                    .map_err(|e| format!("bad multipart part {name:?}: {e}"))?;
                fields.push((name, String::from_utf8_lossy(&value).into_owned()));
            }
            Ok(None) => return Ok(fields),
            Err(e) => return Err(format!("bad multipart body: {e}")),
        }
    }
}

/// Parses `application/x-www-form-urlencoded` (also usable for a query string), in order,
/// duplicates kept.
pub(crate) fn urlencoded(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// Reads a JSON object's entries in order, duplicate keys kept (a
/// `serde_json::Map` would keep only the last of duplicates).
fn json(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    // Validate first: afterwards the scan below cannot meet malformed input.
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(_)) => {}
        Ok(other) => return Err(format!("the JSON body is not an object: {other}")),
        Err(e) => return Err(format!("bad JSON body: {e}")),
    }
    let malformed = || "malformed JSON object".to_owned();
    let skip_ws = |mut pos: usize| {
        while body
            .get(pos)
            .is_some_and(|b| matches!(b, b' ' | b'\n' | b'\t' | b'\r'))
        {
            pos += 1;
        }
        pos
    };
    let mut pos = skip_ws(0);
    if body.get(pos) != Some(&b'{') {
        return Err(malformed());
    }
    pos += 1;
    let mut fields = Vec::new();
    loop {
        pos = skip_ws(pos);
        if body.get(pos) == Some(&b'}') {
            return Ok(fields);
        }
        let (key, used) = next_value(body.get(pos..).ok_or_else(malformed)?)?;
        let Value::String(key) = key else {
            return Err(malformed());
        };
        pos = skip_ws(pos + used);
        if body.get(pos) != Some(&b':') {
            return Err(malformed());
        }
        pos += 1;
        let (value, used) = next_value(body.get(pos..).ok_or_else(malformed)?)?;
        pos = skip_ws(pos + used);
        let value = match value {
            Value::String(s) => s,
            other => other.to_string(),
        };
        fields.push((key, value));
        match body.get(pos) {
            Some(b',') => pos += 1,
            Some(b'}') => return Ok(fields),
            _ => return Err(malformed()),
        }
    }
}

/// Parses one JSON value at the start of `input`; returns it and the number
/// of bytes it took (leading whitespace included).
fn next_value(input: &[u8]) -> Result<(Value, usize), String> {
    let mut stream = serde_json::Deserializer::from_slice(input).into_iter::<Value>();
    match stream.next() {
        Some(Ok(value)) => Ok((value, stream.byte_offset())),
        Some(Err(e)) => Err(format!("bad JSON body: {e}")),
        None => Err("malformed JSON object".to_owned()),
    }
}
