//! RBAC: risky grants and escalation paths. The checks read the inventory through
//! `bulkhead_rbac` (roles with aggregation resolved, bindings, the escalation graph) and
//! report at the rule, subject or roleRef that carries the risk. Built-in default roles and
//! bindings are skipped unless bound to a subject that is not itself built in.

use bulkhead_rbac::{rule_allows, Rbac, Request, Role, Rule, Target};

use crate::{Check, Context, Sink};

pub mod binding_to_missing_role;
pub mod broad_subject_grant;
pub mod cluster_admin_binding;
pub mod crd_or_apiservice_write;
pub mod csr_approval;
pub mod default_service_account_binding;
pub mod events_delete;
pub mod namespace_relabel;
pub mod node_modify_and_evict;
pub mod nodes_proxy;
pub mod persistent_volume_create;
pub mod pod_creation;
pub mod pod_exec;
pub mod rbac_escalation_verbs;
pub mod rule_matches_nothing;
pub mod secrets_read;
pub mod sensitive_configmap_write;
pub mod service_account_token_create;
pub mod service_traffic_hijack;
pub mod webhook_config_write;
pub mod wildcard_rule;
pub mod workload_or_secret_delete;
pub mod workload_reaches_cluster_admin;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &cluster_admin_binding::CLUSTER_ADMIN_BINDING,
    &broad_subject_grant::BROAD_SUBJECT_GRANT,
    &wildcard_rule::WILDCARD_RULE,
    &rbac_escalation_verbs::RBAC_ESCALATION_VERBS,
    &secrets_read::SECRETS_READ,
    &pod_creation::POD_CREATION,
    &pod_exec::POD_EXEC,
    &nodes_proxy::NODES_PROXY,
    &csr_approval::CSR_APPROVAL,
    &webhook_config_write::WEBHOOK_CONFIG_WRITE,
    &service_account_token_create::SERVICE_ACCOUNT_TOKEN_CREATE,
    &persistent_volume_create::PERSISTENT_VOLUME_CREATE,
    &binding_to_missing_role::BINDING_TO_MISSING_ROLE,
    &workload_reaches_cluster_admin::WORKLOAD_REACHES_CLUSTER_ADMIN,
    &crd_or_apiservice_write::CRD_OR_APISERVICE_WRITE,
    &namespace_relabel::NAMESPACE_RELABEL,
    &service_traffic_hijack::SERVICE_TRAFFIC_HIJACK,
    &sensitive_configmap_write::SENSITIVE_CONFIGMAP_WRITE,
    &node_modify_and_evict::NODE_MODIFY_AND_EVICT,
    &rule_matches_nothing::RULE_MATCHES_NOTHING,
    &default_service_account_binding::DEFAULT_SERVICE_ACCOUNT_BINDING,
    &workload_or_secret_delete::WORKLOAD_OR_SECRET_DELETE,
    &events_delete::EVENTS_DELETE,
];

/// Roles worth reporting: written by the user, or built-in ones bound to a subject that is
/// not itself built in.
pub(crate) fn reportable_roles<'r, 'a>(rbac: &'r Rbac<'a>) -> Vec<&'r Role<'a>> {
    rbac.roles
        .iter()
        .filter(|role| role.object.is_some())
        .filter(|role| {
            !role.default
                || rbac.bindings.iter().any(|b| {
                    rbac.role_of(b).is_some_and(|r| std::ptr::eq(r, *role))
                        && b.subjects.iter().any(|(s, _)| !s.is_default())
                })
        })
        .collect()
}

/// Whether a rule is a full wildcard (`*` verbs on `*` resources): `wildcard-rule` reports
/// it once instead of every specific check.
pub(crate) fn is_full_wildcard(rule: &Rule<'_>) -> bool {
    rule.verbs.iter().any(|v| v == "*") && rule.resources.iter().any(|r| r == "*")
}

/// The first of `verbs` the rule allows on `group`/`resource`[/`sub`], for any name.
pub(crate) fn allowed_verb<'v>(
    rule: &Rule<'_>,
    verbs: &[&'v str],
    group: &str,
    resource: &str,
    sub: Option<&str>,
) -> Option<&'v str> {
    verbs.iter().copied().find(|verb| {
        rule_allows(
            rule,
            &Request {
                verb: verb.to_string(),
                target: Target::Resource {
                    group: group.into(),
                    resource: resource.into(),
                    subresource: sub.map(str::to_string),
                    name: None,
                },
                namespace: None,
            },
        )
    })
}

/// Like [`allowed_verb`], but a rule limited by `resourceNames` counts too (for resources where
/// one named object is already the risk), with the names it is limited to (empty for any).
/// Names never limit `create` of a resource or `deletecollection` (the request has no name).
pub(crate) fn allowed_verb_named<'v, 'r>(
    rule: &'r Rule<'_>,
    verbs: &[&'v str],
    group: &str,
    resource: &str,
    sub: Option<&str>,
) -> Option<(&'v str, &'r [String])> {
    verbs
        .iter()
        .copied()
        .find(|verb| {
            let request = |name: Option<&String>| Request {
                verb: verb.to_string(),
                target: Target::Resource {
                    group: group.into(),
                    resource: resource.into(),
                    subresource: sub.map(str::to_string),
                    name: name.cloned(),
                },
                namespace: None,
            };
            let nameless = (*verb == "create" && sub.is_none()) || *verb == "deletecollection";
            rule_allows(rule, &request(None))
                || (!nameless
                    && rule
                        .resource_names
                        .iter()
                        .any(|n| rule_allows(rule, &request(Some(n)))))
        })
        .map(|verb| (verb, rule.resource_names.as_slice()))
}

/// ` (only <names>)` for a rule limited by resourceNames, or nothing.
pub(crate) fn names_suffix(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!(" (only {})", names.join(", "))
    }
}

/// Runs `matches` on every rule written in a reportable role (aggregated rules are reported
/// at the role that holds them) and reports at `/rules/<i>/verbs` with the message given.
pub(crate) fn report_rules(
    cx: &Context<'_>,
    sink: &mut Sink<'_>,
    matches: impl Fn(&Rule<'_>) -> Option<String>,
) {
    let rbac = cx.rbac();
    for role in reportable_roles(rbac) {
        let Some(object) = role.object else { continue };
        for rule in role
            .rules
            .iter()
            .filter(|r| r.object.is_some_and(|o| std::ptr::eq(o, object)))
        {
            if is_full_wildcard(rule) {
                continue;
            }
            if let Some(what) = matches(rule) {
                sink.report(
                    object,
                    &format!("/rules/{}/verbs", rule.index),
                    format!("{} rule {} {what}", role.display(), rule.index),
                );
            }
        }
    }
}
