use bulkhead_rbac::vocabulary::{
    group_name, groups_of, is_builtin_group, is_known_verb, resource_meant, subresources_of,
    verb_meant,
};
use bulkhead_rbac::Rule;

use crate::rules::rbac::reportable_roles;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Parts of RBAC rules that match no request, with what the author probably meant:
    /// resources written `pods/*` or `nodes/*` (RBAC knows only `*` and `*/<subresource>`, so
    /// these grant no subresource at all), verbs the API server never asks about (`read`,
    /// `Get`), and resources named under a built-in API group that does not serve them (`pods`
    /// under `apps`, `deployment` for `deployments`). Custom API groups are not judged.
    ///
    /// ## Why it matters
    /// The rule does not do what its author believes. `pods/*` is usually written to grant exec,
    /// logs or port-forward and grants none of them; the workload fails at run time and someone
    /// widens the rule to `*` in a hurry. A reviewer (and some scanners) reading the rule the
    /// way the author did also misjudges what it grants: `bulkhead rbac who-can` answers from
    /// what the API server matches.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods/*"]
    ///     verbs: ["read"]
    ///   - apiGroups: ["apps"]
    ///     resources: ["pods"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// Use instead: name each subresource, the real verbs, and the group that serves the
    /// resource.
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods", "pods/log"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Using RBAC Authorization", Referring to resources
    /// - Kubernetes source, RBAC `ResourceMatches` (only `*` and `*/subresource` are wildcards)
    pub static RULE_MATCHES_NOTHING = Check {
        id: "BHR020",
        slug: "rule-matches-nothing",
        severity: Severity::Info,
        family: Family::Rbac,
        remediation: "name the subresources, verbs and API groups the API server actually uses",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let rbac = cx.rbac();
    for role in reportable_roles(rbac) {
        let Some(object) = role.object else { continue };
        for rule in role
            .rules
            .iter()
            .filter(|r| r.object.is_some_and(|o| std::ptr::eq(o, object)))
        {
            let prefix = format!("{} rule {}", role.display(), rule.index);
            for (pointer, what) in problems(rule) {
                sink.report(
                    object,
                    &format!("/rules/{}/{pointer}", rule.index),
                    format!("{prefix}: {what}"),
                );
            }
        }
    }
}

/// Each part of the rule that matches nothing: (pointer below the rule, explanation).
fn problems(rule: &Rule<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !rule.non_resource_urls.is_empty() && rule.resources.is_empty() {
        unknown_verbs(rule, &mut out);
        return out;
    }
    for (j, resource) in rule.resources.iter().enumerate() {
        if let Some((base, "*")) = resource.split_once('/') {
            let what = if base == "*" {
                format!("{resource:?} matches no subresource (only a subresource literally named \"*\"); \"*\" alone already covers every resource and subresource")
            } else {
                let subs = subresources_of(base);
                let meant = if subs.is_empty() {
                    format!("name each subresource meant ({base}/<subresource>)")
                } else {
                    let list: Vec<String> = subs.iter().map(|s| format!("{base}/{s}")).collect();
                    format!("name the subresources meant, e.g. {}", list.join(", "))
                };
                format!("{resource:?} grants no subresource at all (RBAC knows only \"*\" and \"*/<subresource>\" as wildcards); {meant}")
            };
            out.push((format!("resources/{j}"), what));
        }
    }
    let judged = !rule.api_groups.is_empty()
        && rule
            .api_groups
            .iter()
            .all(|g| g != "*" && is_builtin_group(g));
    if !judged {
        return out;
    }
    unknown_verbs(rule, &mut out);
    for (j, resource) in rule.resources.iter().enumerate() {
        let base = resource
            .split_once('/')
            .map_or(resource.as_str(), |(b, _)| b);
        if base == "*" {
            continue;
        }
        let in_groups = rule
            .api_groups
            .iter()
            .map(|g| group_name(g))
            .collect::<Vec<_>>()
            .join(", ");
        match groups_of(base) {
            Some(groups) => {
                if rule.api_groups.iter().any(|g| groups.contains(&g.as_str())) {
                    continue;
                }
                let homes: Vec<String> = groups.iter().map(|g| group_name(g)).collect();
                out.push((
                    format!("resources/{j}"),
                    format!(
                        "{base:?} is not served by {in_groups}, so the rule grants nothing on it; it is in {}",
                        homes.join(" or ")
                    ),
                ));
            }
            None => {
                if let Some(meant) = resource_meant(base) {
                    out.push((
                        format!("resources/{j}"),
                        format!(
                            "{base:?} is not a resource of {in_groups}, so the rule grants nothing on it; probably meant {meant:?}"
                        ),
                    ));
                }
            }
        }
    }
    out
}

fn unknown_verbs(rule: &Rule<'_>, out: &mut Vec<(String, String)>) {
    for (j, verb) in rule.verbs.iter().enumerate() {
        if is_known_verb(verb) {
            continue;
        }
        let meant = match verb_meant(verb) {
            Some(meant) => format!("probably meant {meant}"),
            None => "the API server never asks about it".to_string(),
        };
        out.push((
            format!("verbs/{j}"),
            format!("{verb:?} is not a Kubernetes verb, so it grants nothing; {meant}"),
        ));
    }
}
