use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers that serve anonymous requests: `--anonymous-auth` true, or not set (the
    /// default is true). CIS marks this recommendation manual, so a finding is a lead to
    /// review.
    ///
    /// ## Why it matters
    /// Requests that no authenticator rejects run as `system:anonymous` in the group
    /// `system:unauthenticated`. With RBAC that group only reaches discovery and health
    /// endpoints by default, but one careless binding to it opens the API to anyone who can
    /// reach the port.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --anonymous-auth=true
    /// ```
    ///
    /// Use instead: turn anonymous requests off (health checks then need credentials, or use
    /// the kubelet's probes).
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --anonymous-auth=false
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.1
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--anonymous-auth` (default true): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests
    pub static APISERVER_ANONYMOUS_AUTH = Check {
        id: "BHC001",
        slug: "apiserver-anonymous-auth",
        severity: Severity::Low,
        family: Family::ControlPlane,
        remediation: "start the API server with --anonymous-auth=false",
        compliance: Compliance {
            cis: &["1.2.1"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1078"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    expect::boolean(
        cx,
        sink,
        Component::ApiServer,
        "anonymous-auth",
        true,
        false,
        "requests without credentials are served as system:anonymous",
    );
}
