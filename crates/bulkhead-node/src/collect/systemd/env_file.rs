//! `EnvironmentFile=` syntax (`/var/lib/kubelet/kubeadm-flags.env`, `/etc/default/kubelet`):
//! `NAME=value` lines, comments, values optionally in double or single quotes.

use super::located::{Char, Text};

/// The assignments of an environment file, in order, each value with its positions.
pub(crate) fn assignments(file: usize, text: &str) -> Vec<(String, Text)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = Text::of(file, raw.trim_end_matches(['\n', '\r']), start).trimmed();
        let string = line.string();
        if string.is_empty() || string.starts_with('#') || string.starts_with(';') {
            continue;
        }
        let skip = if string.starts_with("export ") { 7 } else { 0 };
        let line = line.tail(skip).trimmed();
        let Some(equals) = line.chars.iter().position(|c| c.c == '=') else {
            continue;
        };
        let name: String = line.chars[..equals].iter().map(|c| c.c).collect();
        let name = name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            continue;
        }
        out.push((name.to_string(), unquote(&line.tail(equals + 1).trimmed())));
    }
    out
}

/// A value in quotes loses them (a backslash escapes in double quotes); a bare value is kept.
fn unquote(value: &Text) -> Text {
    let Some(first) = value.chars.first() else {
        return value.clone();
    };
    if !matches!(first.c, '"' | '\'') {
        return value.clone();
    }
    let quote = first.c;
    let mut out = Text::new(value.file);
    let mut chars = value.chars[1..].iter().copied();
    while let Some(ch) = chars.next() {
        if ch.c == quote {
            break;
        }
        if ch.c == '\\' && quote == '"' {
            if let Some(next) = chars.next() {
                out.chars.push(Char {
                    c: next.c,
                    start: ch.start,
                    end: next.end,
                });
                continue;
            }
        }
        out.chars.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_and_bare_values_keep_their_positions() {
        let text = "# flags\nKUBELET_KUBEADM_ARGS=\"--a=1 --b=2\"\nexport KUBELET_EXTRA_ARGS=--c=3\nbad line\n";
        let found = assignments(0, text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, "KUBELET_KUBEADM_ARGS");
        assert_eq!(found[0].1.string(), "--a=1 --b=2");
        let b = &found[0].1.split_whitespace()[1];
        let span = b.span().unwrap();
        assert_eq!(&text[span.start as usize..span.end as usize], "--b=2");
        assert_eq!(found[1].1.string(), "--c=3");
    }
}
