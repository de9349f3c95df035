use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::{report_owner, ROOT};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// kube-proxy's kubeconfig not owned by root:root. The file judged is the one named by
    /// kube-proxy's `--kubeconfig` (or `clientConnection.kubeconfig` of its configuration file),
    /// when kube-proxy runs on the host.
    ///
    /// A kube-proxy DaemonSet (kubeadm's) reads its kubeconfig from a ConfigMap; then there is no
    /// such file, nothing is judged, and the control is not evaluated (CIS: "if it exists"). The
    /// user and the group are judged by the names in the node's own `/etc/passwd` and `/etc/group`;
    /// an id with no name there passes only when it is 0, and the message says the name was
    /// missing. A symlink is not judged: the collector reports the file it points to under its own
    /// path. CIS marks this recommendation manual; a finding makes the control WARN in the
    /// framework report.
    ///
    /// ## Why it matters
    /// The owner of a file can change its mode at any time, so a 0600 mode protects nothing when
    /// someone else owns it. Write access lets an attacker point kube-proxy at another server,
    /// which then programs the node's service routing.
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
    ///   mode: "0600"
    ///   user: kube
    ///   group: kube
    ///   roles: ["kube-proxy-kubeconfig"]
    /// ```
    ///
    /// Use instead: `chown root:root /var/lib/kube-proxy/kubeconfig.conf`, so that the fact reads:
    /// ```yaml
    ///   user: root
    ///   group: root
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.1.4
    /// - NSA-CISA Kubernetes Hardening Guidance, "Kubeconfig Files"
    /// - MITRE ATT&CK T1552.001 (Unsecured Credentials: Credentials In Files)
    /// - Kubernetes documentation, kube-proxy: <https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/>
    /// - Kubernetes documentation, Organizing cluster access using kubeconfig files: <https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/>
    pub static KUBE_PROXY_KUBECONFIG_OWNERSHIP = Check {
        id: "BHP025",
        slug: "kube-proxy-kubeconfig-ownership",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chown root:root the file named in the finding",
        compliance: Compliance {
            cis: &["4.1.4"],
            pss: &[],
            nsa: &["Network separation and hardening: kubeconfig files"],
            mitre: &["T1552.001"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_owner(
        object,
        sink,
        &[roles::KUBE_PROXY_KUBECONFIG],
        &ROOT,
        "4.1.4",
    );
}
