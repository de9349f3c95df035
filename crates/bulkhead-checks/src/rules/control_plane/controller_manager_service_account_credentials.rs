use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Controller managers that run every controller with their own credentials:
    /// `--use-service-account-credentials` false, or not set (the default is false).
    ///
    /// ## Why it matters
    /// With separate credentials each controller acts as its own service account in
    /// kube-system, bound to a role that holds only what that controller needs. Without them
    /// every controller acts with the controller manager's full identity, so one controller's
    /// flaw holds them all.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-controller-manager
    ///   - --use-service-account-credentials=false
    /// ```
    ///
    /// Use instead: give each controller its own service account.
    /// ```yaml
    /// command:
    ///   - kube-controller-manager
    ///   - --use-service-account-credentials=true
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.3.3
    /// - Kubernetes documentation, kube-controller-manager command-line reference: `--use-service-account-credentials` (default false): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#controller-roles
    pub static CONTROLLER_MANAGER_SERVICE_ACCOUNT_CREDENTIALS = Check {
        id: "BHC030",
        slug: "controller-manager-service-account-credentials",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "start the controller manager with --use-service-account-credentials=true",
        compliance: Compliance {
            cis: &["1.3.3"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    expect::boolean(
        cx,
        sink,
        Component::ControllerManager,
        "use-service-account-credentials",
        false,
        true,
        "every controller acts with the controller manager's full identity",
    );
}
