use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::{report_owner, ROOT};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The kubelet's client CA file not owned by root:root. The file judged is the one named by the
    /// kubelet's `authentication.x509.clientCAFile` (or `--client-ca-file`), followed through the
    /// configuration the kubelet was given.
    ///
    /// The user and the group are judged by the names in the node's own `/etc/passwd` and
    /// `/etc/group`; an id with no name there passes only when it is 0, and the message says the
    /// name was missing. A symlink is not judged: the collector reports the file it points to under
    /// its own path. CIS marks this recommendation manual; a finding makes the control WARN in the
    /// framework report.
    ///
    /// ## Why it matters
    /// The owner of a file can change its mode at any time, so a 0644 mode protects nothing when
    /// someone else owns it. The kubelet accepts any client certificate signed by a CA in this
    /// file. Whoever can add a CA of their own can sign a certificate for any user and call the
    /// kubelet API: exec into every pod on the node.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /etc/kubernetes/pki/ca.crt
    /// spec:
    ///   path: /etc/kubernetes/pki/ca.crt
    ///   type: file
    ///   mode: "0644"
    ///   user: kube
    ///   group: kube
    ///   roles: ["client-ca"]
    /// ```
    ///
    /// Use instead: `chown root:root /etc/kubernetes/pki/ca.crt`, so that the fact reads:
    /// ```yaml
    ///   user: root
    ///   group: root
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.1.8
    /// - NSA-CISA Kubernetes Hardening Guidance, "Authentication and authorization"
    /// - Kubernetes documentation, Kubelet authentication/authorization: <https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/>
    /// - Kubernetes documentation, PKI certificates and requirements: <https://kubernetes.io/docs/setup/best-practices/certificates/>
    pub static CLIENT_CA_OWNERSHIP = Check {
        id: "BHP029",
        slug: "client-ca-ownership",
        severity: Severity::Low,
        family: Family::NodeFiles,
        remediation: "chown root:root the file named in the finding",
        compliance: Compliance {
            cis: &["4.1.8"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_owner(object, sink, &[roles::CLIENT_CA], &ROOT, "4.1.8");
}
