use bulkhead_node::kubelet::fields::SECCOMP_DEFAULT;

use crate::rules::kubelet::judge::{bool_problem, judge_setting};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets that run containers without a seccomp profile unless the pod asks for one:
    /// `seccompDefault` (or `--seccomp-default`) is false, which is its default in both
    /// modes, so an unset value is reported, and so is a written `false`, which CIS's audit
    /// (the field is set) would pass.
    ///
    /// ## Why it matters
    /// With `seccompDefault: true` every container that does not choose a profile gets the
    /// container runtime's `RuntimeDefault` profile, which blocks system calls used in
    /// container escapes and kernel exploits. Without it such containers run `Unconfined`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// seccompDefault: false
    /// ```
    ///
    /// Use instead: make RuntimeDefault the default profile.
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// seccompDefault: true
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.14
    /// - https://kubernetes.io/docs/tutorials/security/seccomp/#enable-the-use-of-runtimedefault-as-the-default-seccomp-profile-for-all-workloads
    pub static SECCOMP_DEFAULT_DISABLED = Check {
        id: "BHL014",
        slug: "kubelet-seccomp-default",
        severity: Severity::Medium,
        family: Family::Kubelet,
        remediation: "set seccompDefault: true in the kubelet config file (or --seccomp-default)",
        compliance: Compliance {
            cis: &["4.2.14"],
            pss: &[],
            nsa: &["Pod security: hardening container environments"],
            mitre: &["T1611"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    judge_setting(cx, sink, &SECCOMP_DEFAULT, |value| {
        bool_problem(
            value,
            true,
            "containers that choose no seccomp profile run Unconfined",
        )
    });
}
