use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::{report_owner, ROOT};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The etcd static Pod manifest not owned by root:root. The file judged is the static Pod
    /// manifest of etcd.
    ///
    /// The user and the group are judged by the names in the node's own `/etc/passwd` and
    /// `/etc/group`; an id with no name there passes only when it is 0, and the message says the
    /// name was missing. A symlink is not judged: the collector reports the file it points to under
    /// its own path.
    ///
    /// ## Why it matters
    /// The owner of a file can change its mode at any time, so a 0600 mode protects nothing when
    /// someone else owns it. The kubelet runs whatever this file describes. etcd stores every
    /// object of the cluster, Secrets included; a changed manifest can turn off client certificate
    /// authentication, listen on every address, or mount the data directory into another container.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /etc/kubernetes/manifests/etcd.yaml
    /// spec:
    ///   path: /etc/kubernetes/manifests/etcd.yaml
    ///   type: file
    ///   mode: "0600"
    ///   user: kube
    ///   group: kube
    ///   roles: ["etcd-manifest"]
    /// ```
    ///
    /// Use instead: `chown root:root /etc/kubernetes/manifests/etcd.yaml`, so that the fact reads:
    /// ```yaml
    ///   user: root
    ///   group: root
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.8
    /// - NSA-CISA Kubernetes Hardening Guidance, "Control plane hardening"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Etcd"
    /// - MITRE ATT&CK T1543.005 (Create or Modify System Process: Container Service)
    /// - Kubernetes documentation, Static Pods: <https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/>
    /// - Kubernetes documentation, Operating etcd clusters for Kubernetes: <https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/>
    pub static ETCD_MANIFEST_OWNERSHIP = Check {
        id: "BHP008",
        slug: "etcd-manifest-ownership",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chown root:root the file named in the finding",
        compliance: Compliance {
            cis: &["1.1.8"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening", "Network separation and hardening: etcd"],
            mitre: &["T1543.005"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_owner(object, sink, &[roles::ETCD_MANIFEST], &ROOT, "1.1.8");
}
