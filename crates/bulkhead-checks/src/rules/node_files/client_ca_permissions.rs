use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The kubelet's client CA file with a mode wider than 0644. The file judged is the one named
    /// by the kubelet's `authentication.x509.clientCAFile` (or `--client-ca-file`), followed
    /// through the configuration the kubelet was given. The collector finds it by following the
    /// components' own flags and files, not a fixed path.
    ///
    /// A mode is wider when it has any permission bit outside 0644: 0640, 0444 and 0600 pass, while
    /// setuid, setgid and sticky bits always count as wider. A directory of this role is held to
    /// 0644 with search added where read is allowed (0755), since a directory cannot be used
    /// without it. A symlink is not judged: the collector reports the file it points to under its
    /// own path. CIS marks this recommendation manual; a finding makes the control WARN in the
    /// framework report.
    ///
    /// ## Why it matters
    /// The kubelet accepts any client certificate signed by a CA in this file. Whoever can add a CA
    /// of their own can sign a certificate for any user and call the kubelet API: exec into every
    /// pod on the node. A CA certificate is public, so reading is allowed (0644); writing is what
    /// matters.
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
    ///   mode: "0666"
    ///   user: root
    ///   group: root
    ///   roles: ["client-ca"]
    /// ```
    ///
    /// Use instead: `chmod 644 /etc/kubernetes/pki/ca.crt`, so that the fact reads:
    /// ```yaml
    ///   mode: "0644"
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.1.7
    /// - NSA-CISA Kubernetes Hardening Guidance, "Authentication and authorization"
    /// - Kubernetes documentation, Kubelet authentication/authorization: <https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/>
    /// - Kubernetes documentation, PKI certificates and requirements: <https://kubernetes.io/docs/setup/best-practices/certificates/>
    pub static CLIENT_CA_PERMISSIONS = Check {
        id: "BHP028",
        slug: "client-ca-permissions",
        severity: Severity::Low,
        family: Family::NodeFiles,
        remediation: "chmod 644 the file named in the finding (or stricter)",
        compliance: Compliance {
            cis: &["4.1.7"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_mode(object, sink, &[roles::CLIENT_CA], 0o644, "4.1.7");
}
