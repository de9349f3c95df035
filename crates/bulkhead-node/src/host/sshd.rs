//! `sshd_config` lines, as sshd reads them: a keyword (case-insensitive), then its arguments
//! after whitespace or one `=`; `#` starts a comment line. `Match` opens a conditional block
//! that lasts until the next `Match` (`Match all` is unconditional again); `Include` names
//! more files, read in place. sshd keeps the first value it obtains for a keyword, so the
//! collector numbers every unconditional directive in reading order and the first wins.

use bulkhead_model::Span;

/// One directive of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The keyword in lower case (`permitrootlogin`).
    pub keyword: String,
    /// The keyword as written (`PermitRootLogin`).
    pub written: String,
    pub keyword_span: Span,
    /// The arguments, surrounding whitespace and double quotes removed.
    pub value: String,
    pub value_span: Span,
    /// Inside a `Match` block: applies only to some connections.
    pub conditional: bool,
}

/// Every directive of `text`, in order. `conditional_start` says whether the text starts
/// inside a `Match` block (a file included from one).
pub fn parse(text: &str, conditional_start: bool) -> Vec<Directive> {
    let mut directives = Vec::new();
    let mut conditional = conditional_start;
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let body_at = line.len() - line.trim_start().len();
        let body = &line[body_at..];
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let keyword_len = body
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(body.len());
        let written = &body[..keyword_len];
        let mut rest_at = keyword_len;
        let rest = &body[keyword_len..];
        let skipped = rest.len() - rest.trim_start().len();
        rest_at += skipped;
        let mut rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix('=') {
            rest_at += 1;
            let more = after.len() - after.trim_start().len();
            rest_at += more;
            rest = after.trim_start();
        }
        let value = rest.trim_end();
        let (value, value_at) = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            Some(inner) => (inner, rest_at + 1),
            None => (value, rest_at),
        };
        let start = (line_start + body_at) as u32;
        let keyword = written.to_ascii_lowercase();
        if keyword == "match" {
            conditional = !value.eq_ignore_ascii_case("all");
        }
        let value_start = start + value_at as u32;
        directives.push(Directive {
            keyword,
            written: written.to_string(),
            keyword_span: Span::new(start, start + written.len() as u32),
            value: value.to_string(),
            value_span: Span::new(value_start, value_start + value.len() as u32),
            conditional,
        });
    }
    directives
}

/// The files an `Include` names: its arguments, separated by whitespace, relative ones under
/// `/etc/ssh`.
pub fn include_patterns(value: &str) -> Vec<String> {
    value
        .split_whitespace()
        .map(|p| {
            if p.starts_with('/') {
                p.to_string()
            } else {
                format!("/etc/ssh/{p}")
            }
        })
        .collect()
}

/// Whether `name` matches a glob's last component (`*` and `?`, as `glob(3)` does).
pub fn matches_glob(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Bounded: a pathological pattern is not worth an exponential walk.
    p.iter().filter(|c| **c == '*').count() <= 8 && go(&p, &n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_values_and_their_places() {
        let text = "# c\nPermitRootLogin yes\n  passwordauthentication=no\nX  \"a b\"  \n";
        let d = parse(text, false);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].keyword, "permitrootlogin");
        assert_eq!(d[0].value, "yes");
        assert_eq!(
            &text[d[0].value_span.start as usize..d[0].value_span.end as usize],
            "yes"
        );
        assert_eq!(d[1].value, "no");
        assert_eq!(
            &text[d[1].keyword_span.start as usize..d[1].keyword_span.end as usize],
            "passwordauthentication"
        );
        assert_eq!(d[2].value, "a b");
        assert_eq!(
            &text[d[2].value_span.start as usize..d[2].value_span.end as usize],
            "a b"
        );
    }

    #[test]
    fn match_blocks_are_conditional_until_match_all() {
        let d = parse("A 1\nMatch User x\nB 2\nMatch all\nC 3\n", false);
        let flags: Vec<bool> = d.iter().map(|d| d.conditional).collect();
        assert_eq!(flags, [false, true, true, false, false]);
    }

    #[test]
    fn includes_and_globs() {
        assert_eq!(
            include_patterns("sshd_config.d/*.conf /x/y"),
            ["/etc/ssh/sshd_config.d/*.conf", "/x/y"]
        );
        assert!(matches_glob("*.conf", "50-cloud-init.conf"));
        assert!(!matches_glob("*.conf", "x.conf.bak"));
        assert!(!matches_glob("*.conf", ".hidden.conf"));
        assert!(matches_glob("a?c", "abc"));
    }
}
