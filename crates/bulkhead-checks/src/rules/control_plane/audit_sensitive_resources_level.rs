use bulkhead_model::Object;

use crate::rules::control_plane::audit_policy::{
    failures, is_audit_policy, list_requests, probes, report_unlogged, Level, Policy, Probe,
    Request, Target,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// An audit policy that does not log access to Secrets, ConfigMaps and TokenReviews at
    /// exactly the `Metadata` level.
    ///
    /// The policy is evaluated like the API server does (first matching rule decides) for an
    /// ordinary authenticated user's get, list, watch, create, update, patch and delete of
    /// Secrets and ConfigMaps (in a namespace no rule names, in every namespace a rule
    /// names, and across all namespaces) and create of TokenReviews, at the rule that
    /// decides. Recording values is high for Secrets and TokenReviews, medium for ConfigMaps:
    /// `RequestResponse` records every body, `Request` the body of writes. `Request` for
    /// reads (no body, nothing recorded yet) is low. `None`, or no matching rule, is medium.
    ///
    /// ## Why it matters
    /// At `RequestResponse` the audit log stores request and response bodies, at `Request`
    /// request bodies: every Secret value read or written, every token sent for review,
    /// copied into log files and whatever log pipeline ships them, usually with far weaker
    /// access control than the Secrets themselves. At `None` reads of credentials leave no trace at all. `Metadata`
    /// records who touched which object, without the values.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: audit.k8s.io/v1
    /// kind: Policy
    /// rules:
    ///   - level: RequestResponse
    /// ```
    ///
    /// Use instead: a Metadata rule for these resources before the broader rules.
    /// ```yaml
    /// rules:
    ///   - level: Metadata
    ///     resources:
    ///       - group: ""
    ///         resources: ["secrets", "configmaps"]
    ///       - group: authentication.k8s.io
    ///         resources: ["tokenreviews"]
    ///   - level: RequestResponse
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 3.2.2
    /// - Kubernetes documentation, "Auditing" (audit policy)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Audit logging and threat detection: logging"
    /// - MITRE ATT&CK T1552 (Unsecured Credentials)
    pub static AUDIT_SENSITIVE_RESOURCES_LEVEL = Check {
        id: "BHC071",
        slug: "audit-sensitive-resources-level",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "log secrets, configmaps and tokenreviews at level Metadata, in a rule placed before any broader rule",
        compliance: Compliance {
            cis: &["3.2.2"],
            pss: &[],
            nsa: &["Audit logging and threat detection: logging"],
            mitre: &["T1552"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Policy"]),
    };
}

/// The requests this check needs logged at Metadata.
pub fn sensitive_probes() -> Vec<Probe> {
    let mut all = probes(
        &[
            "get", "list", "watch", "create", "update", "patch", "delete",
        ],
        "",
        &[("secrets", "", true), ("configmaps", "", true)],
    );
    all.extend(probes(
        &["create"],
        "authentication.k8s.io",
        &[("tokenreviews", "", false)],
    ));
    all
}

/// Whether the level records the request's values: every body at `RequestResponse`, the
/// request body (which only writes carry) at `Request`.
fn exposes_values(level: Level, request: &Request) -> bool {
    level == Level::RequestResponse
        || (level == Level::Request
            && matches!(request.verb.as_str(), "create" | "update" | "patch"))
}

/// What the recorded bodies of these requests contain.
fn exposed(requests: &[&Request]) -> (&'static str, Severity) {
    let on = |name: &str| {
        requests
            .iter()
            .any(|r| matches!(&r.target, Target::Resource { resource, .. } if resource == name))
    };
    match (on("secrets"), on("tokenreviews")) {
        (true, true) => ("Secret values and bearer tokens", Severity::High),
        (true, false) => ("Secret values", Severity::High),
        (false, true) => ("bearer tokens", Severity::High),
        (false, false) => (
            "ConfigMap contents (which often hold credentials)",
            Severity::Medium,
        ),
    }
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if !is_audit_policy(object) {
        return;
    }
    let policy = Policy::read(object);
    let probes = sensitive_probes();
    for (rule, decision, requests) in failures(&policy, &probes, |d| d.level > Level::Metadata) {
        let Some(rule) = rule.map(|i| &policy.rules[i]) else {
            continue;
        };
        let leaking: Vec<&Request> = requests
            .iter()
            .filter(|r| exposes_values(decision.level, r))
            .collect();
        if leaking.is_empty() {
            // `Request` for requests without a body: nothing is exposed yet, but the rule is
            // one edit (a verb, a level) away from it, and CIS asks for Metadata.
            sink.report_with(
                object,
                &rule.level_pointer(),
                Severity::Low,
                format!(
                    "{} is the first rule to match these requests, which carry no request body, so no value is recorded yet; log them at Metadata: {}",
                    rule.describe(),
                    list_requests(&requests)
                ),
            );
            continue;
        }
        let (what, severity) = exposed(&leaking);
        let bodies = if decision.level == Level::Request {
            "request bodies"
        } else {
            "request and response bodies"
        };
        let leaking: Vec<Request> = leaking.into_iter().cloned().collect();
        sink.report_with(
            object,
            &rule.level_pointer(),
            severity,
            format!(
                "{} is the first rule to match these requests, so the audit log records {what} from their {bodies} (log them at Metadata): {}",
                rule.describe(),
                list_requests(&leaking)
            ),
        );
    }
    report_unlogged(
        sink,
        &policy,
        &probes,
        "reads and changes of Secrets, ConfigMaps and TokenReviews",
        Severity::Medium,
    );
}

#[cfg(test)]
mod tests {
    use bulkhead_model::{load_text, Inventory, Limits};

    use crate::{run_checks, Options, Severity};

    use super::AUDIT_SENSITIVE_RESOURCES_LEVEL;

    fn severities(rules: &str) -> Vec<(Severity, String)> {
        let text = format!("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n{rules}");
        let loaded = load_text("p.yaml", &text, &Limits::default());
        let inventory = Inventory::new(loaded.objects);
        run_checks(
            &inventory,
            &[&AUDIT_SENSITIVE_RESOURCES_LEVEL],
            &Options::default(),
        )
        .into_iter()
        .map(|f| (f.severity, f.location.pointer))
        .collect()
    }

    #[test]
    fn request_level_for_requests_without_a_body_is_low() {
        let found = severities(
            "- level: Request\n  verbs: [get, list, watch, delete]\n- level: Metadata\n",
        );
        assert_eq!(found, vec![(Severity::Low, "/rules/0/level".to_string())]);
    }

    #[test]
    fn request_response_for_configmaps_only_is_medium() {
        let found = severities(
            "- level: Metadata\n  resources: [{group: '', resources: [secrets]}, {group: authentication.k8s.io, resources: [tokenreviews]}]\n- level: RequestResponse\n",
        );
        assert_eq!(
            found,
            vec![(Severity::Medium, "/rules/1/level".to_string())]
        );
    }
}
