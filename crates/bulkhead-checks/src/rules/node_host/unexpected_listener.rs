use bulkhead_model::Object;

use crate::rules::node_host::listeners::each_socket;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Sockets listening on an address other than loopback, on a port no Kubernetes node service
    /// uses: not SSH (22), DNS (53), BGP (179), etcd (2379, 2380), the API server (6443), the
    /// kubelet (10250), kube-proxy (10249, 10256), the controller manager (10257), the scheduler
    /// (10259), common CNI agents (Cilium 4240, 4244; Calico 9099; Flannel 8285) or NodePorts
    /// (30000–32767); and UDP sockets that receive from anyone (`/proc/net/udp`, `udp6`) on a
    /// port other than DNS (53), DHCP clients (68, 546), NTP (123), overlay networks (VXLAN
    /// 4789 and 8472, Geneve 6081, Flannel's UDP backend 8285, WireGuard 51820 and 51821) or
    /// NodePorts. Each is listed with its address and the processes that hold it.
    ///
    /// ## Why it matters
    /// "No unnecessary services" is the oldest hardening rule: every listening service is code an
    /// attacker on the network can talk to, and on a node, a foothold next to the kubelet. The list
    /// is the inventory to review; a service that must stay is then a decision, not an accident.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Listeners
    /// spec:
    ///   sockets:
    ///   - {address: "0.0.0.0", port: 3306, processes: ["mysqld (pid 733)"]}
    /// ```
    ///
    /// Use instead: bind it to `127.0.0.1`, or run it as a Pod behind a Service and NetworkPolicy.
    ///
    /// ## References
    /// - CIS Distribution Independent Linux Benchmark, section 2 "Services" (remove or disable
    ///   services that are not needed)
    /// - Kubernetes documentation, "Ports and Protocols"
    /// - MITRE ATT&CK T1046 (Network Service Discovery)
    pub static UNEXPECTED_LISTENER = Check {
        id: "BHN056",
        slug: "unexpected-listener",
        severity: Severity::Info,
        family: Family::NodeHost,
        remediation: "stop the service or bind it to 127.0.0.1; if it is needed, allow it in a firewall only from where it is used",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1046"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Listeners"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    each_socket(object, |socket| {
        let known = if socket.udp {
            known_udp_port(socket.port)
        } else {
            known_port(socket.port)
        };
        if socket.loopback || known {
            return;
        }
        sink.report(
            object,
            &socket.pointer("port"),
            format!(
                "{} listens on port {}, which no Kubernetes node service uses",
                socket.describe(),
                socket.port
            ),
        );
    });
}

/// Ports a Kubernetes node serves on purpose.
fn known_port(port: u16) -> bool {
    matches!(
        port,
        22 | 53
            | 179
            | 2379
            | 2380
            | 4240
            | 4244
            | 6443
            | 8285
            | 9099
            | 10249
            | 10250
            | 10256
            | 10257
            | 10259
    ) || (30000..=32767).contains(&port)
}

/// UDP ports a Kubernetes node receives on on purpose.
fn known_udp_port(port: u16) -> bool {
    matches!(
        port,
        53 | 68 | 123 | 546 | 4789 | 6081 | 8285 | 8472 | 51820 | 51821
    ) || (30000..=32767).contains(&port)
}
