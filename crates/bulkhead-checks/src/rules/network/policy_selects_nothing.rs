use std::collections::HashMap;

use crate::rules::network::common::{has_operator_resources, NETWORK_POLICY_COMPLIANCE};
use crate::{declare_check, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// NetworkPolicies whose `podSelector` matches no workload of their namespace, when the
    /// scan holds workloads in that namespace (and no custom resources there, from which an
    /// operator may create the pods: a `Prometheus`, an `Alertmanager`...).
    ///
    /// ## Why it matters
    /// A policy that selects nothing protects nothing. It is usually a label typo or a
    /// renamed app, and the workload it was written for is left open while the policy's
    /// presence suggests otherwise.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   podSelector: {matchLabels: {app: payment}}   # the pods are labelled app: payments
    /// ```
    ///
    /// Use instead: select the labels the pod templates carry (`app: payments`).
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.3.2 (related; not mapped, see `common.rs`)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static POLICY_SELECTS_NOTHING = Check {
        id: "BHN003",
        slug: "network-policy-selects-nothing",
        severity: Severity::Low,
        family: Family::Network,
        remediation: "fix spec.podSelector so that it matches the labels of the pods it is meant to protect",
        compliance: NETWORK_POLICY_COMPLIANCE,
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let network = cx.network();
    // The workloads of each namespace and whether it holds operator resources, found once:
    // asking per policy walked every workload (and the namespace) for every policy.
    let by_namespace = network.workloads_by_namespace();
    let mut operated: HashMap<&str, bool> = HashMap::new();
    for policy in &network.policies {
        let Some(in_namespace) = by_namespace.get(policy.namespace.as_str()) else {
            continue;
        };
        let Some(selector) = &policy.pod_selector else {
            continue;
        };
        if *operated
            .entry(policy.namespace.as_str())
            .or_insert_with(|| has_operator_resources(cx.inventory, &policy.namespace))
        {
            continue;
        }
        let selects = in_namespace.iter().any(|&w| {
            let labels = &network.workloads[w].labels;
            selector.matches(|k| labels.get(k).map(String::as_str))
        });
        if selects {
            continue;
        }
        sink.report(
            policy.object,
            "/spec/podSelector",
            format!(
                "NetworkPolicy \"{}\" selects none of the {} workload(s) of namespace \"{}\"",
                policy.name,
                in_namespace.len(),
                policy.namespace
            ),
        );
    }
}
