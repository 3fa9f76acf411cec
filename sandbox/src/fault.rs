//! Faults that the sandbox injects into its answers, per endpoint.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::drift::DriftSet;

/// A failure the sandbox plays instead of (or around) a normal answer.
///
/// Faults are injected per endpoint with [`Sandbox::inject`](crate::Sandbox::inject) (the next
/// request only, queued in order) or [`Sandbox::inject_always`](crate::Sandbox::inject_always)
/// (every request until [`Sandbox::clear_faults`](crate::Sandbox::clear_faults)).
///
/// Only [`Fault::Latency`], [`Fault::Drift`] and [`Fault::CommitThenDrop`] let the call reach
/// the hand-written logic (orders, whitelist, balance); every other fault answers in its place,
/// so the call changes nothing and spends nothing.
///
/// Each fault also has a text form, read by [`FromStr`] and written by [`Display`](fmt::Display),
/// which the binary's `--fault ENDPOINT=FAULT` uses:
///
/// | text | fault |
/// |---|---|
/// | `latency:250ms`, `latency:2s` | [`Fault::Latency`] |
/// | `status:503` | [`Fault::Status`] |
/// | `html` | [`Fault::HtmlError`] |
/// | `truncated` | [`Fault::Truncated`] |
/// | `drop` | [`Fault::Drop`] |
/// | `refuse:1001:余额不足` (the message may be left out) | [`Fault::Refuse`] |
/// | `commit-then-drop` | [`Fault::CommitThenDrop`] |
/// | `drift:null`, `drift:unknown-field,unknown-enum`, `drift:all` | [`Fault::Drift`] |
///
/// ```
/// use std::time::Duration;
/// use ipidea_sandbox::Fault;
///
/// assert_eq!("latency:250ms".parse::<Fault>()?, Fault::Latency(Duration::from_millis(250)));
/// assert_eq!(
///     "refuse:1001:余额不足".parse::<Fault>()?,
///     Fault::Refuse { ret: 1001, msg: "余额不足".into() }
/// );
/// assert_eq!(Fault::Status(503).to_string(), "status:503");
/// # Ok::<(), ipidea_sandbox::ParseFaultError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Waits this long after reading the request, then answers normally.
    Latency(Duration),
    /// Answers with this HTTP status and a plain JSON error body (not an envelope), such as
    /// `{"status": 503, "error": "Service Unavailable"}`. A status outside `200..=999` is
    /// served as 500.
    Status(u16),
    /// Answers `500` with a `text/html` error page, as a proxy in front of the API would.
    HtmlError,
    /// Answers `200` with a `Content-Length` larger than the bytes sent: the first half of a
    /// success body goes out, then the connection closes.
    Truncated,
    /// Reads the request, then closes the connection without a response.
    Drop,
    /// Answers `200` with an envelope whose status is `ret` and whose message is `msg`: the API
    /// refusing the call (for example `余额不足`, insufficient balance).
    Refuse {
        /// The envelope status; anything but the spec's success value is a refusal.
        ret: i64,
        /// The envelope message.
        msg: String,
    },
    /// Performs the call (an open or renew creates its order and spends the balance, a
    /// whitelist change is made) and then closes the connection without a response: the change
    /// is committed, but the client never hears of it.
    CommitThenDrop,
    /// Answers normally, then alters a successful answer with these kinds of drift (see
    /// [`DriftKind`](crate::DriftKind)), on top of the endpoint's standing drift
    /// ([`Sandbox::set_drift`](crate::Sandbox::set_drift)). A refusal is not altered.
    Drift(DriftSet),
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Latency(delay) => write!(f, "latency:{}ms", delay.as_millis()),
            Fault::Status(status) => write!(f, "status:{status}"),
            Fault::HtmlError => f.write_str("html"),
            Fault::Truncated => f.write_str("truncated"),
            Fault::Drop => f.write_str("drop"),
            Fault::Refuse { ret, msg } => write!(f, "refuse:{ret}:{msg}"),
            Fault::CommitThenDrop => f.write_str("commit-then-drop"),
            Fault::Drift(kinds) => write!(f, "drift:{kinds}"),
        }
    }
}

/// Why a text is not a [`Fault`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFaultError {
    message: String,
}

impl ParseFaultError {
    fn new(message: impl Into<String>) -> ParseFaultError {
        ParseFaultError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseFaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseFaultError {}

/// The fault kinds, as the text form writes them, for error messages.
const KINDS: &str = "`latency:250ms`, `status:503`, `html`, `truncated`, `drop`, \
                     `refuse:1001:余额不足`, `commit-then-drop` or `drift:unknown-field`";

impl FromStr for Fault {
    type Err = ParseFaultError;

    fn from_str(text: &str) -> Result<Fault, ParseFaultError> {
        let text = text.trim();
        let (kind, argument) = match text.split_once(':') {
            Some((kind, argument)) => (kind, Some(argument)),
            None => (text, None),
        };
        let no_argument = |fault: Fault| match argument {
            None => Ok(fault),
            Some(_) => Err(ParseFaultError::new(format!(
                "the fault `{kind}` takes no argument, found `{text}`"
            ))),
        };
        match kind.to_ascii_lowercase().as_str() {
            "latency" => {
                let argument = argument.ok_or_else(|| {
                    ParseFaultError::new("`latency` needs a delay: write `latency:250ms`")
                })?;
                parse_duration(argument).map(Fault::Latency)
            }
            "status" => {
                let argument = argument.ok_or_else(|| {
                    ParseFaultError::new("`status` needs an HTTP status: write `status:503`")
                })?;
                match argument.trim().parse::<u16>() {
                    Ok(status) if (200..=999).contains(&status) => Ok(Fault::Status(status)),
                    _ => Err(ParseFaultError::new(format!(
                        "`{argument}` is not an HTTP status: write `status:503`"
                    ))),
                }
            }
            "html" => no_argument(Fault::HtmlError),
            "truncated" => no_argument(Fault::Truncated),
            "drop" => no_argument(Fault::Drop),
            "commit-then-drop" => no_argument(Fault::CommitThenDrop),
            "drift" => {
                let argument = argument.ok_or_else(|| {
                    ParseFaultError::new(
                        "`drift` needs kinds of drift: write `drift:unknown-field`, \
                         `drift:null,bad-type` or `drift:all`",
                    )
                })?;
                argument
                    .parse::<DriftSet>()
                    .map(Fault::Drift)
                    .map_err(|e| ParseFaultError::new(e.to_string()))
            }
            "refuse" => {
                let argument = argument.ok_or_else(|| {
                    ParseFaultError::new(
                        "`refuse` needs an envelope status: write `refuse:1001:余额不足`",
                    )
                })?;
                let (ret, msg) = match argument.split_once(':') {
                    Some((ret, msg)) => (ret, msg.to_owned()),
                    None => (
                        argument,
                        "refused by the sandbox (injected fault)".to_owned(),
                    ),
                };
                let ret = ret.trim().parse::<i64>().map_err(|_| {
                    ParseFaultError::new(format!(
                        "`{ret}` is not an envelope status: write `refuse:1001:余额不足`"
                    ))
                })?;
                Ok(Fault::Refuse { ret, msg })
            }
            _ => Err(ParseFaultError::new(format!(
                "unknown fault `{text}`; expected {KINDS}"
            ))),
        }
    }
}

/// Reads `250ms`, `2s` or `1.5s`.
fn parse_duration(text: &str) -> Result<Duration, ParseFaultError> {
    let text = text.trim();
    let bad = || {
        ParseFaultError::new(format!(
            "`{text}` is not a delay: write it like `250ms` or `2s`"
        ))
    };
    if let Some(millis) = text.strip_suffix("ms") {
        return millis
            .trim()
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| bad());
    }
    if let Some(secs) = text.strip_suffix('s') {
        let secs = secs.trim().parse::<f64>().map_err(|_| bad())?;
        return Duration::try_from_secs_f64(secs).map_err(|_| bad());
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_form_round_trips() {
        for text in [
            "latency:250ms",
            "status:503",
            "html",
            "truncated",
            "drop",
            "refuse:1001:余额不足",
            "commit-then-drop",
            "drift:unknown-field",
            "drift:null,bad-type",
            "drift:all",
        ] {
            let fault: Fault = text.parse().unwrap();
            assert_eq!(fault.to_string(), text);
        }
        assert_eq!(
            "latency:2s".parse::<Fault>().unwrap(),
            Fault::Latency(Duration::from_secs(2))
        );
        assert_eq!(
            "refuse:7".parse::<Fault>().unwrap(),
            Fault::Refuse {
                ret: 7,
                msg: "refused by the sandbox (injected fault)".into()
            }
        );
        assert_eq!(
            "refuse:1:a:b".parse::<Fault>().unwrap(),
            Fault::Refuse {
                ret: 1,
                msg: "a:b".into()
            }
        );
    }

    #[test]
    fn bad_text_says_what_to_write() {
        for (text, expected) in [
            ("latency", "latency:250ms"),
            ("latency:fast", "250ms"),
            ("status:abc", "status:503"),
            ("status:42", "status:503"),
            ("status:100", "status:503"),
            ("drop:now", "takes no argument"),
            ("refuse:x:y", "refuse:1001"),
            ("explode", "unknown fault `explode`"),
            ("drift", "drift:unknown-field"),
            ("drift:nul", "did you mean `null`?"),
        ] {
            let error = text.parse::<Fault>().unwrap_err().to_string();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
