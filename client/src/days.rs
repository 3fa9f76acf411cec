//! Days as the vendor counts them: from midnight at the API's offset from UTC, which the spec
//! states (`api.utc_offset`: `+08:00`, China Standard Time, for IPIDEA). The arithmetic is
//! `ipidea_spec::days`, its one home; this module gives it `chrono` types.
//!
//! The usage-record endpoints take a time range as unix seconds. The vendor's examples are
//! midnights in UTC+8: `1656518400` is 2022-06-30 00:00 +08:00 (and 2022-06-29 16:00 UTC), so
//! this client reads "the day 2022-06-30" as the instant [`vendor_day_start`] gives. The order
//! lists take calendar dates instead (`2022-5-1`) and need no conversion.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use ipidea_spec::UtcOffset;
use ipidea_spec::days::Date;

/// The vendor's offset from UTC, in seconds, from the bundled spec's `api.utc_offset`:
/// China Standard Time, UTC+8, which has no daylight saving time.
pub const VENDOR_UTC_OFFSET_SECONDS: i32 = crate::generated::__API.utc_offset_seconds;

/// The vendor's time zone, UTC+8.
pub fn vendor_offset() -> FixedOffset {
    // In range by construction: the spec's offsets are less than a day.
    FixedOffset::east_opt(VENDOR_UTC_OFFSET_SECONDS).unwrap_or_else(|| Utc.fix())
}

/// The instant a day starts for the vendor: midnight of `date` in UTC+8.
///
/// ```
/// use ipidea::chrono::NaiveDate;
///
/// let day = NaiveDate::from_ymd_opt(2022, 6, 30).unwrap();
/// // The vendor's own example for that day.
/// assert_eq!(ipidea::vendor_day_start(day).timestamp(), 1_656_518_400);
/// ```
pub fn vendor_day_start(date: NaiveDate) -> DateTime<Utc> {
    day_start(date, VENDOR_UTC_OFFSET_SECONDS)
}

/// The vendor's day that `time` falls on.
///
/// ```
/// use ipidea::chrono::{NaiveDate, TimeZone, Utc};
///
/// // 2022-05-31 20:00 in UTC+8.
/// let time = Utc.timestamp_opt(1_653_998_400, 0).unwrap();
/// assert_eq!(ipidea::vendor_day(time), NaiveDate::from_ymd_opt(2022, 5, 31).unwrap());
/// ```
pub fn vendor_day(time: DateTime<Utc>) -> NaiveDate {
    day_of(time, VENDOR_UTC_OFFSET_SECONDS)
}

/// The offset of `seconds`, or UTC for one a spec could not state.
fn offset(seconds: i32) -> UtcOffset {
    UtcOffset::from_seconds(seconds).unwrap_or(UtcOffset::UTC)
}

/// The day that `time` falls on for an API whose days start at midnight `seconds` east of
/// UTC: a spec's `api.utc_offset`, for a spec of one's own. [`vendor_day`] is this at the
/// bundled spec's offset.
///
/// ```
/// use ipidea::chrono::{NaiveDate, TimeZone, Utc};
///
/// let time = Utc.timestamp_opt(1_656_518_400, 0).unwrap(); // 2022-06-29 16:00 UTC
/// assert_eq!(ipidea::day_of(time, 0), NaiveDate::from_ymd_opt(2022, 6, 29).unwrap());
/// assert_eq!(ipidea::day_of(time, 9 * 3600), NaiveDate::from_ymd_opt(2022, 6, 30).unwrap());
/// ```
pub fn day_of(time: DateTime<Utc>, seconds: i32) -> NaiveDate {
    let number = offset(seconds).day_of(time.timestamp());
    Date::from_day_number(number)
        .and_then(|date| NaiveDate::try_from(date).ok())
        .unwrap_or(if number < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// The instant `date` starts for an API whose days start at midnight `seconds` east of UTC.
/// [`vendor_day_start`] is this at the bundled spec's offset.
pub fn day_start(date: NaiveDate, seconds: i32) -> DateTime<Utc> {
    let start = offset(seconds).day_start(Date::from(date).day_number());
    Utc.timestamp_opt(start, 0).single().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendors_examples_are_midnights_in_utc_plus_8() {
        assert_eq!(VENDOR_UTC_OFFSET_SECONDS, 8 * 3600);
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            vendor_day_start(day(2022, 6, 30)).timestamp(),
            1_656_518_400
        );
        assert_eq!(vendor_day_start(day(2022, 7, 1)).timestamp(), 1_656_604_800);
        assert_eq!(
            vendor_day_start(day(2022, 5, 24)).timestamp(),
            1_653_321_600
        );
        for date in [day(2022, 6, 30), day(2024, 2, 29), day(1999, 12, 31)] {
            assert_eq!(vendor_day(vendor_day_start(date)), date);
            let last_second = vendor_day_start(date) + chrono::Duration::seconds(86_399);
            assert_eq!(vendor_day(last_second), date);
            assert_eq!(
                vendor_day(vendor_day_start(date) - chrono::Duration::seconds(1)),
                date.pred_opt().unwrap()
            );
        }
        // Other offsets, as a spec of one's own states them.
        let time = Utc.timestamp_opt(1_656_518_400, 0).unwrap(); // 2022-06-29 16:00 UTC
        assert_eq!(day_of(time, 0), day(2022, 6, 29));
        assert_eq!(day_of(time, -5 * 3600), day(2022, 6, 29));
        assert_eq!(day_of(time, 9 * 3600), day(2022, 6, 30));
        assert_eq!(day_start(day(2022, 6, 30), 0).timestamp(), 1_656_547_200);
        // The far ends clamp rather than panic.
        assert_eq!(day_of(DateTime::<Utc>::MAX_UTC, 8 * 3600), NaiveDate::MAX);
        assert_eq!(day_of(DateTime::<Utc>::MIN_UTC, -8 * 3600), NaiveDate::MIN);
        let _ = day_start(NaiveDate::MIN, 8 * 3600);
    }
}
