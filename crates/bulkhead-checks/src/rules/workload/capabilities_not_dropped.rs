use bulkhead_model::{Node, Object};

use crate::pss::BASELINE_CAPABILITIES;
use crate::rules::common::{describe, is_windows};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers that do not drop all Linux capabilities (`capabilities.drop: ["ALL"]`), or
    /// that add back a default capability other than `NET_BIND_SERVICE`: the Pod Security
    /// Standards' restricted `capabilities_restricted` control (from v1.22; Windows pods are
    /// exempt from v1.25). Capabilities outside the default set are reported by BHW007.
    /// Pod Security admission compares the exact string `ALL`: `drop: ["all"]` is reported
    /// with that reason, since the restricted level rejects it.
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
        remediation: "set securityContext.capabilities.drop: [\"ALL\"] and add back at most NET_BIND_SERVICE",
        compliance: Compliance {
            cis: &["5.2.9"],
            pss: &["restricted:capabilities_restricted"],
            nsa: &["Pod security: non-root containers and privileges"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(pss)) = (
        cx.pod_spec(object),
        cx.pss_entries("capabilities_restricted"),
    ) else {
        return;
    };
    if is_windows(&pod) && cx.options.pss_version.at_least(25) {
        return;
    }
    for container in pod.containers() {
        let capabilities = container
            .security_context()
            .and_then(|sc| sc.get("capabilities"));
        let drops = capabilities
            .and_then(|c| c.get("drop"))
            .map(Node::as_seq)
            .unwrap_or(&[]);
        let drops_all = drops.iter().any(|c| c.as_str() == Some("ALL"));
        // `all` or `All`: Pod Security admission compares the exact string.
        let misspelled = drops.iter().enumerate().find_map(|(i, c)| {
            c.as_str()
                .filter(|s| s.eq_ignore_ascii_case("ALL"))
                .map(|s| (i, s))
        });
        match (drops_all, misspelled) {
            (true, _) => {}
            (false, Some((i, spelling))) => sink.report_pss(
                object,
                &container.pointer_to(&format!("securityContext/capabilities/drop/{i}")),
                format!(
                    "{} drops \"{spelling}\", but Pod Security admission needs the exact spelling \"ALL\"",
                    describe(&container)
                ),
                pss.clone(),
            ),
            (false, None) => sink.report_pss(
                object,
                &container.pointer_to("securityContext/capabilities/drop"),
                format!("{} does not drop ALL capabilities", describe(&container)),
                pss.clone(),
            ),
        }
        let added = capabilities
            .and_then(|c| c.get("add"))
            .map(Node::as_seq)
            .unwrap_or(&[]);
        for (i, cap) in added.iter().enumerate() {
            let name = cap.scalar_text().unwrap_or_default();
            // Capabilities outside the default set are BHW007's, with this level included.
            if name == "NET_BIND_SERVICE" || !BASELINE_CAPABILITIES.contains(&name.as_str()) {
                continue;
            }
            sink.report_pss(
                object,
                &container.pointer_to(&format!("securityContext/capabilities/add/{i}")),
                format!(
                    "{} adds {name}; the restricted level allows adding only NET_BIND_SERVICE",
                    describe(&container)
                ),
                pss.clone(),
            );
        }
    }
}
