use bulkhead_node::kubelet::fields::ANONYMOUS_AUTH;

use crate::rules::kubelet::judge::{bool_problem, judge_setting};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets that accept anonymous requests. The effective value is resolved the way the
    /// kubelet resolves it: the `--anonymous-auth` flag, then `--config-dir` drop-ins, then
    /// `authentication.anonymous.enabled` in the `--config` file, then the default of the
    /// kubelet's mode. That default is `false` with a config file but `true` for a kubelet
    /// started with flags alone, so a flags-only kubelet that never mentions the setting is
    /// reported, and a kubelet with a config file that leaves it unset is not.
    ///
    /// ## Why it matters
    /// With anonymous authentication on, any request to the kubelet's API (port 10250) that
    /// carries no credentials is served as `system:anonymous`. Combined with a permissive
    /// authorization mode, anyone who reaches the node can list pods, read logs and run
    /// commands in containers, without passing the API server's authentication or audit.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authentication:
    ///   anonymous:
    ///     enabled: true
    /// ```
    ///
    /// Use instead: disable anonymous requests (and remove `--anonymous-auth=true` from the command line).
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authentication:
    ///   anonymous:
    ///     enabled: false
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.1
    /// - https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/
    /// - https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
    pub static ANONYMOUS_AUTH_ENABLED = Check {
        id: "BHL001",
        slug: "kubelet-anonymous-auth",
        severity: Severity::High,
        family: Family::Kubelet,
        remediation: "set authentication.anonymous.enabled: false in the kubelet config file (or --anonymous-auth=false)",
        compliance: Compliance {
            cis: &["4.2.1"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1609"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    judge_setting(cx, sink, &ANONYMOUS_AUTH, |value| {
        bool_problem(
            value,
            false,
            "anonymous authentication is enabled: requests without credentials are served as system:anonymous",
        )
    });
}
