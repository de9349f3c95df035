use bulkhead_node::kubelet::fields::READ_ONLY_PORT;

use crate::rules::kubelet::judge::{judge_setting, unreadable};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets that serve the read-only port. The port comes from `--read-only-port`, the
    /// drop-ins, `readOnlyPort` in the config file, or the default: 0 (off) with a config
    /// file, but 10255 for a kubelet started with flags alone. CIS's audit passes an unset
    /// value; here an unset value on a flags-only kubelet is reported, because it is open.
    ///
    /// ## Why it matters
    /// The read-only port answers without authentication or authorization: anyone who reaches
    /// it can list every pod on the node with its specification (environment variables
    /// included) and read node metrics, which maps the cluster for an attacker.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// readOnlyPort: 10255
    /// ```
    ///
    /// Use instead: close the port (metrics are served on the authenticated port 10250).
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// readOnlyPort: 0
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.4
    /// - https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/
    pub static READ_ONLY_PORT_OPEN = Check {
        id: "BHL004",
        slug: "kubelet-read-only-port",
        severity: Severity::High,
        family: Family::Kubelet,
        remediation: "set readOnlyPort: 0 in the kubelet config file (or --read-only-port=0)",
        compliance: Compliance {
            cis: &["4.2.4"],
            pss: &[],
            nsa: &["Network separation and hardening: worker node segmentation"],
            mitre: &["T1613"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    judge_setting(cx, sink, &READ_ONLY_PORT, |value| match value.as_i64() {
        Some(0) => None,
        Some(port) => Some(format!("the unauthenticated read-only port {port} is open")),
        None => Some(unreadable(value, "port")),
    });
}
