//! The small values fixes write, and how they are written in the style of the file around
//! them: block lines at the surrounding indentation, or flow (`{k: v}`) inside flow
//! collections, with quoted keys and strings in JSON.

/// A value a fix writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Yaml {
    Bool(bool),
    Str(String),
    Map(Vec<(String, Yaml)>),
    Seq(Vec<Yaml>),
}

impl Yaml {
    pub fn str(s: &str) -> Yaml {
        Yaml::Str(s.to_string())
    }

    /// `keys[0]: {keys[1]: … value}`: the value under a path of missing keys.
    pub fn nest(keys: &[String], value: Yaml) -> Yaml {
        keys.iter()
            .rev()
            .fold(value, |inner, key| Yaml::Map(vec![(key.clone(), inner)]))
    }

    /// Merges `other` into this map: keys already present keep their first value (two fixes
    /// that want the same field: the first wins, the second finds it set on the next pass).
    pub fn merge(&mut self, other: Yaml) {
        let (Yaml::Map(mine), Yaml::Map(theirs)) = (&mut *self, other) else {
            return;
        };
        for (key, value) in theirs {
            match mine.iter_mut().find(|(k, _)| *k == key) {
                Some((_, existing)) => existing.merge(value),
                None => mine.push((key, value)),
            }
        }
    }
}

/// How a scalar or key is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// YAML: plain where YAML reads the text back as the same string, else double-quoted.
    Yaml,
    /// JSON: strings and keys always double-quoted.
    Json,
}

pub fn scalar(value: &Yaml, style: Style) -> String {
    match value {
        Yaml::Bool(b) => b.to_string(),
        Yaml::Str(s) => string(s, style),
        Yaml::Map(_) | Yaml::Seq(_) => flow(value, style),
    }
}

fn string(s: &str, style: Style) -> String {
    let plain = style == Style::Yaml
        && !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'))
        && !s.starts_with(['-', '.'])
        && !looks_typed(s);
    if plain {
        s.to_string()
    } else {
        format!("{s:?}")
    }
}

/// Texts YAML would read as something other than a string.
fn looks_typed(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    ) || s.parse::<f64>().is_ok()
        || s.starts_with("0x")
        || s.starts_with("0o")
}

fn key(k: &str, style: Style) -> String {
    string(k, style)
}

/// `{a: 1, b: [x]}` (or its JSON form).
pub fn flow(value: &Yaml, style: Style) -> String {
    match value {
        Yaml::Map(entries) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", key(k, style), flow(v, style)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        Yaml::Seq(items) => {
            let inner: Vec<String> = items.iter().map(|v| flow(v, style)).collect();
            format!("[{}]", inner.join(", "))
        }
        other => scalar(other, style),
    }
}

/// The entries of `map` as flow entries without braces: `a: 1, b: 2`.
pub fn flow_entries(map: &Yaml, style: Style) -> String {
    let text = flow(map, style);
    text[1..text.len() - 1].to_string()
}

/// The entries of `map` as block lines at `indent`, nested maps and lists `step` deeper.
pub fn block(map: &Yaml, indent: usize, step: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let Yaml::Map(entries) = map else {
        return lines;
    };
    let pad = " ".repeat(indent);
    for (k, v) in entries {
        let k = key(k, Style::Yaml);
        match v {
            Yaml::Map(_) => {
                lines.push(format!("{pad}{k}:"));
                lines.extend(block(v, indent + step, step));
            }
            Yaml::Seq(items) => {
                lines.push(format!("{pad}{k}:"));
                let item_pad = " ".repeat(indent + step);
                for item in items {
                    lines.push(format!("{item_pad}- {}", flow(item, Style::Yaml)));
                }
            }
            scalar_value => lines.push(format!("{pad}{k}: {}", scalar(scalar_value, Style::Yaml))),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_that_yaml_would_retype_are_quoted() {
        assert_eq!(
            scalar(&Yaml::str("RuntimeDefault"), Style::Yaml),
            "RuntimeDefault"
        );
        assert_eq!(scalar(&Yaml::str("100m"), Style::Yaml), "100m");
        assert_eq!(scalar(&Yaml::str("true"), Style::Yaml), "\"true\"");
        assert_eq!(scalar(&Yaml::str("1.5"), Style::Yaml), "\"1.5\"");
        assert_eq!(scalar(&Yaml::str("ALL"), Style::Json), "\"ALL\"");
    }

    #[test]
    fn nested_values_render_as_block_and_flow() {
        let mut v = Yaml::nest(
            &["securityContext".into(), "seccompProfile".into()],
            Yaml::Map(vec![("type".into(), Yaml::str("RuntimeDefault"))]),
        );
        v.merge(Yaml::nest(
            &["securityContext".into(), "allowPrivilegeEscalation".into()],
            Yaml::Bool(false),
        ));
        assert_eq!(
            block(&v, 4, 2),
            [
                "    securityContext:",
                "      seccompProfile:",
                "        type: RuntimeDefault",
                "      allowPrivilegeEscalation: false"
            ]
        );
        assert_eq!(
            flow(&v, Style::Json),
            r#"{"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}, "allowPrivilegeEscalation": false}}"#
        );
    }
}
