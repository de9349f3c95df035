use super::audit_log;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers writing an audit log file whose `--audit-log-maxsize` is below 100. It does
    /// not apply when `--audit-log-path` is not set or is `-` (standard output: nothing to
    /// rotate). Unset or 0 rotates at 100 megabytes (the rotation library's default), which
    /// meets the recommendation; a value that is not a non-negative integer stops the API
    /// server.
    ///
    /// ## Why it matters
    /// Files are rotated at this size; together with the number of files kept it bounds how
    /// much history survives. Small files rotate quickly and push history out.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --audit-log-path=/var/log/kubernetes/audit/audit.log
    ///   - --audit-log-maxsize=10
    /// ```
    ///
    /// Use instead: keep at least 100 megabytes per file.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --audit-log-path=/var/log/kubernetes/audit/audit.log
    ///   - --audit-log-maxsize=100
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.19
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--audit-log-maxsize` (default 0): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - lumberjack (the API server's log rotation): https://pkg.go.dev/gopkg.in/natefinch/lumberjack.v2
    pub static APISERVER_AUDIT_LOG_MAXSIZE = Check {
        id: "BHC019",
        slug: "apiserver-audit-log-maxsize",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "set --audit-log-maxsize to 100 or more",
        compliance: Compliance {
            cis: &["1.2.19"],
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
        "audit-log-maxsize",
        100,
        "audit log files are rotated below 100 megabytes, so the kept files hold little history",
    );
}
