//! The human report: `path:line:col: ID [severity] message`, the source line with a caret
//! under the offending span, how to fix it, and the compliance ids; with `--framework`, a
//! table of the framework's controls; then a summary.

use std::io::{self, Write};

use bulkhead_checks::frameworks::{FrameworkReport, Status};
use bulkhead_checks::{Finding, Severity};
use bulkhead_model::{ErrorSeverity, LoadError};

use crate::summary::{FrameworkCounts, Summary};
use crate::{ranking, snippet};
use crate::{NodeContext, ScanResult};

/// ANSI styles, or nothing when colour is off.
pub(crate) struct Paint {
    pub(crate) on: bool,
}

impl Paint {
    pub(crate) fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub(crate) fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }

    pub(crate) fn dim(&self, text: &str) -> String {
        self.wrap("2", text)
    }

    pub(crate) fn severity(&self, severity: Severity, text: &str) -> String {
        let code = match severity {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.wrap(code, text)
    }
}

pub fn render(result: &ScanResult<'_>, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let paint = Paint { on: color };
    if let Some(node) = result.node {
        write_node(node, &paint, out)?;
    }
    for error in result.errors {
        write_error(error, &paint, out)?;
    }
    for finding in result.listed() {
        write_finding(finding, &paint, out)?;
    }
    if let Some(framework) = result.framework {
        write_framework(framework, &paint, out)?;
    }
    write_orientation(result, &paint, out)?;
    write_summary(&Summary::of(result), &paint, out)
}

/// How many of the most frequent checks and objects the end of the report names.
const TOP: usize = 5;

/// The end that orients a reader after a long list: the checks that fire most, the objects
/// with the most findings, and how to see it another way. Said only when the list is long
/// enough to need it.
fn write_orientation(
    result: &ScanResult<'_>,
    paint: &Paint,
    out: &mut dyn Write,
) -> io::Result<()> {
    let listed: Vec<&Finding> = result.listed().collect();
    if listed.len() < 10 {
        return Ok(());
    }
    let checks = ranking::by_check(&listed);
    writeln!(out, "{}", paint.bold("Checks that fire most:"))?;
    for row in checks.iter().take(TOP) {
        writeln!(
            out,
            "  {:>6}  {}  {} ({})",
            row.count,
            paint.severity(row.severity, row.check.id),
            row.check.slug,
            paint.severity(row.severity, &row.severity.to_string())
        )?;
    }
    let objects = ranking::by_object(&listed);
    writeln!(out, "{}", paint.bold("Objects with the most findings:"))?;
    for row in objects.iter().take(TOP) {
        writeln!(
            out,
            "  {:>6}  {}  {}",
            row.count,
            clean(&row.object),
            paint.dim(&clean(&row.path))
        )?;
    }
    let mut more = vec!["`--statistics` counts every check".to_string()];
    more.push("`-f concise` gives one line per finding, `-f grouped` groups them by object".into());
    if result.hidden.is_none() {
        more.push("`--min-severity medium` hides low and info".into());
    }
    writeln!(out, "See it another way: {}.", more.join("; "))?;
    writeln!(out)
}

/// What was read from the node, and the caveats of the reading.
fn write_node(node: &NodeContext, paint: &Paint, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", paint.bold(&format!("Node {}", node.root)))?;
    if node.found.is_empty() {
        writeln!(out, "  found no component, configuration or node file")?;
    }
    for line in &node.found {
        writeln!(out, "  found {line}")?;
    }
    for note in &node.notes {
        writeln!(
            out,
            "  {} {note}",
            paint.severity(Severity::Medium, "note:")
        )?;
    }
    writeln!(out)
}

/// One row per control, kube-bench style: id, status, failing findings, title; then the score.
fn write_framework(report: &FrameworkReport, paint: &Paint, out: &mut dyn Write) -> io::Result<()> {
    let width = report
        .controls
        .iter()
        .map(|r| r.control.id.chars().count())
        .max()
        .unwrap_or(0);
    writeln!(
        out,
        "{}",
        paint.bold(&format!(
            "{} {} ({})",
            report.name, report.version, report.id
        ))
    )?;
    writeln!(
        out,
        "{:<width$}  {:<13}  {:>8}  TITLE",
        "ID", "STATUS", "FINDINGS"
    )?;
    for r in &report.controls {
        let (label, code) = match r.status {
            Status::Pass => ("PASS", "32"),
            Status::Fail => ("FAIL", "1;31"),
            Status::Warn => ("WARN", "1;33"),
            Status::Manual => ("MANUAL", "33"),
            Status::NotEvaluated => ("NOT EVALUATED", "2"),
        };
        let findings = if r.findings.is_empty() {
            String::new()
        } else {
            r.findings.len().to_string()
        };
        writeln!(
            out,
            "{:<width$}  {}  {findings:>8}  {}",
            r.control.id,
            paint.wrap(code, &format!("{label:<13}")),
            r.control.title
        )?;
        if let Some(evidence) = r.evidence.as_ref().filter(|_| r.status == Status::Manual) {
            writeln!(
                out,
                "{:<width$}  {}",
                "",
                paint.dim(&format!("evidence: {}", evidence.summary()))
            )?;
        }
    }
    let n = FrameworkCounts::of(report);
    let score = match report.score {
        Some(score) => format!("{score:.1}% of the {} scored controls pass", n.scored),
        None => {
            "no scored control could be evaluated (manual controls are never scored)".to_string()
        }
    };
    writeln!(
        out,
        "{}: {score}. {} pass, {} fail, {} warn, {} manual, {} not evaluated.",
        paint.bold(&format!("{} score", report.id)),
        n.pass,
        n.fail,
        n.warn,
        n.manual,
        n.not_evaluated
    )?;
    writeln!(
        out,
        "WARN: a finding on a control the framework marks manual; a person decides.\n\
         MANUAL: the framework marks it manual, no check decides it, or only a person can (`bulkhead frameworks {}` gives guidance); its evidence says what related checks saw. Never scored.\n\
         NOT EVALUATED: the scan held nothing the control needs, or not all its checks ran.",
        report.id
    )?;
    writeln!(out)
}

pub(crate) fn write_error(error: &LoadError, paint: &Paint, out: &mut dyn Write) -> io::Result<()> {
    let at = match (error.line, error.column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", error.path),
        _ => error.path.clone(),
    };
    let label = match error.severity {
        ErrorSeverity::Error => paint.wrap("1;31", "error"),
        ErrorSeverity::Warning => paint.wrap("1;33", "warning"),
    };
    writeln!(
        out,
        "{}: {label}: {}",
        paint.bold(&clean(&at)),
        clean(&error.message)
    )?;
    writeln!(out)
}

fn write_finding(f: &Finding, paint: &Paint, out: &mut dyn Write) -> io::Result<()> {
    let loc = &f.location;
    let pos = &loc.position;
    writeln!(
        out,
        "{}: {} {} {}",
        paint.bold(&format!("{}:{}:{}", clean(&loc.path), pos.line, pos.column)),
        paint.severity(f.severity, f.check.id),
        paint.severity(f.severity, &format!("[{}]", f.severity)),
        clean(&f.message)
    )?;
    let (line_text, start, width) = snippet_window(f);
    let gutter = pos.line.to_string();
    let pad = " ".repeat(gutter.len());
    let indent: String = line_text
        .chars()
        .take(start)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    writeln!(out, "{pad} {}", paint.dim("|"))?;
    writeln!(out, "{} {} {line_text}", paint.dim(&gutter), paint.dim("|"))?;
    writeln!(
        out,
        "{pad} {} {indent}{}",
        paint.dim("|"),
        paint.severity(f.severity, &"^".repeat(width))
    )?;
    let mut notes = vec![format!("object: {}", f.object)];
    if let Some(template) = &f.helm_source {
        notes.push(format!("template: {template}"));
    }
    if !loc.exact {
        notes.push(format!(
            "not set: {} (shown at its nearest parent)",
            loc.pointer
        ));
    }
    for note in &f.notes {
        notes.push(format!("note: {note}"));
    }
    if let Some(s) = &f.suppression {
        let reason = s
            .reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        notes.push(format!("suppressed ({:?} at {}){reason}", s.kind, s.source).to_lowercase());
    }
    notes.push(format!("help: {}", f.check.remediation));
    let compliance = f.compliance_summary();
    if !compliance.is_empty() {
        notes.push(compliance);
    }
    for note in notes {
        writeln!(out, "{pad} {} {}", paint.dim("="), clean(&note))?;
    }
    writeln!(out)
}

/// Characters of the source line shown around the offending span, at most.
const WINDOW: usize = 120;

/// The source line to show (cut to a window around the span on long lines, secrets masked,
/// control characters escaped), the caret's start in characters, and its width.
///
/// Works in bytes from the span's offset, so a minified file with one enormous line costs
/// the window per finding, not the line.
fn snippet_window(f: &Finding) -> (String, usize, usize) {
    let pos = &f.location.position;
    let line_span = f.file.line_span(pos.line);
    let line = if snippet::is_sensitive(f) {
        snippet::display_line(f, pos.line)
    } else {
        f.file.line_text(pos.line).to_string()
    };
    let start = (f.location.span.start.saturating_sub(line_span.start) as usize).min(line.len());
    let end = if pos.end_line == pos.line {
        (f.location.span.end.saturating_sub(line_span.start) as usize).min(line.len())
    } else {
        line.trim_end().len()
    }
    .max(start);
    let from = floor(&line, start.saturating_sub(WINDOW / 3));
    let to = floor(&line, end.min(start + WINDOW).max(from).min(line.len()));
    let to = if to < line.len() {
        floor(&line, (from + WINDOW).max(to).min(line.len()))
    } else {
        to
    };
    let start = floor(&line, start).max(from);
    let end = floor(&line, end).min(to).max(start);
    let prefix = if from > 0 { "…" } else { "" };
    let suffix = if to < line.len() { "…" } else { "" };
    let shown = format!("{prefix}{}{suffix}", clean(&line[from..to]));
    let caret_start = prefix.chars().count() + clean(&line[from..start]).chars().count();
    let width = clean(&line[start..end]).chars().count().max(1);
    (shown, caret_start, width)
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Text from manifests with control characters made visible, so that a crafted manifest
/// cannot send escape sequences to the reader's terminal.
pub(crate) fn clean(text: &str) -> String {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\t' => "\t".to_string(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

pub(crate) fn write_summary(s: &Summary, paint: &Paint, out: &mut dyn Write) -> io::Result<()> {
    let by = &s.by_severity;
    let counts = [
        (Severity::Critical, by.critical),
        (Severity::High, by.high),
        (Severity::Medium, by.medium),
        (Severity::Low, by.low),
        (Severity::Info, by.info),
    ]
    .iter()
    .map(|(sev, n)| {
        let text = format!("{n} {sev}");
        if *n > 0 {
            paint.severity(*sev, &text)
        } else {
            text
        }
    })
    .collect::<Vec<_>>()
    .join(", ");
    writeln!(
        out,
        "Scanned {} objects from {} files ({}) with {} checks in {} ms.",
        s.objects,
        s.files,
        human_bytes(s.bytes),
        s.checks,
        s.duration_ms
    )?;
    if s.skipped_documents > 0 {
        writeln!(
            out,
            "Skipped {} documents that are not Kubernetes objects (no apiVersion and kind).",
            s.skipped_documents
        )?;
    }
    writeln!(out, "{} findings: {counts}.", s.findings)?;
    if s.hidden > 0 {
        writeln!(
            out,
            "Hidden: {} findings by {} (drop it to see them).",
            s.hidden,
            s.hidden_by.as_deref().unwrap_or("the severity filter")
        )?;
    }
    if s.suppressed + s.baselined > 0 {
        writeln!(
            out,
            "Not counted: {} suppressed in the manifests, {} in the baseline (--show-suppressed lists them).",
            s.suppressed, s.baselined
        )?;
    }
    if s.errors + s.warnings > 0 {
        writeln!(
            out,
            "Input problems: {} errors (not evaluated), {} warnings (evaluated, but suspect); see above.",
            s.errors,
            s.warnings
        )?;
    }
    if s.failing > 0 {
        writeln!(
            out,
            "{}",
            paint.bold(&format!(
                "{} findings at or above {}.",
                s.failing, s.fail_on
            ))
        )?;
    }
    Ok(())
}

fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}
