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

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    /// The longest of many backoffs before `retry`: with full jitter, close to the ceiling.
    fn longest(policy: &RetryPolicy, retry: u32) -> Duration {
        (0..400).map(|_| policy.backoff(retry, None)).max().unwrap()
    }

    #[test]
    fn the_backoff_doubles_with_each_retry_up_to_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff: 100 * MS,
            max_backoff: 1000 * MS,
        };
        for (retry, ceiling) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (4, 800),
            (5, 1000),
            (40, 1000),
        ] {
            let ceiling = ceiling * MS;
            let longest = longest(&policy, retry);
            // Full jitter: never above the ceiling, and over 400 draws one lands in its top
            // quarter unless something is wrong (the odds otherwise are 0.75^400).
            assert!(
                longest <= ceiling,
                "retry {retry}: {longest:?} > {ceiling:?}"
            );
            assert!(
                longest >= ceiling * 3 / 4,
                "retry {retry}: the longest of 400 backoffs was {longest:?}, ceiling {ceiling:?}"
            );
        }
    }

    #[test]
    fn retry_after_is_used_as_sent_up_to_the_cap() {
        let policy = RetryPolicy::default();
        let two = Duration::from_secs(2);
        for retry in [1, 2, 3] {
            assert_eq!(policy.backoff(retry, Some(two)), two, "not jittered");
        }
        assert_eq!(
            policy.backoff(1, Some(Duration::from_secs(3600))),
            policy.max_backoff
        );
        assert_eq!(policy.backoff(1, Some(Duration::ZERO)), Duration::ZERO);
    }

    #[test]
    fn the_default_is_three_attempts_from_200ms_to_5s_and_none_is_one() {
        let default = RetryPolicy::default();
        assert_eq!(default.max_attempts, 3);
        assert_eq!(default.initial_backoff, 200 * MS);
        assert_eq!(default.max_backoff, Duration::from_secs(5));
        let none = RetryPolicy::none();
        assert_eq!(none.max_attempts, 1);
        assert_eq!(none.backoff(1, None), Duration::ZERO);
        assert_eq!(
            none.backoff(1, Some(Duration::from_secs(9))),
            Duration::ZERO
        );
    }
}
