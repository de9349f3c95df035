//! systemd unit file syntax: sections, `Key=value` lines, backslash continuations, comments,
//! and the quoting of values (double and single quotes, backslash escapes).

use super::located::{Char, Text};

/// One `Key=value` setting of the `[Service]` section.
#[derive(Debug)]
pub(crate) struct Setting {
    pub key: String,
    /// The value, whitespace around it removed, with positions.
    pub value: Text,
}

/// The settings of the `[Service]` section, in file order.
pub(crate) fn service_settings(file: usize, text: &str) -> Vec<Setting> {
    let mut settings = Vec::new();
    let mut section = String::new();
    for line in logical_lines(file, text) {
        let line = line.trimmed();
        let Some(first) = line.chars.first() else {
            continue;
        };
        if matches!(first.c, '#' | ';') {
            continue;
        }
        let string = line.string();
        if first.c == '[' {
            section = string.trim_matches(|c| c == '[' || c == ']').to_string();
            continue;
        }
        if section != "Service" {
            continue;
        }
        let Some(equals) = line.chars.iter().position(|c| c.c == '=') else {
            continue;
        };
        let key: String = line.chars[..equals].iter().map(|c| c.c).collect();
        settings.push(Setting {
            key: key.trim().to_string(),
            value: line.tail(equals + 1).trimmed(),
        });
    }
    settings
}

/// Lines joined where one ends with a backslash (the backslash becomes a space, as systemd
/// does); comment lines inside a continuation are skipped.
fn logical_lines(file: usize, text: &str) -> Vec<Text> {
    let mut lines = Vec::new();
    let mut current: Option<Text> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let body = raw.trim_end_matches(['\n', '\r']);
        let line = Text::of(file, body, start);
        if current.is_some() && matches!(body.trim_start().chars().next(), Some('#' | ';')) {
            continue;
        }
        let mut joined = current.take().unwrap_or_else(|| Text::new(file));
        let continued = body.trim_end().ends_with('\\');
        if continued {
            let cut = line.chars.iter().rposition(|c| c.c == '\\').unwrap_or(0);
            let backslash = line.chars[cut];
            joined.chars.extend_from_slice(&line.chars[..cut]);
            joined.chars.push(Char {
                c: ' ',
                ..backslash
            });
            current = Some(joined);
        } else {
            joined.chars.extend(line.chars);
            lines.push(joined);
        }
    }
    lines.extend(current);
    lines
}

/// A word of a value: its characters after unquoting, and its raw form as written.
#[derive(Debug)]
pub(crate) struct Token {
    pub text: Text,
    /// The characters as written, quotes and escapes included.
    pub raw: Text,
}

/// Splits a value into words the way systemd does for `Environment=` and `ExecStart=`:
/// whitespace separates, quotes group, a backslash takes the next character literally (and
/// the C escapes `\n`, `\t` become their characters).
pub(crate) fn tokens(value: &Text) -> Vec<Token> {
    let mut tokens = Vec::new();
    let chars = &value.chars;
    let mut i = 0;
    while i < chars.len() {
        if chars[i].c.is_whitespace() {
            i += 1;
            continue;
        }
        let mut text = Text::new(value.file);
        let mut raw = Text::new(value.file);
        let mut quote: Option<char> = None;
        while i < chars.len() {
            let ch = chars[i];
            match (quote, ch.c) {
                (None, c) if c.is_whitespace() => break,
                (None, '"' | '\'') => quote = Some(ch.c),
                (Some(q), c) if c == q => quote = None,
                (_, '\\') if i + 1 < chars.len() => {
                    raw.chars.push(ch);
                    i += 1;
                    let next = chars[i];
                    let c = match next.c {
                        'n' => '\n',
                        't' => '\t',
                        c => c,
                    };
                    text.chars.push(Char {
                        c,
                        start: ch.start,
                        end: next.end,
                    });
                }
                _ => text.chars.push(ch),
            }
            raw.chars.push(chars[i]);
            i += 1;
        }
        tokens.push(Token { text, raw });
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_join_lines_and_only_the_service_section_counts() {
        let text = "[Unit]\nDescription=x\n[Service]\nExecStart=/usr/bin/kubelet \\\n  --v=2\n# c\nEnvironment=\"A=b c\" D=e\n";
        let settings = service_settings(0, text);
        assert_eq!(settings.len(), 2);
        assert_eq!(settings[0].key, "ExecStart");
        let words: Vec<String> = tokens(&settings[0].value)
            .iter()
            .map(|t| t.text.string())
            .collect();
        assert_eq!(words, ["/usr/bin/kubelet", "--v=2"]);
        let v = &tokens(&settings[0].value)[1].text;
        assert_eq!(
            &text[v.span().unwrap().start as usize..v.span().unwrap().end as usize],
            "--v=2"
        );
        let env = tokens(&settings[1].value);
        assert_eq!(env[0].text.string(), "A=b c");
        assert_eq!(env[0].raw.string(), "\"A=b c\"");
        assert_eq!(env[1].text.string(), "D=e");
    }
}
