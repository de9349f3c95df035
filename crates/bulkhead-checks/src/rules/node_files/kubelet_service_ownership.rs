use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::{report_owner, ROOT};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The kubelet's systemd unit or drop-in not owned by root:root. The file judged is the
    /// kubelet's systemd unit and its drop-ins (for example
    /// `/etc/systemd/system/kubelet.service.d/10-kubeadm.conf`), the files that wrote the running
    /// kubelet's command line.
    ///
    /// The user and the group are judged by the names in the node's own `/etc/passwd` and
    /// `/etc/group`; an id with no name there passes only when it is 0, and the message says the
    /// name was missing. A symlink is not judged: the collector reports the file it points to under
    /// its own path.
    ///
    /// ## Why it matters
    /// The owner of a file can change its mode at any time, so a 0600 mode protects nothing when
    /// someone else owns it. These files write the kubelet's command line, and command-line flags
    /// override the kubelet's configuration file. Whoever can change one can turn on anonymous
    /// access, set `--authorization-mode=AlwaysAllow` or open the read-only port at the next
    /// restart.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /etc/systemd/system/kubelet.service.d/10-kubeadm.conf
    /// spec:
    ///   path: /etc/systemd/system/kubelet.service.d/10-kubeadm.conf
    ///   type: file
    ///   mode: "0600"
    ///   user: kube
    ///   group: kube
    ///   roles: ["kubelet-service"]
    /// ```
    ///
    /// Use instead: `chown root:root /etc/systemd/system/kubelet.service.d/10-kubeadm.conf`, so
    /// that the fact reads:
    /// ```yaml
    ///   user: root
    ///   group: root
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.1.2
    /// - NSA-CISA Kubernetes Hardening Guidance, "Authentication and authorization"
    /// - MITRE ATT&CK T1543 (Create or Modify System Process)
    /// - Kubernetes documentation, Configuring each kubelet in your cluster using kubeadm: <https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/kubelet-integration/>
    pub static KUBELET_SERVICE_OWNERSHIP = Check {
        id: "BHP023",
        slug: "kubelet-service-ownership",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chown root:root the file named in the finding",
        compliance: Compliance {
            cis: &["4.1.2"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1543"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_owner(object, sink, &[roles::KUBELET_SERVICE], &ROOT, "4.1.2");
}
