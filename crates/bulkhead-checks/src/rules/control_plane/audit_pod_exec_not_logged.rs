use bulkhead_model::Object;

use crate::rules::control_plane::audit_policy::{
    is_audit_policy, probes, report_unlogged, Policy, Probe,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// An audit policy that does not log exec, attach and port-forward into pods.
    ///
    /// The policy is evaluated like the API server does (first matching rule decides) for an
    /// ordinary authenticated user's create and get of `pods/exec`, `pods/attach` and
    /// `pods/portforward`, in a namespace no rule names (`default`, else `example`) and in
    /// every namespace a rule names. Both verbs are tried: a websocket connection, which
    /// kubectl uses for exec and attach since 1.30, reaches the audit policy as get. The
    /// finding points at the rule that decides `None`, or at `rules` when no rule matches.
    ///
    /// ## Why it matters
    /// Exec, attach and port-forward give a shell in a running container or a tunnel into
    /// it: the usual next step after stolen credentials, and the way to read a workload's
    /// secrets from inside. Unlogged, they leave nothing to detect or investigate.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - level: None
    ///     resources:
    ///       - group: ""
    ///         resources: ["pods/*"]
    ///   - level: Metadata
    /// ```
    ///
    /// Use instead: log these subresources (at least Metadata) before any rule that drops
    /// them.
    /// ```yaml
    /// rules:
    ///   - level: Metadata
    ///     resources:
    ///       - group: ""
    ///         resources: ["pods/exec", "pods/attach", "pods/portforward"]
    ///   - level: None
    ///     resources:
    ///       - group: ""
    ///         resources: ["pods/*"]
    ///   - level: Metadata
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 3.2.2
    /// - Kubernetes documentation, "Auditing" (audit policy)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Audit logging and threat detection: logging"
    /// - MITRE ATT&CK T1609 (Container Administration Command)
    pub static AUDIT_POD_EXEC_NOT_LOGGED = Check {
        id: "BHC072",
        slug: "audit-pod-exec-not-logged",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "log pods/exec, pods/attach and pods/portforward at level Metadata or above, before any rule that drops them",
        compliance: Compliance {
            cis: &["3.2.2"],
            pss: &[],
            nsa: &["Audit logging and threat detection: logging"],
            mitre: &["T1609"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Policy"]),
    };
}

/// The requests this check needs logged.
pub fn exec_probes() -> Vec<Probe> {
    probes(
        &["create", "get"],
        "",
        &[
            ("pods", "exec", true),
            ("pods", "attach", true),
            ("pods", "portforward", true),
        ],
    )
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if !is_audit_policy(object) {
        return;
    }
    report_unlogged(
        sink,
        &Policy::read(object),
        &exec_probes(),
        "exec, attach and port-forward requests",
        Severity::Medium,
    );
}
