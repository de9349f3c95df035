use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::{report_owner, ROOT};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The controller manager's kubeconfig not owned by root:root. The file judged is the one named
    /// by the controller manager's `--kubeconfig` (kubeadm: `controller-manager.conf`).
    ///
    /// The user and the group are judged by the names in the node's own `/etc/passwd` and
    /// `/etc/group`; an id with no name there passes only when it is 0, and the message says the
    /// name was missing. A symlink is not judged: the collector reports the file it points to under
    /// its own path.
    ///
    /// ## Why it matters
    /// The owner of a file can change its mode at any time, so a 0600 mode protects nothing when
    /// someone else owns it. Write access lets an attacker point the controller manager at another
    /// server or give it other credentials.
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
    ///   mode: "0600"
    ///   user: kube
    ///   group: kube
    ///   roles: ["controller-manager-kubeconfig"]
    /// ```
    ///
    /// Use instead: `chown root:root /etc/kubernetes/controller-manager.conf`, so that the fact
    /// reads:
    /// ```yaml
    ///   user: root
    ///   group: root
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.18
    /// - NSA-CISA Kubernetes Hardening Guidance, "Kubeconfig Files"
    /// - MITRE ATT&CK T1552.001 (Unsecured Credentials: Credentials In Files)
    /// - Kubernetes documentation, Organizing cluster access using kubeconfig files: <https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/>
    /// - Kubernetes documentation, kubeadm implementation details: <https://kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/>
    pub static CONTROLLER_MANAGER_KUBECONFIG_OWNERSHIP = Check {
        id: "BHP018",
        slug: "controller-manager-kubeconfig-ownership",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chown root:root the file named in the finding",
        compliance: Compliance {
            cis: &["1.1.18"],
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
        &[roles::CONTROLLER_MANAGER_KUBECONFIG],
        &ROOT,
        "1.1.18",
    );
}
