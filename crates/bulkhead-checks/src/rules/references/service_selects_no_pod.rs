use bulkhead_model::{LabelSelector, Node, Object};

use crate::rules::references::pod_sources::{
    describe_labels, describe_namespace, without_runtime_labels,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Services whose `spec.selector` matches the pod template labels of no workload in
    /// their namespace. Bulkhead only sees the scanned objects, so a Service is judged only
    /// when its own directory holds at least one workload of the same namespace (objects
    /// written without a namespace count as one namespace of their own), and then looked up
    /// against every workload of that namespace in the scan; a Service file scanned without
    /// its workloads says nothing.
    ///
    /// Operators create pods with labels no manifest shows: when the Service's directory
    /// holds, for its namespace, a custom resource that looks like it makes pods (its `spec`
    /// has `replicas`, `image`, `podMetadata`, `template`, ...), the Service is not judged,
    /// and elsewhere the labels of such resources count as pod labels. Labels the control
    /// plane adds at run time (`statefulset.kubernetes.io/pod-name`, `job-name`,
    /// `pod-template-hash`, ...) are ignored in selectors. Services without a selector
    /// (`ExternalName`, manually managed Endpoints) and the apex Services of SMI
    /// `TrafficSplit`s (whose selector a service mesh does not use) are not checked.
    ///
    /// ## Why it matters
    /// A Service that selects nothing sends its traffic nowhere, usually because of a typo or
    /// a label renamed on one side only. It is also an open slot: any pod later created in
    /// the namespace with the matching labels, by anyone allowed to create pods there,
    /// receives the Service's traffic and whatever credentials clients send with it. The
    /// finding is low: a broken reference first, a security problem only with a second
    /// mistake.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   selector: {app: web-frontend}
    /// ---
    /// kind: Deployment
    /// spec:
    ///   template:
    ///     metadata:
    ///       labels: {app: frontend}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   selector: {app: frontend}
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Service" (services with selectors) and "Labels and
    ///   Selectors"
    pub static SERVICE_SELECTS_NO_POD = Check {
        id: "BHF001",
        slug: "service-selects-no-pod",
        severity: Severity::Low,
        family: Family::References,
        remediation: "fix the selector (or the pod template labels) so that the Service selects the pods it is meant for",
        compliance: Compliance::NONE,
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let sources = cx.pod_sources();
    for service in cx.inventory.of_kind("Service") {
        if !service.group().is_empty() || is_traffic_split_apex(cx, service) {
            continue;
        }
        let spec = service.root.get("spec");
        if spec.and_then(|s| s.get("type")).and_then(Node::as_str) == Some("ExternalName") {
            continue;
        }
        let Some(node) = spec.and_then(|s| s.get("selector")).filter(|n| n.is_map()) else {
            continue;
        };
        let Ok(selector) = LabelSelector::from_match_labels(Some(node)) else {
            continue;
        };
        let selector = without_runtime_labels(selector);
        let namespace = service.namespace.as_deref();
        if selector.is_empty()
            || !sources.has_workloads_beside(service)
            || sources.has_operator_resources_beside(service)
            || sources.any_matches(namespace, &selector)
        {
            continue;
        }
        let workloads = sources.workload_count(namespace);
        sink.report(
            service,
            "/spec/selector",
            format!(
                "Service \"{}\" selects {}, which no pod template of the {workloads} scanned workload(s) {} carries",
                service.name,
                describe_labels(node),
                describe_namespace(namespace)
            ),
        );
    }
}

/// Whether an SMI TrafficSplit in the Service's namespace routes for it (`spec.service`).
fn is_traffic_split_apex(cx: &Context<'_>, service: &Object) -> bool {
    cx.inventory
        .of_kind_in("TrafficSplit", service.namespace.as_deref())
        .any(|split| {
            split.root.path(&["spec", "service"]).and_then(Node::as_str)
                == Some(service.name.as_str())
        })
}
