use bulkhead_model::Object;

use crate::rules::common::{describe, effective_security_field, is_windows};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

/// The lowest UID that is unlikely to belong to an account of the node.
const HIGH_UID: i64 = 10000;

declare_check! {
    /// ## What it checks
    /// Containers whose effective `runAsUser` (the container's, else the pod's) is between 1
    /// and 9999. UID 0 is left to [BHW005](BHW005.md); an unset `runAsUser` (the image's
    /// user) is not reported, as a manifest scan cannot see it. Windows pods and pods in
    /// their own user namespace (`hostUsers: false`, where container UIDs map to a private
    /// range of the node) are skipped.
    ///
    /// ## Why it matters
    /// Without user namespaces a container's UID is the node's UID. Low UIDs are where Linux
    /// distributions put system accounts (1–999) and people (1000 and up): a container that
    /// shares one of them owns that account's files on the node as soon as it reaches them,
    /// through a hostPath volume or after an escape, and shares its process limits. A UID of
    /// 10000 or more is unlikely to exist on the node.
    ///
    /// Severity: low, a hardening step that only matters together with another weakness.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsNonRoot: true
    ///   runAsUser: 1000
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   runAsNonRoot: true
    ///   runAsUser: 10001
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.6.3
    /// - NSA-CISA Kubernetes Hardening Guidance, "Non-root containers"
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static LOW_UID = Check {
        id: "BHW033",
        slug: "low-uid",
        severity: Severity::Low,
        family: Family::Workload,
        remediation: "run as a UID of 10000 or more (runAsUser), or in a user namespace (hostUsers: false)",
        compliance: Compliance {
            cis: &["5.6.3"],
            pss: &[],
            nsa: &["Pod security: non-root containers and privileges"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    if is_windows(&pod) || crate::rules::common::in_user_namespace(&pod) {
        return;
    }
    for container in pod.containers() {
        let Some((node, pointer)) = effective_security_field(&pod, &container, "runAsUser") else {
            continue;
        };
        if let Some(uid) = node.as_i64().filter(|uid| (1..HIGH_UID).contains(uid)) {
            sink.report(
                object,
                &pointer,
                format!(
                    "{} runs as UID {uid}, which may belong to an account of the node",
                    describe(&container)
                ),
            );
        }
    }
}
