//! The one error type of the client, with a distinct, matchable variant per kind of failure.

use std::time::Duration;

use chrono::{DateTime, Utc};
use ipidea_spec::RefusalKind;

/// Everything that can go wrong with a call.
///
/// Match on the variant to tell a refusal by the API ([`Error::Api`]) from a failure to reach it
/// ([`Error::Transport`], [`Error::Timeout`], [`Error::Status`]), a response this client cannot
/// read ([`Error::Decode`]), a value refused before anything was sent ([`Error::InvalidInput`]),
/// and, for calls that are not idempotent (orders, whitelist changes, settings), a failure after
/// the request may have reached the server ([`Error::OutcomeUnknown`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered and refused the call: its status field (`ret`) was not the success value.
    ///
    /// Refusals a program can act on (the caller is not whitelisted, the traffic is used up)
    /// have a [`refusal`](Error::refusal) kind, and their message says what to do.
    #[error("`{endpoint}` was refused by the API: {msg} (ret {ret}{}){}", code.as_deref().map(|c| format!(", code {c}")).unwrap_or_default(), refusal.map(|kind| format!("; {}", kind.advice(ipidea_spec::refusal::named_address(msg)))).unwrap_or_default())]
    Api {
        /// The endpoint called.
        endpoint: &'static str,
        /// The status field (`ret`; the extraction API's `code`).
        ret: i64,
        /// The code field (`code`), where sent.
        code: Option<String>,
        /// The message field (`msg`): the API's own words.
        msg: String,
        /// The server's timestamp, where sent.
        timestamp: Option<DateTime<Utc>>,
        /// The kind of refusal, where the spec's `refusals` tell it from the message.
        refusal: Option<RefusalKind>,
    },
    /// The server answered with an HTTP status that is not a success.
    #[error("`{endpoint}` answered HTTP {status}; body starts with: {body_excerpt:?}")]
    Status {
        /// The endpoint called.
        endpoint: &'static str,
        /// The HTTP status.
        status: reqwest::StatusCode,
        /// The start of the body.
        body_excerpt: String,
        /// The server's `Retry-After`, where it sent one in seconds.
        retry_after: Option<Duration>,
    },
    /// The connection failed: refused, reset, or closed before a whole response arrived.
    #[error("`{endpoint}` failed in transport: {}", chain(source))]
    Transport {
        /// The endpoint called.
        endpoint: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// No whole response arrived within the timeout.
    #[error("`{endpoint}` timed out after {after:?}")]
    Timeout {
        /// The endpoint called.
        endpoint: &'static str,
        /// The timeout in force.
        after: Duration,
    },
    /// The response arrived but does not fit the envelope or the spec's types.
    #[error(
        "`{endpoint}` sent a response this client cannot decode: {message}; body starts with: {body_excerpt:?}"
    )]
    Decode {
        /// The endpoint called.
        endpoint: &'static str,
        /// What did not fit, with its JSON path.
        message: String,
        /// The start of the body.
        body_excerpt: String,
    },
    /// The response body was larger than the configured limit.
    #[error("`{endpoint}` sent a response larger than the {limit}-byte limit")]
    ResponseTooLarge {
        /// The endpoint called.
        endpoint: &'static str,
        /// The limit in force.
        limit: usize,
    },
    /// A request value was refused before anything was sent.
    #[error("`{endpoint}` was not sent: `{field}` {reason}")]
    InvalidInput {
        /// The endpoint.
        endpoint: &'static str,
        /// The request field at fault.
        field: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// A call that is not idempotent (one that opens or renews an order, changes the whitelist
    /// or a setting) failed after its request may have reached the server: the outcome is
    /// unknown, and the request may have been applied. It was not retried; check before
    /// sending it again (an order in its order list, a whitelist change with `white_list`).
    #[error("`{}` was sent at {} but no usable answer came back ({source}); the outcome is unknown: the request may have been applied, so check before sending it again", request.endpoint, request.sent_at)]
    OutcomeUnknown {
        /// What was sent, and when.
        request: SentRequest,
        /// The failure that left the outcome unknown.
        #[source]
        source: Box<Error>,
    },
    /// The client is not configured to make calls (a missing credential, a bad base URL).
    #[error("the client is misconfigured: {0}")]
    Config(String),
}

/// A request that was sent, for reconciling a call whose outcome is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRequest {
    /// The endpoint.
    pub endpoint: &'static str,
    /// The request fields as sent, without credentials.
    pub fields: Vec<(String, String)>,
    /// When the request was sent.
    pub sent_at: DateTime<Utc>,
}

impl SentRequest {
    /// The value of a sent field.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Error {
    /// The endpoint the failed call was for, where there was one.
    pub fn endpoint(&self) -> Option<&'static str> {
        match self {
            Error::Api { endpoint, .. }
            | Error::Status { endpoint, .. }
            | Error::Transport { endpoint, .. }
            | Error::Timeout { endpoint, .. }
            | Error::Decode { endpoint, .. }
            | Error::ResponseTooLarge { endpoint, .. }
            | Error::InvalidInput { endpoint, .. } => Some(endpoint),
            Error::OutcomeUnknown { request, .. } => Some(request.endpoint),
            Error::Config(_) => None,
        }
    }

    /// The kind of refusal, for a refusal a program can act on: the caller's address is not on
    /// the whitelist, or the account's traffic is used up. Looks through
    /// [`Error::OutcomeUnknown`] to the failure inside it.
    ///
    /// ```
    /// # fn handle(error: ipidea::Error) {
    /// use ipidea::RefusalKind;
    ///
    /// if error.refusal() == Some(RefusalKind::NotWhitelisted) {
    ///     // whitelist this machine (`Client::whitelist_sync`), then extract again
    /// }
    /// # }
    /// ```
    pub fn refusal(&self) -> Option<RefusalKind> {
        match self {
            Error::Api { refusal, .. } => *refusal,
            Error::OutcomeUnknown { source, .. } => source.refusal(),
            _ => None,
        }
    }

    /// The address a "not whitelisted" refusal names as the caller's, where it names one:
    /// the address to add to the whitelist.
    pub fn refused_address(&self) -> Option<std::net::IpAddr> {
        match self {
            Error::Api {
                refusal: Some(RefusalKind::NotWhitelisted),
                msg,
                ..
            } => ipidea_spec::refusal::named_address(msg),
            Error::OutcomeUnknown { source, .. } => source.refused_address(),
            _ => None,
        }
    }

    /// Whether a call that fails this way is worth sending again, if it is safe to send twice.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Status { status, .. } => {
                status.is_server_error() || *status == reqwest::StatusCode::TOO_MANY_REQUESTS
            }
            _ => false,
        }
    }
}

/// How much of a body an error keeps.
pub(crate) const EXCERPT_BYTES: usize = 512;

/// The start of `body` as text, cut on a character boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_BYTES)]);
    let mut text = text.into_owned();
    if body.len() > EXCERPT_BYTES {
        text.push('…');
    }
    text
}

/// An error and its causes, joined: reqwest's own message alone hides the cause.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_of_a_call_names_its_endpoint() {
        let sent = SentRequest {
            endpoint: "isp_ip_open",
            fields: vec![("num".to_owned(), "1".to_owned())],
            sent_at: Utc::now(),
        };
        let timeout = Error::Timeout {
            endpoint: "white_add",
            after: Duration::from_secs(1),
        };
        let cases = [
            (
                Error::Api {
                    endpoint: "a",
                    ret: 1,
                    code: None,
                    msg: String::new(),
                    timestamp: None,
                    refusal: None,
                },
                Some("a"),
            ),
            (
                Error::Status {
                    endpoint: "b",
                    status: reqwest::StatusCode::BAD_GATEWAY,
                    body_excerpt: String::new(),
                    retry_after: None,
                },
                Some("b"),
            ),
            (
                Error::Decode {
                    endpoint: "c",
                    message: String::new(),
                    body_excerpt: String::new(),
                },
                Some("c"),
            ),
            (
                Error::ResponseTooLarge {
                    endpoint: "d",
                    limit: 1,
                },
                Some("d"),
            ),
            (
                Error::InvalidInput {
                    endpoint: "e",
                    field: "num",
                    reason: String::new(),
                },
                Some("e"),
            ),
            (
                Error::OutcomeUnknown {
                    request: sent.clone(),
                    source: Box::new(timeout),
                },
                Some("isp_ip_open"),
            ),
            (Error::Config("x".to_owned()), None),
        ];
        for (error, endpoint) in cases {
            assert_eq!(error.endpoint(), endpoint, "{error:?}");
        }
        assert_eq!(sent.field("num"), Some("1"));
        assert_eq!(sent.field("region"), None);
    }

    #[test]
    fn an_excerpt_keeps_512_bytes_and_marks_a_cut() {
        let at_limit = "a".repeat(EXCERPT_BYTES);
        assert_eq!(
            excerpt(at_limit.as_bytes()),
            at_limit,
            "nothing cut, no mark"
        );
        let over = "b".repeat(EXCERPT_BYTES + 1);
        assert_eq!(
            excerpt(over.as_bytes()),
            format!("{}…", &over[..EXCERPT_BYTES])
        );
        assert_eq!(excerpt(b""), "");
        // A character cut in two shows as a replacement character, not a panic.
        let wide = "余".repeat(EXCERPT_BYTES);
        let cut = excerpt(wide.as_bytes());
        assert!(cut.ends_with("\u{fffd}…"), "{cut}");
    }

    /// An error with an optional cause, for the chain of messages.
    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn a_chain_joins_each_cause_once() {
        let inner = Layer("connection refused", None);
        let middle = Layer(
            "tcp connect error: connection refused",
            Some(Box::new(inner)),
        );
        let outer = Layer("error sending request", Some(Box::new(middle)));
        assert_eq!(
            chain(&outer),
            "error sending request: tcp connect error: connection refused",
            "a cause already in the text is not repeated"
        );
        assert_eq!(chain(&Layer("alone", None)), "alone");
    }
}
