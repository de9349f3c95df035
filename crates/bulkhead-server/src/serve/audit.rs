//! The audit receiver hosted by `serve` (`--audit`): batches POSTed to `/audit` on the same
//! listener, judged by the same detector as `audit-webhook`; each alert goes to the given
//! sink and is counted in `bulkhead_audit_alerts_total{rule,severity}`.

use std::sync::Arc;

use bulkhead_audit::{Alert, Detector, Sink};

use super::metrics::Metrics;

/// What the hosted receiver needs.
pub struct AuditOptions {
    pub detector: Detector,
    /// Where alerts are written (JSON lines on standard output, say).
    pub sink: Box<dyn Sink + Send>,
    /// Batches held between the handler and the detector.
    pub queue: usize,
    pub max_body_bytes: usize,
}

/// Counts each alert, then hands it on.
pub struct CountingSink {
    pub inner: Box<dyn Sink + Send>,
    pub metrics: Arc<Metrics>,
}

impl Sink for CountingSink {
    fn alert(&mut self, alert: &Alert) {
        self.metrics
            .audit
            .alerts
            .get_or_create(&vec![
                ("rule", alert.rule.clone()),
                ("severity", alert.severity.as_str().to_string()),
            ])
            .inc();
        self.inner.alert(alert);
    }

    fn unreadable(&mut self, origin: &str, line: u64, message: &str) {
        self.inner.unreadable(origin, line, message);
    }
}
