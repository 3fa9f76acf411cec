//! The drift vocabulary: the kinds of difference between what an API sends and what its spec
//! says, each with its one text form.
//!
//! Three tools meet drift, and all of them speak this vocabulary: the `ipidea` client reports
//! the kinds it decodes through ([`DriftKind::decodes`]) on the responses it reads; `ipidea spec
//! verify` finds every kind but [`DriftKind::Coercion`] on raw JSON; and the sandbox injects
//! the same kinds on purpose ([`DriftKind::INJECTED`]) so that both are tested over HTTP.

use std::fmt;
use std::str::FromStr;

/// A kind of drift: how a response differs from its spec.
///
/// ```
/// use ipidea_spec::DriftKind;
///
/// assert_eq!(DriftKind::UnknownField.as_str(), "unknown-field");
/// assert_eq!("bad-type".parse(), Ok(DriftKind::BadType));
/// assert!(DriftKind::UnknownEnum.decodes() && !DriftKind::Null.decodes());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DriftKind {
    /// A field the spec does not declare (the client keeps it in the record's `extra`).
    UnknownField,
    /// An enum value the spec does not list (the client decodes it as `Unknown(..)`).
    UnknownEnum,
    /// A value in a form the spec's wire leniency does not cover, which the client still
    /// accepts, such as `15.0` for an integer or `{}` for an empty list.
    Coercion,
    /// `null`, or a missing field, where the spec allows none.
    Null,
    /// A value that does not fit its type, even with the wire leniency or a coercion.
    BadType,
    /// Records where the spec says `json`: a shape the spec could name.
    UntypedShape,
}

impl DriftKind {
    /// Every kind, in the order of their text forms in a list.
    pub const ALL: [DriftKind; 6] = [
        DriftKind::UnknownField,
        DriftKind::UnknownEnum,
        DriftKind::Coercion,
        DriftKind::Null,
        DriftKind::BadType,
        DriftKind::UntypedShape,
    ];

    /// The kinds the sandbox can inject and `spec verify` can find: every kind but
    /// [`DriftKind::Coercion`], which only the client's decoders see.
    pub const INJECTED: [DriftKind; 5] = [
        DriftKind::UnknownField,
        DriftKind::UnknownEnum,
        DriftKind::Null,
        DriftKind::BadType,
        DriftKind::UntypedShape,
    ];

    /// The text form, the same in events, reports, flags and JSON: `unknown-field`,
    /// `unknown-enum`, `coercion`, `null`, `bad-type` or `untyped-shape`.
    pub const fn as_str(self) -> &'static str {
        match self {
            DriftKind::UnknownField => "unknown-field",
            DriftKind::UnknownEnum => "unknown-enum",
            DriftKind::Coercion => "coercion",
            DriftKind::Null => "null",
            DriftKind::BadType => "bad-type",
            DriftKind::UntypedShape => "untyped-shape",
        }
    }

    /// Whether the client still decodes a response with this drift (and reports it): unknown
    /// fields and enum values, and coercions. The others fail the decode, with the body kept.
    pub const fn decodes(self) -> bool {
        matches!(
            self,
            DriftKind::UnknownField | DriftKind::UnknownEnum | DriftKind::Coercion
        )
    }
}

impl fmt::Display for DriftKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that is no kind of drift; its message lists the kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownDriftKind(pub String);

impl fmt::Display for UnknownDriftKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown drift kind `{}`; the kinds are ", self.0)?;
        for (i, kind) in DriftKind::ALL.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}`{kind}`")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownDriftKind {}

impl FromStr for DriftKind {
    type Err = UnknownDriftKind;

    fn from_str(text: &str) -> Result<DriftKind, UnknownDriftKind> {
        DriftKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| UnknownDriftKind(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_its_text_form() {
        for kind in DriftKind::ALL {
            assert_eq!(kind.as_str().parse(), Ok(kind));
            assert_eq!(kind.to_string(), kind.as_str());
        }
        let error = "unknown_field".parse::<DriftKind>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown drift kind `unknown_field`; the kinds are `unknown-field`, `unknown-enum`, \
             `coercion`, `null`, `bad-type`, `untyped-shape`"
        );
        let injected: Vec<DriftKind> = DriftKind::ALL
            .into_iter()
            .filter(|k| *k != DriftKind::Coercion)
            .collect();
        assert_eq!(injected, DriftKind::INJECTED);
    }
}
