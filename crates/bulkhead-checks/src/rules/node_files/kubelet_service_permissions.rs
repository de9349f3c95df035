use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The kubelet's systemd unit or drop-in with a mode wider than 0600. The file judged is the
    /// kubelet's systemd unit and its drop-ins (for example
    /// `/etc/systemd/system/kubelet.service.d/10-kubeadm.conf`), the files that wrote the running
    /// kubelet's command line. The collector finds it by following the components' own flags and
    /// files, not a fixed path.
    ///
    /// A mode is wider when it has any permission bit outside 0600: 0400 and 0600 pass, while
    /// setuid, setgid and sticky bits always count as wider. A directory of this role is held to
    /// 0600 with search added where read is allowed (0700), since a directory cannot be used
    /// without it. A symlink is not judged: the collector reports the file it points to under its
    /// own path.
    ///
    /// ## Why it matters
    /// These files write the kubelet's command line, and command-line flags override the kubelet's
    /// configuration file. Whoever can change one can turn on anonymous access, set
    /// `--authorization-mode=AlwaysAllow` or open the read-only port at the next restart. Read
    /// access shows the kubelet's flags and the paths of its credentials.
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
    ///   mode: "0644"
    ///   user: root
    ///   group: root
    ///   roles: ["kubelet-service"]
    /// ```
    ///
    /// Use instead: `chmod 600 /etc/systemd/system/kubelet.service.d/10-kubeadm.conf`, so that the
    /// fact reads:
    /// ```yaml
    ///   mode: "0600"
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.1.1
    /// - NSA-CISA Kubernetes Hardening Guidance, "Authentication and authorization"
    /// - MITRE ATT&CK T1543 (Create or Modify System Process)
    /// - Kubernetes documentation, Configuring each kubelet in your cluster using kubeadm: <https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/kubelet-integration/>
    pub static KUBELET_SERVICE_PERMISSIONS = Check {
        id: "BHP022",
        slug: "kubelet-service-permissions",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chmod 600 the file named in the finding (or stricter)",
        compliance: Compliance {
            cis: &["4.1.1"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1543"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_mode(object, sink, &[roles::KUBELET_SERVICE], 0o600, "4.1.1");
}
