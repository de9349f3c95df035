use bulkhead_netpol::{resolve_ports, ConnSet, Direction, Protocol};

use crate::rules::network::common::NETWORK_POLICY_COMPLIANCE;
use crate::{declare_check, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Workloads isolated for egress whose policies allow no DNS: no egress rule of any policy
    /// selecting them allows UDP port 53 to any peer.
    ///
    /// ## Why it matters
    /// Once egress is isolated, DNS must be allowed explicitly. Without it, name resolution
    /// fails and the workload breaks in ways that look like network outages; the usual "fix"
    /// under pressure is to delete the policy.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Egress]
    ///   egress:
    ///     - to: [{podSelector: {matchLabels: {app: db}}}]
    /// ```
    ///
    /// Use instead: also allow DNS to the cluster DNS pods:
    /// ```yaml
    ///   egress:
    ///     - to: [{podSelector: {matchLabels: {app: db}}}]
    ///     - to:
    ///         - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
    ///           podSelector: {matchLabels: {k8s-app: kube-dns}}
    ///       ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static EGRESS_BLOCKS_DNS = Check {
        id: "BHN006",
        slug: "egress-blocks-dns",
        severity: Severity::Medium,
        family: Family::Network,
        remediation: "add an egress rule allowing UDP and TCP port 53 to the cluster DNS pods",
        compliance: NETWORK_POLICY_COMPLIANCE,
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let network = cx.network();
    for (w, workload) in network.workloads.iter().enumerate() {
        let policies = network.isolated_by(w, Direction::Egress);
        if policies.is_empty() {
            continue;
        }
        let mut allowed = ConnSet::none();
        for &p in policies {
            for rule in network.policies[p].rules(Direction::Egress) {
                // Named ports resolve on the DNS pods, which the scan rarely holds: a port
                // named like "dns" is given the benefit of the doubt.
                let named_dns = rule.ports.as_deref().unwrap_or(&[]).iter().any(|p| {
                    matches!(&p.port, Some(bulkhead_netpol::PortValue::Named(n)) if n.contains("dns"))
                });
                let ports = match &rule.ports {
                    None => ConnSet::all(),
                    Some(ports) => resolve_ports(ports, &[]),
                };
                if named_dns {
                    allowed.union_with(&ConnSet::port(Protocol::Udp, 53));
                }
                allowed.union_with(&ports);
            }
        }
        if allowed.contains(Protocol::Udp, 53) {
            continue;
        }
        let names: Vec<String> = policies.iter().map(|&p| network.policies[p].id()).collect();
        let pod = bulkhead_netpol::workload_pod(workload.object);
        let pointer = pod.map_or("/metadata", |p| p.metadata_pointer);
        sink.report(
            workload.object,
            pointer,
            format!(
                "{} \"{}\" is isolated for egress by {} and no egress rule allows DNS (UDP 53)",
                workload.kind,
                workload.name,
                names.join(", ")
            ),
        );
    }
}
