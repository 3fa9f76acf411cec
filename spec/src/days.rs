//! Days as an API's clock counts them: from midnight at the API's offset from UTC
//! (`api.utc_offset` in the spec; `+08:00` for IPIDEA, China Standard Time).
//!
//! This is the one home of that rule. Day numbers count days from 1970-01-01 on the API's
//! calendar, so the arithmetic needs no date library; [`civil`] turns them into calendar dates
//! and back.

use std::fmt;

/// Seconds in a day.
const DAY: i64 = 86_400;

/// An API's offset from UTC, which decides where its days start. It has no daylight saving
/// time: a fixed offset, as the vendor documents.
///
/// ```
/// use ipidea_spec::UtcOffset;
///
/// let offset = UtcOffset::parse("+08:00").unwrap();
/// // The vendor's example: 2022-06-30 starts at unix second 1656518400.
/// let day = offset.day_of(1_656_518_400);
/// assert_eq!(ipidea_spec::days::civil(day), (2022, 6, 30));
/// assert_eq!(offset.day_start(day), 1_656_518_400);
/// assert_eq!(offset.day_of(1_656_518_399), day - 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UtcOffset {
    seconds: i32,
}

impl UtcOffset {
    /// UTC itself.
    pub const UTC: UtcOffset = UtcOffset { seconds: 0 };

    /// The offset of `seconds` east of UTC, if it is less than a day either way.
    pub const fn from_seconds(seconds: i32) -> Option<UtcOffset> {
        if seconds > -(DAY as i32) && seconds < DAY as i32 {
            Some(UtcOffset { seconds })
        } else {
            None
        }
    }

    /// Reads `+HH:MM` or `-HH:MM`, as the spec writes it.
    pub fn parse(text: &str) -> Result<UtcOffset, String> {
        let bad = || format!("`{text}` is not an offset from UTC such as `+08:00`");
        let bytes = text.as_bytes();
        let sign = match bytes.first() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Err(bad()),
        };
        let digits = |range: std::ops::Range<usize>| -> Option<i32> {
            let part = text.get(range)?;
            (part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse().ok())
                .flatten()
        };
        if bytes.len() != 6 || bytes[3] != b':' {
            return Err(bad());
        }
        let (Some(hours), Some(minutes)) = (digits(1..3), digits(4..6)) else {
            return Err(bad());
        };
        if hours > 23 || minutes > 59 {
            return Err(bad());
        }
        UtcOffset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok_or_else(bad)
    }

    /// Seconds east of UTC.
    pub const fn seconds(self) -> i32 {
        self.seconds
    }

    /// The day number (days since 1970-01-01 on this offset's calendar) that unix second `at`
    /// falls on.
    pub const fn day_of(self, at: i64) -> i64 {
        at.saturating_add(self.seconds as i64).div_euclid(DAY)
    }

    /// The unix second at which day number `day` starts: its midnight at this offset.
    pub const fn day_start(self, day: i64) -> i64 {
        day.saturating_mul(DAY).saturating_sub(self.seconds as i64)
    }
}

impl fmt::Display for UtcOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.seconds < 0 { '-' } else { '+' };
        let minutes = self.seconds.unsigned_abs() / 60;
        write!(f, "{sign}{:02}:{:02}", minutes / 60, minutes % 60)
    }
}

/// The calendar date `(year, month, day)` of day number `day` (days since 1970-01-01), in the
/// proleptic Gregorian calendar.
pub const fn civil(day: i64) -> (i64, u32, u32) {
    // Howard Hinnant's `civil_from_days`: eras of 400 years, each 146,097 days.
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

/// The day number (days since 1970-01-01) of a calendar date, if it is one: `None` for a month
/// outside 1 to 12 or a day the month does not have.
pub const fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    if month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The number of days in `month` (1 to 12) of `year`.
pub const fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_and_print_as_the_spec_writes_them() {
        for (text, seconds) in [("+08:00", 28_800), ("-05:30", -19_800), ("+00:00", 0)] {
            let offset = UtcOffset::parse(text).unwrap();
            assert_eq!(offset.seconds(), seconds);
            assert_eq!(offset.to_string(), text);
        }
        for bad in [
            "08:00", "+8:00", "+08:0", "+24:00", "+08:60", "+08-00", "", "+0a:00",
        ] {
            assert!(UtcOffset::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(UtcOffset::from_seconds(86_400), None);
        assert_eq!(UtcOffset::from_seconds(-86_400), None);
        assert!(UtcOffset::from_seconds(86_399).is_some());
    }

    #[test]
    fn the_vendors_examples_are_midnights_in_utc_plus_8() {
        let offset = UtcOffset::parse("+08:00").unwrap();
        for (date, start) in [
            ((2022, 6, 30), 1_656_518_400),
            ((2022, 7, 1), 1_656_604_800),
            ((2022, 5, 24), 1_653_321_600),
        ] {
            let day = days_from_civil(date.0, date.1, date.2).unwrap();
            assert_eq!(offset.day_start(day), start);
            assert_eq!(offset.day_of(start), day);
            assert_eq!(offset.day_of(start + 86_399), day);
            assert_eq!(offset.day_of(start - 1), day - 1);
            assert_eq!(civil(day), date);
        }
        // Far ends saturate rather than overflow.
        let _ = (offset.day_of(i64::MAX), offset.day_of(i64::MIN));
        let _ = (offset.day_start(i64::MAX), offset.day_start(i64::MIN));
    }

    #[test]
    fn civil_dates_round_trip_over_four_centuries() {
        let start = days_from_civil(1899, 12, 31).unwrap();
        let mut expected = (1899, 12, 31);
        for day in start..start + 146_097 + 366 {
            assert_eq!(civil(day), expected, "day {day}");
            assert_eq!(
                days_from_civil(expected.0, expected.1, expected.2),
                Some(day)
            );
            let (y, m, d) = expected;
            expected = if d < days_in_month(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(2023, 2, 29), None);
        assert_eq!(days_from_civil(2024, 2, 29), Some(19_782));
        assert_eq!(days_from_civil(2022, 13, 1), None);
        assert_eq!(days_from_civil(2022, 4, 31), None);
    }
}
