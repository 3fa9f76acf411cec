//! Days as the vendor counts them: from midnight in China Standard Time (UTC+8).
//!
//! The usage-record endpoints take a time range as unix seconds. The vendor's examples are
//! midnights in UTC+8: `1656518400` is 2022-06-30 00:00 +08:00 (and 2022-06-29 16:00 UTC), so
//! this client reads "the day 2022-06-30" as the instant [`vendor_day_start`] gives. The order
//! lists take calendar dates instead (`2022-5-1`) and need no conversion.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone, Utc};

/// The vendor's offset from UTC, in seconds: China Standard Time, UTC+8, which has no
/// daylight saving time.
pub const VENDOR_UTC_OFFSET_SECONDS: i32 = 8 * 60 * 60;

/// The vendor's time zone, UTC+8.
pub fn vendor_offset() -> FixedOffset {
    // In range by construction: |8 h| < 24 h.
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
    let midnight = date.and_time(NaiveTime::MIN);
    // A fixed offset maps every local time to exactly one instant.
    match vendor_offset().from_local_datetime(&midnight).single() {
        Some(time) => time.with_timezone(&Utc),
        None => Utc.from_utc_datetime(&midnight),
    }
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
    time.with_timezone(&vendor_offset()).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendors_examples_are_midnights_in_utc_plus_8() {
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
        }
    }
}
