use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::{report_owner, ROOT};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The kubelet's configuration file not owned by root:root. The file judged is the kubelet's
    /// `--config` file and the drop-ins of its `--config-dir`, followed from the kubelet's own
    /// command line.
    ///
    /// The user and the group are judged by the names in the node's own `/etc/passwd` and
    /// `/etc/group`; an id with no name there passes only when it is 0, and the message says the
    /// name was missing. A symlink is not judged: the collector reports the file it points to under
    /// its own path.
    ///
    /// ## Why it matters
    /// The owner of a file can change its mode at any time, so a 0600 mode protects nothing when
    /// someone else owns it. This file decides the kubelet's authentication, authorization,
    /// read-only port and TLS. Whoever can change it can turn on anonymous access or `AlwaysAllow`
    /// at the next restart, and every pod on the node is theirs.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /var/lib/kubelet/config.yaml
    /// spec:
    ///   path: /var/lib/kubelet/config.yaml
    ///   type: file
    ///   mode: "0600"
    ///   user: kube
    ///   group: kube
    ///   roles: ["kubelet-config"]
    /// ```
    ///
    /// Use instead: `chown root:root /var/lib/kubelet/config.yaml`, so that the fact reads:
    /// ```yaml
    ///   user: root
    ///   group: root
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.1.10
    /// - NSA-CISA Kubernetes Hardening Guidance, "Authentication and authorization"
    /// - MITRE ATT&CK T1543 (Create or Modify System Process)
    /// - Kubernetes documentation, Set kubelet parameters via a configuration file: <https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/>
    /// - Kubernetes documentation, Kubelet authentication/authorization: <https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/>
    pub static KUBELET_CONFIG_OWNERSHIP = Check {
        id: "BHP031",
        slug: "kubelet-config-ownership",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chown root:root the file named in the finding",
        compliance: Compliance {
            cis: &["4.1.10"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1543"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_owner(object, sink, &[roles::KUBELET_CONFIG], &ROOT, "4.1.10");
}
