//! Alerts on new findings: after each good scan, the open findings at or above a severity
//! whose fingerprints were not alerted before go out as one message (generic JSON or a
//! Slack body) through a bounded queue with retries. A finding that is resolved and comes
//! back is new again.

pub mod deliver;
pub mod message;
pub mod queue;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use bulkhead_checks::Severity;

pub use deliver::Endpoint;
pub use message::Format;
pub use queue::{Backoff, Message, Queue};

use super::report::ScanReport;
use message::NewFindings;

/// Where and what to alert.
#[derive(Clone, Debug)]
pub struct AlertOptions {
    pub url: String,
    pub min_severity: Severity,
    pub format: Format,
    /// Messages held while the endpoint is down.
    pub queue: usize,
    pub backoff: Backoff,
}

/// Turns scans into messages, once per finding.
pub struct Alerter {
    min_severity: Severity,
    format: Format,
    queue: Arc<Queue>,
    /// Fingerprints already queued or sent, and still open.
    alerted: Mutex<HashSet<String>>,
}

impl Alerter {
    pub fn new(options: &AlertOptions, queue: Arc<Queue>) -> Alerter {
        Alerter {
            min_severity: options.min_severity,
            format: options.format,
            queue,
            alerted: Mutex::new(HashSet::new()),
        }
    }

    /// Queues a message for the new findings of a good scan; returns how many it carries
    /// (0: nothing new, or the queue was full).
    pub fn scanned(&self, report: &ScanReport) -> usize {
        let Some(scanned) = report.succeeded() else {
            return 0;
        };
        let Ok(mut alerted) = self.alerted.lock() else {
            return 0;
        };
        let current: Vec<_> = scanned
            .open_findings()
            .filter(|f| f.severity >= self.min_severity)
            .collect();
        let mut seen = HashSet::new();
        let mut new: Vec<_> = current
            .iter()
            .copied()
            .filter(|f| !alerted.contains(f.fingerprint.as_str()) && seen.insert(f.fingerprint))
            .collect();
        // Resolved findings are forgotten, so they alert again if they come back.
        let open: HashSet<&str> = current.iter().map(|f| f.fingerprint.as_str()).collect();
        alerted.retain(|fp| open.contains(fp.as_str()));
        if new.is_empty() {
            return 0;
        }
        new.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let count = new.len();
        let fingerprints: Vec<String> = new.iter().map(|f| f.fingerprint.to_string()).collect();
        let body = NewFindings {
            cluster: &report.cluster,
            sequence: report.sequence,
            started: report.started,
            min_severity: self.min_severity,
            findings: new,
        }
        .body(self.format);
        let accepted = self.queue.push(Message {
            body: body.into(),
            findings: count,
        });
        if !accepted {
            // Not remembered: the next scan offers them again.
            return 0;
        }
        alerted.extend(fingerprints);
        count
    }
}
