use bulkhead_model::Object;

use crate::rules::node_host::facts::{boolean, describe_config, spec_of};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Docker's `icc` (inter-container communication on the default bridge) not set to false in
    /// `daemon.json`; it defaults to true.
    ///
    /// ## Why it matters
    /// On the default bridge every container reaches every other on every port, so one compromised
    /// container probes all its neighbours. Containers that must talk are linked or share a
    /// user-defined network.
    ///
    /// ## Example
    /// ```json
    /// {"icc": true}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"icc": false}
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.2 "Ensure network traffic is restricted between containers
    ///   on the default bridge"
    /// - MITRE ATT&CK T1046 (Network Service Discovery)
    pub static DOCKER_ICC = Check {
        id: "BHN075",
        slug: "docker-inter-container-communication",
        severity: Severity::Medium,
        family: Family::NodeHost,
        remediation: "set \"icc\": false in /etc/docker/daemon.json",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1046"],
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
    match spec.get("icc") {
    Some(node) if boolean(node) == Some(false) => {}
    Some(_) => sink.report(object, "/spec/icc", format!("{what}: icc is not false: every container on the default bridge talks to every other")),
    None => sink.report(object, "/spec", format!("{what}: icc is not set, and Docker lets every container on the default bridge talk to every other")),
}
}
