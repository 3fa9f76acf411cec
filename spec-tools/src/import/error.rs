//! The error of a page that cannot be read, or whose blocks make no endpoint.

use std::fmt;

/// A page that cannot be read: the line and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The 1-based line of the page.
    pub line: usize,
    /// What is wrong: lowercase, no final period, names in backticks.
    pub message: String,
}

impl ImportError {
    pub(super) fn new(line: usize, message: impl Into<String>) -> ImportError {
        ImportError {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ImportError {}
