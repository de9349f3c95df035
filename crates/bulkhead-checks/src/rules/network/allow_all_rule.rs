use bulkhead_model::{Node, Object};
use bulkhead_netpol::{is_network_policy, Direction};

use crate::rules::network::common::NETWORK_POLICY_COMPLIANCE;
use crate::{declare_check, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// NetworkPolicy rules that allow everything: no `ports` and no `from`/`to`, or peers that
    /// cover every pod of every namespace (`namespaceSelector: {}` alone) or every address
    /// (`ipBlock: 0.0.0.0/0` or `::/0` without `except`).
    ///
    /// ## Why it matters
    /// Such a rule undoes the isolation the policy creates: for the pods it selects, the
    /// policy is an allow-all. It is often a leftover from debugging.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   podSelector: {matchLabels: {app: db}}
    ///   ingress:
    ///     - {}
    /// ```
    ///
    /// Use instead: name the peers and ports:
    /// ```yaml
    ///   ingress:
    ///     - from: [{podSelector: {matchLabels: {app: api}}}]
    ///       ports: [{port: 5432}]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.3.2 (related; not mapped, see `common.rs`)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static ALLOW_ALL_RULE = Check {
        id: "BHN004",
        slug: "network-policy-allows-all",
        severity: Severity::Medium,
        family: Family::Network,
        remediation: "restrict the rule to the peers (podSelector, namespaceSelector) and ports the workload needs",
        compliance: NETWORK_POLICY_COMPLIANCE,
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["NetworkPolicy"]),
    };
}

/// Whether one peer entry covers every pod or every address.
fn peer_is_everything(peer: &Node) -> bool {
    if let Some(block) = peer.get("ipBlock") {
        let cidr = block.get("cidr").and_then(Node::as_str).unwrap_or("");
        let except = block.get("except").is_some_and(|e| !e.as_seq().is_empty());
        return (cidr == "0.0.0.0/0" || cidr == "::/0") && !except;
    }
    let selects_all = |n: &Node| {
        n.get("matchLabels").is_none_or(|m| m.as_map().is_empty())
            && n.get("matchExpressions")
                .is_none_or(|m| m.as_seq().is_empty())
    };
    let pod = peer.get("podSelector");
    let namespace = peer.get("namespaceSelector");
    namespace.is_some_and(selects_all) && pod.is_none_or(selects_all)
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
            let any_port = rule.get("ports").is_none_or(|p| p.as_seq().is_empty());
            if !any_port {
                continue;
            }
            let peers = rule
                .get(direction.peers_field())
                .map(Node::as_seq)
                .unwrap_or(&[]);
            let (side, anyone) = match direction {
                Direction::Ingress => ("from", "any source"),
                Direction::Egress => ("to", "any destination"),
            };
            let everyone = if peers.is_empty() {
                Some(format!("{side} {anyone} (every pod and every address)"))
            } else {
                peers.iter().position(peer_is_everything).map(|j| {
                    let what = if peers[j].get("ipBlock").is_some() {
                        "every address"
                    } else {
                        "every pod of every namespace"
                    };
                    format!("{side} {what} (peer {j})")
                })
            };
            if let Some(whom) = everyone {
                // Wide-open egress is a common, weaker choice; wide-open ingress is the exposure.
                let severity = match direction {
                    Direction::Ingress => Severity::Medium,
                    Direction::Egress => Severity::Low,
                };
                sink.report_with(
                    object,
                    &format!("/spec/{}/{i}", direction.field()),
                    severity,
                    format!(
                        "{} rule {i} of NetworkPolicy \"{}\" allows traffic {whom} on every port",
                        direction.field(),
                        object.name
                    ),
                );
            }
        }
    }
}
