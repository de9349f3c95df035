use bulkhead_model::Object;

use crate::rules::node_host::facts::{boolean, describe_config, spec_of};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Docker's `no-new-privileges` not true in `daemon.json`: containers may gain privileges
    /// through setuid and setgid programs unless each asks otherwise.
    ///
    /// ## Why it matters
    /// A setuid binary in an image (or written into a writable layer) turns an unprivileged
    /// process into root inside the container. `no-new-privileges` closes that path for every
    /// container by default.
    ///
    /// ## Example
    /// ```json
    /// {"icc": false}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"icc": false, "no-new-privileges": true}
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.14 "Ensure containers are restricted from acquiring new
    ///   privileges"
    /// - MITRE ATT&CK T1068 (Exploitation for Privilege Escalation)
    pub static DOCKER_NO_NEW_PRIVILEGES = Check {
        id: "BHN077",
        slug: "docker-no-new-privileges-off",
        severity: Severity::Medium,
        family: Family::NodeHost,
        remediation: "set \"no-new-privileges\": true in /etc/docker/daemon.json",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1068"],
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
    match spec.get("no-new-privileges") {
    Some(node) if boolean(node) == Some(true) => {}
    Some(_) => sink.report(object, "/spec/no-new-privileges", format!("{what}: no-new-privileges is not true: processes in containers may gain privileges through setuid programs")),
    None => sink.report(object, "/spec", format!("{what}: no-new-privileges is not set: processes in containers may gain privileges through setuid programs")),
}
}
