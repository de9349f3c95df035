use bulkhead_model::{Object, PodSpec};

use crate::rules::workload::{is_static_pod, named_service_account};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Workloads whose `serviceAccountName` names a ServiceAccount that is not among the
    /// scanned objects of their namespace.
    ///
    /// A scan sees only what it was given, so the check speaks only where the scan is evidently the
    /// whole picture of the namespace: when it holds at least one ServiceAccount in that namespace,
    /// or the Namespace object itself. A Deployment scanned alone is not reported; in a namespace
    /// the scan does hold, an account created elsewhere (by another chart, an operator or a cloud
    /// provider) is, and deserves a suppression that says so. `default`, which Kubernetes creates
    /// in every namespace, is never reported, nor are static pods, or workloads in `kube-system`,
    /// where the control plane and the cloud provider create accounts no manifest shows.
    /// Objects written without a namespace and read from the same input (one file, one
    /// directory) are one namespace, the one they are applied to: a workload there is judged
    /// against the ServiceAccounts beside it.
    ///
    /// ## Why it matters
    /// The ServiceAccount admission plugin refuses pods whose account does not exist, so the
    /// workload never starts (its controller retries and logs `serviceaccount not found`);
    /// and the account that someone creates later under that name, with whatever RBAC
    /// bindings and cloud identity they give it, becomes the workload's identity. A typo in
    /// the name usually means the account meant for the workload, with its narrowed
    /// permissions or `automountServiceAccountToken: false`, is not the one in use.
    ///
    /// Severity: low; it breaks the deployment more often than it opens a hole.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: api
    ///   namespace: payments
    /// ---
    /// # in the Deployment's pod template:
    /// spec:
    ///   serviceAccountName: api-server
    /// ```
    ///
    /// Use instead: name the ServiceAccount that exists (`serviceAccountName: api`), or add
    /// the missing one to the manifests.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.5
    /// - NSA-CISA Kubernetes Hardening Guidance, "Protecting Pod service account tokens"
    pub static MISSING_SERVICE_ACCOUNT = Check {
        id: "BHW036",
        slug: "missing-service-account",
        severity: Severity::Low,
        family: Family::Workload,
        remediation: "define the ServiceAccount in the workload's namespace, or correct serviceAccountName",
        compliance: Compliance {
            cis: &["5.1.5"],
            pss: &[],
            nsa: &["Pod security: protecting pod service account tokens"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

/// Whether the scan holds enough of the workload's namespace to say that an account is
/// missing: the Namespace object, or a ServiceAccount of the same namespace.
fn namespace_is_known(cx: &Context<'_>, workload: &Object) -> bool {
    workload
        .namespace
        .as_deref()
        .is_some_and(|ns| cx.inventory.get("Namespace", None, ns).is_some())
        || cx.inventory.any_beside("ServiceAccount", workload)
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for object in cx.inventory.objects() {
        if object.namespace.as_deref() == Some("kube-system") {
            continue;
        }
        let Some(pod) = cx.pod_spec(object) else {
            continue;
        };
        report_missing(cx, object, &pod, sink);
    }
}

fn report_missing(cx: &Context<'_>, object: &Object, pod: &PodSpec<'_>, sink: &mut Sink<'_>) {
    let Some((name, pointer)) = named_service_account(pod) else {
        return;
    };
    if name == "default" || is_static_pod(object) || !namespace_is_known(cx, object) {
        return;
    }
    if cx
        .inventory
        .find_beside("ServiceAccount", object, name)
        .is_none()
    {
        let namespace = match object.namespace.as_deref() {
            Some(namespace) => format!("namespace \"{namespace}\""),
            None => "the namespace they are applied to (none is written)".to_string(),
        };
        sink.report(
            object,
            &pointer,
            format!("service account \"{name}\" is not among the scanned objects of {namespace}"),
        );
    }
}
