use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::{report_owner, Owners};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The etcd data directory not owned by etcd:etcd or root:root. The directory judged is etcd's
    /// `--data-dir`, followed from etcd's own command line.
    ///
    /// The user must be `etcd` or `root` and the group `etcd` or `root`. CIS asks for etcd:etcd,
    /// which is right where etcd runs as its own user; kubeadm runs etcd as a static Pod with user
    /// root, and then root:root is the owner that keeps the data to etcd alone, so both are
    /// accepted. A symlink is not judged: the collector reports the file it points to under its own
    /// path.
    ///
    /// ## Why it matters
    /// The owner of a directory can change its mode at any time, so a 0700 mode protects nothing
    /// when someone else owns it. Write access lets an attacker replace the database: new
    /// cluster-admin bindings, changed Secrets, or a cluster that no longer starts.
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
    ///   mode: "0700"
    ///   user: kube
    ///   group: kube
    ///   roles: ["etcd-data-dir"]
    /// ```
    ///
    /// Use instead: `chown etcd:etcd /var/lib/etcd`, so that the fact reads:
    /// ```yaml
    ///   user: etcd
    ///   group: etcd
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.12
    /// - NSA-CISA Kubernetes Hardening Guidance, "Etcd"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Secrets"
    /// - MITRE ATT&CK T1552.001 (Unsecured Credentials: Credentials In Files)
    /// - Kubernetes documentation, Operating etcd clusters for Kubernetes: <https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/>
    /// - Kubernetes documentation, Encrypting confidential data at rest: <https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/>
    pub static ETCD_DATA_DIR_OWNERSHIP = Check {
        id: "BHP012",
        slug: "etcd-data-dir-ownership",
        severity: Severity::High,
        family: Family::NodeFiles,
        remediation: "chown etcd:etcd the directory named in the finding",
        compliance: Compliance {
            cis: &["1.1.12"],
            pss: &[],
            nsa: &["Network separation and hardening: etcd", "Network separation and hardening: secrets"],
            mitre: &["T1552.001"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

/// The etcd user where etcd runs as one, root where it runs as root (kubeadm).
const ETCD_OR_ROOT: Owners = Owners {
    users: &["etcd", "root"],
    groups: &["etcd", "root"],
    expected: "etcd:etcd (or root:root where etcd runs as root)",
};

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_owner(
        object,
        sink,
        &[roles::ETCD_DATA_DIR],
        &ETCD_OR_ROOT,
        "1.1.12",
    );
}
