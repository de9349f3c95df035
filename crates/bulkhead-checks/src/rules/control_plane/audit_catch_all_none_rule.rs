use std::collections::BTreeSet;

use bulkhead_model::Object;

use crate::rules::control_plane::audit_pod_creation_not_logged::pod_creation_probes;
use crate::rules::control_plane::audit_pod_exec_not_logged::exec_probes;
use crate::rules::control_plane::audit_policy::{
    is_audit_policy, list_requests, requests, Level, Policy,
};
use crate::rules::control_plane::audit_rbac_changes_not_logged::rbac_probes;
use crate::rules::control_plane::audit_sensitive_resources_level::sensitive_probes;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A catch-all `level: None` rule in an audit policy placed before rules that would log
    /// security-relevant requests.
    ///
    /// A rule with no selector (no users, userGroups, verbs, resources, namespaces or
    /// nonResourceURLs) matches every request that reaches it, so every rule after it is
    /// dead. It is reported when it takes a request the other audit-policy checks need
    /// logged (Secret, ConfigMap and TokenReview access, exec/attach/port-forward, RBAC
    /// changes, pod creation) away from a later rule that would have logged it. The finding
    /// points at the catch-all rule's level and names the requests it silences.
    ///
    /// ## Why it matters
    /// Policies are often built by adding rules at the end. After a catch-all `None` those
    /// rules never apply: the policy reads as if it logged exec or RBAC changes, while the
    /// API server drops them. BHC071–BHC074 report the unlogged requests; this finding says
    /// that the order of the rules is the cause.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - level: None
    ///   - level: Metadata
    ///     resources:
    ///       - group: ""
    ///         resources: ["pods/exec", "pods/attach", "pods/portforward"]
    /// ```
    ///
    /// Use instead: put the specific rules first and end with a catch-all that logs.
    /// ```yaml
    /// rules:
    ///   - level: Metadata
    ///     resources:
    ///       - group: ""
    ///         resources: ["pods/exec", "pods/attach", "pods/portforward"]
    ///   - level: Metadata
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 3.2.2
    /// - Kubernetes documentation, "Auditing" (audit policy: the first matching rule sets the level)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Audit logging and threat detection: logging"
    pub static AUDIT_CATCH_ALL_NONE_RULE = Check {
        id: "BHC075",
        slug: "audit-catch-all-none-rule",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "move the catch-all `level: None` rule after the rules that log security-relevant requests, or remove it",
        compliance: Compliance {
            cis: &["3.2.2"],
            pss: &[],
            nsa: &["Audit logging and threat detection: logging"],
            mitre: &[],
        },
        run: Run::Object(check),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if !is_audit_policy(object) {
        return;
    }
    let policy = Policy::read(object);
    let probes: Vec<_> = [
        sensitive_probes(),
        exec_probes(),
        rbac_probes(),
        pod_creation_probes(),
    ]
    .into_iter()
    .flatten()
    .collect();
    for rule in &policy.rules {
        if !rule.is_catch_all() || rule.level != Level::None {
            continue;
        }
        let mut silenced = Vec::new();
        let mut later_rules = BTreeSet::new();
        for probe in &probes {
            for request in requests(&policy, probe) {
                if policy.decide(&request).rule != Some(rule.index) {
                    continue;
                }
                let later = policy.decide_from(rule.index + 1, &request);
                if let (true, Some(later_rule)) = (later.is_logged(), later.rule) {
                    silenced.push(request);
                    later_rules.insert(later_rule);
                }
            }
        }
        if silenced.is_empty() {
            continue;
        }
        let later: Vec<String> = later_rules.iter().map(usize::to_string).collect();
        let noun = if later.len() == 1 { "rule" } else { "rules" };
        sink.report(
            object,
            &rule.level_pointer(),
            format!(
                "{} has no selector: it matches every request not matched above, so the rules after it never apply; it silences requests that {noun} {} would log: {}",
                rule.describe(),
                later.join(", "),
                list_requests(&silenced)
            ),
        );
    }
}
