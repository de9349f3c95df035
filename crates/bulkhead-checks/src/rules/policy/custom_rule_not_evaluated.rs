use bulkhead_cel::Verdict;

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Custom rules (declared under `rules:` in `.bulkhead.yaml` or in a `--rules`
    /// directory) whose expression could not be evaluated on an object: it read a field
    /// the object does not have without `has()`, compared values of different types, or
    /// did not return a bool. The finding names the rule and the error; the rule's verdict
    /// on that object is unknown, never a pass.
    ///
    /// ## Why it matters
    /// A rule that errors on the objects it should judge protects nothing, and a rule that
    /// quietly skips them looks like a rule that passes.
    ///
    /// ## Example
    /// ```yaml
    /// expression: "object.spec.template.spec.hostNetwork == false"
    /// # errors on every Deployment that does not set hostNetwork
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// expression: "!has(object.spec.template.spec.hostNetwork) || !object.spec.template.spec.hostNetwork"
    /// ```
    ///
    /// ## References
    /// - docs/custom-rules.md
    pub static CUSTOM_RULE_NOT_EVALUATED = Check {
        id: "BHY003",
        slug: "custom-rule-not-evaluated",
        severity: Severity::Medium,
        family: Family::Policy,
        remediation: "guard optional fields with has() and make the expression return a bool",
        compliance: Compliance::NONE,
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let objects = cx.inventory.objects();
    for judged in cx.custom_verdicts() {
        let (Some(rule), Some(object), Verdict::Error(error)) = (
            cx.options.custom_rules.rule(judged.rule),
            objects.get(judged.object),
            &judged.verdict,
        ) else {
            continue;
        };
        sink.report(
            object,
            &rule.pointer,
            format!(
                "custom rule {} ({}) could not be evaluated on {} {:?}: {error}",
                rule.id, rule.declared_at, object.kind, object.name
            ),
        );
    }
}
