//! The JUnit XML report, for CI systems that show test results (GitLab, Jenkins, Azure
//! Pipelines).
//!
//! - One `<testsuite>` per check, named `ID slug`.
//! - In it, one `<testcase>` per object the check found something in, named after the
//!   object (`Deployment/default/api`): a `<failure>` whose type is the worst severity and
//!   whose text has one `path:line:col: [severity] message` line per finding, then the fix.
//!   When every listed finding there is suppressed (`--show-suppressed`), the case is
//!   `<skipped>` instead.
//! - A check with nothing listed is one passing case named `ID slug`, so that the counts
//!   say how many checks passed. The report knows only how many checks ran, not which, so
//!   passing checks are listed only when every registered check ran; after `--select` or
//!   `--ignore`, only the checks with findings appear.
//! - Input problems are a last suite named `inputs`: an `<error>` case per input that could
//!   not be evaluated, and a passing case with a `<system-out>` note per warning.
//!
//! Text is escaped for XML 1.0; characters XML 1.0 cannot carry at all (most C0 controls)
//! are written as `\u{..}`.

use std::fmt::Write as _;
use std::io::{self, Write};

use bulkhead_checks::policy::SuppressionKind;
use bulkhead_checks::{all_checks, Check, Finding, Severity};
use bulkhead_model::{ErrorSeverity, LoadError, ObjectRef};

use crate::ScanResult;

enum Outcome {
    Pass,
    Failure {
        message: String,
        kind: &'static str,
        text: String,
    },
    Skipped {
        message: String,
    },
    Error {
        message: String,
        kind: &'static str,
        text: String,
    },
    Note(String),
}

struct Case {
    name: String,
    classname: String,
    outcome: Outcome,
}

struct Suite {
    name: String,
    cases: Vec<Case>,
}

impl Suite {
    fn count(&self, pick: fn(&Outcome) -> bool) -> usize {
        self.cases.iter().filter(|c| pick(&c.outcome)).count()
    }

    fn failures(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failure { .. }))
    }

    fn errors(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Error { .. }))
    }

    fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped { .. }))
    }
}

pub fn render(result: &ScanResult<'_>, out: &mut dyn Write) -> io::Result<()> {
    let suites = suites(result);
    let total = |f: fn(&Suite) -> usize| suites.iter().map(f).sum::<usize>();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"bulkhead\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        total(|s| s.cases.len()),
        total(Suite::failures),
        total(Suite::errors),
        total(Suite::skipped),
        result.elapsed.as_secs_f64()
    );
    for suite in &suites {
        write_suite(suite, &mut xml);
    }
    xml.push_str("</testsuites>\n");
    out.write_all(xml.as_bytes())
}

fn suites(result: &ScanResult<'_>) -> Vec<Suite> {
    let listed: Vec<&Finding> = result.listed().collect();
    // The checks that ran, in registry order, then any other check with listed findings.
    let mut checks: Vec<&'static Check> = all_checks()
        .iter()
        .copied()
        .filter(|c| result.checks.iter().any(|r| r.id == c.id))
        .collect();
    for f in &listed {
        if !checks.iter().any(|c| c.id == f.check.id) {
            checks.push(f.check);
        }
    }
    let mut suites = Vec::new();
    for check in checks {
        let name = format!("{} {}", check.id, check.slug);
        let mine: Vec<&Finding> = listed
            .iter()
            .copied()
            .filter(|f| f.check.id == check.id)
            .collect();
        if mine.is_empty() {
            suites.push(Suite {
                cases: vec![Case {
                    name: name.clone(),
                    classname: name.clone(),
                    outcome: Outcome::Pass,
                }],
                name,
            });
            continue;
        }
        let mut objects: Vec<&ObjectRef> = Vec::new();
        for f in &mine {
            if !objects.contains(&f.object.as_ref()) {
                objects.push(&f.object);
            }
        }
        let cases = objects
            .into_iter()
            .map(|object| {
                let group: Vec<&Finding> = mine
                    .iter()
                    .copied()
                    .filter(|f| f.object.as_ref() == object)
                    .collect();
                Case {
                    name: object.to_string(),
                    classname: name.clone(),
                    outcome: outcome(check, &group),
                }
            })
            .collect();
        suites.push(Suite { name, cases });
    }
    if !result.errors.is_empty() {
        suites.push(Suite {
            name: "inputs".into(),
            cases: result.errors.iter().map(input_case).collect(),
        });
    }
    suites
}

/// The outcome of one check on one object, from its listed findings (at least one).
fn outcome(check: &Check, group: &[&Finding]) -> Outcome {
    let active: Vec<&Finding> = group
        .iter()
        .copied()
        .filter(|f| f.suppression.is_none())
        .collect();
    if active.is_empty() {
        let s = group[0].suppression.as_ref();
        let kind = s.map_or("", |s| kind_name(s.kind));
        let reason = s
            .and_then(|s| s.reason.as_deref())
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        return Outcome::Skipped {
            message: format!("suppressed ({kind}){reason}"),
        };
    }
    let worst = active
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Info);
    let mut text = String::new();
    for f in group {
        let pos = &f.location.position;
        let _ = write!(
            text,
            "{}:{}:{}: [{}] {}",
            f.location.path, pos.line, pos.column, f.severity, f.message
        );
        if let Some(s) = &f.suppression {
            let _ = write!(text, " (suppressed: {})", kind_name(s.kind));
        }
        text.push('\n');
    }
    let _ = writeln!(text, "help: {}", check.remediation);
    Outcome::Failure {
        message: active
            .iter()
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        kind: worst.as_str(),
        text,
    }
}

fn kind_name(kind: SuppressionKind) -> &'static str {
    match kind {
        SuppressionKind::Annotation => "annotation",
        SuppressionKind::Comment => "comment",
        SuppressionKind::Baseline => "baseline",
    }
}

fn input_case(e: &LoadError) -> Case {
    let at = match (e.line, e.column) {
        (Some(line), Some(column)) => format!("{}:{line}:{column}", e.path),
        (Some(line), None) => format!("{}:{line}", e.path),
        _ => e.path.clone(),
    };
    let outcome = match e.severity {
        ErrorSeverity::Error => Outcome::Error {
            message: e.message.clone(),
            kind: "error",
            text: format!("{at}: {}\n", e.message),
        },
        ErrorSeverity::Warning => Outcome::Note(format!("{at}: warning: {}\n", e.message)),
    };
    Case {
        name: at,
        classname: "inputs".into(),
        outcome,
    }
}

fn write_suite(suite: &Suite, xml: &mut String) {
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        attr(&suite.name),
        suite.cases.len(),
        suite.failures(),
        suite.errors(),
        suite.skipped()
    );
    for case in &suite.cases {
        let open = format!(
            "    <testcase name=\"{}\" classname=\"{}\"",
            attr(&case.name),
            attr(&case.classname)
        );
        match &case.outcome {
            Outcome::Pass => {
                let _ = writeln!(xml, "{open}/>");
            }
            Outcome::Failure {
                message,
                kind,
                text: body,
            } => {
                let _ = writeln!(
                    xml,
                    "{open}>\n      <failure message=\"{}\" type=\"{kind}\">{}</failure>\n    </testcase>",
                    attr(message),
                    text(body)
                );
            }
            Outcome::Error {
                message,
                kind,
                text: body,
            } => {
                let _ = writeln!(
                    xml,
                    "{open}>\n      <error message=\"{}\" type=\"{kind}\">{}</error>\n    </testcase>",
                    attr(message),
                    text(body)
                );
            }
            Outcome::Skipped { message } => {
                let _ = writeln!(
                    xml,
                    "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>",
                    attr(message)
                );
            }
            Outcome::Note(note) => {
                let _ = writeln!(
                    xml,
                    "{open}>\n      <system-out>{}</system-out>\n    </testcase>",
                    text(note)
                );
            }
        }
    }
    xml.push_str("  </testsuite>\n");
}

/// Escapes character data.
pub fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value (double-quoted); line breaks and tabs are kept as references,
/// which attribute-value normalisation would otherwise turn into spaces.
pub fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            c if allowed_in_xml(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{{{:X}}}", c as u32);
            }
        }
    }
    out
}

/// XML 1.0's `Char` production.
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_characters_xml_cannot_hold() {
        assert_eq!(
            attr("a<b & \"c\" 'd'\n\te\u{1b}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&#10;&#9;e\\u{1B}"
        );
        assert_eq!(
            text("x]]>y\r\n\u{0}\u{FFFE}"),
            "x]]&gt;y&#13;\n\\u{0}\\u{FFFE}"
        );
        assert_eq!(text("ünïcode 🚀"), "ünïcode 🚀");
    }
}
