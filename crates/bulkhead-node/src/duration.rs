//! Go durations (`time.ParseDuration`), as the kubelet and kube-proxy read them from flags
//! and from `metav1.Duration` fields: `4h0m0s`, `5m`, `1.5h`, `300ms`, and a bare `0`.

/// The length of a Go duration in seconds, or `None` when Go would reject the text.
///
/// A sign is allowed once at the start; every other number needs a unit (`ns`, `us`, `µs`,
/// `μs`, `ms`, `s`, `m`, `h`), except the lone `0`.
pub fn parse_duration(text: &str) -> Option<f64> {
    let text = text.trim();
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Some(0.0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let value: f64 = number.parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds_per_unit = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += value * seconds_per_unit;
    }
    Some(if negative { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn go_duration_forms() {
        assert_eq!(parse_duration("0"), Some(0.0));
        assert_eq!(parse_duration("0s"), Some(0.0));
        assert_eq!(parse_duration("-0"), Some(0.0));
        assert_eq!(parse_duration("4h0m0s"), Some(14400.0));
        assert_eq!(parse_duration("5m"), Some(300.0));
        assert_eq!(parse_duration("1h30m"), Some(5400.0));
        assert_eq!(parse_duration("1.5h"), Some(5400.0));
        assert_eq!(parse_duration("300ms"), Some(0.3));
        assert_eq!(parse_duration("-1s"), Some(-1.0));
        assert_eq!(parse_duration(" 2s "), Some(2.0));
    }

    #[test]
    fn numbers_without_units_and_unknown_units_are_rejected() {
        for bad in ["", "5", "10d", "h", "1..5s", "s5", "-", "4h0m0"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
