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

use ipidea_spec::locate::child;
use ipidea_spec::model::*;
use ipidea_spec::naming;
use ipidea_spec::text::{and_list, backticked};

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
        changes: Vec::new(),
    };
    differ.api();
    differ.types();
    differ.endpoints();
    SpecDiff {
        changes: differ.changes,
    }
}

struct Differ<'a> {
    old: &'a Spec,
    new: &'a Spec,
    changes: Vec<Change>,
}

/// The Rust identifier of a field or method name, as `generate!` writes it.
fn ident(name: &str) -> String {
    let snake = naming::snake(name);
    if naming::is_keyword(&snake) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// The Rust name of a type.
fn type_name(name: &str) -> String {
    naming::camel(name)
}

/// The Rust variant of an enum value.
fn variant(value: &EnumValue) -> String {
    naming::camel(&naming::variant(&value.value, value.name.as_deref()))
}

/// The request struct of an endpoint.
fn request(endpoint: &Endpoint) -> String {
    naming::request_type(&endpoint.name)
}

/// The client method of an endpoint.
fn method(endpoint: &Endpoint) -> String {
    format!("Client::{}", ident(&endpoint.name))
}

/// The page-stream method of a paging endpoint.
fn stream(endpoint: &Endpoint) -> String {
    format!("Client::{}", naming::stream_method(&endpoint.name))
}

/// The Rust type of a type expression, spelled short (`Vec<IpAddr>`, `DateTime<Utc>`).
fn rust_type(spec: &Spec, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Scalar(scalar) => match scalar {
            Scalar::String => "String",
            Scalar::I32 => "i32",
            Scalar::I64 => "i64",
            Scalar::U32 => "u32",
            Scalar::U64 => "u64",
            Scalar::Bool => "bool",
            Scalar::Decimal => "Decimal",
            Scalar::Date => "NaiveDate",
            Scalar::Timestamp => "DateTime<Utc>",
            Scalar::Ip => "IpAddr",
            Scalar::Json => "serde_json::Value",
            Scalar::JsonString => "JsonString",
        }
        .to_owned(),
        TypeRef::Named(name) if spec.type_def(name).is_some() => type_name(name),
        TypeRef::Named(_) => "serde_json::Value".to_owned(),
        TypeRef::List(inner) | TypeRef::Csv(inner) => format!("Vec<{}>", rust_type(spec, inner)),
        TypeRef::Empty => "Empty".to_owned(),
    }
}

fn optional(ty: String, optional: bool) -> String {
    if optional {
        format!("Option<{ty}>")
    } else {
        ty
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Record { .. } => "record",
        TypeKind::Enum { .. } => "enum",
        TypeKind::Page { .. } => "page",
    }
}

fn repr_name(repr: EnumRepr) -> &'static str {
    match repr {
        EnumRepr::String => "strings",
        EnumRepr::Integer => "integers",
    }
}

/// Whether `endpoint` gets an arm in `Client::reconcile`.
fn reconciles(spec: &Spec, endpoint: &Endpoint) -> bool {
    endpoint
        .orders_in
        .as_ref()
        .is_some_and(|o| spec.endpoint(&o.endpoint).is_some())
}

/// Whether the client of `spec` has `Client::reconcile`.
fn has_reconcile(spec: &Spec) -> bool {
    spec.endpoints.iter().any(|e| reconciles(spec, e))
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

    // ---- api --------------------------------------------------------------------------------

    fn api(&mut self) {
        let (old, new) = (&self.old.api, &self.new.api);
        let path = "api";
        if old.name != new.name {
            self.changed(
                &child(path, "name"),
                Class::Docs,
                format!(
                    "the API's short name is `{}` instead of `{}`; it shows only in `Debug` output and tracing",
                    new.name, old.name
                ),
            );
        }
        if old.title != new.title {
            self.changed(
                &child(path, "title"),
                Class::Docs,
                "the title in the docs of `Client` changes".to_owned(),
            );
        }
        self.docs(&child(path, "doc"), &old.doc, &new.doc, "`Client`");
        if old.base_url != new.base_url {
            self.changed(
                &child(path, "base_url"),
                Class::Breaking,
                format!(
                    "`Client::new` and `Client::from_env` send to `{}` instead of `{}`",
                    new.base_url, old.base_url
                ),
            );
        }
        if old.encoding != new.encoding {
            let affected: Vec<String> = self
                .new
                .endpoints
                .iter()
                .filter(|e| {
                    e.encoding.is_none()
                        && self
                            .old
                            .endpoint(&e.name)
                            .is_some_and(|o| o.encoding.is_none())
                })
                .map(method)
                .collect();
            let (class, tail) = if affected.is_empty() {
                (
                    Class::Docs,
                    "; every existing endpoint sets its own".to_owned(),
                )
            } else {
                (
                    Class::Breaking,
                    format!(": {} send differently", backticked(&affected)),
                )
            };
            self.changed(
                &child(path, "encoding"),
                class,
                format!(
                    "the default request encoding is `{}` instead of `{}`{tail}",
                    new.encoding.name(),
                    old.encoding.name()
                ),
            );
        }
        if old.date_format != new.date_format {
            self.changed(
                &child(path, "date_format"),
                Class::Breaking,
                format!(
                    "`NaiveDate` values are sent and read as `{}` instead of `{}`",
                    new.date_format, old.date_format
                ),
            );
        }
        self.auth();
        self.envelope();
        self.page_layout();
    }

    fn auth(&mut self) {
        let (old, new) = (&self.old.api.auth, &self.new.api.auth);
        for field in old {
            let Some(now) = new.iter().find(|a| a.name == field.name) else {
                self.push(
                    &field.path,
                    ChangeKind::Removed,
                    Class::Breaking,
                    format!(
                        "`Client::new` loses its argument `{}`, and `Client::from_env` no longer reads `{}`",
                        ident(&field.name),
                        field.env
                    ),
                );
                continue;
            };
            if field.env != now.env {
                self.changed(
                    &child(&now.path, "env"),
                    Class::Breaking,
                    format!(
                        "`Client::from_env` reads `{}` from `{}` instead of `{}`",
                        field.name, now.env, field.env
                    ),
                );
            }
            match (field.secret, now.secret) {
                (false, true) => self.changed(
                    &child(&now.path, "secret"),
                    Class::Additive,
                    format!(
                        "the credential `{}` is kept secret: it no longer shows in `Debug` output or errors",
                        field.name
                    ),
                ),
                (true, false) => self.changed(
                    &child(&now.path, "secret"),
                    Class::Breaking,
                    format!(
                        "the credential `{}` is no longer secret: it may show in `Debug` output and errors",
                        field.name
                    ),
                ),
                _ => {}
            }
            self.docs(
                &child(&now.path, "doc"),
                &field.doc,
                &now.doc,
                &format!("the credential `{}`", field.name),
            );
        }
        for field in new {
            if !old.iter().any(|a| a.name == field.name) {
                self.push(
                    &field.path,
                    ChangeKind::Added,
                    Class::Breaking,
                    format!(
                        "`Client::new` gains an argument `{}`, and `Client::from_env` also needs `{}`",
                        ident(&field.name),
                        field.env
                    ),
                );
            }
        }
        let kept_old: Vec<String> = old
            .iter()
            .filter(|a| new.iter().any(|n| n.name == a.name))
            .map(|a| ident(&a.name))
            .collect();
        let kept_new: Vec<String> = new
            .iter()
            .filter(|a| old.iter().any(|o| o.name == a.name))
            .map(|a| ident(&a.name))
            .collect();
        if kept_old != kept_new {
            self.changed(
                "api.auth",
                Class::Breaking,
                format!(
                    "`Client::new` takes its arguments in another order: {} (was {})",
                    backticked(&kept_new),
                    backticked(&kept_old)
                ),
            );
        }
    }

    fn envelope(&mut self) {
        let (old, new) = (&self.old.api.envelope, &self.new.api.envelope);
        let parts = [
            ("status", "status", &old.status, &new.status),
            ("code", "code", &old.code, &new.code),
            ("message", "message", &old.message, &new.message),
            ("data", "data", &old.data, &new.data),
            (
                "timestamp",
                "server timestamp",
                &old.timestamp,
                &new.timestamp,
            ),
        ];
        for (key, what, was, now) in parts {
            if was != now {
                self.changed(
                    &format!("api.envelope.{key}"),
                    Class::Breaking,
                    format!("responses are read with the {what} in `{now}` instead of `{was}`"),
                );
            }
        }
        if old.success != new.success {
            self.changed(
                "api.envelope.success",
                Class::Breaking,
                format!(
                    "the status that means success is `{}` instead of `{}`: other statuses are `Error::Api`",
                    new.success, old.success
                ),
            );
        }
    }

    fn page_layout(&mut self) {
        let (old, new) = (&self.old.api.page, &self.new.api.page);
        let pages: Vec<String> = self
            .new
            .types
            .iter()
            .filter(|t| matches!(t.kind, TypeKind::Page { .. }))
            .map(|t| type_name(&t.name))
            .collect();
        let which = if pages.is_empty() {
            "every page type".to_owned()
        } else {
            format!("every page type ({})", backticked(&pages))
        };
        let counts = [
            ("total", &old.total, &new.total),
            ("per_page", &old.per_page, &new.per_page),
            ("current_page", &old.current_page, &new.current_page),
            ("last_page", &old.last_page, &new.last_page),
        ];
        for (key, was, now) in counts {
            if was == now {
                continue;
            }
            let (was_field, now_field) = (ident(was), ident(now));
            let description = if was_field == now_field {
                format!("{which} reads its field `{now_field}` from `{now}` instead of `{was}`")
            } else {
                format!("the field `{was_field}` of {which} is renamed `{now_field}`")
            };
            self.changed(&format!("api.page.{key}"), Class::Breaking, description);
        }
        if old.items != new.items {
            self.changed(
                "api.page.items",
                Class::Breaking,
                format!(
                    "{which} reads its `items` from `{}` instead of `{}`",
                    new.items, old.items
                ),
            );
        }
    }

    // ---- types ------------------------------------------------------------------------------

    fn types(&mut self) {
        for def in &self.old.types {
            let name = type_name(&def.name);
            match self.new.type_def(&def.name) {
                None => self.push(
                    &def.path,
                    ChangeKind::Removed,
                    Class::Breaking,
                    format!("the {} `{name}` is removed", kind_name(&def.kind)),
                ),
                Some(now) => self.type_def(def, now),
            }
        }
        for def in &self.new.types {
            if self.old.type_def(&def.name).is_none() {
                self.push(
                    &def.path,
                    ChangeKind::Added,
                    Class::Additive,
                    format!(
                        "the {} `{}` is added",
                        kind_name(&def.kind),
                        type_name(&def.name)
                    ),
                );
            }
        }
    }

    fn type_def(&mut self, old: &TypeDef, new: &TypeDef) {
        let name = type_name(&new.name);
        self.docs(
            &child(&new.path, "doc"),
            &old.doc,
            &new.doc,
            &format!("`{name}`"),
        );
        match (&old.kind, &new.kind) {
            (TypeKind::Record { fields: was }, TypeKind::Record { fields: now }) => {
                self.record(&name, was, now)
            }
            (
                TypeKind::Enum {
                    repr: was_repr,
                    values: was,
                },
                TypeKind::Enum {
                    repr: now_repr,
                    values: now,
                },
            ) => {
                if was_repr != now_repr {
                    self.changed(
                        &child(&new.path, "repr"),
                        Class::Breaking,
                        format!(
                            "`{name}` is sent and read as {} instead of {}",
                            repr_name(*now_repr),
                            repr_name(*was_repr)
                        ),
                    );
                }
                self.enum_values(&name, was, now);
            }
            (TypeKind::Page { item: was }, TypeKind::Page { item: now }) => {
                if was != now {
                    self.changed(
                        &child(&new.path, "item"),
                        Class::Breaking,
                        self.type_change(&format!("{name}::items"), was, now, |t| {
                            format!("Vec<{t}>")
                        }),
                    );
                }
            }
            (was, now) => self.changed(
                &child(&new.path, "kind"),
                Class::Breaking,
                format!(
                    "`{name}` changes from a {} to a {}",
                    kind_name(was),
                    kind_name(now)
                ),
            ),
        }
    }

    /// "`item` changes type from `A` to `B`", or, where the Rust type stays, how the wire
    /// changes. `wrap` turns an element type into the item's full type.
    fn type_change(
        &self,
        item: &str,
        was: &TypeRef,
        now: &TypeRef,
        wrap: impl Fn(String) -> String,
    ) -> String {
        let was_rust = wrap(rust_type(self.old, was));
        let now_rust = wrap(rust_type(self.new, now));
        if was_rust == now_rust {
            format!(
                "`{item}` keeps its Rust type `{now_rust}` but is `{now}` on the wire instead of `{was}`"
            )
        } else {
            format!("`{item}` changes type from `{was_rust}` to `{now_rust}`")
        }
    }

    fn record(&mut self, name: &str, old: &[Field], new: &[Field]) {
        for field in old {
            let rust = ident(&field.name);
            let Some(now) = new.iter().find(|f| f.name == field.name) else {
                self.push(
                    &field.path,
                    ChangeKind::Removed,
                    Class::Breaking,
                    format!("the field `{name}::{rust}` is removed"),
                );
                continue;
            };
            let item = format!("{name}::{rust}");
            if field.ty != now.ty {
                let description = if field.nullable == now.nullable {
                    self.type_change(&item, &field.ty, &now.ty, |t| optional(t, now.nullable))
                } else {
                    format!(
                        "`{item}` changes type from `{}` to `{}`",
                        optional(rust_type(self.old, &field.ty), field.nullable),
                        optional(rust_type(self.new, &now.ty), now.nullable)
                    )
                };
                self.changed(&child(&now.path, "type"), Class::Breaking, description);
            } else if field.nullable != now.nullable {
                let ty = rust_type(self.new, &now.ty);
                let description = if now.nullable {
                    format!("`{item}` becomes `Option<{ty}>` (was `{ty}`)")
                } else {
                    format!(
                        "`{item}` becomes `{ty}` (was `Option<{ty}>`); responses without `{}` no longer decode",
                        now.name
                    )
                };
                self.changed(&child(&now.path, "nullable"), Class::Breaking, description);
            }
            self.docs(
                &child(&now.path, "doc"),
                &field.doc,
                &now.doc,
                &format!("`{item}`"),
            );
            if field.example != now.example {
                self.changed(
                    &child(&now.path, "example"),
                    Class::Docs,
                    format!("the example of `{item}` changes"),
                );
            }
        }
        for field in new {
            if old.iter().any(|f| f.name == field.name) {
                continue;
            }
            let ty = rust_type(self.new, &field.ty);
            let rust = ident(&field.name);
            let description = if field.nullable {
                format!("`{name}` gains a field `{rust}: Option<{ty}>`")
            } else {
                format!(
                    "`{name}` gains a field `{rust}: {ty}`; it is not nullable, so responses without `{}` no longer decode",
                    field.name
                )
            };
            self.push(&field.path, ChangeKind::Added, Class::Additive, description);
        }
    }

    fn enum_values(&mut self, name: &str, old: &[EnumValue], new: &[EnumValue]) {
        for value in old {
            let was = variant(value);
            if let Some(now) = new.iter().find(|v| v.value == value.value) {
                let is = variant(now);
                if was != is {
                    self.changed(
                        &now.path,
                        Class::Breaking,
                        format!("`{name}::{was}` is renamed `{name}::{is}`"),
                    );
                }
                self.docs(
                    &child(&now.path, "doc"),
                    &value.doc,
                    &now.doc,
                    &format!("`{name}::{is}`"),
                );
                continue;
            }
            // The wire value is gone; its variant may live on with another wire value.
            match new.iter().find(|v| variant(v) == was) {
                Some(now) if !old.iter().any(|v| v.value == now.value) => self.changed(
                    &now.path,
                    Class::Breaking,
                    format!(
                        "`{name}::{was}` is `{}` on the wire instead of `{}`",
                        now.value, value.value
                    ),
                ),
                _ => self.push(
                    &value.path,
                    ChangeKind::Removed,
                    Class::Breaking,
                    format!(
                        "`{name}::{was}` is removed; `{}` now decodes as `{name}::Unknown`",
                        value.value
                    ),
                ),
            }
        }
        for value in new {
            if old.iter().any(|v| v.value == value.value) {
                continue;
            }
            let is = variant(value);
            let moved = old
                .iter()
                .any(|v| variant(v) == is && !new.iter().any(|n| n.value == v.value));
            if moved {
                continue;
            }
            self.push(
                &value.path,
                ChangeKind::Added,
                Class::Additive,
                format!(
                    "`{name}` gains a variant `{is}`; `{}` no longer decodes as `{name}::Unknown`",
                    value.value
                ),
            );
        }
    }

    // ---- endpoints --------------------------------------------------------------------------

    fn endpoints(&mut self) {
        for endpoint in &self.old.endpoints {
            match self.new.endpoint(&endpoint.name) {
                None => {
                    let mut items = vec![format!("`{}`", method(endpoint))];
                    if endpoint.paging.is_some() {
                        items.push(format!("`{}`", stream(endpoint)));
                    }
                    items.push(format!("`{}`", request(endpoint)));
                    self.push(
                        &endpoint.path,
                        ChangeKind::Removed,
                        Class::Breaking,
                        format!("{} are removed", and_list(&items)),
                    );
                }
                Some(now) => self.endpoint(endpoint, now),
            }
        }
        for endpoint in &self.new.endpoints {
            if self.old.endpoint(&endpoint.name).is_none() {
                let mut items = vec![format!("`{}`", method(endpoint))];
                if endpoint.paging.is_some() {
                    items.push(format!("`{}`", stream(endpoint)));
                }
                items.push(format!("`{}`", request(endpoint)));
                self.push(
                    &endpoint.path,
                    ChangeKind::Added,
                    Class::Additive,
                    format!("{} are added", and_list(&items)),
                );
            }
        }
        let (had, has) = (has_reconcile(self.old), has_reconcile(self.new));
        if had != has {
            let (kind, class, what) = if has {
                (ChangeKind::Added, Class::Additive, "added")
            } else {
                (ChangeKind::Removed, Class::Breaking, "removed")
            };
            self.push(
                "endpoints",
                kind,
                class,
                format!("`Client::reconcile` is {what}"),
            );
        }
    }

    fn endpoint(&mut self, old: &Endpoint, new: &Endpoint) {
        let call = method(new);
        let path = &new.path;
        if old.method != new.method || old.url_path != new.url_path {
            let key = if old.url_path != new.url_path {
                "path"
            } else {
                "method"
            };
            self.changed(
                &child(path, key),
                Class::Breaking,
                format!(
                    "`{call}` sends `{} {}` instead of `{} {}`",
                    new.method.name(),
                    new.url_path,
                    old.method.name(),
                    old.url_path
                ),
            );
        }
        self.docs(
            &child(path, "doc"),
            &old.doc,
            &new.doc,
            &format!("`{call}` and `{}`", request(new)),
        );
        let (was, now) = (self.old.encoding(old), self.new.encoding(new));
        // A change of the API's default alone is reported once, at `api.encoding`.
        if was != now && (old.encoding.is_some() || new.encoding.is_some()) {
            self.changed(
                &child(path, "encoding"),
                Class::Breaking,
                format!(
                    "`{call}` sends its fields as `{}` instead of `{}`",
                    now.name(),
                    was.name()
                ),
            );
        }
        match (old.idempotent, new.idempotent) {
            (true, false) => self.changed(
                &child(path, "idempotent"),
                Class::Breaking,
                format!(
                    "`{call}` is no longer idempotent: it is never retried, and a failure after sending is `Error::OutcomeUnknown`"
                ),
            ),
            (false, true) => self.changed(
                &child(path, "idempotent"),
                Class::Breaking,
                format!(
                    "`{call}` is now idempotent: it is retried after transient failures and no longer fails with `Error::OutcomeUnknown`"
                ),
            ),
            _ => {}
        }
        self.paging(old, new);
        self.orders_in(old, new);
        if old.response != new.response {
            let was = format!("Response<{}>", rust_type(self.old, &old.response));
            let now = format!("Response<{}>", rust_type(self.new, &new.response));
            let description = if was == now {
                format!(
                    "`{call}` still returns `{now}` but reads `{}` from the wire instead of `{}`",
                    new.response, old.response
                )
            } else {
                format!("`{call}` returns `{now}` instead of `{was}`")
            };
            self.changed(&child(path, "response"), Class::Breaking, description);
        }
        self.request(old, new);
        if old.examples != new.examples {
            self.changed(
                &child(path, "examples"),
                Class::Docs,
                format!("the vendor examples of `{call}` change"),
            );
        }
    }

    fn paging(&mut self, old: &Endpoint, new: &Endpoint) {
        let path = child(&new.path, "paging");
        let stream = stream(new);
        let request = request(new);
        match (&old.paging, &new.paging) {
            (None, Some(_)) => self.push(
                &path,
                ChangeKind::Added,
                Class::Additive,
                format!("`{stream}` is added, walking every page"),
            ),
            (Some(_), None) => self.push(
                &path,
                ChangeKind::Removed,
                Class::Breaking,
                format!(
                    "`{stream}` is removed, and `{request}` no longer implements `PagedRequest`"
                ),
            ),
            (Some(was), Some(now)) => {
                if was.page != now.page {
                    self.changed(
                        &child(&path, "page"),
                        Class::Breaking,
                        format!(
                            "`{stream}` selects pages with `{}` instead of `{}`",
                            now.page, was.page
                        ),
                    );
                }
                if was.limit != now.limit {
                    self.changed(
                        &child(&path, "limit"),
                        Class::Docs,
                        format!(
                            "the page-size field of `{}` is `{}` instead of `{}`; the generated code does not use it",
                            new.name, now.limit, was.limit
                        ),
                    );
                }
            }
            (None, None) => {}
        }
    }

    fn orders_in(&mut self, old: &Endpoint, new: &Endpoint) {
        let path = child(&new.path, "orders_in");
        let (was, now) = (
            reconciles(self.old, old)
                .then_some(old.orders_in.as_ref())
                .flatten(),
            reconciles(self.new, new)
                .then_some(new.orders_in.as_ref())
                .flatten(),
        );
        let name = &new.name;
        match (was, now) {
            (None, Some(now)) => self.push(
                &path,
                ChangeKind::Added,
                Class::Additive,
                format!(
                    "`Client::reconcile` looks up calls of `{name}` in `Client::{}`",
                    naming::stream_method(&now.endpoint)
                ),
            ),
            (Some(_), None) => self.push(
                &path,
                ChangeKind::Removed,
                Class::Breaking,
                format!("`Client::reconcile` no longer looks up calls of `{name}`"),
            ),
            (Some(was), Some(now)) if was != now => self.changed(
                &path,
                Class::Breaking,
                format!(
                    "`Client::reconcile` looks up calls of `{name}` in `Client::{}` by `{}` (was `Client::{}` by `{}`)",
                    naming::stream_method(&now.endpoint),
                    now.since,
                    naming::stream_method(&was.endpoint),
                    was.since
                ),
            ),
            _ => {}
        }
    }

    fn request(&mut self, old: &Endpoint, new: &Endpoint) {
        let request = request(new);
        let path = child(&new.path, "request");
        for field in &old.request {
            let rust = ident(&field.name);
            let Some(now) = new.request.iter().find(|f| f.name == field.name) else {
                let description = if field.required {
                    format!("`{request}::new` loses its argument `{rust}`")
                } else {
                    format!("the setter `{request}::{rust}` is removed")
                };
                self.push(
                    &field.path,
                    ChangeKind::Removed,
                    Class::Breaking,
                    description,
                );
                continue;
            };
            self.request_field(&request, field, now);
        }
        for field in &new.request {
            if old.request.iter().any(|f| f.name == field.name) {
                continue;
            }
            let rust = ident(&field.name);
            let (class, description) = if field.required {
                (
                    Class::Breaking,
                    format!("`{request}::new` gains an argument `{rust}`"),
                )
            } else {
                (
                    Class::Additive,
                    format!("`{request}` gains a setter `{rust}`"),
                )
            };
            self.push(&field.path, ChangeKind::Added, class, description);
        }
        // The arguments of `new` are the required fields in file order.
        let order = |fields: &[Field], other: &[Field]| -> Vec<String> {
            fields
                .iter()
                .filter(|f| f.required && other.iter().any(|o| o.name == f.name && o.required))
                .map(|f| ident(&f.name))
                .collect()
        };
        let (was, now) = (
            order(&old.request, &new.request),
            order(&new.request, &old.request),
        );
        if was != now {
            self.changed(
                &path,
                Class::Breaking,
                format!(
                    "`{request}::new` takes its arguments in another order: {} (was {})",
                    backticked(&now),
                    backticked(&was)
                ),
            );
        }
        let defaults = |e: &Endpoint| !e.request.iter().any(|f| f.required);
        match (defaults(old), defaults(new)) {
            (true, false) => self.changed(
                &path,
                Class::Breaking,
                format!("`{request}` no longer implements `Default`"),
            ),
            (false, true) => self.changed(
                &path,
                Class::Additive,
                format!("`{request}` implements `Default`"),
            ),
            _ => {}
        }
    }

    fn request_field(&mut self, request: &str, old: &Field, new: &Field) {
        let rust = ident(&new.name);
        let item = format!("{request}::{rust}");
        match (old.required, new.required) {
            (false, true) => self.changed(
                &child(&new.path, "required"),
                Class::Breaking,
                format!(
                    "`{request}::new` gains an argument `{rust}`; the setter `{item}` is removed"
                ),
            ),
            (true, false) => self.changed(
                &child(&new.path, "required"),
                Class::Breaking,
                format!(
                    "`{request}::new` loses its argument `{rust}`; set it with the setter `{item}`"
                ),
            ),
            _ => {}
        }
        if old.ty != new.ty {
            let description = if old.required == new.required {
                self.type_change(&item, &old.ty, &new.ty, |t| optional(t, !new.required))
            } else {
                format!(
                    "`{item}` changes type from `{}` to `{}`",
                    optional(rust_type(self.old, &old.ty), !old.required),
                    optional(rust_type(self.new, &new.ty), !new.required)
                )
            };
            self.changed(&child(&new.path, "type"), Class::Breaking, description);
        }
        self.bounds(&item, &new.path, &old.bounds, &new.bounds);
        self.docs(
            &child(&new.path, "doc"),
            &old.doc,
            &new.doc,
            &format!("`{item}`"),
        );
        if old.example != new.example {
            self.changed(
                &child(&new.path, "example"),
                Class::Docs,
                format!("the example of `{item}` changes"),
            );
        }
    }

    /// Bounds are checked before sending: a tighter bound refuses values that passed before.
    fn bounds(&mut self, item: &str, path: &str, old: &Bounds, new: &Bounds) {
        let to_i128 = |v: Option<u64>| v.map(i128::from);
        let to_i128s = |v: Option<i64>| v.map(i128::from);
        // (key, old, new, whether a higher value is tighter)
        let bounds = [
            (
                "minimum",
                to_i128s(old.minimum),
                to_i128s(new.minimum),
                true,
            ),
            (
                "maximum",
                to_i128s(old.maximum),
                to_i128s(new.maximum),
                false,
            ),
            (
                "min_length",
                to_i128(old.min_length),
                to_i128(new.min_length),
                true,
            ),
            (
                "max_length",
                to_i128(old.max_length),
                to_i128(new.max_length),
                false,
            ),
            (
                "min_items",
                to_i128(old.min_items),
                to_i128(new.min_items),
                true,
            ),
            (
                "max_items",
                to_i128(old.max_items),
                to_i128(new.max_items),
                false,
            ),
        ];
        for (key, was, now, higher_is_tighter) in bounds {
            if was == now {
                continue;
            }
            let tighter = match (was, now) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(a), Some(b)) => (b > a) == higher_is_tighter,
                (None, None) => continue,
            };
            let was_text = was.map_or_else(|| "none".to_owned(), |v| v.to_string());
            let (class, description) = match (tighter, now) {
                (true, Some(now)) => (
                    Class::Breaking,
                    format!(
                        "`{item}` has the `{key}` {now} (was {was_text}): values that passed before are refused with `Error::InvalidInput`"
                    ),
                ),
                (_, Some(now)) => (
                    Class::Additive,
                    format!(
                        "`{item}` has the `{key}` {now} (was {was_text}): more values are accepted"
                    ),
                ),
                (_, None) => (
                    Class::Additive,
                    format!(
                        "`{item}` no longer has a `{key}` (was {was_text}): more values are accepted"
                    ),
                ),
            };
            let kind = match (was, now) {
                (None, _) => ChangeKind::Added,
                (_, None) => ChangeKind::Removed,
                _ => ChangeKind::Changed,
            };
            self.push(&child(path, key), kind, class, description);
        }
    }
}
