use super::admission;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers that turn the NamespaceLifecycle admission plugin off. It is on by default,
    /// so only `--disable-admission-plugins` (or a deprecated `--admission-control` list
    /// without it) turns it off.
    ///
    /// ## Why it matters
    /// The plugin refuses objects in namespaces that are terminating or do not exist and
    /// protects default, kube-system and kube-public from deletion. Without it objects can
    /// outlive their namespace and escape the policies that were removed with it.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --disable-admission-plugins=NamespaceLifecycle
    /// ```
    ///
    /// Use instead: leave the plugin on (it is on by default).
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --enable-admission-plugins=NodeRestriction
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.13
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--disable-admission-plugins` (default none: NamespaceLifecycle is enabled by default): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#namespacelifecycle
    pub static APISERVER_NAMESPACE_LIFECYCLE_PLUGIN = Check {
        id: "BHC013",
        slug: "apiserver-namespace-lifecycle-plugin",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "remove NamespaceLifecycle from --disable-admission-plugins",
        compliance: Compliance {
            cis: &["1.2.13"],
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
        "NamespaceLifecycle",
        "objects may be created in terminating or missing namespaces and system namespaces may be deleted",
    );
}
