use bulkhead_model::{Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Pod specs that name their service account with the deprecated `serviceAccount` field
    /// instead of `serviceAccountName`, in every workload kind.
    ///
    /// Reported when `serviceAccount` is set and `serviceAccountName` is missing, empty, or
    /// names another account. When both name the same account nothing is reported: the API
    /// server writes `serviceAccount` beside `serviceAccountName` in every Pod it returns, so
    /// a `kubectl get pods -o yaml` dump carries both.
    ///
    /// ## Why it matters
    /// `serviceAccount` has been deprecated since Kubernetes 1.0 and is read only when
    /// `serviceAccountName` is empty. When the two disagree, the pod runs as
    /// `serviceAccountName` while a reviewer (and tools that read only the old field) see
    /// another identity: the RBAC the pod really holds is not the one reviewed.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   serviceAccount: api
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   serviceAccountName: api
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/ (`serviceAccount`: "Deprecated: Use serviceAccountName instead")
    /// - MITRE ATT&CK T1078 (Valid Accounts)
    pub static DEPRECATED_SERVICE_ACCOUNT_FIELD = Check {
        id: "BHW040",
        slug: "deprecated-service-account-field",
        severity: Severity::Low,
        family: Family::Workload,
        remediation: "replace serviceAccount with serviceAccountName (and remove the old field)",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1078"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    let Some(old) = pod
        .get("serviceAccount")
        .and_then(Node::as_str)
        .filter(|n| !n.is_empty())
    else {
        return;
    };
    let new = pod
        .get("serviceAccountName")
        .and_then(Node::as_str)
        .filter(|n| !n.is_empty());
    let message = match new {
        Some(new) if new == old => return,
        Some(new) => format!(
            "the deprecated serviceAccount names \"{old}\" but the pod runs as serviceAccountName \"{new}\""
        ),
        None => format!(
            "the service account \"{old}\" is named with the deprecated serviceAccount field; use serviceAccountName"
        ),
    };
    sink.report(object, &pod.pointer_to("serviceAccount"), message);
}
