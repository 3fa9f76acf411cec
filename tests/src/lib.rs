//! Test support for the `ipidea` workspace.
//!
//! The main item is [`RecordingServer`]: a real HTTP/1.1 server on loopback
//! that records every request exactly as it arrived on the wire
//! ([`Recorded`]) and answers with scripted replies ([`Reply`]), including
//! faults such as dropped connections, truncated bodies and delays.
//!
//! ```no_run
//! # async fn demo() {
//! use ipidea_tests::{RecordingServer, Reply};
//!
//! let server = RecordingServer::start().await;
//! server.reply(Reply::json(r#"{"ret":0,"code":"1","msg":"success","ret_data":[]}"#));
//! server.reply(Reply::html_500());
//! // ... point a client at `server.url()` ...
//! let requests = server.requests();
//! # let _ = requests;
//! # }
//! ```

#![deny(missing_docs)]

mod fields;
mod recorder;
mod spacing;

pub use recorder::{DEFAULT_REPLY_BODY, Recorded, RecordingServer, Reply};
pub use spacing::{SCHEDULING_SLACK, assert_spaced};

/// The repository README's examples compile.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
