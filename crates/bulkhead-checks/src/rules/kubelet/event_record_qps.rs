use bulkhead_node::kubelet::fields::EVENT_RECORD_QPS;

use crate::rules::kubelet::judge::{judge_setting, unreadable};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets whose event creation rate is unlimited: `eventRecordQPS: 0` (or
    /// `--event-qps=0`). The default is 50 per second in both modes. CIS asks for "an
    /// appropriate level", which depends on the cluster; the one value that can be judged
    /// without knowing it is 0, which removes the limit. Low severity: a lead to review.
    ///
    /// ## Why it matters
    /// Events record what happened to pods and nodes. Without a limit, a misbehaving
    /// workload can make the kubelet flood the API server with events; a limit set too low
    /// drops the events an investigation needs.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// eventRecordQPS: 0
    /// ```
    ///
    /// Use instead: a finite rate that captures the node's normal event volume.
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// eventRecordQPS: 50
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.8
    /// - https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
    pub static EVENT_RECORD_QPS_UNLIMITED = Check {
        id: "BHL008",
        slug: "kubelet-event-record-qps",
        severity: Severity::Low,
        family: Family::Kubelet,
        remediation: "set eventRecordQPS (or --event-qps) to a finite rate that captures the node's events, such as the default 50",
        compliance: Compliance {
            cis: &["4.2.8"],
            pss: &[],
            nsa: &["Audit logging and threat detection: logging"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    judge_setting(
        cx,
        sink,
        &EVENT_RECORD_QPS,
        "the event rate limit",
        |value| match value.as_i64() {
            Some(0) => Some(
                "event creation is not rate limited (eventRecordQPS 0 means unlimited)".to_string(),
            ),
            Some(qps) if qps < 0 => Some(unreadable(value, "event rate (it must not be negative)")),
            Some(_) => None,
            None => Some(unreadable(value, "number")),
        },
    );
}
