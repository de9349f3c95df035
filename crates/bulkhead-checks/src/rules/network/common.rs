//! Helpers shared by the network checks.

use bulkhead_model::{Inventory, Object};
use bulkhead_netpol::{is_network_policy, Network, Options};

use crate::Compliance;

/// The NSA-CISA network-policy section, shared by the NetworkPolicy checks.
///
/// Not CIS 5.3.2 ("all namespaces have NetworkPolicies defined"), though these checks bear on
/// it: a framework control passes when its checks are silent, and these checks are silent on
/// namespaces they do not judge (no policy in the scan), which would pass 5.3.2 for a scan
/// without a single NetworkPolicy. Needs a fail-only mapping (issue 7).
pub const NETWORK_POLICY_COMPLIANCE: Compliance = Compliance {
    cis: &[],
    pss: &[],
    nsa: &["Network separation and hardening: network policies"],
    mitre: &[],
};

/// Whether the scan holds NetworkPolicies at all. Coverage checks judge only scans that do:
/// without any, the policies are most likely managed elsewhere (a platform repository, a
/// CNI's own policy kinds), and every namespace of every chart would be reported.
pub fn scan_has_policies(inventory: &Inventory) -> bool {
    inventory.objects().iter().any(is_network_policy)
}

/// The network with default options.
pub fn network(inventory: &Inventory) -> Network<'_> {
    Network::build(inventory, Options::default())
}

/// Where to report something about a namespace: its `Namespace` object, or else the first
/// workload of the scan in it (at `metadata.namespace`); `workloads` are the namespace's
/// workloads (indexes into `network.workloads`, in order).
pub fn namespace_anchor<'a>(
    network: &Network<'a>,
    namespace: &str,
    workloads: &[usize],
) -> Option<(&'a Object, &'static str)> {
    if let Some(o) = network.namespace(namespace).and_then(|n| n.object) {
        return Some((o, "/metadata/name"));
    }
    workloads
        .first()
        .map(|&w| (network.workloads[w].object, "/metadata/namespace"))
}

/// Whether the namespace holds custom resources (an API group outside Kubernetes' own), which
/// operators turn into pods the scan cannot see.
pub fn has_operator_resources(inventory: &Inventory, namespace: &str) -> bool {
    inventory.in_namespace(namespace).any(|o| {
        let group = o.group();
        group.contains('.') && !group.ends_with(".k8s.io") && !group.ends_with(".kubernetes.io")
    })
}
