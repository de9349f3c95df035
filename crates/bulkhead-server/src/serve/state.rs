//! What the endpoints read: the latest good scan (kept until a later scan succeeds) and
//! the latest attempt, good or failed, with its reason.

use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};

use super::report::{ScanFailure, ScanReport};

/// The outcome of one attempt, without its findings.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub sequence: u64,
    pub cluster: String,
    pub started: SystemTime,
    pub duration: Duration,
    pub failure: Option<ScanFailure>,
    /// Open findings per severity (critical first), for a good scan.
    pub by_severity: Option<[usize; 5]>,
}

impl Attempt {
    pub fn of(report: &ScanReport) -> Attempt {
        Attempt {
            sequence: report.sequence,
            cluster: report.cluster.clone(),
            started: report.started,
            duration: report.duration,
            failure: report.result.as_ref().err().cloned(),
            by_severity: report.succeeded().map(|s| s.by_severity()),
        }
    }

    pub fn to_json(&self) -> Value {
        let started = self
            .started
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut value = json!({
            "sequence": self.sequence,
            "cluster": self.cluster,
            "started": bulkhead_model::calendar::rfc3339(started as i64),
            "durationSeconds": self.duration.as_secs_f64(),
            "succeeded": self.failure.is_none(),
        });
        if let Some(failure) = &self.failure {
            value["failure"] = json!({"kind": failure.kind, "reason": failure.reason});
        }
        if let Some(counts) = self.by_severity {
            let mut findings = serde_json::Map::new();
            for (severity, count) in bulkhead_checks::Severity::ALL.iter().zip(counts) {
                findings.insert(severity.as_str().to_string(), count.into());
            }
            value["findings"] = Value::Object(findings);
        }
        value
    }
}

/// Shared between the scheduler (writer) and the endpoints (readers).
#[derive(Default)]
pub struct State {
    latest_good: RwLock<Option<Arc<ScanReport>>>,
    last_attempt: RwLock<Option<Attempt>>,
}

impl State {
    /// Takes in a finished scan. A failed one is recorded as the last attempt only; a good
    /// one replaces the latest good scan, which is handed back so that the caller frees it
    /// where it chooses (a large result takes a while to drop: not under the lock, not on an
    /// async thread).
    pub fn record(&self, report: Arc<ScanReport>) -> (Attempt, Option<Arc<ScanReport>>) {
        let attempt = Attempt::of(&report);
        if let Ok(mut last) = self.last_attempt.write() {
            *last = Some(attempt.clone());
        }
        let mut replaced = None;
        if report.succeeded().is_some() {
            if let Ok(mut good) = self.latest_good.write() {
                replaced = good.replace(report);
            }
        }
        (attempt, replaced)
    }

    pub fn latest_good(&self) -> Option<Arc<ScanReport>> {
        self.latest_good.read().ok().and_then(|g| g.clone())
    }

    pub fn last_attempt(&self) -> Option<Attempt> {
        self.last_attempt.read().ok().and_then(|a| a.clone())
    }

    /// `/status`: the latest attempt and the latest good scan.
    pub fn to_json(&self) -> Value {
        json!({
            "lastAttempt": self.last_attempt().map(|a| a.to_json()),
            "latestGood": self.latest_good().map(|r| Attempt::of(&r).to_json()),
        })
    }
}
