use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Controller managers with profiling on: `--profiling` true, bare, or not set (the default
    /// is true).
    ///
    /// ## Why it matters
    /// Profiling serves /debug/pprof on the controller manager's port, exposing the program's
    /// internals and letting callers trigger expensive CPU profiles.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-controller-manager
    ///   - --profiling
    /// ```
    ///
    /// Use instead: turn profiling off.
    /// ```yaml
    /// command:
    ///   - kube-controller-manager
    ///   - --profiling=false
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.3.2
    /// - Kubernetes documentation, kube-controller-manager command-line reference: `--profiling` (default true): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/
    pub static CONTROLLER_MANAGER_PROFILING = Check {
        id: "BHC029",
        slug: "controller-manager-profiling",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "start the controller manager with --profiling=false",
        compliance: Compliance {
            cis: &["1.3.2"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening"],
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
        "profiling",
        true,
        false,
        "/debug/pprof exposes the program's internals and expensive profiles",
    );
}
