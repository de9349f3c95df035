use super::audit_log;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers writing an audit log file whose `--audit-log-maxbackup` is below 10. It does
    /// not apply when `--audit-log-path` is not set or is `-` (standard output: nothing to
    /// rotate). Unset or 0 keeps every rotated file, which meets the recommendation; a value
    /// that is not a non-negative integer stops the API server.
    ///
    /// ## Why it matters
    /// Only this many rotated audit log files are kept; a burst of activity rotates the
    /// evidence of what happened away within minutes.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --audit-log-path=/var/log/kubernetes/audit/audit.log
    ///   - --audit-log-maxbackup=2
    /// ```
    ///
    /// Use instead: keep at least 10 rotated files.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --audit-log-path=/var/log/kubernetes/audit/audit.log
    ///   - --audit-log-maxbackup=10
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.18
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--audit-log-maxbackup` (default 0): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - lumberjack (the API server's log rotation): https://pkg.go.dev/gopkg.in/natefinch/lumberjack.v2
    pub static APISERVER_AUDIT_LOG_MAXBACKUP = Check {
        id: "BHC018",
        slug: "apiserver-audit-log-maxbackup",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "set --audit-log-maxbackup to 10 or more",
        compliance: Compliance {
            cis: &["1.2.18"],
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
        "audit-log-maxbackup",
        10,
        "fewer than 10 rotated audit log files are kept",
    );
}
