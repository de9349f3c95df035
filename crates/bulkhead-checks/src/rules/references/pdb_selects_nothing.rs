use bulkhead_model::LabelSelector;

use crate::rules::references::pod_sources::{describe_namespace, without_runtime_labels};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// PodDisruptionBudgets whose `spec.selector` matches the pod template labels of no
    /// workload in their namespace, or that have no selector at all (a missing selector
    /// selects no pod; in `policy/v1beta1` an empty one did not either). Bulkhead only sees
    /// the scanned objects, so a budget is judged only when its own directory holds at least
    /// one workload of the same namespace (objects written without a namespace count as one
    /// namespace of their own), and then matched against every workload of that namespace in
    /// the scan. As for BHF001, a budget next to a custom resource that an operator turns
    /// into pods is not judged, and elsewhere such resources count as pods with their labels.
    ///
    /// ## Why it matters
    /// The budget protects nothing: node drains, cluster upgrades and autoscaler scale-downs
    /// may evict every replica of the workload it was written for at once, an outage during
    /// routine maintenance (or during the emergency patching of a vulnerability). It usually
    /// means a typo or labels renamed on one side only. The finding is low: it costs
    /// availability, not confidentiality.
    ///
    /// ## Example
    /// ```yaml
    /// kind: PodDisruptionBudget
    /// spec:
    ///   minAvailable: 1
    ///   selector:
    ///     matchLabels: {app: web-frontend}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   selector:
    ///     matchLabels: {app: frontend}   # the workload's pod template labels
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Specifying a Disruption Budget for your Application"
    pub static PDB_SELECTS_NOTHING = Check {
        id: "BHF004",
        slug: "pdb-selects-nothing",
        severity: Severity::Low,
        family: Family::References,
        remediation: "set spec.selector to the pod template labels of the workload the budget is for",
        compliance: Compliance::NONE,
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let sources = cx.pod_sources();
    for pdb in cx.inventory.of_kind("PodDisruptionBudget") {
        let namespace = pdb.namespace.as_deref();
        if !sources.has_workloads_beside(pdb) || sources.has_operator_resources_beside(pdb) {
            continue;
        }
        let workloads = sources.workload_count(namespace);
        let Some(node) = pdb
            .root
            .path(&["spec", "selector"])
            .filter(|n| !n.is_null())
        else {
            sink.report(
                pdb,
                "/spec/selector",
                format!(
                    "PodDisruptionBudget \"{}\" has no selector, so it protects no pod",
                    pdb.name
                ),
            );
            continue;
        };
        let Ok(selector) = LabelSelector::from_node(node) else {
            continue;
        };
        let written_empty = selector.is_empty();
        let selector = without_runtime_labels(selector);
        if selector.is_empty() && !written_empty {
            continue;
        }
        let empty_selects_none = pdb.api_version == "policy/v1beta1";
        if selector.is_empty() && !empty_selects_none {
            continue;
        }
        if !selector.is_empty() && sources.any_matches(namespace, &selector) {
            continue;
        }
        sink.report(
            pdb,
            "/spec/selector",
            format!(
                "PodDisruptionBudget \"{}\" selects no pod template of the {workloads} scanned workload(s) {}",
                pdb.name,
                describe_namespace(namespace)
            ),
        );
    }
}
