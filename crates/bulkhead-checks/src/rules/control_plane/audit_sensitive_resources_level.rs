use bulkhead_model::Object;

use crate::rules::control_plane::audit_policy::{
    failures, is_audit_policy, list_requests, probes, report_unlogged, Level, Policy, Probe,
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
    /// names, and across all namespaces) and create of TokenReviews. `Request` or
    /// `RequestResponse` is reported as high, at the rule that decides; `None`, or no
    /// matching rule, as medium.
    ///
    /// ## Why it matters
    /// At `Request` and `RequestResponse` the audit log stores request and response bodies:
    /// every Secret value read or written, every token sent for review, copied into log files
    /// and whatever log pipeline ships them, usually with far weaker access control than the
    /// Secrets themselves. At `None` reads of credentials leave no trace at all. `Metadata`
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
        let bodies = if decision.level == Level::Request {
            "request bodies"
        } else {
            "request and response bodies"
        };
        sink.report(
            object,
            &rule.level_pointer(),
            format!(
                "{} is the first rule to match these requests, so the audit log records their {bodies}, Secret values and tokens included (log them at Metadata): {}",
                rule.describe(),
                list_requests(&requests)
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
