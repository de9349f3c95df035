//! Findings counted by check and by object, most first: the end of the text report, the
//! `--statistics` table and the grouped view read them.

use std::collections::HashMap;

use bulkhead_checks::{Check, Finding, Severity};

/// One check's findings.
pub struct CheckRow {
    pub check: &'static Check,
    /// The highest severity among them (severity overrides can differ from the default).
    pub severity: Severity,
    pub count: usize,
}

/// One object's findings.
pub struct ObjectRow {
    /// `Kind/namespace/name`.
    pub object: String,
    /// The file the object was read from.
    pub path: String,
    pub count: usize,
    pub worst: Severity,
}

/// Checks by number of findings, then severity, then id.
pub fn by_check(findings: &[&Finding]) -> Vec<CheckRow> {
    let mut rows: HashMap<&str, CheckRow> = HashMap::new();
    for f in findings {
        let row = rows.entry(f.check.id).or_insert(CheckRow {
            check: f.check,
            severity: f.severity,
            count: 0,
        });
        row.count += 1;
        row.severity = row.severity.max(f.severity);
    }
    let mut rows: Vec<CheckRow> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.severity.cmp(&a.severity))
            .then(a.check.id.cmp(b.check.id))
    });
    rows
}

/// Objects (per file) by number of findings, then worst severity, then name.
pub fn by_object(findings: &[&Finding]) -> Vec<ObjectRow> {
    let mut rows: HashMap<(String, &str), ObjectRow> = HashMap::new();
    for f in findings {
        let object = f.object.to_string();
        let row = rows
            .entry((object.clone(), f.location.path.as_str()))
            .or_insert(ObjectRow {
                object,
                path: f.location.path.clone(),
                count: 0,
                worst: f.severity,
            });
        row.count += 1;
        row.worst = row.worst.max(f.severity);
    }
    let mut rows: Vec<ObjectRow> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.worst.cmp(&a.worst))
            .then(a.object.cmp(&b.object))
            .then(a.path.cmp(&b.path))
    });
    rows
}
