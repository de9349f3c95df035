use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::{report_owner, ROOT};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The API server's static Pod manifest not owned by root:root. The file judged is the static
    /// Pod manifest of the API server.
    ///
    /// The user and the group are judged by the names in the node's own `/etc/passwd` and
    /// `/etc/group`; an id with no name there passes only when it is 0, and the message says the
    /// name was missing. A symlink is not judged: the collector reports the file it points to under
    /// its own path.
    ///
    /// ## Why it matters
    /// The owner of a file can change its mode at any time, so a 0600 mode protects nothing when
    /// someone else owns it. The kubelet runs whatever this file describes, with the API server's
    /// credentials and on the control-plane host. Whoever can change it can turn off authentication
    /// or authorization, add a flag that leaks tokens, or run any container as the API server.
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
    ///   mode: "0600"
    ///   user: kube
    ///   group: kube
    ///   roles: ["kube-apiserver-manifest"]
    /// ```
    ///
    /// Use instead: `chown root:root /etc/kubernetes/manifests/kube-apiserver.yaml`, so that the
    /// fact reads:
    /// ```yaml
    ///   user: root
    ///   group: root
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.2
    /// - NSA-CISA Kubernetes Hardening Guidance, "Control plane hardening"
    /// - MITRE ATT&CK T1543.005 (Create or Modify System Process: Container Service)
    /// - Kubernetes documentation, Static Pods: <https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/>
    /// - Kubernetes documentation, kubeadm implementation details: <https://kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/>
    pub static APISERVER_MANIFEST_OWNERSHIP = Check {
        id: "BHP002",
        slug: "apiserver-manifest-ownership",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chown root:root the file named in the finding",
        compliance: Compliance {
            cis: &["1.1.2"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening"],
            mitre: &["T1543.005"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_owner(object, sink, &[roles::API_SERVER_MANIFEST], &ROOT, "1.1.2");
}
