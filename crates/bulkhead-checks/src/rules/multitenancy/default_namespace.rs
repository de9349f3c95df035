use bulkhead_model::Object;

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Objects placed explicitly in the `default` namespace. Objects with no namespace are
    /// not reported: where they land is decided when they are applied. Objects the control
    /// plane creates there itself are not reported either: the `kubernetes` Service and its
    /// endpoints, and what exists in every namespace (the `default` ServiceAccount, the
    /// `kube-root-ca.crt` ConfigMap).
    ///
    /// ## Why it matters
    /// Namespaces are where RBAC, NetworkPolicies, quotas and Pod Security admission levels
    /// are set. The `default` namespace is shared by everything nobody placed on purpose, so
    /// policies written for it either fit nothing or let too much through.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   name: api
    ///   namespace: default
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   name: api
    ///   namespace: payments
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.6.4
    /// - NSA-CISA Kubernetes Hardening Guidance, "Namespaces"
    pub static DEFAULT_NAMESPACE = Check {
        id: "BHM001",
        slug: "default-namespace",
        severity: Severity::Low,
        family: Family::Multitenancy,
        remediation: "move the object to a namespace of its own",
        compliance: Compliance {
            cis: &["5.6.4"],
            pss: &[],
            nsa: &["Network separation and hardening: namespaces"],
            mitre: &[],
        },
        run: Run::Object(check),
    };
}

/// Objects the control plane itself keeps in `default`: the API server's own Service and its
/// endpoints, and what controllers create in every namespace, `default` included (the
/// `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap). Nobody placed them, and
/// none can be moved; a live dump (`kubectl get -A -o yaml`) holds them all.
fn is_built_in(object: &Object) -> bool {
    if !object.group().is_empty() && object.kind != "EndpointSlice" {
        return false;
    }
    matches!(
        (object.kind.as_str(), object.name.as_str()),
        ("Service" | "Endpoints" | "EndpointSlice", "kubernetes")
            | ("ServiceAccount", "default")
            | ("ConfigMap", "kube-root-ca.crt")
    )
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if object.namespace.as_deref() == Some("default") && !is_built_in(object) {
        sink.report(
            object,
            "/metadata/namespace",
            format!(
                "{} \"{}\" is in the default namespace",
                object.kind, object.name
            ),
        );
    }
}
