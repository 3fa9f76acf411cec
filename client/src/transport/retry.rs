//! When and how often idempotent calls are sent again.

use std::time::Duration;

/// When and how often idempotent calls are sent again after a transient failure.
///
/// Only endpoints the spec marks idempotent (the list calls) are ever retried, and only after
/// a transport error, a timeout, HTTP 5xx or HTTP 429. Calls that spend money are sent exactly
/// once, whatever this policy says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included. `1` turns retries off.
    pub max_attempts: u32,
    /// Backoff before the first retry; it doubles with each retry.
    pub initial_backoff: Duration,
    /// The longest backoff, `Retry-After` included.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// No retries.
    pub const fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
        }
    }

    /// The wait before retry `retry` (1 for the first): the server's `Retry-After` where it sent
    /// one, else exponential backoff with full jitter; never above `max_backoff`.
    pub fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.max_backoff);
        }
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        let ceiling = exp.min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

impl Default for RetryPolicy {
    /// Three attempts, 200 ms doubling, at most 5 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}
