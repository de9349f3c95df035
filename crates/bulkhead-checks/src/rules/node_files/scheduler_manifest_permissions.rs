use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The scheduler's static Pod manifest with a mode wider than 0600. The file judged is the
    /// static Pod manifest of the scheduler. The collector finds it by following the components'
    /// own flags and files, not a fixed path.
    ///
    /// A mode is wider when it has any permission bit outside 0600: 0400 and 0600 pass, while
    /// setuid, setgid and sticky bits always count as wider. A directory of this role is held to
    /// 0600 with search added where read is allowed (0700), since a directory cannot be used
    /// without it. A symlink is not judged: the collector reports the file it points to under its
    /// own path.
    ///
    /// ## Why it matters
    /// The kubelet runs whatever this file describes, on the control-plane host. A changed manifest
    /// runs any container there with the scheduler's credentials, or a scheduler that places pods
    /// where an attacker wants them. Read access shows its flags and the path of its kubeconfig.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: File
    /// metadata:
    ///   name: /etc/kubernetes/manifests/kube-scheduler.yaml
    /// spec:
    ///   path: /etc/kubernetes/manifests/kube-scheduler.yaml
    ///   type: file
    ///   mode: "0644"
    ///   user: root
    ///   group: root
    ///   roles: ["kube-scheduler-manifest"]
    /// ```
    ///
    /// Use instead: `chmod 600 /etc/kubernetes/manifests/kube-scheduler.yaml`, so that the fact
    /// reads:
    /// ```yaml
    ///   mode: "0600"
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.1.5
    /// - NSA-CISA Kubernetes Hardening Guidance, "Control plane hardening"
    /// - MITRE ATT&CK T1543.005 (Create or Modify System Process: Container Service)
    /// - Kubernetes documentation, Static Pods: <https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/>
    /// - Kubernetes documentation, kubeadm implementation details: <https://kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/>
    pub static SCHEDULER_MANIFEST_PERMISSIONS = Check {
        id: "BHP005",
        slug: "scheduler-manifest-permissions",
        severity: Severity::Medium,
        family: Family::NodeFiles,
        remediation: "chmod 600 the file named in the finding (or stricter)",
        compliance: Compliance {
            cis: &["1.1.5"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening"],
            mitre: &["T1543.005"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_mode(object, sink, &[roles::SCHEDULER_MANIFEST], 0o600, "1.1.5");
}
