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
        reads: crate::Reads::Kinds(&["Policy"]),
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

#[cfg(test)]
mod tests {
    use bulkhead_model::{load_text, Inventory, Limits};

    use crate::rules::control_plane::audit_pod_creation_not_logged::AUDIT_POD_CREATION_NOT_LOGGED;
    use crate::rules::control_plane::audit_pod_exec_not_logged::AUDIT_POD_EXEC_NOT_LOGGED;
    use crate::rules::control_plane::audit_rbac_changes_not_logged::AUDIT_RBAC_CHANGES_NOT_LOGGED;
    use crate::rules::control_plane::audit_sensitive_resources_level::AUDIT_SENSITIVE_RESOURCES_LEVEL;
    use crate::{run_checks, Options};

    use super::AUDIT_CATCH_ALL_NONE_RULE;

    /// The ids and pointers of the audit-policy findings for a policy document.
    fn findings(text: &str) -> Vec<(&'static str, String)> {
        let loaded = load_text("p.yaml", text, &Limits::default());
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let inventory = Inventory::new(loaded.objects);
        let mut found: Vec<(&'static str, String)> = run_checks(
            &inventory,
            &[
                &AUDIT_SENSITIVE_RESOURCES_LEVEL,
                &AUDIT_POD_EXEC_NOT_LOGGED,
                &AUDIT_RBAC_CHANGES_NOT_LOGGED,
                &AUDIT_POD_CREATION_NOT_LOGGED,
                &AUDIT_CATCH_ALL_NONE_RULE,
            ],
            &Options::default(),
        )
        .into_iter()
        .map(|f| (f.check.id, f.location.pointer))
        .collect();
        found.sort();
        found
    }

    fn at(ids: &[&'static str], pointer: &str) -> Vec<(&'static str, String)> {
        ids.iter().map(|id| (*id, pointer.to_string())).collect()
    }

    const POLICY: &str = "apiVersion: audit.k8s.io/v1\nkind: Policy\n";

    #[test]
    fn a_lone_catch_all_none_is_reported_by_the_request_checks_only() {
        let found = findings(&format!("{POLICY}rules:\n- level: None\n"));
        assert_eq!(
            found,
            at(&["BHC071", "BHC072", "BHC073", "BHC074"], "/rules/0/level")
        );
    }

    #[test]
    fn a_catch_all_none_before_logging_rules_is_reported_as_the_cause() {
        let found = findings(&format!(
            "{POLICY}rules:\n- level: None\n- level: Metadata\n"
        ));
        assert_eq!(
            found,
            at(
                &["BHC071", "BHC072", "BHC073", "BHC074", "BHC075"],
                "/rules/0/level"
            )
        );
    }

    #[test]
    fn a_final_catch_all_none_after_the_needed_rules_is_fine() {
        let found = findings(&format!(
            "{POLICY}rules:\n- level: Metadata\n  resources: [{{group: '', resources: [secrets, configmaps, pods/exec, pods/attach, pods/portforward]}}, {{group: authentication.k8s.io, resources: [tokenreviews]}}]\n- level: RequestResponse\n  verbs: [create, update, patch, delete, deletecollection]\n  resources: [{{group: rbac.authorization.k8s.io}}, {{group: '', resources: [pods]}}]\n- level: None\n"
        ));
        assert_eq!(found, vec![]);
    }

    #[test]
    fn omitting_every_recording_stage_is_not_logging() {
        let found = findings(&format!(
            "{POLICY}omitStages: [RequestReceived, ResponseStarted, ResponseComplete]\nrules:\n- level: Metadata\n"
        ));
        assert_eq!(
            found,
            at(&["BHC071", "BHC072", "BHC073", "BHC074"], "/omitStages")
        );
    }

    #[test]
    fn policies_of_other_groups_are_not_audit_policies() {
        let found = findings("apiVersion: kyverno.io/v1\nkind: Policy\nmetadata: {name: p, namespace: ns}\nspec: {rules: []}\n");
        assert_eq!(found, vec![]);
    }
}
