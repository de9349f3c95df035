use std::collections::BTreeSet;

use bulkhead_netpol::{is_network_policy, Direction, Peer, NAMESPACE_NAME_LABEL};

use crate::rules::network::common::NETWORK_POLICY_COMPLIANCE;
use crate::{declare_check, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// NetworkPolicy peers whose `namespaceSelector` tests namespace labels (other than
    /// `kubernetes.io/metadata.name`) while workloads of the scan live in namespaces that
    /// have no `Namespace` object in the scan. Only a namespace's name is known then, so
    /// whether the peer admits those workloads depends on labels the scan does not hold.
    /// `bulkhead netpol` answers such pairs as possibly allowed (UNKNOWN in `explain`), never
    /// as denied; this finding says where the answer stops being certain.
    ///
    /// ## Why it matters
    /// An isolation that rests on namespace labels is only as good as those labels: a
    /// namespace the cluster labels `team: shop`, or that anyone allowed to label namespaces
    /// relabels, is admitted. A reviewer reading a matrix computed without the labels would
    /// believe in an isolation the cluster may not have.
    ///
    /// ## Example
    /// ```yaml
    /// # workloads in namespace "batch", and no Namespace object for it in the scan
    /// ingress:
    ///   - from:
    ///       - namespaceSelector: {matchLabels: {team: shop}}
    /// ```
    ///
    /// Use instead: scan the Namespace objects with the manifests (or select namespaces by
    /// `kubernetes.io/metadata.name`, which the API server sets and nobody can change):
    /// ```yaml
    /// ingress:
    ///   - from:
    ///       - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-namespace-by-its-name
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static PEER_DEPENDS_ON_UNKNOWN_NAMESPACE = Check {
        id: "BHN017",
        slug: "network-policy-peer-depends-on-unknown-namespace-labels",
        severity: Severity::Info,
        family: Family::Network,
        remediation: "add the Namespace objects (with their labels) to the scan, or select namespaces by kubernetes.io/metadata.name",
        compliance: NETWORK_POLICY_COMPLIANCE,
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let network = cx.network();
    let populated: BTreeSet<&str> = network
        .workloads
        .iter()
        .map(|w| w.namespace.as_str())
        .collect();
    let unknown: Vec<_> = network
        .namespaces
        .iter()
        .filter(|n| !n.labels_known() && populated.contains(n.name.as_str()))
        .collect();
    if unknown.is_empty() {
        return;
    }
    for policy in network
        .policies
        .iter()
        .filter(|p| is_network_policy(p.object))
    {
        for direction in [Direction::Ingress, Direction::Egress] {
            if !policy.isolates(direction) {
                continue;
            }
            for rule in policy.rules(direction) {
                for (i, peer) in rule.peers.iter().flatten().enumerate() {
                    let Peer::Pods {
                        namespace: Some(selector),
                        ..
                    } = peer
                    else {
                        continue;
                    };
                    let names: Vec<&str> = unknown
                        .iter()
                        .filter(|n| n.selected_by(selector).is_none())
                        .map(|n| n.name.as_str())
                        .collect();
                    if names.is_empty() {
                        continue;
                    }
                    let keys: BTreeSet<&str> = selector
                        .requirements
                        .iter()
                        .map(|r| r.key.as_str())
                        .filter(|k| *k != NAMESPACE_NAME_LABEL)
                        .collect();
                    sink.report(
                        policy.object,
                        &format!(
                            "/spec/{}/{}/{}/{i}/namespaceSelector",
                            direction.field(),
                            rule.index,
                            direction.peers_field()
                        ),
                        format!(
                            "{} rule {} of NetworkPolicy \"{}\": whether its namespaceSelector admits the pods of namespace(s) {} depends on their label(s) {}, and the scan holds no Namespace object for them; reachability treats these pairs as possibly allowed",
                            direction.field(),
                            rule.index,
                            policy.name,
                            names.join(", "),
                            keys.into_iter().collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
            }
        }
    }
}
