use std::collections::BTreeMap;

use bulkhead_model::Object;

use crate::pss::{Level, Version};
use crate::rules::workload::PSS_CHECKS;
use crate::{declare_check, Compliance, Context, Family, Options, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Workloads that their own namespace's Pod Security admission labels would reject or
    /// warn about: for each `Namespace` in the scan labelled
    /// `pod-security.kubernetes.io/enforce`, `warn` or `audit` (with the matching `-version`
    /// label, `latest` when absent), every workload in that namespace is evaluated at that
    /// level and version, and one finding names the controls it fails.
    ///
    /// ## Why it matters
    /// Under `enforce`, the API server refuses the pods: a Deployment is accepted, then never
    /// gets a running replica, which surfaces as an outage rather than a review comment.
    /// Under `warn` and `audit`, the violation is only recorded; knowing it before applying is
    /// the point of tightening a namespace gradually.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: payments
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: restricted
    /// ---
    /// # a Deployment in payments without runAsNonRoot, seccomp or dropped capabilities
    /// ```
    ///
    /// Use instead: fix the workload to the namespace's level (the other BHW findings say
    /// where), or lower the namespace's level deliberately.
    ///
    /// ## References
    /// - Kubernetes documentation, "Pod Security Admission" and "Enforce Pod Security Standards with namespace labels"
    /// - CIS Kubernetes Benchmark v1.12, 5.2.1
    pub static NAMESPACE_PSS_VIOLATION = Check {
        id: "BHW020",
        slug: "namespace-pss-violation",
        severity: Severity::High,
        family: Family::Workload,
        remediation: "bring the workload to its namespace's Pod Security level (see its other findings)",
        compliance: Compliance {
            cis: &["5.2.1"],
            pss: &[],
            nsa: &["Pod security: pod security enforcement"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

const LABEL_PREFIX: &str = "pod-security.kubernetes.io/";

/// The (level, version) → modes a namespace's labels ask for, skipping `privileged`.
fn policies(namespace: &Object) -> Result<BTreeMap<(Level, Version), Vec<&'static str>>, String> {
    let mut out: BTreeMap<(Level, Version), Vec<&'static str>> = BTreeMap::new();
    for mode in ["enforce", "warn", "audit"] {
        let Some(level) = namespace.label(&format!("{LABEL_PREFIX}{mode}")) else {
            continue;
        };
        let level: Level = level.parse()?;
        let version = match namespace.label(&format!("{LABEL_PREFIX}{mode}-version")) {
            Some(v) => v.parse()?,
            None => Version::LATEST,
        };
        if level != Level::Privileged {
            out.entry((level, version)).or_default().push(mode);
        }
    }
    Ok(out)
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for namespace in cx.inventory.of_kind("Namespace") {
        let policies = match policies(namespace) {
            Ok(p) => p,
            Err(error) => {
                sink.report_with(
                    namespace,
                    "/metadata/labels",
                    Severity::Medium,
                    format!(
                        "namespace \"{}\" has an invalid Pod Security label: {error}",
                        namespace.name
                    ),
                );
                continue;
            }
        };
        for ((level, version), modes) in policies {
            let options = Options {
                pss_version: version,
                ..cx.options.clone()
            };
            let at_level = Context::new(cx.inventory, &options);
            let prefix = format!("{}:", level.as_str());
            for workload in cx.inventory.in_namespace(&namespace.name) {
                let Some(pod) = cx.pod_spec(workload) else {
                    continue;
                };
                let controls = violated_controls(&at_level, workload, &prefix);
                if controls.is_empty() {
                    continue;
                }
                let enforced = modes.contains(&"enforce");
                let subject = if workload.kind == "Pod" {
                    format!("Pod \"{}\"", workload.name)
                } else {
                    format!("the pods of {} \"{}\"", workload.kind, workload.name)
                };
                let verdict = match (enforced, workload.kind == "Pod") {
                    (true, _) => "would be rejected by",
                    (false, true) => "violates",
                    (false, false) => "violate",
                };
                let message = format!(
                    "{subject} {verdict} namespace \"{}\"'s Pod Security {} ({} {version}): {}",
                    namespace.name,
                    modes.join("/"),
                    level.as_str(),
                    controls
                        .iter()
                        .map(|c| c.trim_start_matches(&prefix))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let severity = if enforced {
                    Severity::High
                } else {
                    Severity::Low
                };
                sink.report_full(workload, pod.pointer, severity, message, controls);
            }
        }
    }
}

/// The `<level>:<control>` entries the workload fails at the context's version.
fn violated_controls(cx: &Context<'_>, workload: &Object, prefix: &str) -> Vec<String> {
    let mut findings = Vec::new();
    for check in PSS_CHECKS {
        if let Run::Object(f) = check.run {
            f(cx, workload, &mut Sink::new(check, &mut findings));
        }
    }
    let mut controls: Vec<String> = findings
        .into_iter()
        .flat_map(|f| f.pss)
        .filter(|e| e.starts_with(prefix))
        .collect();
    controls.sort();
    controls.dedup();
    controls
}
