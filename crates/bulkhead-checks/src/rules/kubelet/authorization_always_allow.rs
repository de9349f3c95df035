use bulkhead_node::kubelet::fields::AUTHORIZATION_MODE;

use crate::rules::kubelet::judge::judge_setting;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets whose authorization mode is `AlwaysAllow`. The mode comes from
    /// `--authorization-mode`, the drop-ins, `authorization.mode` in the config file, or the
    /// default: `Webhook` with a config file (also when the field is written as `""`), but
    /// `AlwaysAllow` for a kubelet started with flags alone, so only the latter is reported
    /// when nothing is written.
    ///
    /// ## Why it matters
    /// `AlwaysAllow` lets every request that passes authentication (and every anonymous one,
    /// if anonymous authentication is on) use the whole kubelet API: exec into any container,
    /// read every pod's logs and environment. `Webhook` asks the API server, so the kubelet
    /// obeys RBAC like the rest of the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authorization:
    ///   mode: AlwaysAllow
    /// ```
    ///
    /// Use instead: delegate authorization to the API server.
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authorization:
    ///   mode: Webhook
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.2
    /// - https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authorization
    pub static AUTHORIZATION_ALWAYS_ALLOW = Check {
        id: "BHL002",
        slug: "kubelet-authorization-always-allow",
        severity: Severity::High,
        family: Family::Kubelet,
        remediation: "set authorization.mode: Webhook in the kubelet config file (or --authorization-mode=Webhook)",
        compliance: Compliance {
            cis: &["4.2.2"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1609"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    judge_setting(cx, sink, &AUTHORIZATION_MODE, |value| {
        (value.as_text() == Some("AlwaysAllow")).then(|| {
            "authorization mode is AlwaysAllow: every request that reaches the kubelet API is allowed".to_string()
        })
    });
}
