//! Counts shared by every format.

use serde::Serialize;

use bulkhead_checks::frameworks::FrameworkReport;
use bulkhead_checks::policy::SuppressionKind;
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
    /// Findings that count: neither suppressed nor baselined.
    pub findings: usize,
    pub by_severity: BySeverity,
    /// Findings suppressed in the manifests (annotations, comments).
    pub suppressed: usize,
    /// Findings recorded in the `--baseline` file.
    pub baselined: usize,
    /// Findings hidden by a severity filter (`--min-severity`, `--severity`).
    pub hidden: usize,
    /// The severity filter as written (`--min-severity medium`), for the text reports.
    #[serde(skip)]
    pub hidden_by: Option<String>,
    pub errors: usize,
    pub warnings: usize,
    /// Findings at or above the failure threshold.
    pub failing: usize,
    pub fail_on: Severity,
    pub duration_ms: u64,
    /// The `.bulkhead.yaml` that was read, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
}

impl Summary {
    pub fn of(result: &ScanResult<'_>) -> Self {
        let mut by = BySeverity::default();
        let active = || result.findings.iter().filter(|f| f.suppression.is_none());
        let kind_count = |kind: SuppressionKind| {
            result
                .findings
                .iter()
                .filter(|f| f.suppression.as_ref().is_some_and(|s| s.kind == kind))
                .count()
        };
        for f in active() {
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
            checks: result.checks.len(),
            findings: active().count(),
            by_severity: by,
            suppressed: kind_count(SuppressionKind::Annotation)
                + kind_count(SuppressionKind::Comment),
            baselined: kind_count(SuppressionKind::Baseline),
            hidden: result.hidden.as_ref().map_or(0, |h| h.count),
            hidden_by: result.hidden.as_ref().map(|h| h.filter.clone()),
            errors,
            warnings: result.errors.len() - errors,
            failing: active().filter(|f| f.severity >= result.fail_on).count(),
            fail_on: result.fail_on,
            duration_ms: result.elapsed.as_millis() as u64,
            config: result.config.map(str::to_string),
        }
    }
}

/// A framework's verdicts counted, for the reports that show `--framework`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FrameworkCounts {
    pub controls: usize,
    /// Controls the score counts (never those the framework marks manual).
    pub scored: usize,
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub manual: usize,
    pub not_evaluated: usize,
}

impl FrameworkCounts {
    pub fn of(report: &FrameworkReport) -> Self {
        FrameworkCounts {
            controls: report.controls.len(),
            scored: report.scored,
            pass: report.passed,
            fail: report.failed,
            warn: report.warned,
            manual: report.manual,
            not_evaluated: report.not_evaluated,
        }
    }
}
