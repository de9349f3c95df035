//! What the store keeps of one scan: when, which cluster, whether it worked, counts by
//! severity, framework scores and every finding by fingerprint.
//!
//! A record is plain data, built from the engine's [`Outcome`] (or from a failure) without
//! touching the store, so a long-running front end can build it on the scanning thread and
//! hand it to whatever thread owns the store.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bulkhead_checks::frameworks::FrameworkReport;
use bulkhead_checks::Severity;
use bulkhead_engine::{Outcome, Settings};
use bulkhead_model::ErrorSeverity;

/// One scan, ready to be stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ScanRecord {
    /// The name the scan is filed under (a kubeconfig context, `local` for files...).
    pub cluster: String,
    /// When the scan started, in milliseconds since the Unix epoch.
    pub started_ms: i64,
    pub duration_ms: i64,
    pub status: ScanStatus,
    /// Objects read.
    pub objects: i64,
    /// Inputs that could not be evaluated (errors, not warnings).
    pub input_errors: i64,
    pub counts: SeverityCounts,
    /// Findings that a suppression or a baseline accepts (counted apart, stored as findings).
    pub suppressed: i64,
    pub scores: Vec<FrameworkScore>,
    /// Every finding, one per fingerprint.
    pub findings: Vec<FindingRecord>,
}

/// Whether the scan produced a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanStatus {
    Ok,
    /// The scan produced nothing (the API server was down, the credentials were refused):
    /// kept with its reason, and never taken for a scan that found nothing.
    Failed {
        reason: String,
    },
}

impl ScanStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ScanStatus::Ok => "ok",
            ScanStatus::Failed { .. } => "failed",
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            ScanStatus::Ok => None,
            ScanStatus::Failed { reason } => Some(reason),
        }
    }
}

/// Unsuppressed findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SeverityCounts {
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
    pub info: i64,
}

impl SeverityCounts {
    fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Info => self.info += 1,
        }
    }

    pub fn total(&self) -> i64 {
        self.critical + self.high + self.medium + self.low + self.info
    }
}

/// A framework's result in one scan.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameworkScore {
    pub framework: String,
    /// Percentage of the scored controls that passed; `None` when no control was scored.
    pub score: Option<f64>,
    pub passed: i64,
    pub failed: i64,
    pub not_evaluated: i64,
}

impl FrameworkScore {
    pub fn of(report: &FrameworkReport) -> Self {
        FrameworkScore {
            framework: report.id.to_string(),
            score: report.score,
            passed: report.passed as i64,
            failed: report.failed as i64,
            not_evaluated: report.not_evaluated as i64,
        }
    }
}

/// A finding as the history knows it: its fingerprint and enough to show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingRecord {
    pub fingerprint: String,
    pub check_id: String,
    pub severity: String,
    pub message: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    /// `path:line:column` in the scanned input.
    pub location: String,
    /// Accepted by a suppression or a baseline in this scan.
    pub suppressed: bool,
}

impl ScanRecord {
    /// The record of a finished scan. Scores: the framework the scan's settings named, if
    /// any; [`ScanRecord::score_frameworks`] adds the others.
    pub fn from_outcome(
        outcome: &Outcome,
        cluster: &str,
        started: SystemTime,
        duration: Duration,
    ) -> Self {
        let mut counts = SeverityCounts::default();
        let mut suppressed = 0;
        let mut seen = BTreeSet::new();
        let mut findings = Vec::with_capacity(outcome.findings.len());
        for f in &outcome.findings {
            if f.suppression.is_some() {
                suppressed += 1;
            } else {
                counts.add(f.severity);
            }
            // Two findings with one fingerprint are one finding to the history.
            if !seen.insert(f.fingerprint.as_str()) {
                continue;
            }
            let pos = &f.location.position;
            findings.push(FindingRecord {
                fingerprint: f.fingerprint.to_string(),
                check_id: f.check.id.to_string(),
                severity: f.severity.as_str().to_string(),
                message: f.message.clone(),
                kind: f.object.kind.clone(),
                namespace: f.object.namespace.clone().filter(|ns| !ns.is_empty()),
                name: f.object.name.clone(),
                location: format!("{}:{}:{}", f.location.path, pos.line, pos.column),
                suppressed: f.suppression.is_some(),
            });
        }
        ScanRecord {
            cluster: cluster.to_string(),
            started_ms: millis(started),
            duration_ms: i64::try_from(duration.as_millis()).unwrap_or(i64::MAX),
            status: ScanStatus::Ok,
            objects: outcome.inventory.len() as i64,
            input_errors: outcome
                .errors
                .iter()
                .filter(|e| e.severity == ErrorSeverity::Error)
                .count() as i64,
            counts,
            suppressed,
            scores: outcome.framework.iter().map(FrameworkScore::of).collect(),
            findings,
        }
    }

    /// The record of a scan that produced nothing, with why.
    pub fn failed(cluster: &str, started: SystemTime, reason: &str) -> Self {
        let elapsed = SystemTime::now()
            .duration_since(started)
            .unwrap_or_default();
        ScanRecord {
            cluster: cluster.to_string(),
            started_ms: millis(started),
            duration_ms: i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX),
            status: ScanStatus::Failed {
                reason: reason.to_string(),
            },
            objects: 0,
            input_errors: 0,
            counts: SeverityCounts::default(),
            suppressed: 0,
            scores: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// Adds the score of every framework in the catalogue that the record does not hold yet,
    /// judged as `scan --framework ID` would judge it with these settings.
    ///
    /// The scores are judged over the outcome's findings, so a severity filter in the
    /// settings (which drops findings before they reach the outcome) would make controls
    /// pass that fail: with a filter active, only the framework the scan named is kept.
    pub fn score_frameworks(&mut self, outcome: &Outcome, settings: &Settings) {
        if settings.shown.is_active() || self.status != ScanStatus::Ok {
            return;
        }
        let gaps = bulkhead_engine::unread::of(&outcome.inventory);
        for framework in bulkhead_checks::frameworks::catalogue::all_frameworks() {
            if self.scores.iter().any(|s| s.framework == framework.id) {
                continue;
            }
            let report = bulkhead_engine::frameworks::evaluate(
                framework,
                &outcome.inventory,
                &outcome.errors,
                &outcome.findings,
                settings,
                &gaps.blind,
            );
            self.scores.push(FrameworkScore::of(&report));
        }
    }
}

fn millis(at: SystemTime) -> i64 {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}
