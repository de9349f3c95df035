use bulkhead_model::{Node, Object};

use crate::rules::common::same_directory;
use crate::rules::workload::{is_static_pod, named_service_account};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Workloads that run as their namespace's `default` service account: `serviceAccountName`
    /// (and the deprecated `serviceAccount`) unset, empty or `default`. Static pods, which
    /// cannot use a service account, are skipped.
    ///
    /// ## Why it matters
    /// Every pod of the namespace that names no account shares `default`: a permission granted
    /// to it for one workload (a RoleBinding, an image pull secret, a cloud identity such as
    /// IRSA or GKE Workload Identity bound to the account) goes to all of them, and audit logs
    /// cannot tell them apart. A dedicated account per workload keeps its permissions, and a
    /// stolen token, to that workload.
    ///
    /// Severity: low; info when the pod does not mount the account's token
    /// (`automountServiceAccountToken: false` on the pod, or on a `default` ServiceAccount
    /// among the scanned objects and not overridden by the pod), as the pod then holds no
    /// API credential. For a pod without a namespace, only a `default` ServiceAccount without
    /// a namespace from the same directory counts, as only that one is applied with it.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: registry.example/app:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: app
    /// automountServiceAccountToken: false
    /// ---
    /// spec:
    ///   serviceAccountName: app
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.5
    /// - NSA-CISA Kubernetes Hardening Guidance, "Protecting Pod service account tokens"
    /// - MITRE ATT&CK T1078.001 (Default Accounts), T1528 (Steal Application Access Token)
    pub static DEFAULT_SERVICE_ACCOUNT = Check {
        id: "BHW035",
        slug: "default-service-account",
        severity: Severity::Low,
        family: Family::Workload,
        remediation: "create a ServiceAccount for the workload and set serviceAccountName to it",
        compliance: Compliance {
            cis: &["5.1.5"],
            pss: &[],
            nsa: &["Pod security: protecting pod service account tokens"],
            mitre: &["T1078.001", "T1528"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    if is_static_pod(object) {
        return;
    }
    let pointer = match named_service_account(&pod) {
        Some(("default", pointer)) => pointer,
        Some(_) => return,
        None => pod.pointer_to("serviceAccountName"),
    };
    let token_mounted = match pod
        .get("automountServiceAccountToken")
        .and_then(Node::as_bool)
    {
        Some(mounted) => mounted,
        None => {
            cx.inventory
                .get("ServiceAccount", object.namespace.as_deref(), "default")
                // Objects without a namespace go wherever they are applied: only an account
                // from the same directory is taken to land next to the pod.
                .filter(|sa| object.namespace.is_some() || same_directory(sa, object))
                .and_then(|sa| sa.root.get("automountServiceAccountToken"))
                .and_then(Node::as_bool)
                != Some(false)
        }
    };
    if token_mounted {
        sink.report(
            object,
            &pointer,
            "pod runs as the default service account and mounts its token",
        );
    } else {
        sink.report_with(
            object,
            &pointer,
            Severity::Info,
            "pod runs as the default service account (its token is not mounted)",
        );
    }
}
