use super::admission;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers that do not run the AlwaysPullImages admission plugin. It is off by default,
    /// so it must be listed in `--enable-admission-plugins`. CIS marks this recommendation
    /// manual.
    ///
    /// ## Why it matters
    /// On a shared node an image pulled once with one tenant's registry credentials stays in
    /// the node's cache, and any pod on that node can then start it by name without
    /// credentials. The plugin forces a pull, and so a credential check, on every pod start.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --enable-admission-plugins=NodeRestriction
    /// ```
    ///
    /// Use instead: enable the plugin (or, on Kubernetes 1.33 and later, the kubelet's image
    /// pull credential verification).
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --enable-admission-plugins=NodeRestriction,AlwaysPullImages
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.11
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--enable-admission-plugins` (default the plugins enabled by default, which exclude AlwaysPullImages): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwayspullimages
    pub static APISERVER_ALWAYS_PULL_IMAGES = Check {
        id: "BHC011",
        slug: "apiserver-always-pull-images",
        severity: Severity::Low,
        family: Family::ControlPlane,
        remediation: "add AlwaysPullImages to --enable-admission-plugins",
        compliance: Compliance {
            cis: &["1.2.11"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    admission::require(
        cx,
        sink,
        "AlwaysPullImages",
        "pods may start private images cached on the node without the credentials to pull them",
    );
}
