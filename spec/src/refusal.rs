//! The refusals users can match on: their kinds, how a refusal's message is told apart, and
//! what the user should do about each.
//!
//! The spec says which text marks each kind for each API (`refusals`); this module is the
//! vocabulary and the rules over a message, shared by the client (its `Error::refusal`), the
//! command-line tool and the sandbox (which answers with the text the spec names).

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// A kind of refusal that a program can act on.
///
/// ```
/// use ipidea_spec::refusal::RefusalKind;
///
/// assert_eq!(RefusalKind::NotWhitelisted.as_str(), "not-whitelisted");
/// assert_eq!("traffic-exhausted".parse(), Ok(RefusalKind::TrafficExhausted));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefusalKind {
    /// The caller's address is not on the account's whitelist: add it
    /// (`ipidea whitelist sync <IP> --keep-others`, or `Client::whitelist_sync`).
    NotWhitelisted,
    /// The account has no traffic left: buy more before extracting again.
    TrafficExhausted,
}

impl RefusalKind {
    /// Every kind, in the order of their text forms in a list.
    pub const ALL: [RefusalKind; 2] = [RefusalKind::NotWhitelisted, RefusalKind::TrafficExhausted];

    /// The text form, in the spec and in messages: `not-whitelisted` or `traffic-exhausted`.
    pub const fn as_str(self) -> &'static str {
        match self {
            RefusalKind::NotWhitelisted => "not-whitelisted",
            RefusalKind::TrafficExhausted => "traffic-exhausted",
        }
    }

    /// The variant's name, for generated code that spells it: `NotWhitelisted`.
    pub const fn variant(self) -> &'static str {
        match self {
            RefusalKind::NotWhitelisted => "NotWhitelisted",
            RefusalKind::TrafficExhausted => "TrafficExhausted",
        }
    }

    /// What the user should do about a refusal of this kind, with the address the API named
    /// as the caller's where it named one.
    ///
    /// ```
    /// use ipidea_spec::refusal::RefusalKind;
    ///
    /// let advice = RefusalKind::NotWhitelisted.advice(Some("203.0.113.7".parse().unwrap()));
    /// assert!(advice.contains("ipidea whitelist sync 203.0.113.7 --keep-others"));
    /// ```
    pub fn advice(self, address: Option<IpAddr>) -> String {
        match (self, address) {
            (RefusalKind::NotWhitelisted, Some(address)) => format!(
                "the caller's address {address} is not on the whitelist; add it with `ipidea whitelist sync {address} --keep-others` (or `Client::whitelist_sync`)"
            ),
            (RefusalKind::NotWhitelisted, None) => "the caller's address is not on the whitelist; add this machine's public address with `ipidea whitelist sync <IP> --keep-others` (or `Client::whitelist_sync`)".to_owned(),
            (RefusalKind::TrafficExhausted, _) => {
                "the account has no traffic left; buy more before extracting again".to_owned()
            }
        }
    }
}

impl fmt::Display for RefusalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RefusalKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        RefusalKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| {
                let known: Vec<&str> = RefusalKind::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "unknown refusal kind `{text}` (expected {})",
                    known.join(", ")
                )
            })
    }
}

/// The kind of the refusal whose message is `message`, by the first rule (kind, text the
/// message contains) whose text it contains.
///
/// ```
/// use ipidea_spec::refusal::{RefusalKind, classify};
///
/// let rules = [(RefusalKind::NotWhitelisted, "请添加白名单")];
/// assert_eq!(classify(&rules, "请添加白名单 203.0.113.7"), Some(RefusalKind::NotWhitelisted));
/// assert_eq!(classify(&rules, "参数错误"), None);
/// ```
pub fn classify(rules: &[(RefusalKind, &str)], message: &str) -> Option<RefusalKind> {
    rules
        .iter()
        .find(|(_, text)| !text.is_empty() && message.contains(text))
        .map(|(kind, _)| *kind)
}

/// The first IP address written in a refusal's message, such as the caller's address that a
/// "not whitelisted" refusal names.
///
/// ```
/// use ipidea_spec::refusal::named_address;
///
/// assert_eq!(named_address("请添加白名单203.0.113.7"), "203.0.113.7".parse().ok());
/// assert_eq!(named_address("add 2001:db8::1 to the whitelist"), "2001:db8::1".parse().ok());
/// assert_eq!(named_address("version 1.2 refused"), None);
/// ```
pub fn named_address(message: &str) -> Option<IpAddr> {
    message
        .split(|c: char| !(c.is_ascii_hexdigit() || c == '.' || c == ':'))
        .map(|token| token.trim_matches(|c| c == '.' || c == ':'))
        .find_map(|token| token.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_text() {
        for kind in RefusalKind::ALL {
            assert_eq!(kind.as_str().parse(), Ok(kind));
            assert_eq!(kind.to_string(), kind.as_str());
            // Generated code spells the variant by this name.
            assert_eq!(format!("{kind:?}"), kind.variant());
        }
        assert!("whitelist".parse::<RefusalKind>().is_err());
    }

    #[test]
    fn the_first_matching_rule_wins_and_empty_text_matches_nothing() {
        let rules = [
            (RefusalKind::TrafficExhausted, ""),
            (RefusalKind::NotWhitelisted, "白名单"),
            (RefusalKind::TrafficExhausted, "白名单"),
        ];
        assert_eq!(
            classify(&rules, "请添加白名单"),
            Some(RefusalKind::NotWhitelisted)
        );
        assert_eq!(classify(&rules, ""), None);
    }

    #[test]
    fn an_address_is_found_between_words_and_punctuation() {
        let ip = |s: &str| s.parse::<IpAddr>().ok();
        assert_eq!(
            named_address("请添加白名单:203.0.113.7。"),
            ip("203.0.113.7")
        );
        assert_eq!(named_address("ip 198.51.100.2, again"), ip("198.51.100.2"));
        assert_eq!(named_address("no address here"), None);
        assert_eq!(named_address("code 113"), None);
    }
}
