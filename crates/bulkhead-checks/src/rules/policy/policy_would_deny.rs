use bulkhead_cel::vap::Outcome;

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Objects that a ValidatingAdmissionPolicy in the inputs would refuse. Every binding
    /// found beside the policy is applied the way the API server applies it on create:
    /// `matchConstraints` and the binding's `matchResources` (resource rules, namespace and
    /// object selectors), `paramKind` with the binding's `paramRef` (by name or selector,
    /// where the param object is among the inputs), `matchConditions`, `variables`, and each
    /// validation with its `message` or `messageExpression`. A binding whose
    /// `validationActions` only warn or audit gives a finding of lower severity.
    ///
    /// ## Why it matters
    /// A manifest that the cluster's own policy refuses fails at deploy time, often in the
    /// middle of a rollout. Seeing the refusal where the manifest is written, with the
    /// policy's message, moves that failure to review time.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: admissionregistration.k8s.io/v1
    /// kind: ValidatingAdmissionPolicy
    /// metadata: {name: demo-policy.example.com}
    /// spec:
    ///   matchConstraints:
    ///     resourceRules:
    ///       - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
    ///   validations:
    ///     - expression: "object.spec.replicas <= 5"
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// spec:
    ///   replicas: 10
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   replicas: 3
    /// ```
    /// Or change the policy, if it is the policy that is wrong.
    ///
    /// ## References
    /// - Kubernetes documentation, "Validating Admission Policy"
    pub static POLICY_WOULD_DENY = Check {
        id: "BHY001",
        slug: "admission-policy-would-deny",
        severity: Severity::High,
        family: Family::Policy,
        remediation: "change the object so that the policy's validations hold, or change the policy",
        compliance: Compliance::NONE,
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let objects = cx.inventory.objects();
    for outcome in cx.admission() {
        let Outcome::Denied {
            object,
            policy,
            binding,
            actions,
            message,
        } = outcome
        else {
            continue;
        };
        let Some(target) = objects.get(*object) else {
            continue;
        };
        let deny = actions.is_empty() || actions.iter().any(|a| a == "Deny");
        let (verb, severity) = if deny {
            ("would be denied", Severity::High)
        } else if actions.iter().any(|a| a == "Warn") {
            ("would be warned about", Severity::Medium)
        } else {
            ("would be audited", Severity::Low)
        };
        sink.report_with(
            target,
            bulkhead_cel::vap::AT_OBJECT,
            severity,
            format!(
                "{} {:?} {verb} by ValidatingAdmissionPolicy {policy:?} (binding {binding:?}): {message}",
                target.kind, target.name
            ),
        );
    }
}
