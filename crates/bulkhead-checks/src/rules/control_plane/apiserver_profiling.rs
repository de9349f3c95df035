use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers with profiling on: `--profiling` true, bare, or not set (the default is
    /// true). Note that `--profiling false` with a space is the bare flag (true) followed by a
    /// stray word.
    ///
    /// ## Why it matters
    /// Profiling serves /debug/pprof, which exposes the program's internals and lets callers
    /// trigger expensive CPU profiles: information for an attacker and a way to load the
    /// control plane.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --profiling=true
    /// ```
    ///
    /// Use instead: turn profiling off.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --profiling=false
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.15
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--profiling` (default true): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://github.com/kubernetes/community/blob/master/contributors/devel/sig-scalability/profiling.md
    pub static APISERVER_PROFILING = Check {
        id: "BHC015",
        slug: "apiserver-profiling",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "start the API server with --profiling=false",
        compliance: Compliance {
            cis: &["1.2.15"],
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
        Component::ApiServer,
        "profiling",
        true,
        false,
        "/debug/pprof exposes the program's internals and expensive profiles",
    );
}
