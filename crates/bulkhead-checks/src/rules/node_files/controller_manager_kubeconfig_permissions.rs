use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The controller manager's kubeconfig with a mode wider than 0600. The file judged is the one
    /// named by the controller manager's `--kubeconfig` (kubeadm: `controller-manager.conf`). The
    /// collector finds it by following the components' own flags and files, not a fixed path.
    ///
    /// A mode is wider when it has any permission bit outside 0600: 0400 and 0600 pass, while
    /// setuid, setgid and sticky bits always count as wider. A directory of this role is held to
    /// 0600 with search added where read is allowed (0700), since a directory cannot be used
    /// without it. A symlink is not judged: the collector reports the file it points to under its
    /// own path.
    ///
    /// ## Why it matters
    /// Write access lets an attacker point the controller manager at another server or give it
    /// other credentials. The file holds the controller manager's client certificate and key:
    /// `system:kube-controller-manager` can read every Secret and create tokens for service
    /// accounts, so whoever reads the file can too.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /etc/kubernetes/controller-manager.conf
    /// spec:
    ///   path: /etc/kubernetes/controller-manager.conf
    ///   type: file
    ///   mode: "0644"
    ///   user: root
    ///   group: root
    ///   roles: ["controller-manager-kubeconfig"]
    /// ```
    ///
    /// Use instead: `chmod 600 /etc/kubernetes/controller-manager.conf`, so that the fact reads:
    /// ```yaml
    ///   mode: "0600"
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.17
    /// - NSA-CISA Kubernetes Hardening Guidance, "Kubeconfig Files"
    /// - MITRE ATT&CK T1552.001 (Unsecured Credentials: Credentials In Files)
    /// - Kubernetes documentation, Organizing cluster access using kubeconfig files: <https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/>
    /// - Kubernetes documentation, kubeadm implementation details: <https://kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/>
    pub static CONTROLLER_MANAGER_KUBECONFIG_PERMISSIONS = Check {
        id: "BHP017",
        slug: "controller-manager-kubeconfig-permissions",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chmod 600 the file named in the finding (or stricter)",
        compliance: Compliance {
            cis: &["1.1.17"],
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
        &[roles::CONTROLLER_MANAGER_KUBECONFIG],
        0o600,
        "1.1.17",
    );
}
