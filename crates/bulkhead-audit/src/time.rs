//! Timestamps as audit events write them (RFC 3339, microseconds, `Z` or an offset) and the
//! durations of windows and `--since` (`90s`, `10m`, `2h`, `7d`).

use bulkhead_model::calendar::{civil_from_days, days_from_civil};

/// Microseconds since the Unix epoch, or `None` when `text` is not an RFC 3339 timestamp.
pub fn parse_rfc3339_micros(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        digits.iter().try_fold(0i64, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut micros = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 6 {
                micros = micros * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..6 {
            micros *= 10;
        }
    }
    let offset_seconds = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let minutes = num(i + 1..i + 3)? * 60 + num(i + 4..i + 6)?;
            if *sign == b'+' {
                minutes * 60
            } else {
                -minutes * 60
            }
        }
        _ => return None,
    };
    // Month and day were range-checked above.
    let days = days_from_civil(year, month as u32, day as u32);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    Some(seconds * 1_000_000 + micros)
}

/// `90s`, `10m`, `2h`, `7d` (or a bare number of seconds) in microseconds.
pub fn parse_duration_micros(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("invalid duration {text:?}: expected a number and s, m, h or d"))?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => {
            return Err(format!(
                "invalid duration {text:?}: the unit is s, m, h or d"
            ))
        }
    };
    Ok(n * seconds * 1_000_000)
}

/// `--since`/`--until`: an RFC 3339 timestamp, or a duration before `now_micros`.
pub fn parse_time_bound(text: &str, now_micros: i64) -> Result<i64, String> {
    if let Some(t) = parse_rfc3339_micros(text) {
        return Ok(t);
    }
    parse_duration_micros(text)
        .map(|d| now_micros - d)
        .map_err(|_| format!("invalid time {text:?}: expected RFC 3339 (2024-05-01T12:00:00Z) or a duration (30m, 2h, 7d)"))
}

/// Microseconds since the epoch, formatted as RFC 3339 UTC with microseconds.
pub fn format_micros(micros: i64) -> String {
    let seconds = micros.div_euclid(1_000_000);
    let frac = micros.rem_euclid(1_000_000);
    let days = seconds.div_euclid(86_400);
    let rem = seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{frac:06}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// `60s` → `1m`: the largest unit that divides the duration.
pub fn format_duration(micros: i64) -> String {
    let seconds = micros / 1_000_000;
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] {
        if seconds >= size && seconds % size == 0 {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_and_offsets_apply() {
        let t = parse_rfc3339_micros("2024-02-29T23:59:58.123456Z").unwrap();
        assert_eq!(format_micros(t), "2024-02-29T23:59:58.123456Z");
        assert_eq!(
            parse_rfc3339_micros("2024-03-01T01:59:58.123456+02:00"),
            Some(t)
        );
        assert_eq!(
            parse_rfc3339_micros("1970-01-01T00:00:01Z"),
            Some(1_000_000)
        );
        assert_eq!(
            parse_rfc3339_micros("1970-01-01T00:00:00.5Z"),
            Some(500_000)
        );
        assert_eq!(parse_rfc3339_micros("yesterday"), None);
        assert_eq!(parse_rfc3339_micros("2024-13-01T00:00:00Z"), None);
    }

    #[test]
    fn durations_have_units() {
        assert_eq!(parse_duration_micros("90s"), Ok(90_000_000));
        assert_eq!(parse_duration_micros("2h"), Ok(7_200_000_000));
        assert!(parse_duration_micros("2w").is_err());
        assert_eq!(parse_time_bound("1m", 100_000_000), Ok(40_000_000));
    }
}
