use super::audit_log;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers writing an audit log file whose `--audit-log-maxage` is below 30. It does
    /// not apply when `--audit-log-path` is not set or is `-` (standard output: nothing to
    /// rotate). Unset or 0 keeps old files regardless of age, which meets the recommendation; a
    /// value that is not a non-negative integer stops the API server.
    ///
    /// ## Why it matters
    /// Rotated audit log files older than this many days are deleted. An investigation often
    /// starts weeks after the fact; logs younger than that are gone when they are needed.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --audit-log-path=/var/log/kubernetes/audit/audit.log
    ///   - --audit-log-maxage=7
    /// ```
    ///
    /// Use instead: keep at least 30 days of audit log.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --audit-log-path=/var/log/kubernetes/audit/audit.log
    ///   - --audit-log-maxage=30
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.17
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--audit-log-maxage` (default 0): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - lumberjack (the API server's log rotation): https://pkg.go.dev/gopkg.in/natefinch/lumberjack.v2
    pub static APISERVER_AUDIT_LOG_MAXAGE = Check {
        id: "BHC017",
        slug: "apiserver-audit-log-maxage",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "set --audit-log-maxage to 30 or more",
        compliance: Compliance {
            cis: &["1.2.17"],
            pss: &[],
            nsa: &["Audit logging and threat detection: logging"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    audit_log::rotation(
        cx,
        sink,
        "audit-log-maxage",
        30,
        "rotated audit logs are deleted before 30 days have passed",
    );
}
