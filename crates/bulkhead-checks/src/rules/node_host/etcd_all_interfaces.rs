use bulkhead_model::Object;

use crate::rules::node_host::listeners::each_listener;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A socket listening on etcd's client (2379) or peer (2380) port on every interface (`0.0.0.0`
    /// or `::`), from `/proc/net/tcp` and `tcp6`, with the process that holds it.
    ///
    /// ## Why it matters
    /// etcd holds every Secret of the cluster. It should answer only on the addresses the API server
    /// and its peers use; on every interface it is reachable from any network the node is on
    /// (a public interface, a Pod network with host routes), and one leaked client certificate or a
    /// missing `--client-cert-auth` is then the whole cluster.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Listeners
    /// spec:
    ///   sockets:
    ///   - {address: "0.0.0.0", port: 2379, processes: ["etcd (pid 1201)"]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   - {address: "10.0.0.11", port: 2379, processes: ["etcd (pid 1201)"]}
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Operating etcd clusters for Kubernetes" (limit access to etcd)
    /// - NSA-CISA Kubernetes Hardening Guidance v1.2, "Network separation and hardening: etcd"
    /// - MITRE ATT&CK T1552.007 (Unsecured Credentials: Container API)
    pub static ETCD_ALL_INTERFACES = Check {
        id: "BHN053",
        slug: "etcd-listens-on-all-interfaces",
        severity: Severity::Medium,
        family: Family::NodeHost,
        remediation: "bind etcd's --listen-client-urls and --listen-peer-urls to the node's cluster address and 127.0.0.1, not 0.0.0.0",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: etcd"],
            mitre: &["T1552.007"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Listeners"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    each_listener(object, |socket| {
        if matches!(socket.port, 2379 | 2380) && socket.wildcard {
            let role = if socket.port == 2379 {
                "client"
            } else {
                "peer"
            };
            sink.report(
                object,
                &socket.pointer("address"),
                format!(
                    "{} listens on every interface on etcd's {role} port {}",
                    socket.describe(),
                    socket.port
                ),
            );
        }
    });
}
