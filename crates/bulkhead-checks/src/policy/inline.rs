//! Suppressions written in the manifests themselves.
//!
//! - On the object: `bulkhead.dev/ignore: "BHW001,BHW005"`, with `bulkhead.dev/ignore-reason`
//!   and optionally `bulkhead.dev/ignore-until: YYYY-MM-DD`.
//! - As a comment, `# bulkhead:ignore BHW001[,ID...] [until=YYYY-MM-DD] -- reason`, at the end
//!   of the offending line, in the comment lines just above it, or on or just above the
//!   object's first line. Comments survive `helm template`, so this works on rendered charts.
//!
//! Ids may be check ids or slugs. An expired suppression stops suppressing and says so.

use std::collections::HashSet;

use bulkhead_model::{ErrorSeverity, Inventory, LoadError, Location, Object, SourceFile};

use crate::check::Check;
use crate::policy::date::Date;
use crate::policy::{Suppression, SuppressionKind};
use crate::select::find_check;

pub const IGNORE: &str = "bulkhead.dev/ignore";
pub const IGNORE_REASON: &str = "bulkhead.dev/ignore-reason";
pub const IGNORE_UNTIL: &str = "bulkhead.dev/ignore-until";
const MARKER: &str = "bulkhead:ignore";

/// What the manifest says about one finding.
#[derive(Debug, Default)]
pub struct Verdict {
    pub suppression: Option<Suppression>,
    /// Set when a matching suppression has expired: the finding counts again.
    pub expired: Option<String>,
}

/// A parsed `# bulkhead:ignore` comment.
#[derive(Debug, PartialEq, Eq)]
pub struct Directive {
    pub ids: Vec<String>,
    pub until: Option<String>,
    pub reason: Option<String>,
}

/// Reads the directive in a line's comment, if there is one.
pub fn parse_comment(line: &str) -> Option<Directive> {
    let hash = comment_start(line)?;
    let comment = line[hash + 1..].trim_start();
    let rest = comment.strip_prefix(MARKER)?;
    let (head, reason) = match rest.split_once("--") {
        Some((head, reason)) => (
            head,
            Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
        ),
        None => (rest, None),
    };
    let mut ids = Vec::new();
    let mut until = None;
    for word in head.split_whitespace() {
        if let Some(date) = word.strip_prefix("until=") {
            until = Some(date.to_string());
        } else {
            ids.extend(
                word.split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
        }
    }
    Some(Directive { ids, until, reason })
}

/// Byte index of a `#` that starts a comment: at the line start or after white space.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    (0..bytes.len()).find(|&i| bytes[i] == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()))
}

fn names(ids: &[String], check: &Check) -> bool {
    ids.iter()
        .any(|id| id.eq_ignore_ascii_case(check.id) || id.eq_ignore_ascii_case(check.slug))
}

/// Judges one finding of `check` on `object` at `location`.
pub fn verdict(check: &Check, object: &Object, location: &Location, today: Date) -> Verdict {
    let mut verdict = Verdict::default();
    let mut consider = |suppression: Suppression| {
        match suppression.until.as_deref().map(Date::parse) {
            Some(Ok(until)) if until < today => {
                verdict.expired.get_or_insert(format!(
                    "a suppression ({}) expired on {}; the finding counts again",
                    suppression.source,
                    suppression.until.as_deref().unwrap_or("")
                ));
            }
            // An unreadable date is reported by `validate`; it does not suppress.
            Some(Err(_)) => {}
            _ => {
                verdict.suppression.get_or_insert(suppression);
            }
        }
    };
    if let Some(ids) = object.annotation(IGNORE) {
        let ids: Vec<String> = ids.split(',').map(|s| s.trim().to_string()).collect();
        if names(&ids, check) {
            let (line, _) = object
                .origin
                .file
                .line_col(object.locate(&annotation_pointer(IGNORE)).span.start);
            consider(Suppression {
                kind: SuppressionKind::Annotation,
                reason: object.annotation(IGNORE_REASON).map(str::to_string),
                until: object.annotation(IGNORE_UNTIL).map(str::to_string),
                source: format!("{}:{line}", location.path),
            });
        }
    }
    let file = &object.origin.file;
    if !file.mentions(MARKER) {
        return verdict;
    }
    let (object_line, _) = file.line_col(object.root.span.start);
    for line in candidate_lines(file, location.position.line)
        .into_iter()
        .chain(candidate_lines(file, object_line))
    {
        if let Some(directive) =
            parse_comment(file.line_text(line)).filter(|d| names(&d.ids, check))
        {
            consider(Suppression {
                kind: SuppressionKind::Comment,
                reason: directive.reason,
                until: directive.until,
                source: format!("{}:{line}", location.path),
            });
        }
    }
    verdict
}

/// The line itself and the block of comment-only lines directly above it.
fn candidate_lines(file: &SourceFile, line: u32) -> Vec<u32> {
    let mut lines = vec![line];
    let mut above = line.saturating_sub(1);
    while above >= 1 && file.line_text(above).trim_start().starts_with('#') {
        lines.push(above);
        above -= 1;
    }
    lines
}

fn annotation_pointer(key: &str) -> String {
    format!(
        "/metadata/annotations/{}",
        bulkhead_model::escape_token(key)
    )
}

/// Checks every suppression in the inventory for unknown check ids and unreadable dates:
/// a typo must not silently keep a finding hidden or visible.
pub fn validate(inventory: &Inventory) -> Vec<LoadError> {
    validate_with(inventory, &[])
}

/// [`validate`], where the ids of `custom` checks (the project's custom rules) are known too.
pub fn validate_with(inventory: &Inventory, custom: &[&Check]) -> Vec<LoadError> {
    let known =
        |id: &str| find_check(id).is_some() || custom.iter().any(|c| c.id.eq_ignore_ascii_case(id));
    let mut errors = Vec::new();
    let mut files_seen = HashSet::new();
    for object in inventory.objects() {
        let file = &object.origin.file;
        let error_at = |pointer: &str, message: String| {
            let location = object.locate(pointer);
            LoadError {
                path: file.path.clone(),
                line: Some(location.position.line),
                column: Some(location.position.column),
                message,
                severity: ErrorSeverity::Error,
            }
        };
        if let Some(ids) = object.annotation(IGNORE) {
            for id in ids.split(',').map(str::trim) {
                if !known(id) {
                    errors.push(error_at(
                        &annotation_pointer(IGNORE),
                        format!(
                            "{IGNORE} names {id:?}, which is not a check (see `bulkhead checks`)"
                        ),
                    ));
                }
            }
        }
        if let Some(until) = object.annotation(IGNORE_UNTIL) {
            if let Err(e) = Date::parse(until) {
                errors.push(error_at(
                    &annotation_pointer(IGNORE_UNTIL),
                    format!("{IGNORE_UNTIL}: {e}"),
                ));
            }
        }
        if files_seen.insert(file.path.clone()) && file.mentions(MARKER) {
            errors.extend(validate_comments(file, &known));
        }
    }
    errors
}

fn validate_comments(file: &SourceFile, known: &dyn Fn(&str) -> bool) -> Vec<LoadError> {
    let mut errors = Vec::new();
    for (index, text) in file.text.lines().enumerate() {
        let Some(directive) = parse_comment(text) else {
            continue;
        };
        let line = index as u32 + 1;
        let column = text
            .find(MARKER)
            .map_or(1, |c| text[..c].chars().count() as u32 + 1);
        let mut error = |message: String| {
            errors.push(LoadError {
                path: file.path.clone(),
                line: Some(line),
                column: Some(column),
                message,
                severity: ErrorSeverity::Error,
            })
        };
        if directive.ids.is_empty() {
            error(format!("{MARKER} names no check"));
        }
        for id in &directive.ids {
            if !known(id) {
                error(format!(
                    "{MARKER} names {id:?}, which is not a check (see `bulkhead checks`)"
                ));
            }
        }
        if let Some(Err(e)) = directive.until.as_deref().map(Date::parse) {
            error(format!("{MARKER}: {e}"));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_read_with_ids_dates_and_reasons() {
        assert_eq!(
            parse_comment("    privileged: true # bulkhead:ignore BHW001,host-ports until=2027-01-31 -- CNI needs it"),
            Some(Directive {
                ids: vec!["BHW001".into(), "host-ports".into()],
                until: Some("2027-01-31".into()),
                reason: Some("CNI needs it".into()),
            })
        );
        assert_eq!(parse_comment("  image: \"a#bulkhead:ignore BHW001\""), None);
        assert_eq!(parse_comment("# just a comment"), None);
    }
}
