//! Flag values -> wire text, checked against the spec before anything is sent.

use std::net::IpAddr;

use ipidea_spec::days::Date;
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
            ipidea_spec::encode::join_csv(wire)
        }
        _ => text.to_owned(),
    };
    let value = Value::String(wire.clone());
    // In the words of the spec's check; clap names the flag.
    spec.check_field(field, &value).map_err(|p| p.to_string())?;
    Ok(wire)
}

fn scalar_to_wire(spec: &Spec, scalar: Scalar, text: &str) -> Result<String, String> {
    let text = text.trim();
    match scalar {
        Scalar::Date => {
            let date = Date::parse(text, &spec.api.date_format).ok_or_else(|| {
                format!("`{text}` is not a date; write it as 2022-05-01 or 2022-5-1")
            })?;
            date.format(&spec.api.date_format)
                .ok_or_else(|| "the spec's date format cannot write dates".to_owned())
        }
        Scalar::Ip => text
            .parse::<IpAddr>()
            .map(|ip| ip.to_string())
            .map_err(|_| format!("`{text}` is not an IP address")),
        Scalar::Country => ipidea_spec::encode::country(text),
        Scalar::Bool => match ipidea_spec::encode::parse_bool(text) {
            Some(value) => Ok(ipidea_spec::encode::bool(value).to_owned()),
            None => Err(format!("`{text}` is not true/false")),
        },
        // A date means the start of that day as the API counts days (`api.utc_offset`).
        Scalar::Timestamp => {
            let offset = spec.api.utc_offset;
            let seconds = match chrono::DateTime::parse_from_rfc3339(text) {
                Ok(time) => time.timestamp(),
                Err(_) => match Date::parse(text, &spec.api.date_format) {
                    Some(date) => offset.day_start(date.day_number()),
                    None => text.parse::<i64>().map_err(|_| {
                        format!(
                            "`{text}` is not a date (2022-06-30, the day from midnight \
                             {offset}), an RFC 3339 time or unix seconds"
                        )
                    })?,
                },
            };
            Ok(ipidea_spec::encode::timestamp(seconds))
        }
        _ => Ok(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use ipidea::Decimal;
    use ipidea::chrono::{NaiveDate, TimeZone, Utc};
    use ipidea::runtime::{FormContext, ToWire};
    use ipidea_spec::{Bounds, Doc, Field, Scalar, TypeRef};

    /// A request field of type `ty`, with no bounds.
    fn field(ty: TypeRef) -> Field {
        Field {
            name: "x".to_owned(),
            ty,
            required: false,
            nullable: false,
            doc: Doc::default(),
            example: None,
            bounds: Bounds::default(),
            not_before: None,
            path: "endpoints.e.request.x".to_owned(),
        }
    }

    /// For every scalar a request may hold, the text the client's `ToWire` writes for a value
    /// and the text the CLI sends for that value as a person types it are the same.
    #[test]
    fn the_client_and_the_cli_put_the_same_text_on_the_wire() {
        let spec = crate::described::bundled();
        let context = FormContext {
            date_format: &spec.api.date_format,
        };
        let ip: IpAddr = "1.2.3.4".parse().unwrap();
        let date = NaiveDate::from_ymd_opt(2022, 5, 1).unwrap();
        let time = Utc.timestamp_opt(1_656_518_400, 0).unwrap();
        let cases: Vec<(Scalar, String, &str)> = vec![
            (Scalar::String, "abc".to_owned().to_wire(&context), "abc"),
            (Scalar::I32, (-5i32).to_wire(&context), "-5"),
            (Scalar::I64, (-5i64).to_wire(&context), "-5"),
            (Scalar::U32, 15u32.to_wire(&context), "15"),
            (Scalar::U64, 15u64.to_wire(&context), "15"),
            (Scalar::Bool, true.to_wire(&context), "true"),
            (Scalar::Bool, false.to_wire(&context), "no"),
            (
                Scalar::Decimal,
                Decimal::new(1, 2).to_wire(&context),
                "0.01",
            ),
            (Scalar::Date, date.to_wire(&context), "2022-05-01"),
            (Scalar::Timestamp, time.to_wire(&context), "1656518400"),
            (Scalar::Timestamp, time.to_wire(&context), "2022-06-30"),
            (Scalar::Ip, ip.to_wire(&context), "1.2.3.4"),
            (
                Scalar::Country,
                ipidea::Country::new("us").unwrap().to_wire(&context),
                " US ",
            ),
        ];
        let mut covered = Vec::new();
        for (scalar, client, typed) in cases {
            let cli = super::to_wire(spec, &field(TypeRef::Scalar(scalar)), typed);
            assert_eq!(
                cli.as_deref(),
                Ok(client.as_str()),
                "{scalar:?} typed `{typed}`"
            );
            covered.push(scalar);
        }
        assert_eq!(true.to_wire(&context), "1");
        let list = vec![ip, "5.6.7.8".parse().unwrap()].to_wire(&context);
        let csv = field(TypeRef::Csv(Box::new(TypeRef::Scalar(Scalar::Ip))));
        assert_eq!(super::to_wire(spec, &csv, "1.2.3.4, 5.6.7.8"), Ok(list));
        // Every scalar but the two JSON ones, which no request field takes.
        for scalar in Scalar::ALL {
            let json = matches!(scalar, Scalar::Json | Scalar::JsonString);
            assert_eq!(covered.contains(&scalar), !json, "{scalar:?}");
        }
    }
}
