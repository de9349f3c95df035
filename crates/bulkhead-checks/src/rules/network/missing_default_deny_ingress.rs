use std::collections::{BTreeMap, HashMap};

use bulkhead_netpol::Direction;

use crate::rules::network::common::{
    namespace_anchor, scan_has_policies, NETWORK_POLICY_COMPLIANCE,
};
use crate::{declare_check, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Namespaces that hold workloads and NetworkPolicies of the scan but no default-deny
    /// ingress policy: a NetworkPolicy with an empty `podSelector` and `Ingress` among its
    /// policy types. Namespaces without any policy in the scan are not judged (their policies
    /// may live elsewhere); `bulkhead netpol matrix` shows them wide open. When every
    /// workload of the namespace is isolated for ingress by its own policies, the finding is
    /// info: nothing is open today, only workloads added later would be.
    ///
    /// ## Why it matters
    /// Kubernetes allows all traffic to a pod that no policy selects. Without a namespace-wide
    /// default deny, every new workload starts open to every pod of the cluster, and one
    /// compromised pod can reach it.
    ///
    /// ## Example
    /// ```yaml
    /// # namespace "shop" has workloads and only a policy for one of them
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: api, namespace: shop}
    /// spec:
    ///   podSelector: {matchLabels: {app: api}}
    ///   ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
    /// ```
    ///
    /// Use instead: add a default deny, then allow what each workload needs:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: default-deny, namespace: shop}
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress, Egress]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.3.2 (related; not mapped, see `common.rs`)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
    pub static MISSING_DEFAULT_DENY_INGRESS = Check {
        id: "BHN001",
        slug: "missing-default-deny-ingress",
        severity: Severity::Medium,
        family: Family::Network,
        remediation: "add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress] to the namespace",
        compliance: NETWORK_POLICY_COMPLIANCE,
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_missing_default_deny(
        cx,
        sink,
        Direction::Ingress,
        MISSING_DEFAULT_DENY_INGRESS.severity,
    );
}

/// Shared with BHN002: namespaces with workloads and no default deny in `direction`, at
/// `default_severity` (info when no workload of the namespace is left open).
pub(crate) fn report_missing_default_deny(
    cx: &Context<'_>,
    sink: &mut Sink<'_>,
    direction: Direction,
    default_severity: Severity,
) {
    if !scan_has_policies(cx.inventory) {
        return;
    }
    let network = cx.network();
    // Only namespaces that have adopted NetworkPolicy in this scan (at least one policy)
    // are judged: a directory of unrelated manifests or test fixtures must not report every
    // namespace it mentions, and policies of other namespaces may live elsewhere.
    // Policies and workloads grouped by namespace once: asking per namespace walked every
    // policy and every workload for each namespace.
    let mut policies: HashMap<&str, Vec<usize>> = HashMap::new();
    for (p, policy) in network.policies.iter().enumerate() {
        policies
            .entry(policy.namespace.as_str())
            .or_default()
            .push(p);
    }
    let mut workloads: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (w, workload) in network.workloads.iter().enumerate() {
        let ns = workload.namespace.as_str();
        if policies.contains_key(ns) {
            workloads.entry(ns).or_default().push(w);
        }
    }
    for (ns, in_namespace) in workloads {
        let covered = policies.get(ns).is_some_and(|ps| {
            ps.iter().any(|&p| {
                let p = &network.policies[p];
                p.isolates(direction) && p.pod_selector.as_ref().is_some_and(|s| s.is_empty())
            })
        });
        if covered {
            continue;
        }
        let anchor = namespace_anchor(network, ns, &in_namespace);
        let Some((object, pointer)) = anchor else {
            continue;
        };
        let open = in_namespace
            .iter()
            .filter(|&&i| network.isolated_by(i, direction).is_empty())
            .count();
        // A namespace whose workloads are all isolated by their own policies is only missing
        // the safety net for workloads added later: worth knowing, not a hole today.
        let severity = if open == 0 {
            Severity::Info
        } else {
            default_severity
        };
        sink.report_with(
            object,
            pointer,
            severity,
            format!(
                "namespace \"{ns}\" has no default-deny {} policy; {open} workload(s) in it {}",
                direction.field(),
                match direction {
                    Direction::Ingress => "accept traffic from any pod",
                    Direction::Egress => "may connect anywhere",
                }
            ),
        );
    }
}
