use bulkhead_netpol::Direction;

use crate::rules::network::common::NETWORK_POLICY_COMPLIANCE;
use crate::rules::network::missing_default_deny_ingress::report_missing_default_deny;
use crate::{declare_check, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Namespaces that hold workloads and NetworkPolicies of the scan but no default-deny
    /// egress policy: a NetworkPolicy with an empty `podSelector` and `Egress` among its
    /// policy types. Namespaces without any policy in the scan are not judged. When every
    /// workload of the namespace is isolated for egress by its own policies, the finding is
    /// info: nothing is open today, only workloads added later would be.
    ///
    /// ## Why it matters
    /// Without egress isolation a compromised pod can reach every service of the cluster, the
    /// cloud metadata endpoint and the internet: lateral movement and exfiltration are free.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: default-deny, namespace: shop}
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress]
    /// ```
    ///
    /// Use instead: deny egress by default and allow DNS and the destinations each workload needs:
    /// ```yaml
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress, Egress]
    ///   egress:
    ///     - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]
    ///       ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.3.2 (related; not mapped, see `common.rs`)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic
    pub static MISSING_DEFAULT_DENY_EGRESS = Check {
        id: "BHN002",
        slug: "missing-default-deny-egress",
        severity: Severity::Low,
        family: Family::Network,
        remediation: "add a NetworkPolicy with podSelector: {} and policyTypes: [Egress] (allowing DNS) to the namespace",
        compliance: NETWORK_POLICY_COMPLIANCE,
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_missing_default_deny(
        cx,
        sink,
        Direction::Egress,
        MISSING_DEFAULT_DENY_EGRESS.severity,
    );
}
