//! Counts shared by every format.

use serde::Serialize;

use bulkhead_checks::Severity;

use crate::ScanResult;

/// Findings per severity, highest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BySeverity {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub files: usize,
    pub bytes: u64,
    pub documents: usize,
    /// Documents that are not Kubernetes objects (values files, kustomizations, configs).
    pub skipped_documents: usize,
    pub objects: usize,
    pub checks: usize,
    pub findings: usize,
    pub by_severity: BySeverity,
    pub errors: usize,
    pub warnings: usize,
    /// Findings at or above the failure threshold.
    pub failing: usize,
    pub fail_on: Severity,
    pub duration_ms: u64,
}

impl Summary {
    pub fn of(result: &ScanResult<'_>) -> Self {
        let mut by = BySeverity::default();
        for f in result.findings {
            *match f.severity {
                Severity::Critical => &mut by.critical,
                Severity::High => &mut by.high,
                Severity::Medium => &mut by.medium,
                Severity::Low => &mut by.low,
                Severity::Info => &mut by.info,
            } += 1;
        }
        let errors = result
            .errors
            .iter()
            .filter(|e| e.severity == bulkhead_model::ErrorSeverity::Error)
            .count();
        Summary {
            files: result.stats.files,
            bytes: result.stats.bytes,
            documents: result.stats.documents,
            skipped_documents: result.stats.skipped_documents,
            objects: result.objects,
            checks: result.checks_run,
            findings: result.findings.len(),
            by_severity: by,
            errors,
            warnings: result.errors.len() - errors,
            failing: result
                .findings
                .iter()
                .filter(|f| f.severity >= result.fail_on)
                .count(),
            fail_on: result.fail_on,
            duration_ms: result.elapsed.as_millis() as u64,
        }
    }
}
