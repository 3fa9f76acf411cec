//! The tools that work on an IPIDEA spec: [`import`](mod@import) of a vendor documentation
//! page, [`diff`](mod@diff) of two specs with semver verdicts, [`openapi`] export, and
//! [`verify`](mod@verify), the comparison of live responses with the spec.
//!
//! They take a spec loaded and validated by [`ipidea_spec`], and serve the command-line tool
//! and the people who maintain a spec. The `generate!` macro does not depend on this crate, so
//! no user of the generated client compiles it.
#![deny(missing_docs)]

pub mod diff;
/// Importing a vendor documentation page into spec entries: `ipidea spec import`.
pub mod import;
pub mod openapi;
pub mod verify;

/// The README's example runs.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
