//! Checking a spec against the live API: `ipidea spec verify`.
//!
//! Nobody who builds the client can reach the live API; its users can. Verification calls
//! every endpoint of a spec that is safe to call with the user's credentials, compares each
//! response with the spec, and turns what it learns into a spec change. It runs in four parts,
//! one module each:
//!
//! 1. [`plan`](mod@plan) chooses the endpoints and their request values. Only endpoints the
//!    spec says change nothing (`changes: nothing`) are ever chosen ([`is_safe`]): lookups such as order lists, the
//!    whitelist, the balance and usage records; never an order, a renewal, a whitelist change
//!    or a warning setting. Optional fields are left out, required ones come from the
//!    endpoint's example, time ranges are the last 7 days, a paging endpoint asks for one small
//!    page, and an endpoint with a required value that nothing supplies is skipped with a note
//!    naming the `--field` that would supply it.
//! 2. [`compare`](mod@compare) walks the raw data of a response against the endpoint's
//!    response type and reports each difference as a [`Finding`] with its JSON path
//!    (`ret_data.data[0].pay_status`): a field the spec does not declare, a value that does not
//!    fit its type even with the wire leniency of [`Spec::check_value`](ipidea_spec::Spec::check_value),
//!    an enum value the spec does not list, `null` where the spec does not allow it, and the
//!    shape of records where the spec says `json`.
//! 3. [`report`](mod@report) collects the outcome of each endpoint and decides when to stop
//!    ([`Report::record`]): at a refusal before any call was answered (the credentials), at a
//!    server that does not answer like the API, and when the first calls all fail on the way.
//! 4. [`patch`](mod@patch) writes what was learned into the spec, additively: unknown fields
//!    become nullable record fields, unknown enum values new values, untyped shapes new
//!    records, and confirmed unverified endpoints may lose their `unverified` mark.
//!
//! Nothing it reports holds a value that could be secret or personal: only keys, paths,
//! kinds and type names, and, for an enum value the spec does not list, the value (a code),
//! clipped.
//!
//! ```
//! use ipidea_spec_tools::verify::{self, Outcome, Report};
//! use serde_json::json;
//!
//! let spec = ipidea_spec::bundled();
//! let today = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
//! let planned = verify::plan(&spec, &[], today).unwrap();
//! assert!(planned.iter().all(|p| p.endpoint().changes == ipidea_spec::Changes::Nothing));
//!
//! let mut report = Report::new(&spec, today);
//! let balance = spec.endpoint("balance_left").unwrap();
//! let data = json!({"balance_left": "12.50", "frozen": "1.00"});
//! report.record(&spec, balance, Vec::new(), Outcome::Answered(data));
//! let findings = &report.endpoints[0].findings;
//! assert_eq!(findings[0].path, "ret_data.frozen");
//! assert_eq!(findings[0].kind().as_str(), "unknown-field");
//! ```

pub mod compare;
pub mod patch;
pub mod plan;
pub mod report;

pub use compare::{Comparison, Finding, Site, compare, compare_type};
pub use patch::{Patch, PatchError, PatchOptions};
pub use plan::{FieldOverride, PAGE_SIZE, Planned, plan};
pub use report::{EndpointReport, Flow, Outcome, Report, Status, Stop, Verdict};

use ipidea_spec::{Changes, Endpoint, Spec};

/// Whether verification may call `endpoint`: only when the spec says it changes nothing
/// (`changes: nothing`, which validation ties to `idempotent: true`), so that sending it is
/// harmless. Calls that spend money, change the whitelist or change a setting are never
/// called, even where a setting is idempotent.
pub fn is_safe(endpoint: &Endpoint) -> bool {
    endpoint.changes == Changes::Nothing && endpoint.idempotent
}

/// The endpoints of `spec` that verification may call, in spec order (see [`is_safe`]).
pub fn safe_endpoints(spec: &Spec) -> impl Iterator<Item = &Endpoint> {
    spec.endpoints.iter().filter(|e| is_safe(e))
}

/// Cuts `text` to at most `max` characters, marking a cut with `…`.
pub(crate) fn clip(text: &str, max: usize) -> (String, bool) {
    if text.chars().count() <= max {
        return (text.to_owned(), false);
    }
    let mut clipped: String = text.chars().take(max).collect();
    clipped.push('…');
    (clipped, true)
}
