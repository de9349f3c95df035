use bulkhead_node::Component;

use super::expect::{setting, Setting};
use super::flags::{report_flag, report_unset};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Controller managers without `--terminated-pod-gc-threshold` (the default, 12500, lets
    /// that many finished pods pile up before any is collected) or with a value of 0 or less,
    /// which turns the collector off. CIS marks this recommendation manual: the right number
    /// depends on the cluster.
    ///
    /// ## Why it matters
    /// Finished pods keep their objects, and often their secrets' references and logs, in etcd.
    /// Thousands of them slow the API server and keep around what should have gone.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-controller-manager
    ///   - --terminated-pod-gc-threshold=0
    /// ```
    ///
    /// Use instead: collect finished pods early.
    /// ```yaml
    /// command:
    ///   - kube-controller-manager
    ///   - --terminated-pod-gc-threshold=10
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.3.1
    /// - Kubernetes documentation, kube-controller-manager command-line reference: `--terminated-pod-gc-threshold` (default 12500): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/
    /// - https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-garbage-collection
    pub static CONTROLLER_MANAGER_TERMINATED_POD_GC_THRESHOLD = Check {
        id: "BHC028",
        slug: "controller-manager-terminated-pod-gc-threshold",
        severity: Severity::Low,
        family: Family::ControlPlane,
        remediation: "set --terminated-pod-gc-threshold to a number that suits the cluster (for example 10)",
        compliance: Compliance {
            cis: &["1.3.1"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for line in cx.command_lines(Component::ControllerManager) {
        match setting(line, "terminated-pod-gc-threshold") {
            Setting::Written(arg) => match arg.text().trim().parse::<i64>() {
                Ok(n) if n <= 0 => report_flag(
                    sink,
                    line,
                    &arg,
                    "a threshold of 0 or less turns the terminated-pod garbage collector off",
                ),
                Ok(_) => {}
                Err(_) => report_flag(
                    sink,
                    line,
                    &arg,
                    "is not an integer, so kube-controller-manager refuses to start",
                ),
            },
            Setting::Empty(arg) => report_flag(
                sink,
                line,
                &arg,
                "is empty, so kube-controller-manager refuses to start",
            ),
            Setting::Unset => report_unset(
                sink,
                line,
                "terminated-pod-gc-threshold",
                "the default is 12500 finished pods kept before any is collected",
            ),
        }
    }
}
