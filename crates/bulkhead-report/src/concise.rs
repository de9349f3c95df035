//! One line per finding, `path:line:col: ID [severity] message`: the shape editors'
//! problem matchers, `grep` and quickfix lists read. Input problems come first in the same
//! shape; the summary ends the report.

use std::io::{self, Write};

use bulkhead_model::ErrorSeverity;

use crate::summary::Summary;
use crate::text::{clean, write_summary, Paint};
use crate::ScanResult;

pub fn render(result: &ScanResult<'_>, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let paint = Paint { on: color };
    for e in result.errors {
        let at = match (e.line, e.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", e.path),
            _ => format!("{}:1:1", e.path),
        };
        let label = match e.severity {
            ErrorSeverity::Error => paint.wrap("1;31", "error"),
            ErrorSeverity::Warning => paint.wrap("1;33", "warning"),
        };
        writeln!(out, "{}: {label}: {}", clean(&at), clean(&e.message))?;
    }
    for f in result.listed() {
        let pos = &f.location.position;
        let suppressed = if f.suppression.is_some() {
            " (suppressed)"
        } else {
            ""
        };
        writeln!(
            out,
            "{}:{}:{}: {} {} {}{suppressed}",
            clean(&f.location.path),
            pos.line,
            pos.column,
            paint.severity(f.severity, f.check.id),
            paint.severity(f.severity, &format!("[{}]", f.severity)),
            clean(&f.message)
        )?;
    }
    write_summary(&Summary::of(result), &paint, out)
}
