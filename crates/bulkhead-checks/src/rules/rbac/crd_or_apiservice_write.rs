use crate::rules::rbac::{allowed_verb_named, names_suffix, report_rules};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules that allow creating, changing or deleting CustomResourceDefinitions, APIServices, or
    /// admission policies (ValidatingAdmissionPolicies, their bindings, MutatingAdmissionPolicies).
    ///
    /// ## Why it matters
    /// An APIService sends every request for an API group to a service of the writer's choice,
    /// which then sees the requests, and the credentials forwarded with them, and answers them.
    /// Changing or deleting a CustomResourceDefinition breaks or hijacks the controllers that
    /// depend on it, and an admission policy can reject or rewrite what the cluster accepts. It is
    /// control of the control plane.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["apiregistration.k8s.io"]
    ///     resources: ["apiservices"]
    ///     verbs: ["create", "update", "patch"]
    /// ```
    ///
    /// Use instead: grant read access, and manage API extensions through the cluster
    /// administrators' pipeline.
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["apiregistration.k8s.io"]
    ///     resources: ["apiservices"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.12 (related)
    /// - MITRE ATT&CK T1562.001 (Impair Defenses: Disable or Modify Tools)
    /// - Kubernetes documentation, "RBAC good practices", Escalation risks
    pub static CRD_OR_APISERVICE_WRITE = Check {
        id: "BHR015",
        slug: "crd-or-apiservice-write",
        severity: Severity::High,
        family: Family::Rbac,
        remediation: "leave CustomResourceDefinitions, APIServices and admission policies to the cluster administrators; grant read access only",
        compliance: Compliance {
            cis: &["5.1.12"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1562.001"],
        },
        run: Run::Inventory(check),
    };
}

/// The resources, their group, and what writing them gives.
const RESOURCES: &[(&str, &str, &str)] = &[
    (
        "apiextensions.k8s.io",
        "customresourcedefinitions",
        "changing the APIs that controllers rely on",
    ),
    (
        "apiregistration.k8s.io",
        "apiservices",
        "redirecting whole API groups to a service of one's choice",
    ),
    (
        "admissionregistration.k8s.io",
        "validatingadmissionpolicies",
        "control of admission for the whole cluster",
    ),
    (
        "admissionregistration.k8s.io",
        "validatingadmissionpolicybindings",
        "control of admission for the whole cluster",
    ),
    (
        "admissionregistration.k8s.io",
        "mutatingadmissionpolicies",
        "control of admission for the whole cluster",
    ),
];

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_rules(cx, sink, |rule| {
        RESOURCES.iter().find_map(|(group, resource, risk)| {
            let (verb, names) = allowed_verb_named(
                rule,
                &["create", "update", "patch", "delete", "deletecollection"],
                group,
                resource,
                None,
            )?;
            Some(format!(
                "allows {verb} on {resource}{}: {risk}",
                names_suffix(names)
            ))
        })
    });
}
