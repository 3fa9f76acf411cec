//! What changed between two specs, for users of the generated Rust API.
//!
//! [`diff`] compares two loaded specs and lists every added, removed and changed endpoint,
//! request field, record field, type, enum value and API setting. Each [`Change`] is classed
//! by what it does to code written against the client that `generate!` emits:
//!
//! - [`Class::Breaking`]: code that compiled may stop compiling (an item is removed or renamed,
//!   a type changes, `new` gains or loses an argument), or the same code behaves differently on
//!   the wire (another URL, method, encoding or envelope, a tighter bound, another retry rule);
//! - [`Class::Additive`]: new items only. Request structs, records and enums are
//!   `#[non_exhaustive]` and enums have an `Unknown` variant, so a new optional request field,
//!   a new record field and a new enum value compile against existing code;
//! - [`Class::Docs`]: only the rustdoc (or nothing the generated code shows) changes.
//!
//! [`SpecDiff::bump`] suggests the semver bump: major for anything breaking, minor for
//! additions, patch for docs. Cargo treats `0.y` versions differently: there, a minor bump is
//! the breaking one ([`Bump::next_version`] applies that rule).
//!
//! Descriptions name Rust items as `generate!` spells them, by the rules it shares with this
//! module: [`ipidea_spec::naming`] for identifiers and type names,
//! [`Scalar::rust_type`](ipidea_spec::Scalar::rust_type) for the Rust type of each scalar, and
//! [`EndpointIndex::orders_list`](ipidea_spec::EndpointIndex::orders_list) for which endpoints
//! `Client::reconcile` covers.
//!
//! ```
//! let old = ipidea_spec::bundled();
//! let mut json: serde_json::Value = serde_json::from_str(ipidea_spec::BUNDLED).unwrap();
//! json["endpoints"]["isp_ip_open"]["request"]["region"]["required"] = false.into();
//! let new = ipidea_spec::parse("new.json", &json.to_string()).unwrap();
//!
//! let diff = ipidea_spec_tools::diff::diff(&old, &new);
//! assert_eq!(diff.changes.len(), 1);
//! assert_eq!(
//!     diff.changes[0].description,
//!     "`IspIpOpenRequest::new` loses its argument `region`; set it with the setter `IspIpOpenRequest::region`"
//! );
//! assert_eq!(diff.bump(), ipidea_spec_tools::diff::Bump::Major);
//! ```

use std::fmt;

use serde_json::{Value, json};

use ipidea_spec::model::{Doc, EndpointIndex, Spec};

// One file per area of the spec, each with its own `impl Differ` block. `names` spells the Rust
// items that descriptions mention; the areas use it and `Differ`, and nothing else of each
// other but `endpoints` calling into `requests`.
mod api;
mod endpoints;
mod names;
mod requests;
mod types;

/// Whether something was added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// It is still there, but different.
    Changed,
}

impl ChangeKind {
    /// The kind's name: `added`, `removed` or `changed`.
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// What a change does to code written against the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Existing code may stop compiling, or behaves differently.
    Breaking,
    /// New items only; existing code compiles and behaves the same.
    Additive,
    /// Only documentation changes.
    Docs,
}

impl Class {
    /// Every class, most severe first.
    pub const ALL: [Class; 3] = [Class::Breaking, Class::Additive, Class::Docs];

    /// The class's name: `breaking`, `additive` or `docs`.
    pub fn name(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
            Class::Docs => "docs",
        }
    }
}

/// One difference between two specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The JSON path of what changed, such as `endpoints.isp_ip_open.request.region`.
    pub path: String,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// What it does to code using the generated client.
    pub class: Class,
    /// One line in plain words, naming the Rust item: lowercase, no final period.
    pub description: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {} at `{}`",
            self.class.name(),
            self.kind.name(),
            self.description,
            self.path
        )
    }
}

/// The semver bump a set of changes calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Docs only.
    Patch,
    /// Additions only.
    Minor,
    /// Something is breaking.
    Major,
}

/// Cargo's rule for `0.y.z` versions, which the suggested bump must be read with.
pub const ZERO_VERSION_NOTE: &str = "for 0.x versions cargo treats a minor bump as breaking: \
     release a breaking change of 0.y.z as 0.(y+1).0 and an additive one as 0.y.(z+1)";

impl Bump {
    /// The bump that `changes` call for: major if any is breaking, minor if any is additive,
    /// patch for docs only, none for no change.
    pub fn of(changes: &[Change]) -> Bump {
        changes
            .iter()
            .map(|change| match change.class {
                Class::Breaking => Bump::Major,
                Class::Additive => Bump::Minor,
                Class::Docs => Bump::Patch,
            })
            .max()
            .unwrap_or(Bump::None)
    }

    /// The bump's name: `major`, `minor`, `patch` or `none`.
    pub fn name(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// The version after `current` (`major.minor.patch`; a pre-release or build suffix is
    /// dropped), following cargo's compatibility rules: below 1.0 a breaking change bumps the
    /// minor number and anything else the patch number, and every `0.0.z` release is breaking.
    /// `None` when `current` is not a version.
    ///
    /// ```
    /// use ipidea_spec_tools::diff::Bump;
    /// assert_eq!(Bump::Major.next_version("1.4.2").as_deref(), Some("2.0.0"));
    /// assert_eq!(Bump::Major.next_version("0.1.0").as_deref(), Some("0.2.0"));
    /// assert_eq!(Bump::Minor.next_version("0.1.0").as_deref(), Some("0.1.1"));
    /// ```
    pub fn next_version(self, current: &str) -> Option<String> {
        let core = current.trim().split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
        let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
        if parts.next().is_some() {
            return None;
        }
        let (major, minor, patch) = match (self, major, minor) {
            (Bump::None, ..) => (major, minor, patch),
            (_, 0, 0) => (0, 0, patch + 1),
            (Bump::Major, 0, _) => (0, minor + 1, 0),
            (Bump::Minor | Bump::Patch, 0, _) => (0, minor, patch + 1),
            (Bump::Major, ..) => (major + 1, 0, 0),
            (Bump::Minor, ..) => (major, minor + 1, 0),
            (Bump::Patch, ..) => (major, minor, patch + 1),
        };
        Some(format!("{major}.{minor}.{patch}"))
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every difference between two specs, in spec order: API settings, types, endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpecDiff {
    /// The changes.
    pub changes: Vec<Change>,
}

impl SpecDiff {
    /// Whether the specs describe the same API, docs included.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether any change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.class == Class::Breaking)
    }

    /// The changes of one class, in order.
    pub fn of_class(&self, class: Class) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.class == class)
    }

    /// The suggested semver bump.
    pub fn bump(&self) -> Bump {
        Bump::of(&self.changes)
    }

    /// The diff as JSON: `changes` (each with `path`, `kind`, `class` and `description`),
    /// `bump`, and `note`, cargo's rule for 0.x versions.
    pub fn to_json(&self) -> Value {
        let changes: Vec<Value> = self
            .changes
            .iter()
            .map(|c| {
                json!({
                    "path": c.path,
                    "kind": c.kind.name(),
                    "class": c.class.name(),
                    "description": c.description,
                })
            })
            .collect();
        json!({
            "changes": changes,
            "bump": self.bump().name(),
            "note": ZERO_VERSION_NOTE,
        })
    }
}

/// Compares `old` with `new` and lists every change, classed for the generated Rust API.
pub fn diff(old: &Spec, new: &Spec) -> SpecDiff {
    let mut differ = Differ {
        old,
        new,
        old_endpoints: old.endpoint_index(),
        new_endpoints: new.endpoint_index(),
        changes: Vec::new(),
    };
    differ.api();
    differ.types();
    differ.endpoints();
    SpecDiff {
        changes: differ.changes,
    }
}

/// The two specs being compared and the changes found so far, in spec order.
struct Differ<'a> {
    old: &'a Spec,
    new: &'a Spec,
    /// The endpoints of `old` by name.
    old_endpoints: EndpointIndex<'a>,
    /// The endpoints of `new` by name.
    new_endpoints: EndpointIndex<'a>,
    changes: Vec<Change>,
}

impl Differ<'_> {
    fn push(&mut self, path: &str, kind: ChangeKind, class: Class, description: String) {
        self.changes.push(Change {
            path: path.to_owned(),
            kind,
            class,
            description,
        });
    }

    fn changed(&mut self, path: &str, class: Class, description: String) {
        self.push(path, ChangeKind::Changed, class, description);
    }

    fn docs(&mut self, path: &str, old: &Doc, new: &Doc, item: &str) {
        if old != new {
            self.changed(path, Class::Docs, format!("the docs of {item} change"));
        }
    }
}
