use std::collections::HashMap;

use bulkhead_model::selector::Operator;
use bulkhead_model::LabelSelector;
use bulkhead_netpol::{Direction, Peer, NAMESPACE_NAME_LABEL};

use crate::rules::network::common::{has_operator_resources, NETWORK_POLICY_COMPLIANCE};
use crate::{declare_check, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// NetworkPolicy ingress `from` / egress `to` peers whose non-empty `podSelector` matches
    /// no workload pod template of the scan in the peer's namespaces: the policy's own
    /// namespace when the peer has no `namespaceSelector`, or the namespaces a
    /// `namespaceSelector` names through `kubernetes.io/metadata.name`. Other namespace
    /// selectors may match namespaces outside the scan and are not judged, nor are peers in
    /// `kube-system`, whose pods (DNS, CNI, cloud agents) come with the cluster and are seldom
    /// in the manifests. A peer is judged only when the scan holds workloads in each of its
    /// namespaces, and none of those namespaces holds custom resources (an operator's
    /// `Prometheus`, `Kafka`... whose pods the scan cannot see). Rules of a direction the
    /// policy does not isolate are ignored, as Kubernetes ignores them.
    ///
    /// ## Why it matters
    /// A peer that matches nothing allows nothing: the traffic it was written for is dropped
    /// once the policy isolates its pods (an outage that invites an allow-all "fix"), or the
    /// rule documents an allowance that does not exist. It is usually a label typo or a
    /// renamed app.
    ///
    /// ## Example
    /// ```yaml
    /// ingress:
    ///   - from:
    ///       - podSelector: {matchLabels: {app: frontend}}   # the pods are labelled app: web
    /// ```
    ///
    /// Use instead: the labels the client's pod template carries (`app: web`).
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
    /// - CIS Kubernetes Benchmark v1.12, 5.3.2 (related; not mapped, see `common.rs`)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static PEER_MATCHES_NOTHING = Check {
        id: "BHN016",
        slug: "network-policy-peer-matches-nothing",
        severity: Severity::Low,
        family: Family::Network,
        remediation: "fix the peer's podSelector (or namespaceSelector) so that it matches the labels of the pods it is meant to admit",
        compliance: NETWORK_POLICY_COMPLIANCE,
        run: Run::Inventory(check),
    };
}

/// The cluster's own namespace: its pods (DNS, CNI, cloud agents) are installed with the
/// cluster, and manifests that deploy a few things there seldom hold them.
const SYSTEM_NAMESPACE: &str = "kube-system";

/// The namespaces a peer's pods live in, when the scan can know them: `None` when a
/// `namespaceSelector` does not pin namespace names.
fn peer_namespaces(
    policy_namespace: &str,
    namespace: Option<&LabelSelector>,
) -> Option<Vec<String>> {
    let Some(selector) = namespace else {
        return Some(vec![policy_namespace.to_string()]);
    };
    let mut names: Option<Vec<String>> = None;
    for r in &selector.requirements {
        if r.key == NAMESPACE_NAME_LABEL && r.operator == Operator::In {
            names = Some(match names {
                None => r.values.clone(),
                Some(n) => n.into_iter().filter(|v| r.values.contains(v)).collect(),
            });
        }
    }
    names
}

fn describe(selector: &LabelSelector) -> String {
    selector
        .requirements
        .iter()
        .map(|r| match (&r.operator, r.values.as_slice()) {
            (Operator::In, [v]) => format!("{}={v}", r.key),
            (Operator::In, vs) => format!("{} in ({})", r.key, vs.join(", ")),
            (Operator::NotIn, vs) => format!("{} notin ({})", r.key, vs.join(", ")),
            (Operator::Exists, _) => r.key.clone(),
            (Operator::DoesNotExist, _) => format!("!{}", r.key),
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let network = cx.network();
    if network.policies.is_empty() {
        return;
    }
    let by_namespace = network.workloads_by_namespace();
    // `(namespace, label key, label value)` to the workloads carrying it: a peer with a
    // `key In (values)` requirement is tried only on the workloads that can satisfy it.
    let mut by_label: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
    for (i, w) in network.workloads.iter().enumerate() {
        for (key, value) in &w.labels {
            by_label
                .entry((w.namespace.as_str(), key.as_str(), value.as_str()))
                .or_default()
                .push(i);
        }
    }
    let mut operated: HashMap<String, bool> = HashMap::new();
    // NetworkPolicies only: Cilium policies share the engine's shape, not these pointers.
    for policy in network
        .policies
        .iter()
        .filter(|p| bulkhead_netpol::is_network_policy(p.object))
    {
        for direction in [Direction::Ingress, Direction::Egress] {
            if !policy.isolates(direction) {
                continue;
            }
            for rule in policy.rules(direction) {
                for (i, peer) in rule.peers.iter().flatten().enumerate() {
                    let Peer::Pods {
                        pod: Some(selector),
                        namespace,
                    } = peer
                    else {
                        continue;
                    };
                    if selector.requirements.is_empty() {
                        continue;
                    }
                    let Some(namespaces) = peer_namespaces(&policy.namespace, namespace.as_ref())
                    else {
                        continue;
                    };
                    let judged = !namespaces.is_empty()
                        && namespaces.iter().all(|ns| {
                            ns != SYSTEM_NAMESPACE
                                && by_namespace.contains_key(ns.as_str())
                                && !*operated
                                    .entry(ns.clone())
                                    .or_insert_with(|| has_operator_resources(cx.inventory, ns))
                        });
                    if !judged {
                        continue;
                    }
                    let candidates: Vec<usize> = namespaces
                        .iter()
                        .flat_map(|ns| by_namespace[ns.as_str()].iter().copied())
                        .collect();
                    let selects = |w: usize| {
                        let labels = &network.workloads[w].labels;
                        selector.matches(|k| labels.get(k).map(String::as_str))
                    };
                    let first_in = selector
                        .requirements
                        .iter()
                        .find(|r| r.operator == Operator::In);
                    let matches = match first_in {
                        Some(r) => namespaces.iter().any(|ns| {
                            r.values.iter().any(|v| {
                                by_label
                                    .get(&(ns.as_str(), r.key.as_str(), v.as_str()))
                                    .is_some_and(|ws| ws.iter().any(|&w| selects(w)))
                            })
                        }),
                        None => candidates.iter().any(|&w| selects(w)),
                    };
                    if matches {
                        continue;
                    }
                    sink.report(
                        policy.object,
                        &format!(
                            "/spec/{}/{}/{}/{i}",
                            direction.field(),
                            rule.index,
                            direction.peers_field()
                        ),
                        format!(
                            "{} rule {} of NetworkPolicy \"{}\": the podSelector {} matches none of the {} workload(s) of namespace(s) {}",
                            direction.field(),
                            rule.index,
                            policy.name,
                            describe(selector),
                            candidates.len(),
                            namespaces.join(", ")
                        ),
                    );
                }
            }
        }
    }
}
