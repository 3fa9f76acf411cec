//! The IPIDEA spec format: its model, loading and validation.
//!
//! One JSON file (`spec/ipidea.json`) describes every endpoint, field, type, doc line and example
//! of the API. This crate is the single front end for it: the `generate!` macro, the sandbox and
//! the command-line tool all load a spec through [`load()`] or [`parse()`], and none of them reads
//! the file a second way.
//!
//! Loading runs in stages, one module each:
//! 1. [`locate`] scans the raw text, so that every JSON path can be reported with its line;
//! 2. [`load`](mod@load) turns the JSON into the typed [`model`], collecting every structural
//!    problem (unknown keys, wrong JSON types, malformed type expressions);
//! 3. [`valid`] checks the cross-field rules (unknown type references, name collisions, bounds,
//!    examples that do not fit their types, paging).
//!
//! The tools that work on a spec (import of a vendor page, the spec diff, OpenAPI export) are
//! in the crate `ipidea-spec-tools`, outside the `generate!` macro's dependencies.
//!
//! Every problem is collected, never only the first, and each names the file, the JSON path and
//! the line.
//!
//! ```
//! let spec = ipidea_spec::bundled();
//! assert!(spec.endpoint("isp_ip_open").is_some());
//!
//! let broken = r#"{"format": 1, "api": {}, "types": {}, "endpoints": {}, "typo": 1}"#;
//! let errors = ipidea_spec::parse("broken.json", broken).unwrap_err();
//! assert!(errors.to_string().contains("unknown key `typo`"));
//! ```
#![deny(missing_docs)]

pub mod diagnostic;
pub mod load;
pub mod locate;
pub mod model;
pub mod naming;
pub mod text;
pub mod valid;
pub mod wire;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use load::{load, parse, parse_partial};
pub use model::*;
pub use valid::check_bounds;

/// The text of the bundled spec, `spec/ipidea.json`.
pub const BUNDLED: &str = include_str!("../ipidea.json");

/// The file name that errors in the bundled spec are reported against.
pub const BUNDLED_NAME: &str = "spec/ipidea.json";

/// The bundled spec, loaded and validated.
///
/// The bundled spec is validated by this crate's own tests and by the `generate!` expansion
/// of the `ipidea` crate, so loading it cannot fail in a released build.
///
/// # Panics
/// Panics if the bundled spec is invalid, which the test suite rules out.
pub fn bundled() -> Spec {
    match parse(BUNDLED_NAME, BUNDLED) {
        Ok(spec) => spec,
        Err(errors) => panic!("the bundled spec is invalid:\n{errors}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bundled_spec_is_valid() {
        let spec = super::bundled();
        assert_eq!(spec.endpoints.len(), 8);
    }
}
