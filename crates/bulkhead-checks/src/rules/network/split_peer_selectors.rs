use bulkhead_model::{Node, Object};
use bulkhead_netpol::{is_network_policy, Direction};

use crate::rules::network::common::NETWORK_POLICY_COMPLIANCE;
use crate::{declare_check, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// NetworkPolicy rules whose `from`/`to` list has a peer with only a `namespaceSelector`
    /// and another peer with only a `podSelector`: two list items (a union) where one item
    /// with both selectors (an intersection) was most likely meant.
    ///
    /// ## Why it matters
    /// One YAML dash changes the meaning. Written as two items, the rule admits *every* pod
    /// of the selected namespaces *plus* the selected pods of the policy's own namespace,
    /// instead of only the selected pods in the selected namespaces.
    ///
    /// ## Example
    /// ```yaml
    /// ingress:
    ///   - from:
    ///       - namespaceSelector: {matchLabels: {team: shop}}
    ///       - podSelector: {matchLabels: {app: api}}
    /// ```
    ///
    /// Use instead (one item, both selectors):
    /// ```yaml
    /// ingress:
    ///   - from:
    ///       - namespaceSelector: {matchLabels: {team: shop}}
    ///         podSelector: {matchLabels: {app: api}}
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
    /// - CIS Kubernetes Benchmark v1.12, 5.3.2 (related; not mapped, see `common.rs`)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static SPLIT_PEER_SELECTORS = Check {
        id: "BHN005",
        slug: "split-peer-selectors",
        severity: Severity::Medium,
        family: Family::Network,
        remediation: "put namespaceSelector and podSelector in the same peer entry (drop the dash before podSelector) if the intersection was meant",
        compliance: NETWORK_POLICY_COMPLIANCE,
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["NetworkPolicy"]),
    };
}

fn only(peer: &Node, key: &str) -> bool {
    peer.get(key).is_some() && peer.as_map().len() == 1
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if !is_network_policy(object) {
        return;
    }
    for direction in [Direction::Ingress, Direction::Egress] {
        let rules = object
            .root
            .path(&["spec", direction.field()])
            .map(Node::as_seq)
            .unwrap_or(&[]);
        for (i, rule) in rules.iter().enumerate() {
            let field = direction.peers_field();
            let peers = rule.get(field).map(Node::as_seq).unwrap_or(&[]);
            let Some(ns) = peers.iter().position(|p| only(p, "namespaceSelector")) else {
                continue;
            };
            let Some(pod) = peers.iter().position(|p| only(p, "podSelector")) else {
                continue;
            };
            sink.report(
                object,
                &format!("/spec/{}/{i}/{field}/{pod}", direction.field()),
                format!(
                    "{field} item {pod} (podSelector) and item {ns} (namespaceSelector) are separate peers: the rule admits every pod of the selected namespaces, not only the selected pods in them",
                ),
            );
        }
    }
}
