use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The administrator kubeconfig (admin.conf, super-admin.conf) with a mode wider than 0600. The
    /// file judged is kubeadm's `admin.conf` and `super-admin.conf`. The collector finds it by
    /// following the components' own flags and files, not a fixed path.
    ///
    /// A mode is wider when it has any permission bit outside 0600: 0400 and 0600 pass, while
    /// setuid, setgid and sticky bits always count as wider. A directory of this role is held to
    /// 0600 with search added where read is allowed (0700), since a directory cannot be used
    /// without it. A symlink is not judged: the collector reports the file it points to under its
    /// own path.
    ///
    /// ## Why it matters
    /// Write access lets an attacker point administrators' tools at another server or swap in
    /// credentials of their own. These files hold a client certificate and key with cluster-admin
    /// rights (`super-admin.conf` is in `system:masters`, which RBAC cannot restrict). Anyone who
    /// can read one owns the cluster.
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
    ///   mode: "0644"
    ///   user: root
    ///   group: root
    ///   roles: ["admin-kubeconfig"]
    /// ```
    ///
    /// Use instead: `chmod 600 /etc/kubernetes/admin.conf`, so that the fact reads:
    /// ```yaml
    ///   mode: "0600"
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.13
    /// - NSA-CISA Kubernetes Hardening Guidance, "Kubeconfig Files"
    /// - MITRE ATT&CK T1552.001 (Unsecured Credentials: Credentials In Files)
    /// - Kubernetes documentation, kubeadm implementation details: <https://kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/>
    /// - Kubernetes documentation, PKI certificates and requirements: <https://kubernetes.io/docs/setup/best-practices/certificates/>
    pub static ADMIN_KUBECONFIG_PERMISSIONS = Check {
        id: "BHP013",
        slug: "admin-kubeconfig-permissions",
        severity: Severity::High,
        family: Family::NodeFiles,
        remediation: "chmod 600 the file named in the finding (or stricter)",
        compliance: Compliance {
            cis: &["1.1.13"],
            pss: &[],
            nsa: &["Network separation and hardening: kubeconfig files"],
            mitre: &["T1552.001"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_mode(object, sink, &[roles::ADMIN_KUBECONFIG], 0o600, "1.1.13");
}
