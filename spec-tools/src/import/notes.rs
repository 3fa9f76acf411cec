//! What an import leaves for a person: notes with the JSON path they concern, and how names
//! and example values read in them.

use std::fmt;

use serde_json::Value;

use ipidea_spec::text::{backticked, clip};

/// Something a person must still decide or check, with the JSON path it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The JSON path in the spec, such as `endpoints.isp_ip_open.request`.
    pub path: String,
    /// What to decide or what differs: lowercase, no final period, names in backticks.
    pub message: String,
}

impl Note {
    pub(super) fn new(path: impl Into<String>, message: impl Into<String>) -> Note {
        Note {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The note as JSON: `{"path": ..., "message": ...}`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({ "path": self.path, "message": self.message })
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Problems of a spec given as JSON, as notes.
pub(super) fn validate(spec: &Value, what: &str) -> Vec<Note> {
    let text = serde_json::to_string_pretty(spec).unwrap_or_default();
    match ipidea_spec::parse("import", &text) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics
            .errors
            .into_iter()
            .map(|d| {
                let line = d.line.map(|l| format!(" (line {l})")).unwrap_or_default();
                let hint = d.hint.map(|h| format!("; {h}")).unwrap_or_default();
                Note::new(d.path, format!("{what}{line}: {}{hint}", d.message))
            })
            .collect(),
    }
}

/// Names for a message, in backticks: all of them when there are a few, else how many.
pub(super) fn listed(one: &str, many: &str, names: &[String]) -> String {
    match names.len() {
        1 => format!("{one} `{}`", names[0]),
        2..=8 => format!("{many} {}", backticked(names)),
        n => format!("{n} {many}"),
    }
}

/// An example value for a message: a string as it is, anything else as JSON, clipped and in
/// backticks.
pub(super) fn show(value: &Value) -> String {
    let text = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned);
    format!("`{}`", clip(&text, 41))
}
