use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A private key file with a mode wider than 0600. The file judged is a private key under the
    /// PKI directory or named by a component's flag (`--tls-private-key-file`,
    /// `--service-account-key-file`, etcd's `--key-file` and the like). The collector finds it by
    /// following the components' own flags and files, not a fixed path.
    ///
    /// A mode is wider when it has any permission bit outside 0600: 0400 and 0600 pass, while
    /// setuid, setgid and sticky bits always count as wider. A directory of this role is held to
    /// 0600 with search added where read is allowed (0700), since a directory cannot be used
    /// without it. A symlink is not judged: the collector reports the file it points to under its
    /// own path. CIS marks this recommendation manual; a finding makes the control WARN in the
    /// framework report.
    ///
    /// ## Why it matters
    /// Write access lets an attacker replace the key, and with it the identity, at the next
    /// restart. A private key is the identity its certificate vouches for. The cluster CA key signs
    /// certificates for any user, `system:masters` included; the service account key signs tokens
    /// for any service account; a serving key lets its holder impersonate the server. Anyone who
    /// can read one of them has that power.
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
    ///   mode: "0644"
    ///   user: root
    ///   group: root
    ///   roles: ["private-key"]
    /// ```
    ///
    /// Use instead: `chmod 600 /etc/kubernetes/pki/ca.key`, so that the fact reads:
    /// ```yaml
    ///   mode: "0600"
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.21
    /// - NSA-CISA Kubernetes Hardening Guidance, "Encryption"
    /// - MITRE ATT&CK T1552.001 (Unsecured Credentials: Credentials In Files)
    /// - Kubernetes documentation, PKI certificates and requirements: <https://kubernetes.io/docs/setup/best-practices/certificates/>
    /// - Kubernetes documentation, Certificate management with kubeadm: <https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/>
    pub static PRIVATE_KEY_PERMISSIONS = Check {
        id: "BHP021",
        slug: "private-key-permissions",
        severity: Severity::High,
        family: Family::NodeFiles,
        remediation: "chmod 600 the file named in the finding (or stricter)",
        compliance: Compliance {
            cis: &["1.1.21"],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
            mitre: &["T1552.001"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_mode(object, sink, &[roles::PRIVATE_KEY], 0o600, "1.1.21");
}
