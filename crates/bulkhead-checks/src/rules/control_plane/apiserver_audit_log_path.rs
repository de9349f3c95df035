use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers without `--audit-log-path`: no audit log backend. An empty value is the same
    /// as not set; `-` (standard output) counts as set.
    ///
    /// ## Why it matters
    /// The audit log is the record of who did what through the API. Without it there is nothing
    /// to investigate an incident with and nothing for detections to read.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// Use instead: write the audit log to a file, with a policy.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --audit-log-path=/var/log/kubernetes/audit/audit.log
    ///   - --audit-policy-file=/etc/kubernetes/audit-policy.yaml
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.16
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--audit-log-path` (default none: no log backend): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/
    pub static APISERVER_AUDIT_LOG_PATH = Check {
        id: "BHC016",
        slug: "apiserver-audit-log-path",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "set --audit-log-path (and --audit-policy-file) on the API server",
        compliance: Compliance {
            cis: &["1.2.16"],
            pss: &[],
            nsa: &["Audit logging and threat detection: logging"],
            mitre: &["T1562.001"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    expect::required(
        cx,
        sink,
        Component::ApiServer,
        "audit-log-path",
        "the API server keeps no audit log",
    );
}
