use crate::rules::rbac::{allowed_verb_named, is_full_wildcard, reportable_roles};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Roles that allow both patch or update on Nodes and deleting or evicting pods, in the same
    /// rule or across their rules.
    ///
    /// ## Why it matters
    /// Taints and labels decide where pods are scheduled. Whoever can taint every other node (or
    /// label a node of their own to match a node selector) and then delete or evict a pod makes it
    /// start again on the node they control, with its service-account token and secrets: pod
    /// stealing.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["nodes"]
    ///     verbs: ["get", "patch"]
    ///   - apiGroups: [""]
    ///     resources: ["pods/eviction"]
    ///     verbs: ["create"]
    /// ```
    ///
    /// Use instead: split node maintenance from pod management, and give node patching only to
    /// the node lifecycle tooling.
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["nodes"]
    ///     verbs: ["get", "list", "watch"]
    ///   - apiGroups: [""]
    ///     resources: ["pods/eviction"]
    ///     verbs: ["create"]
    /// ```
    ///
    /// ## References
    /// - MITRE ATT&CK T1078 (Valid Accounts)
    /// - Kubernetes documentation, "RBAC good practices", Escalation risks
    pub static NODE_MODIFY_AND_EVICT = Check {
        id: "BHR019",
        slug: "node-modify-and-evict",
        severity: Severity::Medium,
        family: Family::Rbac,
        remediation: "do not combine patch or update on nodes with delete or eviction of pods in one role; keep node changes to the node lifecycle tooling",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1078"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let rbac = cx.rbac();
    for role in reportable_roles(rbac) {
        let Some(object) = role.object else { continue };
        let rules: Vec<_> = role
            .rules
            .iter()
            .filter(|r| r.object.is_some_and(|o| std::ptr::eq(o, object)))
            .filter(|r| !is_full_wildcard(r))
            .collect();
        let node = rules.iter().find_map(|rule| {
            allowed_verb_named(rule, &["patch", "update"], "", "nodes", None)
                .map(|(v, _)| (rule.index, v))
        });
        let pod = rules.iter().find_map(|rule| {
            allowed_verb_named(rule, &["delete", "deletecollection"], "", "pods", None)
                .map(|(v, _)| (rule.index, format!("{v} on pods")))
                .or_else(|| {
                    allowed_verb_named(rule, &["create"], "", "pods", Some("eviction"))
                        .map(|_| (rule.index, "create on pods/eviction".to_string()))
                })
        });
        let (Some((node_index, node_verb)), Some((pod_index, pod_what))) = (node, pod) else {
            continue;
        };
        let rules = if node_index == pod_index {
            format!("rule {node_index} allows")
        } else {
            format!("rules {node_index} and {pod_index} allow")
        };
        sink.report(
            object,
            &format!("/rules/{}/verbs", node_index.min(pod_index)),
            format!(
                "{} {rules} {node_verb} on nodes and {pod_what}: tainting nodes and evicting pods moves them onto a node of one's choice",
                role.display()
            ),
        );
    }
}
