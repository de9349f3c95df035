use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The etcd data directory with a mode wider than 0700. The directory judged is etcd's
    /// `--data-dir`, followed from etcd's own command line. The collector finds it by following the
    /// components' own flags and files, not a fixed path.
    ///
    /// A mode is wider when it has any permission bit outside 0700: 0500 and 0700 pass, while
    /// setuid, setgid and sticky bits always count as wider. A symlink is not judged: the collector
    /// reports the file it points to under its own path.
    ///
    /// ## Why it matters
    /// Write access lets an attacker replace the database: new cluster-admin bindings, changed
    /// Secrets, or a cluster that no longer starts. etcd stores every object of the cluster in this
    /// directory, Secrets included, and they are in plain text unless encryption at rest is
    /// configured. Reading the directory is reading every Secret without passing the API server,
    /// its authorization or its audit log.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /var/lib/etcd
    /// spec:
    ///   path: /var/lib/etcd
    ///   type: directory
    ///   mode: "0755"
    ///   user: etcd
    ///   group: etcd
    ///   roles: ["etcd-data-dir"]
    /// ```
    ///
    /// Use instead: `chmod 700 /var/lib/etcd`, so that the fact reads:
    /// ```yaml
    ///   mode: "0700"
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.11
    /// - NSA-CISA Kubernetes Hardening Guidance, "Etcd"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Secrets"
    /// - MITRE ATT&CK T1552.001 (Unsecured Credentials: Credentials In Files)
    /// - Kubernetes documentation, Operating etcd clusters for Kubernetes: <https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/>
    /// - Kubernetes documentation, Encrypting confidential data at rest: <https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/>
    pub static ETCD_DATA_DIR_PERMISSIONS = Check {
        id: "BHP011",
        slug: "etcd-data-dir-permissions",
        severity: Severity::High,
        family: Family::NodeFiles,
        remediation: "chmod 700 the directory named in the finding (or stricter)",
        compliance: Compliance {
            cis: &["1.1.11"],
            pss: &[],
            nsa: &["Network separation and hardening: etcd", "Network separation and hardening: secrets"],
            mitre: &["T1552.001"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_mode(object, sink, &[roles::ETCD_DATA_DIR], 0o700, "1.1.11");
}
