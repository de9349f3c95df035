use bulkhead_rbac::{rule_allows, BindingKind, Request, RoleKind, Rule, Target};

use crate::rules::rbac::{is_full_wildcard, reportable_roles};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules that allow update or patch on the `aws-auth` or `coredns` ConfigMap, by name or on
    /// every ConfigMap, when a binding grants them in `kube-system` or cluster-wide.
    ///
    /// ## Why it matters
    /// On EKS, `kube-system/aws-auth` maps IAM identities to Kubernetes users and groups: adding
    /// one's own role to `system:masters` is cluster-admin. `kube-system/coredns` is the cluster's
    /// DNS configuration: rewriting it sends any service name to an address of one's choice.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["configmaps"]
    ///     resourceNames: ["aws-auth"]
    ///     verbs: ["get", "patch"]
    /// ```
    ///
    /// Use instead: manage access entries through the EKS API (or the cluster administrators'
    /// pipeline), and grant write access only to the ConfigMaps of the workload's own namespace.
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["configmaps"]
    ///     resourceNames: ["aws-auth"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## References
    /// - MITRE ATT&CK T1098 (Account Manipulation)
    /// - Amazon EKS documentation, "Grant IAM users access to Kubernetes with a ConfigMap"
    /// - Kubernetes documentation, "RBAC good practices", Escalation risks
    pub static SENSITIVE_CONFIGMAP_WRITE = Check {
        id: "BHR018",
        slug: "sensitive-configmap-write",
        severity: Severity::High,
        family: Family::Rbac,
        remediation: "remove update and patch on the kube-system aws-auth and coredns ConfigMaps; manage identity mappings and cluster DNS through the administrators' pipeline",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1098"],
        },
        run: Run::Inventory(check),
    };
}

const KUBE_SYSTEM: &str = "kube-system";

/// The first of update/patch the rule allows on the kube-system ConfigMap `name`.
fn allowed_on(rule: &Rule<'_>, name: &str) -> Option<&'static str> {
    ["update", "patch"].into_iter().find(|verb| {
        rule_allows(
            rule,
            &Request {
                verb: verb.to_string(),
                target: Target::Resource {
                    group: String::new(),
                    resource: "configmaps".into(),
                    subresource: None,
                    name: Some(name.into()),
                },
                namespace: Some(KUBE_SYSTEM.into()),
            },
        )
    })
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let rbac = cx.rbac();
    for role in reportable_roles(rbac) {
        let Some(object) = role.object else { continue };
        let risky: Vec<_> = role
            .rules
            .iter()
            .filter(|r| r.object.is_some_and(|o| std::ptr::eq(o, object)))
            .filter(|r| !is_full_wildcard(r))
            .filter_map(|rule| {
                if let Some(verb) = allowed_on(rule, "aws-auth") {
                    let what = if rule.resource_names.is_empty() {
                        "every configmap, aws-auth and coredns included"
                    } else {
                        "configmap aws-auth: mapping IAM identities to cluster-admin"
                    };
                    Some((rule, verb, what, Severity::High))
                } else {
                    allowed_on(rule, "coredns").map(|verb| {
                        (
                            rule,
                            verb,
                            "configmap coredns: the cluster's DNS",
                            Severity::Medium,
                        )
                    })
                }
            })
            .collect();
        // Looking for the binding is the expensive part: only for roles that could matter.
        if risky.is_empty() {
            continue;
        }
        // A binding that grants the role in kube-system: a ClusterRoleBinding (to a
        // ClusterRole), or a RoleBinding of kube-system. Built-in roles count only through
        // bindings to subjects that are not built in.
        let Some(binding) = rbac.bindings.iter().find(|b| {
            rbac.role_of(b).is_some_and(|r| std::ptr::eq(r, role))
                && (!role.default || b.subjects.iter().any(|(s, _)| !s.is_default()))
                && match b.kind {
                    BindingKind::ClusterRoleBinding => role.kind == RoleKind::ClusterRole,
                    BindingKind::RoleBinding => b.namespace.as_deref() == Some(KUBE_SYSTEM),
                }
        }) else {
            continue;
        };
        let scope = match binding.kind {
            BindingKind::ClusterRoleBinding => "cluster-wide",
            BindingKind::RoleBinding => "in kube-system",
        };
        for (rule, verb, what, severity) in risky {
            sink.report_with(
                object,
                &format!("/rules/{}/verbs", rule.index),
                severity,
                format!(
                    "{} rule {} allows {verb} on {what}, granted {scope} by {}",
                    role.display(),
                    rule.index,
                    binding.display()
                ),
            );
        }
    }
}
