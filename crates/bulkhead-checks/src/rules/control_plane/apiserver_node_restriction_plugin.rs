use super::admission;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers that do not run the NodeRestriction admission plugin. It is off by default,
    /// so it must be listed in `--enable-admission-plugins`.
    ///
    /// ## Why it matters
    /// The plugin limits what a kubelet may write to its own Node object and the pods bound to
    /// it, and stops it from setting the labels that steer workloads onto nodes. Without it one
    /// compromised node can relabel or modify other nodes and attract sensitive pods.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --enable-admission-plugins=PodSecurity
    /// ```
    ///
    /// Use instead: enable the plugin, together with the Node authorizer.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --enable-admission-plugins=NodeRestriction
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.14
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--enable-admission-plugins` (default the plugins enabled by default, which exclude NodeRestriction): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#noderestriction
    pub static APISERVER_NODE_RESTRICTION_PLUGIN = Check {
        id: "BHC014",
        slug: "apiserver-node-restriction-plugin",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "add NodeRestriction to --enable-admission-plugins",
        compliance: Compliance {
            cis: &["1.2.14"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    admission::require(
        cx,
        sink,
        "NodeRestriction",
        "a kubelet may modify other nodes and pods and set the labels that steer workloads",
    );
}
