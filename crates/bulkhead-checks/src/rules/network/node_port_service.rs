use bulkhead_model::{Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Services of `type: NodePort`. (A `LoadBalancer` Service opens node ports too; its
    /// exposure is [BHN008](BHN008.md)'s.)
    ///
    /// ## Why it matters
    /// A node port is opened on every node of the cluster, on every node address, outside
    /// any load balancer's source ranges: whoever reaches a node reaches the Service. Node
    /// addresses are often routable from much wider networks than the Service was meant for,
    /// and NetworkPolicies see the traffic after kube-proxy rewrote its source in the default
    /// `externalTrafficPolicy: Cluster`, so they cannot restrict it by client address.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   type: NodePort
    ///   ports:
    ///     - port: 80
    ///       nodePort: 30080
    /// ```
    ///
    /// Use instead: a ClusterIP Service behind an Ingress or Gateway (or a LoadBalancer with
    /// `loadBalancerSourceRanges`).
    /// ```yaml
    /// spec:
    ///   type: ClusterIP
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    /// - MITRE ATT&CK T1133 (External Remote Services)
    pub static NODE_PORT_SERVICE = Check {
        id: "BHN030",
        slug: "node-port-service",
        severity: Severity::Low,
        family: Family::Network,
        remediation: "use a ClusterIP Service behind an Ingress or Gateway, or a LoadBalancer restricted with loadBalancerSourceRanges",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: network policies"],
            mitre: &["T1133"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Service"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if object.kind != "Service" || !object.group().is_empty() {
        return;
    }
    let spec = object.root.get("spec");
    if spec.and_then(|s| s.get("type")).and_then(Node::as_str) != Some("NodePort") {
        return;
    }
    let ports: Vec<String> = spec
        .and_then(|s| s.get("ports"))
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .map(|p| {
            let port = p
                .get("port")
                .and_then(Node::scalar_text)
                .unwrap_or_default();
            match p.get("nodePort").and_then(Node::scalar_text) {
                Some(node_port) => format!("{port} on node port {node_port}"),
                None => format!("{port} on an allocated node port"),
            }
        })
        .collect();
    let what = if ports.is_empty() {
        String::new()
    } else {
        format!(" ({})", ports.join(", "))
    };
    sink.report(
        object,
        "/spec/type",
        format!(
            "NodePort Service \"{}\" is open on every node's addresses{what}",
            object.name
        ),
    );
}
