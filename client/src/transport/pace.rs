//! Pacing: how far apart the HTTP requests of one client start, and how many may be in flight
//! at once.
//!
//! A [`Pace`] is configuration ([`ClientBuilder::pace`](crate::ClientBuilder::pace)); the
//! [`Gate`] built from it is shared by every clone of a client, and every HTTP attempt passes
//! it: the first try of a call, each retry, and each page of a page stream.

use std::time::Duration;

use tokio::sync::{Mutex, Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// How a client spaces out its HTTP requests: an optional minimum interval between the starts
/// of consecutive requests, and an optional maximum number of requests in flight at once.
///
/// # The default: one at a time
/// [`Pace::default`] is [`Pace::one_at_a_time`]: at most one request in flight per client (its
/// clones included), with no interval. IPIDEA documents no rate limit and no error code for
/// one, yet its users space their calls out (scripts sleep 2 to 5 s between calls, and one
/// says the API "cannot be called in parallel"), and some of its calls spend money. Sending
/// one request at a time is the cautious choice until the API's real limits are known; it
/// costs nothing to a program that makes one call after another.
///
/// [`Pace::unlimited`] opts out: requests then start as soon as they are made, as many at
/// once as the HTTP client allows.
///
/// # What is paced
/// Every HTTP attempt waits for the pace before it starts: the first try of a call, each
/// retry of an idempotent call (after its backoff), and each page that a page stream
/// ([`Transport::stream`](crate::Transport::stream) and the generated `*_stream` methods)
/// fetches, since pages are sent through the same path as single calls. A request counts as
/// in flight from its start until its response body has been read or the attempt failed.
///
/// The wait for the pace is not part of the [timeout](crate::ClientBuilder::timeout), which
/// starts when the request does: a call that spends money and is still waiting for its turn
/// was never sent, and does not end in [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).
/// A call dropped while it waits (for instance inside `tokio::time::timeout`) gives its place
/// back and sends nothing.
///
/// The pace belongs to one client and its clones (including
/// [`with_timeout`](crate::Transport::with_timeout) copies); two clients built separately
/// are paced separately.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use ipidea::{Client, Pace};
///
/// // One request at a time, and at least 2 s between the starts of two requests.
/// let client = Client::builder()
///     .credential("uid", "10001")
///     .credential("appkey", "my-appkey")
///     .base_url("http://127.0.0.1:9")
///     .pace(Pace::one_at_a_time().with_min_interval(Duration::from_secs(2)))
///     .build()?;
/// assert_eq!(client.transport().pace().max_in_flight(), Some(1));
/// assert_eq!(client.transport().pace().min_interval(), Some(Duration::from_secs(2)));
///
/// // Without any pacing, e.g. against a local sandbox.
/// let fast = Client::builder()
///     .credential("uid", "10001")
///     .credential("appkey", "my-appkey")
///     .base_url("http://127.0.0.1:9")
///     .pace(Pace::unlimited())
///     .build()?;
/// # let _ = fast;
/// # Ok::<(), ipidea::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pace {
    min_interval: Option<Duration>,
    max_in_flight: Option<usize>,
}

impl Pace {
    /// No pacing: no interval, no cap on requests in flight.
    pub const fn unlimited() -> Self {
        Pace {
            min_interval: None,
            max_in_flight: None,
        }
    }

    /// At most one request in flight, no interval: the default (see [`Pace`] for why).
    pub const fn one_at_a_time() -> Self {
        Pace {
            min_interval: None,
            max_in_flight: Some(1),
        }
    }

    /// Starts of requests at least `interval` apart, with no cap on requests in flight: a slow
    /// response does not hold the next request back. Same as
    /// `Pace::unlimited().with_min_interval(interval)`.
    pub const fn spaced(interval: Duration) -> Self {
        Pace::unlimited().with_min_interval(interval)
    }

    /// The same pace with the starts of requests at least `interval` apart. A zero interval
    /// is no interval.
    pub const fn with_min_interval(mut self, interval: Duration) -> Self {
        self.min_interval = if interval.is_zero() {
            None
        } else {
            Some(interval)
        };
        self
    }

    /// The same pace with at most `max` requests in flight at once. `0` would let no request
    /// through: [`ClientBuilder::build`](crate::ClientBuilder::build) refuses it with
    /// [`Error::Config`](crate::Error::Config).
    pub const fn with_max_in_flight(mut self, max: usize) -> Self {
        self.max_in_flight = Some(max);
        self
    }

    /// The minimum interval between the starts of two requests, if any.
    pub const fn min_interval(&self) -> Option<Duration> {
        self.min_interval
    }

    /// The maximum number of requests in flight at once, if capped.
    pub const fn max_in_flight(&self) -> Option<usize> {
        self.max_in_flight
    }

    /// Why this pace cannot be used, if it cannot.
    pub(super) fn problem(&self) -> Option<String> {
        (self.max_in_flight == Some(0)).then(|| {
            "the pace allows 0 requests in flight, so no call could ever be sent; use at least 1, or `Pace::unlimited()` for no cap".to_owned()
        })
    }
}

impl Default for Pace {
    /// [`Pace::one_at_a_time`]: see [`Pace`] for why.
    fn default() -> Self {
        Pace::one_at_a_time()
    }
}

/// The runtime side of a [`Pace`], shared by every clone of a client.
pub(super) struct Gate {
    /// One permit per request in flight; `None` when uncapped.
    slots: Option<Semaphore>,
    /// The start of the latest request and the interval to keep after it; `None` without an
    /// interval. The lock is held while waiting, so waiters go through one at a time, in
    /// order.
    spacing: Option<(Mutex<Option<Instant>>, Duration)>,
}

/// A request's place at the [`Gate`]: its slot among those in flight, given back on drop.
pub(super) struct Ticket<'a> {
    _slot: Option<SemaphorePermit<'a>>,
}

impl Gate {
    /// The gate of `pace`, which [`Pace::problem`] accepted (a cap of 0 is taken as 1 here).
    pub(super) fn new(pace: &Pace) -> Self {
        Gate {
            slots: pace
                .max_in_flight
                .map(|max| Semaphore::new(max.clamp(1, Semaphore::MAX_PERMITS))),
            spacing: pace
                .min_interval
                .map(|interval| (Mutex::new(None), interval)),
        }
    }

    /// Waits until a request may start: a slot among those in flight first, then the
    /// interval since the previous start. Cancel-safe: dropped while waiting, it holds
    /// nothing and leaves the interval as it was.
    pub(super) async fn enter(&self) -> Ticket<'_> {
        if self.slots.is_none() && self.spacing.is_none() {
            return Ticket { _slot: None };
        }
        let arrived = Instant::now();
        // The semaphore is never closed, so acquiring fails never; were it to, the request
        // would go unpaced rather than never.
        let slot = match &self.slots {
            Some(slots) => slots.acquire().await.ok(),
            None => None,
        };
        // After the slot, so that a request that waited for one still keeps the interval.
        if let Some((latest, interval)) = &self.spacing {
            let mut latest = latest.lock().await;
            if let Some(at) = *latest {
                let since = at.elapsed();
                if since < *interval {
                    tokio::time::sleep(*interval - since).await;
                }
            }
            *latest = Some(Instant::now());
        }
        let waited = arrived.elapsed();
        if !waited.is_zero() {
            tracing::debug!(?waited, "waited for the client's pace");
        }
        Ticket { _slot: slot }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_and_getters() {
        assert_eq!(Pace::default(), Pace::one_at_a_time());
        assert_eq!(Pace::one_at_a_time().max_in_flight(), Some(1));
        assert_eq!(Pace::one_at_a_time().min_interval(), None);
        assert_eq!(Pace::unlimited().max_in_flight(), None);
        assert_eq!(Pace::unlimited().min_interval(), None);
        let second = Duration::from_secs(1);
        assert_eq!(Pace::spaced(second).min_interval(), Some(second));
        assert_eq!(Pace::spaced(second).max_in_flight(), None);
        assert_eq!(
            Pace::unlimited()
                .with_max_in_flight(4)
                .with_min_interval(second),
            Pace::spaced(second).with_max_in_flight(4)
        );
        assert_eq!(Pace::spaced(Duration::ZERO), Pace::unlimited());
        assert!(Pace::unlimited().with_max_in_flight(0).problem().is_some());
        assert!(Pace::default().problem().is_none());
        assert!(Pace::unlimited().problem().is_none());
    }

    #[test]
    fn huge_values_do_not_panic() {
        let pace = Pace::spaced(Duration::MAX).with_max_in_flight(usize::MAX);
        let gate = Gate::new(&pace);
        assert!(gate.slots.is_some());
    }
}
