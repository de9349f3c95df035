use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::{report_owner, ROOT};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The kubelet's kubeconfig not owned by root:root. The file judged is the one named by the
    /// kubelet's `--kubeconfig` (kubeadm: `kubelet.conf`).
    ///
    /// The user and the group are judged by the names in the node's own `/etc/passwd` and
    /// `/etc/group`; an id with no name there passes only when it is 0, and the message says the
    /// name was missing. A symlink is not judged: the collector reports the file it points to under
    /// its own path.
    ///
    /// ## Why it matters
    /// The owner of a file can change its mode at any time, so a 0600 mode protects nothing when
    /// someone else owns it. Write access lets an attacker point the kubelet at another API server,
    /// which then decides what runs on the node.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /etc/kubernetes/kubelet.conf
    /// spec:
    ///   path: /etc/kubernetes/kubelet.conf
    ///   type: file
    ///   mode: "0600"
    ///   user: kube
    ///   group: kube
    ///   roles: ["kubelet-kubeconfig"]
    /// ```
    ///
    /// Use instead: `chown root:root /etc/kubernetes/kubelet.conf`, so that the fact reads:
    /// ```yaml
    ///   user: root
    ///   group: root
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.1.6
    /// - NSA-CISA Kubernetes Hardening Guidance, "Kubeconfig Files"
    /// - MITRE ATT&CK T1552.001 (Unsecured Credentials: Credentials In Files)
    /// - Kubernetes documentation, Organizing cluster access using kubeconfig files: <https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/>
    /// - Kubernetes documentation, Kubelet authentication/authorization: <https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/>
    pub static KUBELET_KUBECONFIG_OWNERSHIP = Check {
        id: "BHP027",
        slug: "kubelet-kubeconfig-ownership",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chown root:root the file named in the finding",
        compliance: Compliance {
            cis: &["4.1.6"],
            pss: &[],
            nsa: &["Network separation and hardening: kubeconfig files"],
            mitre: &["T1552.001"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_owner(object, sink, &[roles::KUBELET_KUBECONFIG], &ROOT, "4.1.6");
}
