//! Days as an API's clock counts them: from midnight at the API's offset from UTC
//! (`api.utc_offset` in the spec; `+08:00` for IPIDEA, China Standard Time).
//!
//! This is the one home of that rule, and of how the API writes a calendar date
//! (`api.date_format`, read and written by [`Date::parse`] and [`Date::format`]). Day numbers
//! count days from 1970-01-01 on the API's calendar, so the arithmetic needs no date library;
//! [`civil`] turns them into calendar dates and back.

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

/// A calendar date of the proleptic Gregorian calendar, as the spec's `date` values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

/// One part of a date format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// A character written as it is; white space matches any run of white space (or none).
    Literal(char),
    /// `%Y`: the year, at least four digits.
    Year,
    /// `%m` (zero-padded) or `%-m`: the month.
    Month { padded: bool },
    /// `%d` (zero-padded) or `%-d`: the day.
    Day { padded: bool },
}

/// Why a date format cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// A `%` that is none of `%Y`, `%m`, `%-m`, `%d`, `%-d`, `%%` (or the empty format).
    NotAFormat,
    /// The year, month or day is missing, or one of them is written twice: what it writes
    /// cannot be read back.
    NotReadBack,
}

/// The parts of `format`, a strftime pattern of the year, month and day.
fn parts(format: &str) -> Result<Vec<Part>, FormatError> {
    if format.is_empty() {
        return Err(FormatError::NotAFormat);
    }
    let mut parts = Vec::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            parts.push(Part::Literal(c));
            continue;
        }
        let part = match (chars.next(), chars.clone().next()) {
            (Some('Y'), _) => Part::Year,
            (Some('m'), _) => Part::Month { padded: true },
            (Some('d'), _) => Part::Day { padded: true },
            (Some('%'), _) => Part::Literal('%'),
            (Some('-'), Some(next @ ('m' | 'd'))) => {
                chars.next();
                if next == 'm' {
                    Part::Month { padded: false }
                } else {
                    Part::Day { padded: false }
                }
            }
            _ => return Err(FormatError::NotAFormat),
        };
        parts.push(part);
    }
    let count = |f: fn(&Part) -> bool| parts.iter().filter(|p| f(p)).count();
    let years = count(|p| *p == Part::Year);
    let months = count(|p| matches!(p, Part::Month { .. }));
    let days = count(|p| matches!(p, Part::Day { .. }));
    if (years, months, days) != (1, 1, 1) {
        return Err(FormatError::NotReadBack);
    }
    Ok(parts)
}

/// Checks that `format` is a date format the spec can use: `%Y`, `%m` or `%-m`, and `%d` or
/// `%-d`, once each, among other characters (`%%` for a `%`).
pub fn check_format(format: &str) -> Result<(), FormatError> {
    parts(format).map(|_| ())
}

impl Date {
    /// The date `year-month-day`, if it is one.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        days_from_civil(year.into(), month, day).map(|_| Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(self) -> u32 {
        self.day
    }

    /// Its day number (days since 1970-01-01).
    pub fn day_number(self) -> i64 {
        days_from_civil(self.year.into(), self.month, self.day).unwrap_or_default()
    }

    /// The date of day number `day`, within the years an `i32` holds.
    pub fn from_day_number(day: i64) -> Option<Date> {
        let (year, month, day) = civil(day);
        Date::new(i32::try_from(year).ok()?, month, day)
    }

    /// Writes the date in `format` (see [`check_format`]); `None` for a format the spec
    /// refuses.
    ///
    /// ```
    /// use ipidea_spec::days::Date;
    ///
    /// let date = Date::new(2022, 5, 1).unwrap();
    /// assert_eq!(date.format("%Y-%-m-%-d").as_deref(), Some("2022-5-1"));
    /// assert_eq!(date.format("%d/%m/%Y").as_deref(), Some("01/05/2022"));
    /// ```
    pub fn format(self, format: &str) -> Option<String> {
        let mut out = String::new();
        for part in parts(format).ok()? {
            match part {
                Part::Literal(c) => out.push(c),
                Part::Year if (0..=9999).contains(&self.year) => {
                    out.push_str(&format!("{:04}", self.year))
                }
                Part::Year => out.push_str(&format!("{:+}", self.year)),
                Part::Month { padded: true } => out.push_str(&format!("{:02}", self.month)),
                Part::Day { padded: true } => out.push_str(&format!("{:02}", self.day)),
                Part::Month { padded: false } => out.push_str(&self.month.to_string()),
                Part::Day { padded: false } => out.push_str(&self.day.to_string()),
            }
        }
        Some(out)
    }

    /// Reads a date written in `format`, or in ISO `%Y-%m-%d`, spaces around ignored. A month
    /// or day takes one or two digits whatever the padding (`2022-5-1` and `2022-05-01` are
    /// the same date), a year a sign and digits.
    ///
    /// ```
    /// use ipidea_spec::days::Date;
    ///
    /// let may_day = Date::new(2022, 5, 1);
    /// assert_eq!(Date::parse("2022-5-1", "%Y-%-m-%-d"), may_day);
    /// assert_eq!(Date::parse(" 2022-05-01 ", "%d/%m/%Y"), may_day);
    /// assert_eq!(Date::parse("2022-13-01", "%Y-%m-%d"), None);
    /// ```
    pub fn parse(text: &str, format: &str) -> Option<Date> {
        let text = text.trim();
        Date::parse_exact(text, format).or_else(|| Date::parse_exact(text, "%Y-%m-%d"))
    }

    fn parse_exact(text: &str, format: &str) -> Option<Date> {
        let mut rest = text;
        let (mut year, mut month, mut day) = (None, None, None);
        // Takes one to `max` digits (a sign first where `signed`).
        let number = |rest: &mut &str, max: usize, signed: bool| -> Option<i64> {
            let (sign, unsigned) = match rest.as_bytes().first() {
                Some(b'-') if signed => (-1, &rest[1..]),
                Some(b'+') if signed => (1, &rest[1..]),
                _ => (1, *rest),
            };
            let digits = unsigned
                .bytes()
                .take(max)
                .take_while(u8::is_ascii_digit)
                .count();
            if digits == 0 {
                return None;
            }
            let value: i64 = unsigned[..digits].parse().ok()?;
            *rest = &unsigned[digits..];
            Some(sign * value)
        };
        for part in parts(format).ok()? {
            match part {
                Part::Literal(c) if c.is_whitespace() => rest = rest.trim_start(),
                Part::Literal(c) => rest = rest.strip_prefix(c)?,
                Part::Year => year = Some(number(&mut rest, 9, true)?),
                Part::Month { .. } => month = Some(number(&mut rest, 2, false)?),
                Part::Day { .. } => day = Some(number(&mut rest, 2, false)?),
            }
        }
        if !rest.is_empty() {
            return None;
        }
        let year = i32::try_from(year?).ok()?;
        Date::new(year, u32::try_from(month?).ok()?, u32::try_from(day?).ok()?)
    }
}

#[cfg(feature = "chrono")]
impl From<chrono::NaiveDate> for Date {
    fn from(date: chrono::NaiveDate) -> Date {
        use chrono::Datelike;
        Date {
            year: date.year(),
            month: date.month(),
            day: date.day(),
        }
    }
}

#[cfg(feature = "chrono")]
impl TryFrom<Date> for chrono::NaiveDate {
    type Error = Date;

    /// The same date, if `chrono` holds its year (within about 262,000 years of year 0).
    fn try_from(date: Date) -> Result<chrono::NaiveDate, Date> {
        chrono::NaiveDate::from_ymd_opt(date.year, date.month, date.day).ok_or(date)
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
    fn formats_take_the_year_month_and_day_once_each() {
        assert_eq!(check_format("%Y-%-m-%-d"), Ok(()));
        assert_eq!(check_format("%d.%m.%Y %%"), Ok(()));
        for (format, error) in [
            ("", FormatError::NotAFormat),
            ("%Q", FormatError::NotAFormat),
            ("%Y-%b-%d", FormatError::NotAFormat),
            ("%Y-%-", FormatError::NotAFormat),
            ("%Y", FormatError::NotReadBack),
            ("%Y-%m-%d-%d", FormatError::NotReadBack),
        ] {
            assert_eq!(check_format(format), Err(error), "{format}");
        }
    }

    #[test]
    fn dates_are_written_and_read_back_in_every_format() {
        let formats = [
            "%Y-%-m-%-d",
            "%Y-%m-%d",
            "%d/%m/%Y",
            "%-d.%-m.%Y",
            "%Y年%-m月%-d日",
        ];
        for day in [-1, 0, 19_113, 19_782, 2_932_896] {
            let date = Date::from_day_number(day).unwrap();
            assert_eq!(date.day_number(), day);
            for format in formats {
                let text = date.format(format).unwrap();
                assert_eq!(Date::parse(&text, format), Some(date), "{format}: {text}");
            }
        }
        let date = Date::new(2022, 5, 1).unwrap();
        assert_eq!(
            date.format("%Y年%-m月%-d日").as_deref(),
            Some("2022年5月1日")
        );
        assert_eq!(
            Date::new(-1, 1, 1).unwrap().format("%Y-%m-%d").as_deref(),
            Some("-1-01-01")
        );
        for bad in [
            "2022-5",
            "2022-5-1x",
            "2022-5-32",
            "2023-2-29",
            "2022-005-1",
            "x",
            "",
        ] {
            assert_eq!(Date::parse(bad, "%Y-%-m-%-d"), None, "{bad}");
        }
        assert_eq!(Date::parse("1/5/2022", "%d/%m/%Y"), Some(date));
        assert_eq!(Date::new(2022, 2, 29), None);
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
