use bulkhead_model::Object;

use crate::rules::node_host::facts::{describe_config, spec_of};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Docker's `userns-remap` not set in `daemon.json`: containers run without user namespace
    /// remapping.
    ///
    /// ## Why it matters
    /// Without remapping, uid 0 in a container is uid 0 on the host; any escape, or any host file a
    /// container can reach through a mount, is then root's. Remapping makes it an unprivileged
    /// uid.
    ///
    /// ## Example
    /// ```json
    /// {"icc": false}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"icc": false, "userns-remap": "default"}
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.9 "Enable user namespace support"
    /// - Docker documentation, "Isolate containers with a user namespace"
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static DOCKER_USERNS_REMAP = Check {
        id: "BHN076",
        slug: "docker-userns-remap-off",
        severity: Severity::Medium,
        family: Family::NodeHost,
        remediation: "set \"userns-remap\": \"default\" (or a dedicated user) in /etc/docker/daemon.json",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1611"],
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
    match spec.get("userns-remap") {
        Some(node) if node.as_str().is_some_and(|v| !v.trim().is_empty()) => {}
        Some(_) => sink.report(
            object,
            "/spec/userns-remap",
            format!("{what}: userns-remap is empty: root in a container is root on the node"),
        ),
        None => sink.report(
            object,
            "/spec",
            format!("{what}: userns-remap is not set: root in a container is root on the node"),
        ),
    }
}
