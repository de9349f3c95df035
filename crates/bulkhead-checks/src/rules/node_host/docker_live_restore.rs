use bulkhead_model::Object;

use crate::rules::node_host::facts::{boolean, describe_config, spec_of};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Docker's `live-restore` not true in `daemon.json`.
    ///
    /// ## Why it matters
    /// Without it, a daemon restart stops every container on the node. Security updates of the
    /// daemon then mean downtime, and updates that mean downtime get postponed.
    ///
    /// ## Example
    /// ```json
    /// {"icc": false}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"icc": false, "live-restore": true}
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.15 "Ensure live restore is enabled"
    pub static DOCKER_LIVE_RESTORE = Check {
        id: "BHN078",
        slug: "docker-live-restore-off",
        severity: Severity::Low,
        family: Family::NodeHost,
        remediation: "set \"live-restore\": true in /etc/docker/daemon.json",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["DockerDaemonConfig"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(spec) = spec_of(object, "DockerDaemonConfig") else {
        return;
    };
    let what = describe_config(object, "Docker");
    match spec.get("live-restore") {
    Some(node) if boolean(node) == Some(true) => {}
    Some(_) => sink.report(object, "/spec/live-restore", format!("{what}: live-restore is not true: restarting or upgrading the daemon stops every container")),
    None => sink.report(object, "/spec", format!("{what}: live-restore is not set: restarting or upgrading the daemon stops every container")),
}
}
