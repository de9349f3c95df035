use bulkhead_node::Component;

use super::config_files;
use super::expect::{self, setting, Setting};
use super::flags::report_flag;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Schedulers with profiling on. Without `--config`, that is `--profiling` true, bare, or
    /// not set (the default is true). With `--config`, the scheduler ignores `--profiling` and
    /// reads `enableProfiling` from its KubeSchedulerConfiguration (default true): the file is
    /// judged when the scan holds it, otherwise the finding says it was not read.
    ///
    /// ## Why it matters
    /// Profiling serves /debug/pprof on the scheduler's port, exposing the program's internals
    /// and letting callers trigger expensive CPU profiles.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-scheduler
    ///   - --profiling=true
    /// ```
    ///
    /// Use instead: turn profiling off.
    /// ```yaml
    /// command:
    ///   - kube-scheduler
    ///   - --profiling=false
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.4.1
    /// - Kubernetes documentation, kube-scheduler command-line reference: `--profiling` (default true): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/
    /// - https://kubernetes.io/docs/reference/config-api/kube-scheduler-config.v1/
    pub static SCHEDULER_PROFILING = Check {
        id: "BHC035",
        slug: "scheduler-profiling",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "start the scheduler with --profiling=false (or enableProfiling: false in its --config file)",
        compliance: Compliance {
            cis: &["1.4.1"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

const RISK: &str = "/debug/pprof exposes the program's internals and expensive profiles";

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for line in cx.command_lines(Component::Scheduler) {
        let Setting::Written(config) = setting(line, "config") else {
            continue;
        };
        match config_files::named(cx, "KubeSchedulerConfiguration", config.text()) {
            Some(object) => match object.root.get("enableProfiling") {
                Some(value) if value.as_bool() == Some(false) => {}
                Some(_) => sink.report(
                    object,
                    "/enableProfiling",
                    format!("kube-scheduler (--config) enables profiling; {RISK}"),
                ),
                None => sink.report(
                    object,
                    "/enableProfiling",
                    format!("kube-scheduler (--config): enableProfiling is not set; the default is true; {RISK}"),
                ),
            },
            None => report_flag(
                sink,
                line,
                &config,
                "the scheduler takes enableProfiling (default true) from this file and ignores \
                 --profiling; the file is not in the scan, so add it",
            ),
        }
    }
    expect::boolean_where(
        cx,
        sink,
        Component::Scheduler,
        "profiling",
        true,
        false,
        RISK,
        |line| matches!(setting(line, "config"), Setting::Written(_)),
    );
}
