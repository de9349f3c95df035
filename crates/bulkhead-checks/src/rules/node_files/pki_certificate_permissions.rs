use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A certificate file in the Kubernetes PKI directory with a mode wider than 0644. The file
    /// judged is a certificate file under the PKI directory the components' flags point into
    /// (kubeadm: `/etc/kubernetes/pki`). The collector finds it by following the components' own
    /// flags and files, not a fixed path.
    ///
    /// A mode is wider when it has any permission bit outside 0644: 0640, 0444 and 0600 pass, while
    /// setuid, setgid and sticky bits always count as wider. A directory of this role is held to
    /// 0644 with search added where read is allowed (0755), since a directory cannot be used
    /// without it. A symlink is not judged: the collector reports the file it points to under its
    /// own path. CIS marks this recommendation manual; a finding makes the control WARN in the
    /// framework report.
    ///
    /// ## Why it matters
    /// Components trust the CAs and present the certificates kept in these files. Whoever can
    /// replace a CA certificate can make the API server or the kubelet accept client certificates
    /// signed by a key of their own; whoever can replace a serving certificate can break TLS or
    /// present one of their choosing. Certificates are public, so reading is allowed (0644);
    /// writing is what matters.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /etc/kubernetes/pki/apiserver.crt
    /// spec:
    ///   path: /etc/kubernetes/pki/apiserver.crt
    ///   type: file
    ///   mode: "0666"
    ///   user: root
    ///   group: root
    ///   roles: ["pki-certificate"]
    /// ```
    ///
    /// Use instead: `chmod 644 /etc/kubernetes/pki/apiserver.crt`, so that the fact reads:
    /// ```yaml
    ///   mode: "0644"
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.20
    /// - NSA-CISA Kubernetes Hardening Guidance, "Encryption"
    /// - Kubernetes documentation, PKI certificates and requirements: <https://kubernetes.io/docs/setup/best-practices/certificates/>
    /// - Kubernetes documentation, Certificate management with kubeadm: <https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/>
    pub static PKI_CERTIFICATE_PERMISSIONS = Check {
        id: "BHP020",
        slug: "pki-certificate-permissions",
        severity: Severity::Low,
        family: Family::NodeFiles,
        remediation: "chmod 644 the file named in the finding (or stricter)",
        compliance: Compliance {
            cis: &["1.1.20"],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_mode(object, sink, &[roles::PKI_CERTIFICATE], 0o644, "1.1.20");
}
