//! Civil dates for suppression expiry, without a date library: days since 1970-01-01.

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

/// Howard Hinnant's `days_from_civil`.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
}
