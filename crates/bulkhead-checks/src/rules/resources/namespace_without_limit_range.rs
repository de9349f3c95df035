use crate::rules::resources::report_namespaces_without;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Namespaces that hold workloads among the scanned objects but no LimitRange. The
    /// finding is placed at the Namespace object when it was scanned, else at the
    /// `metadata.namespace` of the namespace's first workload.
    ///
    /// The check sees only what it was given: a LimitRange applied by another repository, a
    /// platform team or a namespace-provisioning controller is invisible to it, so scan the
    /// manifests of a namespace together (or the live cluster). Objects without a namespace
    /// are not considered, and `kube-system` is left out, as for
    /// [BHQ006](BHQ006.md).
    ///
    /// ## Why it matters
    /// A LimitRange gives every container that declares none a default request and limit
    /// (CPU, memory, ephemeral storage) and caps what one container may ask for. Without
    /// one, the next manifest that forgets `resources` runs unbounded, and a ResourceQuota
    /// on CPU or memory rejects such pods outright instead of sizing them.
    ///
    /// Severity: low; it is the safety net under per-container limits, not a hole in itself.
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
    /// Use instead: add a LimitRange next to it.
    /// ```yaml
    /// apiVersion: v1
    /// kind: LimitRange
    /// metadata:
    ///   name: payments
    ///   namespace: payments
    /// spec:
    ///   limits:
    ///     - type: Container
    ///       default: {cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi}
    ///       defaultRequest: {cpu: 100m, memory: 128Mi, ephemeral-storage: 256Mi}
    ///       max: {memory: 4Gi}
    /// ```
    ///
    /// ## References
    /// - NSA-CISA Kubernetes Hardening Guidance, "Resource policies"
    /// - MITRE ATT&CK T1496 (Resource Hijacking), T1499 (Endpoint Denial of Service)
    pub static NAMESPACE_WITHOUT_LIMIT_RANGE = Check {
        id: "BHQ007",
        slug: "namespace-without-limit-range",
        severity: Severity::Low,
        family: Family::Resources,
        remediation: "add a LimitRange with default requests and limits to the namespace",
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
        "LimitRange",
        "containers that declare no resources get no default requests or limits",
    );
}
