//! JSON to YAML the way `kubectl get -o yaml` prints it: block style, keys in the order
//! given (the API server's JSON sorted, as kubectl sorts them), sequences at their key's
//! indentation, multi-line strings as literal blocks. A string is written plain only when
//! the loader reads it back as the same string; otherwise it is double-quoted.

use bulkhead_model::yaml::scalar::resolve_plain;
use bulkhead_model::Value as Resolved;
use serde_json::{Map, Value};

/// Appends `map` as a block mapping at `indent`.
pub fn write_map(out: &mut String, map: &Map<String, Value>, indent: usize) {
    for (i, (key, value)) in map.iter().enumerate() {
        // The first entry of a mapping inside a sequence follows its "- ".
        if i > 0 || !out.ends_with("- ") {
            push_indent(out, indent);
        }
        out.push_str(&scalar_string(key));
        out.push(':');
        write_value_after_key(out, value, indent);
    }
}

fn write_value_after_key(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(out, map, indent + 2);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(out, items, indent);
        }
        Value::String(s) if is_literal_block(s) => {
            out.push(' ');
            write_literal(out, s, indent + 2);
        }
        other => {
            out.push(' ');
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        push_indent(out, indent);
        out.push_str("- ");
        match item {
            Value::Object(map) if !map.is_empty() => write_map(out, map, indent + 2),
            Value::Array(inner) if !inner.is_empty() => {
                out.truncate(out.len() - 1);
                out.push('\n');
                write_seq(out, inner, indent + 2);
            }
            Value::String(s) if is_literal_block(s) => write_literal(out, s, indent + 2),
            other => {
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
    }
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Scalars and empty collections on one line.
fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => scalar_string(s),
        Value::Array(_) => "[]".to_string(),
        Value::Object(_) => "{}".to_string(),
    }
}

/// A string plain when that reads back as itself, double-quoted (JSON escapes are valid
/// YAML escapes) otherwise.
fn scalar_string(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
    }
}

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let inner = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '.' | '_'
                    | '/'
                    | '-'
                    | '+'
                    | '='
                    | '@'
                    | '('
                    | ')'
                    | ','
                    | '$'
                    | '^'
                    | ';'
                    | ' '
                    | ':'
            )
    };
    (first.is_ascii_alphanumeric() || matches!(first, '/' | '_' | '.' | '$' | '('))
        && s.chars().all(inner)
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && matches!(resolve_plain(s), Resolved::Str(ref r) if &**r == s)
}

/// Multi-line text a literal block keeps exactly.
fn is_literal_block(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\t', '\n'])
        && !s.contains('\r')
        && s.chars().all(|c| c == '\n' || c == '\t' || !c.is_control())
        && s.split('\n')
            .all(|line| line.is_empty() || !line.trim().is_empty())
        && !s.contains('\u{feff}')
}

fn write_literal(out: &mut String, s: &str, indent: usize) {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    out.push_str(match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    });
    out.push('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            push_indent(out, indent);
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..trailing {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_model::{load_text, Limits};

    fn round_trip(value: &Value) -> Value {
        let mut text = String::new();
        if let Value::Object(map) = value {
            write_map(&mut text, map, 0);
        }
        let loaded = load_text("t.yaml", &text, &Limits::default());
        assert!(loaded.errors.is_empty(), "{text}\n{:?}", loaded.errors);
        let object = loaded
            .objects
            .first()
            .unwrap_or_else(|| panic!("no object in\n{text}"));
        crate::to_json(&object.root)
    }

    #[test]
    fn what_is_written_reads_back_as_the_same_value() {
        let value = serde_json::json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "x", "labels": {"app.kubernetes.io/name": "x", "on": "yes"}},
            "data": {
                "yes": "no", "n": "0644", "octal": "0o17", "float": "1e3", "null": "null",
                "empty": "", "colon": "a: b", "hash": "a #b", "lead": " x", "dash": "- x",
                "star": "*x", "amp": "&x", "quote": "it's \"q\"", "tilde": "~",
                "config": "a: 1\nb:\n  - 2\n", "nofinal": "x\ny", "extra": "x\n\n\n",
                "tab": "a\tb", "ctrl": "a\u{1}b", "unicode": "é✓", "ts": "2026-01-01T00:00:00Z",
                "spaces": "a\n   \nb", "indented": "  a\nb"
            },
            "list": [[1, 2], [], {}, {"a": [{"b": null}]}, "x\ny\n", true, 1.5, -3],
            "nested": {"empty": {}, "list": []}
        });
        assert_eq!(round_trip(&value), value);
    }

    #[test]
    fn strings_are_plain_only_when_that_keeps_them_strings() {
        for plain in [
            "nginx",
            "app.kubernetes.io/name",
            "registry.k8s.io/pause:3.9",
            "a b",
        ] {
            assert!(is_plain_safe(plain), "{plain}");
        }
        for quoted in [
            "yes", "on", "true", "null", "0644", "1e3", "", "a: b", "-x", "*x", "x:",
        ] {
            assert!(!is_plain_safe(quoted), "{quoted}");
        }
    }
}
