//! The Markdown report: a summary to post as a pull-request comment.
//!
//! A headline with the counts by severity, a table of the listed findings (worst first, at
//! most [`MAX_ROWS`] rows), one collapsed `<details>` per check with its title, fix and
//! compliance ids, the input problems, and what was not counted (suppressed, baselined).
//!
//! Everything that comes from the manifests (messages, object names, paths) is escaped, so a
//! hostile name can neither break the table nor inject markup.

use std::fmt::Write as _;
use std::io::{self, Write};

use bulkhead_checks::{all_checks, Check, Finding, Severity};
use bulkhead_model::{ErrorSeverity, LoadError};

use crate::summary::Summary;
use crate::ScanResult;

/// Findings listed in the table; the rest are counted in a note.
pub const MAX_ROWS: usize = 100;
/// Input problems listed; the rest are counted.
pub const MAX_INPUT_PROBLEMS: usize = 20;
/// Characters of a message shown in a table cell.
const MAX_CELL_CHARS: usize = 300;

pub fn render(result: &ScanResult<'_>, out: &mut dyn Write) -> io::Result<()> {
    let summary = Summary::of(result);
    let mut md = String::new();
    headline(result, &summary, &mut md);
    let mut listed: Vec<&Finding> = result.listed().collect();
    // Unsuppressed first, worst first; the scan's order (file, position) within.
    listed.sort_by_key(|f| (f.suppression.is_some(), std::cmp::Reverse(f.severity)));
    if !listed.is_empty() {
        table(&listed, &mut md);
        checks(&listed, &mut md);
    }
    if !result.errors.is_empty() {
        input_problems(result.errors, &mut md);
    }
    out.write_all(md.as_bytes())
}

fn headline(result: &ScanResult<'_>, s: &Summary, md: &mut String) {
    let input_errors = match s.errors {
        0 => String::new(),
        1 => ", 1 input error".into(),
        n => format!(", {n} input errors"),
    };
    match s.findings {
        0 => {
            let _ = writeln!(md, "## Bulkhead: no findings{input_errors}\n");
        }
        n => {
            let _ = writeln!(md, "## Bulkhead: {}{input_errors}\n", plural(n, "finding"));
            let by = &s.by_severity;
            let counts: Vec<String> = [
                (Severity::Critical, by.critical),
                (Severity::High, by.high),
                (Severity::Medium, by.medium),
                (Severity::Low, by.low),
                (Severity::Info, by.info),
            ]
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(severity, n)| format!("{n} {severity}"))
            .collect();
            let _ = write!(md, "**{}**", counts.join(" · "));
            if s.failing > 0 {
                let _ = write!(
                    md,
                    ": {} at or above `{}` fail the scan",
                    s.failing, s.fail_on
                );
            }
            md.push_str(".\n\n");
        }
    }
    let _ = write!(
        md,
        "Scanned {} in {} with {}.",
        plural(s.objects, "object"),
        plural(s.files, "file"),
        plural(s.checks, "check")
    );
    if s.suppressed + s.baselined > 0 {
        let _ = write!(
            md,
            " Not counted: {} suppressed in the manifests, {} in the baseline{}.",
            s.suppressed,
            s.baselined,
            if result.show_suppressed {
                " (listed below)"
            } else {
                ""
            }
        );
    }
    md.push_str("\n\n");
}

fn table(listed: &[&Finding], md: &mut String) {
    md.push_str("| Severity | Check | Object | Location | Message |\n");
    md.push_str("| --- | --- | --- | --- | --- |\n");
    for f in listed.iter().take(MAX_ROWS) {
        let severity = match &f.suppression {
            Some(_) => format!("{} (suppressed)", f.severity),
            None => f.severity.to_string(),
        };
        let _ = writeln!(
            md,
            "| {severity} | [{id}]({url}) {slug} | {object} | {location} | {message} |",
            id = f.check.id,
            url = crate::sarif::help_uri(f.check),
            slug = f.check.slug,
            object = code(&f.object.to_string()),
            location = code(&format!("{}:{}", f.location.path, f.location.position.line)),
            message = cell(&truncate(&f.message, MAX_CELL_CHARS)),
        );
    }
    if listed.len() > MAX_ROWS {
        let _ = writeln!(
            md,
            "\n_Showing the first {MAX_ROWS} of {} findings; the JSON and SARIF reports list them all._",
            listed.len()
        );
    }
    md.push('\n');
}

/// One collapsed section per check with listed findings, worst first.
fn checks(listed: &[&Finding], md: &mut String) {
    let mut checks: Vec<(&'static Check, Severity, usize)> = Vec::new();
    for f in listed {
        match checks.iter_mut().find(|(c, _, _)| c.id == f.check.id) {
            Some((_, worst, n)) => {
                *worst = (*worst).max(f.severity);
                *n += 1;
            }
            None => checks.push((f.check, f.severity, 1)),
        }
    }
    let order = |c: &Check| all_checks().iter().position(|r| r.id == c.id);
    checks.sort_by_key(|(c, worst, _)| (std::cmp::Reverse(*worst), order(c), c.id));
    md.push_str("### Checks\n\n");
    for (check, worst, n) in checks {
        let _ = writeln!(
            md,
            "<details>\n<summary><b>{}</b> {}: {}, {worst}</summary>\n",
            check.id,
            check.slug,
            plural(n, "finding")
        );
        let _ = writeln!(md, "{}\n", check.title());
        let _ = writeln!(md, "**How to fix:** {}\n", check.remediation);
        let c = &check.compliance;
        let compliance: Vec<String> = [
            ("CIS", c.cis),
            ("PSS", c.pss),
            ("NSA-CISA", c.nsa),
            ("MITRE ATT&CK", c.mitre),
        ]
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(name, ids)| format!("{name} {}", ids.join(", ")))
        .collect();
        if !compliance.is_empty() {
            let _ = writeln!(md, "Compliance: {}\n", cell(&compliance.join(" · ")));
        }
        let _ = writeln!(
            md,
            "[Documentation]({})\n\n</details>\n",
            crate::sarif::help_uri(check)
        );
    }
}

fn input_problems(errors: &[LoadError], md: &mut String) {
    md.push_str("### Input problems\n\n");
    for e in errors.iter().take(MAX_INPUT_PROBLEMS) {
        let at = match (e.line, e.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}", e.path),
            (Some(line), None) => format!("{}:{line}", e.path),
            _ => e.path.clone(),
        };
        let label = match e.severity {
            ErrorSeverity::Error => "error (not evaluated)",
            ErrorSeverity::Warning => "warning",
        };
        let _ = writeln!(
            md,
            "- **{label}** {}: {}",
            code_span(&at),
            cell(&truncate(&e.message, MAX_CELL_CHARS))
        );
    }
    if errors.len() > MAX_INPUT_PROBLEMS {
        let _ = writeln!(md, "- … and {} more", errors.len() - MAX_INPUT_PROBLEMS);
    }
    md.push('\n');
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_string(),
    }
}

/// Text for a table cell: one line, with Markdown, HTML and table syntax escaped.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '$' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A code span for a table cell: `|` escaped as GitHub's tables require even inside code.
pub fn code(s: &str) -> String {
    code_span(&s.replace('|', "\\|"))
}

/// A code span whose fence is longer than any run of backticks inside.
fn code_span(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_table_and_markup_syntax() {
        assert_eq!(
            cell("a|b `c` <img> *x*\nnext"),
            "a\\|b \\`c\\` \\<img\\> \\*x\\* next"
        );
        assert_eq!(code("Pod/ns/a|b"), "`Pod/ns/a\\|b`");
        assert_eq!(code("x`y"), "``x`y``");
        assert_eq!(code("`y``"), "``` `y`` ```");
        assert_eq!(truncate("abcdef", 3), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
