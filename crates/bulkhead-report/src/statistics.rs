//! `--statistics`: one row per check that fired, by count, with its severity and name, as
//! `ruff --statistics` prints it; then the summary. What to fix first, at a glance.

use std::io::{self, Write};

use bulkhead_checks::Finding;

use crate::ranking;
use crate::summary::Summary;
use crate::text::{write_summary, Paint};
use crate::ScanResult;

pub fn render(result: &ScanResult<'_>, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let paint = Paint { on: color };
    let listed: Vec<&Finding> = result.listed().collect();
    let rows = ranking::by_check(&listed);
    if !rows.is_empty() {
        let id_width = rows.iter().map(|r| r.check.id.len()).max().unwrap_or(2);
        writeln!(
            out,
            "{:>6}  {:<id_width$}  {:<10}  NAME",
            "COUNT", "ID", "SEVERITY"
        )?;
        for row in &rows {
            writeln!(
                out,
                "{:>6}  {}  {}  {}",
                row.count,
                paint.severity(row.severity, &format!("{:<id_width$}", row.check.id)),
                paint.severity(
                    row.severity,
                    &format!("{:<10}", format!("[{}]", row.severity))
                ),
                row.check.slug
            )?;
        }
        writeln!(out)?;
    }
    write_summary(&Summary::of(result), &paint, out)
}
