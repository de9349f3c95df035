use super::authorization::require_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers whose authorizers do not include Node: from `--authorization-mode` (all
    /// occurrences), from the `--authorization-config` file, or the default AlwaysAllow.
    ///
    /// ## Why it matters
    /// The Node authorizer limits each kubelet to the objects of the pods scheduled on its
    /// node. Without it a kubelet's credentials are judged by RBAC alone, where the
    /// system:nodes group tends to read every secret: one compromised node then reads the whole
    /// cluster's secrets.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --authorization-mode=RBAC
    /// ```
    ///
    /// Use instead: put Node before RBAC.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.7
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--authorization-mode` (default AlwaysAllow): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/node/
    pub static APISERVER_AUTHORIZATION_NODE = Check {
        id: "BHC007",
        slug: "apiserver-authorization-node",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "include Node in --authorization-mode (--authorization-mode=Node,RBAC)",
        compliance: Compliance {
            cis: &["1.2.7"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    require_mode(
        cx,
        sink,
        "Node",
        "kubelets are not limited to the objects of their own pods",
    );
}
