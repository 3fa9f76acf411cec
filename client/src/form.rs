//! The text of request fields on the wire, and the form they are collected in.

use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

/// The text of a request field on the wire.
pub trait ToWire {
    /// Writes the value as the API expects it in a form field.
    fn to_wire(&self, form: &FormContext) -> String;
}

/// What encoding a request field needs to know.
#[derive(Debug, Clone, Copy)]
pub struct FormContext {
    /// The API's date format, as a `strftime` pattern.
    pub date_format: &'static str,
}

macro_rules! to_wire_display {
    ($($ty:ty),*) => {$(
        impl ToWire for $ty {
            fn to_wire(&self, _: &FormContext) -> String {
                self.to_string()
            }
        }
    )*};
}

to_wire_display!(
    String,
    i32,
    i64,
    u32,
    u64,
    Decimal,
    IpAddr,
    crate::values::Country
);

impl ToWire for bool {
    /// `1` or `0`, as the CLI sends it too (`ipidea_spec::encode::bool`): the vendor's PHP
    /// reads a form field of `"false"` as true.
    fn to_wire(&self, _: &FormContext) -> String {
        ipidea_spec::encode::bool(*self).to_owned()
    }
}

impl ToWire for NaiveDate {
    /// The API's date format, written by the spec's date grammar (`ipidea_spec::days::Date`,
    /// as the CLI writes it); ISO `2022-05-01` for a format the spec's validation refuses.
    fn to_wire(&self, form: &FormContext) -> String {
        ipidea_spec::days::Date::from(*self)
            .format(form.date_format)
            .unwrap_or_else(|| self.format("%Y-%m-%d").to_string())
    }
}

impl ToWire for DateTime<Utc> {
    /// Unix seconds (`ipidea_spec::encode::timestamp`).
    fn to_wire(&self, _: &FormContext) -> String {
        ipidea_spec::encode::timestamp(self.timestamp())
    }
}

impl<T: ToWire> ToWire for Vec<T> {
    /// A list joins its items with `,` (`ipidea_spec::encode::join_csv`), as `renew_ip_list`
    /// expects.
    fn to_wire(&self, form: &FormContext) -> String {
        ipidea_spec::encode::join_csv(self.iter().map(|item| item.to_wire(form)))
    }
}

/// The fields of a request, in order, as they go on the wire.
#[derive(Debug, Clone)]
pub struct Form {
    context: FormContext,
    fields: Vec<(&'static str, String)>,
}

impl Form {
    /// An empty form.
    pub fn new(context: FormContext) -> Self {
        Form {
            context,
            fields: Vec::new(),
        }
    }

    /// Adds a field.
    pub fn push<T: ToWire + ?Sized>(&mut self, name: &'static str, value: &T) {
        let text = value.to_wire(&self.context);
        self.fields.push((name, text));
    }

    /// The fields, in order.
    pub fn fields(&self) -> &[(&'static str, String)] {
        &self.fields
    }
}

/// An enum that knows whether a value is one of its declared values.
pub trait WireEnum {
    /// False for a value this client does not know, which is never sent.
    fn is_known(&self) -> bool;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wire text of the scalars whose text is a choice (`ipidea_spec::encode`): the CLI
    /// sends the same (`cli/src/fields.rs` checks it for every scalar).
    #[test]
    fn chosen_wire_texts() {
        let form = FormContext {
            date_format: "%Y-%-m-%-d",
        };
        assert_eq!(true.to_wire(&form), "1");
        assert_eq!(false.to_wire(&form), "0");
        let time = DateTime::<Utc>::from_timestamp(1_656_518_400, 0).unwrap();
        assert_eq!(time.to_wire(&form), "1656518400");
        assert_eq!(vec![1u32, 22, 333].to_wire(&form), "1,22,333");
        let date = NaiveDate::from_ymd_opt(2022, 5, 1).unwrap();
        assert_eq!(date.to_wire(&form), "2022-5-1");
    }
}
