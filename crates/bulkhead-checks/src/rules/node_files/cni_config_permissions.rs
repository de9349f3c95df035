use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A CNI configuration file with a mode wider than 0600. The file judged is a Container Network
    /// Interface configuration file (for example under `/etc/cni/net.d`). The collector finds it by
    /// following the components' own flags and files, not a fixed path.
    ///
    /// A mode is wider when it has any permission bit outside 0600: 0400 and 0600 pass, while
    /// setuid, setgid and sticky bits always count as wider. A directory of this role is held to
    /// 0600 with search added where read is allowed (0700), since a directory cannot be used
    /// without it. A symlink is not judged: the collector reports the file it points to under its
    /// own path. CIS marks this recommendation manual; a finding makes the control WARN in the
    /// framework report.
    ///
    /// ## Why it matters
    /// The container runtime reads these files to wire every new pod to the network. A changed file
    /// can attach pods to another network, turn off the plugin that enforces NetworkPolicies, or
    /// run another plugin binary as root. Some plugins write their own kubeconfig or datastore
    /// credentials into these files, and read access gives those away.
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
    ///   mode: "0644"
    ///   user: root
    ///   group: root
    ///   roles: ["cni-config"]
    /// ```
    ///
    /// Use instead: `chmod 600 /etc/cni/net.d/10-calico.conflist`, so that the fact reads:
    /// ```yaml
    ///   mode: "0600"
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.9
    /// - NSA-CISA Kubernetes Hardening Guidance, "Control plane hardening"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network policies"
    /// - Kubernetes documentation, Network plugins: <https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/network-plugins/>
    pub static CNI_CONFIG_PERMISSIONS = Check {
        id: "BHP009",
        slug: "cni-config-permissions",
        severity: Severity::Low,
        family: Family::NodeFiles,
        remediation: "chmod 600 the file named in the finding (or stricter)",
        compliance: Compliance {
            cis: &["1.1.9"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening", "Network separation and hardening: network policies"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_mode(object, sink, &[roles::CNI_CONFIG], 0o600, "1.1.9");
}
