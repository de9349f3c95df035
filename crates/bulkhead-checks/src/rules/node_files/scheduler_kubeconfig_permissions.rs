use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The scheduler's kubeconfig with a mode wider than 0600. The file judged is the one named by
    /// the scheduler's `--kubeconfig` (kubeadm: `scheduler.conf`). The collector finds it by
    /// following the components' own flags and files, not a fixed path.
    ///
    /// A mode is wider when it has any permission bit outside 0600: 0400 and 0600 pass, while
    /// setuid, setgid and sticky bits always count as wider. A directory of this role is held to
    /// 0600 with search added where read is allowed (0700), since a directory cannot be used
    /// without it. A symlink is not judged: the collector reports the file it points to under its
    /// own path.
    ///
    /// ## Why it matters
    /// Write access lets an attacker point the scheduler at another server or give it other
    /// credentials. The file holds the scheduler's client certificate and key: whoever reads it can
    /// act as `system:kube-scheduler`, bind pods to nodes of their choosing and read what the
    /// scheduler reads.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /etc/kubernetes/scheduler.conf
    /// spec:
    ///   path: /etc/kubernetes/scheduler.conf
    ///   type: file
    ///   mode: "0644"
    ///   user: root
    ///   group: root
    ///   roles: ["scheduler-kubeconfig"]
    /// ```
    ///
    /// Use instead: `chmod 600 /etc/kubernetes/scheduler.conf`, so that the fact reads:
    /// ```yaml
    ///   mode: "0600"
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.15
    /// - NSA-CISA Kubernetes Hardening Guidance, "Kubeconfig Files"
    /// - MITRE ATT&CK T1552.001 (Unsecured Credentials: Credentials In Files)
    /// - Kubernetes documentation, Organizing cluster access using kubeconfig files: <https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/>
    /// - Kubernetes documentation, kubeadm implementation details: <https://kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/>
    pub static SCHEDULER_KUBECONFIG_PERMISSIONS = Check {
        id: "BHP015",
        slug: "scheduler-kubeconfig-permissions",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chmod 600 the file named in the finding (or stricter)",
        compliance: Compliance {
            cis: &["1.1.15"],
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
        &[roles::SCHEDULER_KUBECONFIG],
        0o600,
        "1.1.15",
    );
}
