//! Exit codes: distinct for each kind of failure, so scripts can tell them apart.

use std::process::ExitCode;

/// A cancelled confirmation: nothing was sent.
pub const CANCELLED: u8 = 1;
/// A usage error: a bad flag or value, a missing credential or confirmation. Nothing was sent.
pub const USAGE: u8 = 2;
/// The API refused the call (`ret != 0`). Its `msg` is printed.
pub const REFUSED: u8 = 3;
/// The call failed on the way: network, timeout, HTTP status, or a response that does not
/// decode; or a threshold check found no value to compare in the response.
pub const FAILED: u8 = 4;
/// An order was sent but no answer came back: it may or may not exist. Look it up before
/// sending it again.
pub const OUTCOME_UNKNOWN: u8 = 5;
/// A threshold check (`--below AMOUNT` on `balance-left` or `flow-left`) found the value below
/// the amount. The response was printed as usual.
pub const BELOW_THRESHOLD: u8 = 6;
/// `spec verify` found a live response that differs from the spec (drift). The report was
/// printed as usual.
pub const DRIFT: u8 = 7;

/// The exit codes, as shown at the end of `--help`.
pub const HELP: &str = "\
Exit codes:
  0  success
  1  a confirmation was declined; nothing was sent
  2  usage error (bad flag or value, missing credentials or confirmation); nothing was sent
  3  the API refused the call; its message is printed, with a hint where the refusal is one
     the spec names (not whitelisted, traffic used up) (spec verify: stops at a refusal of
     the first call, the credentials)
  4  network, timeout, HTTP or decode failure; with --below, a response without the value;
     spec verify: a call failed, or the server does not answer like the IPIDEA API
  5  an order, an extraction, a whitelist change or a setting was sent but its outcome is
     unknown: look it up before sending it again (`whitelist sync` looks by itself: run it
     again)
  6  --below: the balance or traffic left is below the amount given
  7  spec verify: a live response differs from the spec (drift); the report lists it

Environment:
  IPIDEA_UID, IPIDEA_APPKEY  credentials (the appkey is never a flag: use --appkey-file or the prompt)
  IPIDEA_BASE_URL            another server for the order API (--base-url: for every API)
  IPIDEA_EXTRACTION_URL      another server for the extraction API (`proxies get`)";

/// The exit code of a failed call.
pub fn of(error: &ipidea::Error) -> ExitCode {
    ExitCode::from(match error {
        ipidea::Error::Api { .. } => REFUSED,
        ipidea::Error::OutcomeUnknown { .. } => OUTCOME_UNKNOWN,
        ipidea::Error::InvalidInput { .. } | ipidea::Error::Config(_) => USAGE,
        _ => FAILED,
    })
}
