//! Errors found in a spec: each names the JSON path, the line where known, and a hint.

use std::fmt;

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
