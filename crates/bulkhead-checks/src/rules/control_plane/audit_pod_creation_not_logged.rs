use bulkhead_model::Object;

use crate::rules::control_plane::audit_policy::{
    is_audit_policy, probes, report_unlogged, Policy, Probe,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// An audit policy that does not log the creation of pods.
    ///
    /// The policy is evaluated like the API server does (first matching rule decides) for an
    /// ordinary authenticated user's create of `pods`, in a namespace no rule names
    /// (`default`, else `example`) and in every namespace a rule names. The finding points at
    /// the rule that decides `None`, or at `rules` when no rule matches.
    ///
    /// ## Why it matters
    /// Creating a pod is how code gets to run in the cluster: a privileged pod on a chosen
    /// node, a pod that mounts another workload's service account, a miner. Without a record
    /// of pod creation the audit log cannot tell who started what.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - level: Metadata
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// Use instead: end the policy with a rule that logs everything else at Metadata.
    /// ```yaml
    /// rules:
    ///   - level: Metadata
    ///     verbs: ["get", "list", "watch"]
    ///   - level: RequestResponse
    ///     resources:
    ///       - group: ""
    ///         resources: ["pods"]
    ///   - level: Metadata
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 3.2.2
    /// - Kubernetes documentation, "Auditing" (audit policy)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Audit logging and threat detection: logging"
    /// - MITRE ATT&CK T1610 (Deploy Container)
    pub static AUDIT_POD_CREATION_NOT_LOGGED = Check {
        id: "BHC074",
        slug: "audit-pod-creation-not-logged",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "log create of pods at level Metadata or above, before any rule that drops it",
        compliance: Compliance {
            cis: &["3.2.2"],
            pss: &[],
            nsa: &["Audit logging and threat detection: logging"],
            mitre: &["T1610"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Policy"]),
    };
}

/// The requests this check needs logged.
pub fn pod_creation_probes() -> Vec<Probe> {
    probes(&["create"], "", &[("pods", "", true)])
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if !is_audit_policy(object) {
        return;
    }
    report_unlogged(
        sink,
        &Policy::read(object),
        &pod_creation_probes(),
        "pod creations",
        Severity::Medium,
    );
}
