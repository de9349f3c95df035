use bulkhead_cel::vap::Outcome;

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// ValidatingAdmissionPolicies and bindings in the inputs that could not be evaluated:
    /// an expression that does not compile or calls a function this build lacks (reported
    /// at the expression), a binding whose policy or param object is not among the inputs,
    /// an expression that fails on an object, a namespace selector over a namespace that
    /// was not scanned. Each is reported where it happened, so nothing counts as passed
    /// because it could not be judged.
    ///
    /// ## Why it matters
    /// On a cluster, a policy whose expression fails applies its `failurePolicy`, which
    /// refuses the request by default. Offline, an expression that cannot be evaluated
    /// tells nothing either way; saying so is the difference between "allowed" and
    /// "unknown".
    ///
    /// ## Example
    /// ```yaml
    /// validations:
    ///   - expression: "object.spec.replicas <= params.maxReplicas"
    /// # and a binding whose paramRef names a ConfigMap that is not in the inputs
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # scan the param object with the policy, the binding and the workloads
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Validating Admission Policy" (failure policy, parameter resources)
    pub static POLICY_NOT_EVALUATED = Check {
        id: "BHY002",
        slug: "admission-policy-not-evaluated",
        severity: Severity::Medium,
        family: Family::Policy,
        remediation: "fix the expression, or scan the policy, its bindings, params and namespaces together",
        compliance: Compliance::NONE,
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let objects = cx.inventory.objects();
    for outcome in cx.admission() {
        if let Outcome::NotEvaluated {
            object,
            pointer,
            message,
        } = outcome
        {
            if let Some(target) = objects.get(*object) {
                sink.report(target, pointer, message.clone());
            }
        }
    }
}
