//! Drift reports as text (compiler-style, like `scan`'s) and as JSON (`docs/drift.md`).

use std::fmt::Write as _;

use bulkhead_model::{Location, SourceFile};

use crate::json::short;
use crate::report::{DriftReport, Side};
use crate::walk::Op;

/// Warnings the text report prints before it only counts them.
const MAX_TEXT_WARNINGS: usize = 20;

/// The JSON contract, pretty-printed.
pub fn json(report: &DriftReport) -> String {
    let mut out = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        // Serializing plain data cannot fail; say so if it ever does rather than panic.
        format!("{{\"error\": \"cannot serialize the drift report: {e}\"}}")
    });
    out.push('\n');
    out
}

/// The text report: one block per difference at the manifest's location, one line per
/// unmanaged object and unapplied manifest, then a summary.
pub fn text(report: &DriftReport) -> String {
    let mut out = String::new();
    for d in &report.differences {
        let at = &d.desired.location;
        let what = match d.op {
            Op::Changed => "changed live",
            Op::Added => "added live, not in the manifest",
            Op::Removed => "missing live, set in the manifest",
        };
        let _ = writeln!(
            out,
            "{}: drift: {}: {} {what}",
            place(at),
            d.object,
            d.field
        );
        snippet(&mut out, &d.desired.file, at);
        let _ = writeln!(out, "   = desired: {}", side_text(&d.desired, false));
        let _ = writeln!(out, "   = live: {}", side_text(&d.live, true));
    }
    for o in &report.unmanaged {
        let _ = writeln!(
            out,
            "{}: unmanaged: {} is live but in no manifest",
            place(&o.location),
            o.object
        );
    }
    for o in &report.not_applied {
        let _ = writeln!(
            out,
            "{}: not applied: {} is in the manifests but not live",
            place(&o.location),
            o.object
        );
    }
    // A manifest tree with many copies of one object (overlays not rendered, examples) would
    // bury the drift under its warnings: the first few are shown, the JSON report has all.
    for w in report.warnings.iter().take(MAX_TEXT_WARNINGS) {
        let _ = writeln!(out, "{}: warning: {}", place(&w.location), w.message);
    }
    if report.warnings.len() > MAX_TEXT_WARNINGS {
        let _ = writeln!(
            out,
            "warning: {} more objects not compared (the JSON report lists them)",
            report.warnings.len() - MAX_TEXT_WARNINGS
        );
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "drift: {} in {} of {} compared objects, {} unmanaged, {} not applied{}; {} controller-owned and {} built-in live objects not expected in manifests",
        plural(s.differences, "difference"),
        s.objects_with_differences,
        s.compared,
        s.unmanaged,
        s.not_applied,
        if s.other_kinds_hidden > 0 {
            format!(
                " ({} more of kinds that are not security-relevant; --all-kinds lists them)",
                s.other_kinds_hidden
            )
        } else {
            String::new()
        },
        s.live_owned,
        s.live_built_in,
    );
    if s.excluded > 0 {
        let _ = writeln!(
            out,
            "drift: {} in excluded namespaces not compared",
            plural(s.excluded, "object")
        );
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn place(at: &Location) -> String {
    format!("{}:{}:{}", at.path, at.position.line, at.position.column)
}

fn side_text(side: &Side, with_place: bool) -> String {
    let at = place(&side.location);
    match (&side.value, side.exact) {
        (Some(value), _) if with_place => format!("{}  ({at})", short(value)),
        (Some(value), _) => short(value),
        (None, _) if with_place => format!("not set  (nearest parent at {at})"),
        (None, _) => "not set".to_string(),
    }
}

/// The first line of the location, underlined from its column to the end of the span on
/// that line.
fn snippet(out: &mut String, file: &SourceFile, at: &Location) {
    let line = at.position.line;
    let text = file.line_text(line);
    // At least two columns, as the scan report's gutter.
    let width = line.to_string().len().max(2);
    let start = at.position.column.saturating_sub(1) as usize;
    let chars = text.chars().count();
    let end = if at.position.end_line == line {
        (at.position.end_column.saturating_sub(1) as usize).min(chars)
    } else {
        chars
    };
    let carets = end.saturating_sub(start).max(1);
    let pad = " ".repeat(width);
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{line:>width$} | {text}");
    let _ = writeln!(out, "{pad} | {}{}", " ".repeat(start), "^".repeat(carets));
}
