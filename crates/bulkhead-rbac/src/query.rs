//! Requests, the rule matcher (the upstream RBAC authorizer's semantics), who-can and what-can.

use std::collections::BTreeMap;

use bulkhead_model::Location;
use serde::Serialize;

use crate::defaults::MASTERS;
use crate::model::{Binding, BindingKind, Rbac, Role, Rule, Subject};

/// Resources that have no namespace: only ClusterRoleBindings grant them.
const CLUSTER_SCOPED: &[&str] = &[
    "nodes",
    "namespaces",
    "persistentvolumes",
    "clusterroles",
    "clusterrolebindings",
    "customresourcedefinitions",
    "certificatesigningrequests",
    "mutatingwebhookconfigurations",
    "validatingwebhookconfigurations",
    "validatingadmissionpolicies",
    "validatingadmissionpolicybindings",
    "mutatingadmissionpolicies",
    "mutatingadmissionpolicybindings",
    "storageclasses",
    "apiservices",
    "priorityclasses",
    "csidrivers",
    "csinodes",
    "runtimeclasses",
    "ingressclasses",
    "volumeattachments",
    "tokenreviews",
    "subjectaccessreviews",
    "selfsubjectaccessreviews",
    "selfsubjectrulesreviews",
];

pub fn is_cluster_scoped(resource: &str) -> bool {
    CLUSTER_SCOPED.contains(&resource)
}

/// The API group of a well-known resource, for requests written without one.
pub fn default_group(resource: &str) -> &'static str {
    match resource {
        "deployments" | "daemonsets" | "statefulsets" | "replicasets" | "controllerrevisions" => {
            "apps"
        }
        "jobs" | "cronjobs" => "batch",
        "roles" | "rolebindings" | "clusterroles" | "clusterrolebindings" => {
            "rbac.authorization.k8s.io"
        }
        "certificatesigningrequests" => "certificates.k8s.io",
        "mutatingwebhookconfigurations"
        | "validatingwebhookconfigurations"
        | "validatingadmissionpolicies"
        | "validatingadmissionpolicybindings" => "admissionregistration.k8s.io",
        "customresourcedefinitions" => "apiextensions.k8s.io",
        "apiservices" => "apiregistration.k8s.io",
        "networkpolicies" | "ingresses" | "ingressclasses" => "networking.k8s.io",
        "storageclasses" | "csidrivers" | "csinodes" | "volumeattachments" => "storage.k8s.io",
        "poddisruptionbudgets" => "policy",
        "horizontalpodautoscalers" => "autoscaling",
        "priorityclasses" => "scheduling.k8s.io",
        "runtimeclasses" => "node.k8s.io",
        "endpointslices" => "discovery.k8s.io",
        "leases" => "coordination.k8s.io",
        "tokenreviews" => "authentication.k8s.io",
        "subjectaccessreviews" | "selfsubjectaccessreviews" | "selfsubjectrulesreviews" => {
            "authorization.k8s.io"
        }
        _ => "",
    }
}

/// What is asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Target {
    Resource {
        group: String,
        resource: String,
        subresource: Option<String>,
        name: Option<String>,
    },
    NonResource {
        path: String,
    },
}

/// One API request, as the authorizer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub verb: String,
    pub target: Target,
    /// The namespace of a namespaced request; `None` for cluster-scoped resources, requests
    /// across all namespaces, and non-resource URLs.
    pub namespace: Option<String>,
}

impl Request {
    /// `verb` on `resource` (`secrets`, `pods/exec`, `deployments.apps`, `/healthz` for a
    /// non-resource URL), optionally in a namespace and for one name.
    pub fn parse(
        verb: &str,
        resource: &str,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> Result<Request, String> {
        if verb.is_empty() || resource.is_empty() {
            return Err("a request needs a verb and a resource".into());
        }
        if resource.starts_with('/') {
            return Ok(Request {
                verb: verb.to_string(),
                target: Target::NonResource {
                    path: resource.to_string(),
                },
                namespace: None,
            });
        }
        let (resource_part, subresource) = match resource.split_once('/') {
            Some((r, s)) => (r, Some(s.to_string())),
            None => (resource, None),
        };
        let (resource_name, group) = match resource_part.split_once('.') {
            Some((r, g)) => (r, g.to_string()),
            None => (resource_part, default_group(resource_part).to_string()),
        };
        let namespace = if is_cluster_scoped(resource_name) {
            None
        } else {
            namespace.map(str::to_string)
        };
        Ok(Request {
            verb: verb.to_string(),
            target: Target::Resource {
                group,
                resource: resource_name.to_string(),
                subresource,
                name: name.map(str::to_string),
            },
            namespace,
        })
    }

    pub fn resource(verb: &str, group: &str, resource: &str, namespace: Option<&str>) -> Self {
        Request {
            verb: verb.into(),
            target: Target::Resource {
                group: group.into(),
                resource: resource.into(),
                subresource: None,
                name: None,
            },
            namespace: namespace.map(str::to_string),
        }
    }

    fn is_cluster_wide(&self) -> bool {
        match &self.target {
            Target::NonResource { .. } => true,
            Target::Resource { resource, .. } => {
                self.namespace.is_none() || is_cluster_scoped(resource)
            }
        }
    }
}

/// Whether a rule allows a request (upstream `RuleAllows`).
pub fn rule_allows(rule: &Rule<'_>, request: &Request) -> bool {
    if !matches_verb(&rule.verbs, &request.verb) {
        return false;
    }
    match &request.target {
        Target::NonResource { path } => rule.non_resource_urls.iter().any(|u| url_matches(u, path)),
        Target::Resource {
            group,
            resource,
            subresource,
            name,
        } => {
            rule.api_groups.iter().any(|g| g == "*" || g == group)
                && resource_matches(&rule.resources, resource, subresource.as_deref())
                && (rule.resource_names.is_empty()
                    || name
                        .as_ref()
                        .is_some_and(|n| rule.resource_names.iter().any(|r| r == n)))
        }
    }
}

fn matches_verb(verbs: &[String], verb: &str) -> bool {
    verbs.iter().any(|v| v == "*" || v == verb)
}

fn resource_matches(rule_resources: &[String], resource: &str, subresource: Option<&str>) -> bool {
    rule_resources.iter().any(|r| {
        if r == "*" {
            return true;
        }
        match subresource {
            None => r == resource,
            Some(sub) => {
                r.strip_prefix("*/") == Some(sub) || r.split_once('/') == Some((resource, sub))
            }
        }
    })
}

fn url_matches(rule: &str, path: &str) -> bool {
    rule == "*"
        || rule == path
        || rule
            .strip_suffix('*')
            .is_some_and(|prefix| path.starts_with(prefix))
}

/// Whether a binding's scope covers a request: ClusterRoleBindings everywhere; RoleBindings
/// only for namespaced requests in their own namespace.
pub fn binding_covers(binding: &Binding<'_>, request: &Request) -> bool {
    match binding.kind {
        BindingKind::ClusterRoleBinding => true,
        BindingKind::RoleBinding => {
            !request.is_cluster_wide()
                && binding.namespace.is_some()
                && binding.namespace == request.namespace
        }
    }
}

/// Evidence for a grant: the binding (and the subject entry in it), the role, the rule.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub binding: String,
    pub binding_location: Location,
    pub role: String,
    /// `None` when the role does not exist in the inputs.
    pub rule_index: Option<usize>,
    /// The role holding the rule (differs from `role` for aggregated rules).
    pub rule_role: Option<String>,
    pub rule: Option<String>,
    /// `None` for a rule of a built-in role this tool supplies.
    pub rule_location: Option<Location>,
    /// Whether the binding and role are built-in defaults.
    pub default: bool,
}

impl Evidence {
    pub fn new(
        binding: &Binding<'_>,
        subject_index: usize,
        role: &str,
        rule: Option<&Rule<'_>>,
    ) -> Self {
        Evidence {
            binding: binding.display(),
            binding_location: binding.subject_location(subject_index),
            role: role.to_string(),
            rule_index: rule.map(|r| r.index),
            rule_role: rule.map(|r| r.origin_role.clone()),
            rule: rule.map(Rule::summary),
            rule_location: rule.and_then(Rule::location),
            default: binding.default,
        }
    }
}

/// One answer to who-can: a subject and why it may (or, when partial, might) do it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    pub subject: Subject,
    /// The subject is a service account that the inputs do not declare.
    pub subject_missing: bool,
    pub evidence: Evidence,
    /// Set when the answer is incomplete: the role does not exist, so whoever creates it
    /// decides what this binding grants.
    pub partial: Option<String>,
    /// Notes: who a group contains, that a namespace is unset.
    pub notes: Vec<String>,
}

/// Options for the queries.
#[derive(Clone, Copy, Debug, Default)]
pub struct QueryOptions {
    /// Include the grants of built-in default bindings to built-in subjects.
    pub include_defaults: bool,
}

/// Whether a grant is noise by default: a built-in binding to a built-in subject.
fn is_default_grant(binding: &Binding<'_>, role: Option<&Role<'_>>, subject: &Subject) -> bool {
    (binding.default || role.is_some_and(|r| r.default && r.name.starts_with("system:")))
        && subject.is_default()
}

impl<'a> Rbac<'a> {
    /// Every subject a request is granted to, with the binding, role and rule that grant it;
    /// bindings whose role is missing come back as partial answers.
    pub fn who_can(&self, request: &Request, options: QueryOptions) -> Vec<Grant> {
        let mut out = Vec::new();
        for binding in self.bindings.iter().filter(|b| !b.shadowed) {
            if binding.is_invalid() || !binding_covers(binding, request) {
                continue;
            }
            let role = self.role_of(binding);
            let rule = role.and_then(|r| r.rules.iter().find(|rule| rule_allows(rule, request)));
            if role.is_some() && rule.is_none() {
                continue;
            }
            for (subject, index) in &binding.subjects {
                if !options.include_defaults && is_default_grant(binding, role, subject) {
                    continue;
                }
                out.push(self.grant(binding, subject, *index, role, rule));
            }
        }
        out.sort_by(|a, b| {
            (a.partial.is_some(), &a.subject, &a.evidence.binding).cmp(&(
                b.partial.is_some(),
                &b.subject,
                &b.evidence.binding,
            ))
        });
        out
    }

    fn grant(
        &self,
        binding: &Binding<'_>,
        subject: &Subject,
        index: usize,
        role: Option<&Role<'_>>,
        rule: Option<&Rule<'_>>,
    ) -> Grant {
        let role_name = role.map_or_else(|| binding.role_display(), Role::display);
        let mut notes = Vec::new();
        if let Subject::Group { name } = subject {
            notes.extend(group_note(name));
        }
        if binding.kind == BindingKind::RoleBinding && binding.namespace.is_none() {
            notes.push(
                "the RoleBinding has no metadata.namespace: it grants in whatever namespace it is applied to"
                    .into(),
            );
        }
        let subject_missing = match subject {
            Subject::ServiceAccount { namespace, name } => {
                !self.service_account_exists(namespace.as_deref(), name)
            }
            _ => false,
        };
        Grant {
            subject: subject.clone(),
            subject_missing,
            evidence: Evidence::new(binding, index, &role_name, rule),
            partial: role.is_none().then(|| {
                format!(
                    "{} does not exist: whoever creates it decides what this binding grants",
                    binding.role_display()
                )
            }),
            notes,
        }
    }

    /// Everything a subject may do, per namespace (`*` for cluster-wide grants), counting the
    /// groups it is a member of.
    pub fn what_can(&self, subject: &Subject, options: QueryOptions) -> WhatCan {
        let groups = subject.implicit_groups();
        let mut scopes: BTreeMap<String, Vec<Grant>> = BTreeMap::new();
        for binding in self
            .bindings
            .iter()
            .filter(|b| !b.shadowed && !b.is_invalid())
        {
            let role = self.role_of(binding);
            for (bound, index) in &binding.subjects {
                let via = if bound == subject {
                    None
                } else if let Subject::Group { name } = bound {
                    if groups.contains(name) {
                        Some(name.clone())
                    } else {
                        continue;
                    }
                } else {
                    continue;
                };
                if !options.include_defaults && is_default_grant(binding, role, bound) {
                    continue;
                }
                let scope = match binding.kind {
                    BindingKind::ClusterRoleBinding => "*".to_string(),
                    BindingKind::RoleBinding => binding
                        .namespace
                        .clone()
                        .unwrap_or_else(|| "<applied-namespace>".into()),
                };
                let entry = scopes.entry(scope).or_default();
                let rules: Vec<Option<&Rule<'_>>> = match role {
                    Some(r) => r.rules.iter().map(Some).collect(),
                    None => vec![None],
                };
                for rule in rules {
                    let mut grant = self.grant(binding, bound, *index, role, rule);
                    if let Some(group) = &via {
                        grant
                            .notes
                            .insert(0, format!("through membership of group {group}"));
                    }
                    entry.push(grant);
                }
            }
        }
        let mut notes = Vec::new();
        if let Subject::Group { name } = subject {
            notes.extend(group_note(name));
        } else if !groups.is_empty() {
            notes.push(format!("member of {}", groups.join(", ")));
        }
        if let Subject::User { .. } = subject {
            notes.push(
                "groups an authenticator adds (OIDC claims, certificate organisations) are not known from manifests"
                    .into(),
            );
        }
        WhatCan {
            subject: subject.clone(),
            scopes,
            notes,
        }
    }
}

fn group_note(name: &str) -> Option<String> {
    Some(match name {
        MASTERS => "system:masters is a superuser group: its members bypass RBAC entirely".into(),
        "system:authenticated" => "every authenticated user and service account".into(),
        "system:unauthenticated" => "anonymous requests (system:anonymous)".into(),
        "system:serviceaccounts" => "every service account of every namespace".into(),
        _ => format!(
            "every service account of namespace {}",
            name.strip_prefix("system:serviceaccounts:")?
        ),
    })
}

/// The answer of what-can.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatCan {
    pub subject: Subject,
    /// Namespace (or `*`) → grants.
    pub scopes: BTreeMap<String, Vec<Grant>>,
    pub notes: Vec<String>,
}
