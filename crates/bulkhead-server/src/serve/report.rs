//! One scan as `serve` records it — what it found, or why it failed — and the sinks every
//! scan is handed to (the in-memory trend, and later a history store or a PolicyReport
//! writer): a scan is recorded once, here, and each consumer decides what to keep.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bulkhead_checks::frameworks::FrameworkReport;
use bulkhead_checks::{Finding, Severity};
use bulkhead_engine::{Outcome, Settings};
use bulkhead_report::ScanResult;

/// One scheduled or requested scan of the cluster.
pub struct ScanReport {
    /// Counts up from 1 for each scan this process started.
    pub sequence: u64,
    /// The kubeconfig context (or `in-cluster`) the scan read.
    pub cluster: String,
    pub started: SystemTime,
    /// From the start of the cluster read to the end of the checks.
    pub duration: Duration,
    pub result: Result<Scanned, ScanFailure>,
}

/// A scan that read the cluster and judged it.
pub struct Scanned {
    pub outcome: Outcome,
    /// The settings the scan ran with (the report renderer needs them).
    pub settings: Arc<Settings>,
    /// Every framework of the catalogue judged over this scan, so scores can be followed
    /// over time whatever framework the settings name.
    pub frameworks: Vec<FrameworkReport>,
    /// Objects the cluster served (before owners replaced the Pods they control).
    pub objects_read: usize,
    /// Resources the API refused or failed to list (403, 404, 5xx): the scan went on
    /// without them and the controls they feed are not evaluated.
    pub api_errors: usize,
}

/// The kinds of [`ScanFailure`].
pub const FAILURE_KINDS: [&str; 5] = ["config", "unreachable", "credentials", "server", "engine"];

/// Why a scan produced no result. A failed scan never replaces the last good one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanFailure {
    /// `unreachable`, `credentials`, `config`, `server` or `engine`: a label for metrics.
    pub kind: &'static str,
    /// One line, as the command line would print it.
    pub reason: String,
}

impl ScanReport {
    pub fn succeeded(&self) -> Option<&Scanned> {
        self.result.as_ref().ok()
    }
}

impl Scanned {
    /// The findings that count: suppressed and baselined ones are left out.
    pub fn open_findings(&self) -> impl Iterator<Item = &Finding> {
        self.outcome
            .findings
            .iter()
            .filter(|f| f.suppression.is_none())
    }

    /// The scan as the report renderers take it (the dashboard's HTML, the PolicyReports).
    pub fn scan_result(&self, elapsed: Duration) -> ScanResult<'_> {
        let settings = &self.settings;
        let outcome = &self.outcome;
        ScanResult {
            findings: &outcome.findings,
            errors: &outcome.errors,
            stats: &outcome.stats,
            objects: outcome.inventory.len(),
            checks: &settings.checks,
            elapsed,
            fail_on: settings.fail_on,
            show_suppressed: false,
            config: settings.config_path.as_deref(),
            framework: outcome.framework.as_ref(),
            node: None,
            hidden: None,
        }
    }

    /// Open findings per severity, most severe first (critical, high, medium, low, info).
    pub fn by_severity(&self) -> [usize; 5] {
        let mut counts = [0; 5];
        for f in self.open_findings() {
            counts[severity_index(f.severity)] += 1;
        }
        counts
    }
}

/// Where a severity is counted in [`Scanned::by_severity`]: the order of `Severity::ALL`.
pub fn severity_index(severity: Severity) -> usize {
    Severity::ALL
        .iter()
        .position(|s| *s == severity)
        .unwrap_or(Severity::ALL.len() - 1)
}

/// Receives every scan, failed or not, after it ends. The history store and the
/// PolicyReport writer are sinks; a sink's failure is logged and counted, never stops
/// the schedule.
pub trait ScanSink: Send + Sync {
    /// A short name for logs and the `sink` label of the failure metric.
    fn name(&self) -> &str;
    fn record(&self, report: &ScanReport) -> Result<(), String>;
}
