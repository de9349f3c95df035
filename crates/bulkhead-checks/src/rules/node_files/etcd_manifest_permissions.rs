use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The etcd static Pod manifest with a mode wider than 0600. The file judged is the static Pod
    /// manifest of etcd. The collector finds it by following the components' own flags and files,
    /// not a fixed path.
    ///
    /// A mode is wider when it has any permission bit outside 0600: 0400 and 0600 pass, while
    /// setuid, setgid and sticky bits always count as wider. A directory of this role is held to
    /// 0600 with search added where read is allowed (0700), since a directory cannot be used
    /// without it. A symlink is not judged: the collector reports the file it points to under its
    /// own path.
    ///
    /// ## Why it matters
    /// The kubelet runs whatever this file describes. etcd stores every object of the cluster,
    /// Secrets included; a changed manifest can turn off client certificate authentication, listen
    /// on every address, or mount the data directory into another container. Read access shows its
    /// flags: the data directory and the paths of its keys.
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
    ///   mode: "0644"
    ///   user: root
    ///   group: root
    ///   roles: ["etcd-manifest"]
    /// ```
    ///
    /// Use instead: `chmod 600 /etc/kubernetes/manifests/etcd.yaml`, so that the fact reads:
    /// ```yaml
    ///   mode: "0600"
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.7
    /// - NSA-CISA Kubernetes Hardening Guidance, "Control plane hardening"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Etcd"
    /// - MITRE ATT&CK T1543.005 (Create or Modify System Process: Container Service)
    /// - Kubernetes documentation, Static Pods: <https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/>
    /// - Kubernetes documentation, Operating etcd clusters for Kubernetes: <https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/>
    pub static ETCD_MANIFEST_PERMISSIONS = Check {
        id: "BHP007",
        slug: "etcd-manifest-permissions",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chmod 600 the file named in the finding (or stricter)",
        compliance: Compliance {
            cis: &["1.1.7"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening", "Network separation and hardening: etcd"],
            mitre: &["T1543.005"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_mode(object, sink, &[roles::ETCD_MANIFEST], 0o600, "1.1.7");
}
