use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::{report_owner, ROOT};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The administrator kubeconfig (admin.conf, super-admin.conf) not owned by root:root. The file
    /// judged is kubeadm's `admin.conf` and `super-admin.conf`.
    ///
    /// The user and the group are judged by the names in the node's own `/etc/passwd` and
    /// `/etc/group`; an id with no name there passes only when it is 0, and the message says the
    /// name was missing. A symlink is not judged: the collector reports the file it points to under
    /// its own path.
    ///
    /// ## Why it matters
    /// The owner of a file can change its mode at any time, so a 0600 mode protects nothing when
    /// someone else owns it. Write access lets an attacker point administrators' tools at another
    /// server or swap in credentials of their own.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /etc/kubernetes/admin.conf
    /// spec:
    ///   path: /etc/kubernetes/admin.conf
    ///   type: file
    ///   mode: "0600"
    ///   user: kube
    ///   group: kube
    ///   roles: ["admin-kubeconfig"]
    /// ```
    ///
    /// Use instead: `chown root:root /etc/kubernetes/admin.conf`, so that the fact reads:
    /// ```yaml
    ///   user: root
    ///   group: root
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.14
    /// - NSA-CISA Kubernetes Hardening Guidance, "Kubeconfig Files"
    /// - MITRE ATT&CK T1552.001 (Unsecured Credentials: Credentials In Files)
    /// - Kubernetes documentation, kubeadm implementation details: <https://kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/>
    /// - Kubernetes documentation, PKI certificates and requirements: <https://kubernetes.io/docs/setup/best-practices/certificates/>
    pub static ADMIN_KUBECONFIG_OWNERSHIP = Check {
        id: "BHP014",
        slug: "admin-kubeconfig-ownership",
        severity: Severity::High,
        family: Family::NodeFiles,
        remediation: "chown root:root the file named in the finding",
        compliance: Compliance {
            cis: &["1.1.14"],
            pss: &[],
            nsa: &["Network separation and hardening: kubeconfig files"],
            mitre: &["T1552.001"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_owner(object, sink, &[roles::ADMIN_KUBECONFIG], &ROOT, "1.1.14");
}
