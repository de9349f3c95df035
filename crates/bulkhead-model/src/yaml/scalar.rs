//! Plain-scalar typing the way Kubernetes reads YAML.
//!
//! The API server and kubectl read manifests through `sigs.k8s.io/yaml`, a go-yaml v2 fork that
//! mostly follows YAML 1.1: `yes`/`on`/`y` are booleans and `0644` is the octal number 420.
//! YAML 1.2 parsers read those as strings and 644, so an auditor that used their typing would
//! judge a different object than the cluster runs. This module reproduces go-yaml v2's resolver
//! for plain (unquoted) scalars; quoted and block scalars are always strings.

use crate::node::Value;

/// The value Kubernetes sees for a plain scalar written as `text`.
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = text.as_bytes()[0];
    match first {
        b'.' => text
            .parse::<f64>()
            .ok()
            .filter(|_| is_yaml_float(text))
            .map(Value::Float),
        b'0'..=b'9' | b'+' | b'-' => resolve_number(text),
        _ => None,
    }
    .unwrap_or_else(|| Value::Str(text.into()))
}

/// go-yaml v2 removes underscores, then tries Go's `ParseInt(s, 0, 64)` (prefixes `0x`, `0o`,
/// `0b`, and a bare leading `0` for octal), then a YAML-style float.
fn resolve_number(text: &str) -> Option<Value> {
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(i) = parse_go_int(&plain) {
        return Some(match i {
            GoInt::Signed(i) => Value::Int(i),
            GoInt::Unsigned(u) => Value::Float(u as f64),
        });
    }
    if is_yaml_float(&plain) {
        return plain.parse::<f64>().ok().map(Value::Float);
    }
    None
}

enum GoInt {
    Signed(i64),
    Unsigned(u64),
}

fn parse_go_int(s: &str) -> Option<GoInt> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = digits.get(..2).map(str::to_ascii_lowercase);
    let (radix, body) = match lower.as_deref() {
        Some("0x") => (16, &digits[2..]),
        Some("0o") => (8, &digits[2..]),
        Some("0b") => (2, &digits[2..]),
        _ if digits.len() > 1 && digits.starts_with('0') => (8, &digits[1..]),
        _ => (10, digits),
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            Some(GoInt::Signed((magnitude as i128).wrapping_neg() as i64))
        } else {
            None
        }
    } else if magnitude <= i64::MAX as u64 {
        Some(GoInt::Signed(magnitude as i64))
    } else {
        Some(GoInt::Unsigned(magnitude))
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: &str) -> Value {
        Value::Str(t.into())
    }

    #[test]
    fn yaml_1_1_booleans_and_nulls() {
        for t in ["yes", "Yes", "on", "ON", "y", "true", "True"] {
            assert_eq!(resolve_plain(t), Value::Bool(true), "{t}");
        }
        for t in ["no", "off", "N", "false", "FALSE"] {
            assert_eq!(resolve_plain(t), Value::Bool(false), "{t}");
        }
        for t in ["", "~", "null", "NULL"] {
            assert_eq!(resolve_plain(t), Value::Null, "{t}");
        }
        assert_eq!(resolve_plain("yEs"), s("yEs"));
        assert_eq!(resolve_plain("onion"), s("onion"));
    }

    #[test]
    fn go_integer_prefixes() {
        assert_eq!(resolve_plain("0644"), Value::Int(420));
        assert_eq!(resolve_plain("0o644"), Value::Int(420));
        assert_eq!(resolve_plain("0x1F"), Value::Int(31));
        assert_eq!(resolve_plain("0b101"), Value::Int(5));
        assert_eq!(resolve_plain("-17"), Value::Int(-17));
        assert_eq!(resolve_plain("+17"), Value::Int(17));
        assert_eq!(resolve_plain("1_000"), Value::Int(1000));
        assert_eq!(resolve_plain("0"), Value::Int(0));
        // Not valid octal, but a YAML float: go-yaml v2 reads 8.0.
        assert_eq!(resolve_plain("08"), Value::Float(8.0));
        assert_eq!(resolve_plain("-9223372036854775808"), Value::Int(i64::MIN));
    }

    #[test]
    fn floats_and_strings() {
        assert_eq!(resolve_plain("1.5"), Value::Float(1.5));
        assert_eq!(resolve_plain(".5"), Value::Float(0.5));
        assert_eq!(resolve_plain("1e3"), Value::Float(1000.0));
        assert_eq!(resolve_plain(".inf"), Value::Float(f64::INFINITY));
        assert_eq!(resolve_plain("100m"), s("100m"));
        assert_eq!(resolve_plain("1.2.3"), s("1.2.3"));
        assert_eq!(resolve_plain("-"), s("-"));
        assert_eq!(resolve_plain("12:30"), s("12:30"));
        assert_eq!(resolve_plain("2024-01-01"), s("2024-01-01"));
        assert_eq!(resolve_plain("nginx:1.25"), s("nginx:1.25"));
        assert_eq!(resolve_plain("."), s("."));
    }
}
