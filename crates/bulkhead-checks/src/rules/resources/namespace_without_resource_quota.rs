use crate::rules::resources::report_namespaces_without;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Namespaces that hold workloads among the scanned objects but no ResourceQuota. The
    /// finding is placed at the Namespace object when it was scanned, else at the
    /// `metadata.namespace` of the namespace's first workload.
    ///
    /// The check sees only what it was given: a quota applied by another repository, a
    /// platform team or a namespace-provisioning controller is invisible to it, so scan the
    /// manifests of a namespace together (or the live cluster). Objects without a namespace
    /// are not considered, and `kube-system` is left out: its components are sized by the
    /// distribution, and a quota there can keep the control plane's own pods from starting.
    ///
    /// ## Why it matters
    /// Limits on containers bound one pod; a ResourceQuota bounds the namespace. Without one,
    /// a tenant (or a compromised CI token, or a runaway autoscaler) can create pods,
    /// Services, PersistentVolumeClaims and Secrets until the cluster's capacity, or the
    /// API server's storage, is gone for everybody.
    ///
    /// Severity: low; it limits the blast radius of another failure rather than closing a
    /// hole.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    ///   namespace: payments
    /// ```
    ///
    /// Use instead: add a quota next to it.
    /// ```yaml
    /// apiVersion: v1
    /// kind: ResourceQuota
    /// metadata:
    ///   name: payments
    ///   namespace: payments
    /// spec:
    ///   hard:
    ///     requests.cpu: "8"
    ///     requests.memory: 16Gi
    ///     limits.memory: 32Gi
    ///     pods: "50"
    /// ```
    ///
    /// ## References
    /// - NSA-CISA Kubernetes Hardening Guidance, "Resource policies"
    /// - MITRE ATT&CK T1496 (Resource Hijacking), T1499 (Endpoint Denial of Service)
    pub static NAMESPACE_WITHOUT_RESOURCE_QUOTA = Check {
        id: "BHQ006",
        slug: "namespace-without-resource-quota",
        severity: Severity::Low,
        family: Family::Resources,
        remediation: "add a ResourceQuota to the namespace",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: resource policies"],
            mitre: &["T1496", "T1499"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_namespaces_without(
        cx,
        sink,
        "ResourceQuota",
        "nothing bounds what it may consume in total",
    );
}
