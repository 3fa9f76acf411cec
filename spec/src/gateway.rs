//! The user-name grammar of IPIDEA's account-and-password gateway: which product zone, region
//! and sticky session a proxied request asks for, said in the proxy user name.
//!
//! ```text
//! USER-zone-ZONE[-region-XX][-session-ID][-sessTime-MINUTES]
//! ```
//!
//! No vendor page documents it. Seven public projects agree on the grammar (the password is
//! sent as is); `zone-static` is the static residential product (3 projects); `sessTime` is in
//! minutes, capped at 120 (2 projects); session ids are 6 to 15 letters or digits chosen by the
//! client (5 projects). Options seen only in code of untested quality (`-st-`, `-city-`,
//! `-asn-`) are not part of it. The client's gateway builder writes user names with
//! `UserName`'s `Display` and the sandbox's gateway reads them with [`UserName::parse`], so
//! the two cannot disagree.

use std::fmt;

/// What separates the parts of a user name.
pub const SEPARATOR: char = '-';

/// The longest sticky session, in minutes.
pub const MAX_MINUTES: u32 = 120;

/// The shortest and longest session id, in characters.
pub const SESSION_LEN: (usize, usize) = (6, 15);

/// A gateway user name, its parts borrowed from the text or the caller.
///
/// ```
/// use ipidea_spec::gateway::UserName;
///
/// let name = UserName {
///     account: "alice",
///     zone: "custom",
///     region: Some("us"),
///     session: Some("a1b2c3d4"),
///     minutes: Some(30),
/// };
/// let text = name.to_string();
/// assert_eq!(text, "alice-zone-custom-region-us-session-a1b2c3d4-sessTime-30");
/// assert_eq!(UserName::parse(&text), Ok(name));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserName<'a> {
    /// The account's proxy user.
    pub account: &'a str,
    /// The product zone: `custom` (rotating residential) or `static`.
    pub zone: &'a str,
    /// The country, two letters, where one is asked for.
    pub region: Option<&'a str>,
    /// The sticky session's id, where one is asked for.
    pub session: Option<&'a str>,
    /// The sticky session's lifetime in minutes, where one is asked for.
    pub minutes: Option<u32>,
}

impl fmt::Display for UserName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-zone-{}", self.account, self.zone)?;
        if let Some(region) = self.region {
            write!(f, "-region-{region}")?;
        }
        if let Some(session) = self.session {
            write!(f, "-session-{session}")?;
        }
        if let Some(minutes) = self.minutes {
            write!(f, "-sessTime-{minutes}")?;
        }
        Ok(())
    }
}

impl<'a> UserName<'a> {
    /// Reads a user name, checking each part ([`check_account`], [`check_session`], the
    /// region's two letters, minutes from 1 to [`MAX_MINUTES`]).
    ///
    /// ```
    /// use ipidea_spec::gateway::UserName;
    ///
    /// let name = UserName::parse("alice-zone-static").unwrap();
    /// assert_eq!((name.account, name.zone, name.session), ("alice", "static", None));
    /// assert!(UserName::parse("alice").is_err());
    /// assert!(UserName::parse("alice-zone-custom-session-ab").is_err());
    /// ```
    pub fn parse(text: &'a str) -> Result<UserName<'a>, String> {
        let marker = "-zone-";
        let at = text
            .find(marker)
            .ok_or_else(|| format!("`{text}` names no zone: expected USER-zone-ZONE..."))?;
        let account = &text[..at];
        check_account(account)?;
        let mut parts = text[at + marker.len()..].split(SEPARATOR);
        let zone = parts.next().unwrap_or_default();
        check_zone(zone)?;
        let mut name = UserName {
            account,
            zone,
            region: None,
            session: None,
            minutes: None,
        };
        while let Some(key) = parts.next() {
            let value = parts
                .next()
                .ok_or_else(|| format!("`{key}` has no value in `{text}`"))?;
            match key {
                "region" if name.region.is_none() => {
                    check_region(value)?;
                    name.region = Some(value);
                }
                "session" if name.session.is_none() => {
                    check_session(value)?;
                    name.session = Some(value);
                }
                "sessTime" if name.minutes.is_none() => {
                    let minutes = value
                        .parse()
                        .map_err(|_| format!("`{value}` is not a number of minutes"))?;
                    check_minutes(minutes)?;
                    name.minutes = Some(minutes);
                }
                other => {
                    return Err(format!(
                        "`{other}` is not a part of a gateway user name, or it is repeated"
                    ));
                }
            }
        }
        Ok(name)
    }
}

/// An account's proxy user: not empty, without `-zone-` (which would end it early).
pub fn check_account(account: &str) -> Result<(), String> {
    if account.is_empty() || account.contains("-zone-") || account.chars().any(char::is_whitespace)
    {
        return Err(format!(
            "`{account}` is not a proxy user: it must not be empty, hold spaces, or contain `-zone-`"
        ));
    }
    Ok(())
}

/// The zone: letters only (`custom`, `static`).
pub fn check_zone(zone: &str) -> Result<(), String> {
    if zone.is_empty() || !zone.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(format!(
            "`{zone}` is not a zone: expected `custom` or `static`"
        ));
    }
    Ok(())
}

/// The region: two ASCII letters.
pub fn check_region(region: &str) -> Result<(), String> {
    crate::encode::country(region).map(|_| ())
}

/// A session id: 6 to 15 ASCII letters or digits, so never the separator.
///
/// ```
/// use ipidea_spec::gateway::check_session;
///
/// assert!(check_session("a1b2c3").is_ok());
/// assert!(check_session("a1-b2c3").is_err());
/// assert!(check_session("short").is_err());
/// ```
pub fn check_session(id: &str) -> Result<(), String> {
    let (min, max) = SESSION_LEN;
    if !(min..=max).contains(&id.len()) || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "`{id}` is not a session id: expected {min} to {max} letters or digits (no `{SEPARATOR}`)"
        ));
    }
    Ok(())
}

/// A session's lifetime: 1 to [`MAX_MINUTES`] minutes.
pub fn check_minutes(minutes: u32) -> Result<(), String> {
    if !(1..=MAX_MINUTES).contains(&minutes) {
        return Err(format!(
            "a session lasts 1 to {MAX_MINUTES} minutes, not {minutes}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_reads_back_and_bad_parts_are_named() {
        let full = "bob_1-zone-custom-region-de-session-Ab12Cd34Ef-sessTime-120";
        let name = UserName::parse(full).unwrap();
        assert_eq!(name.to_string(), full);
        assert_eq!(name.minutes, Some(120));
        for (bad, says) in [
            ("bob-zone-custom-sessTime-121", "1 to 120 minutes, not 121"),
            ("bob-zone-custom-sessTime-0", "not 0"),
            ("bob-zone-custom-region-usa", "`usa` is not a country code"),
            ("bob-zone-custom-session-abc", "`abc` is not a session id"),
            ("bob-zone-custom-city-paris", "`city` is not a part"),
            ("bob-zone-custom-region-us-region-de", "or it is repeated"),
            (
                "bob-zone-custom-session-abcdef-session-ghijkl",
                "or it is repeated",
            ),
            ("bob-zone-custom-sessTime-5-sessTime-6", "or it is repeated"),
            ("b ob-zone-custom", "is not a proxy user"),
            ("bob-zone-custom-region", "`region` has no value"),
            ("-zone-custom", "is not a proxy user"),
            ("bob-zone-", "is not a zone"),
        ] {
            let error = UserName::parse(bad).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }
}
