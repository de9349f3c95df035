//! Source lines as reports show them, with secrets masked.
//!
//! A finding about a credential must not print the credential: its message never does, and
//! neither may the snippet under it. For checks of the secrets family, the value part of the
//! located span (what follows `key:` on an entry, or the whole span otherwise) is replaced.

use bulkhead_checks::{Family, Finding};

pub const MASK: &str = "********";

/// Whether the finding's located text may hold a secret.
pub fn is_sensitive(finding: &Finding) -> bool {
    finding.check.family == Family::Secrets
}

/// Line `line` of the finding's file, masked where it overlaps a sensitive finding's span.
pub fn display_line(finding: &Finding, line: u32) -> String {
    let file = &finding.file;
    let text = file.line_text(line);
    if !is_sensitive(finding) {
        return text.to_string();
    }
    let line_span = file.line_span(line);
    let span = finding.location.span;
    let start = span.start.max(line_span.start);
    let end = span.end.min(line_span.end);
    if start >= end {
        return text.to_string();
    }
    let (from, to) = (
        (start - line_span.start) as usize,
        (end - line_span.start) as usize,
    );
    let (from, to) = (floor(text, from), floor(text, to));
    let covered = &text[from..to];
    // On a `key: value` line, keep the key so the reader sees which entry it is.
    let value_from = match covered.find(": ") {
        Some(colon) if line == finding.location.position.line => from + colon + 2,
        _ => from + (covered.len() - covered.trim_start().len()),
    };
    if value_from >= to {
        return text.to_string();
    }
    format!("{}{MASK}{}", &text[..value_from], &text[to..])
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}
