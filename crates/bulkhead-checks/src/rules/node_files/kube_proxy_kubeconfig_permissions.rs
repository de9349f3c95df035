use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// kube-proxy's kubeconfig with a mode wider than 0600. The file judged is the one named by
    /// kube-proxy's `--kubeconfig` (or `clientConnection.kubeconfig` of its configuration file),
    /// when kube-proxy runs on the host. The collector finds it by following the components' own
    /// flags and files, not a fixed path.
    ///
    /// A kube-proxy DaemonSet (kubeadm's) reads its kubeconfig from a ConfigMap; then there is no
    /// such file, nothing is judged, and the control is not evaluated (CIS: "if it exists"). A mode
    /// is wider when it has any permission bit outside 0600: 0400 and 0600 pass, while setuid,
    /// setgid and sticky bits always count as wider. A directory of this role is held to 0600 with
    /// search added where read is allowed (0700), since a directory cannot be used without it. A
    /// symlink is not judged: the collector reports the file it points to under its own path. CIS
    /// marks this recommendation manual; a finding makes the control WARN in the framework report.
    ///
    /// ## Why it matters
    /// Write access lets an attacker point kube-proxy at another server, which then programs the
    /// node's service routing. The file holds kube-proxy's credentials, which read every Service
    /// and EndpointSlice of the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /var/lib/kube-proxy/kubeconfig.conf
    /// spec:
    ///   path: /var/lib/kube-proxy/kubeconfig.conf
    ///   type: file
    ///   mode: "0644"
    ///   user: root
    ///   group: root
    ///   roles: ["kube-proxy-kubeconfig"]
    /// ```
    ///
    /// Use instead: `chmod 600 /var/lib/kube-proxy/kubeconfig.conf`, so that the fact reads:
    /// ```yaml
    ///   mode: "0600"
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.1.3
    /// - NSA-CISA Kubernetes Hardening Guidance, "Kubeconfig Files"
    /// - MITRE ATT&CK T1552.001 (Unsecured Credentials: Credentials In Files)
    /// - Kubernetes documentation, kube-proxy: <https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/>
    /// - Kubernetes documentation, Organizing cluster access using kubeconfig files: <https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/>
    pub static KUBE_PROXY_KUBECONFIG_PERMISSIONS = Check {
        id: "BHP024",
        slug: "kube-proxy-kubeconfig-permissions",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chmod 600 the file named in the finding (or stricter)",
        compliance: Compliance {
            cis: &["4.1.3"],
            pss: &[],
            nsa: &["Network separation and hardening: kubeconfig files"],
            mitre: &["T1552.001"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_mode(
        object,
        sink,
        &[roles::KUBE_PROXY_KUBECONFIG],
        0o600,
        "4.1.3",
    );
}
