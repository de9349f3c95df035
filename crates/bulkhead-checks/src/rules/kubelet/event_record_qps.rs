use bulkhead_node::kubelet::fields::EVENT_RECORD_QPS;

use crate::rules::kubelet::judge::{judge_setting, unreadable};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets whose event rate is set to 0: `eventRecordQPS: 0` (or `--event-qps=0`). The
    /// default is 50 per second in both modes. CIS asks for "an appropriate level", which
    /// depends on the cluster; 0 is the one value that is wrong without knowing it. The
    /// configuration reference calls 0 "no limit", but the kubelet hands the value to its
    /// event API client, and client-go replaces a QPS of 0 with its own default of 5 per
    /// second: in practice 0 throttles events to a tenth of the kubelet's default. Low
    /// severity: a lead to review.
    ///
    /// ## Why it matters
    /// Events record what happened to pods and nodes. A rate set too low makes the kubelet
    /// queue and then drop the events an investigation needs; no limit at all would let a
    /// misbehaving workload flood the API server. Either reading of 0 is one of these.
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
    /// - https://pkg.go.dev/k8s.io/client-go/rest#Config (a QPS of 0 means DefaultQPS, 5)
    pub static EVENT_RECORD_QPS_ZERO = Check {
        id: "BHL008",
        slug: "kubelet-event-record-qps",
        severity: Severity::Low,
        family: Family::Kubelet,
        remediation: "set eventRecordQPS (or --event-qps) to a positive rate that captures the node's events, such as the default 50",
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
    judge_setting(cx, sink, &EVENT_RECORD_QPS, |value| {
        match value.as_i64() {
            Some(0) => Some(
                "the event rate is 0, documented as unlimited but throttled by client-go's default of 5 events per second"
                    .to_string(),
            ),
            Some(qps) if qps < 0 => Some(unreadable(value, "event rate (it must not be negative)")),
            Some(_) => None,
            None => Some(unreadable(value, "number")),
        }
    });
}
