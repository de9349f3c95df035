use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The API server's static Pod manifest with a mode wider than 0600. The file judged is the
    /// static Pod manifest of the API server. The collector finds it by following the components'
    /// own flags and files, not a fixed path.
    ///
    /// A mode is wider when it has any permission bit outside 0600: 0400 and 0600 pass, while
    /// setuid, setgid and sticky bits always count as wider. A directory of this role is held to
    /// 0600 with search added where read is allowed (0700), since a directory cannot be used
    /// without it. A symlink is not judged: the collector reports the file it points to under its
    /// own path.
    ///
    /// ## Why it matters
    /// The kubelet runs whatever this file describes, with the API server's credentials and on the
    /// control-plane host. Whoever can change it can turn off authentication or authorization, add
    /// a flag that leaks tokens, or run any container as the API server. Read access shows every
    /// flag, including the paths of the keys and the etcd client credentials, which is the map an
    /// attacker needs next.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /etc/kubernetes/manifests/kube-apiserver.yaml
    /// spec:
    ///   path: /etc/kubernetes/manifests/kube-apiserver.yaml
    ///   type: file
    ///   mode: "0644"
    ///   user: root
    ///   group: root
    ///   roles: ["kube-apiserver-manifest"]
    /// ```
    ///
    /// Use instead: `chmod 600 /etc/kubernetes/manifests/kube-apiserver.yaml`, so that the fact
    /// reads:
    /// ```yaml
    ///   mode: "0600"
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.1
    /// - NSA-CISA Kubernetes Hardening Guidance, "Control plane hardening"
    /// - MITRE ATT&CK T1543.005 (Create or Modify System Process: Container Service)
    /// - Kubernetes documentation, Static Pods: <https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/>
    /// - Kubernetes documentation, kubeadm implementation details: <https://kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/>
    pub static APISERVER_MANIFEST_PERMISSIONS = Check {
        id: "BHP001",
        slug: "apiserver-manifest-permissions",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chmod 600 the file named in the finding (or stricter)",
        compliance: Compliance {
            cis: &["1.1.1"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening"],
            mitre: &["T1543.005"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_mode(object, sink, &[roles::API_SERVER_MANIFEST], 0o600, "1.1.1");
}
