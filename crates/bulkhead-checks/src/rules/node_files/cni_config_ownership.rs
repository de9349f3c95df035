use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::{report_owner, ROOT};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A CNI configuration file not owned by root:root. The file judged is a Container Network
    /// Interface configuration file (for example under `/etc/cni/net.d`).
    ///
    /// The user and the group are judged by the names in the node's own `/etc/passwd` and
    /// `/etc/group`; an id with no name there passes only when it is 0, and the message says the
    /// name was missing. A symlink is not judged: the collector reports the file it points to under
    /// its own path. CIS marks this recommendation manual; a finding makes the control WARN in the
    /// framework report.
    ///
    /// ## Why it matters
    /// The owner of a file can change its mode at any time, so a 0600 mode protects nothing when
    /// someone else owns it. The container runtime reads these files to wire every new pod to the
    /// network. A changed file can attach pods to another network, turn off the plugin that
    /// enforces NetworkPolicies, or run another plugin binary as root.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /etc/cni/net.d/10-calico.conflist
    /// spec:
    ///   path: /etc/cni/net.d/10-calico.conflist
    ///   type: file
    ///   mode: "0600"
    ///   user: kube
    ///   group: kube
    ///   roles: ["cni-config"]
    /// ```
    ///
    /// Use instead: `chown root:root /etc/cni/net.d/10-calico.conflist`, so that the fact reads:
    /// ```yaml
    ///   user: root
    ///   group: root
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.10
    /// - NSA-CISA Kubernetes Hardening Guidance, "Control plane hardening"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network policies"
    /// - Kubernetes documentation, Network plugins: <https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/network-plugins/>
    pub static CNI_CONFIG_OWNERSHIP = Check {
        id: "BHP010",
        slug: "cni-config-ownership",
        severity: Severity::Low,
        family: Family::NodeFiles,
        remediation: "chown root:root the file named in the finding",
        compliance: Compliance {
            cis: &["1.1.10"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening", "Network separation and hardening: network policies"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_owner(object, sink, &[roles::CNI_CONFIG], &ROOT, "1.1.10");
}
