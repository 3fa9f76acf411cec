//! Human output: pages as tables, records as aligned `key: value` lines, timestamps as dates
//! (local time with its offset, or UTC with `--utc`), enum values by name.

use chrono::{DateTime, Local};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use ipidea_spec::naming;
use ipidea_spec::{Changes, Endpoint, Field, Scalar, Spec, TypeKind, TypeRef};
use serde_json::{Map, Value};

/// Columns of a table, at most.
const MAX_COLUMNS: usize = 9;
/// Fields a table names as left out, at most; the rest are counted.
const NAMED_LEFT_OUT: usize = 6;
/// Characters of a cell, at most.
const MAX_CELL: usize = 40;

/// The time zone human output shows timestamps in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    /// The local time zone (`TZ`, else the system's), with the offset:
    /// `2022-05-21 10:52:18 +08:00`.
    Local,
    /// UTC: `2022-05-21 02:52:18 UTC` (`--utc`).
    Utc,
}

impl Zone {
    /// `--utc` given or not.
    pub fn from_utc_flag(utc: bool) -> Zone {
        if utc { Zone::Utc } else { Zone::Local }
    }

    fn format(self, time: DateTime<chrono::Utc>) -> String {
        match self {
            Zone::Local => time
                .with_timezone(&Local)
                .format("%Y-%m-%d %H:%M:%S %:z")
                .to_string(),
            Zone::Utc => time.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        }
    }
}

/// Renders the data of a call for a person, timestamps in `zone`.
pub fn render(spec: &Spec, endpoint: &Endpoint, data: &Value, all: bool, zone: Zone) -> String {
    let fields = record_fields(spec, &endpoint.response);
    if all {
        let items = data.as_array().map(Vec::as_slice).unwrap_or_default();
        let item_fields = page_item_fields(spec, &endpoint.response);
        return format!(
            "{}\n{} in all",
            table(spec, items, item_fields, zone),
            items.len()
        );
    }
    let layout = &spec.api.page;
    if let (Some(items), Some(_)) = (
        data.get(&layout.items).and_then(Value::as_array),
        data.get(&layout.last_page),
    ) {
        let item_fields = page_item_fields(spec, &endpoint.response);
        let number = |key: &str| data.get(key).map(plain).unwrap_or_default();
        return format!(
            "{}\npage {} of {}, {} in all",
            table(spec, items, item_fields, zone),
            number(&layout.current_page),
            number(&layout.last_page),
            number(&layout.total)
        );
    }
    match data {
        Value::Object(map) => record(spec, map, fields, zone),
        // A lookup that found nothing, or a change that answers nothing.
        Value::Array(items) if items.is_empty() && endpoint.changes == Changes::Nothing => {
            "no records".to_owned()
        }
        Value::Array(items) if items.is_empty() => "done".to_owned(),
        Value::Array(items) if items.iter().all(Value::is_object) => {
            let item_fields = match &endpoint.response {
                TypeRef::List(item) => record_fields(spec, item),
                _ => &[],
            };
            format!(
                "{}
{} in all",
                table(spec, items, item_fields, zone),
                items.len()
            )
        }
        other => plain(other),
    }
}

/// A record: its fields as aligned lines, then each field that holds a list of records as a
/// table (the whitelist's entries).
fn record(spec: &Spec, map: &Map<String, Value>, fields: &[Field], zone: Zone) -> String {
    let is_rows = |value: &Value| {
        value
            .as_array()
            .is_some_and(|items| !items.is_empty() && items.iter().all(Value::is_object))
    };
    let scalars: Map<String, Value> = map
        .iter()
        .filter(|(_, value)| !is_rows(value))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let mut out = lines(spec, &scalars, fields, zone);
    for (key, value) in map.iter().filter(|(_, value)| is_rows(value)) {
        let item_fields = match fields.iter().find(|f| &f.name == key).map(|f| &f.ty) {
            Some(TypeRef::List(item)) => record_fields(spec, item),
            _ => &[],
        };
        let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!(
            "{key}:\n{}",
            table(spec, items, item_fields, zone)
        ));
    }
    out
}

fn record_fields<'a>(spec: &'a Spec, ty: &TypeRef) -> &'a [Field] {
    match ty.named().and_then(|n| spec.type_def(n)).map(|t| &t.kind) {
        Some(TypeKind::Record { fields }) => fields,
        _ => &[],
    }
}

fn page_item_fields<'a>(spec: &'a Spec, ty: &TypeRef) -> &'a [Field] {
    match ty.named().and_then(|n| spec.type_def(n)).map(|t| &t.kind) {
        Some(TypeKind::Page { item }) => record_fields(spec, item),
        _ => &[],
    }
}

/// A table of items: the record's fields where the spec knows the record (its
/// vendor-documented ones when there are too many for the table), else the keys the items
/// have. A line under it names the fields it leaves out.
fn table(spec: &Spec, items: &[Value], fields: &[Field], zone: Zone) -> String {
    let mut keys: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
    for item in items {
        for key in item.as_object().map(Map::keys).into_iter().flatten() {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
    }
    let columns: Vec<String> = if fields.is_empty() {
        keys.clone()
    } else {
        let documented: Vec<String> = fields
            .iter()
            .filter(|f| f.doc.zh.is_some())
            .map(|f| f.name.clone())
            .collect();
        if documented.is_empty() || fields.len() <= MAX_COLUMNS {
            fields.iter().map(|f| f.name.clone()).collect()
        } else {
            documented
        }
    };
    let columns: Vec<String> = columns.into_iter().take(MAX_COLUMNS).collect();
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if columns.is_empty() {
        table.set_header(vec!["(no items)"]);
        return table.to_string();
    }
    table.set_header(&columns);
    for item in items {
        table.add_row(columns.iter().map(|column| {
            let field = fields.iter().find(|f| &f.name == column);
            cell(
                spec,
                column,
                item.get(column).unwrap_or(&Value::Null),
                field,
                zone,
            )
        }));
    }
    let left_out: Vec<&str> = keys
        .iter()
        .filter(|key| !columns.contains(key))
        .map(String::as_str)
        .collect();
    if left_out.is_empty() {
        return table.to_string();
    }
    let named = left_out.len().min(NAMED_LEFT_OUT);
    let more = match left_out.len() - named {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!(
        "{table}\nnot shown: {}{more} (`--json` shows every field)",
        left_out[..named].join(", ")
    )
}

/// Aligned `key: value` lines of a record.
fn lines(spec: &Spec, map: &Map<String, Value>, fields: &[Field], zone: Zone) -> String {
    let width = map.keys().map(|k| k.chars().count()).max().unwrap_or(0);
    map.iter()
        .map(|(key, value)| {
            let field = fields.iter().find(|f| &f.name == key);
            format!(
                "{key:<width$}  {}",
                format_value(spec, key, value, field, zone)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn cell(spec: &Spec, key: &str, value: &Value, field: Option<&Field>, zone: Zone) -> String {
    ipidea_spec::text::clip(&format_value(spec, key, value, field, zone), MAX_CELL)
}

/// A value as text; unix-second timestamps become dates in `zone`: those the spec types as
/// timestamps, and, in records the spec does not describe, `*_at` and `*_time` keys holding
/// unix seconds.
fn format_value(
    spec: &Spec,
    key: &str,
    value: &Value,
    field: Option<&Field>,
    zone: Zone,
) -> String {
    if let Some(name) = field.and_then(|f| enum_name(spec, f, value)) {
        return name;
    }
    let timestamp = match field {
        Some(field) => field.ty == TypeRef::Scalar(Scalar::Timestamp),
        None => key.ends_with("_at") || key.ends_with("_time"),
    };
    if timestamp {
        let seconds = ipidea_spec::wire::integer(value).and_then(|n| i64::try_from(n).ok());
        if let Some(time) = seconds.and_then(|s| DateTime::from_timestamp(s, 0)) {
            return zone.format(time);
        }
    }
    plain(value)
}

/// The name of an enum value, as the CLI's flags also accept it (`paid` for `1`); a value
/// the spec does not list stays as sent.
fn enum_name(spec: &Spec, field: &Field, value: &Value) -> Option<String> {
    let values = crate::command::enum_values(spec, &field.ty)?;
    let wire = plain(value);
    let known = values.iter().find(|v| v.value == wire)?;
    Some(naming::variant(&known.value, known.name.as_deref()).to_lowercase())
}

fn plain(value: &Value) -> String {
    match value {
        Value::Null => "-".to_owned(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_example(endpoint: &str) -> String {
        let spec = ipidea_spec::bundled();
        let endpoint = spec.endpoint(endpoint).unwrap();
        let data = endpoint.examples[0].response["ret_data"].clone();
        render(&spec, endpoint, &data, false, Zone::Utc)
    }

    #[test]
    fn a_table_names_the_fields_it_leaves_out() {
        let shown = render_example("balance_use_record");
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(
            lines[lines.len() - 2..],
            [
                "not shown: total_use_flow, static_order_user, static_house_orderUse \
                 (`--json` shows every field)",
                "1 in all"
            ],
            "{shown}"
        );
        for column in ["balance", "day", "total_use_balance"] {
            assert!(shown.contains(column), "{shown}");
        }
        // Many left out: six named, the rest counted.
        let flow = render_example("flow_order_list");
        assert!(
            flow.contains(
                "not shown: recharge_type, client_type, exec_data, close_time, pay_time, \
                 back_coin and 41 more (`--json` shows every field)"
            ),
            "{flow}"
        );
    }

    /// Once a vendor page types what the spec only guessed, the table shows the records' fields
    /// as columns, with no code: the rendering follows the spec's types.
    #[test]
    fn a_page_that_types_a_guessed_response_gives_it_columns() {
        let page = include_str!("../../spec-tools/tests/data/flow.txt");
        let bundled = ipidea_spec::bundled();
        let json: Value = serde_json::from_str(ipidea_spec::BUNDLED).unwrap();
        let merge = ipidea_spec_tools::import::import_into(page, &bundled, &json).unwrap();
        let merged =
            ipidea_spec::parse("merged.json", &merge.spec.to_string()).expect("the merged spec");
        let endpoint = merged.endpoint("flow_use_record").unwrap();
        let data = serde_json::json!([{"day": 1_656_518_400, "use_flow": 52_428_800}]);
        let typed = render(&merged, endpoint, &data, false, Zone::Utc);
        let header = typed
            .lines()
            .find(|l| l.contains("day"))
            .unwrap_or_default();
        assert!(header.contains("use_flow"), "{typed}");
        assert!(
            typed.contains("2022-06-29 16:00:00"),
            "a day is a time: {typed}"
        );
        // The bundled spec, which says `json`, has no columns to give.
        let guessed = bundled.endpoint("flow_use_record").unwrap();
        let untyped = render(&bundled, guessed, &data, false, Zone::Utc);
        assert_ne!(untyped, typed);
    }

    #[test]
    fn a_table_with_every_field_has_no_note() {
        let shown = render_example("white_list");
        assert!(shown.contains("mark_ip"), "{shown}");
        assert!(!shown.contains("not shown"), "{shown}");
    }

    #[test]
    fn an_empty_list_is_no_records_for_a_lookup_and_done_for_a_change() {
        let spec = ipidea_spec::bundled();
        let empty = Value::Array(Vec::new());
        let lookup = spec.endpoint("balance_use_record").unwrap();
        assert_eq!(
            render(&spec, lookup, &empty, false, Zone::Utc),
            "no records"
        );
        let change = spec.endpoint("white_add").unwrap();
        assert_eq!(render(&spec, change, &empty, false, Zone::Utc), "done");
    }
}
