use bulkhead_node::Component;

use crate::rules::control_plane::flags::{report_flag, report_unset};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// An API server started without `--audit-policy-file`.
    ///
    /// The flag is read from every command line of the API server (static Pod, running
    /// process or systemd unit) by its exact name; an empty value counts as not set. Where
    /// the events go (`--audit-log-path`, `--audit-webhook-config-file`) is a separate check;
    /// what the policy logs is judged by the audit-policy checks (BHC071–BHC075).
    ///
    /// ## Why it matters
    /// The audit policy decides which requests are recorded. Without one the API server
    /// records nothing, even with an audit log path set: who read a Secret, who ran a command
    /// in a pod, who granted themselves a role leave no trace to detect or investigate.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --audit-log-path=/var/log/kubernetes/audit/audit.log
    /// ```
    ///
    /// Use instead: give the API server an audit policy as well.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --audit-log-path=/var/log/kubernetes/audit/audit.log
    ///   - --audit-policy-file=/etc/kubernetes/audit-policy.yaml
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 3.2.1
    /// - Kubernetes documentation, "Auditing"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Audit logging and threat detection: logging"
    pub static AUDIT_POLICY_FILE_NOT_SET = Check {
        id: "BHC070",
        slug: "audit-policy-file-not-set",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "start kube-apiserver with --audit-policy-file pointing at an audit Policy that records at least the metadata of every request",
        compliance: Compliance {
            cis: &["3.2.1"],
            pss: &[],
            nsa: &["Audit logging and threat detection: logging"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for line in cx.command_lines(Component::ApiServer) {
        match line.flag("audit-policy-file") {
            None => report_unset(
                sink,
                line,
                "audit-policy-file",
                "without an audit policy the API server records no audit events",
            ),
            Some(arg) if arg.text().trim().is_empty() => report_flag(
                sink,
                line,
                arg,
                "the value is empty, so no audit policy is read and no audit events are recorded",
            ),
            Some(_) => {}
        }
    }
}
