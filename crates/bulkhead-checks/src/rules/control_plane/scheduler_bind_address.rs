use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Schedulers whose secure port listens beyond the loopback interface: `--bind-address` not
    /// a loopback address, or not set (the default is 0.0.0.0, every interface). A secure port
    /// of 0 (no port) passes.
    ///
    /// ## Why it matters
    /// The port serves health, metrics and, with profiling on, /debug/pprof. Nothing outside
    /// the node needs it; on every interface it is one more surface reachable from the network.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-scheduler
    ///   - --bind-address=0.0.0.0
    /// ```
    ///
    /// Use instead: listen on loopback only.
    /// ```yaml
    /// command:
    ///   - kube-scheduler
    ///   - --bind-address=127.0.0.1
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.4.2
    /// - Kubernetes documentation, kube-scheduler command-line reference: `--bind-address` (default 0.0.0.0): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/
    pub static SCHEDULER_BIND_ADDRESS = Check {
        id: "BHC036",
        slug: "scheduler-bind-address",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "start the scheduler with --bind-address=127.0.0.1",
        compliance: Compliance {
            cis: &["1.4.2"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    expect::loopback_bind(
        cx,
        sink,
        Component::Scheduler,
        "the scheduler's port is reachable from the network",
    );
}
