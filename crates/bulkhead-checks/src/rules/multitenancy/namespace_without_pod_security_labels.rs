use bulkhead_model::Object;

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Namespaces without the `pod-security.kubernetes.io/enforce` label, so that Pod Security
    /// admission enforces nothing in them (it applies the cluster-wide default, `privileged`
    /// unless an `AdmissionConfiguration` says otherwise).
    ///
    /// Every Namespace object is judged, `kube-system` included: the namespaces that need
    /// privileged pods (the control plane, CNI and CSI agents) should say so with
    /// `enforce: privileged`, which records the decision and lets every other namespace be
    /// reviewed for the same label. `warn` and `audit` labels alone only report; the message
    /// names them when they are set. Namespaces known only from the objects in them (no
    /// Namespace object in the inputs) are not reported: their labels are unknown.
    ///
    /// ## Why it matters
    /// Pod Security admission is the built-in replacement for PodSecurityPolicy. Without an
    /// `enforce` label a namespace admits privileged pods, host namespaces and hostPath mounts
    /// from anyone who may create pods in it, whatever the workload manifests in the repository
    /// say. [BHW020](BHW020.md) evaluates the workloads against the labels that are set.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: restricted
    ///     pod-security.kubernetes.io/enforce-version: latest
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-admission/
    /// - https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/
    /// - CIS Kubernetes Benchmark v1.12, 5.2.1 (at least one active policy control mechanism; a
    ///   manual control about the cluster's admission policy: a finding makes it WARN, a clean
    ///   run leaves it MANUAL with this check as evidence, never PASS)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Pod security enforcement"
    pub static NAMESPACE_WITHOUT_POD_SECURITY_LABELS = Check {
        id: "BHM003",
        slug: "namespace-without-pod-security-labels",
        severity: Severity::Low,
        family: Family::Multitenancy,
        remediation: "label the Namespace with pod-security.kubernetes.io/enforce: restricted (or baseline; privileged only for system namespaces that need it)",
        compliance: Compliance {
            cis: &["5.2.1"],
            pss: &[],
            nsa: &["Pod security: pod security enforcement"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Namespace"]),
    };
}

const PREFIX: &str = "pod-security.kubernetes.io/";

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if object.kind != "Namespace" || !object.group().is_empty() {
        return;
    }
    if object.label("pod-security.kubernetes.io/enforce").is_some() {
        return;
    }
    let others: Vec<String> = ["warn", "audit"]
        .into_iter()
        .filter_map(|mode| {
            let level = object.label(&format!("{PREFIX}{mode}"))?;
            Some(format!("{mode}={level}"))
        })
        .collect();
    let besides = if others.is_empty() {
        String::new()
    } else {
        format!(
            " ({} only report violations, they do not refuse pods)",
            others.join(", ")
        )
    };
    sink.report(
        object,
        "/metadata/labels/pod-security.kubernetes.io~1enforce",
        format!(
            "Namespace \"{}\" has no pod-security.kubernetes.io/enforce label, so Pod Security admission refuses nothing there{besides}",
            object.name
        ),
    );
}
