//! Checking that requests arrived spaced out, in a way that load on the machine cannot fake.

use std::time::{Duration, Instant};

/// The scheduling delay a check of spacing tolerates: the time between a request reaching the
/// server's socket and the server noting it. On a loaded machine the server's task may run late
/// for the first of two requests and on time for the second, so two requests sent `interval`
/// apart can be noted almost together; over several intervals that delay cannot accumulate.
pub const SCHEDULING_SLACK: Duration = Duration::from_millis(40);

/// Asserts that requests arrived no faster than one per `interval`: any two of the sorted
/// `arrived` instants `k` places apart are at least `k × interval − SCHEDULING_SLACK` apart,
/// checked for every `k` at which that bound is positive. Without spacing, requests fired
/// together arrive within a millisecond or two of each other, and this fails.
pub fn assert_spaced(arrived: &[Instant], interval: Duration) {
    let mut arrived = arrived.to_vec();
    arrived.sort();
    let mut checked = false;
    for k in 1..arrived.len() {
        let Some(bound) = (interval * k as u32).checked_sub(SCHEDULING_SLACK) else {
            continue;
        };
        if bound.is_zero() {
            continue;
        }
        for pair in 0..arrived.len() - k {
            let apart = arrived[pair + k] - arrived[pair];
            assert!(
                apart >= bound,
                "requests {pair} and {} arrived {apart:?} apart; at least {bound:?} expected \
                 ({k} × {interval:?}, less {SCHEDULING_SLACK:?} of scheduling slack)",
                pair + k
            );
            checked = true;
        }
    }
    assert!(
        checked,
        "{} requests {interval:?} apart are too few to check against {SCHEDULING_SLACK:?} of slack",
        arrived.len()
    );
}
