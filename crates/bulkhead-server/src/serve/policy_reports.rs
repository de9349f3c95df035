//! `serve --write-policyreports`: after each good scan, its PolicyReports (one per namespace
//! and one for the cluster, split so that no object exceeds 1 MiB) go into the cluster the
//! scan read, with server-side apply, only those that changed; Bulkhead's reports that the
//! scan no longer produces are deleted (within the namespaces `serve` reads). PolicyReport
//! UIs then show the latest scan.
//!
//! A failed scan writes nothing: the reports of the last good scan stay, as the dashboard
//! keeps showing it. A write that fails is logged and counted by the scheduler
//! (`bulkhead_sink_failures_total{sink="policyreports"}`), and the next good scan writes
//! everything that differs again.

use std::sync::Mutex;
use std::time::SystemTime;

use bulkhead_cluster::policyreports::{self, Scope, Written};
use bulkhead_cluster::Target;
use bulkhead_report::policyreport::{reports_at, MAX_REPORT_BYTES};
use tokio::runtime::Handle;

use super::report::{ScanReport, ScanSink};

/// Writes each good scan's PolicyReports into the cluster.
pub struct PolicyReportWriter {
    target: Target,
    scope: Scope,
    runtime: Handle,
    last: Mutex<Option<Written>>,
}

impl PolicyReportWriter {
    /// A writer into the cluster of `target` (the kubeconfig is read again for every write,
    /// as for every scan); `namespaces` (empty: all) bound what it may delete. The writes
    /// run on `runtime`, from the sinks' blocking thread.
    pub fn new(target: Target, namespaces: &[String], runtime: Handle) -> PolicyReportWriter {
        let scope = if namespaces.is_empty() {
            Scope::Cluster
        } else {
            Scope::Namespaces(namespaces.to_vec())
        };
        PolicyReportWriter {
            target,
            scope,
            runtime,
            last: Mutex::new(None),
        }
    }

    /// What the latest write did (`None` before the first).
    pub fn last_written(&self) -> Option<Written> {
        self.last.lock().ok().and_then(|w| w.clone())
    }
}

impl ScanSink for PolicyReportWriter {
    fn name(&self) -> &str {
        "policyreports"
    }

    fn record(&self, report: &ScanReport) -> Result<(), String> {
        let Some(scanned) = report.succeeded() else {
            return Ok(());
        };
        let result = scanned.scan_result(report.duration);
        let reports: Vec<serde_json::Value> =
            reports_at(&result, SystemTime::now(), MAX_REPORT_BYTES)
                .iter()
                .map(|r| r.json())
                .collect();
        let written = self.runtime.block_on(async {
            let connection = bulkhead_cluster::connect(&self.target)
                .await
                .map_err(|e| e.to_string())?;
            policyreports::write(&connection.client, &reports, &self.scope).await
        })?;
        eprintln!(
            "bulkhead: scan {}: PolicyReports {} applied, {} unchanged, {} deleted",
            report.sequence,
            written.applied.len(),
            written.unchanged.len(),
            written.deleted.len()
        );
        if let Ok(mut last) = self.last.lock() {
            *last = Some(written);
        }
        Ok(())
    }
}
