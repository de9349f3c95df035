use super::authorization::require_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers whose authorizers do not include RBAC: from `--authorization-mode` (all
    /// occurrences), from the `--authorization-config` file, or the default AlwaysAllow.
    ///
    /// ## Why it matters
    /// RBAC is how least privilege is written in Kubernetes: Roles, ClusterRoles and their
    /// bindings. Without it permissions fall to ABAC files, webhooks or AlwaysAllow, and every
    /// RBAC object in the cluster is ignored.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --authorization-mode=Node,ABAC
    /// ```
    ///
    /// Use instead: authorize with RBAC.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.8
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--authorization-mode` (default AlwaysAllow): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/rbac/
    pub static APISERVER_AUTHORIZATION_RBAC = Check {
        id: "BHC008",
        slug: "apiserver-authorization-rbac",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "include RBAC in --authorization-mode (--authorization-mode=Node,RBAC)",
        compliance: Compliance {
            cis: &["1.2.8"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    require_mode(cx, sink, "RBAC", "Roles and bindings are ignored");
}
