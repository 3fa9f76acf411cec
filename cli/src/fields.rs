//! Flag values -> wire text, checked against the spec before anything is sent.

use std::net::IpAddr;

use ipidea_spec::{Field, Scalar, Spec, TypeRef};
use serde_json::Value;

/// The wire text of a flag's value, or why it is refused. clap prints the reason with the flag.
pub fn to_wire(spec: &Spec, field: &Field, text: &str) -> Result<String, String> {
    let wire = match &field.ty {
        TypeRef::Scalar(scalar) => scalar_to_wire(spec, *scalar, text)?,
        TypeRef::Csv(inner) => {
            let items: Vec<&str> = ipidea_spec::wire::split_csv(text).collect();
            let mut wire = Vec::with_capacity(items.len());
            for item in &items {
                let converted = match &**inner {
                    TypeRef::Scalar(scalar) => scalar_to_wire(spec, *scalar, item),
                    _ => Ok((*item).to_owned()),
                };
                wire.push(converted.map_err(|e| format!("item `{item}`: {e}"))?);
            }
            wire.join(",")
        }
        _ => text.to_owned(),
    };
    let value = Value::String(wire.clone());
    spec.check_value(&field.ty, false, &value)?;
    ipidea_spec::check_bounds(field, &value)?;
    Ok(wire)
}

fn scalar_to_wire(spec: &Spec, scalar: Scalar, text: &str) -> Result<String, String> {
    let text = text.trim();
    match scalar {
        Scalar::Date => {
            let date =
                ipidea_spec::wire::parse_date(text, &spec.api.date_format).ok_or_else(|| {
                    format!("`{text}` is not a date; write it as 2022-05-01 or 2022-5-1")
                })?;
            ipidea_spec::wire::format_date(date, &spec.api.date_format)
                .ok_or_else(|| "the spec's date format cannot write dates".to_owned())
        }
        Scalar::Ip => text
            .parse::<IpAddr>()
            .map(|ip| ip.to_string())
            .map_err(|_| format!("`{text}` is not an IP address")),
        Scalar::Bool => match text {
            "1" | "true" | "yes" => Ok("1".to_owned()),
            "0" | "false" | "no" => Ok("0".to_owned()),
            _ => Err(format!("`{text}` is not true/false")),
        },
        // A date means the start of that day as the vendor counts days: midnight UTC+8.
        Scalar::Timestamp => match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(time) => Ok(time.timestamp().to_string()),
            Err(_) => match ipidea_spec::wire::parse_date(text, &spec.api.date_format) {
                Some(date) => Ok(ipidea::vendor_day_start(date).timestamp().to_string()),
                None => text.parse::<i64>().map(|n| n.to_string()).map_err(|_| {
                    format!(
                        "`{text}` is not a date (2022-06-30, the day from midnight UTC+8), \
                         an RFC 3339 time or unix seconds"
                    )
                }),
            },
        },
        _ => Ok(text.to_owned()),
    }
}
