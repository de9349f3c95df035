//! The webhook's Prometheus metrics, served on `/metrics` in the OpenMetrics text format.
//!
//! Dry-run reviews (`kubectl apply --dry-run=server`) are answered like any other but never
//! counted: a dry run changes nothing, and counting it would make a CI pipeline that checks
//! manifests against the cluster look like a stream of denied deployments.

use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

type Labels2 = [(&'static str, &'static str); 2];
type Labels1 = [(&'static str, &'static str); 1];

pub struct Metrics {
    registry: Registry,
    /// Reviews by outcome (allowed, denied, skipped, unjudged) and the namespace's mode.
    reviews: Family<Labels2, Counter>,
    /// Findings acted on, by severity and mode.
    findings: Family<Labels2, Counter>,
    suppressed: Counter,
    /// Requests that were no AdmissionReview, too large, or too slow, by reason.
    rejected: Family<Labels1, Counter>,
    /// Time from the whole body read to the answer.
    latency: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("bulkhead_admission");
        let reviews = Family::<Labels2, Counter>::default();
        registry.register(
            "reviews",
            "Admission reviews answered, by outcome and mode (dry runs are not counted)",
            reviews.clone(),
        );
        let findings = Family::<Labels2, Counter>::default();
        registry.register(
            "findings",
            "Findings acted on (denied, warned or audited), by severity and mode",
            findings.clone(),
        );
        let suppressed = Counter::default();
        registry.register(
            "suppressed_findings",
            "Findings suppressed by bulkhead.dev/ignore annotations",
            suppressed.clone(),
        );
        let rejected = Family::<Labels1, Counter>::default();
        registry.register(
            "rejected_requests",
            "Requests answered with an HTTP error instead of a review, by reason",
            rejected.clone(),
        );
        // 0.25 ms to about 1 s.
        let latency = Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
            0.000_25, 2.0, 13,
        ));
        registry.register(
            "review_duration_seconds",
            "Time to judge a review and build the answer",
            latency.clone(),
        );
        Metrics {
            registry,
            reviews,
            findings,
            suppressed,
            rejected,
            latency,
        }
    }
}

impl Metrics {
    pub fn review(
        &self,
        outcome: &'static str,
        mode: &'static str,
        findings: &[bulkhead_checks::Severity],
        suppressed: usize,
        took: Duration,
    ) {
        self.reviews
            .get_or_create(&[("outcome", outcome), ("mode", mode)])
            .inc();
        for severity in findings {
            self.findings
                .get_or_create(&[("severity", severity.as_str()), ("mode", mode)])
                .inc();
        }
        self.suppressed.inc_by(suppressed as u64);
        self.latency.observe(took.as_secs_f64());
    }

    pub fn rejected(&self, reason: &'static str) {
        self.rejected.get_or_create(&[("reason", reason)]).inc();
    }

    /// The OpenMetrics text of every metric.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        if encode(&mut text, &self.registry).is_err() {
            text.clear();
        }
        text
    }
}
