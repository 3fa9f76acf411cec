//! Reading a request's fields: the body (multipart, form or JSON) merged over the query string.

use std::convert::Infallible;

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use serde_json::{Map, Value};

/// The largest request body the sandbox reads: 1 MiB.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// How much of an oversized body is still read (and thrown away) before answering `413`, so
/// that the client, still writing, reads the answer instead of a reset connection.
const DRAIN_BYTES: usize = 64 << 20;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// Over [`MAX_BODY_BYTES`].
    TooLarge,
    /// The stream failed (the client went away, bad framing).
    Read(String),
}

/// Reads the whole body, up to `limit` bytes.
pub(crate) async fn read_body(mut body: Body, limit: usize) -> Result<Bytes, BodyError> {
    let mut data = BytesMut::new();
    let mut drained: Option<usize> = None;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| BodyError::Read(e.to_string()))?;
        let Ok(chunk) = frame.into_data() else {
            continue;
        };
        match drained.as_mut() {
            Some(drained) => {
                *drained = drained.saturating_add(chunk.len());
                if *drained > DRAIN_BYTES {
                    break;
                }
            }
            None if data.len().saturating_add(chunk.len()) > limit => {
                drained = Some(data.len().saturating_add(chunk.len()));
                data.clear();
            }
            None => data.extend_from_slice(&chunk),
        }
    }
    if drained.is_some() {
        return Err(BodyError::TooLarge);
    }
    Ok(data.freeze())
}

/// Why a body's fields could not be decoded.
#[derive(Debug)]
pub(crate) enum DecodeError {
    /// The body does not parse as its content type says: answered `400`.
    Malformed(String),
    /// A content type the sandbox does not read: answered `415`.
    Unsupported(String),
}

/// The fields of the query string, as strings.
pub(crate) fn query_fields(query: Option<&str>) -> Map<String, Value> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(name, value)| (name.into_owned(), Value::String(value.into_owned())))
        .collect()
}

/// The fields of the body: form values as strings, JSON values as they are. A field named
/// twice keeps its last value.
pub(crate) async fn body_fields(
    content_type: Option<&str>,
    body: Bytes,
) -> Result<Map<String, Value>, DecodeError> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    let Some(content_type) = content_type else {
        return Err(DecodeError::Unsupported(
            "the request has a body but no `Content-Type`; send multipart/form-data, \
             application/x-www-form-urlencoded or application/json"
                .to_owned(),
        ));
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "multipart/form-data" => multipart(content_type, body).await,
        "application/x-www-form-urlencoded" => {
            Ok(query_fields(Some(&String::from_utf8_lossy(&body))))
        }
        e if e == "application/json" || e.ends_with("+json") => json(&body),
        _ => Err(DecodeError::Unsupported(format!(
            "unsupported `Content-Type` `{content_type}`; send multipart/form-data, \
             application/x-www-form-urlencoded or application/json"
        ))),
    }
}

async fn multipart(content_type: &str, body: Bytes) -> Result<Map<String, Value>, DecodeError> {
    let boundary = multer::parse_boundary(content_type).map_err(|e| {
        DecodeError::Malformed(format!(
            "malformed multipart body: bad `Content-Type` `{content_type}`: {e}"
        ))
    })?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut fields = Map::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(fields),
            Err(e) => {
                return Err(DecodeError::Malformed(format!(
                    "malformed multipart body: {e}"
                )));
            }
        };
        let Some(name) = field.name().map(str::to_owned) else {
            return Err(DecodeError::Malformed(
                "malformed multipart body: a part has no field name".to_owned(),
            ));
        };
        let value = field.bytes().await.map_err(|e| {
            DecodeError::Malformed(format!("malformed multipart body: part `{name}`: {e}"))
        })?;
        fields.insert(
            name,
            Value::String(String::from_utf8_lossy(&value).into_owned()),
        );
    }
}

fn json(body: &[u8]) -> Result<Map<String, Value>, DecodeError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(DecodeError::Malformed(
            "malformed JSON body: expected an object of fields".to_owned(),
        )),
        Err(e) => Err(DecodeError::Malformed(format!("malformed JSON body: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_encoding_decodes() {
        let form = body_fields(
            Some("application/x-www-form-urlencoded"),
            Bytes::from("num=2&remark=%E6%B5%8B%E8%AF%95+x"),
        )
        .await
        .unwrap();
        assert_eq!(form["num"], "2");
        assert_eq!(form["remark"], "测试 x");

        let json = body_fields(Some("application/json"), Bytes::from(r#"{"num": 2}"#))
            .await
            .unwrap();
        assert_eq!(json["num"], 2);

        let body = "--XX\r\nContent-Disposition: form-data; name=\"num\"\r\n\r\n2\r\n--XX--\r\n";
        let multipart = body_fields(Some("multipart/form-data; boundary=XX"), Bytes::from(body))
            .await
            .unwrap();
        assert_eq!(multipart["num"], "2");

        assert_eq!(query_fields(Some("a=1&b="))["b"], "");
    }

    #[tokio::test]
    async fn bad_bodies_say_why() {
        let bad = body_fields(
            Some("multipart/form-data; boundary=XX"),
            Bytes::from("junk"),
        )
        .await
        .unwrap_err();
        assert!(matches!(bad, DecodeError::Malformed(m) if m.contains("multipart")));
        let bad = body_fields(Some("application/json"), Bytes::from("[1]"))
            .await
            .unwrap_err();
        assert!(matches!(bad, DecodeError::Malformed(m) if m.contains("object")));
        let bad = body_fields(Some("text/plain"), Bytes::from("x"))
            .await
            .unwrap_err();
        assert!(matches!(bad, DecodeError::Unsupported(_)));
    }

    #[tokio::test]
    async fn oversized_bodies_are_refused() {
        let body = Body::from(vec![b'x'; MAX_BODY_BYTES + 1]);
        assert!(matches!(
            read_body(body, MAX_BODY_BYTES).await,
            Err(BodyError::TooLarge)
        ));
        let body = Body::from(vec![b'x'; MAX_BODY_BYTES]);
        assert_eq!(
            read_body(body, MAX_BODY_BYTES).await.unwrap().len(),
            MAX_BODY_BYTES
        );
    }
}
