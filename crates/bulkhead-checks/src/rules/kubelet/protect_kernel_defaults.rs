use bulkhead_node::kubelet::fields::PROTECT_KERNEL_DEFAULTS;

use crate::rules::kubelet::judge::{bool_problem, judge_setting};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets that run without `protectKernelDefaults: true` (`--protect-kernel-defaults`),
    /// resolved with the kubelet's precedence: the flag, the `--config-dir` drop-ins, the
    /// `--config` file, then the default, which is false in both modes. Configurations kept
    /// in kubeadm's `kubelet-config` ConfigMap are judged too.
    ///
    /// ## Why it matters
    /// Without it, the kubelet silently changes kernel parameters (`vm.overcommit_memory`,
    /// `kernel.panic`, `kernel.panic_on_oops`, `vm.panic_on_oom`, ...) to the values it
    /// wants, overriding the node's hardening. With it, the kubelet refuses to start when the
    /// node's settings differ, so the differences are fixed in the node's configuration where
    /// they are reviewed.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// protectKernelDefaults: false
    /// ```
    ///
    /// Use instead: set the kernel parameters the kubelet expects in the node's sysctl
    /// configuration, then:
    /// ```yaml
    /// protectKernelDefaults: true
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
    /// - CIS Kubernetes Benchmark v1.6.0, 4.2.6 (not in v1.12)
    /// - DISA Kubernetes STIG V-242434 ("Kubernetes Kubelet must enable kernel protection")
    pub static PROTECT_KERNEL_DEFAULTS_DISABLED = Check {
        id: "BHL020",
        slug: "kubelet-protect-kernel-defaults",
        severity: Severity::Low,
        family: Family::Kubelet,
        remediation: "set protectKernelDefaults: true in the kubelet config file (or --protect-kernel-defaults) after setting the kernel parameters it expects",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Pod security: hardening container environments"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    judge_setting(cx, sink, &PROTECT_KERNEL_DEFAULTS, |value| {
        bool_problem(
            value,
            true,
            "the kubelet overrides the node's kernel parameters instead of refusing to start when they differ",
        )
    });
}
