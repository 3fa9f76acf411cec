//! Errors found in a spec: each names the JSON path, the line where known, and a hint.

use std::fmt;

use crate::locate::{Duplicate, Locations};

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The JSON path of the offending node, such as `endpoints.isp_ip_open.request.duration`.
    pub path: String,
    /// The 1-based line of the node in the spec file, where known.
    pub line: Option<usize>,
    /// What is wrong: lowercase, no final period, names in backticks.
    pub message: String,
    /// How to fix it, where there is a likely fix.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{} at `{}`", self.message, self.path)?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found in one spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    /// The spec file, as the caller named it (kept relative, so messages are stable).
    pub file: String,
    /// The problems, in the order of their lines.
    pub errors: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Each problem as one line: `file:line: message at `path`; hint`.
    pub fn lines(&self) -> impl Iterator<Item = String> + '_ {
        self.errors.iter().map(|error| match error.line {
            Some(line) => format!("{}:{line}: {error}", self.file),
            None => format!("{}: {error}", self.file),
        })
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.lines().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The closest of `candidates` to `name`, for "did you mean" hints.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| format!("did you mean `{candidate}`?"))
}

/// Collects problems as they are found; see serde's `Ctxt`.
pub(crate) struct Ctxt<'t> {
    text: &'t str,
    /// Scanned on the first problem: a spec without problems never needs it.
    locations: Option<Locations>,
    errors: Vec<Diagnostic>,
}

impl<'t> Ctxt<'t> {
    /// A collector for problems of the spec `text`.
    pub(crate) fn new(text: &'t str) -> Self {
        Ctxt {
            text,
            locations: None,
            errors: Vec::new(),
        }
    }

    /// The spec's text.
    pub(crate) fn text(&self) -> &'t str {
        self.text
    }

    fn locations(&mut self) -> &mut Locations {
        let text = self.text;
        self.locations.get_or_insert_with(|| Locations::scan(text))
    }

    /// The keys written twice in the text, each once.
    pub(crate) fn take_duplicates(&mut self) -> Vec<Duplicate> {
        std::mem::take(&mut self.locations().duplicates)
    }

    /// Records a problem whose line is already known.
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.errors.push(diagnostic);
    }

    /// Every problem recorded, sorted by line.
    pub(crate) fn into_errors(self) -> Vec<Diagnostic> {
        let mut errors = self.errors;
        errors.sort_by_key(|e| e.line.unwrap_or(usize::MAX));
        errors
    }

    pub(crate) fn error(&mut self, path: &str, message: impl Into<String>) {
        self.error_hint(path, message, None);
    }

    pub(crate) fn error_hint(
        &mut self,
        path: &str,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        let line = self.locations().line(path);
        self.errors.push(Diagnostic {
            path: path.to_owned(),
            line,
            message: message.into(),
            hint,
        });
    }
}
