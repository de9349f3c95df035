use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::{owner_problems, FileFact, ROOT};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The Kubernetes PKI directory, or a file in it, not owned by root:root. The entries judged
    /// are the PKI directory the components' flags point into (kubeadm: `/etc/kubernetes/pki`)
    /// and everything the collector found under it: certificates, private keys, the service
    /// account key pair. The collector finds the directory from the components' own flags, not
    /// a fixed path.
    ///
    /// The user and the group are judged by the names in the node's own `/etc/passwd` and
    /// `/etc/group`; an id with no name there passes only when it is 0, and the message says
    /// the name was missing. A private key owned by someone else is reported as high: its owner
    /// can read it whatever its mode. A symlink is not judged: the collector reports the file it
    /// points to under its own path. Private keys named by flags outside the PKI directory are
    /// judged for their mode only (CIS 1.1.21 has no ownership counterpart).
    ///
    /// ## Why it matters
    /// The owner of a file can change its mode at any time, so 0600 on a key protects nothing
    /// when someone else owns it: they can read the cluster CA key and sign certificates for any
    /// user, `system:masters` included. The owner of the directory can replace what is in it:
    /// a CA certificate of their own makes the API server accept the clients they sign.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /etc/kubernetes/pki/ca.key
    /// spec:
    ///   path: /etc/kubernetes/pki/ca.key
    ///   type: file
    ///   mode: "0600"
    ///   user: kube
    ///   group: kube
    ///   roles: ["pki-file", "private-key"]
    /// ```
    ///
    /// Use instead: `chown -R root:root /etc/kubernetes/pki`, so that every entry reads:
    /// ```yaml
    ///   user: root
    ///   group: root
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.19
    /// - NSA-CISA Kubernetes Hardening Guidance, "Encryption"
    /// - MITRE ATT&CK T1552.001 (Unsecured Credentials: Credentials In Files)
    /// - Kubernetes documentation, PKI certificates and requirements: <https://kubernetes.io/docs/setup/best-practices/certificates/>
    /// - Kubernetes documentation, Certificate management with kubeadm: <https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/>
    pub static PKI_OWNERSHIP = Check {
        id: "BHP019",
        slug: "pki-ownership",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chown -R root:root the PKI directory named in the finding",
        compliance: Compliance {
            cis: &["1.1.19"],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
            mitre: &["T1552.001"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

/// The directory itself and every entry under it (certificates are under it by definition).
const PKI_ROLES: &[&str] = &[
    roles::PKI_DIRECTORY,
    roles::PKI_FILE,
    roles::PKI_CERTIFICATE,
];

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(file) = FileFact::of_role(object, PKI_ROLES) else {
        return;
    };
    let severity = if file.roles.contains(&roles::PRIVATE_KEY) {
        Severity::High
    } else {
        PKI_OWNERSHIP.severity
    };
    for problem in owner_problems(&file, &ROOT, "1.1.19") {
        sink.report_with(object, problem.pointer, severity, problem.message);
    }
}
