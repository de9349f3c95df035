//! The small configuration formats of the update managers, each setting with its place:
//! APT's `Name "value";` lines (`APT::Periodic::Unattended-Upgrade "1";`), INI files
//! (`/etc/dnf/automatic.conf`: `[commands]` then `apply_updates = yes`) and shell variable
//! files (`/etc/sysconfig/automatic_online_update`: `AOU_ENABLE_CRONJOB="true"`).

use bulkhead_model::Span;

/// One setting: its full name (`commands.apply_updates` for INI), its value, and where the
/// whole line is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    pub name: String,
    pub value: String,
    pub span: Span,
}

fn lines(text: &str) -> impl Iterator<Item = (Span, &str)> {
    let mut offset = 0usize;
    text.split_inclusive('\n').map(move |raw| {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let lead = line.len() - line.trim_start().len();
        let body = line.trim();
        let s = (start + lead) as u32;
        (Span::new(s, s + body.len() as u32), body)
    })
}

fn unquote(value: &str) -> &str {
    let v = value.trim();
    v.strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(v)
}

/// APT configuration: `Name "value";` per line (`//` comments and `#` lines skipped). Scopes
/// written with braces are not expanded; the settings that decide automatic updates are
/// written on one line by every distribution's packages.
pub fn apt(text: &str) -> Vec<Setting> {
    lines(text)
        .filter(|(_, l)| !l.is_empty() && !l.starts_with("//") && !l.starts_with('#'))
        .filter_map(|(span, l)| {
            let l = l.split("//").next().unwrap_or(l).trim();
            let l = l.strip_suffix(';')?.trim();
            let (name, value) = l.split_once(char::is_whitespace)?;
            Some(Setting {
                name: name.to_string(),
                value: unquote(value).to_string(),
                span,
            })
        })
        .collect()
}

/// INI: `[section]` then `key = value` (or `key: value`); `#` and `;` start comments.
pub fn ini(text: &str) -> Vec<Setting> {
    let mut section = String::new();
    let mut settings = Vec::new();
    for (span, l) in lines(text) {
        if l.is_empty() || l.starts_with('#') || l.starts_with(';') {
            continue;
        }
        if let Some(name) = l.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_string();
            continue;
        }
        let Some((key, value)) = l.split_once(['=', ':']) else {
            continue;
        };
        settings.push(Setting {
            name: format!("{section}.{}", key.trim()),
            value: value.trim().to_string(),
            span,
        });
    }
    settings
}

/// Shell variable assignments: `NAME="value"` (`export` allowed, `#` comments).
pub fn shell(text: &str) -> Vec<Setting> {
    lines(text)
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|(span, l)| {
            let l = l.strip_prefix("export ").unwrap_or(l);
            let (name, value) = l.split_once('=')?;
            let name = name.trim();
            name.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                .then(|| Setting {
                    name: name.to_string(),
                    value: unquote(value).to_string(),
                    span,
                })
        })
        .collect()
}

/// Whether an update manager's value means on (`1`, `yes`, `true`, `on`).
pub fn is_on(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "yes" | "true" | "on"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apt_lines() {
        let s = apt("APT::Periodic::Update-Package-Lists \"1\";\n// c\nAPT::Periodic::Unattended-Upgrade \"0\"; // off\n");
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].name, "APT::Periodic::Unattended-Upgrade");
        assert_eq!(s[1].value, "0");
        assert_eq!(s[1].span.start, 46);
    }

    #[test]
    fn ini_sections() {
        let s = ini("[commands]\nupgrade_type = security\napply_updates = yes\n[emitters]\nx: y\n");
        assert_eq!(s[1].name, "commands.apply_updates");
        assert!(is_on(&s[1].value));
        assert_eq!(s[2].name, "emitters.x");
    }

    #[test]
    fn shell_variables() {
        let s = shell("# x\nAOU_ENABLE_CRONJOB=\"true\"\nexport B='no'\nnot a var\n");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].value, "true");
        assert_eq!(s[1].name, "B");
        assert!(!is_on(&s[1].value));
    }
}
