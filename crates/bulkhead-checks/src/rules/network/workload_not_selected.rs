use std::collections::BTreeSet;

use crate::rules::network::common::NETWORK_POLICY_COMPLIANCE;
use crate::{declare_check, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Workloads that no NetworkPolicy selects, when a NetworkPolicy of the same namespace is
    /// written beside them (same directory): the application uses policies, but this
    /// workload was left out. Directories without policies are not judged, so unrelated
    /// manifests scanned together do not report each other.
    ///
    /// ## Why it matters
    /// A pod no policy selects is isolated in neither direction: every pod of the cluster can
    /// reach it on every port, and it can reach everything. Usually its labels do not match
    /// what the policies were written for, or it was added after them.
    ///
    /// ## Example
    /// ```yaml
    /// # policies select app: api and app: db; the worker is not covered
    /// kind: Deployment
    /// metadata: {name: worker, namespace: shop}
    /// spec:
    ///   template:
    ///     metadata: {labels: {app: worker}}
    /// ```
    ///
    /// Use instead: a namespace default deny (`podSelector: {}`), plus a policy that allows
    /// what the worker needs.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.3.2 (related; not mapped, see `common.rs`)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static WORKLOAD_NOT_SELECTED = Check {
        id: "BHN012",
        slug: "workload-not-selected-by-policy",
        severity: Severity::Low,
        family: Family::Network,
        remediation: "add a default-deny NetworkPolicy to the namespace or a policy selecting the workload's labels",
        compliance: NETWORK_POLICY_COMPLIANCE,
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let network = cx.network();
    let with_policies: BTreeSet<(&str, &str)> = network
        .policies
        .iter()
        .map(|p| (p.namespace.as_str(), directory(&p.object.origin.file.path)))
        .collect();
    for (w, workload) in network.workloads.iter().enumerate() {
        let place = (
            workload.namespace.as_str(),
            directory(&workload.object.origin.file.path),
        );
        if !with_policies.contains(&place) || workload.host_network || network.selected_by_any(w) {
            continue;
        }
        let pointer = bulkhead_netpol::workload_pod(workload.object)
            .map_or("/metadata", |p| p.metadata_pointer);
        sink.report(
            workload.object,
            pointer,
            format!(
                "{} \"{}\" is selected by none of the NetworkPolicies of namespace \"{}\": all traffic to and from it is allowed",
                workload.kind, workload.name, workload.namespace
            ),
        );
    }
}

/// The directory part of a path (`-` and bare file names: empty).
fn directory(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}
