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
//!
//! # Features
//! - `loader` (default): the spec format itself, everything above. Without it the crate is
//!   only the rules over wire values that the `ipidea` runtime shares with the tools:
//!   [`days`] (where the API's days start, and how it writes a date), [`decimal`] (the
//!   decimal amounts it accepts), [`drift`] (the drift vocabulary), [`refusal`] (the
//!   refusals a program can match on), [`gateway`] (the gateway's user-name grammar) and
//!   [`encode`] (the wire text of request values). These have no dependencies.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod days;
pub mod decimal;
pub mod drift;
pub mod encode;
pub mod gateway;
pub mod refusal;

pub use days::UtcOffset;
pub use drift::DriftKind;
pub use refusal::RefusalKind;

/// Items of the `loader` feature: the spec format itself.
macro_rules! loader {
    ($($item:item)*) => { $( #[cfg(feature = "loader")] $item )* };
}

loader! {
    pub use diagnostic::{Diagnostic, Diagnostics};
    pub use load::FORMAT;
    pub use model::*;
    pub use valid::check_bounds;
    pub mod diagnostic;
    pub mod load;
    pub mod locate;
    pub mod model;
    pub mod naming;
    pub mod request;
    pub mod text;
    pub mod valid;
    pub mod walk;
    pub mod wire;
}

#[cfg(feature = "loader")]
/// Reads and validates the spec at `path`. Errors name the file as `path` was given.
pub fn load(path: impl AsRef<std::path::Path>) -> Result<Spec, Diagnostics> {
    let path = path.as_ref();
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&file, &text),
        Err(error) => Err(Diagnostics {
            file,
            errors: vec![Diagnostic {
                path: String::new(),
                line: None,
                message: format!("cannot read the spec: {error}"),
                hint: None,
            }],
        }),
    }
}

#[cfg(feature = "loader")]
/// Parses and validates spec `text`; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Spec, Diagnostics> {
    let (spec, errors) = parse_partial(file, text);
    match spec {
        Some(spec) if errors.is_empty() => Ok(spec),
        _ => Err(Diagnostics {
            file: file.to_owned(),
            errors,
        }),
    }
}

#[cfg(feature = "loader")]
/// Parses and validates spec `text`, returning what could be read along with every problem,
/// sorted by line. The model is present whenever the top level could be read, even with
/// problems, so that a caller can still name the spec's types and endpoints.
///
/// The stages run one way: [`locate`] serves both with lines, [`load`](mod@load) reads the
/// model, and [`valid`] checks it; each knows only the ones before it.
pub fn parse_partial(file: &str, text: &str) -> (Option<Spec>, Vec<Diagnostic>) {
    let mut cx = diagnostic::Ctxt::new(text);
    let spec = load::read(&mut cx, file);
    if let Some(spec) = &spec {
        valid::check(&mut cx, spec);
    }
    (spec, cx.into_errors())
}

#[cfg(feature = "loader")]
/// The text of the bundled spec, `spec/ipidea.json`.
pub const BUNDLED: &str = include_str!("../ipidea.json");

#[cfg(feature = "loader")]
/// The file name that errors in the bundled spec are reported against.
pub const BUNDLED_NAME: &str = "spec/ipidea.json";

#[cfg(feature = "loader")]
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

#[cfg(all(test, feature = "loader"))]
mod tests {
    #[test]
    fn the_bundled_spec_is_valid() {
        let spec = super::bundled();
        assert_eq!(spec.endpoints.len(), 21);
        let names: Vec<&str> = spec.apis.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["ipidea", "extraction"]);
        let extract = spec.endpoint("get_proxy_ip").map(|e| spec.service_of(e));
        assert!(extract.is_some_and(|s| s.auth.is_empty() && s.unverified.is_some()));
    }
}
