//! Civil dates for suppression expiry, certificate expiry and release support windows, without
//! a date library: days since 1970-01-01.

use bulkhead_model::calendar::{civil_from_days, days_from_civil};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// A proleptic Gregorian date, compared by its day number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    days: i64,
}

impl Date {
    /// Parses `YYYY-MM-DD`, rejecting impossible dates.
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad = || format!("invalid date {text:?} (expected YYYY-MM-DD)");
        let parts: Vec<&str> = text.trim().split('-').collect();
        let [y, m, d] = parts[..] else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let (y, m, d): (i64, u32, u32) = (
            y.parse().map_err(|_| bad())?,
            m.parse().map_err(|_| bad())?,
            d.parse().map_err(|_| bad())?,
        );
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return Err(bad());
        }
        Ok(Date {
            days: days_from_civil(y, m, d),
        })
    }

    /// The date part of an RFC 3339 timestamp (`2026-11-27T10:00:00Z` is 2026-11-27). The
    /// timestamps judged here are UTC (certificate validity is rendered in UTC), so the date
    /// part is the UTC day; a time of day finer than a day does not change a verdict in days.
    pub fn parse_rfc3339(text: &str) -> Result<Date, String> {
        let text = text.trim();
        let date = text
            .split_once(['T', 't', ' '])
            .map_or(text, |(date, _)| date);
        Date::parse(date).map_err(|_| format!("invalid timestamp {text:?} (expected RFC 3339)"))
    }

    /// The day `days` after this one (before it when negative).
    pub fn plus_days(self, days: i64) -> Date {
        Date {
            days: self.days + days,
        }
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days - self.days
    }

    /// Today in UTC, or `BULKHEAD_TODAY` (`YYYY-MM-DD`) when set, so that tests and
    /// reproducible runs can fix the day expiry is judged on.
    pub fn today() -> Date {
        static TODAY: OnceLock<Date> = OnceLock::new();
        *TODAY.get_or_init(|| {
            if let Some(date) = std::env::var("BULKHEAD_TODAY")
                .ok()
                .and_then(|t| Date::parse(&t).ok())
            {
                return date;
            }
            let secs = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            Date {
                days: secs.div_euclid(86_400),
            }
        })
    }
}

impl std::fmt::Display for Date {
    /// `YYYY-MM-DD`, the form [`Date::parse`] reads.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = civil_from_days(self.days);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_dates() {
        assert_eq!(Date::parse("1970-01-01").unwrap().days, 0);
        assert_eq!(Date::parse("2000-03-01").unwrap().days, 11_017);
        assert!(Date::parse("2026-02-29").is_err());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2026-13-01").is_err());
        assert!(Date::parse("26-1-1").is_err());
        assert!(Date::parse("2026-11-27").unwrap() < Date::parse("2026-12-01").unwrap());
    }

    #[test]
    fn reads_the_date_of_a_timestamp_and_counts_days() {
        let expiry = Date::parse_rfc3339("2026-12-27T08:15:00Z").unwrap();
        assert_eq!(expiry, Date::parse("2026-12-27").unwrap());
        assert_eq!(Date::parse_rfc3339("2026-12-27").unwrap(), expiry);
        assert!(Date::parse_rfc3339("27/12/2026").is_err());
        let today = Date::parse("2026-11-27").unwrap();
        assert_eq!(today.days_until(expiry), 30);
        assert_eq!(expiry.days_until(today), -30);
        assert_eq!(today.plus_days(35).to_string(), "2027-01-01");
        assert_eq!(
            Date::parse("2024-02-28").unwrap().plus_days(1).to_string(),
            "2024-02-29"
        );
    }

    #[test]
    fn display_round_trips_through_parse() {
        for text in [
            "1970-01-01",
            "2000-02-29",
            "2026-11-27",
            "1969-12-31",
            "2100-03-01",
        ] {
            assert_eq!(Date::parse(text).unwrap().to_string(), text);
        }
    }
}
