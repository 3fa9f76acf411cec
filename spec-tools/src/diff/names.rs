//! How the descriptions name spec items: as the Rust items `generate!` makes of them.
//!
//! The identifiers and scalar types come from `ipidea_spec`, the rules `generate!` follows;
//! only the short spelling of whole type expressions (`Vec<IpAddr>`, `Option<i32>`) is the
//! diff's own.

use ipidea_spec::model::{Endpoint, EnumValue, Spec, TypeRef};
use ipidea_spec::naming;

use super::Differ;

/// The Rust name of a type.
pub(super) fn type_name(name: &str) -> String {
    naming::camel(name)
}

/// The Rust variant of an enum value.
pub(super) fn variant(value: &EnumValue) -> String {
    naming::camel(&naming::variant(&value.value, value.name.as_deref()))
}

/// The request struct of an endpoint.
pub(super) fn request(endpoint: &Endpoint) -> String {
    naming::request_type(&endpoint.name)
}

/// The client method of an endpoint.
pub(super) fn method(endpoint: &Endpoint) -> String {
    format!("Client::{}", naming::ident(&endpoint.name))
}

/// The page-stream method of a paging endpoint.
pub(super) fn stream(endpoint: &Endpoint) -> String {
    format!("Client::{}", naming::stream_method(&endpoint.name))
}

/// The Rust type of a type expression, spelled short (`Vec<IpAddr>`, `DateTime<Utc>`).
pub(super) fn rust_type(spec: &Spec, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Scalar(scalar) => scalar.rust_type().short.to_owned(),
        TypeRef::Named(name) if spec.type_def(name).is_some() => type_name(name),
        TypeRef::Named(_) => "serde_json::Value".to_owned(),
        TypeRef::List(inner) | TypeRef::Csv(inner) => format!("Vec<{}>", rust_type(spec, inner)),
        TypeRef::Empty => "Empty".to_owned(),
    }
}

/// `ty`, or `Option<ty>` when `optional`.
pub(super) fn optional(ty: String, optional: bool) -> String {
    if optional {
        format!("Option<{ty}>")
    } else {
        ty
    }
}

impl Differ<'_> {
    /// "`item` changes type from `A` to `B`", or, where the Rust type stays, how the wire
    /// changes. `wrap` turns an element type into the item's full type.
    pub(super) fn type_change(
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
}
