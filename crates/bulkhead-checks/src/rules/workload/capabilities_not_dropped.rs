use bulkhead_model::{Node, Object, PodSpec};

use crate::rules::common::{describe, is_windows};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers that do not drop all Linux capabilities (`capabilities.drop: ["ALL"]`).
    ///
    /// ## Why it matters
    /// Container runtimes grant a default set of capabilities, including `NET_RAW`,
    /// `DAC_OVERRIDE`, `SETUID` and `CHOWN`, that most applications never use. Dropping all of
    /// them, then adding back only what is needed, shrinks what an attacker inherits.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: ["NET_RAW"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: ["ALL"]
    /// ```
    ///
    /// ## References
    /// - Pod Security Standards, restricted, "Capabilities"
    /// - CIS Kubernetes Benchmark v1.12, 5.2.9
    pub static CAPABILITIES_NOT_DROPPED = Check {
        id: "BHW008",
        slug: "capabilities-not-dropped",
        severity: Severity::Low,
        family: Family::Workload,
        remediation: "add securityContext.capabilities.drop: [\"ALL\"] and add back only what the container needs",
        compliance: Compliance {
            cis: &["5.2.9"],
            pss: &["restricted:capabilities_restricted"],
            nsa: &["Pod security: non-root containers and privileges"],
            mitre: &[],
        },
        run: Run::Object(check),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = PodSpec::of(object) else {
        return;
    };
    if is_windows(&pod) {
        return;
    }
    for container in pod.containers() {
        let drops_all = container
            .security_context()
            .and_then(|sc| sc.path(&["capabilities", "drop"]))
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::as_str)
            .any(|c| c.eq_ignore_ascii_case("ALL") || c.eq_ignore_ascii_case("CAP_ALL"));
        if !drops_all {
            sink.report(
                object,
                &container.pointer_to("securityContext/capabilities/drop"),
                format!("{} does not drop all capabilities", describe(&container)),
            );
        }
    }
}
