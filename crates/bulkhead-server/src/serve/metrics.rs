//! `/metrics`: the Prometheus exposition of the latest good scan (findings by severity,
//! check and namespace; framework controls and scores), of every scan attempt (count,
//! failures by kind, duration, objects read, API errors), of the alert queue, and of the
//! audit receiver when it runs in this process.
//!
//! Finding and framework gauges describe the latest *good* scan: a failed scan changes
//! only the scan counters, so a dashboard never drops to zero because the API was down.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use bulkhead_checks::frameworks::Status;

use super::report::{ScanReport, Scanned};

type Labels = Vec<(&'static str, String)>;

/// The OpenMetrics exposition, for scrapers that ask for it (Prometheus does).
pub const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// The classic text exposition, for everything else (`promtool check metrics`, curl).
pub const TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Every metric `serve` exports. Names are a contract: the Grafana dashboard in `deploy/`
/// and users' alert rules query them.
pub struct Metrics {
    registry: Registry,
    findings: Family<Labels, Gauge>,
    findings_by_check: Family<Labels, Gauge>,
    findings_by_namespace: Family<Labels, Gauge>,
    framework_controls: Family<Labels, Gauge>,
    framework_score: Family<Labels, Gauge<f64, AtomicU64>>,
    scans: Family<Labels, Counter>,
    scan_failures: Family<Labels, Counter>,
    scan_duration: Histogram,
    last_success: Gauge<f64, AtomicU64>,
    last_attempt_failed: Gauge,
    objects_read: Gauge,
    api_errors: Gauge,
    pub(crate) sink_failures: Family<Labels, Counter>,
    pub(crate) alerts: AlertMetrics,
    pub(crate) audit: AuditMetrics,
}

/// The alert queue's state, written by the queue itself.
#[derive(Default)]
pub struct AlertMetrics {
    pub queued: Gauge,
    pub capacity: Gauge,
    pub sent: Counter,
    pub findings_sent: Counter,
    pub delivery_failures: Counter,
    pub dropped: Counter,
}

/// The audit receiver's counters, copied from its own atomics at each scrape, and its
/// alerts by rule.
#[derive(Default)]
pub struct AuditMetrics {
    pub batches_accepted: Counter,
    pub events_accepted: Counter,
    pub events_processed: Counter,
    pub batches_refused: Counter,
    pub bad_requests: Counter,
    pub alerts: Family<Labels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new(false)
    }
}

impl Metrics {
    /// All metrics registered; the audit receiver's only when it runs here.
    pub fn new(with_audit: bool) -> Self {
        let mut registry = Registry::default();
        let m = Metrics {
            registry: Registry::default(),
            findings: Family::default(),
            findings_by_check: Family::default(),
            findings_by_namespace: Family::default(),
            framework_controls: Family::default(),
            framework_score: Family::default(),
            scans: Family::default(),
            scan_failures: Family::default(),
            // 1 s to about 68 min.
            scan_duration: Histogram::new([
                0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
            ]),
            last_success: Gauge::default(),
            last_attempt_failed: Gauge::default(),
            objects_read: Gauge::default(),
            api_errors: Gauge::default(),
            sink_failures: Family::default(),
            alerts: AlertMetrics::default(),
            audit: AuditMetrics::default(),
        };
        let r = &mut registry;
        r.register(
            "bulkhead_findings",
            "Open findings of the latest good scan, by severity",
            m.findings.clone(),
        );
        r.register(
            "bulkhead_findings_by_check",
            "Open findings of the latest good scan, by check and severity",
            m.findings_by_check.clone(),
        );
        r.register(
            "bulkhead_findings_by_namespace",
            "Open findings of the latest good scan, by namespace (empty for cluster-scoped objects)",
            m.findings_by_namespace.clone(),
        );
        r.register(
            "bulkhead_framework_controls",
            "Controls of each compliance framework in the latest good scan, by status",
            m.framework_controls.clone(),
        );
        r.register(
            "bulkhead_framework_score_ratio",
            "Share of each framework's scored controls that passed in the latest good scan",
            m.framework_score.clone(),
        );
        r.register(
            "bulkhead_scans",
            "Scans attempted, by result",
            m.scans.clone(),
        );
        r.register(
            "bulkhead_scan_failures",
            "Scans that produced no result, by kind (unreachable, credentials, config, server, engine)",
            m.scan_failures.clone(),
        );
        r.register(
            "bulkhead_scan_duration_seconds",
            "Time from the start of the cluster read to the end of the checks",
            m.scan_duration.clone(),
        );
        r.register(
            "bulkhead_last_success_timestamp_seconds",
            "When the latest good scan started (Unix time)",
            m.last_success.clone(),
        );
        r.register(
            "bulkhead_last_scan_failed",
            "1 when the latest scan attempt failed (the gauges still show the last good one)",
            m.last_attempt_failed.clone(),
        );
        r.register(
            "bulkhead_objects_read",
            "Objects the API server served in the latest good scan",
            m.objects_read.clone(),
        );
        r.register(
            "bulkhead_api_errors",
            "Resources the API refused or failed to list in the latest good scan (not evaluated)",
            m.api_errors.clone(),
        );
        r.register(
            "bulkhead_sink_failures",
            "Scans a sink (trend, history store, PolicyReport writer) failed to record",
            m.sink_failures.clone(),
        );
        r.register(
            "bulkhead_alert_queue_messages",
            "Alert messages waiting for delivery",
            m.alerts.queued.clone(),
        );
        r.register(
            "bulkhead_alert_queue_capacity_messages",
            "Alert messages the queue holds before new ones are dropped",
            m.alerts.capacity.clone(),
        );
        r.register(
            "bulkhead_alerts_sent",
            "Alert messages the endpoint accepted",
            m.alerts.sent.clone(),
        );
        r.register(
            "bulkhead_alert_findings_sent",
            "New findings carried by accepted alert messages",
            m.alerts.findings_sent.clone(),
        );
        r.register(
            "bulkhead_alert_delivery_failures",
            "Alert delivery attempts that failed (each is retried with backoff)",
            m.alerts.delivery_failures.clone(),
        );
        r.register(
            "bulkhead_alerts_dropped",
            "Alert messages dropped because the queue was full (their findings are alerted again on the next scan)",
            m.alerts.dropped.clone(),
        );
        if with_audit {
            let a = &m.audit;
            r.register(
                "bulkhead_audit_batches_accepted",
                "Audit EventList batches accepted",
                a.batches_accepted.clone(),
            );
            r.register(
                "bulkhead_audit_events_accepted",
                "Audit events in accepted batches",
                a.events_accepted.clone(),
            );
            r.register(
                "bulkhead_audit_events_processed",
                "Audit events the detector judged",
                a.events_processed.clone(),
            );
            r.register(
                "bulkhead_audit_batches_refused",
                "Audit batches refused with 429 because the detector's queue was full",
                a.batches_refused.clone(),
            );
            r.register(
                "bulkhead_audit_bad_requests",
                "Audit webhook requests that were not an EventList",
                a.bad_requests.clone(),
            );
            r.register(
                "bulkhead_audit_alerts",
                "Audit-log detections, by rule and severity",
                a.alerts.clone(),
            );
        }
        // Every label value a scan counter can take, from zero, so that rates and alert
        // rules see a series before the first failure.
        for result in ["success", "failure"] {
            let _ = m.scans.get_or_create(&vec![("result", result.to_string())]);
        }
        for kind in super::report::FAILURE_KINDS {
            let _ = m
                .scan_failures
                .get_or_create(&vec![("kind", kind.to_string())]);
        }
        Metrics { registry, ..m }
    }

    /// Takes in one scan: every attempt counts; a good one replaces the finding gauges.
    pub fn record(&self, report: &ScanReport) {
        let result = if report.succeeded().is_some() {
            "success"
        } else {
            "failure"
        };
        self.scans
            .get_or_create(&vec![("result", result.to_string())])
            .inc();
        self.scan_duration.observe(report.duration.as_secs_f64());
        match &report.result {
            Ok(scanned) => {
                self.last_attempt_failed.set(0);
                self.last_success.set(
                    report
                        .started
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_secs_f64())
                        .unwrap_or(0.0),
                );
                self.replace_findings(scanned);
            }
            Err(failure) => {
                self.last_attempt_failed.set(1);
                self.scan_failures
                    .get_or_create(&vec![("kind", failure.kind.to_string())])
                    .inc();
            }
        }
    }

    fn replace_findings(&self, scanned: &Scanned) {
        self.objects_read.set(scanned.objects_read as i64);
        self.api_errors.set(scanned.api_errors as i64);
        let mut by_severity: BTreeMap<&str, i64> = bulkhead_checks::Severity::ALL
            .iter()
            .map(|s| (s.as_str(), 0))
            .collect();
        let mut by_check: BTreeMap<(&str, &str), i64> = BTreeMap::new();
        let mut by_namespace: BTreeMap<(&str, &str), i64> = BTreeMap::new();
        for f in scanned.open_findings() {
            let severity = f.severity.as_str();
            *by_severity.entry(severity).or_default() += 1;
            *by_check.entry((f.check.id, severity)).or_default() += 1;
            let namespace = f.object.namespace.as_deref().unwrap_or("");
            *by_namespace.entry((namespace, severity)).or_default() += 1;
        }
        self.findings.clear();
        for (severity, count) in by_severity {
            self.findings
                .get_or_create(&vec![("severity", severity.to_string())])
                .set(count);
        }
        self.findings_by_check.clear();
        for ((check, severity), count) in by_check {
            self.findings_by_check
                .get_or_create(&vec![
                    ("check", check.to_string()),
                    ("severity", severity.to_string()),
                ])
                .set(count);
        }
        self.findings_by_namespace.clear();
        for ((namespace, severity), count) in by_namespace {
            self.findings_by_namespace
                .get_or_create(&vec![
                    ("namespace", namespace.to_string()),
                    ("severity", severity.to_string()),
                ])
                .set(count);
        }
        self.framework_controls.clear();
        self.framework_score.clear();
        for f in &scanned.frameworks {
            for (status, count) in [
                (Status::Pass, f.passed),
                (Status::Fail, f.failed),
                (Status::Warn, f.warned),
                (Status::Manual, f.manual),
                (Status::NotEvaluated, f.not_evaluated),
            ] {
                self.framework_controls
                    .get_or_create(&vec![
                        ("framework", f.id.to_string()),
                        ("status", status_label(status).to_string()),
                    ])
                    .set(count as i64);
            }
            if let Some(score) = f.score {
                self.framework_score
                    .get_or_create(&vec![("framework", f.id.to_string())])
                    .set(score / 100.0);
            }
        }
    }

    /// Records a sink's failure to take a scan.
    pub fn sink_failed(&self, sink: &str) {
        self.sink_failures
            .get_or_create(&vec![("sink", sink.to_string())])
            .inc();
    }

    /// The OpenMetrics exposition.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(16 << 10);
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }

    /// The exposition in the format `accept` asks for, and its content type: OpenMetrics
    /// when the scraper accepts it, else the classic text format.
    pub fn negotiate(&self, accept: &str) -> (&'static str, String) {
        let open = self.encode();
        if accept.contains("application/openmetrics-text") {
            (OPENMETRICS, open)
        } else {
            (TEXT, to_classic_text(&open))
        }
    }
}

impl AuditMetrics {
    /// Copies the receiver's own counters (they only grow, as counters must).
    pub fn copy_from(&self, counters: &crate::audit_webhook::Counters) {
        let set = |c: &Counter, v: &std::sync::atomic::AtomicU64| {
            c.inner()
                .store(v.load(Ordering::Relaxed), Ordering::Relaxed)
        };
        set(&self.batches_accepted, &counters.batches_accepted);
        set(&self.events_accepted, &counters.events_accepted);
        set(&self.events_processed, &counters.events_processed);
        set(&self.batches_refused, &counters.batches_refused_full);
        set(&self.bad_requests, &counters.bad_requests);
    }
}

/// OpenMetrics to the classic text format: a counter's family is named with its `_total`
/// suffix there (its HELP and TYPE lines name the samples), and `# EOF` and `# UNIT` lines
/// do not exist.
pub fn to_classic_text(open: &str) -> String {
    let counters: std::collections::HashSet<&str> = open
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(open.len() + counters.len() * 16);
    for line in open.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters
                .contains(name)
                .then(|| format!("{prefix}{name}_total {tail}"))
        });
        match renamed {
            Some(l) => out.push_str(&l),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Warn => "warn",
        Status::Manual => "manual",
        Status::NotEvaluated => "not_evaluated",
    }
}
