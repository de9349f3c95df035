use bulkhead_node::kubelet::fields::POD_PIDS_LIMIT;

use crate::rules::kubelet::judge::{judge_setting, unreadable};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets that put no limit on the process ids of a pod: `podPidsLimit` (or
    /// `--pod-max-pids`) is not above 0. The default is -1, no limit, in both modes, so an
    /// unset value is reported; so is a written -1 or 0, which CIS's audit (the field is set)
    /// would pass.
    ///
    /// ## Why it matters
    /// Process ids are a node-wide resource. One pod running a fork bomb, or simply leaking
    /// threads, exhausts them and stops every other pod, and the kubelet itself, from starting
    /// processes.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// podPidsLimit: -1
    /// ```
    ///
    /// Use instead: a per-pod limit sized for the workloads.
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// podPidsLimit: 4096
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.13
    /// - https://kubernetes.io/docs/concepts/policy/pid-limiting/
    pub static POD_PIDS_UNLIMITED = Check {
        id: "BHL013",
        slug: "kubelet-pod-pids-limit",
        severity: Severity::Medium,
        family: Family::Kubelet,
        remediation: "set podPidsLimit in the kubelet config file (or --pod-max-pids) to a positive limit",
        compliance: Compliance {
            cis: &["4.2.13"],
            pss: &[],
            nsa: &["Network separation and hardening: resource policies"],
            mitre: &["T1499"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    judge_setting(cx, sink, &POD_PIDS_LIMIT, |value| match value.as_i64() {
        Some(limit) if limit > 0 => None,
        Some(limit) => Some(format!(
            "pods have no PID limit (podPidsLimit {limit}: only a positive value limits them)"
        )),
        None => Some(unreadable(value, "number")),
    });
}
