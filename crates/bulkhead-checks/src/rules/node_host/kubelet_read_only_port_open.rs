use bulkhead_model::Object;

use crate::rules::node_host::listeners::each_listener;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A socket listening on the kubelet's read-only port, 10255, as the node's `/proc/net/tcp`
    /// shows it: what the kubelet does, whatever its configuration files say.
    ///
    /// ## Why it matters
    /// The read-only port serves Pod specs, environment variables included, and metrics without
    /// authentication. Configuration checks judge what the kubelet was told; this one sees what it
    /// is doing, so a stale configuration, a flag in an unexpected unit file or a second kubelet
    /// cannot hide it.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Listeners
    /// spec:
    ///   sockets:
    ///   - {address: "::", port: 10255, processes: ["kubelet (pid 912)"]}
    /// ```
    ///
    /// Use instead: no socket on 10255 (`readOnlyPort: 0`).
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.4 (the configuration side, BHL004)
    /// - Kubernetes documentation, kubelet configuration (`readOnlyPort`)
    /// - MITRE ATT&CK T1613 (Container and Resource Discovery)
    pub static KUBELET_READ_ONLY_PORT_OPEN = Check {
        id: "BHN054",
        slug: "kubelet-read-only-port-listening",
        severity: Severity::Medium,
        family: Family::NodeHost,
        remediation: "set readOnlyPort: 0 in the kubelet configuration and restart the kubelet",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1613"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Listeners"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    each_listener(object, |socket| {
        if socket.port == 10255 {
            sink.report(
                object,
                &socket.pointer("port"),
                format!(
                    "{} listens on the kubelet's unauthenticated read-only port 10255",
                    socket.describe()
                ),
            );
        }
    });
}
