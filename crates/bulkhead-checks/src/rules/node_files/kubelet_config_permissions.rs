use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The kubelet's configuration file with a mode wider than 0600. The file judged is the
    /// kubelet's `--config` file and the drop-ins of its `--config-dir`, followed from the
    /// kubelet's own command line. The collector finds it by following the components' own flags
    /// and files, not a fixed path.
    ///
    /// A mode is wider when it has any permission bit outside 0600: 0400 and 0600 pass, while
    /// setuid, setgid and sticky bits always count as wider. A directory of this role is held to
    /// 0600 with search added where read is allowed (0700), since a directory cannot be used
    /// without it. A symlink is not judged: the collector reports the file it points to under its
    /// own path.
    ///
    /// ## Why it matters
    /// This file decides the kubelet's authentication, authorization, read-only port and TLS.
    /// Whoever can change it can turn on anonymous access or `AlwaysAllow` at the next restart, and
    /// every pod on the node is theirs. Read access shows the kubelet's settings and the paths of
    /// its certificates.
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
    ///   mode: "0644"
    ///   user: root
    ///   group: root
    ///   roles: ["kubelet-config"]
    /// ```
    ///
    /// Use instead: `chmod 600 /var/lib/kubelet/config.yaml`, so that the fact reads:
    /// ```yaml
    ///   mode: "0600"
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.1.9
    /// - NSA-CISA Kubernetes Hardening Guidance, "Authentication and authorization"
    /// - MITRE ATT&CK T1543 (Create or Modify System Process)
    /// - Kubernetes documentation, Set kubelet parameters via a configuration file: <https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/>
    /// - Kubernetes documentation, Kubelet authentication/authorization: <https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/>
    pub static KUBELET_CONFIG_PERMISSIONS = Check {
        id: "BHP030",
        slug: "kubelet-config-permissions",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chmod 600 the file named in the finding (or stricter)",
        compliance: Compliance {
            cis: &["4.1.9"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1543"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_mode(object, sink, &[roles::KUBELET_CONFIG], 0o600, "4.1.9");
}
