//! Findings grouped by file, then by object, each object with its counts: how a reviewer
//! walks a repository, one manifest at a time.

use std::collections::BTreeMap;
use std::io::{self, Write};

use bulkhead_checks::{Finding, Severity};

use crate::summary::Summary;
use crate::text::{clean, write_error, write_summary, Paint};
use crate::ScanResult;

pub fn render(result: &ScanResult<'_>, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let paint = Paint { on: color };
    for error in result.errors {
        write_error(error, &paint, out)?;
    }
    // File → object → findings, in the order the findings come (sorted by the engine).
    let mut files: BTreeMap<&str, BTreeMap<String, Vec<&Finding>>> = BTreeMap::new();
    for f in result.listed() {
        files
            .entry(f.location.path.as_str())
            .or_default()
            .entry(f.object.to_string())
            .or_default()
            .push(f);
    }
    for (path, objects) in &files {
        let total: usize = objects.values().map(Vec::len).sum();
        writeln!(
            out,
            "{} {}",
            paint.bold(&clean(path)),
            paint.dim(&format!("({total} findings)"))
        )?;
        for (object, findings) in objects {
            writeln!(out, "  {} {}", clean(object), paint.dim(&counts(findings)))?;
            for f in findings {
                let pos = &f.location.position;
                writeln!(
                    out,
                    "    {:>9}  {} {} {}",
                    format!("{}:{}", pos.line, pos.column),
                    paint.severity(f.severity, f.check.id),
                    paint.severity(f.severity, &format!("[{}]", f.severity)),
                    clean(&f.message)
                )?;
            }
        }
        writeln!(out)?;
    }
    write_summary(&Summary::of(result), &paint, out)
}

/// `(3 findings: 1 high, 2 low)`.
fn counts(findings: &[&Finding]) -> String {
    let parts: Vec<String> = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ]
    .iter()
    .filter_map(|s| {
        let n = findings.iter().filter(|f| f.severity == *s).count();
        (n > 0).then(|| format!("{n} {s}"))
    })
    .collect();
    let noun = if findings.len() == 1 {
        "finding"
    } else {
        "findings"
    };
    format!("({} {noun}: {})", findings.len(), parts.join(", "))
}
